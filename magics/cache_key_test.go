package magics

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"gotaegis/kernel/display"
)

// sessionVars is a session's variables kept in a map.
type sessionVars map[string]any

func (v sessionVars) Get(name string) (any, bool)  { x, ok := v[name]; return x, ok }
func (v sessionVars) Set(name string, x any) error { v[name] = x; return nil }
func (v sessionVars) Eval(string) (any, error)     { return nil, errors.New("no expressions here") }

// saveOutput writes a notebook whose one code cell holds the output b, as Jupyter saves it.
func saveOutput(t *testing.T, path, source string, b *display.Bundle) {
	t.Helper()
	nb := map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{},
		"cells": []any{map[string]any{"cell_type": "code", "source": source,
			"metadata": map[string]any{}, "execution_count": 1,
			"outputs": []any{map[string]any{"output_type": "execute_result",
				"execution_count": 1, "data": b.Data, "metadata": b.Metadata}}}}}
	data, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCacheKeyHoldsTheMacrosTenants(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	hook := NewHook(e.Env)
	nb := filepath.Join(t.TempDir(), "hunt.ipynb")
	vars := sessionVars{"TAEGIS_NOTEBOOK_FILENAME": nb}
	const line = `%taegis alerts search --tenant @hunt --cache --assign cached --limit 2 ` +
		`--cell "FROM alert EARLIEST=-30d"`
	run := func() (*display.Bundle, *Result) {
		t.Helper()
		out := &streamOutput{}
		b, err := hook(context.Background(), line, "", vars, out)
		if err != nil || b == nil {
			t.Fatalf("%s: %v\nstderr: %s", line, err, out.stderr.String())
		}
		r, _ := vars[ResultVar].(*Result)
		if r == nil {
			t.Fatalf("no %s after the call", ResultVar)
		}
		return b, r
	}
	onlyIn := func(r *Result, tenant string) {
		t.Helper()
		if len(r.Records) == 0 {
			t.Fatal("no records")
		}
		for _, rec := range r.Records {
			if rec["tenant_id"] != tenant {
				t.Fatalf("a record of tenant %v, want %s", rec["tenant_id"], tenant)
			}
		}
	}

	useMacros(t, "macros:\n  hunt:\n    ids: ["+ids[0]+"]\n")
	first, r1 := run()
	onlyIn(r1, ids[0])
	saveOutput(t, nb, line, first)

	// The same line over the same tenants is served from the notebook: the same search.
	again, r2 := run()
	if again.Metadata["hash"] != first.Metadata["hash"] || r2.QueryID != r1.QueryID ||
		r1.QueryID == "" {
		t.Fatalf("not served from the cache: hash %v then %v, query id %q then %q",
			first.Metadata["hash"], again.Metadata["hash"], r1.QueryID, r2.QueryID)
	}

	// The macro now selects another tenant: the same line is a new search there.
	useMacros(t, "macros:\n  hunt:\n    ids: ["+ids[1]+"]\n")
	moved, r3 := run()
	if moved.Metadata["hash"] == first.Metadata["hash"] || r3.QueryID == r1.QueryID {
		t.Fatalf("served the old tenants' result: hash %v, query id %q",
			moved.Metadata["hash"], r3.QueryID)
	}
	onlyIn(r3, ids[1])
	want := CacheKey(`["alerts","search","--tenant","@hunt","--cache","--assign","cached",`+
		`"--limit","2","--cell","FROM alert EARLIEST=-30d"]`, "FROM alert EARLIEST=-30d", "",
		[]string{ids[1]})
	if moved.Metadata["hash"] != want {
		t.Errorf("hash %v, want the key of the line, the query, no region and tenant %s",
			moved.Metadata["hash"], ids[1])
	}
}

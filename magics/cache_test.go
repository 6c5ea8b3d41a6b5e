package magics

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleResult() *Result {
	return &Result{
		Command: "alerts search", Service: "alerts", Region: "local", Tenants: []string{"11"},
		Records: []map[string]any{
			{"id": "alert://1", "metadata": map[string]any{"title": "<script>x</script>",
				"severity": 0.9}},
			{"id": "alert://2", "tags": []any{"a", "b"}},
		},
		Total: 2, QueryID: "q-1",
		Provenance: Provenance{Query: "FROM alert", Region: "local", Tenants: []string{"11"},
			Earliest: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Latest:   time.Date(2026, 1, 3, 3, 4, 5, 0, time.UTC), Rows: 2, Pages: 1,
			Hash: "abc"},
	}
}

func TestCacheRoundTrip(t *testing.T) {
	r := sampleResult()
	payload, err := EncodeCache(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeCache(payload)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("round trip:\n%+v\nwant\n%+v", got, r)
	}
}

func TestDecodeCacheForeign(t *testing.T) {
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		_, _ = w.Write([]byte(s))
		_ = w.Close()
		return base64.StdEncoding.EncodeToString(b.Bytes())
	}
	for name, payload := range map[string]string{
		"not base64":    "%%%",
		"lzma pickle":   base64.StdEncoding.EncodeToString([]byte{0xfd, '7', 'z', 'X', 'Z'}),
		"other version": gz(`{"version":2,"result":{}}`),
		"no result":     gz(`{"version":1}`),
		"not json":      gz(`{`),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := DecodeCache(payload); err == nil {
				t.Fatal("decoded a foreign payload")
			}
		})
	}
}

func TestCacheKey(t *testing.T) {
	base := CacheKey("alerts search --cache --assign a", "FROM alert", "local",
		[]string{"1", "2"})
	if len(base) != 64 {
		t.Fatalf("key %q is not a hex sha256", base)
	}
	if got := CacheKey("alerts search --cache --assign a", "FROM alert", "local",
		[]string{"2", "1"}); got != base {
		t.Fatal("tenant order changed the key")
	}
	for name, k := range map[string]string{
		"line":    CacheKey("alerts search --cache --assign b", "FROM alert", "local", nil),
		"cell":    CacheKey("alerts search --cache --assign a", "FROM alerts", "local", nil),
		"region":  CacheKey("alerts search --cache --assign a", "FROM alert", "delta", nil),
		"tenants": CacheKey("alerts search --cache --assign a", "FROM alert", "local", nil),
		"split":   CacheKey("alerts search --cache --assign a", "FROM alert", "local1,2", nil),
	} {
		if k == base {
			t.Errorf("changing the %s kept the key", name)
		}
	}
}

// writeNotebook writes an nbformat 4 notebook whose one cell has outputs with metadata.
func writeNotebook(t *testing.T, metas ...map[string]any) string {
	t.Helper()
	var outputs []any
	for _, m := range metas {
		outputs = append(outputs, map[string]any{"output_type": "display_data",
			"data": map[string]any{"text/plain": "x"}, "metadata": m})
	}
	nb := map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{},
		"cells": []any{
			map[string]any{"cell_type": "markdown", "source": "# Hunt",
				"metadata": map[string]any{}},
			map[string]any{"cell_type": "code", "source": "%%taegis", "metadata": map[string]any{},
				"outputs": outputs, "execution_count": 1},
		}}
	data, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hunt.ipynb")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLookupCache(t *testing.T) {
	r := sampleResult()
	payload, err := EncodeCache(r)
	if err != nil {
		t.Fatal(err)
	}
	path := writeNotebook(t,
		map[string]any{"name": "alerts", "hash": "k1", "data": "cHl0aG9uIHBpY2tsZQ=="},
		cacheMetadata("alerts", "k1", payload),
		cacheMetadata("other", "k2", payload))
	got, err := LookupCache(path, "alerts", "k1")
	if err != nil || got == nil {
		t.Fatalf("LookupCache = %v, %v", got, err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("got %+v", got)
	}
	for _, miss := range [][2]string{{"alerts", "k2"}, {"other", "k1"}, {"none", "k9"}} {
		if got, err := LookupCache(path, miss[0], miss[1]); err != nil || got != nil {
			t.Errorf("LookupCache(%q, %q) = %v, %v; want a miss", miss[0], miss[1], got, err)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.ipynb")
	if err := os.WriteFile(bad, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LookupCache(bad, "a", "b"); err == nil || !strings.Contains(err.Error(),
		"not a notebook") {
		t.Fatalf("bad notebook: %v", err)
	}
}

func TestNotebookPath(t *testing.T) {
	path := writeNotebook(t)
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name   string
		vars   map[string]any
		env    map[string]string
		want   string
		errHas string
	}{
		{"variable", map[string]any{"TAEGIS_NOTEBOOK_FILENAME": path}, nil, path, ""},
		{"environment", nil, map[string]string{"TAEGIS_NOTEBOOK_FILENAME": path}, path, ""},
		{"session name", nil, map[string]string{"JPY_SESSION_NAME": path}, path, ""},
		{"variable first", map[string]any{"TAEGIS_NOTEBOOK_FILENAME": path},
			map[string]string{"JPY_SESSION_NAME": "/nope.ipynb"}, path, ""},
		{"missing file", nil, map[string]string{"TAEGIS_NOTEBOOK_FILENAME": "/nope.ipynb"}, "",
			"notebook /nope.ipynb not found"},
		{"nothing", nil, nil, "", "set TAEGIS_NOTEBOOK_FILENAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NotebookPath(mapVars{vars: tt.vars}, env(tt.env))
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("error %v, want %q", err, tt.errHas)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NotebookPath = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

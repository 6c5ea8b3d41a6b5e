package magics

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// useMacros makes path the macros file, as configure macros path does, until the test ends.
func useMacros(t *testing.T, text string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "macros.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := (&magicsSettings{MacrosPath: path}).save(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(magicsSettingsPath()) })
}

func TestTenantMacroKeepsTheTenantsThatWork(t *testing.T) {
	ids := tenants(t)
	// 99999 is a tenant the token does not grant: the emulator refuses it.
	useMacros(t, "macros:\n  hunt:\n    ids: ["+ids[0]+", "+ids[1]+"]\n")
	e := newEnv(t)

	r := e.run(t, "alerts search --tenant @hunt --limit 3", "--cell", "FROM alert EARLIEST=-30d")
	if !slices.Equal(r.Tenants, ids[:2]) || len(r.Records) != 6 || r.Provenance.Partial {
		t.Fatalf("tenants %v, %d records, partial %v", r.Tenants, len(r.Records),
			r.Provenance.Partial)
	}
	for i, rec := range r.Records {
		if want := ids[i/3]; rec["tenant_id"] != want {
			t.Fatalf("record %d has tenant %v, want %s", i, rec["tenant_id"], want)
		}
	}

	r = e.run(t, "alerts search --tenant "+ids[0]+",99999,"+ids[1], "--limit", "2", "--cell",
		"FROM alert EARLIEST=-30d")
	if !r.Provenance.Partial || len(r.Provenance.Errors) != 1 ||
		!strings.Contains(r.Provenance.Errors[0], "tenant 99999") || len(r.Records) != 4 {
		t.Fatalf("partial %v, errors %v, %d records", r.Provenance.Partial,
			r.Provenance.Errors, len(r.Records))
	}
	if !strings.Contains(e.errs.String(), "partial result") {
		t.Fatalf("no warning on stderr: %q", e.errs)
	}

	tracked := e.run(t, "alerts search --tenant @hunt --limit 1 --track --database :memory:",
		"--cell", "FROM alert EARLIEST=-30d")
	queue := e.run(t, "investigations search-queries list --database :memory:")
	queued := tenantsOf(queue.Records)
	slices.Sort(queued)
	if len(tracked.searches) != 2 || len(queue.Records) != 2 || !slices.Equal(queued, ids[:2]) {
		t.Fatalf("tracked %v, queue %v", tracked.searches, queue.Records)
	}

	events := e.run(t, "events search --tenant @hunt --limit 5", "--cell",
		"FROM process EARLIEST=-7d")
	if len(events.Records) != 10 || !slices.Equal(tenantsOf(events.Records), ids[:2]) {
		t.Fatalf("events over the macro: %d records of %v", len(events.Records),
			tenantsOf(events.Records))
	}

	for _, tt := range []struct{ tenant, want string }{
		{"@nosuch", "unknown tenant macro @nosuch; macros in"},
		{"99999", "99999"},
	} {
		_, err := Run(context.Background(), e.Env, []string{"alerts", "search", "--tenant",
			tt.tenant, "--cell", "FROM alert"})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("--tenant %s: got %v, want %q", tt.tenant, err, tt.want)
		}
	}
}

func TestDefaultMacros(t *testing.T) {
	m, source, err := LoadMacros(nil)
	if err != nil || source != "built-in" {
		t.Fatalf("%v from %s", err, source)
	}
	mdr, ok := m.Macros["mdr"]
	if !ok || !slices.Contains(mdr.Services, "*MDR*") || len(mdr.queries()) != 6 {
		t.Fatalf("mdr macro: %+v", mdr)
	}
	e := newEnv(t)
	all := len(e.run(t, "tenants search").Records)
	// The emulator matches subscription names exactly, where Taegis takes the macro's
	// * wildcards, so @mdr may select no tenant here; either way the search must run.
	r := e.run(t, "alerts search --tenant @mdr --limit 1", "--cell", "FROM alert EARLIEST=-30d")
	if len(r.Tenants) > all {
		t.Fatalf("@mdr selects %d tenants of %d", len(r.Tenants), all)
	}

	useMacros(t, "macros:\n  none:\n    services: [\"No Such Service\"]\n"+
		"  mdr-exact:\n    services: [MDR, XDR]\n")
	r = e.run(t, "alerts search --tenant @none", "--cell", "FROM alert EARLIEST=-30d")
	if len(r.Tenants) != 0 || len(r.Records) != 0 || r.Message == "" ||
		!strings.Contains(e.errs.String(), "selects no tenant") {
		t.Fatalf("a macro without tenants: %+v, stderr %q", r, e.errs)
	}
	r = e.run(t, "tenants search --service MDR --service XDR")
	exact := e.run(t, "alerts search --tenant @mdr-exact --limit 1", "--cell",
		"FROM alert EARLIEST=-30d")
	if len(exact.Tenants) == 0 || len(exact.Tenants) != len(r.Records) {
		t.Fatalf("@mdr-exact selects %d tenants, tenants search finds %d", len(exact.Tenants),
			len(r.Records))
	}
}

func TestParseMacros(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"empty file", "", ""},
		{"labels", "macros:\n  fin:\n    labels: [{name: industry, value: finance}]\n", ""},
		{"misspelt filter", "macros:\n  x:\n    service: [MDR]\n", "field service not found"},
		{"label without name", "macros:\n  x:\n    labels: [{value: v}]\n", "needs a name"},
		{"bad name", "macros:\n  'a b':\n    ids: [1]\n", "bad macro name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMacros([]byte(tt.text))
			if tt.want == "" && err != nil || tt.want != "" &&
				(err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

package magics

import (
	"fmt"
	"path"
	"slices"
	"testing"
)

// labelOf returns the value of a tenant record's label name, or "".
func labelOf(rec map[string]any, name string) string {
	labels, _ := rec["labels"].([]any)
	for _, l := range labels {
		m, _ := l.(map[string]any)
		if m["name"] == name {
			v, _ := m["value"].(string)
			return v
		}
	}
	return ""
}

func TestTenantMacroLabelWildcards(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	all := e.run(t, "tenants search").Records
	// The pattern is made from a tenant's own tier, so the dataset's draw cannot leave it
	// matching nothing.
	var first map[string]any
	for _, rec := range all {
		if rec["id"] == ids[0] {
			first = rec
		}
	}
	tier := labelOf(first, "tier")
	if tier == "" {
		t.Fatalf("tenant %s has no tier label: %v", ids[0], first)
	}
	pattern := tier[:1] + "*"
	var want []string
	for _, rec := range all {
		if ok, _ := path.Match(pattern, labelOf(rec, "tier")); ok {
			want = append(want, rec["id"].(string))
		}
	}
	if len(want) == len(all) {
		t.Fatalf("every tenant's tier matches %s: the test cannot tell", pattern)
	}

	searched := e.run(t, "tenants search --label", "tier="+pattern)
	var got []string
	for _, rec := range searched.Records {
		got = append(got, rec["id"].(string))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tenants search --label tier=%s: %v, want %v", pattern, got, want)
	}

	useMacros(t, "macros:\n  tiered:\n    labels:\n      - {name: \"ti*\", value: \""+
		pattern+"\"}\n")
	r := e.run(t, "alerts search --tenant @tiered --limit 1", "--cell",
		"FROM alert EARLIEST=-30d")
	if !slices.Equal(r.Tenants, want) {
		t.Fatalf("@tiered resolved to %v, want %v", r.Tenants, want)
	}
	if !slices.Contains(r.Tenants, ids[0]) {
		t.Fatalf("@tiered lost tenant %s, whose tier %s matches %s", ids[0], tier, pattern)
	}
}

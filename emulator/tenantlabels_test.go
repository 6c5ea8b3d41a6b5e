package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"testing"

	"gotaegis/emulator"
)

// TestTenantsV4LabelWildcards checks labelsMatch with * in label names and values against
// the answer computed from the full list.
func TestTenantsV4LabelWildcards(t *testing.T) {
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: t.TempDir(),
		Tenants: 20, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]
	type labelled struct {
		ID     string
		Labels []struct{ Name, Value string }
	}
	const query = `query($q: TenantsQuery!) { tenants(tenantsQuery: $q) {
		tenants { id labels { name value } } } }`
	list := func(t *testing.T, q map[string]any) []labelled {
		t.Helper()
		q["count"] = 1000
		r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, query, map[string]any{"q": q})
		var out struct{ Tenants []labelled }
		if err := json.Unmarshal(r.Data["tenants"], &out); err != nil || len(r.Errors) > 0 {
			t.Fatalf("tenants: %v %+v", err, r.Errors)
		}
		return out.Tenants
	}
	all := list(t, map[string]any{})
	// want lists the tenants with a label whose name and value match the glob patterns.
	want := func(name, value string) []string {
		out := []string{}
		for _, x := range all {
			if slices.ContainsFunc(x.Labels, func(l struct{ Name, Value string }) bool {
				n, _ := path.Match(name, l.Name)
				v, _ := path.Match(value, l.Value)
				return n && v
			}) {
				out = append(out, x.ID)
			}
		}
		return out
	}
	tests := []struct {
		name        string
		matcher     map[string]any
		glob, value string
	}{
		{"exact", map[string]any{"name": "tier", "value": "gold"}, "tier", "gold"},
		{"value prefix", map[string]any{"name": "tier", "value": "g*"}, "tier", "g*"},
		{"value infix", map[string]any{"name": "industry", "value": "*an*"}, "industry", "*an*"},
		{"value suffix, any case", map[string]any{"name": "industry", "value": "*CARE"},
			"industry", "*care"},
		{"name wildcard", map[string]any{"name": "ind*", "value": "retail"}, "ind*", "retail"},
		{"any value", map[string]any{"name": "region"}, "region", "*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := want(tt.glob, tt.value)
			if tt.name != "any value" && (len(w) == 0 || len(w) == len(all)) {
				t.Fatalf("the dataset cannot tell this filter apart: it wants %d of %d tenants",
					len(w), len(all))
			}
			got := []string{}
			for _, x := range list(t, map[string]any{"labelsMatch": []any{tt.matcher}}) {
				got = append(got, x.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("got %v, want %v", got, w)
			}
		})
	}
}

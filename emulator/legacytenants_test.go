package emulator_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"gotaegis/emulator"
)

// legacyTenant is the part of a legacy tenant the filter tests compare.
type legacyTenant struct {
	ID           string
	Environments []struct {
		Name    string
		Enabled bool
	}
	Labels []struct{ Name, Value string }
}

// TestLegacyTenantFilters checks the legacy gateway names environments with its own enum and
// applies environmentFilter and labelFilter, against answers computed from the full list.
func TestLegacyTenantFilters(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]
	const query = `query($q: TenantsQuery!) { tenants(tenantsQuery: $q) { totalCount
		results { id environments { name enabled } labels { name value } } } }`
	list := func(t *testing.T, q map[string]any) []legacyTenant {
		t.Helper()
		q["maxResults"] = 1000
		r := post(t, srv.URL()+emulator.PathTenants, tok, tenant, query,
			map[string]any{"q": q})
		var out struct{ Results []legacyTenant }
		if err := json.Unmarshal(r.Data["tenants"], &out); err != nil || len(r.Errors) > 0 {
			t.Fatalf("tenants: %v %+v", err, r.Errors)
		}
		return out.Results
	}
	ids := func(all []legacyTenant, keep func(legacyTenant) bool) []string {
		out := []string{}
		for _, x := range all {
			if keep(x) {
				out = append(out, x.ID)
			}
		}
		return out
	}

	all := list(t, map[string]any{})
	known := []string{"production", "pilot", "delta", "echo", "foxtrot", "golf", "hotel",
		"india", "juliet", "kilo", "quebec"}
	envs := map[string]bool{}
	for _, x := range all {
		for _, e := range x.Environments {
			if !slices.Contains(known, e.Name) {
				t.Fatalf("tenant %s has environment %q, not a TenantEnvironment value", x.ID,
					e.Name)
			}
			envs[e.Name] = true
		}
	}
	if len(all) == 0 || len(all[0].Labels) == 0 {
		t.Fatalf("no tenants or labels to filter: %+v", all)
	}
	label := all[0].Labels[0]

	type test struct {
		name   string
		filter map[string]any
		want   []string
	}
	var tests []test
	for _, env := range slices.Sorted(maps.Keys(envs)) {
		tests = append(tests, test{"environment " + env, map[string]any{
			"environmentFilter": map[string]any{"name": env}},
			ids(all, func(x legacyTenant) bool {
				return slices.ContainsFunc(x.Environments, func(e struct {
					Name    string
					Enabled bool
				}) bool {
					return e.Name == env
				})
			})})
	}
	tests = append(tests,
		test{"label name", map[string]any{"labelFilter": map[string]any{
			"label_name": label.Name}}, ids(all, func(x legacyTenant) bool {
			return slices.ContainsFunc(x.Labels, func(l struct{ Name, Value string }) bool {
				return l.Name == label.Name
			})
		})},
		test{"label value", map[string]any{"labelFilter": map[string]any{
			"label_name": label.Name, "label_value": label.Value}},
			ids(all, func(x legacyTenant) bool {
				return slices.Contains(x.Labels, label)
			})})
	narrowed := false
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(list(t, tt.filter), func(legacyTenant) bool { return true })
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
		narrowed = narrowed || len(tt.want) < len(all)
	}
	if !narrowed {
		t.Errorf("no filter selects fewer than all %d tenants; the test proves nothing", len(all))
	}
}

package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"gotaegis/emulator"
)

// tenantV4 is the part of a tenants v4 record the filter tests compare.
type tenantV4 struct {
	ID, PartnerTenantID, OrganizationTenantID, ParentTenantID string
	IsPartner, HasSupportEnabled                              bool
	EnabledAtEnvironments                                     []string
	Subscriptions                                             []struct{ Name, ServiceID string }
}

// TestTenantsV4Filters checks each tenants v4 filter against the answer computed from the
// full list.
func TestTenantsV4Filters(t *testing.T) {
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: t.TempDir(),
		Tenants: 20, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]
	const query = `query($q: TenantsQuery!) { tenants(tenantsQuery: $q) { totalCount tenants {
		id partnerTenantID organizationTenantID parentTenantID isPartner hasSupportEnabled
		enabledAtEnvironments subscriptions { name serviceID } } } }`
	list := func(t *testing.T, q map[string]any) []tenantV4 {
		t.Helper()
		q["count"] = 1000
		r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, query, map[string]any{"q": q})
		var out struct{ Tenants []tenantV4 }
		if err := json.Unmarshal(r.Data["tenants"], &out); err != nil || len(r.Errors) > 0 {
			t.Fatalf("tenants: %v %+v", err, r.Errors)
		}
		return out.Tenants
	}
	all := list(t, map[string]any{})
	ids := func(keep func(tenantV4) bool) []string {
		out := []string{}
		for _, x := range all {
			if keep(x) {
				out = append(out, x.ID)
			}
		}
		return out
	}
	var org, env, service string
	for _, x := range all {
		if x.ParentTenantID != "" && x.ParentTenantID != x.PartnerTenantID && org == "" {
			org = x.ParentTenantID
		}
		if len(x.EnabledAtEnvironments) > 0 && env == "" {
			env = x.EnabledAtEnvironments[0]
		}
	}
	counts := map[string]int{}
	for _, x := range all {
		for _, s := range x.Subscriptions {
			counts[s.Name]++
		}
	}
	for name, n := range counts {
		if n < len(all) && (service == "" || name < service) {
			service = name
		}
	}

	tests := []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"isPartnerRoot", map[string]any{"isPartnerRoot": true},
			ids(func(x tenantV4) bool { return x.IsPartner })},
		{"supportEnabled", map[string]any{"supportEnabled": false},
			ids(func(x tenantV4) bool { return !x.HasSupportEnabled })},
		{"hierarchies", map[string]any{"hierarchies": []string{org}},
			ids(func(x tenantV4) bool {
				return x.ID == org || x.ParentTenantID == org || x.OrganizationTenantID == org ||
					x.PartnerTenantID == org
			})},
		{"enabledInEnvironments", map[string]any{"enabledInEnvironments": []string{env}},
			ids(func(x tenantV4) bool { return slices.Contains(x.EnabledAtEnvironments, env) })},
		{"subscriptionsMatch", map[string]any{"subscriptionsMatch": []map[string]any{
			{"name": service}}}, ids(func(x tenantV4) bool {
			return slices.ContainsFunc(x.Subscriptions, func(s struct{ Name, ServiceID string },
			) bool {
				return s.Name == service
			})
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.want) == 0 || len(tt.want) == len(all) {
				t.Fatalf("the dataset cannot tell this filter apart: it wants %d of %d tenants",
					len(tt.want), len(all))
			}
			got := []string{}
			for _, x := range list(t, tt.filter) {
				got = append(got, x.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

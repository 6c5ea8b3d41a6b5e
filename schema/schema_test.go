package schema

import (
	"regexp"
	"testing"
)

func TestLoadEachGateway(t *testing.T) {
	for _, gw := range Gateways {
		t.Run(gw, func(t *testing.T) {
			s, err := Load(Files, gw)
			if err != nil {
				t.Fatal(err)
			}
			if s.Query == nil || len(s.Query.Fields) == 0 {
				t.Fatalf("gateway %s has no query fields", gw)
			}
		})
	}
}

func TestServiceFilesNameAGoPackage(t *testing.T) {
	pkg := regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	for _, gw := range Gateways {
		sources, err := Sources(Files, gw)
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range sources {
			name := Service(src)
			base := src.Name[len(gw)+1:]
			switch {
			case base == "schema.graphql" && name != "":
				t.Errorf("%s: the gateway's root file must not name a service", src.Name)
			case base != "schema.graphql" && !pkg.MatchString(name):
				t.Errorf("%s: service %q is not a valid Go package name", src.Name, name)
			}
		}
	}
}

// Every operation the SDK and emulator rely on must be present with its exact argument types.
func TestOperationSignatures(t *testing.T) {
	tests := []struct {
		gateway, kind, field string
		args                 map[string]string
	}{
		{"graphql", "query", "alertsServiceSearch", map[string]string{"in": "SearchRequestInput"}},
		{"graphql", "query", "alertsServicePoll", map[string]string{"in": "PollRequestInput"}},
		{"graphql", "query", "alertsCountByTenant",
			map[string]string{"in": "AlertsCountByTenantInput!"}},
		{"graphql", "query", "investigationsV2",
			map[string]string{"arguments": "InvestigationsV2Arguments!"}},
		{"graphql", "mutation", "createInvestigationV2",
			map[string]string{"input": "CreateInvestigationInput!"}},
		{"graphql", "query", "tenants", map[string]string{"tenantsQuery": "TenantsQuery!"}},
		{"graphql", "query", "tenant", map[string]string{"id": "ID!"}},
		{"graphql", "query", "changesSince", map[string]string{
			"timestamp": "Time!", "eventType": "RuleEventType", "ruleType": "RuleType"}},
		{"events", "query", "events",
			map[string]string{"ids": "[ID!]!", "options": "EventFetchOptions"}},
		{"events", "query", "eventQuery", map[string]string{"id": "ID!"}},
		{"events", "subscription", "eventQuery", map[string]string{
			"query": "String!", "metadata": "JSONObject", "options": "EventQueryOptions"}},
		{"events", "subscription", "eventPage", map[string]string{"id": "ID!"}},
		{"tenants", "query", "tenants", map[string]string{"tenantsQuery": "TenantsQuery!"}},
	}
	for _, tt := range tests {
		t.Run(tt.gateway+"/"+tt.kind+"/"+tt.field, func(t *testing.T) {
			s, err := Load(Files, tt.gateway)
			if err != nil {
				t.Fatal(err)
			}
			def := s.Query
			switch tt.kind {
			case "mutation":
				def = s.Mutation
			case "subscription":
				def = s.Subscription
			}
			if def == nil {
				t.Fatalf("no %s type", tt.kind)
			}
			f := def.Fields.ForName(tt.field)
			if f == nil {
				t.Fatalf("no %s field %s", tt.kind, tt.field)
			}
			if len(f.Arguments) != len(tt.args) {
				t.Errorf("got %d arguments, want %d", len(f.Arguments), len(tt.args))
			}
			for name, typ := range tt.args {
				a := f.Arguments.ForName(name)
				if a == nil {
					t.Errorf("no argument %s", name)
					continue
				}
				if got := a.Type.String(); got != typ {
					t.Errorf("argument %s: got type %s, want %s", name, got, typ)
				}
			}
		})
	}
}

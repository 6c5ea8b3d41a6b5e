package emulator_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"gotaegis/emulator"
)

// TestEveryServiceAnswers sends one real operation to each emulated service and checks the
// answer carries data from the synthetic world or the state.
func TestEveryServiceAnswers(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]
	tests := []struct {
		name, path, query, want string
	}{
		{"tenants4", emulator.PathGraphQL, `{ tenants(tenantsQuery: {count: 2}) { hasMore
			tenants { id } } }`, `"hasMore":true`},
		{"legacy tenants", emulator.PathTenants, `{ tenants(tenantsQuery: {maxResults: 1,
			pageNum: 1}) { hasMore results { id } } }`, `"hasMore":true`},
		{"assets", emulator.PathGraphQL, `{ assetsV2(first: 1) { totalCount
			pageInfo { hasNextPage endCursor } assets { id } } }`, `"hasNextPage":true`},
		{"subjects", emulator.PathGraphQL, `{ currentSubject { id } }`, `client:`},
		{"users", emulator.PathGraphQL, `{ currentTDRUser { id tenants { id } } }`, tenant},
		{"rules", emulator.PathGraphQL, `{ rules(perPage: 1) { id name } }`, `"name"`},
		{"detectors", emulator.PathGraphQL, `{ detectors { id name } }`, `"name"`},
		{"threat", emulator.PathGraphQL, `{ threatLatestPublications(size: 1) { totalResults
			publications { id } } }`, `"publications":[{`},
		{"queries", emulator.PathGraphQL, `mutation { addQLQueryToHistory(input: {rawQuery:
			"FROM process"}) { rn rawQuery } }`, `"rawQuery":"FROM process"`},
		{"sharelinks", emulator.PathGraphQL, `mutation { createShareLink(input: {tenantId: "` +
			tenant + `", linkType: "queryId", linkRef: "x"}) { id linkType } }`,
			`"linkType":"queryId"`},
		{"clients", emulator.PathGraphQL, `mutation { createClient(name: "ci") {
			client { id name } client_secret } }`, `"name":"ci"`},
		{"audits", emulator.PathGraphQL, `{ applicationEvents { application } }`, `investigations`},
		{"investigation types", emulator.PathGraphQL, `{ investigationV2Types { type } }`,
			`THREAT_HUNT`},
		{"event search", emulator.PathGraphQL, `{ auxiliaryEventsSearch(in: {query:
			"FROM process", limit: 2}) { total_hits events { id } } }`, `"events":[{`},
		{"alerts aggregate", emulator.PathGraphQL, `{ alertsServiceAggregateAlertsBySeverity {
			group_by { key value } } }`, `"group_by":[{`},
		{"introspection", emulator.PathEvents, `{ __schema { subscriptionType { fields { name } } } }`,
			`"eventPage"`},
		{"events by id", emulator.PathEvents, `{ events(ids: ["nope"]) { id } }`, `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv.URL()+tt.path, tok, tenant, tt.query, nil)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			var all strings.Builder
			for _, v := range r.Data {
				all.Write(v)
			}
			if !strings.Contains(all.String(), tt.want) {
				t.Fatalf("answer %s does not contain %s", all.String(), tt.want)
			}
		})
	}
}

func TestAlertShortFieldNames(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]
	want := 0
	for _, a := range srv.Dataset().AlertsOf(tenant) {
		if a["metadata"].(map[string]any)["severity"].(float64) >= 0.6 {
			want++
		}
	}
	r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, searchQuery, map[string]any{
		"in": map[string]any{"cql_query": "FROM alert WHERE severity >= 0.6"}})
	var p alertsPage
	if err := json.Unmarshal(r.Data["alertsServiceSearch"], &p); err != nil || len(r.Errors) > 0 {
		t.Fatalf("search: %v %+v", err, r.Errors)
	}
	if want == 0 || p.Alerts.TotalResults != want {
		t.Fatalf("severity >= 0.6 matched %d alerts, want %d", p.Alerts.TotalResults, want)
	}
}

func TestAlertAggregation(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]
	want := map[string]int{}
	for _, a := range srv.Dataset().AlertsOf(tenant) {
		want[a["status"].(string)]++
	}
	r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, `query($in: SearchRequestInput) {
		alertsServiceSearch(in: $in) { alerts { group_by { value keys { key value } } } } }`,
		map[string]any{"in": map[string]any{"cql_query": "FROM alert | aggregate count by status"}})
	var out struct {
		Alerts struct {
			GroupBy []struct {
				Value float64 `json:"value"`
				Keys  []struct{ Key, Value string }
			} `json:"group_by"`
		} `json:"alerts"`
	}
	if err := json.Unmarshal(r.Data["alertsServiceSearch"], &out); err != nil || len(r.Errors) > 0 {
		t.Fatalf("aggregate: %v %+v", err, r.Errors)
	}
	got := map[string]int{}
	for _, g := range out.Alerts.GroupBy {
		if len(g.Keys) != 1 || g.Keys[0].Key != "status" {
			t.Fatalf("group keys %+v", g.Keys)
		}
		got[g.Keys[0].Value] = int(g.Value)
	}
	if len(got) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("counts %v, want %v", got, want)
	}
}

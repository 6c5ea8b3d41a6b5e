package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

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

// TestCursorsPageToTheEnd pages each cursor-paged list to its end and checks every item comes
// once.
func TestCursorsPageToTheEnd(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]
	type page struct {
		ids   []string
		next  string
		more  bool
		total int
	}
	tests := []struct {
		name, path, query string
		vars              func(cursor string, n int) map[string]any
		read              func(data map[string]json.RawMessage) page
	}{
		{"tenants4", emulator.PathGraphQL,
			`query($q: TenantsQuery!) { tenants(tenantsQuery: $q) { cursorPos hasMore
				totalCount tenants { id } } }`,
			func(c string, n int) map[string]any {
				q := map[string]any{"count": 4}
				if c != "" {
					q["afterCursor"] = c
				}
				return map[string]any{"q": q}
			},
			func(d map[string]json.RawMessage) page {
				var x struct {
					CursorPos  string `json:"cursorPos"`
					HasMore    bool   `json:"hasMore"`
					TotalCount int    `json:"totalCount"`
					Tenants    []struct{ ID string }
				}
				_ = json.Unmarshal(d["tenants"], &x)
				p := page{next: x.CursorPos, more: x.HasMore, total: x.TotalCount}
				for _, t := range x.Tenants {
					p.ids = append(p.ids, t.ID)
				}
				return p
			}},
		{"legacy tenants", emulator.PathTenants,
			`query($q: TenantsQuery!) { tenants(tenantsQuery: $q) { hasMore totalCount
				results { id } } }`,
			func(_ string, n int) map[string]any {
				return map[string]any{"q": map[string]any{"maxResults": 4, "pageNum": n}}
			},
			func(d map[string]json.RawMessage) page {
				var x struct {
					HasMore    bool `json:"hasMore"`
					TotalCount int  `json:"totalCount"`
					Results    []struct{ ID string }
				}
				_ = json.Unmarshal(d["tenants"], &x)
				p := page{more: x.HasMore, total: x.TotalCount}
				for _, t := range x.Results {
					p.ids = append(p.ids, t.ID)
				}
				return p
			}},
		{"assetsV2", emulator.PathGraphQL,
			`query($after: String) { assetsV2(first: 7, after: $after) { totalCount
				pageInfo { endCursor hasNextPage } assets { id } } }`,
			func(c string, _ int) map[string]any {
				if c == "" {
					return nil
				}
				return map[string]any{"after": c}
			},
			func(d map[string]json.RawMessage) page {
				var x struct {
					TotalCount int `json:"totalCount"`
					PageInfo   struct {
						EndCursor   string `json:"endCursor"`
						HasNextPage bool   `json:"hasNextPage"`
					} `json:"pageInfo"`
					Assets []struct{ ID string }
				}
				_ = json.Unmarshal(d["assetsV2"], &x)
				p := page{next: x.PageInfo.EndCursor, more: x.PageInfo.HasNextPage,
					total: x.TotalCount}
				for _, a := range x.Assets {
					p.ids = append(p.ids, a.ID)
				}
				return p
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]bool{}
			cursor, total := "", -1
			for n := 1; n < 1000; n++ {
				r := post(t, srv.URL()+tt.path, tok, tenant, tt.query, tt.vars(cursor, n))
				if len(r.Errors) > 0 {
					t.Fatalf("page %d: %+v", n, r.Errors)
				}
				p := tt.read(r.Data)
				total = p.total
				for _, id := range p.ids {
					if seen[id] {
						t.Fatalf("page %d repeats %s", n, id)
					}
					seen[id] = true
				}
				if !p.more {
					break
				}
				cursor = p.next
			}
			if total <= 4 || len(seen) != total {
				t.Fatalf("paged %d items, total %d", len(seen), total)
			}
		})
	}
}

func TestPlantAlertsOverHTTP(t *testing.T) {
	srv := start(t, t.TempDir())
	tenant := srv.TenantIDs()[0]
	tests := []struct {
		name, body string
		status     int
	}{
		{"two alerts", `[{"id":"alert://planted:1","tenant_id":"` + tenant + `","status":"NEW",` +
			`"metadata":{"title":"from http","created_at":{"seconds":1700000000}}},` +
			`{"id":"alert://planted:2","tenant_id":"` + tenant + `"}]`, 200},
		{"not an array", `{"id":"x"}`, 400},
		{"no tenant", `[{"id":"alert://planted:3"}]`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL()+emulator.PathAlerts, "application/json",
				strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
	r := post(t, srv.URL()+emulator.PathGraphQL, token(t, srv), tenant, searchQuery,
		map[string]any{"in": map[string]any{"cql_query": "FROM alert WHERE metadata.title = " +
			"'from http' AND metadata.created_at.seconds = 1700000000"}})
	if !strings.Contains(string(r.Data["alertsServiceSearch"]), `"status":"NEW"`) {
		t.Fatalf("planted alert not found: %s %+v", r.Data["alertsServiceSearch"], r.Errors)
	}
}

func TestRelativeTimesCountFromConfigNow(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: t.TempDir(),
		Tenants: 1, Seed: 2, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tenant := srv.TenantIDs()[0]
	counts := eventRows(t, srv, token(t, srv), tenant, "FROM process EARLIEST=-30d", 1000)
	want, _ := srv.Dataset().EventCount(tenant, "process")
	if counts["process"] != want || want == 0 {
		t.Fatalf("EARLIEST=-30d from %s found %d of %d events", now, counts["process"], want)
	}
}

package emulator_test

import (
	"encoding/json"
	"strings"
	"testing"

	"gotaegis/emulator"
)

const historyQuery = `query($id: ID!) { alertHistoryByID(id: $id) { id type time { seconds }
	alert { id status resolution_reason suppressed tenant { id } investigation_ids { id }
	resolution_history { status reason } metadata { title } } } }`

type alertVersion struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Time struct {
		Seconds int64 `json:"seconds"`
	} `json:"time"`
	Alert struct {
		ID               string `json:"id"`
		Status           string `json:"status"`
		ResolutionReason string `json:"resolution_reason"`
		Suppressed       bool   `json:"suppressed"`
		Investigations   []struct {
			ID string `json:"id"`
		} `json:"investigation_ids"`
		ResolutionHistory []struct {
			Status string `json:"status"`
		} `json:"resolution_history"`
	} `json:"alert"`
}

// history asks for an alert's history and returns its versions, failing on an error.
func history(t *testing.T, srv *emulator.Server, tok, tenant, id string) []alertVersion {
	t.Helper()
	r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, historyQuery,
		map[string]any{"id": id})
	if len(r.Errors) > 0 {
		t.Fatalf("alertHistoryByID %s: %+v", id, r.Errors)
	}
	var out []alertVersion
	if err := json.Unmarshal(r.Data["alertHistoryByID"], &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAlertHistoryRecordsEveryChange(t *testing.T) {
	dir := t.TempDir()
	srv := start(t, dir)
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]
	const id = "alert://priv:history-test:1"
	err := srv.AddAlert(map[string]any{"id": id, "tenant_id": tenant,
		"tenant": map[string]any{"id": tenant}, "status": "TRUE_POSITIVE_BENIGN",
		"resolution_reason": "admin at work",
		"resolution_history": []any{map[string]any{"status": "TRUE_POSITIVE_BENIGN",
			"reason": "admin at work", "timestamp": map[string]any{"seconds": 1700000600}}},
		"metadata": map[string]any{"title": "history test",
			"created_at": map[string]any{"seconds": 1700000000}}})
	if err != nil {
		t.Fatal(err)
	}
	gql := func(query string, vars map[string]any) json.RawMessage {
		t.Helper()
		r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, query, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", query, r.Errors)
		}
		for _, v := range r.Data {
			return v
		}
		return nil
	}
	gql(`mutation($in: UpdateResolutionRequestInput) {
		alertsServiceUpdateResolutionInfo(in: $in) { resolution_status } }`,
		map[string]any{"in": map[string]any{"alert_ids": []string{id},
			"resolution_status": "FALSE_POSITIVE", "reason": "a scheduled scan"}})
	var inv struct{ ID string }
	if err := json.Unmarshal(gql(`mutation { createInvestigationV2(input: {title: "h"}) {
		id } }`, nil), &inv); err != nil {
		t.Fatal(err)
	}
	link := `mutation($in: UpdateInvestigationRequestInput) {
		alertsServiceUpdateInvestigationInfo(in: $in) { investigation_status } }`
	gql(link, map[string]any{"in": map[string]any{"investigation_id": inv.ID,
		"alerts": []string{id}}})
	gql(link, map[string]any{"in": map[string]any{"investigation_id": inv.ID,
		"alerts": []string{id}, "operation": "DELETE"}})

	got := history(t, srv, tok, tenant, id)
	want := []struct {
		typ, status, reason string
		resolutions, invs   int
	}{
		{"CREATE", "OPEN", "", 0, 0},
		{"RESOLVE", "TRUE_POSITIVE_BENIGN", "admin at work", 1, 0},
		{"RESOLVE", "FALSE_POSITIVE", "a scheduled scan", 2, 0},
		{"INVESTIGATE", "FALSE_POSITIVE", "a scheduled scan", 2, 1},
		{"UPDATE", "FALSE_POSITIVE", "a scheduled scan", 2, 0},
	}
	if len(got) != len(want) {
		t.Fatalf("%d versions, want %d: %+v", len(got), len(want), got)
	}
	seen := map[string]bool{}
	for i, w := range want {
		v := got[i]
		if v.Type != w.typ || v.Alert.Status != w.status || v.Alert.ResolutionReason != w.reason ||
			len(v.Alert.ResolutionHistory) != w.resolutions ||
			len(v.Alert.Investigations) != w.invs || v.Alert.ID != id {
			t.Errorf("version %d = %+v, want %+v", i+1, v, w)
		}
		if seen[v.ID] || v.ID == "" {
			t.Errorf("version %d has id %q, empty or seen before", i+1, v.ID)
		}
		seen[v.ID] = true
		if i > 0 && v.Time.Seconds < got[i-1].Time.Seconds {
			t.Errorf("version %d is older than version %d", i+1, i)
		}
	}
	if got[0].Time.Seconds != 1700000000 || got[1].Time.Seconds != 1700000600 {
		t.Errorf("times %d, %d; want the creation and the first resolution's",
			got[0].Time.Seconds, got[1].Time.Seconds)
	}
	if got[3].Alert.Investigations[0].ID != inv.ID {
		t.Errorf("investigation %q, want %q", got[3].Alert.Investigations[0].ID, inv.ID)
	}

	// The history survives a restart: the changes are in the store, not in memory.
	srv.Close()
	again := start(t, dir)
	if err := again.AddAlert(map[string]any{"id": id, "tenant_id": tenant,
		"metadata": map[string]any{"created_at": map[string]any{"seconds": 1700000000}}}); err != nil {
		t.Fatal(err)
	}
	if n := len(history(t, again, token(t, again), tenant, id)); n != 4 {
		t.Errorf("after a restart %d versions, want 4 (creation and the 3 recorded changes)", n)
	}
}

func TestAlertHistoryScopesAndRefuses(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	tenants := srv.TenantIDs()
	var generated string
	r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenants[0], searchQuery,
		map[string]any{"in": map[string]any{"cql_query": "FROM alert WHERE status = 'OPEN'",
			"limit": 1}})
	var page alertsPage
	if err := json.Unmarshal(r.Data["alertsServiceSearch"], &page); err != nil ||
		len(page.Alerts.List) == 0 {
		t.Fatalf("no open alert in tenant %s: %v %+v", tenants[0], err, r.Errors)
	}
	generated = page.Alerts.List[0].ID
	if got := history(t, srv, tok, tenants[0], generated); len(got) != 1 ||
		got[0].Type != "CREATE" || got[0].Alert.Status != "OPEN" {
		t.Errorf("an untouched open alert's history = %+v, want its creation alone", got)
	}
	tests := []struct {
		name, tenant, id, want string
	}{
		{"unknown id", tenants[0], "alert://priv:nope", "not found"},
		{"another tenant's alert", tenants[1], generated, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv.URL()+emulator.PathGraphQL, tok, tt.tenant, historyQuery,
				map[string]any{"id": tt.id})
			if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, tt.want) {
				t.Fatalf("errors %+v, want one containing %q", r.Errors, tt.want)
			}
		})
	}
}

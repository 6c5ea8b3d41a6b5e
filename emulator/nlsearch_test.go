package emulator_test

import (
	"encoding/json"
	"strings"
	"testing"

	"gotaegis/emulator"
	"gotaegis/emulator/synth"
)

const nlQuery = `query($in: NLSearchInputsV2!) { nlSearchV2(in: $in) {
	id ql reason types status } }`

type nlAnswer struct {
	ID     string   `json:"id"`
	QL     *string  `json:"ql"`
	Reason string   `json:"reason"`
	Types  []string `json:"types"`
	Status string   `json:"status"`
}

func nlSearch(t *testing.T, srv *emulator.Server, tok, tenant, request string) nlAnswer {
	t.Helper()
	r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, nlQuery,
		map[string]any{"in": map[string]any{"query": request}})
	if len(r.Errors) > 0 {
		t.Fatalf("nlSearchV2 %q: %+v", request, r.Errors)
	}
	var out nlAnswer
	if err := json.Unmarshal(r.Data["nlSearchV2"], &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNLSearchTranslatesToRunnableCQL asks for a translation over HTTP and runs the query
// it returns as an alert search on the same emulator.
func TestNLSearchTranslatesToRunnableCQL(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	planted := srv.Dataset().PlantedIn(synth.ScenarioCredentialDumping)
	if len(planted) == 0 {
		t.Fatal("no tenant holds the credential dumping scenario")
	}
	tenant := planted[0]

	a := nlSearch(t, srv, tok, tenant, "critical alerts for credential dumping")
	if a.QL == nil || *a.QL != "FROM alert WHERE severity >= 0.8 AND technique_id = 'T1003.001'" ||
		a.Status != "COMPLETE" || a.ID == "" || len(a.Types) != 1 || a.Types[0] != "alert" ||
		!strings.Contains(a.Reason, "credential dumping") {
		t.Fatalf("answer %+v", a)
	}
	b := nlSearch(t, srv, tok, tenant, "critical alerts for credential dumping")
	if b.ID == a.ID || *b.QL != *a.QL {
		t.Errorf("a second answer to the same request: %+v; want the same ql, a new id", b)
	}

	r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, searchQuery,
		map[string]any{"in": map[string]any{"cql_query": *a.QL, "limit": 100}})
	if len(r.Errors) > 0 {
		t.Fatalf("the translated query does not run: %+v", r.Errors)
	}
	var page alertsPage
	if err := json.Unmarshal(r.Data["alertsServiceSearch"], &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Alerts.List) != 3 {
		t.Errorf("the translated query found %d alerts, want the 3 planted ones",
			len(page.Alerts.List))
	}
}

func TestNLSearchRefusesWhatItCannotTranslate(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	for _, request := range []string{"", "what is the weather in Paris"} {
		a := nlSearch(t, srv, tok, srv.TenantIDs()[0], request)
		if a.QL != nil || a.Status != "FAILED" || a.Reason == "" || a.ID == "" {
			t.Errorf("%q: answer %+v, want no ql, FAILED and a reason", request, a)
		}
	}
	// Without a token the service is closed, as every other one.
	r := post(t, srv.URL()+emulator.PathGraphQL, "", "", nlQuery,
		map[string]any{"in": map[string]any{"query": "alerts"}})
	if r.status != 401 {
		t.Errorf("no token: status %d, want 401", r.status)
	}
}

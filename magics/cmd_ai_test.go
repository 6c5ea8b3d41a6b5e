package magics

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/emulator/synth"
)

func TestTargetsAlerts(t *testing.T) {
	tests := []struct {
		ql   string
		want bool
	}{
		{"FROM alert WHERE severity >= 0.6", true},
		{"from detection where x = 1", true},
		{"FROM  Alerts EARLIEST=-1d", true},
		{"FROM process WHERE commandline CONTAINS 'from alert'", true},
		{"FROM process WHERE commandline CONTAINS 'alert'", false},
		{"FROM alerting", false},
		{"FROM dnsquery, http", false},
	}
	for _, tt := range tests {
		if got := targetsAlerts(tt.ql); got != tt.want {
			t.Errorf("targetsAlerts(%q) = %v, want %v", tt.ql, got, tt.want)
		}
	}
}

// plantedTenant returns a tenant of the test emulator that holds scenario s.
func plantedTenant(t *testing.T, s synth.Scenario) string {
	t.Helper()
	ids := srv.Dataset().PlantedIn(s)
	if len(ids) == 0 {
		t.Skipf("no tenant of the test emulator holds %s", s)
	}
	return ids[0]
}

func TestAlertsSearchAI(t *testing.T) {
	tenant := plantedTenant(t, synth.ScenarioCredentialDumping)
	e := newEnv(t)
	db := filepath.Join(t.TempDir(), "evidence.db")
	const request = "critical alerts for credential dumping"
	const ql = "FROM alert WHERE severity >= 0.8 AND technique_id = 'T1003.001'"
	r := e.run(t, "alerts search --ai --tenant "+tenant+" --database "+db, "--cell", request)
	if r.Provenance.Query != ql {
		t.Errorf("query %q, want the translation %q", r.Provenance.Query, ql)
	}
	if !strings.Contains(e.errs.String(), "--ai: searching "+ql) {
		t.Errorf("stderr does not show the query: %q", e.errs)
	}
	if len(r.Records) != 3 {
		t.Errorf("got %d alerts, want the 3 planted ones", len(r.Records))
	}
	for _, rec := range r.Records {
		if !strings.Contains(jsonText(t, rec), "T1003.001") {
			t.Errorf("an alert without the technique: %v", rec["id"])
		}
	}

	// The exchange is kept, with the service's id, the query, the reason and the types.
	store, err := e.dbs.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := store.NLQueries(context.Background())
	if err != nil || len(kept) != 1 {
		t.Fatalf("llm_queries %+v, %v", kept, err)
	}
	k := kept[0]
	if k.ID == "" || k.Query != request || k.QL != ql || k.Status != "COMPLETE" ||
		len(k.Types) != 1 || k.Types[0] != "alert" || !strings.Contains(k.Reason, "credential") {
		t.Errorf("kept %+v", k)
	}

	// As a cell: the body is the request.
	e.Cell = "  " + request + "\n"
	r = e.run(t, "alerts search --ai --tenant "+tenant+" --database "+db)
	if r.Provenance.Query != ql || len(r.Records) != 3 {
		t.Errorf("cell: query %q, %d records", r.Provenance.Query, len(r.Records))
	}
	if kept, _ := store.NLQueries(context.Background()); len(kept) != 2 {
		t.Errorf("after a second search %d kept, want 2", len(kept))
	}
}

func TestEventsSearchAI(t *testing.T) {
	tenant := plantedTenant(t, synth.ScenarioEncodedPowerShell)
	e := newEnv(t)
	db := filepath.Join(t.TempDir(), "evidence.db")
	r := e.run(t, "events search --ai --tenant "+tenant+" --database "+db, "--cell",
		"process events running powershell with an encoded command")
	if r.Provenance.Query != "FROM process WHERE commandline CONTAINS 'powershell' AND "+
		"commandline CONTAINS '-enc'" {
		t.Errorf("query %q", r.Provenance.Query)
	}
	if len(r.Records) < 2 {
		t.Fatalf("got %d events, want the planted cmd.exe and powershell.exe", len(r.Records))
	}
	for _, rec := range r.Records {
		cmd, _ := rec["commandline"].(string)
		if rec["event_type"] != "process" || !strings.Contains(cmd, "-enc") {
			t.Errorf("event %v: %s", rec["event_type"], cmd)
		}
	}

	// A request only partly understood runs what was understood, and says so.
	e.errs.Reset()
	e.run(t, "events search --ai --tenant "+tenant+" --database "+db, "--cell",
		"powershell processes with flux capacitors")
	if !strings.Contains(e.errs.String(), "only partly translated") ||
		!strings.Contains(e.errs.String(), "flux") {
		t.Errorf("stderr %q", e.errs)
	}
}

func TestSearchAIRefusals(t *testing.T) {
	ids := tenants(t)
	tests := []struct {
		name, command, request string
		want                   []string
	}{
		{"alerts given an event query", "alerts search", "dns lookups of evil.example",
			[]string{"FROM dnsquery WHERE @domain = 'evil.example'",
				"does not target the alerts service", "events search"}},
		{"events given an alert query", "events search", "high severity alerts in the last day",
			[]string{"FROM alert WHERE severity >= 0.6 EARLIEST=-1d",
				"targets the alerts service, not the events service", "alerts search"}},
		{"no query for alerts", "alerts search", "what is the weather in Paris",
			[]string{"made no query of \"what is the weather in Paris\"",
				"names nothing to search", "high severity alerts in the last day"}},
		{"no query for events", "events search", "what is the weather in Paris",
			[]string{"made no query", "process events running powershell"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			db := filepath.Join(t.TempDir(), "evidence.db")
			args := append(strings.Fields(tt.command+" --ai --tenant "+ids[0]+" --database "+db),
				"--cell", tt.request)
			_, err := Run(context.Background(), e.Env, args)
			if err == nil {
				t.Fatal("the search ran")
			}
			for _, w := range append(tt.want, tt.command+": --ai:") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			// What the service answered is kept all the same.
			store, err := e.dbs.Open(db)
			if err != nil {
				t.Fatal(err)
			}
			if kept, _ := store.NLQueries(context.Background()); len(kept) != 1 ||
				kept[0].Query != tt.request {
				t.Errorf("kept %+v", kept)
			}
		})
	}
}

func TestNoAI(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	// --no-ai after --ai searches the text as CQL; --ai after --no-ai translates it.
	r := e.run(t, "alerts search --ai --no-ai --limit 1 --tenant "+ids[0], "--cell",
		"FROM alert EARLIEST=-30d")
	if r.Provenance.Query != "FROM alert EARLIEST=-30d" {
		t.Errorf("--ai --no-ai searched %q", r.Provenance.Query)
	}
	db := filepath.Join(t.TempDir(), "evidence.db")
	r = e.run(t, "events search --no-ai --ai --limit 1 --database "+db+" --tenant "+ids[0],
		"--cell", "process events in the last week")
	if r.Provenance.Query != "FROM process EARLIEST=-1w" {
		t.Errorf("--no-ai --ai searched %q", r.Provenance.Query)
	}
}

func TestSearchAINoRequest(t *testing.T) {
	e := newEnv(t)
	_, err := Run(context.Background(), e.Env, []string{"alerts", "search", "--ai"})
	if err == nil || !strings.Contains(err.Error(), "no query") {
		t.Errorf("error %v", err)
	}
}

// jsonText is a record as JSON text, for looking for a value anywhere in it.
func jsonText(t *testing.T, rec map[string]any) string {
	t.Helper()
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

package nlsearch

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"gotaegis/emulator/cql"
	"gotaegis/emulator/synth"
)

func TestTranslate(t *testing.T) {
	tests := []struct {
		request string
		ql      string
		types   []string
		status  Status
	}{
		{"high severity alerts in the last day",
			"FROM alert WHERE severity >= 0.6 EARLIEST=-1d", []string{"alert"}, Complete},
		{"process events running powershell with an encoded command",
			"FROM process WHERE commandline CONTAINS 'powershell' AND " +
				"commandline CONTAINS '-enc'", []string{"process"}, Complete},
		{"Show me critical open detections from the past 3 days, top 20",
			"FROM alert WHERE severity >= 0.8 AND status = 'OPEN' EARLIEST=-3d | head 20",
			[]string{"alert"}, Complete},
		{"alerts with severity above 0.7 in the last 24h",
			"FROM alert WHERE severity > 0.7 EARLIEST=-24h", []string{"alert"}, Complete},
		{"credential dumping alerts this week",
			"FROM alert WHERE technique_id = 'T1003.001'", []string{"alert"}, Partial},
		{"alerts for T1071.001 count by detector",
			"FROM alert WHERE technique_id = 'T1071.001' | aggregate count by detector",
			[]string{"alert"}, Complete},
		{"mimikatz",
			"FROM process WHERE commandline CONTAINS 'mimikatz'", []string{"process"}, Complete},
		{"failed logons in the last 2 hours count per user",
			"FROM auth WHERE auth_result = 'FAILURE' EARLIEST=-2h | aggregate count by username",
			[]string{"auth"}, Complete},
		{"dns lookups of update-check.badcdn.example",
			"FROM dnsquery WHERE @domain = 'update-check.badcdn.example'",
			[]string{"dnsquery"}, Complete},
		{"connections to 203.0.113.66 on port 443",
			"FROM netflow WHERE @ip = '203.0.113.66' AND destination_port = 443",
			[]string{"netflow"}, Complete},
		{"console logins without MFA in the last week",
			"FROM cloudaudit WHERE action = 'ConsoleLogin' AND mfa_used = false EARLIEST=-1w",
			[]string{"cloudaudit"}, Complete},
		{"files written to temp directories on host ACME-WKS-01",
			`FROM filemod WHERE (file_path CONTAINS '\temp\' OR file_path CONTAINS '/tmp/') ` +
				"AND hostname = 'ACME-WKS-01'", []string{"filemod"}, Complete},
		{`process events with "sekurlsa::logonpasswords" by user alice`,
			"FROM process WHERE commandline CONTAINS 'sekurlsa::logonpasswords' AND " +
				"@user CONTAINS 'alice'", []string{"process"}, Complete},
		{"processes running rundll32.exe",
			"FROM process WHERE commandline CONTAINS 'rundll32.exe'", []string{"process"},
			Complete},
		{"dns and http events for evil.example",
			"FROM dnsquery, http WHERE @domain = 'evil.example'",
			[]string{"dnsquery", "http"}, Complete},
		{"text with 'it''s' quote",
			"FROM process WHERE commandline CONTAINS 'it' AND commandline CONTAINS 's'",
			[]string{"process"}, Partial},
		{`process events with "O'Brien"`,
			`FROM process WHERE commandline CONTAINS e'O\'Brien'`, []string{"process"}, Complete},
		// Conditions that do not fit the target are left out, and the status says so.
		{"high severity failed logons",
			"FROM auth WHERE auth_result = 'FAILURE'", []string{"auth"}, Partial},
		{"alerts about failed logons",
			"FROM alert", []string{"alert"}, Partial},
	}
	for _, tt := range tests {
		t.Run(tt.request, func(t *testing.T) {
			got := Translate(tt.request)
			if got.QL != tt.ql || got.Status != tt.status || !reflect.DeepEqual(got.Types, tt.types) {
				t.Errorf("Translate(%q)\n got %q %s %v\nwant %q %s %v\nreason: %s", tt.request,
					got.QL, got.Status, got.Types, tt.ql, tt.status, tt.types, got.Reason)
			}
			if got.Reason == "" {
				t.Error("no reason")
			}
			if _, err := cql.Parse(got.QL); err != nil {
				t.Errorf("the query does not parse: %v", err)
			}
		})
	}
}

func TestTranslateRefuses(t *testing.T) {
	tests := []struct{ request, reason string }{
		{"", "the request is empty"},
		{"   ", "the request is empty"},
		{"what is the weather in Paris", "names nothing to search"},
		{"high severity in the last day", "say alerts, or an event type"},
		{strings.Repeat("alerts ", 400), "keep it under 2000"},
	}
	for _, tt := range tests {
		t.Run(tt.request, func(t *testing.T) {
			got := Translate(tt.request)
			if got.QL != "" || got.Status != Failed || len(got.Types) != 0 {
				t.Errorf("Translate(%q) = %+v, want no query and FAILED", tt.request, got)
			}
			if !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("reason %q lacks %q", got.Reason, tt.reason)
			}
		})
	}
}

func TestReason(t *testing.T) {
	for request, want := range map[string]string{
		"high severity alerts in the last day": "Searches alerts: severity high and above " +
			"(>= 0.6); the last day.",
		"failed logons in the past 3 hours": "Searches auth events: failed logons; " +
			"the last 3 hours.",
	} {
		if got := Translate(request).Reason; got != want {
			t.Errorf("Translate(%q).Reason = %q, want %q", request, got, want)
		}
	}
}

func TestReasonNamesWhatWasLeftOut(t *testing.T) {
	got := Translate("alerts about failed logons and flux capacitors")
	for _, w := range []string{"failed logons", "flux", "capacitors", "Left out",
		"Not understood"} {
		if !strings.Contains(got.Reason, w) {
			t.Errorf("reason %q lacks %q", got.Reason, w)
		}
	}
}

// TestQueriesFindThePlantedActivity runs translations with the emulator's CQL engine over
// the synthetic data: each finds its planted scenario in a tenant that holds it and nothing
// in a clean tenant.
func TestQueriesFindThePlantedActivity(t *testing.T) {
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	d := synth.Generate(synth.Config{Seed: 7, Tenants: 8, Scale: 0.2, Now: now})
	clean := d.CleanTenants()
	if len(clean) == 0 {
		t.Fatal("the dataset has no clean tenant")
	}
	tests := []struct {
		request  string
		scenario synth.Scenario
	}{
		{"process events running powershell with an encoded command in the last week",
			synth.ScenarioEncodedPowerShell},
		{"encoded powershell alerts", synth.ScenarioEncodedPowerShell},
		{"credential dumping process events", synth.ScenarioCredentialDumping},
		{"critical alerts for credential dumping", synth.ScenarioCredentialDumping},
		{"mimikatz", synth.ScenarioCredentialDumping},
		{"dns lookups of " + synth.BadDomain, synth.ScenarioBeaconing},
		{"connections to " + synth.BadIP + " on port 443", synth.ScenarioBeaconing},
		{"beaconing alerts in the last 7 days", synth.ScenarioBeaconing},
	}
	for _, tt := range tests {
		t.Run(tt.request, func(t *testing.T) {
			tr := Translate(tt.request)
			if tr.Status == Failed {
				t.Fatalf("not translated: %s", tr.Reason)
			}
			hits := func(tenant string) int {
				opts := cql.Options{Now: now}
				if tr.Types[0] == "alert" {
					opts.Aliases = cql.AlertAliases()
				}
				q, err := cql.Parse(tr.QL, opts)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, typ := range tr.Types {
					recs := d.AlertsOf(tenant)
					if typ != "alert" {
						recs, err = d.Events(tenant, typ)
						if err != nil {
							t.Fatal(err)
						}
					}
					n += len(q.Run(recs))
				}
				return n
			}
			for _, tenant := range d.PlantedIn(tt.scenario) {
				if hits(tenant) == 0 {
					t.Errorf("%s finds nothing in tenant %s, which holds %s", tr.QL, tenant,
						tt.scenario)
				}
			}
			for _, tenant := range clean {
				if n := hits(tenant); n > 0 {
					t.Errorf("%s finds %d rows in clean tenant %s", tr.QL, n, tenant)
				}
			}
		})
	}
}

func FuzzTranslate(f *testing.F) {
	for _, s := range []string{"high severity alerts in the last day",
		`process events with "x'y" on host H`, "count per host", "last 3", "top",
		"alerts severity above 2", "'", "connections to ::1 port 99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Translate(s)
		if (got.QL == "") != (got.Status == Failed) {
			t.Fatalf("Translate(%q) = %+v: a query exactly when not FAILED", s, got)
		}
		if got.QL == "" {
			return
		}
		if _, err := cql.Parse(got.QL); err != nil {
			t.Fatalf("Translate(%q) = %q, which does not parse: %v", s, got.QL, err)
		}
	})
}

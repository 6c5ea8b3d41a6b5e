package magics

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"gotaegis/sdk/alerts"
)

// resolvedAlert returns a generated alert of tenant that was resolved when generated, so its
// history already holds a creation and a resolution.
func resolvedAlert(t *testing.T, tenant string) string {
	t.Helper()
	for _, rec := range srv.Dataset().AlertsOf(tenant) {
		if h, _ := rec["resolution_history"].([]any); len(h) > 0 {
			return rec["id"].(string)
		}
	}
	t.Fatalf("tenant %s has no resolved alert", tenant)
	return ""
}

func TestAlertsHistory(t *testing.T) {
	ids := tenants(t)
	id := resolvedAlert(t, ids[0])
	e := newEnv(t)
	before := e.run(t, "alerts history --id", id, "--tenant", ids[0])
	if len(before.Records) < 2 || before.Service != "alerts_history" ||
		before.Command != "alerts history" || before.Total != len(before.Records) {
		t.Fatalf("result %+v", before)
	}
	first := before.Records[0]
	alert, _ := first["alert"].(map[string]any)
	if first["type"] != "CREATE" || alert["id"] != id || alert["status"] != "OPEN" ||
		first["tenant_id"] != ids[0] {
		t.Fatalf("the first version %v, want the alert's creation, OPEN, in %s", first, ids[0])
	}
	if second, _ := before.Records[1]["alert"].(map[string]any); before.Records[1]["type"] !=
		"RESOLVE" || second["status"] == "OPEN" {
		t.Fatalf("the second version %v, want its resolution", before.Records[1])
	}

	// A resolution made through the alerts service is the newest version.
	c, err := e.Client(context.Background(), "local")
	if err != nil {
		t.Fatal(err)
	}
	status := alerts.ResolutionStatusTruePositiveMalicious
	reason := "confirmed by the hunt"
	_, err = alerts.New(c.WithTenant(ids[0])).AlertsServiceUpdateResolutionInfo(
		context.Background(), &alerts.UpdateResolutionRequestInput{AlertIDs: []string{id},
			ResolutionStatus: &status, Reason: &reason})
	if err != nil {
		t.Fatal(err)
	}
	after := e.run(t, "alerts history --id", id, "--tenant", ids[0])
	if len(after.Records) != len(before.Records)+1 {
		t.Fatalf("%d versions after a resolution, want %d", len(after.Records),
			len(before.Records)+1)
	}
	last := after.Records[len(after.Records)-1]
	la, _ := last["alert"].(map[string]any)
	if last["type"] != "RESOLVE" || la["status"] != string(status) ||
		la["resolution_reason"] != reason {
		t.Fatalf("the newest version %v", last)
	}

	// Over several tenants the alert's own tenant answers and the others are no failure.
	both := e.run(t, "alerts history --id", id, "--tenant", ids[1]+","+ids[0])
	if len(both.Records) != len(after.Records) || both.Provenance.Partial {
		t.Fatalf("over two tenants: %d records, partial %v", len(both.Records),
			both.Provenance.Partial)
	}
}

func TestAlertsHistoryRefuses(t *testing.T) {
	ids := tenants(t)
	id := resolvedAlert(t, ids[0])
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no id", []string{"alerts", "history", "--tenant", ids[0]}, "no alert: give --id"},
		{"unknown id", []string{"alerts", "history", "--id", "alert://nope", "--tenant", ids[0]},
			`alert "alert://nope" not found`},
		{"another tenant", []string{"alerts", "history", "--id", id, "--tenant", ids[1]},
			"not found"},
		{"no tenant knows it", []string{"alerts", "history", "--id", "alert://nope",
			"--tenant", ids[0] + "," + ids[1]}, "not found in any of the 2 tenants"},
		{"misspelt option", []string{"alerts", "history", "--idd", id}, "--idd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(context.Background(), newEnv(t).Env, tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestAlertsHistoryPrintsJSON(t *testing.T) {
	ids := tenants(t)
	id := resolvedAlert(t, ids[0])
	e := newEnv(t)
	root := NewRoot(e.Env)
	root.SetArgs([]string{"alerts", "history", "--id", id, "--tenant", ids[0]})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(e.out.Bytes(), &recs); err != nil || len(recs) < 2 {
		t.Fatalf("stdout %q: %v", e.out, err)
	}
	if _, ok := recs[0]["time"].(map[string]any)["seconds"]; !ok {
		t.Fatalf("a record without time.seconds: %v", recs[0])
	}
}

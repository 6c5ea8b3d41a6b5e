package investigations2

import (
	"context"
	"strings"
	"testing"
)

// Input fields left nil are not sent, so an update changes only what it names.
func TestUpdateSendsOnlyTheFieldsSet(t *testing.T) {
	c, f := newFakeServer(t, func(int, gqlRequest) string {
		return `{"data":{"updateInvestigationV2":{"id":"inv-1","priority":3,"status":"ACTIVE"}}}`
	})
	prio := 3
	status := InvestigationStatusActive
	inv, err := New(c).UpdateInvestigationV2(context.Background(),
		UpdateInvestigationV2Input{ID: "inv-1", Priority: &prio, Status: &status})
	if err != nil {
		t.Fatal(err)
	}
	if inv.GetPriority() != 3 || inv.GetStatus() != InvestigationStatusActive {
		t.Errorf("got %+v", inv)
	}
	r := f.requests()[0]
	if !strings.HasPrefix(r.Query, "mutation updateInvestigationV2("+
		"$input: UpdateInvestigationV2Input!) { updateInvestigationV2(input: $input) {") {
		t.Errorf("unexpected document %q", r.Query)
	}
	in := r.Variables["input"].(map[string]any)
	want := map[string]any{"id": "inv-1", "priority": float64(3), "status": "ACTIVE"}
	if len(in) != len(want) {
		t.Errorf("sent %v, want exactly %v", in, want)
	}
	for k, v := range want {
		if in[k] != v {
			t.Errorf("sent %s = %v, want %v", k, in[k], v)
		}
	}
}

func TestCreateWithEvidence(t *testing.T) {
	c, f := newFakeServer(t, func(int, gqlRequest) string {
		return `{"data":{"createInvestigationV2":{"id":"inv-2","shortId":"INV-00002",` +
			`"processingStatus":{"alerts":"RUNNING","events":"SUCCESS","assets":"SUCCESS"}}}}`
	})
	inv, err := New(c).CreateInvestigationV2(context.Background(), CreateInvestigationInput{
		Title: "Hunt: encoded PowerShell", Alerts: []string{"alert://a1"},
		Events: []string{"event://e1", "event://e2"}})
	if err != nil {
		t.Fatal(err)
	}
	if inv.GetProcessingStatus().GetAlerts() != InvestigationProcessingStateRunning {
		t.Errorf("got %+v", inv.GetProcessingStatus())
	}
	in := f.requests()[0].Variables["input"].(map[string]any)
	if in["title"] != "Hunt: encoded PowerShell" || len(in["events"].([]any)) != 2 ||
		in["keyFindings"] != nil {
		t.Errorf("sent %v", in)
	}
}

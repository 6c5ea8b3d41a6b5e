package magics_test

import (
	"strings"
	"testing"
)

func TestAlertsHistoryCellAssignsDataFrame(t *testing.T) {
	emu := startEmulator(t)
	tenant := emu.TenantIDs()[0]
	id := emu.Dataset().AlertsOf(tenant)[0]["id"].(string)
	s := newSession(t, emu.URL())
	s.run(`alertID := "` + id + `"`)
	rep, _ := s.run("%taegis alerts history --id $alertID --tenant " + tenant + " --assign versions")
	h := htmlOf(rep.Result)
	for _, want := range []string{"<table", "alerts history", "alert.id", "CREATE"} {
		if !strings.Contains(h, want) {
			t.Errorf("the result's HTML lacks %q:\n%.2000s", want, h)
		}
	}
	rows, _ := s.run("versions.Nrow()")
	got, _ := s.run("len(taegisResult.Records)")
	if text(rows.Result) != text(got.Result) || text(rows.Result) == "0" {
		t.Fatalf("versions.Nrow() = %s, len(taegisResult.Records) = %s", text(rows.Result),
			text(got.Result))
	}
	first, _ := s.run(`versions.Col("type").Elem(0).String() == "CREATE" && ` +
		`versions.Col("alert.id").Elem(0).String() == alertID`)
	if text(first.Result) != "true" {
		t.Errorf("the first row is not the alert's creation: %s", text(first.Result))
	}
}

package magics_test

import (
	"strings"
	"testing"
)

func TestSearchAICellAssignsDataFrame(t *testing.T) {
	emu := startEmulator(t)
	tenant := emu.TenantIDs()[0]
	s := newSession(t, emu.URL())
	rep, out := s.run("%%taegis alerts search --ai --database :memory: --tenant " + tenant +
		" --assign found\nhigh severity alerts in the last week")
	h := htmlOf(rep.Result)
	for _, want := range []string{"<table", "alerts search"} {
		if !strings.Contains(h, want) {
			t.Errorf("the result's HTML lacks %q:\n%.2000s", want, h)
		}
	}
	if e := out.stream("stderr"); !strings.Contains(e,
		"--ai: searching FROM alert WHERE severity >= 0.6 EARLIEST=-1w") {
		t.Errorf("stderr does not show the query: %q", e)
	}
	low, _ := s.run(`n := 0
for _, v := range found.Col("metadata.severity").Float() {
	if v < 0.6 {
		n++
	}
}
n == 0 && found.Nrow() > 0`)
	if text(low.Result) != "true" {
		t.Errorf("found holds no alert, or one below high severity: %s", text(low.Result))
	}

	msg := s.fail("%%taegis events search --ai --database :memory: --tenant " + tenant +
		"\nhigh severity alerts in the last week")
	if !strings.Contains(msg, "targets the alerts service, not the events service") {
		t.Errorf("events search --ai of an alert request: %s", msg)
	}
}

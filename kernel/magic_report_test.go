package kernel

import (
	"context"
	"strings"
	"testing"

	"gotaegis/kernel/display"
)

func TestGenerateReportReachesHook(t *testing.T) {
	var lines []string
	hook := func(ctx context.Context, line, body string, vars Vars, out Output) (
		*display.Bundle, error) {
		lines = append(lines, line)
		return nil, nil
	}
	e := newTestEngine(t, EngineOptions{Taegis: hook})
	rep, _ := run(t, e, "x := 1\n%generate_report out.md\n_ = x")
	if rep.Err != nil {
		t.Fatalf("error %+v", rep.Err)
	}
	if len(lines) != 1 || lines[0] != "%generate_report out.md" {
		t.Errorf("hook saw %q, want the %%generate_report line", lines)
	}

	bare := newTestEngine(t, EngineOptions{})
	rep, _ = run(t, bare, "%generate_report")
	if rep.Err == nil || !strings.Contains(rep.Err.Value, "magics not available") {
		t.Errorf("without the hook: %+v", rep.Err)
	}
}

//go:build !race

package kernel

import (
	"context"
	"strings"
	"testing"
)

// TestExecuteInterruptChannel interrupts a cell blocked on a channel. yaegi's own cancellation
// stops it and finishes that run in the background; the engine waits for the run to end
// before the next cell by inspecting goroutine stacks, an ordering the race detector cannot
// see, so this test runs without it.
func TestExecuteInterruptChannel(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	r := &recorder{}
	r.onText = func(s string) {
		if strings.Contains(s, "waiting") {
			cancel()
		}
	}
	rep := e.Execute(ctx, "ch := make(chan int)\nfmt.Println(\"waiting\")\n<-ch", r)
	cancel()
	if rep.Err == nil || rep.Err.Name != "KeyboardInterrupt" {
		t.Fatalf("want KeyboardInterrupt, got %+v", rep.Err)
	}
	rep, _ = run(t, e, "w := 2\nw * 3")
	if plain(rep.Result) != "6" {
		t.Fatalf("next cell: %+v", rep)
	}
}

package kernel

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestBackgroundEngine(t *testing.T) {
	t.Run("runs cells once built", func(t *testing.T) {
		release := make(chan struct{})
		e := BackgroundEngine(func() (Engine, error) {
			<-release
			return NewGoEngine(EngineOptions{})
		})
		defer e.Close()
		// A cell interrupted while the interpreter starts says so.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if rep := e.Execute(ctx, "1", &recorder{}); rep.Err == nil ||
			rep.Err.Name != "KeyboardInterrupt" {
			t.Errorf("interrupted while starting: %+v", rep.Err)
		}
		close(release)
		r := &recorder{}
		rep := e.Execute(context.Background(), `fmt.Println("up")`, r)
		if rep.Err != nil || r.stream("stdout") != "up\n" {
			t.Errorf("cell: %+v %q", rep.Err, r.stream("stdout"))
		}
		if status, _ := e.IsComplete("func f() {"); status != "incomplete" {
			t.Errorf("is_complete %q", status)
		}
		if matches, _, _ := e.Complete("fmt.Prin", 8); len(matches) == 0 {
			t.Error("no completions")
		}
	})
	t.Run("a failed build fails every cell and nothing else", func(t *testing.T) {
		e := BackgroundEngine(func() (Engine, error) { return nil, errors.New("no symbols") })
		rep := e.Execute(context.Background(), "1", &recorder{})
		if rep.Err == nil || rep.Err.Name != "EngineError" ||
			!strings.Contains(rep.Err.Value, "no symbols") ||
			!strings.Contains(rep.Err.Value, "restart the kernel") {
			t.Errorf("cell on a failed engine: %+v", rep.Err)
		}
		if status, _ := e.IsComplete("x"); status != "unknown" {
			t.Errorf("is_complete %q", status)
		}
		if _, found := e.Inspect("x", 1, 0); found {
			t.Error("inspect found something")
		}
		if err := e.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
}

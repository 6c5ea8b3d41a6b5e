//go:build unix

package kernel

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestExecuteInterruptShell(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	r := &recorder{}
	r.onText = func(s string) {
		if strings.Contains(s, "started") {
			cancel()
		}
	}
	// The shell's child holds the output pipe open: the next cell must not wait for it.
	rep := e.Execute(ctx, "!echo started; sleep 600; echo never", r)
	cancel()
	if rep.Err == nil || rep.Err.Name != "KeyboardInterrupt" && rep.Err.Name != "MagicError" {
		t.Fatalf("want an interrupted cell, got %+v", rep.Err)
	}
	// A command left in the background ends the line without its output pipe closing.
	pidFile := filepath.Join(t.TempDir(), "pid")
	t.Cleanup(func() {
		if b, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	rep, r = run(t, e, "!sleep 600 & echo $! > "+pidFile+"\nfmt.Println(\"after\")")
	if rep.Err != nil || r.stream("stdout") != "after\n" {
		t.Fatalf("next cell: %+v, stdout %q", rep.Err, r.stream("stdout"))
	}
}

package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmux is one tmux server of a test's own, on a private socket, holding one session.
type tmux struct {
	t       *testing.T
	bin     string
	socket  string
	session string
}

func (x *tmux) cmd(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, x.bin, append([]string{"-S", x.socket}, args...)...)
	c.Env = harness.env
	return c.CombinedOutput()
}

func (x *tmux) must(args ...string) string {
	x.t.Helper()
	out, err := x.cmd(args...)
	if err != nil {
		x.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen is the visible text of the session's pane.
func (x *tmux) screen() string {
	out, err := x.cmd("capture-pane", "-p", "-J", "-t", x.session)
	if err != nil {
		return ""
	}
	return string(out)
}

// waitFor polls the pane until ok holds for its text, failing the test after timeout.
func (x *tmux) waitFor(what string, timeout time.Duration, ok func(screen string) bool) string {
	x.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := x.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("jupyter console: no %s within %s; the screen shows:\n%s", what, timeout, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// typeLine waits until the screen has stopped changing, then types line and Enter. The
// console (prompt_toolkit under Python 3.11) can fail with "cannot enter context" when keys
// arrive while it is still drawing a new prompt, as a person never types.
func (x *tmux) typeLine(line string) {
	x.t.Helper()
	prev := x.screen()
	for range 50 {
		time.Sleep(150 * time.Millisecond)
		s := x.screen()
		if s == prev {
			break
		}
		prev = s
	}
	x.must("send-keys", "-t", x.session, "-l", line)
	x.must("send-keys", "-t", x.session, "Enter")
}

func (x *tmux) alive() bool {
	_, err := x.cmd("has-session", "-t", x.session)
	return err == nil
}

func TestConsoleUnderTmux(t *testing.T) {
	setup(t)
	python(t, "jupyter_console")
	console := tool(t, "/usr/bin/jupyter-console", "jupyter-console")
	x := &tmux{t: t, bin: tool(t, "/usr/bin/tmux", "tmux"),
		socket: filepath.Join(t.TempDir(), "tmux.sock"), session: "gotaegis-e2e"}
	t.Cleanup(func() { _, _ = x.cmd("kill-server") })

	// Without the exit confirmation, end of input (Ctrl-D) leaves at once and shuts the kernel
	// down.
	x.must("new-session", "-d", "-s", x.session, "-x", "160", "-y", "40",
		console, "--kernel", "gotaegis", "--no-confirm-exit")
	x.waitFor("first prompt", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "In [1]:")
	})

	x.typeLine("fmt.Println(6*7)")
	screen := x.waitFor(`"42" printed by the cell`, 30*time.Second, func(s string) bool {
		return hasLine(s, "42") && strings.Contains(s, "In [2]:")
	})
	if strings.Contains(screen, "Error") || strings.Contains(screen, "Traceback") {
		t.Fatalf("the cell failed:\n%s", screen)
	}

	// A loop typed line by line: the console asks the kernel whether the code is complete and
	// shows a continuation prompt until the closing brace.
	x.typeLine(`for i := 1; i <= 2; i++ {`)
	x.waitFor("continuation prompt after an open brace", 15*time.Second, func(s string) bool {
		return strings.Count(s, "...:") == 1
	})
	x.typeLine(`fmt.Println("loop", i*10)`)
	x.waitFor("continuation prompt inside the loop", 15*time.Second, func(s string) bool {
		return strings.Count(s, "...:") == 2
	})
	x.typeLine("}")
	x.waitFor("the loop's two lines", 30*time.Second, func(s string) bool {
		return hasLine(s, "loop 10") && hasLine(s, "loop 20") && strings.Contains(s, "In [3]:")
	})

	x.must("send-keys", "-t", x.session, "C-d")
	deadline := time.Now().Add(20 * time.Second)
	for x.alive() {
		if time.Now().After(deadline) {
			t.Fatalf("jupyter console still running 20s after Ctrl-D:\n%s", x.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// hasLine reports whether a line of screen, trimmed, is want.
func hasLine(screen, want string) bool {
	for _, l := range strings.Split(screen, "\n") {
		if strings.TrimSpace(l) == want {
			return true
		}
	}
	return false
}

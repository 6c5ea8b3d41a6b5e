package kernel_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/kernel"
	"gotaegis/kernel/client"
)

// buildBinary builds cmd/gotaegis into a temporary directory, or returns $GOTAEGIS_BIN when it
// is set (an absolute path to a binary built from this tree, such as make build's).
func buildBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("GOTAEGIS_BIN"); bin != "" {
		if !filepath.IsAbs(bin) {
			t.Fatalf("GOTAEGIS_BIN=%s must be an absolute path", bin)
		}
		return bin
	}
	bin := filepath.Join(t.TempDir(), "gotaegis")
	out, err := exec.Command("go", "build", "-o", bin, "gotaegis/cmd/gotaegis").CombinedOutput()
	if err != nil {
		t.Fatalf("go build gotaegis/cmd/gotaegis: %v\n%s", err, out)
	}
	return bin
}

// startBinary starts "gotaegis kernel" with its data in dataDir.
func startBinary(t *testing.T, bin, dataDir string) *client.Client {
	t.Helper()
	c, err := client.Start(testContext(t), []string{bin, "kernel", "{connection_file}"},
		client.StartOptions{Env: []string{"GOTAEGIS_DATA_DIR=" + dataDir}})
	if err != nil {
		t.Fatalf("start kernel: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// runUntilInterrupted runs an endless loop and interrupts it with interrupt once it runs.
func runUntilInterrupted(t *testing.T, c *client.Client, interrupt func() error) {
	t.Helper()
	ctx := testContext(t)
	running := make(chan struct{})
	done := make(chan client.ExecuteResult, 1)
	go func() {
		res, err := c.Execute(ctx, "for {\n}", client.ExecuteOptions{
			OnMessage: func(m kernel.Message) {
				if m.Header.MsgType == "execute_input" {
					close(running)
				}
			},
		})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	<-running
	if err := interrupt(); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.Status != "error" || res.Error == nil || res.Error.Name != "KeyboardInterrupt" {
		t.Errorf("interrupted loop: status %q, error %+v", res.Status, res.Error)
	}
}

// TestBinary runs the built gotaegis binary as Jupyter does, with the real Go engine.
func TestBinary(t *testing.T) {
	bin := buildBinary(t)
	t.Run("interrupts", func(t *testing.T) { testBinaryInterrupts(t, bin) })
	t.Run("stdin and errors", func(t *testing.T) { testBinaryStdinAndErrors(t, bin) })
	t.Run("history across restart", func(t *testing.T) { testBinaryHistory(t, bin) })
	t.Run("bad connection file", func(t *testing.T) { testBinaryBadConnectionFile(t, bin) })
}

// testBinaryBadConnectionFile runs "gotaegis kernel" on files it cannot use: it exits with
// status 1 and says what was wrong.
func testBinaryBadConnectionFile(t *testing.T, bin string) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"transport": "udp", "ip": "127.0.0.1"}`),
		0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, file, want string }{
		{"missing", filepath.Join(dir, "missing.json"), "no such file"},
		{"bad transport", bad, `transport "udp" is not supported`},
	}
	for _, tt := range tests {
		out, err := exec.Command(bin, "kernel", tt.file).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("%s: exit %v, want status 1", tt.name, err)
		}
		if !strings.Contains(string(out), tt.want) {
			t.Errorf("%s: output %q does not say %q", tt.name, out, tt.want)
		}
	}
}

func testBinaryInterrupts(t *testing.T, bin string) {
	c := startBinary(t, bin, t.TempDir())
	ctx := testContext(t)

	t.Run("interrupt_request", func(t *testing.T) {
		runUntilInterrupted(t, c, func() error { return c.Interrupt(ctx) })
	})
	t.Run("SIGINT", func(t *testing.T) {
		runUntilInterrupted(t, c, c.InterruptSignal)
	})
	res, err := c.Execute(ctx, "1+2+3", client.ExecuteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := res.Result(); res.Status != "ok" || data["text/plain"] != "6" {
		t.Errorf("after the interrupts: %q %v %+v", res.Status, data, res.Error)
	}
	if err := c.Heartbeat(ctx); err != nil {
		t.Error(err)
	}
}

func testBinaryStdinAndErrors(t *testing.T, bin string) {
	c := startBinary(t, bin, t.TempDir())
	ctx := testContext(t)

	res, err := c.Execute(ctx, "var s string\nfmt.Scanln(&s)\nfmt.Println(\"got\", s)",
		client.ExecuteOptions{OnInput: func(string, bool) (string, error) {
			return "hunter", nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "ok" || res.Stream("stdout") != "got hunter\n" {
		t.Errorf("stdin round trip: %q %q %+v", res.Status, res.Stream("stdout"), res.Error)
	}

	res, err = c.Execute(ctx, "undefinedThing + 1", client.ExecuteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "error" || len(res.Outputs()) != 1 ||
		res.Outputs()[0].Header.MsgType != "error" {
		t.Errorf("compile error: %q, outputs %v", res.Status, msgTypes(res.Outputs()))
	}
	if res.ExecutionCount != 2 {
		t.Errorf("execution_count %d, want 2", res.ExecutionCount)
	}
}

func testBinaryHistory(t *testing.T, bin string) {
	dataDir := t.TempDir()
	ctx := testContext(t)

	first := startBinary(t, bin, dataDir)
	if _, err := first.Execute(ctx, "1+2+3", client.ExecuteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := first.Shutdown(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := first.ExitErr(); err != nil {
		t.Errorf("kernel exit after shutdown: %v", err)
	}

	second := startBinary(t, bin, dataDir)
	if _, err := second.Execute(ctx, "40+2", client.ExecuteOptions{}); err != nil {
		t.Fatal(err)
	}
	tail, err := second.History(ctx, client.HistoryRequest{AccessType: "tail", N: 2,
		Output: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(tail) != 2 || tail[0].Input != "1+2+3" || tail[1].Input != "40+2" ||
		tail[0].Session >= tail[1].Session || tail[0].Output == nil || *tail[0].Output != "6" {
		t.Errorf("history after restart: %+v", tail)
	}
}

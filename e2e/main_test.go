package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// harness is what TestMain prepares for every test.
var harness struct {
	root string   // module root
	bin  string   // the gotaegis binary built for this run
	env  []string // environment in which Jupyter finds only the scratch kernelspec
	err  error    // why the binary could not be built or its kernelspec installed
	// noKernel is why the binary cannot run as a kernel, when it cannot.
	noKernel error
}

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "gotaegis-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	harness.err = prepare(tmp)
	if harness.err == nil {
		harness.noKernel = checkKernel()
	}
	code := m.Run()
	if pids := stopStrays(harness.bin); len(pids) > 0 {
		// A front end that exits without waiting for its kernel to end can leave it running;
		// the kernel then outlives the test, which must not happen to a suite.
		fmt.Fprintf(os.Stderr, "e2e: stopped %d kernel process(es) left running by the Jupyter "+
			"front ends: %v\n", len(pids), pids)
	}
	os.RemoveAll(tmp)
	os.Exit(code)
}

// stopStrays ends the processes still running bin, which only this suite's front ends start,
// and returns their ids.
func stopStrays(bin string) []int {
	if bin == "" {
		return nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if !runs(pid, bin) {
			continue
		}
		if p, err := os.FindProcess(pid); err == nil && p.Signal(syscall.SIGTERM) == nil {
			pids = append(pids, pid)
		}
	}
	if len(pids) > 0 {
		time.Sleep(time.Second)
		for _, pid := range pids {
			// Check again, so that a process id reused in the meantime is left alone.
			if p, err := os.FindProcess(pid); err == nil && runs(pid, bin) {
				_ = p.Signal(syscall.SIGKILL)
			}
		}
	}
	return pids
}

// runs reports whether process pid is running the program bin.
func runs(pid int, bin string) bool {
	cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	return err == nil && bytes.HasPrefix(cmdline, []byte(bin+"\x00"))
}

// prepare builds the binary into tmp and installs its kernelspec into tmp/jupyter.
func prepare(tmp string) error {
	root, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fmt.Errorf("module root not found above the e2e package: %w", err)
	}
	harness.root = root
	harness.bin = filepath.Join(tmp, "gotaegis")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", harness.bin, "./cmd/gotaegis")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/gotaegis: %w\n%s", err, out)
	}

	home := filepath.Join(tmp, "home")
	jupyter := filepath.Join(tmp, "jupyter")
	vars := map[string]string{
		"HOME":                home,
		"JUPYTER_PATH":        filepath.Join(jupyter, "share", "jupyter"),
		"JUPYTER_DATA_DIR":    filepath.Join(home, "jupyter-data"),
		"JUPYTER_CONFIG_DIR":  filepath.Join(home, "jupyter-config"),
		"JUPYTER_RUNTIME_DIR": filepath.Join(home, "jupyter-runtime"),
		"IPYTHONDIR":          filepath.Join(home, "ipython"),
		"GOTAEGIS_DATA_DIR":   filepath.Join(home, "gotaegis-data"),
		"GOTAEGIS_CONFIG_DIR": filepath.Join(home, "gotaegis-config"),
		"TERM":                "xterm-256color",
	}
	for _, k := range []string{"HOME", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR",
		"JUPYTER_RUNTIME_DIR", "IPYTHONDIR"} {
		if err := os.MkdirAll(vars[k], 0o755); err != nil {
			return err
		}
	}
	drop := map[string]bool{"XDG_DATA_HOME": true, "XDG_CONFIG_HOME": true,
		"XDG_RUNTIME_DIR": true, "PYTHONUSERBASE": true, "JUPYTER_PREFER_ENV_PATH": true,
		"TMUX": true, "TAEGIS_REGION": true, "CLIENT_ID": true, "CLIENT_SECRET": true}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, set := vars[k]; !set && !drop[k] {
			harness.env = append(harness.env, kv)
		}
	}
	for k, v := range vars {
		harness.env = append(harness.env, k+"="+v)
	}

	install := exec.CommandContext(ctx, harness.bin, "kernelspec", "install", "--prefix", jupyter)
	install.Env = harness.env
	if out, err := install.CombinedOutput(); err != nil {
		return fmt.Errorf("gotaegis kernelspec install: %w\n%s", err, out)
	}
	return nil
}

// checkKernel finds out whether the binary has the kernel subcommand that Jupyter runs.
func checkKernel() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	help := exec.CommandContext(ctx, harness.bin, "kernel", "--help")
	help.Env = harness.env
	out, err := help.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("Usage:\n  gotaegis kernel")) {
		return fmt.Errorf("this gotaegis build has no kernel subcommand: %v\n%s", err, out)
	}
	return nil
}

// setup fails the test when the binary is not built or cannot run as a kernel.
func setup(t *testing.T) {
	t.Helper()
	setupBinary(t)
	if harness.noKernel != nil {
		t.Fatalf("e2e harness: %v", harness.noKernel)
	}
}

// setupBinary fails the test when the binary could not be built and its kernelspec installed.
func setupBinary(t *testing.T) {
	t.Helper()
	if harness.err != nil {
		t.Fatalf("e2e harness: %v", harness.err)
	}
}

// tool returns path when it exists. Without it the test is skipped, or fails under CI=true.
func tool(t *testing.T, path, pkg string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI (Debian package %s): %v", path, pkg, err)
		}
		t.Skipf("%s not installed (Debian package %s)", path, pkg)
	}
	return path
}

// python returns Debian's python3 after checking it can import modules, skipping or failing
// like tool.
func python(t *testing.T, modules ...string) string {
	t.Helper()
	py := tool(t, "/usr/bin/python3", "python3")
	if len(modules) == 0 {
		return py
	}
	cmd := exec.Command(py, "-c", "import "+strings.Join(modules, ", "))
	cmd.Env = harness.env
	if out, err := cmd.CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s cannot import %s under CI: %v\n%s", py, modules, err, out)
		}
		t.Skipf("%s cannot import %s: %s", py, modules, lastLine(out))
	}
	return py
}

// run runs name with args in the harness environment, failing the test on error or after
// timeout. It returns standard output.
func run(t *testing.T, timeout time.Duration, dir, name string, args ...string) string {
	t.Helper()
	return runEnv(t, harness.env, timeout, dir, name, args...)
}

// runEnv is run in the environment env.
func runEnv(t *testing.T, env []string, timeout time.Duration, dir, name string,
	args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Dir = dir
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("no result after %s: %w", timeout, err)
		}
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(name),
			strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

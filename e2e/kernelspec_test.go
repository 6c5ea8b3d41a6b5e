package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKernelspecCommands runs the binary's own install, list and remove against Debian's
// jupyter kernelspec list.
func TestKernelspecCommands(t *testing.T) {
	setupBinary(t)
	jk := tool(t, "/usr/bin/jupyter-kernelspec", "jupyter-client")
	prefix := t.TempDir()
	kernels := filepath.Join(prefix, "share", "jupyter", "kernels")

	out := run(t, 30*time.Second, "", harness.bin, "kernelspec", "install", "--prefix", prefix,
		"--name", "gotaegis-eu", "--display-name", "Go (Taegis EU)",
		"--env", "TAEGIS_REGION=echo", "--env", "GOTAEGIS_LOG=info")
	if !strings.Contains(out, filepath.Join(kernels, "gotaegis-eu")) {
		t.Fatalf("install said %q, want the directory it wrote", out)
	}

	// jupyter finds both the harness's kernelspec and this one when its path holds both.
	both := withEnv(harness.env, "JUPYTER_PATH",
		filepath.Join(prefix, "share", "jupyter")+string(os.PathListSeparator)+
			getEnv(harness.env, "JUPYTER_PATH"))
	var listed struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
			Spec        struct {
				Argv          []string          `json:"argv"`
				DisplayName   string            `json:"display_name"`
				InterruptMode string            `json:"interrupt_mode"`
				Env           map[string]string `json:"env"`
			} `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal([]byte(runEnv(t, both, 30*time.Second, "", jk, "list", "--json")),
		&listed); err != nil {
		t.Fatal(err)
	}
	eu, ok := listed.Kernelspecs["gotaegis-eu"]
	if !ok {
		t.Fatalf("jupyter kernelspec list lacks gotaegis-eu: %+v", listed)
	}
	if _, ok := listed.Kernelspecs["gotaegis"]; !ok {
		t.Fatalf("jupyter kernelspec list lacks gotaegis: %+v", listed)
	}
	if eu.Spec.Argv[0] != harness.bin || eu.Spec.Argv[1] != "kernel" ||
		eu.Spec.DisplayName != "Go (Taegis EU)" || eu.Spec.InterruptMode != "message" ||
		eu.Spec.Env["TAEGIS_REGION"] != "echo" || eu.Spec.Env["GOTAEGIS_LOG"] != "info" {
		t.Fatalf("jupyter reads gotaegis-eu as %+v", eu.Spec)
	}

	list := runEnv(t, both, 30*time.Second, "", harness.bin, "kernelspec", "list")
	for _, want := range []string{"gotaegis-eu", "Go (Taegis EU)", eu.ResourceDir} {
		if !strings.Contains(list, want) {
			t.Errorf("gotaegis kernelspec list lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "python3") {
		t.Errorf("gotaegis kernelspec list shows other kernels without --all:\n%s", list)
	}

	runEnv(t, both, 30*time.Second, "", harness.bin, "kernelspec", "remove", "gotaegis-eu")
	if _, err := os.Stat(eu.ResourceDir); !os.IsNotExist(err) {
		t.Fatalf("%s survived remove: %v", eu.ResourceDir, err)
	}
}

func getEnv(env []string, key string) string {
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v
		}
	}
	return ""
}

// withEnv is env with key set to value.
func withEnv(env []string, key, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != key {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}

// TestKernelspecInstallWithoutPermission installs, as an unprivileged user, into a directory
// only root may write: the error must say what to do instead. It needs root, to switch user.
func TestKernelspecInstallWithoutPermission(t *testing.T) {
	setupBinary(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the binary as another user")
	}
	setpriv := tool(t, "/usr/bin/setpriv", "util-linux")

	// The unprivileged user must be able to reach and run a copy of the binary.
	dir, err := os.MkdirTemp("", "gotaegis-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(harness.bin)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "gotaegis")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(dir, "system")
	if err := os.MkdirAll(filepath.Join(prefix, "share", "jupyter", "kernels"), 0o755); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
		bin, "kernelspec", "install", "--prefix", prefix)
	cmd.Env = withEnv(harness.env, "HOME", dir)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("an unprivileged install into a root-owned directory succeeded:\n%s", out)
	}
	for _, want := range []string{"permission denied", "--user", "--prefix DIR"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the error lacks %q:\n%s", want, out)
		}
	}
	kernels, _ := os.ReadDir(filepath.Join(prefix, "share", "jupyter", "kernels"))
	if len(kernels) != 0 {
		t.Errorf("the failed install left %v behind", kernels)
	}
}

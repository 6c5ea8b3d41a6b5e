package kernelspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func testSpec(t *testing.T) Spec {
	t.Helper()
	s, err := New("/opt/bin/gotaegis", "test", map[string]string{"TAEGIS_REGION": "delta"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestInstallWritesSpecAndLogos(t *testing.T) {
	kernels := filepath.Join(t.TempDir(), "share", "jupyter", "kernels")
	dir, err := Install(kernels, "gotaegis", testSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(kernels, "gotaegis"); dir != want {
		t.Fatalf("Install = %s, want %s", dir, want)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("kernelspec holds %v, want %v", names, want)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Argv, testSpec(t).Argv) || got.Env["TAEGIS_REGION"] != "delta" ||
		got.InterruptMode != "message" || got.Language != "go" {
		t.Fatalf("read back %+v", got)
	}
	for _, n := range LogoNames {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil || !bytes.Equal(b, Logos()[n]) {
			t.Fatalf("%s not written as embedded: %v", n, err)
		}
	}
	// Nothing of the swap is left beside the kernelspec.
	left, err := os.ReadDir(kernels)
	if err != nil || len(left) != 1 {
		t.Fatalf("kernels directory holds %v, %v", left, err)
	}
}

func TestInstallReplaces(t *testing.T) {
	kernels := t.TempDir()
	s := testSpec(t)
	if _, err := Install(kernels, "gotaegis", s); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(kernels, "gotaegis", "stale.txt")
	if err := os.WriteFile(stale, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.DisplayName = "Go (Taegis EU)"
	dir, err := Install(kernels, "gotaegis", s)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Read(dir); err != nil || got.DisplayName != "Go (Taegis EU)" {
		t.Fatalf("after reinstall: %+v, %v", got, err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale file survived the reinstall: %v", err)
	}
}

func TestInstallErrors(t *testing.T) {
	base := t.TempDir()
	blocker := filepath.Join(base, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	noConn := testSpec(t)
	noConn.Argv = []string{"/opt/bin/gotaegis", "kernel"}
	tests := []struct {
		name    string
		dir     string
		kernel  string
		spec    Spec
		wantErr string
	}{
		{"bad name", base, "Go Taegis", testSpec(t), "kernel name"},
		{"no connection file", base, "gotaegis", noConn, "never passes"},
		{"directory is a file", filepath.Join(blocker, "kernels"), "gotaegis", testSpec(t),
			"not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Install(tt.dir, tt.kernel, tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Install = %v, want error mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestListAndRemove(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	s := testSpec(t)
	for _, d := range []string{first, second} {
		if _, err := Install(d, "gotaegis", s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Install(second, "gotaegis-eu", s); err != nil {
		t.Fatal(err)
	}
	python := filepath.Join(first, "python3")
	if err := os.MkdirAll(python, 0o755); err != nil {
		t.Fatal(err)
	}
	pj := `{"argv":["python3","-m","ipykernel_launcher","-f","{connection_file}"],` +
		`"display_name":"Python 3","language":"python"}`
	if err := os.WriteFile(filepath.Join(python, "kernel.json"), []byte(pj), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(second, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "kernel.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A directory without kernel.json is not a kernelspec.
	if err := os.MkdirAll(filepath.Join(second, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}

	found, err := List([]string{first, second, filepath.Join(first, "missing")})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name, dir          string
		gotaegis, shadowed bool
		bad                bool
	}
	var got []row
	for _, k := range found {
		got = append(got, row{k.Name, filepath.Dir(k.Dir), k.Spec.IsGotaegis(), k.Shadowed,
			k.Err != nil})
	}
	want := []row{
		{"broken", second, false, false, true},
		{"gotaegis", first, true, false, false},
		{"gotaegis", second, true, true, false},
		{"gotaegis-eu", second, true, false, false},
		{"python3", first, false, false, false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("List =\n%+v\nwant\n%+v", got, want)
	}

	if _, err := Remove(first, "python3"); !errors.Is(err, ErrNotGotaegis) {
		t.Fatalf("Remove(python3) = %v, want ErrNotGotaegis", err)
	}
	if _, err := os.Stat(python); err != nil {
		t.Fatalf("python3 kernelspec was touched: %v", err)
	}
	if _, err := Remove(first, "nothere"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Remove(nothere) = %v, want ErrNotFound", err)
	}
	dir, err := Remove(first, "gotaegis")
	if err != nil || dir != filepath.Join(first, "gotaegis") {
		t.Fatalf("Remove = %s, %v", dir, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s still exists: %v", dir, err)
	}
}

// jupyterEnv is an environment in which Jupyter sees only what a test puts in jupyterPath,
// plus the system directories.
func jupyterEnv(t *testing.T, jupyterPath string) []string {
	t.Helper()
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME", "JUPYTER_PATH", "JUPYTER_DATA_DIR", "XDG_DATA_HOME", "PYTHONUSERBASE",
			"JUPYTER_PREFER_ENV_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "JUPYTER_PATH="+jupyterPath,
		"JUPYTER_DATA_DIR="+filepath.Join(home, "data"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(home, "config"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(home, "runtime"))
}

// tool returns the path of an external program, skipping the test when it is absent, except
// under CI where a missing tool is a failure.
func tool(t *testing.T, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI: %v (install Debian's Jupyter packages)", path, err)
		}
		t.Skipf("%s not installed: %v", path, err)
	}
	return path
}

func TestJupyterSeesInstalledKernelspec(t *testing.T) {
	jk := tool(t, "/usr/bin/jupyter-kernelspec")
	prefix := t.TempDir()
	dir, err := Install(PrefixDir(prefix), "gotaegis-test", testSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(jk, "list", "--json")
	cmd.Env = jupyterEnv(t, filepath.Join(prefix, "share", "jupyter"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jupyter kernelspec list: %v\n%s", err, stderr.String())
	}
	var listed struct {
		Kernelspecs map[string]struct {
			ResourceDir string          `json:"resource_dir"`
			Spec        json.RawMessage `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &listed); err != nil {
		t.Fatalf("jupyter kernelspec list --json: %v\n%s", err, out)
	}
	k, ok := listed.Kernelspecs["gotaegis-test"]
	if !ok {
		t.Fatalf("jupyter does not list gotaegis-test:\n%s", out)
	}
	if k.ResourceDir != dir {
		t.Fatalf("jupyter finds it in %s, want %s", k.ResourceDir, dir)
	}
	var spec struct {
		Argv          []string          `json:"argv"`
		DisplayName   string            `json:"display_name"`
		Language      string            `json:"language"`
		InterruptMode string            `json:"interrupt_mode"`
		Env           map[string]string `json:"env"`
	}
	if err := json.Unmarshal(k.Spec, &spec); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(spec.Argv, testSpec(t).Argv) || spec.DisplayName != DefaultDisplayName ||
		spec.Language != "go" || spec.InterruptMode != "message" ||
		spec.Env["TAEGIS_REGION"] != "delta" {
		t.Fatalf("jupyter reads the kernelspec as %+v", spec)
	}
}

// TestSearchPathMatchesJupyter compares SearchPath with jupyter_core's own jupyter_path, run
// by Debian's python3 in the same environment.
func TestSearchPathMatchesJupyter(t *testing.T) {
	py := tool(t, "/usr/bin/python3")
	env := jupyterEnv(t, "/tmp/a:/tmp/b")
	cmd := exec.Command(py, "-c",
		"import json; from jupyter_core.paths import jupyter_path; "+
			"print(json.dumps(jupyter_path('kernels')))")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		if os.Getenv("CI") != "true" {
			t.Skipf("jupyter_core not importable by %s: %v", py, err)
		}
		t.Fatalf("jupyter_core: %v", err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, k := range []string{"XDG_DATA_HOME", "PYTHONUSERBASE", "JUPYTER_PREFER_ENV_PATH"} {
		t.Setenv(k, "") // restores the variable after the test
		os.Unsetenv(k)
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv(SysPrefixEnv, "/usr")
	if got := SearchPath(); !reflect.DeepEqual(got, want) {
		t.Fatalf("SearchPath =\n%q\njupyter_core says\n%q", got, want)
	}
}

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/magics"
)

// notebookBinary returns $GOTAEGIS_BIN or a fresh build of this command, and the environment
// that makes it Jupyter's gotaegis kernel with its data and settings in scratch directories.
func notebookBinary(t *testing.T) (string, []string) {
	t.Helper()
	bin := os.Getenv("GOTAEGIS_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "gotaegis")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	dir := t.TempDir()
	env := append(os.Environ(), "JUPYTER_PATH="+filepath.Join(dir, "share", "jupyter"),
		"JUPYTER_DATA_DIR="+filepath.Join(dir, "data"),
		"GOTAEGIS_DATA_DIR="+filepath.Join(dir, "gotaegis"),
		"GOTAEGIS_CONFIG_DIR="+filepath.Join(dir, "config"), "TAEGIS_REGION=",
		"TAEGIS_NOTEBOOK_FILENAME=", localURLEnv+"=")
	cmd := exec.Command(bin, "kernelspec", "install", "--prefix", dir)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kernelspec install: %v\n%s", err, out)
	}
	return bin, env
}

func runNotebookBinary(t *testing.T, bin string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestNotebookFanoutCommand runs a fan-out through the binary against region local: one
// tenant fails, the tenants without results get a null-findings investigation filed through
// the SDK, and the executed notebooks give a report and a cache listing.
func TestNotebookFanoutCommand(t *testing.T) {
	bin, env := notebookBinary(t)
	work := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "notebook", "testdata", "exec",
		"hunt.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(work, "hunt.ipynb")
	null := filepath.Join(work, "null.md")
	for path, data := range map[string][]byte{in: src,
		null: []byte("No critical alerts in the last 30 days.\n")} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(work, "runs")
	text, err := runNotebookBinary(t, bin, env, "notebook", "fanout", in, "--tenants",
		"50001,50002,50003", "--region", "local", "--parallel", "3", "--out", out,
		"-p", "FAIL_TENANT=50002", "--null-findings", null)
	if err == nil || !strings.Contains(text, "1 of 3 tenants failed") {
		t.Fatalf("fanout: %v\n%s", err, text)
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var runs []map[string]any
	if err := json.Unmarshal(data, &runs); err != nil {
		t.Fatal(err)
	}
	var found string
	for _, r := range runs {
		tenant, status := r["tenant"].(string), r["status"].(string)
		rows, _ := r["results_returned"].(float64)
		inv, _ := r["null_findings_investigation"].(string)
		switch {
		case tenant == "50002":
			if status != "failed" {
				t.Errorf("50002: %s", status)
			}
		case status != "ok":
			t.Errorf("%s: %s %v", tenant, status, r["error"])
		case rows == 0 && inv == "":
			t.Errorf("%s found nothing but has no null-findings investigation: %v", tenant, r)
		case rows > 0 && inv != "":
			t.Errorf("%s found %v rows but got a null-findings investigation", tenant, rows)
		case rows > 0:
			found = r["notebook"].(string)
		}
	}
	if found == "" {
		t.Fatalf("no tenant found anything: %s", data)
	}

	text, err = runNotebookBinary(t, bin, env, "notebook", "generate-report", found)
	report := strings.TrimSuffix(found, ".ipynb") + ".report.md"
	if err != nil || !strings.Contains(text, report) {
		t.Fatalf("generate-report: %v\n%s", err, text)
	}
	if md, _ := os.ReadFile(report); !strings.Contains(string(md), "# Critical alerts") ||
		!strings.Contains(string(md), "| --- |") || strings.Contains(string(md), "FAIL_TENANT") {
		t.Errorf("report:\n%s", md)
	}

	text, err = runNotebookBinary(t, bin, env, "notebook", "cache", "list", "--json", found)
	if err != nil {
		t.Fatalf("cache list: %v\n%s", err, text)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(text), &entries); err != nil || len(entries) != 1 ||
		entries[0]["name"] != "alerts" {
		t.Errorf("cache list: %v\n%s", err, text)
	}

	if text, err := runNotebookBinary(t, bin, env, "notebook", "execute", in, in); err == nil ||
		!strings.Contains(text, "never overwritten") {
		t.Errorf("execute IN IN: %v\n%s", err, text)
	}
}

func TestMacroArgs(t *testing.T) {
	got := strings.Join(macroArgs(macroOf(true)), " ")
	want := "--id 1 --service MDR --label tier=gold --label vip --enabled true"
	if got != want {
		t.Errorf("macroArgs = %q, want %q", got, want)
	}
}

func macroOf(enabled bool) magics.Macro {
	return magics.Macro{IDs: []string{"1"}, Services: []string{"MDR"},
		Labels:  []magics.MacroLabel{{Name: "tier", Value: "gold"}, {Name: "vip"}},
		Enabled: &enabled}
}

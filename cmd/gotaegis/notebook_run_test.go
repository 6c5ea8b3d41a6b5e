package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"gotaegis/emulator"
	"gotaegis/magics"
	"gotaegis/notebook"
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
	// A row a hunter staged for a clean tenant, for an investigation of their own: the
	// null-findings investigation must neither take it nor move it.
	rows := filepath.Join(work, "rows.json")
	staged := "alert://priv:alert:50001:staged-by-hand"
	if err := os.WriteFile(rows, []byte(`[{"id":"`+staged+`","tenant_id":"50001"}]`),
		0o644); err != nil {
		t.Fatal(err)
	}
	if text, err := runNotebookBinary(t, bin, env, "investigations", "evidence", "stage",
		"alerts", rows); err != nil {
		t.Fatalf("stage: %v\n%s", err, text)
	}
	out := filepath.Join(work, "runs")
	text, err := runNotebookBinary(t, bin, env, "notebook", "fanout", in, "--tenants",
		"50001,50002,50003", "--region", "local", "--parallel", "3", "--out", out,
		"-p", "FAIL_TENANT=50002", "--null-findings", null)
	if err == nil || !strings.Contains(text, "1 of 3 tenants failed") {
		t.Fatalf("fanout: %v\n%s", err, text)
	}
	if strings.Contains(text, "with 1 alerts") {
		t.Errorf("a null-findings investigation took the hand-staged alert:\n%s", text)
	}
	shown, err := runNotebookBinary(t, bin, env, "investigations", "evidence", "show")
	if err != nil || !strings.Contains(shown, staged) || strings.Count(shown, `"NEW"`) != 1 {
		t.Errorf("after the fan-out the hand-staged alert is not staged under NEW: %v\n%s",
			err, shown)
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

// TestNotebookFanoutRateGate fans out in a custom region served by an emulator behind a
// counting proxy: every request the kernels make to the region must have passed the fan-out's
// rate gate, so the gate's permits and the requests the region saw are the same number.
func TestNotebookFanoutRateGate(t *testing.T) {
	bin, env := notebookBinary(t)
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	upstream, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	var seen atomic.Int64
	rp := httputil.NewSingleHostReverseProxy(upstream)
	region := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		rp.ServeHTTP(w, r)
	}))
	defer region.Close()

	var config string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOTAEGIS_CONFIG_DIR="); ok {
			config = v
		}
	}
	if err := os.MkdirAll(config, 0o700); err != nil {
		t.Fatal(err)
	}
	settings := "regions:\n  emu:\n    url: " + region.URL + "\n"
	if err := os.WriteFile(filepath.Join(config, "config.yaml"), []byte(settings),
		0o600); err != nil {
		t.Fatal(err)
	}
	// The test notebook's alerts search goes over HTTP; the procedure's events search over a
	// websocket.
	for _, in := range []string{
		filepath.Join("..", "..", "notebook", "testdata", "exec", "hunt.ipynb"),
		filepath.Join("..", "..", "examples", "encoded-powershell.md"),
	} {
		t.Run(filepath.Base(in), func(t *testing.T) {
			before := seen.Load()
			out := filepath.Join(t.TempDir(), "runs")
			text, err := runNotebookBinary(t, bin, env, "notebook", "fanout", in, "--tenants",
				"50001,50003", "--region", "emu", "--parallel", "2", "--out", out,
				"--rate", "1000")
			if err != nil {
				t.Fatalf("fanout: %v\n%s", err, text)
			}
			m := regexp.MustCompile(`(\d+) requests to region emu went through`).
				FindStringSubmatch(text)
			if m == nil {
				t.Fatalf("fanout does not say how many requests went through its limit:\n%s",
					text)
			}
			permits, _ := strconv.ParseInt(m[1], 10, 64)
			if got := seen.Load() - before; permits == 0 || permits != got {
				t.Errorf("the gate granted %d permits; the region saw %d requests", permits,
					got)
			}
			runs, err := notebook.ReadSummary(filepath.Join(out, "summary.json"))
			if err != nil {
				t.Fatal(err)
			}
			rows := 0
			for _, r := range runs {
				if r.Status != notebook.StatusOK || r.Region != "emu" {
					t.Errorf("%s: %s in %s: %s", r.Tenant, r.Status, r.Region, r.Error)
				}
				rows += r.ResultsReturned
			}
			if rows == 0 {
				t.Errorf("the runs found nothing in region emu: %+v", runs)
			}
		})
	}
}

func TestCustomerTenants(t *testing.T) {
	for _, tc := range []struct {
		name    string
		records []map[string]any
		ids     []string
		skipped int
	}{
		{"none", nil, nil, 0},
		{"customers only", []map[string]any{{"id": "1"}, {"id": "2", "isPartner": false}},
			[]string{"1", "2"}, 0},
		{"partners and organizations left out", []map[string]any{
			{"id": "10001", "isPartner": true}, {"id": "50001"},
			{"id": "30001", "isOrganization": true}, {"id": "50002", "isOrganization": false}},
			[]string{"50001", "50002"}, 2},
		{"records without an id", []map[string]any{{"name": "x"}, {"id": ""}, {"id": "3"}},
			[]string{"3"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, skipped := customerTenants(tc.records)
			if strings.Join(ids, ",") != strings.Join(tc.ids, ",") || skipped != tc.skipped {
				t.Errorf("customerTenants = %v, %d; want %v, %d", ids, skipped, tc.ids,
					tc.skipped)
			}
		})
	}
}

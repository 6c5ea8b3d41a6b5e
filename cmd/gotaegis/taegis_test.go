package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildBinary builds gotaegis into a temporary directory and returns its path.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "gotaegis")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBinary runs the binary with its own data and config directories and no credentials.
func runBinary(t *testing.T, bin, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "GOTAEGIS_DATA_DIR="+filepath.Join(dir, "data"),
		"GOTAEGIS_CONFIG_DIR="+filepath.Join(dir, "config"), "TAEGIS_REGION=",
		"CLIENT_ID=", "CLIENT_SECRET=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func TestTaegisCommandsInTheBinary(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()

	out, errs, code := runBinary(t, bin, dir, "alerts", "search", "--cell",
		"FROM alert WHERE severity >= 0.6", "--region", "local", "--limit", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var alerts []map[string]any
	if err := json.Unmarshal([]byte(out), &alerts); err != nil {
		t.Fatalf("stdout is not a JSON array of records: %v\n%s", err, out)
	}
	// The default dataset's first tenant has few alerts this severe: at most the limit.
	if len(alerts) == 0 || len(alerts) > 5 {
		t.Fatalf("got %d alerts, want 1 to 5", len(alerts))
	}
	for _, a := range alerts {
		md, _ := a["metadata"].(map[string]any)
		if sev, _ := md["severity"].(float64); sev < 0.6 || !strings.HasPrefix(
			a["id"].(string), "alert://") {
			t.Fatalf("alert %v does not match the query", a["id"])
		}
	}

	out, _, code = runBinary(t, bin, dir, "alerts", "search", "--region", "local", "--cell",
		"FROM alert WHERE severity >= 0", "--limit", "5", "--format", "ndjson")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 5 {
		t.Fatalf("ndjson: exit %d, %q", code, out)
	}

	_, errs, code = runBinary(t, bin, dir, "alerts", "search", "--region", "local", "--cell",
		"FROM alert WHERE ((")
	first := strings.SplitN(errs, "\n", 2)[0]
	var gqlErrors []map[string]any
	if code != 1 || json.Unmarshal([]byte(first), &gqlErrors) != nil || len(gqlErrors) == 0 ||
		gqlErrors[0]["message"] == nil {
		t.Fatalf("a bad query: exit %d, stderr %q", code, errs)
	}

	_, errs, code = runBinary(t, bin, dir, "investigations", "create", "--priorty", "HIGH")
	if code != 1 || !strings.Contains(errs, "unknown option --priorty; did you mean --priority?") {
		t.Fatalf("a misspelt option: exit %d, stderr %q", code, errs)
	}
}

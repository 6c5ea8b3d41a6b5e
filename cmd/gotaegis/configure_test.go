package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// runCmd runs a freshly built command with args and returns what it printed.
func runCmd(t *testing.T, cmd *cobra.Command, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

// tempConfigDir points GOTAEGIS_CONFIG_DIR at a new directory and clears the variables that
// choose a region or credentials.
func tempConfigDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("GOTAEGIS_CONFIG_DIR", dir)
	for _, v := range []string{"TAEGIS_REGION", "CLIENT_ID", "CLIENT_SECRET"} {
		t.Setenv(v, "")
	}
	return dir
}

func TestConfigureCommands(t *testing.T) {
	dir := tempConfigDir(t)
	steps := []struct {
		args    []string
		want    string // in stdout
		wantErr string
	}{
		{[]string{"regions", "add", "Lab", "http://127.0.0.1:8765", "--auth-url",
			"http://127.0.0.1:9000"}, "region lab: http://127.0.0.1:8765", ""},
		{[]string{"regions", "add", "charlie", "https://x.example.com"}, "", "built in"},
		{[]string{"regions", "add", "bad", "not-a-url"}, "", "absolute http"},
		{[]string{"default-region", "lab"}, "default region: lab", ""},
		{[]string{"default-region"}, "lab", ""},
		{[]string{"default-region", "nowhere"}, "", "unknown region"},
		{[]string{"auth", "US1", "--client-id-env", "CHARLIE_ID", "--client-secret-env",
			"CHARLIE_SECRET"}, "client id from $CHARLIE_ID", ""},
		{[]string{"auth", "charlie"}, "", "nothing to set"},
		{[]string{"auth", "lab", "--universal"}, "universal auth true", ""},
		{[]string{"regions", "list", "--format", "ndjson"}, `"default":true,"region":"lab"`, ""},
		{[]string{"regions", "remove", "lab"}, "removed region lab", ""},
		{[]string{"regions", "remove", "lab"}, "", "no custom region"},
		{[]string{"default-region"}, "(none)", ""},
	}
	for _, st := range steps {
		out, _, err := runCmd(t, newConfigureCmd(), st.args...)
		name := strings.Join(st.args, " ")
		if st.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), st.wantErr) {
				t.Errorf("%s: err = %v, want one containing %q", name, err, st.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !strings.Contains(out, st.want) {
			t.Errorf("%s: output %q lacks %q", name, out, st.want)
		}
	}

	data, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.Contains(text, "client_id_env: CHARLIE_ID") || strings.Contains(text, "lab") {
		t.Errorf("settings file after the steps:\n%s", text)
	}
}

package magics

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/kernel"
	"gotaegis/kernel/display"
)

// setVars is a kernel.Vars over a map that Set writes to.
type setVars map[string]any

func (v setVars) Get(name string) (any, bool)  { x, ok := v[name]; return x, ok }
func (v setVars) Set(name string, x any) error { v[name] = x; return nil }
func (v setVars) Eval(expr string) (any, error) {
	return nil, errors.New("undefined: " + expr)
}

// reportOutput keeps what a call writes on stdout.
type reportOutput struct {
	nopOutput
	stdout strings.Builder
}

func (o *reportOutput) Stream(name, text string) {
	if name == "stdout" {
		o.stdout.WriteString(text)
	}
}

func TestGenerateReportMagic(t *testing.T) {
	dir := t.TempDir()
	nb := filepath.Join(dir, "hunt_local_50001.ipynb")
	if err := os.WriteFile(nb, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	report := func(path string) (string, error) {
		if path != nb {
			return "", errors.New("read " + path)
		}
		return "# Hunt\n", nil
	}
	t.Setenv(ReportVar, "")
	tests := []struct {
		name    string
		line    string
		vars    setVars
		env     map[string]string
		report  ReportFunc
		file    string // the report expected, "" for none
		stdout  string
		wantErr string
	}{
		{"beside the notebook from the environment", "%generate_report", setVars{},
			map[string]string{"TAEGIS_NOTEBOOK_FILENAME": nb}, report,
			filepath.Join(dir, "hunt_local_50001.report.md"), "Report written to", ""},
		{"session variable and an output path", "%generate_report $out",
			setVars{"TAEGIS_NOTEBOOK_FILENAME": nb, "out": filepath.Join(dir, "r.md")}, nil,
			report, filepath.Join(dir, "r.md"), "Report written to", ""},
		{"help", "%generate_report --help", setVars{}, nil, report, "", "Usage:", ""},
		{"no notebook", "%generate_report", setVars{}, nil, report, "", "",
			"set TAEGIS_NOTEBOOK_FILENAME"},
		{"notebook not saved", "%generate_report", setVars{},
			map[string]string{"TAEGIS_NOTEBOOK_FILENAME": filepath.Join(dir, "nope.ipynb")},
			report, "", "", "save the notebook first"},
		{"two paths", "%generate_report a.md b.md", setVars{}, nil, report, "", "",
			"unexpected arguments"},
		{"unknown option", "%generate_report --to pdf", setVars{}, nil, report, "", "",
			"unexpected arguments"},
		{"report fails", "%generate_report", setVars{},
			map[string]string{"TAEGIS_NOTEBOOK_FILENAME": nb},
			func(string) (string, error) { return "", errors.New("bad cell") }, "", "",
			"bad cell"},
		{"no renderer", "%generate_report", setVars{},
			map[string]string{"TAEGIS_NOTEBOOK_FILENAME": nb}, nil, "", "",
			"cannot render reports"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := func(context.Context, string, string, kernel.Vars, kernel.Output) (
				*display.Bundle, error) {
				return nil, errors.New("passed on")
			}
			getenv := func(k string) string { return tt.env[k] }
			hook := WithReport(next, tt.report, getenv)
			out := &reportOutput{}
			_, err := hook(context.Background(), tt.line, "", tt.vars, out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if s := out.stdout.String(); !strings.Contains(s, tt.stdout) {
				t.Errorf("stdout %q, want %q", s, tt.stdout)
			}
			if tt.file == "" {
				return
			}
			b, err := os.ReadFile(tt.file)
			if err != nil || string(b) != "# Hunt\n" {
				t.Fatalf("report %q %v", b, err)
			}
			if got := os.Getenv(ReportVar); got != tt.file {
				t.Errorf("%s = %q, want %q", ReportVar, got, tt.file)
			}
			if got := tt.vars[ReportVar]; got != tt.file {
				t.Errorf("session %s = %v, want %q", ReportVar, got, tt.file)
			}
		})
	}
}

func TestWithReportPassesOtherLines(t *testing.T) {
	var seen []string
	next := func(_ context.Context, line, _ string, _ kernel.Vars, _ kernel.Output) (
		*display.Bundle, error) {
		seen = append(seen, line)
		return nil, nil
	}
	hook := WithReport(next, nil, nil)
	for _, line := range []string{"%taegis alerts search", "%generate_reports", "%%taegis x"} {
		if _, err := hook(context.Background(), line, "", setVars{}, &reportOutput{}); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	if len(seen) != 3 {
		t.Errorf("passed on %q, want all three lines", seen)
	}
}

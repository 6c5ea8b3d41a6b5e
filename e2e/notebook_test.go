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

// notebook is the part of an nbformat 4 notebook the checks read.
type notebook struct {
	Metadata struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
		LanguageInfo struct {
			Name string `json:"name"`
		} `json:"language_info"`
	} `json:"metadata"`
	Cells []struct {
		ID       string   `json:"id"`
		CellType string   `json:"cell_type"`
		Outputs  []output `json:"outputs"`
	} `json:"cells"`
}

type output struct {
	OutputType string         `json:"output_type"`
	Name       string         `json:"name"`
	Text       multiline      `json:"text"`
	Data       map[string]any `json:"data"`
	Ename      string         `json:"ename"`
	Evalue     string         `json:"evalue"`
	Traceback  []string       `json:"traceback"`
	Count      *int           `json:"execution_count"`
}

// multiline is nbformat's text: a string or a list of strings to join.
type multiline string

func (m *multiline) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*m = multiline(s)
		return nil
	}
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil {
		return err
	}
	*m = multiline(strings.Join(parts, ""))
	return nil
}

// text is the MIME data of o under mime, joined when it is a list of lines.
func (o output) text(mime string) string {
	switch v := o.Data[mime].(type) {
	case string:
		return v
	case []any:
		var sb strings.Builder
		for _, p := range v {
			s, _ := p.(string)
			sb.WriteString(s)
		}
		return sb.String()
	}
	return ""
}

func readNotebook(t *testing.T, path string) notebook {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return nb
}

// validate checks path against the nbformat 4 schema with Debian's nbformat.
func validate(t *testing.T, py, path string) {
	t.Helper()
	run(t, 30*time.Second, "", py, "-c",
		"import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], 4))", path)
}

func TestNbconvertExecutesHelloGo(t *testing.T) {
	setup(t)
	py := python(t, "nbconvert", "nbformat", "nbclient")
	nbconvert := tool(t, "/usr/bin/jupyter-nbconvert", "jupyter-nbconvert")
	out := t.TempDir()
	src := filepath.Join(harness.root, "examples", "hello-go.ipynb")
	run(t, 90*time.Second, out, nbconvert, "--to", "notebook", "--execute", src,
		"--ExecutePreprocessor.kernel_name=gotaegis", "--ExecutePreprocessor.timeout=60",
		"--output-dir", out, "--output", "hello-go.executed.ipynb")
	executed := filepath.Join(out, "hello-go.executed.ipynb")
	validate(t, py, executed)

	nb := readNotebook(t, executed)
	if nb.Metadata.Kernelspec.Name != "gotaegis" || nb.Metadata.LanguageInfo.Name != "go" {
		t.Errorf("metadata: kernelspec %q, language %q", nb.Metadata.Kernelspec.Name,
			nb.Metadata.LanguageInfo.Name)
	}
	outputs := map[string][]output{}
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		outputs[c.ID] = c.Outputs
		for _, o := range c.Outputs {
			if o.OutputType == "error" {
				t.Errorf("cell %s failed: %s: %s", c.ID, o.Ename, o.Evalue)
			}
		}
	}
	// Each check names a cell of examples/hello-go.ipynb and what its outputs must hold.
	checks := []struct {
		cell, kind, mime, want string
	}{
		{"print", "stream", "", "hello from Go\n"},
		{"result", "execute_result", "text/plain", "144"},
		{"loop", "stream", "", "1 squared is 1\n2 squared is 4\n3 squared is 9\n"},
		{"html", "execute_result", "text/html", "<b id='hello-go-html'>bold, from Go</b>"},
		{"markdown", "execute_result", "text/markdown", "| 3 | 9 |\n| 4 | 16 |"},
	}
	for _, c := range checks {
		var got []string
		for _, o := range outputs[c.cell] {
			if o.OutputType != c.kind {
				continue
			}
			if c.kind == "stream" {
				got = append(got, string(o.Text))
			} else {
				got = append(got, o.text(c.mime))
			}
		}
		joined := strings.Join(got, "")
		if !strings.Contains(joined, c.want) {
			t.Errorf("cell %s: %s %s outputs %q, want them to contain %q", c.cell, c.kind,
				c.mime, joined, c.want)
		}
	}
	if len(outputs["func"]) != 0 {
		t.Errorf("a declaration printed output: %+v", outputs["func"])
	}
}

// TestNbconvertReportsCellErrors executes testdata/errors.ipynb, whose middle cell does not
// compile: nbconvert must fail on it, and with --allow-errors record the error and go on.
func TestNbconvertReportsCellErrors(t *testing.T) {
	setup(t)
	py := python(t, "nbconvert", "nbformat", "nbclient")
	nbconvert := tool(t, "/usr/bin/jupyter-nbconvert", "jupyter-nbconvert")
	src := filepath.Join(harness.root, "e2e", "testdata", "errors.ipynb")
	out := t.TempDir()
	args := []string{"--to", "notebook", "--execute", src,
		"--ExecutePreprocessor.kernel_name=gotaegis", "--ExecutePreprocessor.timeout=60",
		"--output-dir", out}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nbconvert, append(args, "--output", "stopped.ipynb")...)
	cmd.Env = harness.env
	msg, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("nbconvert succeeded on a notebook with a failing cell:\n%s", msg)
	}
	if !strings.Contains(string(msg), "undefinedName") {
		t.Fatalf("nbconvert's failure does not name the cell's error:\n%s", msg)
	}

	run(t, 90*time.Second, out, nbconvert, append(args, "--allow-errors",
		"--output", "allowed.ipynb")...)
	executed := filepath.Join(out, "allowed.ipynb")
	validate(t, py, executed)
	cells := map[string][]output{}
	for _, c := range readNotebook(t, executed).Cells {
		cells[c.ID] = c.Outputs
	}
	var errs []output
	for _, o := range cells["fail"] {
		if o.OutputType == "error" {
			errs = append(errs, o)
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Evalue, "undefinedName") ||
		len(errs[0].Traceback) == 0 {
		t.Fatalf("failing cell's outputs: %+v, want one error naming undefinedName with a "+
			"traceback", cells["fail"])
	}
	var printed string
	for _, o := range cells["after"] {
		printed += string(o.Text)
	}
	if printed != "x is 42\n" {
		t.Fatalf("the cell after the error printed %q, want %q: state must survive a failed cell",
			printed, "x is 42\n")
	}
}

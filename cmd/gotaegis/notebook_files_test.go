package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/notebook"
)

func TestNotebookConvert(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "procedure.md")
	if err := convertNotebook(nil, "../../notebook/testdata/myst/procedure.ipynb", "myst",
		md); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(md)
	want, err := os.ReadFile("../../notebook/testdata/myst/procedure.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("convert --to myst differs from the golden MyST:\n%s", got)
	}

	// The default OUT is IN with the new extension; cell ids are made for nbformat 4.5.
	if err := convertNotebook(nil, md, "ipynb", ""); err != nil {
		t.Fatal(err)
	}
	nb, err := notebook.Read(filepath.Join(dir, "procedure.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := nb.Validate(); err != nil {
		t.Error(err)
	}

	var out bytes.Buffer
	if err := convertNotebook(&out, md, "myst", "-"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("convert -o - differs:\n%s", out.String())
	}
}

func TestNotebookConvertErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.md")
	if err := notebook.Create(in, false); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, in, to, out, want string }{
		{"unknown format", in, "pdf", "", `unknown format "pdf"`},
		{"overwrite", in, "myst", "", "would overwrite the input"},
		{"missing input", filepath.Join(dir, "none.md"), "ipynb", "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := convertNotebook(nil, tt.in, tt.to, tt.out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestNotebookLintWithTheMagicsTree lints the starter and a broken copy against the real
// %taegis command tree.
func TestNotebookLintWithTheMagicsTree(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.md")
	if err := notebook.Create(good, false); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := lintNotebooks(&out, []string{good}, "", "text"); err != nil {
		t.Fatalf("the starter fails lint: %v\n%s", err, out.String())
	}

	nb, err := notebook.Read(good)
	if err != nil {
		t.Fatal(err)
	}
	nb.Cells = append(nb.Cells, &notebook.Cell{Type: "code", Metadata: map[string]any{},
		Source: "%taegis alerts search --tenant 1 --limt 5\n%taegis alerts lookup x"})
	bad := filepath.Join(dir, "bad.md")
	if err := nb.WriteFile(bad); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = lintNotebooks(&out, []string{bad}, "", "json")
	if err == nil {
		t.Fatal("lint passed a notebook with unknown commands")
	}
	var findings []notebook.Finding
	if err := json.Unmarshal(out.Bytes(), &findings); err != nil {
		t.Fatalf("--format json: %v\n%s", err, out.String())
	}
	if len(findings) != 2 {
		t.Fatalf("findings = %v, want 2", findings)
	}
	for i, want := range []string{"line 1:", "line 2:"} {
		f := findings[i]
		if f.Rule != notebook.RuleTaegisCommand || f.Cell != len(nb.Cells) ||
			!strings.HasPrefix(f.Message, want) {
			t.Errorf("finding %d = %+v", i, f)
		}
	}
	if !strings.Contains(findings[0].Message, "limt") {
		t.Errorf("finding does not name the unknown option: %s", findings[0].Message)
	}
	if err := lintNotebooks(&out, []string{bad}, "", "xml"); err == nil {
		t.Error("--format xml accepted")
	}
}

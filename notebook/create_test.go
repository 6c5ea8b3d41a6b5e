package notebook

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreate(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"hunt.md", "hunt.ipynb"} {
		path := filepath.Join(dir, name)
		if err := Create(path, false); err != nil {
			t.Fatal(err)
		}
		nb, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		sameContent(t, nb, starter(t))
		if err := Create(path, false); err == nil || !strings.Contains(err.Error(), "--force") {
			t.Errorf("second create: %v, want a refusal naming --force", err)
		}
		if err := Create(path, true); err != nil {
			t.Errorf("create --force: %v", err)
		}
	}
}

// TestStarterTemplateIsCanonical keeps the embedded template in the layout WriteMyST writes,
// so that a created .md file is the template byte for byte.
func TestStarterTemplateIsCanonical(t *testing.T) {
	out, err := starter(t).MarshalMyST()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "templates/procedure.md", out)
	data, _ := os.ReadFile("templates/procedure.md")
	for _, want := range []string{"parameters, remove_cell", "%%taegis alerts search",
		"investigations evidence stage alerts alerts", "%generate_report",
		"investigations create", "INVESTIGATION_TITLE :=", "LOOKBACK :="} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the starter lacks %q", want)
		}
	}
}

// TestCreatedNotebooksValidateWithNBFormat has Debian's nbformat read and validate the starter
// written as .ipynb and every golden MyST notebook converted to .ipynb.
func TestCreatedNotebooksValidateWithNBFormat(t *testing.T) {
	needNBFormat(t)
	dir := t.TempDir()
	paths := []string{filepath.Join(dir, "starter.ipynb")}
	if err := Create(paths[0], false); err != nil {
		t.Fatal(err)
	}
	mds, _ := filepath.Glob("testdata/myst/*.md")
	for _, md := range mds {
		nb, err := Read(md)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.Base(md)+".ipynb")
		if err := nb.WriteFile(p); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	script := `
import sys, nbformat
for p in sys.argv[1:]:
    nbformat.validate(nbformat.read(p, as_version=nbformat.NO_CONVERT))`
	out, err := exec.Command(debianPython, append([]string{"-c", script}, paths...)...).
		CombinedOutput()
	if err != nil {
		t.Errorf("nbformat rejects a notebook we wrote: %v\n%s", err, out)
	}
}

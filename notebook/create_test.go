package notebook

import (
	"os"
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

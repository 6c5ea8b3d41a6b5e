package notebook

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// debianPython is Debian's python3, the one with the Jupyter packages.
const debianPython = "/usr/bin/python3"

func needNBFormat(t *testing.T) {
	t.Helper()
	if err := exec.Command(debianPython, "-c", "import nbformat").Run(); err != nil {
		t.Skipf("Debian's python3-nbformat is not installed: %v", err)
	}
}

func TestWriteIPYNBReproducesNBFormatFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/nbformat/*.ipynb")
	files = append(files, "testdata/myst/procedure.ipynb")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			nb, err := Read(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := nb.MarshalIPYNB()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("written notebook differs from nbformat's:\n%s", firstDiff(got, want))
			}
		})
	}
}

// TestWriteIPYNBMatchesNBFormatWriter writes notebooks nbformat has never laid out (sources as
// strings, odd line ends, unknown fields) and checks that nbformat writes them the same way.
func TestWriteIPYNBMatchesNBFormatWriter(t *testing.T) {
	needNBFormat(t)
	inputs := map[string]string{
		"line-ends": `{"cells":[{"cell_type":"markdown","id":"x","metadata":{},` +
			`"source":"a\rb\r\nc\u2028d\u000be\u0085f\n"}],"metadata":{},"nbformat":4,` +
			`"nbformat_minor":5}`,
		"unknown-and-escapes": `{"cells":[{"cell_type":"code","id":"c","metadata":{"x":1.0},` +
			`"outputs":[{"output_type":"stream","name":"stdout","text":"\u0001\t</script>"}],` +
			`"execution_count":null,"source":["a\n","b"]}],"metadata":{"z":[],"y":{}},` +
			`"nbformat":4,"nbformat_minor":5,"future_field":{"b":1,"a":[true,null]}}`,
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			nb, err := Parse([]byte(in), FormatIPYNB)
			if err != nil {
				t.Fatal(err)
			}
			got, err := nb.MarshalIPYNB()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(debianPython, "-c", `
import sys, json, nbformat
from nbformat.v4.nbjson import JSONWriter
nb = nbformat.from_dict(json.loads(sys.stdin.read()))
sys.stdout.write(JSONWriter().writes(nb) + "\n")`)
			cmd.Stdin = strings.NewReader(in)
			want, err := cmd.Output()
			if err != nil {
				t.Fatalf("nbformat: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("differs from nbformat's writer:\n%s", firstDiff(got, want))
			}
		})
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return "(same lines)"
}

func TestParseKeepsUnknownFieldsAndIDs(t *testing.T) {
	in := `{"cells":[{"cell_type":"code","id":"keep-me","metadata":{},"outputs":[],` +
		`"execution_count":7,"source":"x","later":{"v":2}}],"metadata":{"kernelspec":` +
		`{"name":"gotaegis","display_name":"Go"}},"nbformat":4,"nbformat_minor":6,"extra":[1]}`
	nb, err := Parse([]byte(in), "")
	if err != nil {
		t.Fatal(err)
	}
	c := nb.Cells[0]
	if c.ID != "keep-me" || *c.ExecutionCount != 7 || string(c.Extra["later"]) != `{"v":2}` {
		t.Errorf("cell = %+v", c)
	}
	if string(nb.Extra["extra"]) != "[1]" || nb.NBFormatMinor != 6 {
		t.Errorf("notebook extra = %v, minor %d", nb.Extra, nb.NBFormatMinor)
	}
	out, err := nb.MarshalIPYNB()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(out, FormatIPYNB)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(nb, again) {
		t.Errorf("read, write, read changed the notebook:\n%s", out)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not json", `{"cells": [`, "not notebook JSON"},
		{"array", `[1]`, "not notebook JSON"},
		{"no nbformat", `{"cells": []}`, "no nbformat field"},
		{"v3", `{"nbformat": 3, "worksheets": []}`, "nbformat 3 is not supported"},
		{"bad cell", `{"nbformat": 4, "cells": [1]}`, "cell 1"},
		{"bad source", `{"nbformat": 4, "cells": [{"source": 3}]}`, "want a string or a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in), FormatIPYNB)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestWriteFileIsAtomicAndByExtension(t *testing.T) {
	dir := t.TempDir()
	nb, err := Read("testdata/myst/procedure.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"out.ipynb", "out.md"} {
		path := filepath.Join(dir, name)
		if err := nb.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		back, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(back.Cells) != len(nb.Cells) {
			t.Errorf("%s: %d cells, want %d", name, len(back.Cells), len(nb.Cells))
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "out.md"))
	if !bytes.HasPrefix(data, []byte("---\n")) {
		t.Errorf("out.md is not MyST:\n%s", data)
	}
}

func TestTags(t *testing.T) {
	c := &Cell{Metadata: map[string]any{"tags": []any{"parameters", 3, "remove_cell"}}}
	if got := c.Tags(); !reflect.DeepEqual(got, []string{"parameters", "remove_cell"}) {
		t.Errorf("Tags() = %v", got)
	}
	if !c.HasTag("remove_cell") || c.HasTag("x") {
		t.Error("HasTag is wrong")
	}
	c.SetTags(nil)
	if _, ok := c.Metadata["tags"]; ok {
		t.Error("SetTags(nil) kept tags")
	}
}

func TestEnsureCellIDs(t *testing.T) {
	nb := &Notebook{NBFormat: 4, NBFormatMinor: 4, Metadata: map[string]any{},
		Cells: []*Cell{{Type: "code"}, {Type: "code", ID: "a"}, {Type: "code", ID: "a"}}}
	nb.EnsureCellIDs()
	if err := nb.Validate(); err != nil {
		t.Fatal(err)
	}
	if nb.Cells[1].ID != "a" || nb.Cells[2].ID == "a" {
		t.Errorf("ids = %s %s %s", nb.Cells[0].ID, nb.Cells[1].ID, nb.Cells[2].ID)
	}
}

package notebook

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// validationCases are notebooks, valid and not, on which our verdict must agree with Debian's
// nbformat (nbformat.isvalid, which neither repairs nor invents cell ids).
var validationCases = []struct {
	name  string
	valid bool
	json  string
}{
	{"minimal 4.5", true, nb45(`[]`)},
	{"all cell and output types", true, nb45(`[
		{"cell_type":"markdown","id":"m","metadata":{"tags":["a"],"name":"n"},"source":"x",
		 "attachments":{"a.png":{"image/png":"aGk="}}},
		{"cell_type":"raw","id":"r","metadata":{"format":"text/plain"},"source":["a\n","b"]},
		{"cell_type":"code","id":"c","metadata":{"collapsed":true,"scrolled":"auto",
		 "execution":{"iopub.status.busy":"2024-01-01"},"jupyter":{"source_hidden":true}},
		 "source":"","execution_count":0,"outputs":[
		  {"output_type":"stream","name":"stdout","text":["a\n"]},
		  {"output_type":"execute_result","data":{"text/plain":"1","application/json":{"a":1},
		   "application/vnd.x+json":[1]},"metadata":{},"execution_count":null},
		  {"output_type":"display_data","data":{},"metadata":{"x":1}},
		  {"output_type":"error","ename":"E","evalue":"v","traceback":[]}]}]`)},
	{"4.4 without ids", true, nbMinor(4, `[{"cell_type":"code","metadata":{},"source":"",
		"execution_count":null,"outputs":[]}]`)},
	{"4.0", true, nbMinor(0, `[{"cell_type":"markdown","metadata":{},"source":""}]`)},
	{"4.4 with an id", false, nbMinor(4, `[{"cell_type":"markdown","id":"a","metadata":{},
		"source":""}]`)},
	{"4.5 without an id", false, nb45(`[{"cell_type":"markdown","metadata":{},"source":""}]`)},
	{"duplicate ids", false, nb45(`[{"cell_type":"markdown","id":"a","metadata":{},"source":""},
		{"cell_type":"raw","id":"a","metadata":{},"source":""}]`)},
	{"id with a space", false, nb45(markdownCellJSON(`"a b"`))},
	{"empty id", false, nb45(markdownCellJSON(`""`))},
	{"id of 64", true, nb45(markdownCellJSON(`"` + strings.Repeat("x", 64) + `"`))},
	{"id of 65", false, nb45(markdownCellJSON(`"` + strings.Repeat("x", 65) + `"`))},
	{"id with dash and underscore", true, nb45(markdownCellJSON(`"a-b_C9"`))},
	{"id with a final newline", false, nb45(markdownCellJSON(`"abc\n"`))},
	{"numeric id", false, nb45(markdownCellJSON(`12`))},
	{"unknown top-level field", false, `{"cells":[],"metadata":{},"nbformat":4,
		"nbformat_minor":5,"extra":1}`},
	{"unknown cell field", false, nb45(`[{"cell_type":"markdown","id":"a","metadata":{},
		"source":"","outputs":[]}]`)},
	{"attachments on code", false, nb45(`[{"cell_type":"code","id":"a","metadata":{},
		"source":"","execution_count":null,"outputs":[],"attachments":{}}]`)},
	{"code without outputs", false, nb45(`[{"cell_type":"code","id":"a","metadata":{},
		"source":"","execution_count":null}]`)},
	{"code without execution_count", false, nb45(`[{"cell_type":"code","id":"a",
		"metadata":{},"source":"","outputs":[]}]`)},
	{"negative execution_count", false, nb45(codeCell(`-1`, `[]`))},
	{"float execution_count", false, nb45(codeCell(`1.0`, `[]`))},
	{"unknown cell type", false, nb45(`[{"cell_type":"heading","id":"a","metadata":{},
		"source":""}]`)},
	{"unknown output type", false, nb45(codeCell(`null`, `[{"output_type":"pyout"}]`))},
	{"stream without name", false, nb45(codeCell(`null`,
		`[{"output_type":"stream","text":""}]`))},
	{"stream text a number", false, nb45(codeCell(`null`,
		`[{"output_type":"stream","name":"stdout","text":1}]`))},
	{"error traceback of numbers", false, nb45(codeCell(`null`,
		`[{"output_type":"error","ename":"E","evalue":"v","traceback":[1]}]`))},
	{"display_data without metadata", false, nb45(codeCell(`null`,
		`[{"output_type":"display_data","data":{}}]`))},
	{"text mime a number", false, nb45(codeCell(`null`,
		`[{"output_type":"display_data","data":{"text/plain":1},"metadata":{}}]`))},
	{"json mime any value", true, nb45(codeCell(`null`,
		`[{"output_type":"display_data","data":{"application/json":1},"metadata":{}}]`))},
	{"source a number", false, nb45(`[{"cell_type":"markdown","id":"a","metadata":{},
		"source":1}]`)},
	{"source list with a number", false, nb45(`[{"cell_type":"markdown","id":"a",
		"metadata":{},"source":["a",1]}]`)},
	{"duplicate tags", false, nb45(`[{"cell_type":"markdown","id":"a","metadata":
		{"tags":["x","x"]},"source":""}]`)},
	{"tag with a comma", false, nb45(`[{"cell_type":"markdown","id":"a","metadata":
		{"tags":["x,y"]},"source":""}]`)},
	{"empty cell name", false, nb45(`[{"cell_type":"markdown","id":"a","metadata":
		{"name":""},"source":""}]`)},
	{"cell name with a final newline", false, nb45(`[{"cell_type":"markdown","id":"a",
		"metadata":{"name":"n\n"},"source":""}]`)},
	{"scrolled a string", false, nb45(`[{"cell_type":"code","id":"a","metadata":
		{"scrolled":"yes"},"source":"","execution_count":null,"outputs":[]}]`)},
	{"kernelspec without display_name", false, `{"cells":[],"metadata":{"kernelspec":
		{"name":"gotaegis"}},"nbformat":4,"nbformat_minor":5}`},
	{"language_info name a number", false, `{"cells":[],"metadata":{"language_info":
		{"name":1}},"nbformat":4,"nbformat_minor":5}`},
	{"title a number in 4.5", false, `{"cells":[],"metadata":{"title":1},"nbformat":4,
		"nbformat_minor":5}`},
	{"title a number in 4.1", true, `{"cells":[],"metadata":{"title":1},"nbformat":4,
		"nbformat_minor":1}`},
	{"execution times not strings", false, nb45(`[{"cell_type":"code","id":"a","metadata":
		{"execution":{"x":1}},"source":"","execution_count":null,"outputs":[]}]`)},
	{"missing metadata", false, `{"cells":[],"nbformat":4,"nbformat_minor":5}`},
	{"missing cells", false, `{"metadata":{},"nbformat":4,"nbformat_minor":5}`},
	{"nbformat 5", false, `{"cells":[],"metadata":{},"nbformat":5,"nbformat_minor":0}`},
	{"future minor allows unknown fields", true, `{"cells":[{"cell_type":"future","id":"a",
		"metadata":{}},{"cell_type":"markdown","id":"b","metadata":{},"source":"","x":1}],
		"metadata":{},"nbformat":4,"nbformat_minor":9,"extra":true}`},
	{"future minor still needs ids", false, `{"cells":[{"cell_type":"markdown","metadata":{},
		"source":""}],"metadata":{},"nbformat":4,"nbformat_minor":9}`},
}

func nbMinor(minor int, cells string) string {
	b, _ := json.Marshal(minor)
	return `{"cells":` + cells + `,"metadata":{},"nbformat":4,"nbformat_minor":` + string(b) + `}`
}

func nb45(cells string) string { return nbMinor(5, cells) }

func markdownCellJSON(id string) string {
	return `[{"cell_type":"markdown","id":` + id + `,"metadata":{},"source":""}]`
}

func codeCell(count, outputs string) string {
	return `[{"cell_type":"code","id":"c","metadata":{},"source":"","execution_count":` + count +
		`,"outputs":` + outputs + `}]`
}

func TestValidateJSON(t *testing.T) {
	for _, tt := range validationCases {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateJSON([]byte(tt.json))
			if tt.valid && err != nil {
				t.Errorf("valid notebook rejected: %v", err)
			}
			var verr *ValidationError
			if !tt.valid && !errors.As(err, &verr) {
				t.Errorf("invalid notebook accepted (err %v)", err)
			}
		})
	}
}

// TestValidateAgreesWithNBFormat asks Debian's nbformat for its verdict on every case: it must
// be ours and the table's.
func TestValidateAgreesWithNBFormat(t *testing.T) {
	needNBFormat(t)
	dir := t.TempDir()
	var paths []string
	for _, tt := range validationCases {
		p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".ipynb")
		if err := os.WriteFile(p, []byte(tt.json), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out, err := exec.Command(debianPython, append([]string{"-W", "ignore", "-c", `
import sys, json
from nbformat.validator import isvalid
for p in sys.argv[1:]:
    with open(p) as f:
        try:
            ok = isvalid(json.load(f))
        except Exception:  # nbformat cannot even load a schema for it
            ok = False
        print("valid" if ok else "invalid")`}, paths...)...).Output()
	if err != nil {
		t.Fatalf("nbformat: %v", err)
	}
	verdicts := strings.Fields(string(out))
	if len(verdicts) != len(validationCases) {
		t.Fatalf("nbformat gave %d verdicts for %d notebooks: %s", len(verdicts),
			len(validationCases), out)
	}
	for i, tt := range validationCases {
		theirs := verdicts[i] == "valid"
		ours := ValidateJSON([]byte(tt.json)) == nil
		if theirs != ours || theirs != tt.valid {
			t.Errorf("%s: nbformat says valid=%v, we say %v, the table %v", tt.name, theirs,
				ours, tt.valid)
		}
	}
}

func TestValidationErrorNamesThePath(t *testing.T) {
	err := ValidateJSON([]byte(nb45(codeCell(`-1`, `[]`))))
	if err == nil || !strings.Contains(err.Error(), "cells[0].execution_count") {
		t.Errorf("error = %v, want one naming cells[0].execution_count", err)
	}
	if err := ValidateJSON([]byte("{")); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("error = %v, want not JSON", err)
	}
}

func TestGoldenNotebooksValidate(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*.ipynb")
	for _, f := range files {
		nb, err := Read(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := nb.Validate(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

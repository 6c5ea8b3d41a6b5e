package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// parityCells are plain Go cells added after the procedure, so that the comparison covers
// streams on both channels, an execute_result and display_data beside the %taegis outputs.
var parityCells = []struct{ id, source string }{
	{"go-streams", "import (\n\t\"fmt\"\n\t\"os\"\n)\n\nfmt.Println(\"to stdout\")\n" +
		"fmt.Fprintln(os.Stderr, \"to stderr\")\nfmt.Println(\"stdout again\")"},
	{"go-result", "func cube(x int) int { return x * x * x }\n\ncube(7)"},
	{"go-display", "display.Show(display.HTML(\"<i>shown</i>\"))\n" +
		"display.Show(display.Markdown(\"| a |\\n| --- |\\n| 1 |\"))\n" +
		"fmt.Println(\"after the displays\")\ndisplay.JSON(map[string]int{\"n\": 3})"},
	{"go-empty", "var quiet = 1\n_ = quiet"},
}

// TestExecuteParityWithNbconvert runs one procedure, with its parameters, against region local
// and one planted tenant, through "gotaegis notebook execute" and through "jupyter nbconvert
// --execute", and compares the two executed notebooks' outputs cell by cell.
//
// nbconvert injects no parameters, so it runs a copy of the notebook that execute wrote, with
// the injected-parameters cell and every output cleared: both runs execute the same cells. Both
// kernels get the environment execute gives its kernel (TAEGIS_REGION, TAEGIS_TENANT and
// TAEGIS_NOTEBOOK_FILENAME); for nbconvert the notebook file is its input, the saved notebook a
// Jupyter user's %generate_report would read.
func TestExecuteParityWithNbconvert(t *testing.T) {
	setup(t)
	python(t, "nbconvert", "nbformat", "nbclient")
	nbconvert := tool(t, "/usr/bin/jupyter-nbconvert", "jupyter-nbconvert")
	const example = "encoded-powershell.md"
	planted := plantedFor(localData(), exampleHunts[example])
	if len(planted) == 0 {
		t.Fatalf("no tenant of region local holds %v", exampleHunts[example])
	}
	tenant := planted[0]

	src := t.TempDir()
	converted := filepath.Join(src, "parity.ipynb")
	run(t, time.Minute, src, harness.bin, "notebook", "convert",
		filepath.Join(harness.root, "examples", example), "--to", "ipynb", "-o", converted)
	addCells(t, converted)

	// The two runs go to directories of their own, the notebook named alike in both, so that
	// the paths the outputs name differ in the directory only.
	goDir, nbcDir := t.TempDir(), t.TempDir()
	goOut := filepath.Join(goDir, "parity.ipynb")
	run(t, 3*time.Minute, src, harness.bin, "notebook", "execute", converted, goOut,
		"--tenant", tenant, "--region", "local")
	validate(t, python(t, "nbformat"), goOut)

	nbcIn := filepath.Join(nbcDir, "parity.ipynb")
	clearOutputs(t, goOut, nbcIn)
	env := append(append([]string(nil), harness.env...), "TAEGIS_REGION=local",
		"TAEGIS_TENANT="+tenant, "TAEGIS_NOTEBOOK_FILENAME="+nbcIn)
	runEnv(t, env, 3*time.Minute, nbcDir, nbconvert, "--to", "notebook", "--execute", nbcIn,
		"--ExecutePreprocessor.kernel_name=gotaegis", "--ExecutePreprocessor.timeout=120",
		"--output-dir", nbcDir, "--output", "parity.executed.ipynb")
	nbcOut := filepath.Join(nbcDir, "parity.executed.ipynb")

	goCells := codeOutputs(t, goOut, goDir)
	nbcCells := codeOutputs(t, nbcOut, nbcDir)
	if len(goCells) != len(nbcCells) {
		t.Fatalf("execute wrote %d code cells, nbconvert %d", len(goCells), len(nbcCells))
	}
	searches := 0
	for id, want := range nbcCells {
		got, ok := goCells[id]
		if !ok {
			t.Errorf("cell %s: in nbconvert's notebook only", id)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", " ")
			w, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("cell %s: outputs differ after normalising\nexecute:\n%s\nnbconvert:\n%s",
				id, g, w)
		}
		for _, o := range got {
			if strings.Contains(o, `"taegis":`) {
				searches++
			}
		}
	}
	// The comparison means something only if the runs did what the procedure does.
	if searches == 0 {
		t.Error("no output carries the magics' provenance: the searches did not run")
	}
	for _, c := range parityCells[:3] {
		if len(goCells[c.id]) == 0 {
			t.Errorf("cell %s has no outputs", c.id)
		}
	}
}

// TestExecuteParityOnError runs a notebook whose second cell does not compile through both
// executors: execute stops there, nbconvert with --allow-errors goes on. Up to and including
// the failing cell the outputs, the error's name, value and traceback among them, must agree.
func TestExecuteParityOnError(t *testing.T) {
	setup(t)
	python(t, "nbconvert", "nbformat", "nbclient")
	nbconvert := tool(t, "/usr/bin/jupyter-nbconvert", "jupyter-nbconvert")
	src := filepath.Join(harness.root, "e2e", "testdata", "errors.ipynb")

	goDir, nbcDir := t.TempDir(), t.TempDir()
	goOut := filepath.Join(goDir, "errors.ipynb")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, harness.bin, "notebook", "execute", src, goOut)
	cmd.Env = harness.env
	if msg, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(msg), "cell 1") {
		t.Fatalf("execute of a failing notebook: %v, want a failure naming cell 1:\n%s", err,
			msg)
	}
	validate(t, python(t, "nbformat"), goOut)
	run(t, 2*time.Minute, nbcDir, nbconvert, "--to", "notebook", "--execute", src,
		"--allow-errors", "--ExecutePreprocessor.kernel_name=gotaegis",
		"--ExecutePreprocessor.timeout=60", "--output-dir", nbcDir, "--output",
		"errors.ipynb")

	goCells := codeOutputs(t, goOut, goDir)
	nbcCells := codeOutputs(t, filepath.Join(nbcDir, "errors.ipynb"), nbcDir)
	for _, id := range []string{"set", "fail"} {
		if !reflect.DeepEqual(goCells[id], nbcCells[id]) {
			t.Errorf("cell %s: execute %q, nbconvert %q", id, goCells[id], nbcCells[id])
		}
	}
	if len(goCells["fail"]) != 1 || !strings.Contains(goCells["fail"][0], "undefinedName") {
		t.Errorf("the failing cell's outputs %q hold no error naming undefinedName",
			goCells["fail"])
	}
	if len(goCells["after"]) != 0 {
		t.Errorf("execute ran the cell after the error: %q", goCells["after"])
	}
}

// addCells appends parityCells to the notebook at path.
func addCells(t *testing.T, path string) {
	t.Helper()
	nb := readJSON(t, path)
	cells, _ := nb["cells"].([]any)
	for _, c := range parityCells {
		cells = append(cells, map[string]any{"cell_type": "code", "id": c.id,
			"metadata": map[string]any{}, "source": c.source, "outputs": []any{},
			"execution_count": nil})
	}
	nb["cells"] = cells
	writeJSON(t, path, nb)
}

// clearOutputs writes the notebook at from to to with no outputs and no execution counts.
func clearOutputs(t *testing.T, from, to string) {
	t.Helper()
	nb := readJSON(t, from)
	for _, c := range nb["cells"].([]any) {
		cell := c.(map[string]any)
		if cell["cell_type"] == "code" {
			cell["outputs"] = []any{}
			cell["execution_count"] = nil
		}
	}
	writeJSON(t, to, nb)
}

// codeOutputs reads the executed notebook at path and returns, by cell id, each code cell's
// outputs normalised (see normalise) and encoded as JSON, in order.
func codeOutputs(t *testing.T, path, dir string) map[string][]string {
	t.Helper()
	nb := readJSON(t, path)
	out := map[string][]string{}
	for _, c := range nb["cells"].([]any) {
		cell := c.(map[string]any)
		if cell["cell_type"] != "code" {
			continue
		}
		id, _ := cell["id"].(string)
		var outputs []map[string]any
		for _, o := range cell["outputs"].([]any) {
			outputs = append(outputs, o.(map[string]any))
		}
		out[id] = normalise(t, outputs, dir)
	}
	return out
}

var (
	// dataFrameClass is the CSS class scoping a DataFrame table's style: random per
	// rendering, as pandas' Styler uuid is, so that two tables in one page do not clash.
	dataFrameClass = regexp.MustCompile(`gotaegis-df-[0-9a-f]{16}`)
)

// normalise removes from one cell's outputs what legitimately differs between two runs of the
// same notebook, and returns them as JSON strings:
//   - execution counts: each client's kernel counts its own executions;
//   - the interleaving of the two streams: the kernel reads a cell's stdout and stderr through
//     one pipe each and publishes what each holds as it reads it, so the order of stdout text
//     relative to stderr text and to displays is decided at run time, as with ipykernel;
//     each stream's own text, in order, is kept and compared (merged per name, after the
//     other outputs);
//   - a search's query id, which the server assigns per search, and its time window, which
//     is relative to the moment the search ran, wherever they appear (its provenance and the
//     summary table in text/plain and text/html);
//   - a DataFrame table's random CSS class;
//   - the run's directory, in the paths the outputs name.
func normalise(t *testing.T, outputs []map[string]any, dir string) []string {
	t.Helper()
	streams := map[string]string{}
	var rest []map[string]any
	for _, o := range outputs {
		if o["output_type"] == "stream" {
			name, _ := o["name"].(string)
			streams[name] += joinText(o["text"])
			continue
		}
		rest = append(rest, o)
	}
	var out []string
	for _, o := range rest {
		delete(o, "execution_count")
		replace := map[string]string{dir: "<dir>"}
		if meta, _ := o["metadata"].(map[string]any); meta != nil {
			if p, _ := meta["taegis"].(map[string]any); p != nil {
				for key, what := range map[string]string{"query_id": "<query-id>",
					"earliest": "<window-start>", "latest": "<window-end>"} {
					v, _ := p[key].(string)
					if v == "" {
						continue
					}
					p[key] = what
					replace[v] = what
					if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
						replace[ts.UTC().Format(time.RFC3339)] = what
					}
				}
			}
		}
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		s := dataFrameClass.ReplaceAllString(string(b), "gotaegis-df-<class>")
		out = append(out, replaceAll(s, replace))
	}
	names := make([]string, 0, len(streams))
	for name := range streams {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		text := strings.ReplaceAll(streams[name], dir, "<dir>")
		out = append(out, fmt.Sprintf("stream %s: %q", name, text))
	}
	return out
}

// replaceAll replaces every key of r in s by its value, the longest keys first so that a
// path is not cut by a shorter one inside it.
func replaceAll(s string, r map[string]string) string {
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, r[k])
	}
	return s
}

// joinText is nbformat's multiline text: a string or a list of strings.
func joinText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var b strings.Builder
		for _, p := range x {
			s, _ := p.(string)
			b.WriteString(s)
		}
		return b.String()
	}
	return ""
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

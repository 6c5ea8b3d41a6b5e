package notebook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"gotaegis/kernel"
)

// kernelBin is the gotaegis binary the executor tests start as their kernel, and jupyterPath
// the JUPYTER_PATH under which its kernelspec is installed. The first test that needs them
// sets them up, in kernelDir, which TestMain removes.
var (
	kernelOnce  sync.Once
	kernelDir   string
	kernelBin   string
	jupyterPath string
	kernelErr   error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if kernelDir != "" {
		os.RemoveAll(kernelDir)
	}
	os.Exit(code)
}

// setupKernel builds cmd/gotaegis (or takes $GOTAEGIS_BIN) and installs its kernelspec under
// dir/share/jupyter with `gotaegis kernelspec install --prefix`.
func setupKernel(dir string) (bin, jpath string, err error) {
	bin = os.Getenv("GOTAEGIS_BIN")
	if bin == "" {
		bin = filepath.Join(dir, "gotaegis")
		out, err := exec.Command("go", "build", "-o", bin, "gotaegis/cmd/gotaegis").
			CombinedOutput()
		if err != nil {
			return "", "", fmt.Errorf("go build gotaegis/cmd/gotaegis: %v\n%s", err, out)
		}
	}
	if !filepath.IsAbs(bin) {
		return "", "", fmt.Errorf("GOTAEGIS_BIN=%s must be an absolute path", bin)
	}
	prefix := filepath.Join(dir, "prefix")
	cmd := exec.Command(bin, "kernelspec", "install", "--prefix", prefix)
	cmd.Env = append(os.Environ(), "GOTAEGIS_CONFIG_DIR="+filepath.Join(dir, "config"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("kernelspec install: %v\n%s", err, out)
	}
	return bin, filepath.Join(prefix, "share", "jupyter"), nil
}

// kernelEnv makes the tests' kernel the one Jupyter's search path finds, with its data and
// settings in fresh directories.
func kernelEnv(t testing.TB) {
	t.Helper()
	kernelOnce.Do(func() {
		kernelDir, kernelErr = os.MkdirTemp("", "gotaegis-notebook-test-")
		if kernelErr == nil {
			kernelBin, jupyterPath, kernelErr = setupKernel(kernelDir)
		}
	})
	if kernelErr != nil {
		t.Fatal(kernelErr)
	}
	t.Setenv("JUPYTER_PATH", jupyterPath)
	t.Setenv("JUPYTER_DATA_DIR", t.TempDir())
	t.Setenv("GOTAEGIS_DATA_DIR", t.TempDir())
	t.Setenv("GOTAEGIS_CONFIG_DIR", t.TempDir())
	t.Setenv("TAEGIS_REGION", "")
	t.Setenv("TAEGIS_NOTEBOOK_FILENAME", "")
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// copyTestdata copies testdata/exec/name into a fresh directory and returns its path there.
func copyTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "exec", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// cellBySource returns the first cell whose source contains s.
func cellBySource(t *testing.T, nb *Notebook, s string) *Cell {
	t.Helper()
	for _, c := range nb.Cells {
		if strings.Contains(c.Source, s) {
			return c
		}
	}
	t.Fatalf("no cell contains %q", s)
	return nil
}

func streamText(c *Cell, name string) string {
	var b strings.Builder
	for _, o := range c.Outputs {
		if o["output_type"] == "stream" && o["name"] == name {
			switch v := o["text"].(type) {
			case string:
				b.WriteString(v)
			case []any:
				for _, l := range v {
					b.WriteString(fmt.Sprint(l))
				}
			}
		}
	}
	return b.String()
}

func TestExecute(t *testing.T) {
	kernelEnv(t)
	in := copyTestdata(t, "params.ipynb")
	before, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	params := &Params{}
	for _, a := range []string{"LIMIT=7", "RATIO=2", "NAMES=x,y"} {
		if err := params.SetArg(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := params.SetYAML([]byte("EXTRA: [1, 2]\nDEBUG: true\n")); err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	res, err := Execute(testCtx(t), ExecOptions{Input: in, Params: params, Tenant: "50003",
		Region: "local", Title: "Hunt", Progress: &progress})
	if err != nil {
		t.Fatalf("execute: %v\nprogress:\n%s", err, progress.String())
	}

	wantOut := filepath.Join(filepath.Dir(in), "params_local_50003.ipynb")
	if res.Output != wantOut {
		t.Errorf("output %s, want %s", res.Output, wantOut)
	}
	after, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the input notebook changed")
	}
	nb, err := Read(res.Output)
	if err != nil {
		t.Fatal(err)
	}

	inj := cellBySource(t, nb, "// Parameters")
	if !inj.HasTag(TagInjectedParameters) {
		t.Errorf("injected cell tags %v", inj.Tags())
	}
	params1 := cellBySource(t, nb, "var LIMIT int")
	if idx := indexOf(nb, inj); idx != indexOf(nb, params1)+1 {
		t.Errorf("injected cell at %d, parameters cell at %d", idx, indexOf(nb, params1))
	}
	for _, want := range []string{`LIMIT = 7`, `RATIO = 2.0`, `NAMES = []string{"x", "y"}`,
		`var EXTRA = []int{1, 2}`, `DEBUG = true`, `TENANT_ID = "50003"`, `REGION = "local"`,
		`INVESTIGATION_TITLE = "Hunt"`} {
		if !strings.Contains(inj.Source, want) {
			t.Errorf("injected cell lacks %q:\n%s", want, inj.Source)
		}
	}

	show := cellBySource(t, nb, "fmt.Println(\"limit\"")
	want := "limit 7 2 [x y] [1 2] true 50003\nnext\n"
	if got := streamText(show, "stdout"); got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if n := len(show.Outputs); n != 1 {
		t.Errorf("stdout not merged into one stream output: %d outputs", n)
	}
	result := cellBySource(t, nb, "LIMIT * 3")
	if len(result.Outputs) != 1 || result.Outputs[0]["output_type"] != "execute_result" {
		t.Fatalf("result outputs %v", result.Outputs)
	}
	if result.ExecutionCount == nil {
		t.Error("no execution count")
	}
	// The cell read the output notebook while the run went on: the earlier cells' outputs
	// were on disk already.
	seen := cellBySource(t, nb, "TAEGIS_NOTEBOOK_FILENAME")
	if got := streamText(seen, "stdout"); !strings.Contains(got, "saved: true") {
		t.Errorf("the output was not written before the cell ran: %q", got)
	}
	meta, _ := nb.Metadata[metaRun].(map[string]any)
	if meta == nil || meta["exception"] != false {
		t.Errorf("run metadata %v", meta)
	}
	if p, _ := meta["parameters"].(map[string]any); p["TENANT_ID"] != "50003" {
		t.Errorf("run parameters %v", p)
	}
	if !strings.Contains(progress.String(), "[1/") {
		t.Errorf("no progress lines: %q", progress.String())
	}
	validateWithNBFormat(t, res.Output)
}

func indexOf(nb *Notebook, c *Cell) int {
	for i, x := range nb.Cells {
		if x == c {
			return i
		}
	}
	return -1
}

func TestExecuteCellError(t *testing.T) {
	kernelEnv(t)
	in := copyTestdata(t, "fails.ipynb")
	out := filepath.Join(t.TempDir(), "out.ipynb")
	_, err := Execute(testCtx(t), ExecOptions{Input: in, Output: out})
	var ce *CellError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v, want a *CellError", err)
	}
	if ce.Index != 2 || !strings.Contains(ce.FirstLine, `panic("no such host")`) {
		t.Errorf("error names cell %d (%s), want cell 2", ce.Index, ce.FirstLine)
	}
	if !strings.Contains(err.Error(), "cell 2") || !strings.Contains(err.Error(), "no such host") {
		t.Errorf("message %q", err)
	}
	nb, rerr := Read(out)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if c := cellBySource(t, nb, "never"); len(c.Outputs) != 0 {
		t.Errorf("a cell after the failure ran: %v", c.Outputs)
	}
	failed := cellBySource(t, nb, "no such host")
	if len(failed.Outputs) == 0 || failed.Outputs[len(failed.Outputs)-1]["output_type"] != "error" {
		t.Errorf("the error is not recorded: %v", failed.Outputs)
	}
	markers := 0
	for i, c := range nb.Cells {
		if c.HasTag(TagErrorMarker) {
			markers++
			if markers == 2 && nb.Cells[i+1] != failed {
				t.Error("the second error marker is not just before the failed cell")
			}
		}
	}
	if markers != 2 || !nb.Cells[0].HasTag(TagErrorMarker) {
		t.Errorf("%d error markers, want 2 with the first at the top", markers)
	}
	validateWithNBFormat(t, out)
}

func TestExecuteTimeout(t *testing.T) {
	kernelEnv(t)
	in := copyTestdata(t, "slow.ipynb")
	out := filepath.Join(t.TempDir(), "out.ipynb")
	_, err := Execute(testCtx(t), ExecOptions{Input: in, Output: out,
		Timeout: 500 * time.Millisecond})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Name != "CellTimeoutError" {
		t.Fatalf("error %v, want a cell timeout", err)
	}
	if ce.Index != 1 {
		t.Errorf("timeout names cell %d, want 1", ce.Index)
	}
}

func TestExecuteRefusesInput(t *testing.T) {
	kernelEnv(t)
	in := copyTestdata(t, "params.ipynb")
	for _, out := range []string{in, strings.TrimSuffix(in, ".ipynb") + ".md"} {
		if _, err := Execute(testCtx(t), ExecOptions{Input: in, Output: out}); err == nil {
			t.Errorf("output %s accepted", out)
		}
	}
	_, err := Execute(testCtx(t), ExecOptions{Input: in, Kernel: "no-such-kernel"})
	if err == nil || !strings.Contains(err.Error(), "kernelspec install") {
		t.Errorf("unknown kernel: %v", err)
	}
}

func TestDefaultOutput(t *testing.T) {
	for _, tc := range []struct{ in, region, tenant, want string }{
		{"/h/hunt.md", "local", "50001", "/h/hunt_local_50001.ipynb"},
		{"/h/hunt.ipynb", "", "50001", "/h/hunt_50001.ipynb"},
		{"/h/hunt.ipynb", "", "", "/h/hunt_executed.ipynb"},
		{"hunt.ipynb", "charlie", "a/b", "hunt_charlie_a-b.ipynb"},
	} {
		if got := DefaultOutput(tc.in, tc.region, tc.tenant); got != tc.want {
			t.Errorf("DefaultOutput(%q, %q, %q) = %q, want %q", tc.in, tc.region, tc.tenant,
				got, tc.want)
		}
	}
}

// TestExecuteMatchesNbconvert runs the same notebook through jupyter nbconvert --execute and
// through Execute, and compares the outputs, ignoring ids, times and execution counts.
func TestExecuteMatchesNbconvert(t *testing.T) {
	kernelEnv(t)
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import nbconvert, nbclient").Run(); err != nil {
		t.Skip("Debian's python3 with nbconvert is not installed")
	}
	in := copyTestdata(t, "compare.ipynb")
	dir := filepath.Dir(in)
	nbcOut := filepath.Join(dir, "nbconvert.ipynb")
	cmd := exec.Command(py, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", in,
		"--output", nbcOut)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	res, err := Execute(testCtx(t), ExecOptions{Input: in, Output: filepath.Join(dir,
		"ours.ipynb")})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := Read(nbcOut)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := comparable(res.Notebook), comparable(theirs); !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("outputs differ\nours:\n%s\nnbconvert:\n%s", g, w)
	}
}

// comparable is each cell's outputs as plain JSON, without execution counts.
func comparable(nb *Notebook) []any {
	var out []any
	for _, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		raw, _ := json.Marshal(c.Outputs)
		var outs []map[string]any
		_ = json.Unmarshal(raw, &outs)
		for _, o := range outs {
			delete(o, "execution_count")
			if s, ok := o["text"].([]any); ok {
				var b strings.Builder
				for _, l := range s {
					b.WriteString(fmt.Sprint(l))
				}
				o["text"] = b.String()
			}
			if d, ok := o["data"].(map[string]any); ok {
				for k, v := range d {
					if s, ok := v.([]any); ok {
						var b strings.Builder
						for _, l := range s {
							b.WriteString(fmt.Sprint(l))
						}
						d[k] = b.String()
					}
				}
			}
		}
		out = append(out, outs)
	}
	return out
}

// validateWithNBFormat validates a notebook file with Debian's python3-nbformat, when present.
func validateWithNBFormat(t *testing.T, path string) {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import nbformat").Run(); err != nil {
		t.Log("Debian's python3-nbformat is not installed; not validated")
		return
	}
	out, err := exec.Command(py, "-c", "import sys, nbformat\n"+
		"nb = nbformat.read(sys.argv[1], as_version=4)\nnbformat.validate(nb)",
		path).CombinedOutput()
	if err != nil {
		t.Errorf("nbformat rejects %s: %v\n%s", path, err, out)
	}
}

// TestExecuteMyST runs a procedure kept as MyST markdown; the output is nbformat JSON.
func TestExecuteMyST(t *testing.T) {
	kernelEnv(t)
	nb, err := Read(copyTestdata(t, "params.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	md := filepath.Join(t.TempDir(), "params.md")
	if err := nb.WriteFile(md); err != nil {
		t.Fatal(err)
	}
	params := &Params{}
	params.Set("EXTRA", []any{"a"})
	res, err := Execute(testCtx(t), ExecOptions{Input: md, Params: params, Tenant: "50001"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(md), "params_50001.ipynb"); res.Output != want {
		t.Errorf("output %s, want %s", res.Output, want)
	}
	out, err := Read(res.Output)
	if err != nil {
		t.Fatal(err)
	}
	got := streamText(cellBySource(t, out, `fmt.Println("limit"`), "stdout")
	if !strings.HasPrefix(got, "limit 3 0 [] [a] false 50001\n") {
		t.Errorf("stdout %q", got)
	}
	validateWithNBFormat(t, res.Output)
}

func iopub(t *testing.T, kind string, content map[string]any) kernel.Message {
	t.Helper()
	raw, err := json.Marshal(content)
	if err != nil {
		t.Fatal(err)
	}
	var m kernel.Message
	m.Header.MsgType = kind
	m.Content = raw
	return m
}

// TestCollector applies IOPub messages to cells as nbclient does.
func TestCollector(t *testing.T) {
	displays := map[string][]map[string]any{}
	first := &Cell{Type: "code"}
	col := &collector{cell: first, displays: displays}
	for _, m := range []kernel.Message{
		iopub(t, "status", map[string]any{"execution_state": "busy"}),
		iopub(t, "stream", map[string]any{"name": "stdout", "text": "a"}),
		iopub(t, "stream", map[string]any{"name": "stdout", "text": "b\n"}),
		iopub(t, "stream", map[string]any{"name": "stderr", "text": "warn\n"}),
		iopub(t, "stream", map[string]any{"name": "stdout", "text": "c\n"}),
		iopub(t, "display_data", map[string]any{"data": map[string]any{"text/plain": "v1"},
			"metadata": map[string]any{}, "transient": map[string]any{"display_id": "bar"}}),
	} {
		col.add(m)
	}
	if got := len(first.Outputs); got != 4 {
		t.Fatalf("%d outputs, want 4 (stdout, stderr, stdout, display): %v", got, first.Outputs)
	}
	if first.Outputs[0]["text"] != "ab\n" {
		t.Errorf("stdout not merged: %v", first.Outputs[0])
	}
	if _, ok := first.Outputs[3]["transient"]; ok {
		t.Error("transient kept in the saved output")
	}

	// A later cell updates the first cell's display, then clears its own output on the
	// next output (wait), and records its error.
	second := &Cell{Type: "code"}
	col = &collector{cell: second, displays: displays}
	for _, m := range []kernel.Message{
		iopub(t, "stream", map[string]any{"name": "stdout", "text": "gone\n"}),
		iopub(t, "update_display_data", map[string]any{"data": map[string]any{
			"text/plain": "v2"}, "metadata": map[string]any{"k": 1},
			"transient": map[string]any{"display_id": "bar"}}),
		iopub(t, "clear_output", map[string]any{"wait": true}),
		iopub(t, "execute_result", map[string]any{"data": map[string]any{"text/plain": "42"},
			"metadata": map[string]any{}, "execution_count": 3}),
		iopub(t, "error", map[string]any{"ename": "panic", "evalue": "x",
			"traceback": []any{"panic: x"}}),
	} {
		col.add(m)
	}
	data, _ := first.Outputs[3]["data"].(map[string]any)
	if data["text/plain"] != "v2" {
		t.Errorf("update_display_data not applied to the first cell: %v", first.Outputs[3])
	}
	if len(second.Outputs) != 2 || second.Outputs[0]["output_type"] != "execute_result" ||
		second.Outputs[1]["output_type"] != "error" {
		t.Errorf("second cell outputs %v", second.Outputs)
	}
	col.add(iopub(t, "clear_output", map[string]any{"wait": false}))
	if len(second.Outputs) != 0 {
		t.Errorf("clear_output left %v", second.Outputs)
	}
}

// TestExecuteKernelDies runs a notebook on a kernel that is killed in its second cell: the run
// fails naming that cell, and the executed notebook says the kernel died there.
func TestExecuteKernelDies(t *testing.T) {
	kernelEnv(t)
	// The kernelspec's argv starts the kernel and kills it once the cell asks for it by
	// writing the file "die" in the working directory.
	jpath := t.TempDir()
	spec := filepath.Join(jpath, "kernels", "dying")
	if err := os.MkdirAll(spec, 0o755); err != nil {
		t.Fatal(err)
	}
	script := kernelBin + ` kernel "$0" & pid=$!; ` +
		`while [ ! -e die ]; do sleep 0.05; done; kill -9 $pid; wait $pid; exit 0`
	data, err := json.Marshal(map[string]any{"argv": []string{"/bin/sh", "-c", script,
		"{connection_file}"}, "display_name": "dying", "language": "go"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(spec, "kernel.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("JUPYTER_PATH", jpath)

	dir := t.TempDir()
	in := filepath.Join(dir, "dies.md")
	src := "---\nkernelspec:\n  display_name: dying\n  language: go\n  name: dying\n---\n\n" +
		"```{code-cell} go\nimport (\n\t\"os\"\n\t\"time\"\n)\n\nx := 1\n```\n\n" +
		"```{code-cell} go\n_ = os.WriteFile(\"die\", nil, 0o644)\ntime.Sleep(time.Minute)\n" +
		"```\n\n" +
		"```{code-cell} go\nx = 2\n```\n"
	if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.ipynb")
	res, err := Execute(testCtx(t), ExecOptions{Input: in, Output: out})
	if err == nil || !strings.Contains(err.Error(), "os.WriteFile") {
		t.Fatalf("error %v, want one naming the cell the kernel died in", err)
	}
	if res == nil {
		t.Fatal("no result for a run that started")
	}
	nb, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	died := cellBySource(t, nb, "os.WriteFile")
	if !hasError(died, "the kernel stopped running") {
		t.Errorf("the cell the kernel died in holds %v", died.Outputs)
	}
	if after := cellBySource(t, nb, "x = 2"); len(after.Outputs) != 0 {
		t.Errorf("a cell after the death has outputs: %v", after.Outputs)
	}
	markers := 0
	for _, c := range nb.Cells {
		if c.HasTag(TagErrorMarker) {
			markers++
		}
	}
	if markers != 2 {
		t.Errorf("%d error marker cells, want 2", markers)
	}
	validateWithNBFormat(t, out)
}

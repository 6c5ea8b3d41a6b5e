package notebook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"gotaegis/kernel"
	"gotaegis/kernel/client"
	"gotaegis/kernelspec"
)

// Tags and metadata keys the executor reads and writes, as papermill names them so that
// notebooks move between the two tools.
const (
	TagParameters         = "parameters"
	TagInjectedParameters = "injected-parameters"
	TagErrorMarker        = "papermill-error-cell-tag"
	// metaRun is the notebook and cell metadata key of the run's parameters and timing.
	metaRun = "papermill"
	// DefaultKernel is the kernelspec used when neither the options nor the notebook name one.
	DefaultKernel = "gotaegis"
)

// ExecOptions configure one Execute. Input is required; the zero value of every other field is
// usable.
type ExecOptions struct {
	// Input is the notebook to run, .ipynb or MyST markdown. It is never written.
	Input string
	// Output is where the executed notebook goes (always nbformat JSON); empty means
	// DefaultOutput(Input, Region, Tenant).
	Output string
	// Params are injected after the parameters cell. Tenant, Region and Title, when set, add
	// TENANT_ID, REGION and INVESTIGATION_TITLE after them.
	Params *Params
	Tenant string
	Region string
	Title  string
	// Kernel names the kernelspec; empty means the notebook's metadata.kernelspec.name, else
	// DefaultKernel.
	Kernel string
	// Cwd is the kernel's working directory; empty means the input's directory.
	Cwd string
	// Timeout bounds each cell; on expiry the kernel is interrupted and the run fails. Zero
	// means no limit.
	Timeout time.Duration
	// StartTimeout bounds the kernel's start; zero means one minute.
	StartTimeout time.Duration
	// Env is added to the kernel's environment after the kernelspec's own.
	Env []string
	// Progress receives one line per cell; nil discards them.
	Progress io.Writer
	// Warnings receives warnings (an undeclared parameter, no parameters cell); nil means
	// Progress.
	Warnings io.Writer
}

// CellError is a cell that failed (or timed out) and stopped the run.
type CellError struct {
	// Index is the cell's position in the input notebook, from 0 (the injected parameters
	// cell, which the input does not have, is -1).
	Index int
	// FirstLine is the first non-blank line of the cell's source.
	FirstLine string
	// Name and Value are the kernel's error name and message.
	Name, Value string
}

// Error names the cell and says what went wrong in it.
func (e *CellError) Error() string {
	where := "the injected parameters cell"
	if e.Index >= 0 {
		where = "cell " + strconv.Itoa(e.Index)
	}
	return fmt.Sprintf("%s (%s): %s: %s", where, e.FirstLine, e.Name, e.Value)
}

// ExecResult describes a finished run, whether or not a cell failed.
type ExecResult struct {
	// Output is the absolute path of the executed notebook.
	Output string
	// Notebook is the executed notebook as written to Output.
	Notebook *Notebook
	// Executed is the number of code cells run.
	Executed int
	// Duration is the run's wall time.
	Duration time.Duration
}

// DefaultOutput is where an executed notebook goes when no output is given: beside the input,
// named <stem>_<region>_<tenant>.ipynb with the parts that are set, or <stem>_executed.ipynb
// when neither is. It is never the input itself.
func DefaultOutput(input, region, tenant string) string {
	dir, base := filepath.Split(input)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	name := stem
	for _, p := range []string{region, tenant} {
		if p != "" {
			name += "_" + safeName(p)
		}
	}
	if name == stem {
		name += "_executed"
	}
	return filepath.Join(dir, name+".ipynb")
}

// safeName keeps a tenant or region usable as part of a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '-'
		}
		return r
	}, s)
}

// Execute runs a notebook the way papermill does: it injects the parameters, starts the kernel
// from its kernelspec, runs every code cell in order and writes the output notebook after each
// one. A failing cell stops the run: the error is recorded in the output (with an error marker
// cell before it) and returned as a *CellError, together with the result. Other errors (the
// input cannot be read, the kernel cannot start) return a nil result when nothing was run.
func Execute(ctx context.Context, opts ExecOptions) (*ExecResult, error) {
	start := time.Now()
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	warn := opts.Warnings
	if warn == nil {
		warn = progress
	}

	in, err := filepath.Abs(opts.Input)
	if err != nil {
		return nil, fmt.Errorf("execute: %w", err)
	}
	outPath := opts.Output
	if outPath == "" {
		outPath = DefaultOutput(in, opts.Region, opts.Tenant)
	}
	if outPath, err = filepath.Abs(outPath); err != nil {
		return nil, fmt.Errorf("execute: %w", err)
	}
	if err := checkOutput(in, outPath); err != nil {
		return nil, err
	}
	nb, err := Read(in)
	if err != nil {
		return nil, fmt.Errorf("execute: %w", err)
	}

	// Cells are named by their place in the input, which is what a reader edits.
	places := make(map[*Cell]int, len(nb.Cells))
	for i, c := range nb.Cells {
		places[c] = i
	}
	params := &Params{}
	if opts.Params != nil {
		params.Merge(opts.Params)
	}
	for _, kv := range [][2]string{{"INVESTIGATION_TITLE", opts.Title},
		{"TENANT_ID", opts.Tenant}, {"REGION", opts.Region}} {
		if kv[1] != "" {
			params.Set(kv[0], kv[1])
		}
	}
	if err := Inject(nb, params, warn); err != nil {
		return nil, fmt.Errorf("execute %s: %w", opts.Input, err)
	}
	prepare(nb, in, outPath, params, start)
	carryCache(nb, outPath)

	spec, err := findKernel(opts.Kernel, nb)
	if err != nil {
		return nil, fmt.Errorf("execute %s: %w", opts.Input, err)
	}
	if err := os.MkdirAll(filepath.Dir(outPath), 0o755); err != nil {
		return nil, fmt.Errorf("execute: %w", err)
	}
	if err := nb.WriteFile(outPath); err != nil {
		return nil, fmt.Errorf("execute: write %s: %w", outPath, err)
	}

	cwd := opts.Cwd
	if cwd == "" {
		cwd = filepath.Dir(in)
	}
	env := make([]string, 0, len(spec.Env)+len(opts.Env)+3)
	for k, v := range spec.Env {
		env = append(env, k+"="+v)
	}
	env = append(env, "TAEGIS_NOTEBOOK_FILENAME="+outPath)
	if opts.Region != "" {
		env = append(env, "TAEGIS_REGION="+opts.Region)
	}
	if opts.Tenant != "" {
		env = append(env, "TAEGIS_TENANT="+opts.Tenant)
	}
	env = append(env, opts.Env...)

	startTimeout := opts.StartTimeout
	if startTimeout <= 0 {
		startTimeout = time.Minute
	}
	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	// Unix sockets, not TCP ports: kernels started side by side in a fan-out cannot race for
	// the same free port.
	kc, err := client.Start(sctx, spec.Argv, client.StartOptions{Env: env, Dir: cwd,
		Transport: "ipc"})
	cancel()
	if err != nil {
		return nil, fmt.Errorf("execute %s: %w", opts.Input, err)
	}
	defer kc.Close()
	if info, err := kc.KernelInfo(ctx); err == nil && info.LanguageInfo.Name != "" {
		nb.Metadata["language_info"] = languageInfo(info.LanguageInfo)
	}

	r := &runner{nb: nb, kc: kc, out: outPath, timeout: opts.Timeout, progress: progress,
		displays: map[string][]map[string]any{}, places: places}
	runErr := r.run(ctx)
	finish(nb, start, runErr)
	for _, c := range nb.Cells {
		// A cell the run did not reach shows nothing, not a result carried from before.
		if m, _ := c.Metadata[metaRun].(map[string]any); m != nil && m["status"] == "pending" {
			c.Outputs = []map[string]any{}
		}
	}
	if werr := nb.WriteFile(outPath); werr != nil && runErr == nil {
		runErr = fmt.Errorf("execute: write %s: %w", outPath, werr)
	}

	sdctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	_ = kc.Shutdown(sdctx, false)
	cancel()
	return &ExecResult{Output: outPath, Notebook: nb, Executed: r.executed,
		Duration: time.Since(start)}, runErr
}

// checkOutput refuses an output that is the input, or that is not nbformat JSON.
func checkOutput(in, out string) error {
	if in == out {
		return fmt.Errorf("execute: the output %s is the input; give another OUT (the input "+
			"is never overwritten)", out)
	}
	if a, err := os.Stat(in); err == nil {
		if b, err := os.Stat(out); err == nil && os.SameFile(a, b) {
			return fmt.Errorf("execute: the output %s is the input file; give another OUT",
				out)
		}
	}
	if FormatOf(out) == FormatMyST {
		return fmt.Errorf("execute: the output %s is markdown, which keeps no outputs; name "+
			"an .ipynb file", out)
	}
	return nil
}

// Inject puts the injected-parameters cell after the cell tagged parameters (at the top when
// there is none, with a warning), replacing an injected cell of an earlier run. Parameters the
// parameters cell does not declare are declared, with a warning each. No parameters, no cell.
func Inject(nb *Notebook, params *Params, warn io.Writer) error {
	if warn == nil {
		warn = io.Discard
	}
	kept := nb.Cells[:0]
	for _, c := range nb.Cells {
		if !c.HasTag(TagInjectedParameters) {
			kept = append(kept, c)
		}
	}
	nb.Cells = kept
	if params == nil || params.Len() == 0 {
		return nil
	}
	at, src := 0, ""
	found := false
	for i, c := range nb.Cells {
		if c.Type == "code" && c.HasTag(TagParameters) {
			at, src, found = i+1, c.Source, true
			break
		}
	}
	if !found {
		fmt.Fprintln(warn, "warning: no cell is tagged \"parameters\"; the parameters go in a "+
			"cell at the top")
	}
	as, err := Assignments(params, src)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("// Parameters")
	for _, a := range as {
		b.WriteString("\n" + a.Code)
		if a.Undeclared && found {
			fmt.Fprintf(warn, "warning: parameter %s is not declared in the parameters cell; "+
				"it is declared in the injected one\n", a.Name)
		}
	}
	cell := &Cell{ID: NewCellID(), Type: "code", Source: b.String(), Metadata: map[string]any{},
		Outputs: []map[string]any{}}
	cell.SetTags([]string{TagInjectedParameters})
	nb.Cells = append(nb.Cells[:at], append([]*Cell{cell}, nb.Cells[at:]...)...)
	nb.EnsureCellIDs()
	return nil
}

// prepare clears what an earlier run left (outputs, counts, error markers) and records the run's
// parameters in the notebook's metadata.
func prepare(nb *Notebook, in, out string, params *Params, start time.Time) {
	kept := nb.Cells[:0]
	for _, c := range nb.Cells {
		if !c.HasTag(TagErrorMarker) {
			kept = append(kept, c)
		}
	}
	nb.Cells = kept
	for _, c := range nb.Cells {
		if c.Metadata == nil {
			c.Metadata = map[string]any{}
		}
		if c.Type != "code" {
			continue
		}
		c.Outputs = []map[string]any{}
		c.ExecutionCount = nil
		c.Metadata[metaRun] = map[string]any{"status": "pending", "exception": nil,
			"start_time": nil, "end_time": nil, "duration": nil}
	}
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	nb.Metadata[metaRun] = map[string]any{
		"parameters":  params.Map(),
		"input_path":  in,
		"output_path": out,
		"start_time":  stamp(start),
		"end_time":    nil,
		"duration":    nil,
		"exception":   nil,
		"environment_variables": map[string]any{
			"TAEGIS_NOTEBOOK_FILENAME": out,
		},
		"engine": "gotaegis",
	}
	nb.EnsureCellIDs()
}

// carryCache gives each code cell the cached %taegis results that the same cell (the same
// source) held in an earlier run's output notebook at out, so that the output written before the
// cell runs still holds them: the magics' --cache reads TAEGIS_NOTEBOOK_FILENAME, which is out,
// and serves the result without a call. Running a cell replaces its outputs.
func carryCache(nb *Notebook, out string) {
	old, err := Read(out)
	if err != nil {
		return
	}
	cached := map[string][][]map[string]any{}
	for _, c := range old.Cells {
		if c.Type != "code" || c.HasTag(TagInjectedParameters) {
			continue
		}
		var keep []map[string]any
		for _, o := range c.Outputs {
			meta, _ := o["metadata"].(map[string]any)
			if _, ok := meta["gotaegis_cache"]; ok {
				keep = append(keep, o)
			}
		}
		if keep != nil {
			cached[c.Source] = append(cached[c.Source], keep)
		}
	}
	for _, c := range nb.Cells {
		if q := cached[c.Source]; c.Type == "code" && len(q) > 0 {
			c.Outputs, cached[c.Source] = q[0], q[1:]
		}
	}
}

func finish(nb *Notebook, start time.Time, err error) {
	m, _ := nb.Metadata[metaRun].(map[string]any)
	if m == nil {
		return
	}
	end := time.Now()
	m["end_time"] = stamp(end)
	m["duration"] = end.Sub(start).Seconds()
	m["exception"] = err != nil
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// findKernel returns the kernelspec to start: name, else the notebook's, else DefaultKernel,
// found on Jupyter's search path.
func findKernel(name string, nb *Notebook) (kernelspec.Spec, error) {
	if name == "" {
		if ks, ok := nb.Metadata["kernelspec"].(map[string]any); ok {
			name, _ = ks["name"].(string)
		}
	}
	if name == "" {
		name = DefaultKernel
	}
	dirs := kernelspec.SearchPath()
	found, _ := kernelspec.List(dirs)
	for _, k := range found {
		if k.Name != strings.ToLower(name) || k.Shadowed {
			continue
		}
		if k.Err != nil {
			return kernelspec.Spec{}, fmt.Errorf("kernel %q: %w", name, k.Err)
		}
		return k.Spec, nil
	}
	return kernelspec.Spec{}, fmt.Errorf("no kernelspec named %q in %s; install it with: "+
		"gotaegis kernelspec install (or choose one with --kernel)", name,
		strings.Join(dirs, ", "))
}

func languageInfo(li client.LanguageInfo) map[string]any {
	m := map[string]any{"name": li.Name}
	for k, v := range map[string]string{"version": li.Version, "mimetype": li.Mimetype,
		"file_extension": li.FileExtension, "pygments_lexer": li.PygmentsLexer,
		"nbconvert_exporter": li.NbconvertExporter} {
		if v != "" {
			m[k] = v
		}
	}
	if li.CodemirrorMode != nil {
		m["codemirror_mode"] = li.CodemirrorMode
	}
	return m
}

// firstLine is the first non-blank line of src, shortened for messages.
func firstLine(src string) string {
	for _, l := range strings.Split(src, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 60 {
				l = l[:57] + "..."
			}
			return l
		}
	}
	return "(empty)"
}

// errTimeout is the error name a cell that ran out of time is recorded with.
var errTimeout = errors.New("cell timed out")

// runner executes the code cells of one notebook on one kernel.
type runner struct {
	nb       *Notebook
	kc       *client.Client
	out      string
	timeout  time.Duration
	progress io.Writer
	executed int
	// places are the cells' indexes in the input notebook.
	places map[*Cell]int
	// displays are the outputs that carry each display_id, across cells, so that
	// update_display_data changes them wherever they are.
	displays map[string][]map[string]any
}

func (r *runner) run(ctx context.Context) error {
	var code []int
	for i, c := range r.nb.Cells {
		if c.Type == "code" && strings.TrimSpace(c.Source) != "" {
			code = append(code, i)
		}
	}
	for k, i := range code {
		c := r.nb.Cells[i]
		fmt.Fprintf(r.progress, "[%d/%d] cell %s: %s\n", k+1, len(code), r.place(c),
			firstLine(c.Source))
		cerr, err := r.cell(ctx, c)
		r.executed++
		if err == nil && cerr != nil {
			cerr.Index = -1
			if p, ok := r.places[c]; ok {
				cerr.Index = p
			}
			err = cerr
		}
		if err != nil {
			r.markError(i)
		}
		if werr := r.nb.WriteFile(r.out); werr != nil && err == nil {
			err = fmt.Errorf("execute: write %s: %w", r.out, werr)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// place names a cell for progress lines: its index in the input, or "parameters" for the
// injected one.
func (r *runner) place(c *Cell) string {
	if p, ok := r.places[c]; ok {
		return strconv.Itoa(p)
	}
	return "(injected parameters)"
}

// cell runs one code cell, filling its outputs, count and timing. A cell that fails gives a
// *CellError; an error of the kernel or the connection is the second result.
func (r *runner) cell(ctx context.Context, c *Cell) (*CellError, error) {
	start := time.Now()
	meta := map[string]any{"status": "running", "exception": false,
		"start_time": stamp(start), "end_time": nil, "duration": nil}
	c.Metadata[metaRun] = meta
	c.Outputs = []map[string]any{}

	col := &collector{cell: c, displays: r.displays}
	cctx, cancel := ctx, context.CancelFunc(func() {})
	if r.timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, r.timeout)
	}
	res, err := r.kc.Execute(cctx, c.Source, client.ExecuteOptions{OnMessage: col.add})
	timedOut := cctx.Err() != nil && ctx.Err() == nil
	cancel()
	col.mu.Lock()
	defer col.mu.Unlock()

	end := time.Now()
	meta["end_time"] = stamp(end)
	meta["duration"] = end.Sub(start).Seconds()
	if timedOut {
		ictx, icancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_ = r.kc.Interrupt(ictx)
		icancel()
		ce := &CellError{FirstLine: firstLine(c.Source), Name: "CellTimeoutError",
			Value: fmt.Sprintf("%s after %s; the kernel was interrupted", errTimeout, r.timeout)}
		c.Outputs = append(c.Outputs, map[string]any{"output_type": "error",
			"ename": ce.Name, "evalue": ce.Value, "traceback": []any{}})
		meta["status"], meta["exception"] = "failed", true
		return ce, nil
	}
	if err != nil {
		// The notebook says why the run stopped in this cell, as it does for a cell's error.
		meta["status"], meta["exception"] = "failed", true
		name, value := "DeadKernelError", "the kernel stopped running: "+err.Error()
		if ctx.Err() != nil {
			name, value = "RunStopped", "the run was stopped before the cell finished: "+
				ctx.Err().Error()
		}
		c.Outputs = append(c.Outputs, map[string]any{"output_type": "error", "ename": name,
			"evalue": value, "traceback": []any{name + ": " + value}})
		return nil, fmt.Errorf("execute cell (%s): %w", firstLine(c.Source), err)
	}
	if res.ExecutionCount > 0 {
		n := res.ExecutionCount
		c.ExecutionCount = &n
		for _, o := range c.Outputs {
			if o["output_type"] == "execute_result" {
				o["execution_count"] = n
			}
		}
	}
	if res.Status == "error" && res.Error != nil {
		meta["status"], meta["exception"] = "failed", true
		return &CellError{FirstLine: firstLine(c.Source), Name: res.Error.Name,
			Value: res.Error.Value}, nil
	}
	meta["status"] = "completed"
	return nil, nil
}

// markError puts papermill's error markers in the notebook: a banner cell at the top linking to
// a marker cell just before the failed cell i.
func (r *runner) markError(i int) {
	anchor := &Cell{ID: NewCellID(), Type: "markdown", Metadata: map[string]any{},
		Source: `<span id="papermill-error-cell" style="color:red; font-size:1.5em;">` +
			"The run stopped here: the next cell raised an error.</span>"}
	anchor.SetTags([]string{TagErrorMarker})
	banner := &Cell{ID: NewCellID(), Type: "markdown", Metadata: map[string]any{},
		Source: `<span style="color:red; font-size:1.5em;">An error stopped this run at ` +
			fmt.Sprintf(`<a href="#papermill-error-cell">cell %d</a>.</span>`, i)}
	banner.SetTags([]string{TagErrorMarker})
	cells := append([]*Cell{banner}, r.nb.Cells[:i]...)
	cells = append(cells, anchor)
	r.nb.Cells = append(cells, r.nb.Cells[i:]...)
}

// collector turns one cell's IOPub messages into nbformat outputs as nbclient does: stream text
// merged per name with the stream just before it, display_data and execute_result kept with
// their metadata, update_display_data applied to every output of its display_id, clear_output
// honoured (with wait, at the next output), error recorded.
type collector struct {
	mu        sync.Mutex
	cell      *Cell
	displays  map[string][]map[string]any
	clearWait bool
}

func (col *collector) add(m kernel.Message) {
	col.mu.Lock()
	defer col.mu.Unlock()
	var content map[string]any
	if err := json.Unmarshal(m.Content, &content); err != nil {
		return
	}
	c := col.cell
	kind := m.Header.MsgType
	switch kind {
	case "clear_output":
		if w, _ := content["wait"].(bool); w {
			col.clearWait = true
			return
		}
		c.Outputs = []map[string]any{}
		return
	case "update_display_data":
		id := displayID(content)
		for _, o := range col.displays[id] {
			o["data"] = orEmpty(content["data"])
			o["metadata"] = orEmpty(content["metadata"])
		}
		return
	case "stream", "display_data", "execute_result", "error":
	default:
		return
	}
	if col.clearWait {
		c.Outputs = []map[string]any{}
		col.clearWait = false
	}
	switch kind {
	case "stream":
		name, _ := content["name"].(string)
		text, _ := content["text"].(string)
		if n := len(c.Outputs); n > 0 && c.Outputs[n-1]["output_type"] == "stream" &&
			c.Outputs[n-1]["name"] == name {
			prev, _ := c.Outputs[n-1]["text"].(string)
			c.Outputs[n-1]["text"] = prev + text
			return
		}
		c.Outputs = append(c.Outputs, map[string]any{"output_type": "stream", "name": name,
			"text": text})
	case "display_data", "execute_result":
		o := map[string]any{"output_type": kind, "data": orEmpty(content["data"]),
			"metadata": orEmpty(content["metadata"])}
		if kind == "execute_result" {
			o["execution_count"] = content["execution_count"]
		}
		if id := displayID(content); id != "" {
			col.displays[id] = append(col.displays[id], o)
		}
		c.Outputs = append(c.Outputs, o)
	case "error":
		tb, _ := content["traceback"].([]any)
		if tb == nil {
			tb = []any{}
		}
		c.Outputs = append(c.Outputs, map[string]any{"output_type": "error",
			"ename": content["ename"], "evalue": content["evalue"], "traceback": tb})
	}
}

func displayID(content map[string]any) string {
	t, _ := content["transient"].(map[string]any)
	id, _ := t["display_id"].(string)
	return id
}

func orEmpty(v any) any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return map[string]any{}
}

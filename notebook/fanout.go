package notebook

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Run statuses of one tenant in a fan-out summary.
const (
	StatusOK     = "ok"
	StatusFailed = "failed"
)

// FanoutOptions configure one Fanout. Input, Tenants and OutDir are required.
type FanoutOptions struct {
	// Input is the procedure to run; it is never written.
	Input string
	// Tenants are the tenant ids to run it for, each once.
	Tenants []string
	// Region is the region of every run ("" means the kernels' default).
	Region string
	// Parallel is how many runs go at once; below one means one.
	Parallel int
	// OutDir receives <stem>_<region>_<tenant>.ipynb per tenant, summary.json and summary.md.
	OutDir string
	// Params, Title, Kernel, Timeout (per cell) and Env are passed to every Execute.
	Params  *Params
	Title   string
	Kernel  string
	Timeout time.Duration
	Env     []string
	// RunTimeout bounds one tenant's whole run; zero means no limit.
	RunTimeout time.Duration
	// Resume keeps the tenants of an earlier summary in OutDir whose run was ok, of the same
	// procedure file (byte for byte), and whose notebook is still there, and runs only the
	// others.
	Resume bool
	// NullFindings, if set, is called once for every tenant whose run was ok and whose %taegis
	// results total zero rows; it returns what it filed (an investigation id), recorded in the
	// summary.
	NullFindings func(ctx context.Context, tenant string) (string, error)
	// Progress receives progress: a redrawn bar when Terminal is true, else one line per
	// event. Nil discards it.
	Progress io.Writer
	Terminal bool
}

// TenantRun is one tenant's line in summary.json.
type TenantRun struct {
	Tenant   string `json:"tenant"`
	Region   string `json:"region"`
	Notebook string `json:"notebook"`
	Status   string `json:"status"`
	// ResultsReturned is the rows the run's %taegis results returned, read from their
	// provenance in the executed notebook.
	ResultsReturned int     `json:"results_returned"`
	Error           string  `json:"error"`
	Seconds         float64 `json:"seconds"`
	// NullFindings is the investigation filed because the run found nothing, if one was.
	NullFindings string `json:"null_findings_investigation,omitempty"`
	// NullFindingsError is why filing it failed.
	NullFindingsError string `json:"null_findings_error,omitempty"`
	// Resumed is true when the line was kept from an earlier summary, not run again.
	Resumed bool `json:"resumed,omitempty"`
	// Procedure is the SHA-256 of the procedure file the run executed, so that a resumed
	// fan-out runs again the tenants whose result came from another version of it.
	Procedure string `json:"procedure_sha256,omitempty"`
}

// Fanout runs Input once per tenant, Parallel at a time, each run isolated in its own kernel:
// a failure or timeout is recorded in its line and the others go on. It writes the executed
// notebooks, summary.json and summary.md to OutDir and returns the summary, in tenant order.
// It fails only when nothing could be tried (bad options, OutDir not writable).
func Fanout(ctx context.Context, opts FanoutOptions) ([]TenantRun, error) {
	if len(opts.Tenants) == 0 {
		return nil, errors.New("fanout: no tenants; give --tenants T1,T2, @macro or all")
	}
	if opts.OutDir == "" {
		return nil, errors.New("fanout: no output directory; give --out DIR")
	}
	procedure, err := os.ReadFile(opts.Input)
	if err != nil {
		return nil, fmt.Errorf("fanout: %w", err)
	}
	digest := fmt.Sprintf("%x", sha256.Sum256(procedure))
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("fanout: %w", err)
	}
	outDir, err := filepath.Abs(opts.OutDir)
	if err != nil {
		return nil, fmt.Errorf("fanout: %w", err)
	}
	tenants := dedupe(opts.Tenants)

	previous := map[string]TenantRun{}
	if opts.Resume {
		old, err := ReadSummary(filepath.Join(opts.OutDir, "summary.json"))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("fanout --resume: %w", err)
		}
		for _, r := range old {
			previous[r.Tenant] = r
		}
	}

	runs := make([]TenantRun, len(tenants))
	var todo []int
	for i, t := range tenants {
		out := filepath.Join(outDir, filepath.Base(DefaultOutput(opts.Input, opts.Region, t)))
		runs[i] = TenantRun{Tenant: t, Region: opts.Region, Notebook: out, Procedure: digest}
		if p, ok := previous[t]; ok && p.Status == StatusOK && p.Region == opts.Region &&
			p.Procedure == digest {
			if _, err := os.Stat(out); err == nil {
				p.Resumed = true
				runs[i] = p
				continue
			}
		}
		todo = append(todo, i)
	}

	bar := newProgressBar(opts.Progress, opts.Terminal, len(todo))
	parallel := max(opts.Parallel, 1)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, i := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				runs[i].Status, runs[i].Error = StatusFailed, "not run: "+ctx.Err().Error()
				bar.done(runs[i])
				return
			}
			defer func() { <-sem }()
			bar.start(runs[i].Tenant)
			runs[i] = runOne(ctx, opts, runs[i])
			bar.done(runs[i])
		}()
	}
	wg.Wait()
	bar.finish()

	if opts.NullFindings != nil {
		for i := range runs {
			r := &runs[i]
			if r.Status != StatusOK || r.ResultsReturned != 0 || r.NullFindings != "" {
				continue
			}
			id, err := opts.NullFindings(ctx, r.Tenant)
			if err != nil {
				r.NullFindingsError = err.Error()
				continue
			}
			r.NullFindings = id
		}
	}

	if err := WriteSummary(opts.OutDir, opts.Input, runs); err != nil {
		return runs, err
	}
	return runs, nil
}

// runOne executes the procedure for one tenant and reads its results back from the notebook.
func runOne(ctx context.Context, opts FanoutOptions, r TenantRun) (out TenantRun) {
	start := time.Now()
	defer func() {
		// A panic in one run is that tenant's failure, not the fan-out's.
		if p := recover(); p != nil {
			out = r
			out.Status, out.Error = StatusFailed, fmt.Sprint("internal error: ", p)
		}
		out.Seconds = time.Since(start).Seconds()
	}()
	rctx := ctx
	if opts.RunTimeout > 0 {
		var cancel context.CancelFunc
		rctx, cancel = context.WithTimeout(ctx, opts.RunTimeout)
		defer cancel()
	}
	res, err := Execute(rctx, ExecOptions{
		Input: opts.Input, Output: r.Notebook, Params: opts.Params, Tenant: r.Tenant,
		Region: opts.Region, Title: opts.Title, Kernel: opts.Kernel, Timeout: opts.Timeout,
		Env: opts.Env,
	})
	r.Status = StatusOK
	if err != nil {
		r.Status, r.Error = StatusFailed, err.Error()
		if rctx.Err() != nil && ctx.Err() == nil {
			r.Error = fmt.Sprintf("run timed out after %s: %s", opts.RunTimeout, err)
		}
	}
	nb := (*Notebook)(nil)
	if res != nil {
		nb = res.Notebook
	} else if read, rerr := Read(r.Notebook); rerr == nil {
		nb = read
	}
	if nb != nil {
		r.ResultsReturned, _ = ResultRows(nb)
	}
	return r
}

// ReadSummary reads a summary.json that Fanout wrote.
func ReadSummary(path string) ([]TenantRun, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var runs []TenantRun
	if err := json.Unmarshal(data, &runs); err != nil {
		return nil, fmt.Errorf("read summary %s: %w", path, err)
	}
	return runs, nil
}

// WriteSummary writes summary.json and summary.md for runs in dir.
func WriteSummary(dir, input string, runs []TenantRun) error {
	data, err := json.MarshalIndent(runs, "", "  ")
	if err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "summary.json"), append(data, '\n')); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	md := SummaryMarkdown(input, runs)
	if err := writeFileAtomic(filepath.Join(dir, "summary.md"), []byte(md)); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// SummaryMarkdown is summary.md: totals, then one table row per tenant, failures first.
func SummaryMarkdown(input string, runs []TenantRun) string {
	var ok, failed, found int
	for _, r := range runs {
		if r.Status == StatusOK {
			ok++
			if r.ResultsReturned > 0 {
				found++
			}
		} else {
			failed++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Fan-out of %s\n\n", filepath.Base(input))
	fmt.Fprintf(&b, "%d tenants: %d ok (%d with results, %d with none), %d failed.\n\n",
		len(runs), ok, found, ok-found, failed)
	sorted := append([]TenantRun(nil), runs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return sorted[i].Status == StatusFailed && sorted[j].Status != StatusFailed
	})
	b.WriteString("| tenant | region | status | results | seconds | notebook | note |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range sorted {
		note := r.Error
		if r.NullFindings != "" {
			note = "null-findings investigation " + r.NullFindings
		}
		if r.NullFindingsError != "" {
			note = "null-findings investigation not filed: " + r.NullFindingsError
		}
		if r.Resumed {
			note = strings.TrimSuffix("kept from the earlier run; "+note, "; ")
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %.1f | %s | %s |\n", mdCell(r.Tenant),
			mdCell(r.Region), r.Status, r.ResultsReturned, r.Seconds,
			mdCell(filepath.Base(r.Notebook)), mdCell(note))
	}
	return b.String()
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range list {
		t = strings.TrimSpace(t)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// progressBar shows a fan-out's progress: a bar redrawn in place on a terminal, plain lines
// otherwise. It is safe for concurrent use.
type progressBar struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	total    int
	finished int
	failed   int
	running  map[string]bool
	began    time.Time
	// stop ends the redraws of a terminal bar between events.
	stop    chan struct{}
	stopped sync.WaitGroup
}

// barRedraw is how often a terminal bar is redrawn while no run starts or ends, so that its
// clock runs.
const barRedraw = time.Second

func newProgressBar(w io.Writer, terminal bool, total int) *progressBar {
	return newProgressBarTicks(w, terminal, total, nil)
}

// newProgressBarTicks is newProgressBar redrawing a terminal bar at every tick of ticks; nil
// means every barRedraw.
func newProgressBarTicks(w io.Writer, terminal bool, total int,
	ticks <-chan time.Time) *progressBar {
	if w == nil {
		w = io.Discard
	}
	p := &progressBar{w: w, terminal: terminal, total: total, running: map[string]bool{},
		began: time.Now(), stop: make(chan struct{})}
	if !terminal {
		return p
	}
	var ticker *time.Ticker
	if ticks == nil {
		ticker = time.NewTicker(barRedraw)
		ticks = ticker.C
	}
	p.stopped.Add(1)
	go func() {
		defer p.stopped.Done()
		if ticker != nil {
			defer ticker.Stop()
		}
		for {
			select {
			case <-p.stop:
				return
			case <-ticks:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			}
		}
	}()
	return p
}

func (p *progressBar) start(tenant string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running[tenant] = true
	if p.terminal {
		p.draw()
		return
	}
	fmt.Fprintf(p.w, "start %s\n", tenant)
}

func (p *progressBar) done(r TenantRun) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.running, r.Tenant)
	p.finished++
	if r.Status != StatusOK {
		p.failed++
	}
	if p.terminal {
		if r.Status != StatusOK {
			fmt.Fprintf(p.w, "\r\033[Kfailed %s: %s\n", r.Tenant, r.Error)
		}
		p.draw()
		return
	}
	line := fmt.Sprintf("[%d/%d] %s %s: %d results in %.1fs", p.finished, p.total, r.Status,
		r.Tenant, r.ResultsReturned, r.Seconds)
	if r.Error != "" {
		line += ": " + r.Error
	}
	fmt.Fprintln(p.w, line)
}

func (p *progressBar) draw() {
	const width = 30
	fill := 0
	if p.total > 0 {
		fill = p.finished * width / p.total
	}
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %d/%d done, %d running, %d failed, %.0fs",
		strings.Repeat("#", fill), strings.Repeat(".", width-fill), p.finished, p.total,
		len(p.running), p.failed, time.Since(p.began).Seconds())
}

func (p *progressBar) finish() {
	close(p.stop)
	p.stopped.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		p.draw()
		fmt.Fprintln(p.w)
	}
}

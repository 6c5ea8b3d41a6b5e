package notebook

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gotaegis/emulator"
)

// startEmulator serves a fresh emulator for the test and a rate proxy in front of it, and
// returns the environment that sends the kernels' region local through the proxy.
func startEmulator(t *testing.T) (*RateProxy, []string) {
	t.Helper()
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	proxy, err := StartRateProxy(srv.URL(), NewLimiter(100, 20))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	return proxy, []string{"GOTAEGIS_LOCAL_URL=" + proxy.URL()}
}

var rowsLine = regexp.MustCompile(`rows: (\d+)`)

func TestFanout(t *testing.T) {
	kernelEnv(t)
	proxy, env := startEmulator(t)
	in := copyTestdata(t, "hunt.ipynb")
	before, _ := os.ReadFile(in)
	out := filepath.Join(t.TempDir(), "runs")
	params := &Params{}
	params.Set("FAIL_TENANT", "50002")
	tenants := []string{"50001", "50002", "50003", "50004"}
	var nulls []string
	opts := FanoutOptions{Input: in, Tenants: tenants, Region: "local", Parallel: 3,
		OutDir: out, Params: params, Env: env, Progress: &strings.Builder{},
		NullFindings: func(_ context.Context, tenant string) (string, error) {
			nulls = append(nulls, tenant)
			return "inv-" + tenant, nil
		}}
	runs, err := Fanout(testCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(in); string(after) != string(before) {
		t.Error("the input changed")
	}
	if proxy.Requests() == 0 {
		t.Error("no kernel went through the rate proxy")
	}
	summary, err := ReadSummary(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(summary) != len(tenants) || len(runs) != len(tenants) {
		t.Fatalf("summary has %d tenants, want %d", len(summary), len(tenants))
	}
	total, withNone := 0, 0
	for i, r := range summary {
		if r.Tenant != tenants[i] || r.Region != "local" {
			t.Errorf("line %d is %s in %s", i, r.Tenant, r.Region)
		}
		wantNB := filepath.Join(out, "hunt_local_"+r.Tenant+".ipynb")
		if r.Notebook != wantNB {
			t.Errorf("%s: notebook %s, want %s", r.Tenant, r.Notebook, wantNB)
		}
		nb, err := Read(wantNB)
		if err != nil {
			t.Fatalf("%s: %v", r.Tenant, err)
		}
		if r.Tenant == "50002" {
			if r.Status != StatusFailed || !strings.Contains(r.Error, "set to fail") {
				t.Errorf("50002: status %s error %q, want its cell's failure", r.Status, r.Error)
			}
			// The failed run's notebook records the same failure, and no results.
			failed := cellBySource(t, nb, "FAIL_TENANT {")
			if !hasError(failed, "set to fail") || r.ResultsReturned != 0 {
				t.Errorf("50002: the notebook's failing cell holds %v; results_returned %d",
					failed.Outputs, r.ResultsReturned)
			}
			validateWithNBFormat(t, wantNB)
			continue
		}
		if r.Status != StatusOK {
			t.Errorf("%s: status %s: %s", r.Tenant, r.Status, r.Error)
			continue
		}
		// The notebook's own count of the rows it got agrees with the summary.
		m := rowsLine.FindStringSubmatch(streamText(cellBySource(t, nb, "alerts.Nrow()"),
			"stdout"))
		if m == nil {
			t.Errorf("%s: the notebook printed no row count", r.Tenant)
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n != r.ResultsReturned {
			t.Errorf("%s: results_returned %d, the notebook counted %d", r.Tenant,
				r.ResultsReturned, n)
		}
		total += r.ResultsReturned
		if r.ResultsReturned == 0 {
			withNone++
			if r.NullFindings != "inv-"+r.Tenant {
				t.Errorf("%s: no null-findings investigation recorded", r.Tenant)
			}
		}
		validateWithNBFormat(t, wantNB)
	}
	if len(nulls) != withNone {
		t.Errorf("null findings filed for %v, want %d tenants", nulls, withNone)
	}
	if total == 0 || withNone == 0 {
		t.Errorf("results: %d in all, %d tenants with none; the dataset gives both", total,
			withNone)
	}
	md, err := os.ReadFile(filepath.Join(out, "summary.md"))
	if err != nil || !strings.Contains(string(md), "| 50002 | local | failed |") {
		t.Errorf("summary.md:\n%s", md)
	}

	// Resume runs only the failed tenant (which now passes) and the one whose notebook is gone.
	if err := os.Remove(filepath.Join(out, "hunt_local_50004.ipynb")); err != nil {
		t.Fatal(err)
	}
	params.Set("FAIL_TENANT", "none")
	opts.Resume, opts.NullFindings = true, nil
	runs, err = Fanout(testCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		rerun := r.Tenant == "50002" || r.Tenant == "50004"
		if r.Resumed == rerun {
			t.Errorf("%s: resumed %v, want %v", r.Tenant, r.Resumed, !rerun)
		}
		if r.Status != StatusOK {
			t.Errorf("%s after resume: %s %s", r.Tenant, r.Status, r.Error)
		}
	}

	// A changed procedure runs again for every tenant: no summary mixes two versions.
	nb, err := Read(in)
	if err != nil {
		t.Fatal(err)
	}
	nb.Cells = append(nb.Cells, &Cell{ID: "added", Type: "markdown", Source: "Changed.",
		Metadata: map[string]any{}})
	if err := nb.WriteFile(in); err != nil {
		t.Fatal(err)
	}
	runs, err = Fanout(testCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Resumed || r.Status != StatusOK {
			t.Errorf("%s after the procedure changed: resumed %v, %s %s", r.Tenant, r.Resumed,
				r.Status, r.Error)
		}
	}
}

// BenchmarkFanout8 fans the hunt out across 8 tenants of the emulator, 8 at once: one
// iteration is one whole fan-out, kernels started and stopped included.
func BenchmarkFanout8(b *testing.B) {
	b.StopTimer()
	kernelEnv(b)
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	proxy, err := StartRateProxy(srv.URL(), NewLimiter(0, 1))
	if err != nil {
		b.Fatal(err)
	}
	defer proxy.Close()
	data, err := os.ReadFile(filepath.Join("testdata", "exec", "hunt.ipynb"))
	if err != nil {
		b.Fatal(err)
	}
	in := filepath.Join(b.TempDir(), "hunt.ipynb")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		b.Fatal(err)
	}
	var tenants []string
	for i := 1; i <= 8; i++ {
		tenants = append(tenants, fmt.Sprintf("5%04d", i))
	}
	b.StartTimer()
	for b.Loop() {
		runs, err := Fanout(context.Background(), FanoutOptions{Input: in, Tenants: tenants,
			Region: "local", Parallel: 8, OutDir: b.TempDir(),
			Env: []string{"GOTAEGIS_LOCAL_URL=" + proxy.URL()}})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range runs {
			if r.Status != StatusOK {
				b.Fatalf("%s: %s", r.Tenant, r.Error)
			}
		}
	}
}

// TestExecuteReusesCache runs the hunt twice into the same output: the second run's %taegis
// search is served from the result the first run cached there (same query id), not asked again.
func TestExecuteReusesCache(t *testing.T) {
	kernelEnv(t)
	_, env := startEmulator(t)
	in := copyTestdata(t, "hunt.ipynb")
	queryID := func() string {
		res, err := Execute(testCtx(t), ExecOptions{Input: in, Tenant: "50003", Region: "local",
			Env: env})
		if err != nil {
			t.Fatal(err)
		}
		c := cellBySource(t, res.Notebook, "%%taegis alerts search")
		for _, o := range c.Outputs {
			meta, _ := o["metadata"].(map[string]any)
			if prov, ok := meta["taegis"].(map[string]any); ok {
				id, _ := prov["query_id"].(string)
				return id
			}
		}
		t.Fatal("no result provenance in the search cell")
		return ""
	}
	first, second := queryID(), queryID()
	if first == "" || first != second {
		t.Errorf("query ids %q then %q: the second run did not use the cache", first, second)
	}
}

func TestProgressBar(t *testing.T) {
	var plain strings.Builder
	p := newProgressBar(&plain, false, 2)
	p.start("a")
	p.done(TenantRun{Tenant: "a", Status: StatusOK, ResultsReturned: 3})
	p.done(TenantRun{Tenant: "b", Status: StatusFailed, Error: "boom"})
	p.finish()
	want := "start a\n[1/2] ok a: 3 results in 0.0s\n[2/2] failed b: 0 results in 0.0s: boom\n"
	if plain.String() != want {
		t.Errorf("plain progress %q, want %q", plain.String(), want)
	}
	var term strings.Builder
	p = newProgressBar(&term, true, 2)
	p.start("a")
	p.done(TenantRun{Tenant: "a", Status: StatusFailed, Error: "boom"})
	p.finish()
	got := term.String()
	for _, s := range []string{"\r\033[K[", "1/2 done", "failed a: boom\n", "1 failed"} {
		if !strings.Contains(got, s) {
			t.Errorf("terminal progress %q lacks %q", got, s)
		}
	}
	if strings.Count(got, "\n") != 2 {
		t.Errorf("terminal progress should redraw in place: %q", got)
	}

	// Between events the bar is redrawn at each tick, and not after it finished.
	var ticked syncBuilder
	ticks := make(chan time.Time)
	p = newProgressBarTicks(&ticked, true, 1, ticks)
	p.start("a")
	before := ticked.String()
	ticks <- time.Now()
	ticks <- time.Now() // the first tick has been drawn once the second is taken
	if n := strings.Count(ticked.String(), "0/1 done, 1 running"); n < 2 ||
		!strings.HasPrefix(ticked.String(), before) {
		t.Errorf("a tick did not redraw the bar: %q", ticked.String())
	}
	p.finish()
	select {
	case ticks <- time.Now():
		t.Error("the bar took a tick after it finished")
	default:
	}
}

// syncBuilder is a strings.Builder safe for concurrent use.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSummaryMarkdown(t *testing.T) {
	md := SummaryMarkdown("/x/hunt.md", []TenantRun{
		{Tenant: "1", Region: "local", Status: StatusOK, ResultsReturned: 2,
			Notebook: "/o/hunt_local_1.ipynb"},
		{Tenant: "2", Region: "local", Status: StatusOK, NullFindings: "inv-2",
			Notebook: "/o/hunt_local_2.ipynb", Resumed: true},
		{Tenant: "3", Region: "local", Status: StatusFailed, Error: "cell 2 (a|b): boom",
			Notebook: "/o/hunt_local_3.ipynb"},
	})
	for _, s := range []string{"# Fan-out of hunt.md",
		"3 tenants: 2 ok (1 with results, 1 with none), 1 failed.",
		"| 3 | local | failed | 0 | 0.0 | hunt_local_3.ipynb | cell 2 (a\\|b): boom |",
		"kept from the earlier run; null-findings investigation inv-2"} {
		if !strings.Contains(md, s) {
			t.Errorf("summary.md lacks %q:\n%s", s, md)
		}
	}
	if strings.Index(md, "| 3 |") > strings.Index(md, "| 1 |") {
		t.Error("failures are not listed first")
	}
}

// TestFanoutRunTimeout records a run that outlives its time as failed, and still finishes.
func TestFanoutRunTimeout(t *testing.T) {
	kernelEnv(t)
	in := copyTestdata(t, "slow.ipynb")
	out := filepath.Join(t.TempDir(), "runs")
	runs, err := Fanout(testCtx(t), FanoutOptions{Input: in, Tenants: []string{"a", "b"},
		Region: "local", Parallel: 2, OutDir: out, RunTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Status != StatusFailed || !strings.Contains(r.Error, "timed out") {
			t.Errorf("%s: %s %q, want a recorded timeout", r.Tenant, r.Status, r.Error)
		}
		if _, err := os.Stat(r.Notebook); err != nil {
			t.Errorf("%s: the notebook of a timed-out run is missing: %v", r.Tenant, err)
		}
	}
}

// hasError reports whether the cell has an error output whose value contains text.
func hasError(c *Cell, text string) bool {
	for _, o := range c.Outputs {
		if v, _ := o["evalue"].(string); o["output_type"] == "error" &&
			strings.Contains(v, text) {
			return true
		}
	}
	return false
}

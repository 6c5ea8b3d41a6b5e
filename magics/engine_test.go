package magics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gotaegis/emulator"
	"gotaegis/kernel"
	"gotaegis/kernel/display"
	"gotaegis/magics"
	"gotaegis/magics/symbols"
	"gotaegis/sdk"
)

// region is the custom region the tests' emulator is reached as, so that they do not depend
// on which emulator region local starts.
const region = "magictest"

// output is a kernel.Output that keeps what a cell published.
type output struct {
	mu       sync.Mutex
	streams  map[string]*strings.Builder
	displays []display.Bundle
}

func (o *output) Stream(name, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.streams == nil {
		o.streams = map[string]*strings.Builder{}
	}
	if o.streams[name] == nil {
		o.streams[name] = &strings.Builder{}
	}
	o.streams[name].WriteString(text)
}

func (o *output) Display(b display.Bundle, _ string, _ bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.displays = append(o.displays, b)
}

func (o *output) Clear(bool) {}

func (o *output) Input(string, bool) (string, error) {
	return "", fmt.Errorf("no stdin in tests")
}

func (o *output) stream(name string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.streams[name] == nil {
		return ""
	}
	return o.streams[name].String()
}

// session is a Go engine with the %taegis hook on an emulator.
type session struct {
	t     *testing.T
	eng   *kernel.GoEngine
	calls *atomic.Int64 // how many times a command asked for a client
}

var (
	emuOnce sync.Once
	emu     *emulator.Server
	emuErr  error
)

// planted is the title of an alert that carries markup, as an attacker could write it.
const planted = `<script>alert("owned")</script><b>x</b>`

func startEmulator(t *testing.T) *emulator.Server {
	t.Helper()
	emuOnce.Do(func() {
		dir, err := os.MkdirTemp("", "magics-engine-")
		if err != nil {
			emuErr = err
			return
		}
		emu, emuErr = emulator.Start(context.Background(), emulator.Config{DataDir: dir,
			Tenants: 1, Seed: 5})
		if emuErr != nil {
			return
		}
		tenant := emu.TenantIDs()[0]
		emuErr = emu.AddAlert(map[string]any{
			"id": "alert://priv:planted:" + tenant + ":1", "tenant_id": tenant,
			"status": "OPEN", "metadata": map[string]any{"title": planted, "severity": 0.95},
		})
	})
	if emuErr != nil {
		t.Fatal(emuErr)
	}
	return emu
}

func newSession(t *testing.T, url string) *session {
	t.Helper()
	var calls atomic.Int64
	clients := magics.Clients(sdk.Config{
		Region: region, ConfigDir: t.TempDir(), NoTokenCache: true,
		ClientID: emulator.DefaultClientID, ClientSecret: emulator.DefaultClientSecret,
		Settings: &sdk.Settings{Regions: map[string]sdk.RegionConfig{region: {URL: url}}},
		Getenv:   func(string) string { return "" },
		Retry:    sdk.RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxTime: 2 * time.Second},
	})
	dbs := &magics.Databases{}
	t.Cleanup(func() { _ = dbs.Close() })
	env := &magics.Env{
		Evidence: dbs.Open,
		Client: func(ctx context.Context, r string) (*sdk.Client, error) {
			calls.Add(1)
			return clients(ctx, r)
		},
		Getenv: func(k string) string {
			if k == "TAEGIS_REGION" {
				return region
			}
			return ""
		},
	}
	eng, err := kernel.NewGoEngine(kernel.EngineOptions{Taegis: magics.NewHook(env),
		Exports: symbols.Symbols, Imports: symbols.Imports,
		TaegisComplete: magics.Completer(nil)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	return &session{t: t, eng: eng, calls: &calls}
}

// run executes a cell that must succeed.
func (s *session) run(code string) (kernel.Reply, *output) {
	s.t.Helper()
	out := &output{}
	rep := s.eng.Execute(context.Background(), code, out)
	if rep.Err != nil {
		s.t.Fatalf("cell %q failed: %s: %s\nstderr: %s", code, rep.Err.Name, rep.Err.Value,
			out.stream("stderr"))
	}
	return rep, out
}

// fail executes a cell that must fail and returns its error text.
func (s *session) fail(code string) string {
	s.t.Helper()
	out := &output{}
	rep := s.eng.Execute(context.Background(), code, out)
	if rep.Err == nil {
		s.t.Fatalf("cell %q succeeded, want an error", code)
	}
	return rep.Err.Value
}

func text(b *display.Bundle) string {
	if b == nil {
		return "<no result>"
	}
	s, _ := b.Data[display.MIMEPlain].(string)
	return s
}

func htmlOf(b *display.Bundle) string {
	if b == nil {
		return ""
	}
	s, _ := b.Data[display.MIMEHTML].(string)
	return s
}

const severe = "FROM alert WHERE severity >= 0.6"

func TestCellAssignsDataFrame(t *testing.T) {
	s := newSession(t, startEmulator(t).URL())
	rep, _ := s.run("%%taegis alerts search --assign alerts\n" + severe)
	h := htmlOf(rep.Result)
	for _, want := range []string{"Taegis", "<table", region, "alerts search", " rows × "} {
		if !strings.Contains(h, want) {
			t.Errorf("the result's HTML lacks %q:\n%.2000s", want, h)
		}
	}
	if !strings.Contains(text(rep.Result), "Total Results") {
		t.Errorf("no text/plain summary: %s", text(rep.Result))
	}
	if _, ok := rep.Result.Metadata["taegis"].(map[string]any); !ok {
		t.Errorf("no provenance in the metadata: %v", rep.Result.Metadata)
	}

	rows, _ := s.run("alerts.Nrow()")
	got, _ := s.run("len(taegisResult.Records)")
	if text(rows.Result) != text(got.Result) || text(rows.Result) == "0" {
		t.Fatalf("alerts.Nrow() = %s, len(taegisResult.Records) = %s", text(rows.Result),
			text(got.Result))
	}
	q, _ := s.run("taegisResult.Provenance.Query")
	if text(q.Result) != severe {
		t.Errorf("provenance query %q, want %q", text(q.Result), severe)
	}
	cols, _ := s.run(`alerts.Col("id").Len() == alerts.Nrow()`)
	if text(cols.Result) != "true" {
		t.Errorf("the id column: %s", text(cols.Result))
	}
	// Commands that read a DataFrame get the session's variable.
	staged, _ := s.run("%taegis investigations evidence stage alerts alerts --tenant t1 " +
		"--database :memory:")
	if !strings.Contains(text(staged.Result), "staged "+text(rows.Result)+" alerts") {
		t.Errorf("staging the DataFrame alerts:\n%s", text(staged.Result))
	}

	ser, _ := s.run(`series.New([]int{1, 2}, series.Int, "n").Len()`)
	if text(ser.Result) != "2" {
		t.Errorf("series without an import: %s", text(ser.Result))
	}
}

func TestAppendAndInterpolation(t *testing.T) {
	s := newSession(t, startEmulator(t).URL())
	s.run(`q := "` + severe + `"`)
	s.run(`%taegis alerts search --cell "$q" --append all --disable-return-display all`)
	first, _ := s.run("all.Nrow()")
	rep, _ := s.run(`%taegis alerts search --cell "${q}" --append all`)
	if htmlOf(rep.Result) == "" {
		t.Fatal("the second search shows no table")
	}
	second, _ := s.run("all.Nrow()")
	var n1, n2 int
	fmt.Sscan(text(first.Result), &n1)
	fmt.Sscan(text(second.Result), &n2)
	if n1 == 0 || n2 != 2*n1 {
		t.Fatalf("append: %d rows, then %d", n1, n2)
	}

	s.run("limit := 2")
	s.run(`%taegis alerts search --cell "$q" --limit {limit + 1} --assign few`)
	few, _ := s.run("few.Nrow()")
	if text(few.Result) != "3" {
		t.Fatalf("--limit {limit + 1}: %s rows", text(few.Result))
	}
	msg := s.fail(`%taegis alerts search --cell "$nosuch" --assign x`)
	if !strings.Contains(msg, "$nosuch") {
		t.Fatalf("a missing variable: %s", msg)
	}
}

func TestMagicInLoop(t *testing.T) {
	s := newSession(t, startEmulator(t).URL())
	_, out := s.run(`for _, sev := range []string{"0.6", "0.9"} {
	q := "FROM alert WHERE severity >= " + sev
	%taegis alerts search --cell "$q" --append looped
}`)
	if len(out.displays) != 2 {
		t.Fatalf("%d displays, want one per iteration", len(out.displays))
	}
	s.run(`%taegis alerts search --cell "FROM alert WHERE severity >= 0.6" --assign a6 ` +
		`--disable-return-display all`)
	s.run(`%taegis alerts search --cell "FROM alert WHERE severity >= 0.9" --assign a9 ` +
		`--disable-return-display all`)
	// A variable a magic declares is known from the next cell on: Go compiles a cell first.
	got, _ := s.run("looped.Nrow() == a6.Nrow() + a9.Nrow()")
	if text(got.Result) != "true" {
		t.Fatal("the loop's rows are not the sum of its two searches")
	}
}

func TestMarkupStaysText(t *testing.T) {
	s := newSession(t, startEmulator(t).URL())
	rep, _ := s.run("%%taegis alerts search --assign marked\nFROM alert WHERE " +
		"metadata.title CONTAINS 'owned'")
	h := htmlOf(rep.Result)
	if strings.Contains(h, "<script>") || strings.Contains(h, "<b>x</b>") {
		t.Fatalf("markup from an alert reached the HTML:\n%s", h)
	}
	if !strings.Contains(h, "&lt;script&gt;") {
		t.Fatalf("the planted title is not in the table:\n%.3000s", h)
	}
	s.run(`marked.Nrow()`)
	rep, _ = s.run("%taegis alerts search --cell \"FROM alert WHERE metadata.title " +
		"CONTAINS 'owned'\" --display marked")
	if h := htmlOf(rep.Result); strings.Contains(h, "<script>") ||
		!strings.Contains(h, "&lt;script&gt;") {
		t.Fatalf("--display escapes nothing:\n%s", h)
	}
}

func TestCacheRoundTrip(t *testing.T) {
	s := newSession(t, startEmulator(t).URL())
	nb := filepath.Join(t.TempDir(), "hunt.ipynb")
	s.run(fmt.Sprintf("TAEGIS_NOTEBOOK_FILENAME := %q", nb))
	cell := "%%taegis alerts search --cache --assign cached\n" + severe
	rep, out := s.run(cell)
	if !strings.Contains(out.stream("stderr"), "not found") {
		t.Errorf("no warning that the notebook is missing: %q", out.stream("stderr"))
	}
	meta := rep.Result.Metadata
	if meta["name"] != "cached" || len(fmt.Sprint(meta["hash"])) != 64 || meta["data"] == nil {
		t.Fatalf("no cache record in the metadata: %v", meta)
	}
	before, _ := s.run("cached.Nrow()")

	// Jupyter saves the output with its metadata; the next run finds it there.
	saveNotebook(t, nb, cell, *rep.Result)
	s.run("cached = dataframe.DataFrame{}")
	calls := s.calls.Load()
	again, _ := s.run(cell)
	if s.calls.Load() != calls {
		t.Fatal("the cached run called Taegis")
	}
	if again.Result.Metadata["hash"] != meta["hash"] || again.Result.Metadata["data"] == nil {
		t.Fatal("the cached run does not carry its cache record again")
	}
	after, _ := s.run("cached.Nrow()")
	if text(after.Result) != text(before.Result) {
		t.Fatalf("cached rows %s, want %s", text(after.Result), text(before.Result))
	}

	// --display shows another frame, and the output still carries the cache record.
	shown, _ := s.run("%%taegis alerts search --cache --assign cached --display cached\n" + severe)
	if shown.Result.Metadata["data"] == nil || shown.Result.Metadata["name"] != "cached" {
		t.Fatalf("--display dropped the cache record: %v", shown.Result.Metadata)
	}

	// A changed value on the line is a new call.
	s.run("lim := 5")
	limited := "%%taegis alerts search --cache --assign cached --limit $lim\n" + severe
	five, _ := s.run(limited)
	saveNotebook(t, nb, limited, *five.Result)
	calls = s.calls.Load()
	s.run(limited)
	if s.calls.Load() != calls {
		t.Fatal("the same $lim called Taegis again")
	}
	s.run("lim = 6")
	s.run(limited)
	if s.calls.Load() == calls {
		t.Fatal("a changed $lim was served from the cache")
	}
	calls = s.calls.Load()

	// A changed query is a new call.
	s.run("%%taegis alerts search --cache --assign cached\nFROM alert WHERE severity >= 0.7")
	if s.calls.Load() == calls {
		t.Fatal("a changed query was served from the cache")
	}
}

// saveNotebook writes a notebook whose one code cell holds the output b, as Jupyter would.
func saveNotebook(t *testing.T, path, source string, b display.Bundle) {
	t.Helper()
	nb := map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{},
		"cells": []any{map[string]any{"cell_type": "code", "source": source,
			"metadata": map[string]any{}, "execution_count": 1,
			"outputs": []any{map[string]any{"output_type": "execute_result",
				"execution_count": 1, "data": b.Data, "metadata": b.Metadata}}}}}
	data, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestErrorsKeepTheKernel(t *testing.T) {
	s := newSession(t, startEmulator(t).URL())
	tests := []struct{ name, code, want string }{
		{"unknown option", "%%taegis alerts search --limt 3\n" + severe, "--limit"},
		{"unknown command", "%taegis alerts serch", "search"},
		{"bad cql", "%%taegis alerts search\nFROM alert WHERE severity >=", "column"},
		{"assign and append", "%taegis alerts search --assign a --append b", "exclude"},
		{"bad quote", `%taegis alerts search --cell "FROM alert`, "unterminated"},
		{"display not a frame", "%taegis alerts search --cell '" + severe +
			"' --display taegisCell", "not a dataframe.DataFrame"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := s.fail(tt.code)
			t.Log(msg)
			if !strings.Contains(msg, tt.want) {
				t.Fatalf("error %q, want it to mention %q", msg, tt.want)
			}
			rep, _ := s.run("1 + 1")
			if text(rep.Result) != "2" {
				t.Fatal("the kernel does not run Go after the error")
			}
		})
	}
}

func TestLogLevels(t *testing.T) {
	s := newSession(t, startEmulator(t).URL())
	_, out := s.run("%%taegis alerts search --limit 1 --trace\n" + severe)
	for _, want := range []string{"taegis debug: args", "taegis trace: query", "taegis info: "} {
		if !strings.Contains(out.stream("stderr"), want) {
			t.Errorf("--trace logged no %q:\n%s", want, out.stream("stderr"))
		}
	}
	_, out = s.run("%%taegis alerts search --limit 1\n" + severe)
	if strings.Contains(out.stream("stderr"), "taegis debug") {
		t.Errorf("a call without --trace logged:\n%s", out.stream("stderr"))
	}
}

func TestDeadServer(t *testing.T) {
	s := newSession(t, "http://127.0.0.1:1")
	msg := s.fail("%%taegis alerts search\n" + severe)
	t.Log(msg)
	if !strings.Contains(msg, "alerts search") {
		t.Fatalf("error %q does not name the command", msg)
	}
	rep, _ := s.run(`"still here"`)
	if text(rep.Result) != "still here" {
		t.Fatal("the kernel stopped")
	}
}

func TestHelp(t *testing.T) {
	s := newSession(t, startEmulator(t).URL())
	_, out := s.run("%taegis --help")
	if got := out.stream("stdout"); !strings.Contains(got, "--assign NAME") ||
		!strings.Contains(got, "alerts") {
		t.Fatalf("%%taegis --help printed:\n%s", got)
	}
	_, out = s.run("%taegis help alerts")
	if got := out.stream("stdout"); !strings.Contains(got, "--assign NAME") ||
		!strings.Contains(got, "search") {
		t.Fatalf("%%taegis help alerts printed:\n%s", got)
	}
	rep, out := s.run("%taegis alerts")
	if rep.Result != nil || !strings.Contains(out.stream("stdout"), "search") {
		t.Fatalf("%%taegis alerts: result %v, printed:\n%s", rep.Result, out.stream("stdout"))
	}
	_, out = s.run("%taegis alerts search --help")
	if got := out.stream("stdout"); !strings.Contains(got, "--limit") {
		t.Fatalf("%%taegis alerts search --help printed:\n%s", got)
	}
}

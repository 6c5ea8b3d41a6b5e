package kernel

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"gotaegis/kernel/display"
)

// event is one call a cell made on its Output.
type event struct {
	kind   string // stream name, "display", "update" or "clear"
	text   string
	bundle display.Bundle
	id     string
}

// recorder is an Output that keeps what a cell published.
type recorder struct {
	mu     sync.Mutex
	events []event
	inputs []string
	onText func(string)
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{kind: name, text: text})
	if r.onText != nil {
		r.onText(text)
	}
}

func (r *recorder) Display(b display.Bundle, id string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	kind := "display"
	if update {
		kind = "update"
	}
	r.events = append(r.events, event{kind: kind, bundle: b, id: id})
}

func (r *recorder) Clear(wait bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{kind: "clear"})
}

var errNoStdin = errors.New("stdin not allowed")

func (r *recorder) Input(prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.inputs) == 0 {
		return "", errNoStdin
	}
	s := r.inputs[0]
	r.inputs = r.inputs[1:]
	return s, nil
}

func (r *recorder) stream(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, e := range r.events {
		if e.kind == name {
			b.WriteString(e.text)
		}
	}
	return b.String()
}

func newTestEngine(t testing.TB, opts EngineOptions) *GoEngine {
	t.Helper()
	e, err := NewGoEngine(opts)
	if err != nil {
		t.Fatalf("NewGoEngine: %v", err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func run(t *testing.T, e *GoEngine, code string) (Reply, *recorder) {
	t.Helper()
	r := &recorder{}
	rep := e.Execute(context.Background(), code, r)
	return rep, r
}

func plain(b *display.Bundle) string {
	if b == nil {
		return "<no result>"
	}
	s, _ := b.Data["text/plain"].(string)
	return s
}

func TestExecuteResults(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	tests := []struct {
		name, code, want, mime, stdout string
	}{
		{"hello world", `fmt.Println("hello, world")`, "<no result>", "", "hello, world\n"},
		{"import then use", "import \"fmt\"\nfmt.Println(\"hi\")", "<no result>", "", "hi\n"},
		{"expression", "1+2+3", "6", "", ""},
		{"slice", "x := []int{1,2}\nx", "[1 2]", "", ""},
		{"assignment has no result", "y := 5", "<no result>", "", ""},
		{"stdlib call", `strings.ToUpper("go")`, "GO", "", ""},
		{"value and nil error", `strconv.Atoi("12")`, "12", "", ""},
		{"range over int", "n := 0\nfor i := range 4 { n += i }\nn", "6", "", ""},
		{"range over int variable", "k := 3\ns := 0\nfor i := range k { s += i }\ns", "3", "",
			""},
		{"range over an integer from an earlier cell", "rangeN := 4\ns2 := 0\n" +
			"for i := range rangeN { s2 += i }\ns2", "6", "", ""},
		{"min and max", "min(3, 1, 2) + max(4, 9)", "10", "", ""},
		{"min of int and float constants", "min(3, 2.5)", "2.5", "", ""},
		{"clear", "m := map[string]int{\"a\": 1}\nclear(m)\nlen(m)", "0", "", ""},
		{"loop variable per iteration", "var fs []func() int\n" +
			"for i := 0; i < 3; i++ { fs = append(fs, func() int { return i }) }\n" +
			"fs[0]() + fs[2]()", "2", "", ""},
		{"range variable per iteration", "var gs []func() int\n" +
			"for _, v := range []int{7, 8} { gs = append(gs, func() int { return v }) }\n" +
			"gs[0]()", "7", "", ""},
		{"statements before declarations", "a := g()\nfunc g() int { return 41 }\na + 1", "42",
			"", ""},
		{"declarations between statements", "base := 10\nfunc h() int { return base * 2 }\nh()",
			"20", "", ""},
		{"display bundle", `display.HTML("<b>t</b>")`, "<b>t</b>", "text/html", ""},
		{"markdown method", "type M struct{}\nfunc (M) Markdown() string { return \"*m*\" }\nM{}",
			"{}", "text/markdown", ""},
		{"html method", "type H struct{ N int }\nfunc (H) HTML() string { return \"<i>h</i>\" }\nH{2}",
			"{2}", "text/html", ""},
		{"svg method", "type S struct{}\nfunc (S) SVG() string { return \"<svg/>\" }\nS{}", "{}",
			"image/svg+xml", ""},
		{"image", "import \"image\"\nimage.NewRGBA(image.Rect(0, 0, 2, 2))", "<image 2x2>",
			"image/png", ""},
		{"write string", `os.Stdout.WriteString("ws\n")`, "<no result>", "", "ws\n"},
		{"void call", "func quiet() {}\nquiet()", "<no result>", "", ""},
		{"void method of a standard type", "var wg sync.WaitGroup\nwg.Add(1)\nwg.Done()\nwg.Wait()",
			"<no result>", "", ""},
		{"void method after a value", "var mu sync.Mutex\nmu.Lock()\nmu.Unlock()",
			"<no result>", "", ""},
		{"void display call", "display.Clear(false)", "<no result>", "", ""},
		{"method with a result", "var sb strings.Builder\nsb.WriteString(\"ab\")\nsb.Len()",
			"2", "", ""},
		{"function value with a result", "double := func(n int) int { return 2 * n }\ndouble(4)",
			"8", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, r := run(t, e, tt.code)
			if rep.Err != nil {
				t.Fatalf("error: %+v", rep.Err)
			}
			if got := plain(rep.Result); got != tt.want {
				t.Errorf("result = %q, want %q", got, tt.want)
			}
			if tt.mime != "" {
				if rep.Result == nil || rep.Result.Data[tt.mime] == nil {
					t.Errorf("result has no %s: %+v", tt.mime, rep.Result)
				}
			}
			if got := r.stream("stdout"); got != tt.stdout {
				t.Errorf("stdout = %q, want %q", got, tt.stdout)
			}
		})
	}
}

func TestExecuteRedefinition(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	steps := []struct{ code, want string }{
		{"x := 1", "<no result>"},
		{"x := \"s\"\nx", "s"},
		{"func f() int { return 1 }", "<no result>"},
		{"func f() int { return 2 }\nf()", "2"},
		{"type T struct{ A int }\nT{A: 1}", "{1}"},
		{"type T struct{ B string }\nT{B: \"b\"}", "{b}"},
		{"T{B: \"again\"}", "{again}"},
		{"func ident[T any](v T) T { return v }\nident(4)", "4"},
		{"func inc(T int) int { return T + 1 }\ninc(1)", "2"},
		{"type withT struct{ T int }\nwithT{T: 3}.T", "3"},
		{"type hasT interface{ T() int }\nvar h hasT\nh == nil", "true"},
		{"import \"fmt\"\nimport \"fmt\"\nfmt.Sprint(3)", "3"},
		{"func three() int { return 3 }\ncnt := three()", "<no result>"},
		{"tot := 0\nfor i := range cnt { tot += i }\ntot", "3"},
	}
	for _, s := range steps {
		rep, _ := run(t, e, s.code)
		if rep.Err != nil {
			t.Fatalf("%q: error %+v", s.code, rep.Err)
		}
		if got := plain(rep.Result); got != s.want {
			t.Errorf("%q: result %q, want %q", s.code, got, s.want)
		}
	}
}

func TestExecuteErrors(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	tests := []struct {
		name, code, ename, value, trace string
	}{
		{"panic", "x := 1\n_ = x\npanic(\"boom\")", "panic", "boom", "panic: boom"},
		{"panic in function", "func bad() {\n\tvar m map[string]int\n\tm[\"a\"] = 1\n}\nbad()",
			"panic", "assignment to entry in nil map", "in bad"},
		{"compile error", "y := 2\nundefinedThing", "CompileError", "line 2:1: undefined",
			"undefinedThing"},
		{"compile error in loop", "for i := range 2 {\n\tnope(i)\n}", "CompileError",
			"line 2:2: undefined: nope", ""},
		{"syntax error", "func ( {", "SyntaxError", "line 1", ""},
		{"os.Exit", "os.Exit(3)", "SystemExit", "os.Exit(3) called", ""},
		{"iterator", "func seq(yield func(int) bool) { yield(1) }\nfor v := range seq { _ = v }",
			"UnsupportedError", "range over a function", ""},
		{"iterator variable", "seq := func(yield func(int) bool) { yield(1) }\n" +
			"for v := range seq { _ = v }", "UnsupportedError", "range over a function", ""},
		{"partial slices package", "xs := []int{2, 1}\nslices.Sort(xs)", "CompileError",
			"use sort.Slice", ""},
		{"interpreter compile panic on the cell's line",
			"func rec[T any](n T) { rec[T](n) }\n\nrec(1)", "UnsupportedError",
			"line 3:1: the interpreter failed to compile", "   3 | rec(1)"},
		{"untyped nil", "nil", "UnsupportedError", "line 1:1:", "   1 | nil"},
		{"unknown import", `import "github.com/x/y"`, "ImportError", "standard library", ""},
		{"unknown magic", "%foo", "MagicError", "%foo", ""},
		{"taegis without hook", "%taegis alerts search", "MagicError", "magics not available", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, r := run(t, e, tt.code)
			if rep.Err == nil {
				t.Fatalf("no error; result %v", rep.Result)
			}
			if rep.Err.Name != tt.ename || !strings.Contains(rep.Err.Value, tt.value) {
				t.Errorf("error %s: %s, want %s containing %q", rep.Err.Name, rep.Err.Value,
					tt.ename, tt.value)
			}
			if tb := strings.Join(rep.Err.Traceback, "\n"); !strings.Contains(tb, tt.trace) {
				t.Errorf("traceback %q lacks %q", tb, tt.trace)
			}
			if len(r.events) != 0 {
				t.Errorf("a failed cell published %+v, want only the error", r.events)
			}
			rep, _ = run(t, e, "40 + 2")
			if plain(rep.Result) != "42" {
				t.Errorf("engine unusable after the error: %+v", rep)
			}
		})
	}
}

func TestExecuteStreamsLive(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	r := &recorder{}
	var seenBeforeInput string
	r.inputs = []string{"go on"}
	asked := make(chan struct{})
	r.onText = func(string) {}
	out := &inputProbe{recorder: r, before: func() {
		seenBeforeInput = strings.Join(eventsText(r), "")
		close(asked)
	}}
	code := "fmt.Println(\"first\")\nvar s string\nfmt.Scanln(&s)\n" +
		"fmt.Fprintln(os.Stderr, \"err\")\nfor i := 0; i < 3; i++ { fmt.Println(i) }"
	rep := e.Execute(context.Background(), code, out)
	if rep.Err != nil {
		t.Fatalf("error %+v", rep.Err)
	}
	<-asked
	if seenBeforeInput != "first\n" {
		t.Errorf("before the cell asked for input the client had %q, want %q", seenBeforeInput,
			"first\n")
	}
	if got := r.stream("stdout"); got != "first\n0\n1\n2\n" {
		t.Errorf("stdout %q", got)
	}
	if got := r.stream("stderr"); got != "err\n" {
		t.Errorf("stderr %q", got)
	}
}

// inputProbe calls before when the cell first asks for input.
type inputProbe struct {
	*recorder
	before func()
	once   sync.Once
}

func (p *inputProbe) Input(prompt string, password bool) (string, error) {
	p.once.Do(p.before)
	return p.recorder.Input(prompt, password)
}

func eventsText(r *recorder) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, e.text)
	}
	return out
}

func TestExecuteStdin(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	r := &recorder{inputs: []string{"alice", "bob"}}
	code := "import \"bufio\"\nvar name string\nfmt.Scanln(&name)\n" +
		"sc := bufio.NewScanner(os.Stdin)\nsc.Scan()\nname + \"+\" + sc.Text()"
	rep := e.Execute(context.Background(), code, r)
	if rep.Err != nil || plain(rep.Result) != "alice+bob" {
		t.Fatalf("got %q, %+v", plain(rep.Result), rep.Err)
	}
	// Without stdin, reading ends at once instead of hanging.
	rep = e.Execute(context.Background(), "var z string\n_, err := fmt.Scanln(&z)\nerr != nil",
		&recorder{})
	if rep.Err != nil || plain(rep.Result) != "true" {
		t.Fatalf("got %q, %+v", plain(rep.Result), rep.Err)
	}
}

// interruptingInput interrupts the cell when it reads stdin, as a client's interrupt_request
// does while the kernel waits for input_reply.
type interruptingInput struct {
	*recorder
	cancel context.CancelFunc
}

func (in interruptingInput) Input(string, bool) (string, error) {
	in.cancel()
	return "", context.Canceled
}

func TestExecuteInterruptInput(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := interruptingInput{&recorder{}, cancel}
	rep := e.Execute(ctx, "var in string\nfmt.Scanln(&in)\n\"read on\"", out)
	if rep.Err == nil || rep.Err.Name != "KeyboardInterrupt" {
		t.Fatalf("want KeyboardInterrupt, got result %q, error %+v", plain(rep.Result), rep.Err)
	}
}

func TestExecuteInterrupt(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &recorder{}
	r.onText = func(s string) {
		if strings.Contains(s, "spinning") {
			cancel()
		}
	}
	rep := e.Execute(ctx, "fmt.Println(\"spinning\")\nfor {}", r)
	if rep.Err == nil || rep.Err.Name != "KeyboardInterrupt" {
		t.Fatalf("want KeyboardInterrupt, got %+v", rep.Err)
	}
	rep, _ = run(t, e, "z := 20\nz + 1")
	if plain(rep.Result) != "21" {
		t.Fatalf("next cell: %+v", rep)
	}
}

func TestExecuteInterruptSleep(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	r := &recorder{}
	r.onText = func(s string) {
		if strings.Contains(s, "waiting") {
			cancel()
		}
	}
	rep := e.Execute(ctx, "fmt.Println(\"waiting\")\ntime.Sleep(time.Hour)", r)
	cancel()
	if rep.Err == nil || rep.Err.Name != "KeyboardInterrupt" {
		t.Fatalf("want KeyboardInterrupt, got %+v", rep.Err)
	}
	rep, _ = run(t, e, "w := 2\nw * 3")
	if plain(rep.Result) != "6" {
		t.Fatalf("next cell: %+v", rep)
	}
}

func TestExecuteShowInterpretedType(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	code := "type Row struct{ N int }\nfunc (r Row) HTML() string { return \"<td>row</td>\" }\n" +
		"for i := range 2 { display.Show(Row{i}) }"
	rep, r := run(t, e, code)
	if rep.Err != nil {
		t.Fatalf("error %+v", rep.Err)
	}
	if len(r.events) != 2 || r.events[1].bundle.Data["text/html"] != "<td>row</td>" ||
		r.events[1].bundle.Data["text/plain"] != "{1}" {
		t.Fatalf("events %+v", r.events)
	}
}

// TestExecuteGoroutines keeps its goroutines off package-level variables: in yaegi v0.16.1 a
// goroutine that outlives its cell and reads them races with the next cell's start.
func TestExecuteGoroutines(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	rep, r := run(t, e, "func boom() {\n\tdone := make(chan bool)\n"+
		"\tgo func() { defer close(done); panic(\"in goroutine\") }()\n\t<-done\n}\n"+
		"boom()\nfmt.Println(\"after\")")
	if rep.Err != nil || r.stream("stdout") != "after\n" {
		t.Fatalf("goroutine panic: %+v stdout %q", rep.Err, r.stream("stdout"))
	}
	// The report may come after the cell ended: later cells carry it.
	stderr := r.stream("stderr")
	for i := 0; i < 200 && !strings.Contains(stderr, "panic in a goroutine"); i++ {
		_, next := run(t, e, "time.Sleep(time.Millisecond)")
		stderr += next.stream("stderr")
	}
	if !strings.Contains(stderr, "panic in a goroutine (recovered") {
		t.Errorf("no report of the goroutine's panic: %q", stderr)
	}

	rep, _ = run(t, e, "ch := make(chan int)\nf := func(a, b int, c chan int) { c <- a + b }\n"+
		"x := 2\ngo f(x, 3, ch)\nx = 100\n<-ch")
	if plain(rep.Result) != "5" {
		t.Errorf("go statement arguments are evaluated at the go statement: %q %+v",
			plain(rep.Result), rep.Err)
	}

	// Output a goroutine writes after its cell ended reaches a later cell, once.
	rep, _ = run(t, e, "func later() (chan bool, chan bool) {\n"+
		"\tlate, finished := make(chan bool), make(chan bool)\n"+
		"\tgo func() { <-late; fmt.Println(\"late\"); close(finished) }()\n"+
		"\treturn late, finished\n}\nlate, finished := later()")
	if rep.Err != nil {
		t.Fatal(rep.Err)
	}
	_, r = run(t, e, "close(late)")
	_, r2 := run(t, e, "<-finished")
	_, r3 := run(t, e, "1")
	if got := r.stream("stdout") + r2.stream("stdout") + r3.stream("stdout"); got != "late\n" {
		t.Errorf("late output %q, want it once", got)
	}
}

func TestExecuteDisplay(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	code := "for i := 0; i < 2; i++ { display.Show(display.Markdown(\"*x*\")) }\n" +
		"display.ShowID(\"p\", \"10%\")\ndisplay.Update(\"p\", \"100%\")\ndisplay.Clear(true)"
	rep, r := run(t, e, code)
	if rep.Err != nil {
		t.Fatalf("error %+v", rep.Err)
	}
	var kinds []string
	for _, ev := range r.events {
		kinds = append(kinds, ev.kind+":"+ev.id)
	}
	want := []string{"display:", "display:", "display:p", "update:p", "clear:"}
	if !reflect.DeepEqual(kinds, want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	if r.events[0].bundle.Data["text/markdown"] != "*x*" {
		t.Errorf("first display %+v", r.events[0].bundle)
	}
	if r.events[3].bundle.Data["text/plain"] != "100%" {
		t.Errorf("update %+v", r.events[3].bundle)
	}
}

func TestExecutePager(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	for _, code := range []string{"fmt.Println?", "func mine() {}\n"} {
		rep, _ := run(t, e, code)
		if rep.Err != nil {
			t.Fatalf("%q: %+v", code, rep.Err)
		}
	}
	rep, r := run(t, e, "fmt.Println?")
	if rep.Result != nil || len(r.events) != 0 || len(rep.Payload) != 1 {
		t.Fatalf("pager reply %+v events %+v", rep, r.events)
	}
	p := rep.Payload[0]
	text, _ := p["data"].(map[string]any)["text/plain"].(string)
	if p["source"] != "page" || !strings.Contains(text, "Println") {
		t.Errorf("payload %+v", p)
	}
	rep, _ = run(t, e, "// mine says hello.\nfunc mine2(a int) string { return \"\" }")
	if rep.Err != nil {
		t.Fatal(rep.Err)
	}
	rep, _ = run(t, e, "mine2?")
	text, _ = rep.Payload[0]["data"].(map[string]any)["text/plain"].(string)
	if !strings.Contains(text, "func mine2(a int) string") || !strings.Contains(text, "mine says") {
		t.Errorf("user pager %q", text)
	}
}

func BenchmarkExecuteAssign(b *testing.B) {
	e := newTestEngine(b, EngineOptions{})
	r := &recorder{}
	ctx := context.Background()
	for b.Loop() {
		if rep := e.Execute(ctx, "x := 1", r); rep.Err != nil {
			b.Fatal(rep.Err)
		}
	}
}

func BenchmarkNewGoEngine(b *testing.B) {
	for b.Loop() {
		e, err := NewGoEngine(EngineOptions{})
		if err != nil {
			b.Fatal(err)
		}
		_ = e.Close()
	}
}

package kernel

import (
	"context"
	"errors"
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

func TestSmoke(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	for _, code := range []string{
		`fmt.Println("hello, world")`,
		"x := []int{1,2}\nx",
		"1+2+3",
		`import "os"` + "\n" + `fmt.Fprintln(os.Stderr, "oops")`,
		`os.Stdout.WriteString("ws\n")`,
		`panic("boom")`,
		`undefinedThing`,
		`os.Exit(3)`,
		"for i := range 3 { fmt.Println(i) }",
		"min(3, 2.5)",
		`display.HTML("<b>t</b>")`,
		"type P struct{X int}\nfunc (p P) HTML() string { return \"<i>p</i>\" }\nP{1}",
		"%env FOO=bar",
		"!echo hi",
		"%time\nfmt.Println(1)",
		"fmt.Println?",
		"strconv.Atoi(\"12\")",
		"func f() int { return 1 }\nf()",
		"var fs []func() int\nfor i := 0; i < 3; i++ { fs = append(fs, func() int { return i }) }\nfs[0]()",
		"type P struct{Y int}\nP{Y: 2}",
		"%foo",
		"%taegis alerts",
	} {
		rep, r := run(t, e, code)
		t.Logf("CODE %q\n  result=%q err=%+v payload=%v\n  events=%+v", code, plain(rep.Result), rep.Err, rep.Payload, r.events)
	}
}

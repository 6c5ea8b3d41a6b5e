package kernel

import (
	"context"
	"strings"
	"testing"
)

func TestExecuteRecursionLimit(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	cases := []struct {
		name, decl, call string
		want             string // in the error; "" means the call succeeds
		result           string
	}{
		{name: "function", decl: "func r(n int) int { return r(n+1) + 1 }", call: "r(0)",
			want: "stack overflow: call depth exceeded 100000 in r;"},
		{name: "method", decl: "type T struct{}\nfunc (t *T) m(n int) int { return t.m(n) }",
			call: "(&T{}).m(1)", want: "call depth exceeded 100000 in (*T).m;"},
		{name: "literal",
			decl: "var lit func(int) int\nfunc init2() { lit = func(n int) int { return lit(n) } }",
			call: "init2()\nlit(1)", want: "in the function literal of line 2;"},
		{name: "deep but finite", decl: "func d(n int) int { if n == 0 { return 0 }; " +
			"return d(n-1) + 1 }", call: "d(20000)", result: "20000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if rep, _ := run(t, e, c.decl); rep.Err != nil {
				t.Fatalf("declare: %+v", rep.Err)
			}
			rep, _ := run(t, e, c.call)
			if c.want == "" {
				if rep.Err != nil || plain(rep.Result) != c.result {
					t.Fatalf("got %+v, result %s; want %s", rep.Err, plain(rep.Result), c.result)
				}
				return
			}
			if rep.Err == nil || rep.Err.Name != "RecursionError" ||
				!strings.Contains(rep.Err.Value, c.want) {
				t.Fatalf("error %+v, want RecursionError with %q", rep.Err, c.want)
			}
			if len(rep.Err.Traceback) > 5 {
				t.Errorf("traceback of %d lines", len(rep.Err.Traceback))
			}
		})
	}
	// The kernel survives, and the depth count is back to zero after the overflows.
	if rep, _ := run(t, e, "d(3)"); rep.Err != nil || plain(rep.Result) != "3" {
		t.Fatalf("after overflow: %+v %s", rep.Err, plain(rep.Result))
	}
	if d := e.depth.Load(); d != 0 {
		t.Errorf("depth after the cells = %d, want 0", d)
	}
}

// BenchmarkExecuteFib measures a tight recursive cell, where the call depth guard of every
// function costs most.
func BenchmarkExecuteFib(b *testing.B) {
	e := newTestEngine(b, EngineOptions{})
	r := &recorder{}
	ctx := context.Background()
	decl := "func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }"
	if rep := e.Execute(ctx, decl, r); rep.Err != nil {
		b.Fatal(rep.Err)
	}
	for b.Loop() {
		if rep := e.Execute(ctx, "fib(25)", r); rep.Err != nil {
			b.Fatal(rep.Err)
		}
	}
}

func TestExecutePanicLine(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	cases := []struct {
		name, code string
		want       []string // in the traceback
	}{
		{name: "index", code: "xs := []int{1}\n\n_ = xs[5]",
			want: []string{"  at line 3 in the cell", "     3 | _ = xs[5]"}},
		{name: "nil pointer in a loop",
			code: "var p *struct{ A int }\nfor i := 0; i < 3; i++ {\n\tif i == 2 {\n\t\t_ = p.A\n" +
				"\t}\n}",
			want: []string{"  at line 4 in the cell", "     4 | \t\t_ = p.A"}},
		{name: "in a function", code: "func deref(p *int) int { return *p }\ny := 2\n\nderef(nil)",
			want: []string{"in deref", "  at line 4 in the cell", "     4 | deref(nil)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, _ := run(t, e, c.code)
			if rep.Err == nil || rep.Err.Name != "panic" {
				t.Fatalf("error %+v, want a panic", rep.Err)
			}
			tb := strings.Join(rep.Err.Traceback, "\n")
			for _, w := range c.want {
				if !strings.Contains(tb, w) {
					t.Errorf("traceback %q lacks %q", tb, w)
				}
			}
		})
	}
}

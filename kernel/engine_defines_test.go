package kernel

import (
	"strings"
	"testing"
)

// TestTopLevelDefinitionsOfIndexedValues runs, cell after cell, top-level definitions the
// interpreter cannot type by itself (an index into a value of a compiled type): each defines
// a variable of the value's own static type, evaluates its values once, and keeps the
// cell's output in order.
func TestTopLevelDefinitionsOfIndexedValues(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	cells := []struct {
		code, result, stdout string
	}{
		{`parts := strings.Split("a,b,c", ",")`, "<no result>", ""},
		{`first := parts[0]`, "<no result>", ""},
		// A string, not an interface: + and len work on it.
		{`first + "!"`, "a!", ""},
		{`x, y := parts[1], parts[2]` + "\nx + y", "bc", ""},
		{`var typed string = parts[2]` + "\ntyped", "c", ""},
		{"fmt.Println(\"before\")\nmid := parts[1]\nfmt.Println(\"after\", mid)", "<no result>",
			"before\nafter b\n"},
		// The values are evaluated once.
		{`var calls atomic.Int64`, "<no result>", ""},
		{`once := strings.Split(fmt.Sprint(calls.Add(1)), ",")[0]` + "\ncalls.Load()", "1", ""},
		{`once`, "1", ""},
		// A later cell redefines a variable so defined.
		{`first := parts[2]` + "\nfirst", "c", ""},
		// A map of a compiled type, indexed twice.
		{`u, _ := url.Parse("http://h/?k=v1&k=v2")`, "<no result>", ""},
		{`k := u.Query()["k"][1]` + "\nk", "v2", ""},
		{`_, kk := 0, u.Query()["k"][0]` + "\nkk", "v1", ""},
		{`s := parts[0] + "!"` + "\ns", "a!", ""},
	}
	for _, c := range cells {
		rep, rec := run(t, e, c.code)
		if rep.Err != nil {
			t.Fatalf("%q: %+v", c.code, rep.Err)
		}
		if got := plain(rep.Result); got != c.result {
			t.Errorf("%q: result %q, want %q", c.code, got, c.result)
		}
		if got := rec.stream("stdout"); got != c.stdout {
			t.Errorf("%q: stdout %q, want %q", c.code, got, c.stdout)
		}
	}
}

// TestTopLevelDefinitionErrors: a definition so worked around still fails like any other,
// naming its cell line.
func TestTopLevelDefinitionErrors(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	if rep, _ := run(t, e, `parts := strings.Split("a", ",")`); rep.Err != nil {
		t.Fatal(rep.Err)
	}
	rep, _ := run(t, e, "ok := 1\n_ = ok\nbad := parts[5]")
	if rep.Err == nil || !strings.Contains(rep.Err.Value, "index out of range") {
		t.Fatalf("out of range: %+v", rep.Err)
	}
	if tb := strings.Join(rep.Err.Traceback, "\n"); !strings.Contains(tb, "bad := parts[5]") {
		t.Errorf("traceback does not show the cell line:\n%s", tb)
	}
	rep, _ = run(t, e, `nope := parts[undefinedName]`)
	if rep.Err == nil || !strings.Contains(rep.Err.Value, "undefined: undefinedName") {
		t.Errorf("undefined name: %+v", rep.Err)
	}
}

// TestTopLevelBlocksDefiningSeveralValues runs top-level compound statements that define
// several variables from one value, which the interpreter loses outside a function.
func TestTopLevelBlocksDefiningSeveralValues(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	cells := []struct {
		code, result, stdout string
	}{
		{"for i := 0; i < 2; i++ {\n\tx, err := strconv.Atoi(\"4\")\n\tfmt.Println(x+i, err)\n}",
			"<no result>", "4 <nil>\n5 <nil>\n"},
		{"total := 0\nfor _, s := range []string{\"1\", \"2\"} {\n\tn, err := strconv.Atoi(s)\n" +
			"\tif err != nil {\n\t\tpanic(err)\n\t}\n\ttotal += n\n}\ntotal", "3", ""},
		{"m := map[string]int{\"a\": 1}\nif v, ok := m[\"a\"]; ok {\n\tfmt.Println(\"found\", v)\n}",
			"<no result>", "found 1\n"},
		{"switch {\ncase true:\n\tvar a, b = strconv.Atoi(\"7\")\n\tfmt.Println(a, b)\n}",
			"<no result>", "7 <nil>\n"},
		// Switches and selects at the top level, whose clauses are marked with their lines.
		{"switch x := 2; x {\ncase 1:\n\tfmt.Println(\"one\")\ncase 2:\n\tfmt.Println(\"two\")\n}",
			"<no result>", "two\n"},
		{"var v any = \"s\"\nswitch t := v.(type) {\ncase string:\n\tfmt.Println(\"string\", t)\n}",
			"<no result>", "string s\n"},
		{"ch := make(chan int, 1)\nch <- 5\nselect {\ncase n := <-ch:\n\tfmt.Println(n)\n" +
			"default:\n\tfmt.Println(\"none\")\n}", "<no result>", "5\n"},
	}
	for _, c := range cells {
		rep, rec := run(t, e, c.code)
		if rep.Err != nil {
			t.Fatalf("%q: %+v", c.code, rep.Err)
		}
		if got := plain(rep.Result); got != c.result {
			t.Errorf("%q: result %q, want %q", c.code, got, c.result)
		}
		if got := rec.stream("stdout"); got != c.stdout {
			t.Errorf("%q: stdout %q, want %q", c.code, got, c.stdout)
		}
	}
	// A panic inside such a block is the cell's error, and the next cell runs.
	rep, _ := run(t, e, "for i := 0; i < 1; i++ {\n\tn, err := strconv.Atoi(\"x\")\n"+
		"\tif err != nil {\n\t\tpanic(err)\n\t}\n\t_ = n\n}")
	if rep.Err == nil || !strings.Contains(rep.Err.Value, "invalid syntax") {
		t.Fatalf("panic in a block: %+v", rep.Err)
	}
	if tb := strings.Join(rep.Err.Traceback, "\n"); !strings.Contains(tb, "panic(err)") {
		t.Errorf("the traceback does not show the panicking line:\n%s", tb)
	}
	if rep, _ := run(t, e, "after := 1\nafter"); rep.Err != nil || plain(rep.Result) != "1" {
		t.Errorf("the cell after the panic: %+v %s", rep.Err, plain(rep.Result))
	}
}

// TestTopLevelDefinitionsOfDeclaredTypes: definitions whose values have types the cells
// declare, which reach the host without their names, get the types their source gives.
func TestTopLevelDefinitionsOfDeclaredTypes(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	cells := []corpusCell{
		out("type Set[T comparable] struct{ m map[T]bool }\n"+
			"func NewSet[T comparable]() *Set[T] { return &Set[T]{m: map[T]bool{}} }\n"+
			"func (s *Set[T]) Add(v T) { s.m[v] = true }\n"+
			"func (s *Set[T]) Len() int { return len(s.m) }\n"+
			"type Hit struct{ Host string }", ""),
		ok("ips := NewSet[string]()\nips.Add(\"a\")\nips.Add(\"b\")\nips.Len()", "2", ""),
		ok("var more = NewSet[int]()\nmore.Add(1)\nmore.Len()", "1", ""),
		ok("var v any = Hit{Host: \"h\"}\nh, isHit := v.(Hit)\nfmt.Sprintf(\"%v %s\", isHit, h.Host)",
			"true h", ""),
		ok("_, isPtr := v.(*Hit)\nisPtr", "false", ""),
		ok("h2 := v.(Hit)\nh2.Host", "h", ""),
		// A later cell redefines the type; the definitions use the newest one.
		out("type Hit struct {\n\tHost string\n\tN    int\n}", ""),
		ok("var w any = Hit{Host: \"x\", N: 2}\nh, isHit := w.(Hit)\nfmt.Sprint(h.N, isHit)",
			"2 true", ""),
		{code: "var bad any = 1\nh3 := bad.(Hit)", errName: "panic", errHas: "interface"},
	}
	runCorpusCells(t, e, cells)
}

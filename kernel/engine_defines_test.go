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

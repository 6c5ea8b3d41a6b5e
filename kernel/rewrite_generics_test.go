package kernel

import (
	"strings"
	"testing"
)

func TestPlanGenericVars(t *testing.T) {
	tests := []struct {
		name, code string
		want, not  []string
	}{
		{"instance type", "var b Box[int] = MakeBox(3)",
			[]string{"var b Box[int] = func() Box[int] { return MakeBox(3) }()"}, nil},
		{"pointer to an instance", "var s *Set[string] = NewSet[string]()",
			[]string{"func() *Set[string] { return NewSet[string]() }()"}, nil},
		{"two type arguments", "var p, q Pair[string, int] = a, b",
			[]string{"func() Pair[string, int] { return a }(), " +
				"func() Pair[string, int] { return b }()"}, nil},
		{"plain type", "var n int = f()", nil, []string{"func() int"}},
		{"no value", "var b Box[int]", nil, []string{"func()"}},
		{"inside a function", "func f() {\n\tvar b Box[int] = MakeBox(3)\n\t_ = b\n}", nil,
			[]string{"func() Box"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := testSession().plan(tt.code)
			if err != nil {
				t.Fatal(err)
			}
			var all strings.Builder
			for _, c := range p.chunks {
				all.WriteString(c.src)
			}
			for _, w := range tt.want {
				if !strings.Contains(all.String(), w) {
					t.Errorf("chunks %q lack %q", all.String(), w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(all.String(), n) {
					t.Errorf("chunks %q have %q", all.String(), n)
				}
			}
		})
	}
}

// TestExecuteGenerics runs generic types and functions a cell declares at the top of later
// cells, and says plainly what the interpreter cannot run.
func TestExecuteGenerics(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	cells := []corpusCell{
		out("type Box[T any] struct{ V T }\nfunc MakeBox[T any](v T) Box[T] { return Box[T]{v} }\n"+
			"type Pair[K comparable, V any] struct {\n\tKey K\n\tVal V\n}\n"+
			"func MakePair[K comparable, V any](k K, v V) Pair[K, V] {\n"+
			"\treturn Pair[K, V]{k, v}\n}", ""),
		ok("var b Box[int] = MakeBox(3)\nb.V", "3", ""),
		ok("var p Pair[string, int] = MakePair(\"n\", 4)\nfmt.Sprint(p.Key, p.Val)", "n4", ""),
		ok("var bs []Box[int] = []Box[int]{MakeBox(1), MakeBox(2)}\nbs[1].V", "2", ""),
		// A redefined generic type: the wrapped value names its newest definition.
		out("type Box[T any] struct {\n\tV    T\n\tNote string\n}\n"+
			"func MakeBox[T any](v T) Box[T] { return Box[T]{V: v, Note: \"n\"} }", ""),
		ok("var b2 Box[string] = MakeBox(\"s\")\nb2.V + b2.Note", "sn", ""),
		ok("func() int { q := MakePair(\"n\", 5); return q.Val }()", "5", ""),
		{code: "q := MakePair[string, int](\"n\", 3)", errName: "CompileError",
			errHas: "leave them out"},
		{code: "q := MakeBox(3)", errName: "CompileError", errHas: "var q T = ..."},
		{code: "type Cell[T any] struct{ T T }\nc := Cell[int]{T: 1}", errName: "CompileError",
			errHas: "rename the field or the parameter"},
	}
	runCorpusCells(t, e, cells)
}

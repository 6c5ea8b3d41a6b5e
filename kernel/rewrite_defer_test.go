package kernel

import (
	"reflect"
	"strings"
	"testing"
)

// TestPlanDeferAndErrorf: deferred calls get their arguments evaluated at the defer statement,
// and the %w arguments of fmt.Errorf go through the helper that makes them host errors.
func TestPlanDeferAndErrorf(t *testing.T) {
	tests := []struct {
		name, code string
		want, not  []string
	}{
		{"defer arguments", "func f(i int) {\n\tdefer fmt.Print(i, \"x\", nil)\n}",
			[]string{`_gtd1_0 := i; defer fmt.Print(_gtd1_0, "x", nil)`}, nil},
		{"defer without arguments", "func f() {\n\tdefer mu.Unlock()\n}", nil,
			[]string{"_gtd"}},
		{"defer of a function literal", "func f() {\n\tdefer func() { recover() }()\n}", nil,
			[]string{"_gtd"}},
		{"defer of a call of several results", "func f() {\n\tdefer g(two())\n}", nil,
			[]string{"_gtd"}},
		{"defer of a call of one result", "func f() {\n\tdefer fmt.Println(len(xs))\n}",
			[]string{"_gtd1_0 := len(xs); defer fmt.Println(_gtd1_0)"}, nil},
		{"defer of a variadic call", "func f() {\n\tdefer g(xs...)\n}",
			[]string{"_gtd1_0 := xs; defer g(_gtd1_0...)"}, nil},
		{"errorf %w", `e := fmt.Errorf("q %d: %w", n, &QErr{})`,
			[]string{`fmt.Errorf("q %d: %w", n, _gotaegisAsError(&QErr{}))`}, nil},
		{"errorf without %w", `e := fmt.Errorf("q %v", err)`, nil, []string{asErrorFunc}},
		{"errorf %w of nil", `e := fmt.Errorf("q %w", nil)`, nil, []string{asErrorFunc}},
		{"errorf with an explicit index", `e := fmt.Errorf("%[1]w", err)`, nil,
			[]string{asErrorFunc}},
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

func TestWrapVerbArgs(t *testing.T) {
	tests := []struct {
		format string
		want   []int
	}{
		{"%w", []int{0}},
		{"a %d b %w", []int{1}},
		{"%% %w %v %w", []int{0, 2}},
		{"%*d %-8.2f %w", []int{3}},
		{"%[2]w %[1]v", nil},
		{"trailing %", nil},
		{"none", nil},
	}
	for _, tt := range tests {
		if got := wrapVerbArgs(tt.format); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("wrapVerbArgs(%q) = %v, want %v", tt.format, got, tt.want)
		}
	}
}

// TestExecuteDeferAndErrors: deferred arguments keep the values they had at the defer
// statement, and errors.Is and errors.As find errors of types the cells declare.
func TestExecuteDeferAndErrors(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	cells := []corpusCell{
		out("func order() {\n\tfor i := 0; i < 3; i++ {\n\t\tdefer fmt.Print(i, \" \")\n\t}\n}\n"+
			"order()", "2 1 0 "),
		out("func late() {\n\tx := 1\n\tdefer fmt.Println(\"x\", x)\n\tx = 2\n}\nlate()", "x 1\n"),
		out("type NotFound struct{ Key string }\n"+
			"func (e *NotFound) Error() string { return e.Key + \" not found\" }\n"+
			"func get(k string) error { return &NotFound{Key: k} }\n"+
			"func wrapped() error { return fmt.Errorf(\"get: %w\", get(\"a\")) }\n"+
			"func direct() error { return fmt.Errorf(\"get: %w\", &NotFound{Key: \"b\"}) }\n"+
			"func joined() error { return errors.Join(errors.New(\"x\"), get(\"c\")) }", ""),
		ok("var nf *NotFound\nfmt.Println(errors.As(get(\"z\"), &nf), nf.Key)\n"+
			"fmt.Println(errors.As(wrapped(), &nf), nf.Key)\n"+
			"fmt.Println(direct(), errors.As(direct(), &nf), nf.Key)\n"+
			"fmt.Println(errors.As(joined(), &nf), nf.Key)\n"+
			"errors.As(errors.New(\"plain\"), &nf)", "false",
			"true z\ntrue a\nget: b not found true b\ntrue c\n"),
		ok("var pe *fs.PathError\n_, err := os.Open(\"/nonexistent/x\")\nerrors.As(err, &pe)",
			"true", ""),
		ok("var anyErr error\nerrors.As(wrapped(), &anyErr)", "true", ""),
		{code: "errors.As(wrapped(), nil)", errName: "panic", errHas: "target cannot be nil"},
		{code: "var notPtr *NotFound\nerrors.As(wrapped(), notPtr)", errName: "panic",
			errHas: "non-nil pointer"},
	}
	runCorpusCells(t, e, cells)
}

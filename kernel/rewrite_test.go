package kernel

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testSession() *session {
	s := newSession()
	s.imports["display"] = "gotaegis/kernel/display" // as the engine's prelude imports it
	s.pkgName = func(ip string) (string, bool) {
		if n, ok := stdlibNames()[ip]; ok {
			return n, true
		}
		return "", false
	}
	s.stdPath = stdPathOf
	s.funcOut = func(ip, name string) (int, bool, bool) {
		if ip == "fmt" && name == "Sprint" {
			return 1, false, true
		}
		return 0, false, false
	}
	return s
}

func TestSplitCell(t *testing.T) {
	tests := []struct {
		name, code string
		kinds      []segKind
	}{
		{"statements", "x := 1\ny := 2", []segKind{segStmt}},
		{"mixed order", "import \"fmt\"\nx := 1\nfunc f() {}\ntype T int\nfmt.Println(x)",
			[]segKind{segImport, segStmt, segDecl, segStmt}},
		{"method declaration", "func (t T) M() {}", []segKind{segDecl}},
		{"function literal call", "func() { println() }()", []segKind{segStmt}},
		{"one line", "x := 1; func g() {}", []segKind{segStmt, segDecl}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs, err := splitCell(tt.code)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []segKind
			for _, s := range segs {
				kinds = append(kinds, s.kind)
			}
			if len(kinds) != len(tt.kinds) {
				t.Fatalf("kinds %v, want %v", kinds, tt.kinds)
			}
			for i := range kinds {
				if kinds[i] != tt.kinds[i] {
					t.Fatalf("kinds %v, want %v", kinds, tt.kinds)
				}
			}
		})
	}
}

func TestPlanRewrites(t *testing.T) {
	tests := []struct {
		name, code string
		want       []string // substrings of the chunks given to the interpreter
		imports    []string
	}{
		{"range over int literal", "for i := range 10 { println(i) }",
			[]string{"{ _gtn1 := 10; _gotaegis.Line(1); for i := _gtn1 - _gtn1; i < _gtn1; i++ {",
				"_gotaegis.Tick(); _gotaegis.Line(1); println(i) } }"}, nil},
		{"range over len", "xs := []int{1}\nfor i := range len(xs) { _ = i }",
			[]string{":= len(xs); _gotaegis.Line(2); for i :="}, nil},
		{"range without variable", "for range 3 { println() }",
			[]string{"for _gti1 := _gtn1 - _gtn1; _gti1 < _gtn1; _gti1++ {"}, nil},
		{"min with float", "min(1, 2.5)", []string{"min(float64(1), float64(2.5))"}, nil},
		{"closure loop copy", "for _, v := range xs { fs = append(fs, func() int { return v }) }",
			[]string{"for _, v_gtv1 := range xs {", "v := v_gtv1;"}, nil},
		{"last expression wrapped", "x := 1\nx", []string{"_gotaegisShow(x)"}, nil},
		{"print call not wrapped", "fmt.Println(1)",
			[]string{"\nfmt.Println(1)"}, []string{"fmt"}},
		{"two statements marked", "x := 1\nfmt.Println(x)",
			[]string{"_gotaegis.Line(1); x := 1", "_gotaegis.Line(2); fmt.Println(x)"},
			[]string{"fmt"}},
		{"auto import", "strings.ToUpper(\"a\")", nil, []string{"strings"}},
		{"declared name is no package", "strings := []string{}\n_ = strings", nil, nil},
		{"magic in loop", "for _, tn := range ts {\n\t%taegis alerts $tn\n}",
			[]string{`_gotaegis.Magic("%taegis alerts $tn", map[string]any{"tn": tn})`}, nil},
		{"magic expression local", "for _, tn := range ts {\n\t%taegis alerts {tn}\n}",
			[]string{`map[string]any{"tn": tn}`}, nil},
		{"magic out of a local's scope", "for _, tn := range ts { _ = tn }\n%taegis a $tn\nx := 1",
			[]string{`_gotaegis.Magic("%taegis a $tn")`}, nil},
		{"magic last", "%taegis alerts", []string{`_gotaegis.MagicResult("%taegis alerts")`}, nil},
		{"shell line", "!echo hi", []string{`_gotaegis.MagicResult("!echo hi")`}, nil},
		{"go statement", "go f(x, 1)", []string{"_gtg1_0 := x; " +
			"go func() { defer func() { " +
			"_gotaegis.GoPanic(recover()) }(); f(_gtg1_0, 1) }()"}, nil},
		{"display show", "display.Show(v)", []string{"_gotaegisDisplayShow(v)"}, nil},
		{"negation is Go", "ok := true\nx := ok &&\n!ok", []string{"!ok"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := substituteMagics(tt.code, findMagicLines(tt.code))
			p, err := testSession().plan(src)
			if err != nil {
				t.Fatal(err)
			}
			var all strings.Builder
			for _, c := range p.chunks {
				all.WriteString(c.src)
				if strings.Count(c.src, "\n") > strings.Count(tt.code, "\n")+1 {
					t.Errorf("chunk has more lines than the cell: %q", c.src)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(all.String(), w) {
					t.Errorf("chunks %q lack %q", all.String(), w)
				}
			}
			var imps []string
			for _, im := range p.imports {
				imps = append(imps, im.path)
			}
			if strings.Join(imps, ",") != strings.Join(tt.imports, ",") {
				t.Errorf("imports %v, want %v", imps, tt.imports)
			}
		})
	}
}

func TestPlanLineMapping(t *testing.T) {
	code := "x := 1\n\nfor i := range 3 {\n\t%taegis a\n\t_ = i\n}\nfunc f() {}\nundefinedY"
	src := substituteMagics(code, findMagicLines(code))
	p, err := testSession().plan(src)
	if err != nil {
		t.Fatal(err)
	}
	last := p.chunks[len(p.chunks)-1].src
	lines := strings.Split(last, "\n")
	// The interpreter's line L is the cell's line L-1.
	if got := strings.TrimSpace(lines[8]); !strings.Contains(got, "undefinedY") {
		t.Errorf("line 9 of the last chunk is %q, want the cell's line 8", got)
	}
}

func TestFindMagicLines(t *testing.T) {
	tests := []struct {
		code string
		want []string
	}{
		{"%env A=1\nx := 1", []string{"%env A=1"}},
		{"s := `\n%not a magic\n`", nil},
		{"/* \n%no */", nil},
		{"!ls -l \\\n  /tmp", []string{"!ls -l  /tmp"}},
		{"x := a %\n  b", nil},
		{"if !ok {\n}", nil},
		{"!ls", []string{"!ls"}},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range findMagicLines(tt.code) {
			got = append(got, m.Text)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("findMagicLines(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func FuzzPlanCell(f *testing.F) {
	for _, s := range []string{"x := 1", "for i := range 3 { %taegis a $i }", "func f() {",
		"type T struct{}\nT{}", "!ls \\\n -l", "min(1, 2.5)", "import \"fmt\"\nfmt.Println()",
		"for _, v := range xs { go func() { _ = v }() }", "s := `a\n%b`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		src := substituteMagics(code, findMagicLines(code))
		if strings.Count(src, "\n") != strings.Count(code, "\n") {
			t.Fatalf("magic substitution changed the line count of %q", code)
		}
		p, err := testSession().plan(src)
		if err != nil {
			return
		}
		// Every chunk keeps the cell's lines: one leading newline, then at most the cell's.
		for _, c := range p.chunks {
			if strings.Count(c.src, "\n") > strings.Count(src, "\n")+1 {
				t.Fatalf("chunk %q has more lines than the cell %q", c.src, src)
			}
		}
		isComplete(code)
	})
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestPlanGolden checks what whole cells become, chunk by chunk, against testdata/rewrite.
func TestPlanGolden(t *testing.T) {
	cells, err := filepath.Glob("testdata/rewrite/*.cell")
	if err != nil || len(cells) == 0 {
		t.Fatalf("no golden cells: %v", err)
	}
	for _, path := range cells {
		t.Run(filepath.Base(path), func(t *testing.T) {
			code, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			src := substituteMagics(string(code), findMagicLines(string(code)))
			s := testSession()
			if strings.Contains(path, "types") {
				// A session where T was defined differently before.
				s.typeSrc["T"] = "T struct{ B string }"
			}
			p, err := s.plan(src)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, im := range p.imports {
				fmt.Fprintf(&b, "import %s\n", im.source())
			}
			for _, c := range p.chunks {
				kind := "statements"
				if c.decl {
					kind = "declarations"
				}
				fmt.Fprintf(&b, "--- %s\n%s\n", kind, strings.TrimLeft(c.src, " \n"))
			}
			golden := strings.TrimSuffix(path, ".cell") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if b.String() != string(want) {
				t.Errorf("plan differs from %s:\n%s", golden, b.String())
			}
		})
	}
}

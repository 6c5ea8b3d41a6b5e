package notebook

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func TestLiteral(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		typ  string
		want string
		err  string
	}{
		{"string", "11772", "string", `"11772"`, ""},
		{"int to string", 11772, "string", `"11772"`, ""},
		{"quotes", `a "b"`, "", `"a \"b\""`, ""},
		{"int", 5, "int", "5", ""},
		{"int from text", "12", "int", "12", ""},
		{"int64", 5, "int64", "int64(5)", ""},
		{"duration", 30, "time.Duration", "time.Duration(30)", ""},
		{"whole float to int", 3.0, "int", "3", ""},
		{"fraction to int", 2.5, "int", "", "declares a int"},
		{"float", 2, "float64", "2.0", ""},
		{"float text", "0.25", "float64", "0.25", ""},
		{"bool", true, "bool", "true", ""},
		{"bool text", "false", "bool", "false", ""},
		{"bad bool", "maybe", "bool", "", `"maybe" is not one`},
		{"inferred int", 7, "", "7", ""},
		{"inferred float", 1.5, "", "1.5", ""},
		{"inferred strings", []any{"a", "b"}, "", `[]string{"a", "b"}`, ""},
		{"inferred numbers", []any{1, 2.5}, "", `[]float64{1.0, 2.5}`, ""},
		{"inferred mixed", []any{"a", 1}, "", `[]any{"a", 1}`, ""},
		{"inferred map", map[string]any{"b": "2", "a": "1"}, "",
			`map[string]string{"a": "1", "b": "2"}`, ""},
		{"declared map", map[string]any{"a": 1}, "map[string]any", `map[string]any{"a": 1}`, ""},
		{"comma list", "x, y,,z", "[]string", `[]string{"x", "y", "z"}`, ""},
		{"int list", "1,2", "[]int", `[]int{1, 2}`, ""},
		{"scalar to list", "one", "[]string", `[]string{"one"}`, ""},
		{"null list", nil, "[]string", `[]string{}`, ""},
		{"bad list item", []any{"a"}, "[]int", "", "item 0"},
		{"map to string", map[string]any{"a": 1}, "string", "", "declares a string"},
		{"unsupported type", 1, "chan int", "", "cannot be given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Literal(tc.v, tc.typ)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Literal(%v, %q) = %q, %v; want an error with %q", tc.v, tc.typ,
						got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Literal(%v, %q) = %q, %v; want %q", tc.v, tc.typ, got, err, tc.want)
			}
			if _, err := parser.ParseExpr(got); err != nil {
				t.Errorf("%q is not a Go expression: %v", got, err)
			}
		})
	}
}

func TestDeclared(t *testing.T) {
	src := `// Parameters of the hunt
%taegis configure show
var TENANT_ID string
var LIMIT = 10
NAMES := []string{"a"}
RATIO := 0.5
DEBUG := false
var (
	START, END int64
	TAGS map[string]string
)
WHEN := time.Duration(0)
x, y := 1, "b"`
	want := map[string]string{"TENANT_ID": "string", "LIMIT": "int", "NAMES": "[]string",
		"RATIO": "float64", "DEBUG": "bool", "START": "int64", "END": "int64",
		"TAGS": "map[string]string", "WHEN": "time.Duration", "x": "int", "y": "string"}
	got := Declared(src)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s declared %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("declared %v, want %v", got, want)
	}
	fileForm := Declared("var A string = \"x\"\nvar B []int\nfunc helper() {}")
	if fileForm["A"] != "string" || fileForm["B"] != "[]int" {
		t.Errorf("top-level declarations: %v", fileForm)
	}
	if d := Declared("this is not Go {"); len(d) != 0 {
		t.Errorf("unparsable cell declares %v", d)
	}
}

func TestParamsMerge(t *testing.T) {
	p := &Params{}
	for _, a := range []string{"TENANT_ID=11772", "LIMIT=5", "RATE=0.5", "ON=true",
		"EMPTY=", "URL=http://x/?a=b"} {
		if err := p.SetArg(a); err != nil {
			t.Fatal(err)
		}
	}
	doc := "LIMIT: 9\nIOCS:\n  - 1.2.3.4\n  - evil.example\nMAP: {a: 1}\n"
	if err := p.SetYAML([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	if err := p.SetYAML([]byte("TENANT_ID: '5000'\n")); err != nil {
		t.Fatal(err)
	}
	wantOrder := "TENANT_ID LIMIT RATE ON EMPTY URL IOCS MAP"
	if got := strings.Join(p.Names(), " "); got != wantOrder {
		t.Errorf("order %q, want %q", got, wantOrder)
	}
	for name, want := range map[string]any{"TENANT_ID": "5000", "LIMIT": 9, "RATE": 0.5,
		"ON": true, "EMPTY": "", "URL": "http://x/?a=b"} {
		if v, _ := p.Get(name); v != want {
			t.Errorf("%s = %#v, want %#v", name, v, want)
		}
	}
	as, err := Assignments(p, "var TENANT_ID string\nLIMIT := 1\nvar IOCS []string")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]Assignment{}
	for _, a := range as {
		codes[a.Name] = a
	}
	for name, want := range map[string]string{
		"TENANT_ID": `TENANT_ID = "5000"`, "LIMIT": "LIMIT = 9",
		"IOCS": `IOCS = []string{"1.2.3.4", "evil.example"}`, "RATE": "var RATE = 0.5",
		"MAP": `var MAP = map[string]int{"a": 1}`,
	} {
		if codes[name].Code != want {
			t.Errorf("%s: %q, want %q", name, codes[name].Code, want)
		}
	}
	if !codes["RATE"].Undeclared || codes["LIMIT"].Undeclared {
		t.Error("undeclared flags wrong")
	}
	if _, err := Assignments(p, "var LIMIT bool"); err == nil ||
		!strings.Contains(err.Error(), "parameter LIMIT") {
		t.Errorf("a type mismatch gives %v", err)
	}
}

func TestParamsBadInput(t *testing.T) {
	p := &Params{}
	for _, a := range []string{"novalue", "=1", "1X=2", "a-b=3"} {
		if err := p.SetArg(a); err == nil {
			t.Errorf("SetArg(%q) accepted", a)
		}
	}
	for _, y := range []string{"- a\n- b\n", "a: [\n", "not-ident: 1\n"} {
		if err := p.SetYAML([]byte(y)); err == nil {
			t.Errorf("SetYAML(%q) accepted", y)
		}
	}
}

// FuzzParams feeds arbitrary YAML and declarations to the parameter pipeline: it must not
// panic, and every assignment it renders must parse as Go.
func FuzzParams(f *testing.F) {
	f.Add("A: 1\nB: [x, y]\nC: {k: v}\n", "var A int\nB := []string{}")
	f.Add("TENANT_ID: '11772'\n", "TENANT_ID := \"\"")
	f.Add("X: 1.5e3\n", "var X float32")
	f.Add("M: {a: [1, {b: 2}]}\n", "")
	f.Fuzz(func(t *testing.T, doc, decl string) {
		p := &Params{}
		if err := p.SetYAML([]byte(doc)); err != nil {
			return
		}
		as, err := Assignments(p, decl)
		if err != nil {
			return
		}
		for _, a := range as {
			src := "package p\nfunc _() {\n" + a.Code + "\n}"
			if _, err := parser.ParseFile(token.NewFileSet(), "", src, 0); err != nil {
				t.Fatalf("assignment %q does not parse: %v", a.Code, err)
			}
		}
	})
}

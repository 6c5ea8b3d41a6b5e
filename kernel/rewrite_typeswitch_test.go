package kernel

import (
	"strings"
	"testing"
)

func TestPlanTypeSwitches(t *testing.T) {
	tests := []struct {
		name, code string
		want, not  []string
	}{
		{"interface case", "func f(x any) {\n\tswitch t := x.(type) {\n\tcase int:\n" +
			"\t\tuse(t)\n\tcase error:\n\t\tuse(t)\n\tdefault:\n\t\tuse(t)\n\t}\n}",
			[]string{"switch { default: _gty1 := x; if false {",
				"} else if t, _gtok := _gty1.(int); _gtok { _ = t;",
				"} else if t, _gtok := func() (x error, ok bool) {",
				"} else { t := _gty1; _ = t;", "\t} }"}, nil},
		{"without a binding", "switch v.(type) {\ncase nil:\n\tn++\ncase error, string:\n\tn--\n}",
			[]string{"} else if _gty1 == nil {", "} else if func() bool { _, ok := func() (x " +
				"error, ok bool)", " || func() bool { _, ok := _gty1.(string); return ok }() {"},
			nil},
		{"concrete cases only", "switch t := x.(type) {\ncase int:\n\t_ = t\n}", nil,
			[]string{"_gty"}},
		{"default not last", "switch x.(type) {\ndefault:\n\tn++\ncase error:\n\tn--\n}", nil,
			[]string{"_gty"}},
		{"cell-declared interface", "type Named interface{ Name() string }\n" +
			"func f(x any) bool {\n\tswitch x.(type) {\n\tcase Named:\n\t\treturn true\n\t}\n" +
			"\treturn false\n}", []string{"_gty1"}, nil},
		{"standard interface", "switch x.(type) {\ncase fmt.Stringer:\n\tn++\n}",
			[]string{"_gty1.(fmt.Stringer)"}, nil},
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
				if strings.Count(c.src, "\n") > strings.Count(tt.code, "\n")+1 {
					t.Errorf("chunk has more lines than the cell: %q", c.src)
				}
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

// TestExecuteTypeSwitches: type switch cases of interface types match values of compiled
// types, at the top of a cell and in functions, and say plainly what they cannot match.
func TestExecuteTypeSwitches(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	cells := []corpusCell{
		out("type Plain struct{ N int }\ntype QErr struct{ C int }\n"+
			"func (q *QErr) Error() string { return fmt.Sprint(\"q\", q.C) }\n"+
			"func kind(x any) string {\n\tswitch t := x.(type) {\n\tcase int:\n"+
			"\t\treturn fmt.Sprint(\"I\", t)\n\tcase *QErr:\n\t\treturn \"Q\"\n\tcase error:\n"+
			"\t\treturn \"E\" + t.Error()\n\tcase fmt.Stringer:\n\t\treturn \"S\" + t.String()\n"+
			"\tcase Plain:\n\t\treturn fmt.Sprint(\"P\", t.N)\n\tdefault:\n"+
			"\t\treturn fmt.Sprintf(\"D%v\", t)\n\t}\n}", ""),
		ok("kind(1) + kind(errors.New(\"e\")) + kind(time.Second) + kind(Plain{2}) + "+
			"kind(&QErr{3}) + kind(\"s\")", "I1EeS1sP2QDs", ""),
		ok("func safe() (out string) {\n\tdefer func() {\n\t\tswitch e := recover().(type) {\n"+
			"\t\tcase nil:\n\t\t\tout = \"none\"\n\t\tcase error:\n\t\t\tout = \"err: \" + e.Error()\n"+
			"\t\tcase string:\n\t\t\tout = \"str: \" + e\n\t\t}\n\t}()\n\tvar m map[string]int\n"+
			"\tm[\"a\"] = 1\n\treturn\n}\nsafe()", "err: assignment to entry in nil map", ""),
		ok("kinds := \"\"\nfor _, v := range []any{1, errors.New(\"x\"), \"s\", nil} {\n"+
			"\tswitch v.(type) {\n\tcase nil:\n\t\tkinds += \"n\"\n\tcase error, fmt.Stringer:\n"+
			"\t\tkinds += \"e\"\n\tcase int, string:\n\t\tkinds += \"c\"\n\t\tif kinds == \"c\" {\n"+
			"\t\t\tbreak\n\t\t}\n\t\tkinds += \"!\"\n\t}\n}\nkinds", "cec!n", ""),
		out("var anyErr any = errors.New(\"top\")\nswitch t := anyErr.(type) {\ncase error:\n"+
			"\tfmt.Println(\"error\", t)\n}", "error top\n"),
		{code: "func named(x any) bool {\n\tswitch x.(type) {\n\tcase error:\n\t\treturn true\n" +
			"\t}\n\treturn false\n}\nnamed(&QErr{1})", errName: "panic",
			errHas: "switch on its concrete type instead"},
	}
	runCorpusCells(t, e, cells)
}

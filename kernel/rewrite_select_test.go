package kernel

import (
	"strings"
	"testing"
)

func TestPlanSelectBranches(t *testing.T) {
	tests := []struct {
		name, code string
		want, not  []string
	}{
		{"break of an outer loop", "L:\nfor {\n\tselect {\n\tcase <-c:\n\t\tbreak L\n\t}\n}",
			[]string{"_gts1 := 0; _gtl1: select {", "_gts1 = 1; break _gtl1",
				"}; if _gts1 == 1 { break L }"}, nil},
		{"continue and break", "L:\nfor {\n\tselect {\n\tcase <-c:\n\t\tcontinue L\n" +
			"\tcase <-d:\n\t\tbreak L\n\t}\n}",
			[]string{"_gts1 = 1; break _gtl1", "_gts1 = 2; break _gtl1",
				"if _gts1 == 1 { continue L }; if _gts1 == 2 { break L }"}, nil},
		{"plain break in an if", "for {\n\tselect {\n\tcase v := <-c:\n\t\tif v {\n" +
			"\t\t\tbreak\n\t\t}\n\t}\n}",
			[]string{"_gtl1: select {", "break _gtl1"}, []string{"_gts1"}},
		{"the select's own label", "S:\nselect {\ncase <-c:\n\tif x {\n\t\tbreak S\n\t}\n" +
			"\tbreak\n}", []string{"; break S\n\t}", "; break S\n}"}, []string{"_gtl"}},
		{"a branch of a nested loop", "L:\nfor {\n\tselect {\n\tcase <-c:\n" +
			"\t\tfor i := 0; i < 2; i++ {\n\t\t\tbreak L\n\t\t}\n\t}\n}", nil,
			[]string{"_gtl", "_gts"}},
		{"no branches", "select {\ncase <-c:\n\tx++\n}", nil, []string{"_gtl"}},
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

// TestExecuteSelectBranches: break and continue inside a select's cases leave what they
// name, at the top of a cell and in a function.
func TestExecuteSelectBranches(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	cells := []corpusCell{
		ok("ticks := 0\ntimeout := time.After(30 * time.Millisecond)\nloop:\n"+
			"for ticks < 1000 {\n\tselect {\n\tcase <-timeout:\n\t\tbreak loop\n\tdefault:\n"+
			"\t\tticks++\n\t\ttime.Sleep(5 * time.Millisecond)\n\t}\n}\nticks < 1000", "true", ""),
		ok("func trace(c chan int) string {\n\tlog := \"\"\nouter:\n"+
			"\tfor i := 0; i < 4; i++ {\n\t\tselect {\n\t\tcase v := <-c:\n"+
			"\t\t\tif v == 1 {\n\t\t\t\tlog += \"b\"\n\t\t\t\tbreak\n\t\t\t}\n"+
			"\t\t\tif v == 2 {\n\t\t\t\tlog += \"c\"\n\t\t\t\tcontinue outer\n\t\t\t}\n"+
			"\t\t\tlog += \"s\"\n\t\t\tbreak outer\n\t\tdefault:\n\t\t\tlog += \"d\"\n\t\t}\n"+
			"\t\tlog += \".\"\n\t}\n\treturn log\n}\n"+
			"ch := make(chan int, 3)\nch <- 1\nch <- 2\nch <- 3\ntrace(ch)", "b.cs", ""),
		ok("ch <- 2\ntrace(ch)", "cd.d.d.", ""),
		ok("n := 0\nsel:\nselect {\ncase <-time.After(time.Millisecond):\n\tif n == 0 {\n"+
			"\t\tbreak sel\n\t}\n\tn = 5\n}\nn", "0", ""),
	}
	runCorpusCells(t, e, cells)
}

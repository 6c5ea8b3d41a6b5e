package kernel

import "testing"

// TestExecuteLastCallResults: a cell ending in a call of a method the planner cannot see
// shows the call's results as Go has them: both of two, none of none.
func TestExecuteLastCallResults(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	cells := []corpusCell{
		out("type grid struct{ r, c int }\nfunc (g grid) Dims() (int, int) { return g.r, g.c }\n"+
			"func (g grid) Parse(s string) (int, error) { return strconv.Atoi(s) }\n"+
			"func (g *grid) Grow() { g.r++ }\nfunc (g grid) Rows() int { return g.r }", ""),
		out("g := &grid{2, 3}\nvar wg sync.WaitGroup", ""),
		ok("g.Dims()", "2 3", ""),
		ok("g.Parse(\"7\")", "7", ""),
		ok("g.Parse(\"x\")", `0 strconv.Atoi: parsing "x": invalid syntax`, ""),
		ok("g.Grow()", "<no result>", ""),
		ok("g.Rows()", "3", ""),
		ok("wg.Wait()", "<no result>", ""),
		ok("u, _ := url.Parse(\"http://h:8080/p\")", "<no result>", ""),
		ok("u.Port()", "8080", ""),
		// A receiver the cell itself declares is looked up after the cell ran.
		ok("h := grid{5, 6}\nh.Rows()", "5", ""),
		ok("h2 := grid{5, 6}\nh2.Grow()", "<no result>", ""),
	}
	runCorpusCells(t, e, cells)
}

//go:build !race

package kernel

import "testing"

// Cells that start goroutines from a function literal in a loop. yaegi v0.16.1 reads a
// closure's slot in its frame without the lock under which a finished call of the closure
// writes it back, so while an earlier goroutine returns, the next iteration's closure races
// with it inside the interpreter. The cells' results are right; the race detector reports
// the interpreter's own race, so they run without it.
var goroutineCorpus = []corpusCase{
	{"goroutines started in a loop", []corpusCell{
		ok("var wg sync.WaitGroup\nvar mu sync.Mutex\nseen := map[int]bool{}\n"+
			"for i := 0; i < 8; i++ {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n"+
			"\t\tmu.Lock()\n\t\tseen[i] = true\n\t\tmu.Unlock()\n\t}()\n}\nwg.Wait()\nlen(seen)",
			"8", ""),
		ok("acc := make([]int, 3)\nvar wg sync.WaitGroup\nfor i := range 3 {\n\twg.Add(1)\n"+
			"\tgo func() {\n\t\tdefer wg.Done()\n\t\tacc[i] = i * 10\n\t}()\n}\nwg.Wait()\nacc",
			"[0 10 20]", ""),
	}},
}

func TestCorpusGoroutines(t *testing.T) {
	for _, c := range goroutineCorpus {
		t.Run(c.name, func(t *testing.T) {
			e := newTestEngine(t, EngineOptions{})
			runCorpusCells(t, e, c.cells)
		})
	}
}

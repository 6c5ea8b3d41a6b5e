package main

import (
	"runtime"
	"testing"
)

func TestLeaveACoreToTheFrontEnd(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(before) })

	t.Setenv("GOMAXPROCS", "")
	leaveACoreToTheFrontEnd()
	if got, want := runtime.GOMAXPROCS(0), max(1, runtime.NumCPU()-1); got != want {
		t.Errorf("GOMAXPROCS %d, want %d on %d CPUs", got, want, runtime.NumCPU())
	}
	// An explicit GOMAXPROCS is the user's choice.
	runtime.GOMAXPROCS(3)
	t.Setenv("GOMAXPROCS", "3")
	leaveACoreToTheFrontEnd()
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Errorf("GOMAXPROCS %d after an explicit GOMAXPROCS=3", got)
	}
}

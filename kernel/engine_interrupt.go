package kernel

import (
	"bytes"
	"context"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/traefik/yaegi/interp"
)

// eval runs src with interrupts, keeping interpreter faults inside the cell.
//
// Cancelling ctx first raises the interrupt flag that the loops of rewritten cells poll, so a
// busy cell unwinds in its own goroutine. A cell blocked elsewhere (a channel, a sleep) is
// stopped by yaegi's own cancellation after a grace period; yaegi then finishes that run in
// the background, and the next eval waits for it.
func (e *GoEngine) eval(ctx context.Context, src string) (v reflect.Value, err error) {
	return e.evalAt(ctx, src, 0)
}

// evalAt is eval of code whose panics happen on cell line unless its line marks say otherwise.
func (e *GoEngine) evalAt(ctx context.Context, src string, line int) (v reflect.Value,
	err error) {
	e.waitStale(ctx)
	hard, cancelHard := context.WithCancel(context.Background())
	defer cancelHard()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
			e.interrupt()
			select {
			case <-time.After(interruptGrace):
				cancelHard()
			case <-finished:
			}
		case <-finished:
		}
	}()
	defer func() {
		if r := recover(); r != nil {
			err = interp.Panic{Value: r}
		}
		if hard.Err() != nil {
			e.stale = goroutineID()
		}
	}()
	e.overflow.Store(nil)
	e.line.Store(int64(line))
	v, err = e.interp.EvalWithContext(hard, src)
	if so := e.overflow.Swap(nil); so != nil {
		// The run ended with runtime.Goexit, which leaves err nil.
		return reflect.Value{}, interp.Panic{Value: *so}
	}
	return v, err
}

// interruptGrace is how long an interrupted cell may take to reach a loop's interrupt check
// before the interpreter's run is abandoned.
const interruptGrace = 50 * time.Millisecond

// interruptSignal is the panic value that unwinds an interrupted cell.
type interruptSignal struct{}

// interrupt raises the running cell's interrupt flag and wakes its interruptible sleeps.
func (e *GoEngine) interrupt() {
	e.interrupted.Store(true)
	e.intrMu.Lock()
	defer e.intrMu.Unlock()
	if e.intr != nil {
		select {
		case <-e.intr:
		default:
			close(e.intr)
		}
	}
}

// resetInterrupt clears the flag for a new cell.
func (e *GoEngine) resetInterrupt() {
	e.interrupted.Store(false)
	e.intrMu.Lock()
	e.intr = make(chan struct{})
	e.intrMu.Unlock()
}

// sleep is time.Sleep for cells: an interrupt ends it and unwinds the cell.
func (e *GoEngine) sleep(d time.Duration) {
	e.intrMu.Lock()
	intr := e.intr
	e.intrMu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-intr:
		panic(interruptSignal{})
	}
}

// tick is called at the top of every loop body of a rewritten cell.
func (e *GoEngine) tick() {
	if e.interrupted.Load() {
		panic(interruptSignal{})
	}
}

// enter is called first in every function a cell declares, with the function's name; the
// function defers the call of what it returns.
//
// Past maxCallDepth the cell's own goroutine ends with runtime.Goexit, which runs every
// deferred call but unwinds in linear time: a panic through yaegi v0.16.1 frames, each of
// which recovers and panics again, takes time quadratic in the depth (a minute for 20,000
// frames). run reports the overflow enter recorded. A goroutine the cell started panics
// instead, and its recover reports it.
//
// Limitation: the depth is summed over the goroutines running cell code, because telling
// goroutines apart costs more than the count; only some tens of thousands of goroutines all
// inside cell functions at once would reach maxCallDepth without recursing.
func (e *GoEngine) enter(fn string) func() {
	if e.depth.Add(1) <= maxCallDepth {
		return e.leave
	}
	e.depth.Add(-1)
	so := &stackOverflow{fn: fn}
	if onEvalGoroutine() {
		e.overflow.CompareAndSwap(nil, so)
		runtime.Goexit()
	}
	panic(*so)
}

// onEvalGoroutine reports whether the caller runs on the goroutine yaegi started for the
// cell's code, rather than on one the cell started.
func onEvalGoroutine() bool {
	buf := make([]byte, 64<<10)
	buf = buf[:runtime.Stack(buf, false)]
	return bytes.Contains(buf, []byte("\ncreated by github.com/traefik/yaegi/interp."+
		"(*Interpreter).EvalWithContext in goroutine "))
}

// waitStale waits until yaegi's abandoned run, if any, has ended, so two runs never share the
// interpreter. Interrupting the wait gives up on it.
//
// Limitation: yaegi does not tell when an abandoned run ends, so the wait looks for its
// goroutine in the runtime's stack dump. It happens only for a cell interrupted while blocked
// outside a loop and outside time.Sleep (a channel operation, a blocking host call).
func (e *GoEngine) waitStale(ctx context.Context) {
	if e.stale == "" {
		return
	}
	for evalRunning(e.stale) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Millisecond):
		}
	}
	e.stale = ""
}

// goroutineID returns the calling goroutine's number as runtime.Stack prints it.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := strings.Fields(string(buf))
	if len(f) < 2 {
		return ""
	}
	return f[1]
}

// evalRunning reports whether the goroutine yaegi's EvalWithContext started from goroutine
// gid is still running.
func evalRunning(gid string) bool {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return bytes.Contains(buf, []byte("EvalWithContext in goroutine "+gid+"\n"))
}

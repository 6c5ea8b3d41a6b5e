package kernel

import (
	"errors"
	"sync"
)

// historian runs a history on a goroutine of its own, so that recording a cell costs the
// execute request nothing and opening the database does not delay the kernel's start. Cells
// to record queue up and reach the database in one transaction per burst; a query waits for
// every cell recorded before it, so it sees them all.
type historian struct {
	ops      chan historyOp
	stopped  chan struct{}
	closeErr error

	mu     sync.Mutex // guards closed and the sends on ops
	closed bool
}

// historyOp is one cell to record or one piece of work on the open history.
type historyOp struct {
	entry *historyEntry
	run   func(*history, error)
}

// errHistoryClosed is what a query of a closed history gets.
var errHistoryClosed = errors.New("history: closed")

// startHistorian opens the history with open on its own goroutine and serves it from there.
// When open fails every query gets its error; warn hears of cells that could not be stored.
func startHistorian(open func() (*history, error), warn func(error)) *historian {
	hn := &historian{ops: make(chan historyOp, 256), stopped: make(chan struct{})}
	go hn.serve(open, warn)
	return hn
}

func (hn *historian) serve(open func() (*history, error), warn func(error)) {
	defer close(hn.stopped)
	h, openErr := open()
	var batch []historyEntry
	flush := func() {
		if len(batch) == 0 {
			return
		}
		err := openErr
		if err == nil {
			err = h.storeAll(batch)
		}
		if err != nil {
			warn(err)
		}
		batch = batch[:0]
	}
	for op := range hn.ops {
		if op.entry != nil {
			batch = append(batch, *op.entry)
			// What is already queued goes into the same transaction.
			if len(hn.ops) == 0 {
				flush()
			}
			continue
		}
		flush()
		op.run(h, openErr)
	}
	flush()
	if openErr == nil {
		hn.closeErr = h.close()
	}
}

// record queues one cell of the current session for the database; a cell recorded twice
// under one line keeps the last.
func (hn *historian) record(line int, input string, output *string) {
	hn.send(historyOp{entry: &historyEntry{Line: line, Input: input, Output: output}})
}

// send queues op and reports whether it was queued: after close nothing is.
func (hn *historian) send(op historyOp) bool {
	hn.mu.Lock()
	defer hn.mu.Unlock()
	if hn.closed {
		return false
	}
	hn.ops <- op
	return true
}

// query runs q on the history once every cell recorded before it is stored, and returns its
// entries.
func (hn *historian) query(q func(*history) ([]historyEntry, error)) ([]historyEntry,
	error) {
	type result struct {
		entries []historyEntry
		err     error
	}
	done := make(chan result, 1)
	op := historyOp{run: func(h *history, openErr error) {
		if openErr != nil {
			done <- result{err: openErr}
			return
		}
		es, err := q(h)
		done <- result{es, err}
	}}
	if !hn.send(op) {
		return nil, errHistoryClosed
	}
	r := <-done
	return r.entries, r.err
}

// close stores what is queued, ends the session and closes the database. Nothing may be
// recorded or queried once close has begun.
func (hn *historian) close() error {
	hn.mu.Lock()
	if !hn.closed {
		hn.closed = true
		close(hn.ops)
	}
	hn.mu.Unlock()
	<-hn.stopped
	return hn.closeErr
}

package kernel

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// TestHistorianQueriesSeeEveryRecordedCell records cells without waiting and queries at once:
// the query sees all of them, the warn callback hears nothing, and the file keeps them after
// close.
func TestHistorianQueriesSeeEveryRecordedCell(t *testing.T) {
	path := filepath.Join(t.TempDir(), historyFile)
	var mu sync.Mutex
	var warned []error
	warn := func(err error) { mu.Lock(); warned = append(warned, err); mu.Unlock() }
	hn := startHistorian(func() (*history, error) { return openHistory(path) }, warn)
	for i := 1; i <= 500; i++ {
		hn.record(i, fmt.Sprintf("cell %d", i), nil)
	}
	hn.record(500, "cell 500 again", nil)
	got, err := hn.query(func(h *history) ([]historyEntry, error) { return h.tail(1000) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 500 || got[0].Input != "cell 1" || got[499].Input != "cell 500 again" {
		t.Fatalf("%d cells, first %+v, last %+v", len(got), got[0], got[len(got)-1])
	}
	if err := hn.close(); err != nil {
		t.Fatal(err)
	}
	if err := hn.close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(warned) != 0 {
		t.Errorf("warnings: %v", warned)
	}

	h, err := openHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	kept, err := h.lineRange(-1, 1, 0)
	if err != nil || len(kept) != 500 {
		t.Errorf("the file kept %d cells of the last session (%v), want 500", len(kept), err)
	}
}

// TestHistorianAfterClose: recording after close is a no-op and a query says the history is
// closed; neither panics.
func TestHistorianAfterClose(t *testing.T) {
	hn := startHistorian(func() (*history, error) { return openHistory("") }, func(error) {})
	if err := hn.close(); err != nil {
		t.Fatal(err)
	}
	hn.record(1, "late", nil)
	_, err := hn.query(func(h *history) ([]historyEntry, error) { return h.tail(1) })
	if !errors.Is(err, errHistoryClosed) {
		t.Errorf("query after close: %v, want %v", err, errHistoryClosed)
	}
}

// TestHistorianOpenFailure: when the database cannot be opened, queries get the reason, and
// recorded cells are reported through warn rather than lost silently.
func TestHistorianOpenFailure(t *testing.T) {
	cause := errors.New("disk on fire")
	warned := make(chan error, 1)
	hn := startHistorian(func() (*history, error) { return nil, cause },
		func(err error) { warned <- err })
	defer hn.close()
	hn.record(1, "x := 1", nil)
	_, err := hn.query(func(h *history) ([]historyEntry, error) { return h.tail(1) })
	if !errors.Is(err, cause) {
		t.Errorf("query: %v, want %v", err, cause)
	}
	if err := <-warned; !errors.Is(err, cause) {
		t.Errorf("warned %v, want %v", err, cause)
	}
}

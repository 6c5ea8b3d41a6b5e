package kernel

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func inputs(es []historyEntry) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, fmt.Sprintf("%d/%d:%s", e.Session, e.Line, e.Input))
	}
	return strings.Join(parts, " ")
}

func TestHistoryQueries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", historyFile)
	h1, err := openHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	out := "6"
	for i, in := range []string{"1+2+3", "x := 1", "1+2+3", "1*2"} {
		var o *string
		if in == "1+2+3" {
			o = &out
		}
		if err := h1.store(i+1, in, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := h1.close(); err != nil {
		t.Fatal(err)
	}

	h2, err := openHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	defer h2.close()
	var mode string
	if err := h2.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q (%v), want wal", mode, err)
	}
	if h2.session != h1.session+1 {
		t.Fatalf("second session %d, want %d", h2.session, h1.session+1)
	}
	for i, in := range []string{"1+2+3", "fmt.Println(1)"} {
		if err := h2.store(i+1, in, nil); err != nil {
			t.Fatal(err)
		}
	}

	s1, s2 := h1.session, h2.session
	tests := []struct {
		name string
		get  func() ([]historyEntry, error)
		want string
	}{
		{"tail crosses sessions", func() ([]historyEntry, error) { return h2.tail(3) },
			fmt.Sprintf("%d/4:1*2 %d/1:1+2+3 %d/2:fmt.Println(1)", s1, s2, s2)},
		{"range of the current session", func() ([]historyEntry, error) {
			return h2.lineRange(0, 0, 0)
		}, fmt.Sprintf("%d/1:1+2+3 %d/2:fmt.Println(1)", s2, s2)},
		{"range of the previous session", func() ([]historyEntry, error) {
			return h2.lineRange(-1, 2, 4)
		}, fmt.Sprintf("%d/2:x := 1 %d/3:1+2+3", s1, s1)},
		{"range by absolute session", func() ([]historyEntry, error) {
			return h2.lineRange(s1, 4, 5)
		}, fmt.Sprintf("%d/4:1*2", s1)},
		{"glob is anchored", func() ([]historyEntry, error) { return h2.search("1?2*", 0, false) },
			fmt.Sprintf("%d/1:1+2+3 %d/3:1+2+3 %d/4:1*2 %d/1:1+2+3", s1, s1, s1, s2)},
		{"glob is case sensitive", func() ([]historyEntry, error) {
			return h2.search("FMT*", 0, false)
		}, ""},
		{"glob class", func() ([]historyEntry, error) { return h2.search("1[*]2", 0, false) },
			fmt.Sprintf("%d/4:1*2", s1)},
		{"unique keeps the latest", func() ([]historyEntry, error) {
			return h2.search("1+2*", 0, true)
		}, fmt.Sprintf("%d/1:1+2+3", s2)},
		{"n keeps the last", func() ([]historyEntry, error) { return h2.search("1?2*", 2, false) },
			fmt.Sprintf("%d/4:1*2 %d/1:1+2+3", s1, s2)},
		{"unique and n", func() ([]historyEntry, error) { return h2.search("*", 2, true) },
			fmt.Sprintf("%d/1:1+2+3 %d/2:fmt.Println(1)", s2, s2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.get()
			if err != nil {
				t.Fatal(err)
			}
			if inputs(got) != tt.want {
				t.Errorf("got  %s\nwant %s", inputs(got), tt.want)
			}
		})
	}

	tail, _ := h2.tail(4)
	items := historyItems(tail, true)
	want := fmt.Sprintf(`[%d,3,["1+2+3","6"]] [%d,4,["1*2",null]]`, s1, s1)
	got := string(items[0]) + " " + string(items[1])
	if got != want {
		t.Errorf("items with output %s, want %s", got, want)
	}
	if got := string(historyItems(tail[:1], false)[0]); got != fmt.Sprintf(`[%d,3,"1+2+3"]`,
		s1) {
		t.Errorf("item without output %s", got)
	}
}

func TestHistoryInMemory(t *testing.T) {
	h, err := openHistory("")
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	if err := h.store(1, "a", nil); err != nil {
		t.Fatal(err)
	}
	got, err := h.tail(10)
	if err != nil || inputs(got) != "1/1:a" {
		t.Errorf("in-memory tail %q %v", inputs(got), err)
	}
}

// TestHistorySharedFile has two kernels' histories write to one file at the same time, as two
// notebooks open side by side do: every cell lands, under two sessions.
func TestHistorySharedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), historyFile)
	a, err := openHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	b, err := openHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()

	errs := make(chan error, 2)
	for _, h := range []*history{a, b} {
		go func() {
			for i := 1; i <= 50; i++ {
				if err := h.store(i, fmt.Sprintf("cell %d", i), nil); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	all, err := a.search("cell *", 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 100 || a.session == b.session {
		t.Errorf("%d cells in sessions %d and %d, want 100 in two sessions", len(all),
			a.session, b.session)
	}
}

package kernel_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/kernel"
	"gotaegis/kernel/client"
)

// TestHistoryAcrossRestart runs cells in one kernel, shuts it down, starts another on the same
// data directory and finds the first kernel's cells, under an earlier session number.
func TestHistoryAcrossRestart(t *testing.T) {
	dataDir := t.TempDir()
	ctx := testContext(t)

	first := startKernel(t, "tcp", dataDir, kernel.Options{})
	for _, code := range []string{"result 6", "print hi", "result 6"} {
		if _, err := first.c.Execute(ctx, code, client.ExecuteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	silent := client.ExecuteOptions{Silent: true}
	if _, err := first.c.Execute(ctx, "result silent", silent); err != nil {
		t.Fatal(err)
	}
	first.stop(t)
	if _, err := os.Stat(filepath.Join(dataDir, "history.db")); err != nil {
		t.Fatalf("no history.db in the data directory: %v", err)
	}

	second := startKernel(t, "tcp", dataDir, kernel.Options{})
	if _, err := second.c.Execute(ctx, "print again", client.ExecuteOptions{}); err != nil {
		t.Fatal(err)
	}
	tail, err := second.c.History(ctx, client.HistoryRequest{AccessType: "tail", N: 10,
		Output: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(tail) != 4 {
		t.Fatalf("tail has %d entries, want 4 (silent cells are not stored): %+v", len(tail),
			tail)
	}
	old, cur := tail[0].Session, tail[3].Session
	if cur <= old {
		t.Errorf("session after restart %d, want more than %d", cur, old)
	}
	if tail[0].Input != "result 6" || tail[0].Line != 1 || tail[0].Output == nil ||
		*tail[0].Output != "6" || tail[1].Output != nil || tail[3].Input != "print again" {
		t.Errorf("tail %+v", tail)
	}

	prev, err := second.c.History(ctx, client.HistoryRequest{AccessType: "range",
		Session: -1, Start: 2, Stop: 3})
	if err != nil || len(prev) != 1 || prev[0].Input != "print hi" || prev[0].Session != old {
		t.Errorf("range over the previous session: %+v %v", prev, err)
	}
	found, err := second.c.History(ctx, client.HistoryRequest{AccessType: "search",
		Pattern: "result*", Unique: true})
	if err != nil || len(found) != 1 || found[0].Line != 3 {
		t.Errorf("unique search: %+v %v", found, err)
	}
	found, err = second.c.History(ctx, client.HistoryRequest{AccessType: "search",
		Pattern: "*", N: 2})
	if err != nil || len(found) != 2 || found[1].Input != "print again" {
		t.Errorf("search with n: %+v %v", found, err)
	}
	if _, err := second.c.History(ctx, client.HistoryRequest{AccessType: "sideways"}); err ==
		nil {
		t.Error("an unknown hist_access_type was accepted")
	}
}

// TestHistoryUnusableDataDir starts a kernel whose data directory is a regular file: history
// falls back to memory, the kernel says so in its log, and cells still run and are recalled.
func TestHistoryUnusableDataDir(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := startKernel(t, "tcp", notADir, kernel.Options{})
	ctx := testContext(t)
	if _, err := h.c.Execute(ctx, "result 1", client.ExecuteOptions{}); err != nil {
		t.Fatal(err)
	}
	tail, err := h.c.History(ctx, client.HistoryRequest{AccessType: "tail", N: 5})
	if err != nil || len(tail) != 1 || tail[0].Input != "result 1" {
		t.Errorf("in-memory history: %+v %v", tail, err)
	}
	if !strings.Contains(h.logs.String(), "history kept in memory") {
		t.Errorf("the fallback was not logged:\n%s", h.logs)
	}
}

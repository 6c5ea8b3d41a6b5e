package emulator

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDatasetAnchor(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

	first, err := datasetAnchor(dir, start)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Equal(start) {
		t.Fatalf("first anchor = %v, want %v", first, start)
	}
	later, err := datasetAnchor(dir, start.Add(5*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !later.Equal(start) {
		t.Errorf("anchor after 5h = %v, want the recorded %v", later, start)
	}
	moved, err := datasetAnchor(dir, start.Add(25*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !moved.Equal(start.Add(25 * time.Hour)) {
		t.Errorf("anchor after 25h = %v, want it moved to the present", moved)
	}
	if err := os.WriteFile(filepath.Join(dir, anchorFile), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	fixed, err := datasetAnchor(dir, start)
	if err != nil || !fixed.Equal(start) {
		t.Errorf("anchor over a damaged file = %v, %v; want %v", fixed, err, start)
	}
}

// Two emulators on one data directory, one after the other, serve the same alert ids.
func TestRestartKeepsIDs(t *testing.T) {
	dir := t.TempDir()
	ids := func() []string {
		srv, err := Start(context.Background(), Config{DataDir: dir, Tenants: 1, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		var out []string
		for _, tenant := range srv.state.Data.TenantIDs() {
			for _, a := range srv.state.Data.AlertsOf(tenant) {
				out = append(out, a["id"].(string))
			}
		}
		return out
	}
	first := ids()
	time.Sleep(1100 * time.Millisecond) // a new second: without the anchor the ids would move
	second := ids()
	if len(first) == 0 || len(first) != len(second) {
		t.Fatalf("alert counts %d and %d", len(first), len(second))
	}
	for i := range first {
		if first[i] != second[i] {
			t.Fatalf("alert %d changed across a restart: %s, then %s", i, first[i], second[i])
		}
	}
}

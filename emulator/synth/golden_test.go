package synth

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden pins a small dataset record for record, so that a change to what is generated
// shows up as a diff of testdata/small.golden.json. Regenerate with go test -update.
func TestGolden(t *testing.T) {
	d := Generate(Config{Seed: 7, Tenants: 3, Scale: 0.002,
		Now: time.Date(2026, 6, 1, 9, 30, 0, 0, time.UTC)})
	id := d.TenantIDs()[0]
	events := map[string][]map[string]any{}
	for _, typ := range EventTypes() {
		evs, err := d.Events(id, typ)
		if err != nil {
			t.Fatal(err)
		}
		events[typ] = evs[:min(2, len(evs))]
	}
	got, err := json.MarshalIndent(map[string]any{
		"config":       d.Config,
		"tenants":      d.Tenants,
		"legacy":       d.LegacyTenants[len(d.LegacyTenants)-1],
		"planted":      d.Planted,
		"asset":        d.AssetsOf(id)[0],
		"events":       events,
		"alerts":       d.AlertsOf(id)[:2],
		"detectors":    d.Detectors,
		"rules":        d.Rules[:2],
		"publications": d.Publications[:1],
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "small.golden.json")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with go test -update)", err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		t.Errorf("generated data differs from %s; if the change is intended, run "+
			"go test ./emulator/synth -run TestGolden -update and review the diff", path)
	}
}

package state

import (
	"path/filepath"
	"testing"
	"time"

	"gotaegis/emulator/store"
	"gotaegis/emulator/synth"
)

func newState(t *testing.T) *State {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(synth.Generate(synth.Config{Tenants: 1, Seed: 1}), st)
}

func TestSessionsExpire(t *testing.T) {
	s := newState(t)
	now := time.Unix(1_700_000_000, 0)
	s.Now = func() time.Time { return now }
	id := s.Put("page:", 42)
	if v, ok := s.Get(id); !ok || v != 42 {
		t.Fatalf("get = %v, %v", v, ok)
	}
	now = now.Add(SessionTTL + time.Second)
	if _, ok := s.Get(id); ok {
		t.Fatal("session still there after its TTL")
	}
	id = s.Put("q:", "x")
	if !s.Drop(id) || s.Drop(id) {
		t.Fatal("drop did not report the session once")
	}
}

func TestAddAlert(t *testing.T) {
	s := newState(t)
	tenant := s.Data.TenantIDs()[0]
	tests := []struct {
		name string
		rec  map[string]any
		ok   bool
	}{
		{"valid", map[string]any{"id": "a1", "tenant_id": tenant}, true},
		{"no tenant", map[string]any{"id": "a2"}, false},
		{"no id", map[string]any{"tenant_id": tenant}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.AddAlert(tt.rec); (err == nil) != tt.ok {
				t.Fatalf("AddAlert = %v, want ok=%v", err, tt.ok)
			}
		})
	}
	all := s.Alerts(tenant)
	if len(all) != len(s.Data.AlertsOf(tenant))+1 || all[0]["id"] != "a1" {
		t.Fatalf("added alert not first among %d", len(all))
	}
	gen := s.Data.AlertsOf(tenant)
	if len(gen) > 1 && all[1]["id"] != gen[len(gen)-1]["id"] {
		t.Fatal("generated alerts are not newest first")
	}
	if _, ok := s.Alert("a1"); !ok {
		t.Fatal("added alert not found by id")
	}
}

func TestDecode(t *testing.T) {
	type model struct {
		ID    string   `json:"id"`
		Score *float64 `json:"score"`
	}
	m, err := As[model](map[string]any{"id": "x", "score": int64(3), "extra": true})
	if err != nil || m.ID != "x" || *m.Score != 3 {
		t.Fatalf("As = %+v, %v", m, err)
	}
	if _, err := As[model](map[string]any{"id": 5}); err == nil {
		t.Fatal("decoding a number into a string field succeeded")
	}
}

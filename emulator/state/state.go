// Package state is what the local emulator's gateways resolve against: the synthetic dataset
// (read-only, shared), the SQLite store of what clients create or change, and the short-lived
// server-side sessions of paged searches (alert search parts, event query pages).
//
// Records are JSON-shaped maps, as emulator/synth makes them; Decode turns one into a gqlgen
// model by its JSON field names, which are the GraphQL field names. A State is safe for
// concurrent use.
package state

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"gotaegis/emulator/store"
	"gotaegis/emulator/synth"
)

// SessionTTL is how long an alert search or event query can be paged after it started.
const SessionTTL = 30 * time.Minute

// State is the emulator's data and sessions.
type State struct {
	// Data is the synthetic world; its records must not be modified.
	Data *synth.Dataset
	// Store holds everything clients create or change.
	Store *store.Store
	// Now is the emulator's clock.
	Now func() time.Time

	mu       sync.Mutex
	sessions map[string]session
	extra    map[string][]map[string]any // extra alerts by tenant, added with AddAlert
}

type session struct {
	value   any
	expires time.Time
}

// New returns a State over data and st.
func New(data *synth.Dataset, st *store.Store) *State {
	return &State{
		Data:     data,
		Store:    st,
		Now:      time.Now,
		sessions: map[string]session{},
		extra:    map[string][]map[string]any{},
	}
}

// Put keeps v under a new random id for SessionTTL and returns the id.
func (s *State) Put(prefix string, v any) string {
	id := prefix + NewID()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	for k, x := range s.sessions {
		if now.After(x.expires) {
			delete(s.sessions, k)
		}
	}
	s.sessions[id] = session{value: v, expires: now.Add(SessionTTL)}
	return id
}

// Get returns the session value under id, if it exists and has not expired.
func (s *State) Get(id string) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.sessions[id]
	if !ok || s.Now().After(x.expires) {
		return nil, false
	}
	return x.value, true
}

// Drop forgets the session under id and reports whether there was one.
func (s *State) Drop(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.sessions[id]
	delete(s.sessions, id)
	return ok
}

// AddAlert adds an alert record to its tenant_id's alerts, in front of the generated ones. It
// lets tests plant records the generator does not make, such as an enum value unknown to
// clients.
func (s *State) AddAlert(rec map[string]any) error {
	tenant, _ := rec["tenant_id"].(string)
	if tenant == "" {
		return errors.New("state: add alert: the record has no tenant_id")
	}
	if id, _ := rec["id"].(string); id == "" {
		return errors.New("state: add alert: the record has no id")
	}
	s.mu.Lock()
	s.extra[tenant] = append(s.extra[tenant], rec)
	s.mu.Unlock()
	return nil
}

// Alerts returns a tenant's alerts: those added with AddAlert in the order added, then the
// generated ones newest first, as Taegis lists them.
func (s *State) Alerts(tenant string) []map[string]any {
	gen := s.Data.AlertsOf(tenant)
	s.mu.Lock()
	extra := s.extra[tenant]
	s.mu.Unlock()
	out := make([]map[string]any, 0, len(extra)+len(gen))
	out = append(out, extra...)
	for i := len(gen) - 1; i >= 0; i-- {
		out = append(out, gen[i])
	}
	return out
}

// Alert returns one alert by id, added or generated.
func (s *State) Alert(id string) (map[string]any, bool) {
	s.mu.Lock()
	for _, recs := range s.extra {
		for _, r := range recs {
			if r["id"] == id {
				s.mu.Unlock()
				return r, true
			}
		}
	}
	s.mu.Unlock()
	return s.Data.Alert(id)
}

// NewID returns a random UUID-shaped id.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Decode converts a record (or a list of them) into out, a pointer to a model, by JSON field
// names.
func Decode(rec any, out any) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decode record into %T: %w", out, err)
	}
	return nil
}

// As decodes a record into a new T.
func As[T any](rec any) (*T, error) {
	var out T
	if err := Decode(rec, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Save stores v (a model or a record) as a document of kind in tenant.
func (s *State) Save(ctx context.Context, kind, tenant, id string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("save %s %s: %w", kind, id, err)
	}
	_, err = s.Store.Put(ctx, kind, tenant, id, b)
	return err
}

// Load reads a document of kind in tenant into out; the error matches store.ErrNotFound when
// there is none.
func (s *State) Load(ctx context.Context, kind, tenant, id string, out any) error {
	d, err := s.Store.Get(ctx, kind, tenant, id)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(d.Data, out); err != nil {
		return fmt.Errorf("load %s %s: %w", kind, id, err)
	}
	return nil
}

// LoadAll reads every document of kind in tenant, in insertion order, as Ts.
func LoadAll[T any](ctx context.Context, s *State, kind, tenant string) ([]*T, error) {
	docs, err := s.Store.List(ctx, kind, tenant)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(docs))
	for _, d := range docs {
		var v T
		if err := json.Unmarshal(d.Data, &v); err != nil {
			return nil, fmt.Errorf("load %s %s: %w", kind, d.ID, err)
		}
		out = append(out, &v)
	}
	return out, nil
}

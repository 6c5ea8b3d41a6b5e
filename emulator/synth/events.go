package synth

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The event types, in the order EventTypes lists them.
const (
	typeProcess = iota
	typeNetflow
	typeDNS
	typeAuth
	typeHTTP
	typeFilemod
	typeCloudAudit
	numEventTypes
)

var eventTypeNames = [numEventTypes]string{
	"process", "netflow", "dnsquery", "auth", "http", "filemod", "cloudaudit",
}

// boxedTypeNames holds eventTypeNames as interface values. Storing a string in a record boxes
// it, which allocates; values every event repeats are boxed once instead.
var boxedTypeNames = func() (out [numEventTypes]any) {
	for i, n := range eventTypeNames {
		out[i] = n
	}
	return out
}()

// baseCounts are the background events of an average tenant at scale 1 (about 22,000 in all);
// each tenant multiplies them by its own activity factor between 0.85 and 1.25.
var baseCounts = [numEventTypes]int{6000, 5500, 4500, 1200, 2500, 1800, 500}

// Errors that event lookups return; test for them with errors.Is.
var (
	ErrUnknownTenant    = errors.New("unknown tenant")
	ErrUnknownEventType = errors.New("unknown event type")
)

// EventTypes lists the event types a Dataset holds.
func EventTypes() []string {
	return append([]string(nil), eventTypeNames[:]...)
}

func typeIndex(name string) (int, bool) {
	for i, n := range eventTypeNames {
		if strings.EqualFold(n, name) {
			return i, true
		}
	}
	return 0, false
}

// lookup resolves a tenant and event type; a tenant that exists but holds no data (a partner
// or organization) gives a nil tenant and no error.
func (d *Dataset) lookup(tenantID, eventType string) (*tenant, int, error) {
	typ, ok := typeIndex(eventType)
	if !ok {
		return nil, 0, fmt.Errorf("%w %q: known types are %s", ErrUnknownEventType, eventType,
			strings.Join(eventTypeNames[:], ", "))
	}
	if t := d.leafByID[tenantID]; t != nil {
		return t, typ, nil
	}
	if _, ok := d.tenantByID[tenantID]; ok {
		return nil, typ, nil
	}
	return nil, 0, fmt.Errorf("%w %q: list tenants with the tenants query", ErrUnknownTenant,
		tenantID)
}

// EventCount returns how many events of one type a tenant holds, background and planted.
func (d *Dataset) EventCount(tenantID, eventType string) (int, error) {
	t, typ, err := d.lookup(tenantID, eventType)
	if err != nil || t == nil {
		return 0, err
	}
	return t.counts[typ] + len(t.planted[typ]), nil
}

// Events returns one tenant's events of one type in timestamp order. The slice and its records
// are shared with other callers (recently used types stay cached) and must not be modified.
func (d *Dataset) Events(tenantID, eventType string) ([]map[string]any, error) {
	t, typ, err := d.lookup(tenantID, eventType)
	if err != nil || t == nil {
		return nil, err
	}
	n := t.counts[typ] + len(t.planted[typ])
	return d.cache.get(cacheKey{t.id, typ}, n, func() []map[string]any {
		out := make([]map[string]any, 0, n)
		d.scan(t, typ, func(rec map[string]any) bool {
			out = append(out, rec)
			return true
		})
		return out
	}), nil
}

// ScanEvents calls fn with each of one tenant's events of one type in timestamp order, until
// fn returns false. Unlike Events it builds each record afresh and keeps none of them, so a
// caller that filters a large tenant holds only what it keeps.
func (d *Dataset) ScanEvents(tenantID, eventType string, fn func(map[string]any) bool) error {
	t, typ, err := d.lookup(tenantID, eventType)
	if err != nil || t == nil {
		return err
	}
	d.scan(t, typ, fn)
	return nil
}

// scan merges the background and planted events of one type in time order.
func (d *Dataset) scan(t *tenant, typ int, fn func(map[string]any) bool) {
	planted := t.planted[typ]
	for i := 0; i < t.counts[typ]; i++ {
		rec := d.background(t, typ, i)
		for len(planted) > 0 && usec(planted[0]) <= usec(rec) {
			if !fn(planted[0]) {
				return
			}
			planted = planted[1:]
		}
		if !fn(rec) {
			return
		}
	}
	for _, rec := range planted {
		if !fn(rec) {
			return
		}
	}
}

func usec(rec map[string]any) int64 { return rec["event_time_usec"].(int64) }

// Event returns the event with this id, background or planted.
func (d *Dataset) Event(id string) (map[string]any, bool) {
	if rec, ok := d.plantedByID[id]; ok {
		return rec, true
	}
	ref, err := ParseEventID(id)
	if err != nil || ref.Planted {
		return nil, false
	}
	t := d.leafByID[ref.TenantID]
	typ, ok := typeIndex(ref.EventType)
	if t == nil || !ok || ref.Index >= t.counts[typ] {
		return nil, false
	}
	if d.eventID(t, typ, ref.Index, false, d.eventTime(t, typ, ref.Index)) != id {
		return nil, false
	}
	return d.background(t, typ, ref.Index), true
}

// EventRef is what an event id says about its event.
type EventRef struct {
	EventType string
	TenantID  string
	// Millis is the event time in milliseconds since the Unix epoch.
	Millis int64
	// Index numbers the event within its tenant and type; Planted events count separately.
	Index   int
	Planted bool
	Check   string
}

const eventIDPrefix = "event://priv:"

// ParseEventID splits an event id of the form
// event://priv:<type>:<tenant>:<epoch ms>:<b|p><index>:<check>. It checks the form only; use
// Dataset.Event to find out whether the event exists.
func ParseEventID(id string) (EventRef, error) {
	rest, ok := strings.CutPrefix(id, eventIDPrefix)
	if !ok {
		return EventRef{}, fmt.Errorf("event id %q does not start with %q", id, eventIDPrefix)
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 5 {
		return EventRef{}, fmt.Errorf("event id %q: want 5 fields after %q, got %d", id,
			eventIDPrefix, len(parts))
	}
	ref := EventRef{EventType: parts[0], TenantID: parts[1], Check: parts[4]}
	if ref.EventType == "" || ref.TenantID == "" || ref.Check == "" {
		return EventRef{}, fmt.Errorf("event id %q has an empty field", id)
	}
	ms, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || ms < 0 || strconv.FormatInt(ms, 10) != parts[2] {
		return EventRef{}, fmt.Errorf("event id %q: bad time %q", id, parts[2])
	}
	ref.Millis = ms
	seq := parts[3]
	if len(seq) < 2 || (seq[0] != 'b' && seq[0] != 'p') {
		return EventRef{}, fmt.Errorf("event id %q: bad sequence %q (want b or p and a number)", id,
			seq)
	}
	idx, err := strconv.Atoi(seq[1:])
	if err != nil || idx < 0 || strconv.Itoa(idx) != seq[1:] {
		return EventRef{}, fmt.Errorf("event id %q: bad sequence %q", id, seq)
	}
	ref.Index, ref.Planted = idx, seq[0] == 'p'
	return ref, nil
}

// String formats the reference as an event id.
func (r EventRef) String() string {
	kind := "b"
	if r.Planted {
		kind = "p"
	}
	b := make([]byte, 0, 80)
	b = append(b, eventIDPrefix...)
	b = append(b, r.EventType...)
	b = append(b, ':')
	b = append(b, r.TenantID...)
	b = append(b, ':')
	b = strconv.AppendInt(b, r.Millis, 10)
	b = append(b, ':')
	b = append(b, kind...)
	b = strconv.AppendInt(b, int64(r.Index), 10)
	b = append(b, ':')
	b = append(b, r.Check...)
	return string(b)
}

func (d *Dataset) eventID(t *tenant, typ, index int, planted bool, at int64) string {
	r := keyed(d.Config.Seed, label("event-id"), t.num, uint64(typ), uint64(index), b2u(planted))
	return EventRef{EventType: eventTypeNames[typ], TenantID: t.id, Millis: at / 1000,
		Index: index, Planted: planted, Check: r.hex(4)}.String()
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// eventTime places background event index of its type in the window: the index's share of
// the type's events, plus jitter inside its slot, maps through the activity curve to a time.
// The curve only bends the spacing, so events stay in index order.
func (d *Dataset) eventTime(t *tenant, typ, index int) int64 {
	r := keyed(d.Config.Seed, label("event-time"), t.num, uint64(typ), uint64(index))
	u := (float64(index) + r.float()) / float64(t.counts[typ])
	return d.activity.at(u)
}

// countFor is how many background events of one type a tenant has at a scale.
func countFor(typ int, factor, scale float64) int {
	return max(1, int(math.Round(float64(baseCounts[typ])*factor*scale)))
}

// common fills the fields every event has.
func (d *Dataset) common(t *tenant, typ int, id string, at int64, ingestDelay int) map[string]any {
	// Sized for the largest event type so that filling it in never grows the map.
	rec := make(map[string]any, 28)
	rec["id"] = id
	rec["tenant_id"] = t.boxedID
	rec["event_type"] = boxedTypeNames[typ]
	rec["timestamp"] = rfc3339(time.UnixMicro(at))
	rec["event_time_usec"] = at
	rec["ingest_time_usec"] = at + int64(ingestDelay)*1000
	return rec
}

// onHost adds the endpoint fields of an event seen on host h.
func onHost(rec map[string]any, _ *tenant, h *host) {
	rec["host_id"] = h.boxed.id
	rec["hostname"] = h.boxed.hostname
	rec["sensor_type"] = h.boxed.sensor
	rec["resource_id"] = h.boxed.resource
}

package synth

import (
	"strings"
	"testing"
)

// FuzzParseEventID checks that ParseEventID never panics, that what it accepts formats back
// to the same id, and that a Dataset never finds an event for an id it did not issue.
func FuzzParseEventID(f *testing.F) {
	d := Generate(Config{Seed: 2, Tenants: 2, Scale: 0.01, Now: testNow})
	evs, err := d.Events(d.TenantIDs()[0], "process")
	if err != nil {
		f.Fatal(err)
	}
	for _, ev := range evs[:3] {
		f.Add(ev["id"].(string))
	}
	f.Add(d.Planted[0].EventIDs[0])
	f.Add("event://priv:process:50001:0:b0:")
	f.Add("event://priv:::::")
	f.Add("event://priv:dnsquery:50001:-1:p01:x")
	f.Fuzz(func(t *testing.T, id string) {
		ref, err := ParseEventID(id)
		if err != nil {
			if !strings.Contains(err.Error(), "event id") {
				t.Fatalf("error %q does not say what was wrong", err)
			}
			return
		}
		if got := ref.String(); got != id {
			t.Fatalf("ParseEventID(%q).String() = %q", id, got)
		}
		if ev, ok := d.Event(id); ok && ev["id"] != id {
			t.Fatalf("Event(%q) returned event %v", id, ev["id"])
		}
	})
}

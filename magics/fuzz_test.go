package magics

import (
	"testing"
	"time"
)

// FuzzResolveWindow checks that no query text crashes the time-window reader, and that a
// window it accepts is ordered as the query gave it or has no start.
func FuzzResolveWindow(f *testing.F) {
	for _, s := range []string{"FROM alert EARLIEST=-1d", "earliest='2024-01-02' latest=0",
		"FROM x WHERE a = \"EARLIEST=\" EARLIEST", "EARLIEST=-9999999999d", "LATEST=+5h |",
		"EARLIEST=e'x'"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, q string) {
		var p Provenance
		if err := resolveWindow(q, now, &p); err != nil {
			return
		}
		if !p.Earliest.IsZero() && p.Latest.IsZero() {
			t.Fatalf("%q: an earliest without a latest", q)
		}
	})
}

// FuzzParseMacros checks that no macros file crashes the parser, and that every macro it
// accepts turns into at least one tenants query.
func FuzzParseMacros(f *testing.F) {
	f.Add(string(defaultMacros))
	f.Add("macros:\n  a:\n    labels: [{name: x}]\n    enabled: true\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := ParseMacros([]byte(text))
		if err != nil {
			return
		}
		for name, def := range m.Macros {
			if len(def.queries()) == 0 {
				t.Fatalf("macro %s gives no query", name)
			}
		}
	})
}

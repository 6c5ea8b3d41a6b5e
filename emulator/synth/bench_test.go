package synth

import (
	"runtime"
	"testing"
)

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(Config{Seed: 1, Now: testNow})
	}
}

// BenchmarkScanProcess builds one tenant's process events, the work behind an event search.
func BenchmarkScanProcess(b *testing.B) {
	d := shared()
	id := d.TenantIDs()[0]
	n, _ := d.EventCount(id, "process")
	for b.Loop() {
		if err := d.ScanEvents(id, "process", func(map[string]any) bool { return true }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
}

func BenchmarkEventLookup(b *testing.B) {
	d := shared()
	evs, err := d.Events(d.TenantIDs()[0], "netflow")
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = ev["id"].(string)
	}
	i := 0
	for b.Loop() {
		if _, ok := d.Event(ids[i%len(ids)]); !ok {
			b.Fatal("not found")
		}
		i++
	}
}

// heapMiB returns the live heap after a collection.
func heapMiB() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// TestMemory measures the live heap of a default dataset, before and after its event cache is
// full, and keeps it well under 150 MiB.
func TestMemory(t *testing.T) {
	before := heapMiB()
	d := Generate(Config{Seed: 1, Now: testNow})
	generated := heapMiB() - before
	// Two tenants hold more events than the cache keeps.
	for _, id := range d.TenantIDs()[:2] {
		for _, typ := range EventTypes() {
			if _, err := d.Events(id, typ); err != nil {
				t.Fatal(err)
			}
		}
	}
	cached := heapMiB() - before
	runtime.KeepAlive(d)
	t.Logf("default dataset: %.1f MiB generated, %.1f MiB with a full event cache "+
		"(%d tenants, %d alerts, %d assets)", generated, cached, len(d.TenantIDs()),
		len(d.Alerts), len(d.Assets))
	if cached > 150 {
		t.Errorf("default dataset holds %.1f MiB, want well under 150", cached)
	}
}

// BenchmarkDatasetMemory reports the live heap of a generated dataset for the default size,
// for 100 tenants, and for the scale that gives 10,000 alerts.
func BenchmarkDatasetMemory(b *testing.B) {
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"default", Config{Seed: 1, Now: testNow}},
		{"tenants=100", Config{Seed: 1, Tenants: 100, Now: testNow}},
		{"scale=5", Config{Seed: 1, Scale: 5, Now: testNow}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var mib float64
			for b.Loop() {
				before := heapMiB()
				d := Generate(c.cfg)
				mib = heapMiB() - before
				runtime.KeepAlive(d)
			}
			b.ReportMetric(mib, "MiB")
		})
	}
}

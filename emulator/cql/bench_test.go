package cql

import (
	"fmt"
	"testing"
)

// benchRecords builds n process and netflow events shaped like the emulator's.
func benchRecords(n int) []map[string]any {
	recs := make([]map[string]any, n)
	for i := range recs {
		rec := map[string]any{
			"tenant_id": "11111",
			"host_id":   fmt.Sprintf("host-%d", i%500),
			"hostname":  fmt.Sprintf("WS%04d", i%500),
			"username":  fmt.Sprintf("user%d", i%300),
			"timestamp": fmt.Sprintf("2024-06-01T%02d:%02d:%02dZ", i/3600%24, i/60%60, i%60),
		}
		if i%2 == 0 {
			rec["event_type"] = "process"
			rec["process_id"] = float64(1000 + i%60000)
			rec["commandline"] = fmt.Sprintf(`C:\Windows\System32\svchost.exe -k netsvcs -p %d`, i)
		} else {
			rec["event_type"] = "netflow"
			rec["source_address"] = fmt.Sprintf("10.0.%d.%d", i/256%256, i%256)
			rec["destination_address"] = fmt.Sprintf("203.0.113.%d", i%256)
			rec["destination_port"] = float64(443)
		}
		recs[i] = rec
	}
	return recs
}

// BenchmarkMatch filters 100,000 events with a typical hunting query; one iteration is
// one pass over all of them.
func BenchmarkMatch(b *testing.B) {
	recs := benchRecords(100_000)
	queries := map[string]string{
		"compare": "FROM process WHERE host_id = 'host-8' AND process_id > 2000",
		"contains": "FROM process, netflow WHERE commandline CONTAINS 'NETSVCS -p 99' OR " +
			"@ip IN ('203.0.113.9', '10.0.1.1')",
		"regex": `FROM process WHERE commandline MATCHES_REGEX 'svchost\.exe -k \w+ -p 4\d{3}$'`,
		"window": "FROM netflow WHERE destination_port = 443 EARLIEST='2024-06-01T06:00:00Z' " +
			"LATEST='2024-06-01T12:00:00Z'",
	}
	for name, src := range queries {
		q := mustParse(b, src)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				n := 0
				for _, r := range recs {
					if q.Match(r) {
						n++
					}
				}
				if n == 0 {
					b.Fatal("no record matched")
				}
			}
		})
	}
}

// BenchmarkRun runs a filter, a sort and an aggregate over 100,000 events.
func BenchmarkRun(b *testing.B) {
	recs := benchRecords(100_000)
	q := mustParse(b, "FROM process WHERE process_id > 30000 | sort -process_id | head 100")
	agg := mustParse(b, "FROM netflow | aggregate count by host_id, destination_port")
	for b.Loop() {
		q.Run(recs)
		agg.Run(recs)
	}
}

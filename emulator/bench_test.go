package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"gotaegis/emulator"
)

// BenchmarkAlertsSearchPoll10k pages 10,000 alerts through alertsServiceSearch and
// alertsServicePoll over HTTP.
func BenchmarkAlertsSearchPoll10k(b *testing.B) {
	srv := start(b, b.TempDir())
	tenant := srv.TenantIDs()[0]
	for i := range 10000 {
		_ = srv.AddAlert(map[string]any{"id": fmt.Sprintf("alert://priv:bench:%s:%d", tenant, i),
			"tenant_id": tenant, "status": "OPEN",
			"metadata": map[string]any{"title": "bench", "severity": 0.5}})
	}
	tok := token(b, srv)
	url := srv.URL() + emulator.PathGraphQL
	b.ResetTimer()
	for range b.N {
		r := post(b, url, tok, tenant, searchQuery, map[string]any{"in": map[string]any{
			"cql_query": "FROM alert WHERE metadata.title = 'bench'", "limit": 10000}})
		var p alertsPage
		_ = json.Unmarshal(r.Data["alertsServiceSearch"], &p)
		n := len(p.Alerts.List)
		for part := 2; part <= p.Alerts.TotalParts; part++ {
			r := post(b, url, tok, tenant, pollQuery, map[string]any{"in": map[string]any{
				"search_id": p.SearchID, "part_id": part}})
			var q alertsPage
			_ = json.Unmarshal(r.Data["alertsServicePoll"], &q)
			n += len(q.Alerts.List)
		}
		if n != 10000 {
			b.Fatalf("paged %d alerts, want 10000", n)
		}
	}
}

// BenchmarkEventQueryPage100k streams 100,000 process events through eventQuery and
// eventPage over graphql-ws.
func BenchmarkEventQueryPage100k(b *testing.B) {
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: b.TempDir(),
		Tenants: 1, Scale: 18, Seed: 3})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	tenant := srv.TenantIDs()[0]
	tok := token(b, srv)
	b.ResetTimer()
	for range b.N {
		got := eventRows(b, srv, tok, tenant, "FROM process | head 100000", 1000)
		if got["process"] != 100000 {
			b.Fatalf("streamed %d process events, want 100000", got["process"])
		}
	}
}

// BenchmarkResidentMemory reports the resident memory of a fresh process that starts the
// emulator with the default dataset and runs one alert search and one event query on it. The
// measurement runs in a child process (this test binary, running TestResidentMemoryChild) so
// that the other benchmarks' heaps do not count.
func BenchmarkResidentMemory(b *testing.B) {
	for range b.N {
		cmd := exec.Command(os.Args[0], "-test.run=^TestResidentMemoryChild$", "-test.v")
		cmd.Env = append(os.Environ(), rssChildEnv+"="+b.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		_, rest, ok := strings.Cut(string(out), "RSS-MiB ")
		mib, perr := strconv.ParseFloat(strings.Fields(rest + " x")[0], 64)
		if !ok || perr != nil {
			b.Fatalf("child printed no RSS:\n%s", out)
		}
		b.ReportMetric(mib, "RSS-MiB")
	}
}

const rssChildEnv = "GOTAEGIS_EMULATOR_RSS_CHILD"

// TestResidentMemoryChild is BenchmarkResidentMemory's child process; it does nothing unless
// the benchmark started it.
func TestResidentMemoryChild(t *testing.T) {
	dir := os.Getenv(rssChildEnv)
	if dir == "" {
		t.Skip("run by BenchmarkResidentMemory only")
	}
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]
	post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, searchQuery,
		map[string]any{"in": map[string]any{"cql_query": "FROM alert"}})
	eventRows(t, srv, tok, tenant, "FROM process", 1000)
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			fmt.Printf("RSS-MiB %.1f\n", kb/1024)
			return
		}
	}
	t.Skip("VmRSS not reported")
}

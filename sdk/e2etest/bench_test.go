package e2etest

import (
	"context"
	"testing"

	"gotaegis/emulator"
	"gotaegis/sdk/alerts"
	"gotaegis/sdk/events"
)

// BenchmarkSearchAll10k pages 10,000 alerts from the emulator with alerts.SearchAll.
func BenchmarkSearchAll10k(b *testing.B) {
	srv := startEmulator(b, nil)
	tenant := srv.TenantIDs()[0]
	plant(b, srv, tenant, 10000)
	svc := alerts.New(client(b, srv, tenant))
	in := &alerts.SearchRequestInput{CQLQuery: ptr("FROM alert WHERE metadata.title = 'planted'")}
	b.ResetTimer()
	for range b.N {
		got, _, err := svc.SearchAll(context.Background(), in, 10000, nil)
		if err != nil || len(got) != 10000 {
			b.Fatalf("got %d alerts, %v", len(got), err)
		}
	}
}

// BenchmarkQueryAll100k streams 100,000 process events from the emulator with
// events.QueryAll (eventQuery, then eventPage to the end).
func BenchmarkQueryAll100k(b *testing.B) {
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: b.TempDir(),
		Tenants: 1, Scale: 18, Seed: 3})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	svc := events.New(client(b, srv, srv.TenantIDs()[0]))
	b.ResetTimer()
	for range b.N {
		res, _, err := svc.QueryAll(context.Background(), "FROM process | head 100000", nil,
			&events.EventQueryOptions{PageSize: ptr(1000)}, 0, nil)
		if n := len(events.Rows(res)); err != nil || n != 100000 {
			b.Fatalf("got %d rows, %v", n, err)
		}
	}
}

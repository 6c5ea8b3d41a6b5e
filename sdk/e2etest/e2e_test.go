package e2etest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"gotaegis/emulator"
	"gotaegis/sdk"
	"gotaegis/sdk/alerts"
	"gotaegis/sdk/events"
	"gotaegis/sdk/investigations2"
	"gotaegis/sdk/tenants4"
)

// clock is an emulator clock that tests move forward.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }
func ptr[T any](v T) *T                  { return &v }
func startEmulator(t testing.TB, c *clock) *emulator.Server {
	t.Helper()
	cfg := emulator.Config{DataDir: t.TempDir(), Tenants: 3, Seed: 11}
	if c != nil {
		cfg.Clock = c.now
	}
	srv, err := emulator.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// client is an SDK client for region local, served by srv, acting on tenant.
func client(t testing.TB, srv *emulator.Server, tenant string) *sdk.Client {
	t.Helper()
	sdk.RegisterLocal(func(context.Context) (string, error) { return srv.URL(), nil })
	t.Cleanup(func() { sdk.RegisterLocal(nil) })
	c, err := sdk.New(sdk.Config{Region: "local", Tenant: tenant, ConfigDir: t.TempDir(),
		Settings: &sdk.Settings{}, NoTokenCache: true,
		Getenv: func(string) string { return "" },
		Retry:  sdk.RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxTime: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func plant(t testing.TB, srv *emulator.Server, tenant string, n int) {
	t.Helper()
	for i := range n {
		status := "OPEN"
		if i == 0 {
			status = "BRAND_NEW_STATUS"
		}
		if err := srv.AddAlert(map[string]any{
			"id": fmt.Sprintf("alert://priv:planted:%s:%d", tenant, i), "tenant_id": tenant,
			"status": status, "metadata": map[string]any{"title": "planted", "severity": 0.9},
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAlertsSearchAllWithUnknownEnum(t *testing.T) {
	srv := startEmulator(t, nil)
	tenant := srv.TenantIDs()[0]
	plant(t, srv, tenant, 2500)
	svc := alerts.New(client(t, srv, tenant))
	got, paging, err := svc.SearchAll(context.Background(), &alerts.SearchRequestInput{
		CQLQuery: ptr("FROM alert WHERE metadata.title = 'planted'")}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2500 || paging.TotalParts != 3 || paging.PartsFetched != 3 {
		t.Fatalf("got %d alerts, paging %+v", len(got), paging)
	}
	st := got[0].Status
	if st == nil || string(*st) != "BRAND_NEW_STATUS" || st.IsKnown() {
		t.Fatalf("unknown status decoded as %v", st)
	}

	// A custom selection set: only the fields asked for come back.
	one, err := svc.AlertsServiceSearch(context.Background(), &alerts.SearchRequestInput{
		CQLQuery: ptr("FROM alert WHERE metadata.title = 'planted'"), Limit: ptr(1)},
		sdk.WithSelection("search_id alerts { list { id } }"))
	if err != nil {
		t.Fatal(err)
	}
	list := one.GetAlerts().GetList()
	if len(list) != 1 || list[0].ID == "" || list[0].Metadata != nil {
		t.Fatalf("custom selection returned %+v", list)
	}
}

func TestEventsQueryAll(t *testing.T) {
	srv := startEmulator(t, nil)
	tenant := srv.TenantIDs()[0]
	want, err := srv.Dataset().EventCount(tenant, "process")
	if err != nil {
		t.Fatal(err)
	}
	svc := events.New(client(t, srv, tenant))
	res, paging, err := svc.QueryAll(context.Background(), "FROM process", nil,
		&events.EventQueryOptions{PageSize: ptr(1000)}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(events.Rows(res)); n != want || want <= 1000 {
		t.Fatalf("got %d rows, want %d (paging %+v)", n, want, paging)
	}
}

func TestRefusalsMapToSentinels(t *testing.T) {
	c := &clock{}
	srv := startEmulator(t, c)
	cl := client(t, srv, srv.TenantIDs()[0])
	ctx := context.Background()

	if _, err := tenants4.New(cl.WithTenant("99999")).RequestTenantContext(ctx); !errors.Is(err,
		sdk.ErrForbiddenTenant) {
		t.Fatalf("tenant not granted: %v, want ErrForbiddenTenant", err)
	}
	inv := investigations2.New(cl)
	if _, err := inv.InvestigationV2(ctx, investigations2.InvestigationV2Arguments{
		ID: "no-such-id"}); !errors.Is(err, sdk.ErrNotFound) {
		t.Fatalf("unknown investigation: %v, want ErrNotFound", err)
	}

	// The token expires on the server's clock; the SDK gets a new one and the call succeeds.
	if _, err := tenants4.New(cl).RequestTenantContext(ctx); err != nil {
		t.Fatal(err)
	}
	c.advance(2 * time.Hour)
	if _, err := tenants4.New(cl).RequestTenantContext(ctx); err != nil {
		t.Fatalf("after expiry: %v, want the SDK to refresh its token", err)
	}
}

func TestRetries(t *testing.T) {
	srv := startEmulator(t, nil)
	cl := client(t, srv, srv.TenantIDs()[0])
	ctx := context.Background()
	if _, err := tenants4.New(cl).RequestTenantContext(ctx); err != nil {
		t.Fatal(err) // fetches the token before faults are queued
	}

	if err := srv.InjectFault(emulator.Fault{Status: 429, Count: 2, RetryAfter: 1,
		Path: emulator.PathGraphQL}); err != nil {
		t.Fatal(err)
	}
	if _, err := tenants4.New(cl).RequestTenantContext(ctx); err != nil {
		t.Fatalf("after two 429s: %v, want the SDK to retry", err)
	}
	if s := srv.Faults(); s.Served != 2 || s.Pending != 0 {
		t.Fatalf("faults %+v, want both 429s served", s)
	}

	if err := srv.InjectFault(emulator.Fault{Status: 500, Count: 3,
		Operation: "createInvestigationV2"}); err != nil {
		t.Fatal(err)
	}
	_, err := investigations2.New(cl).CreateInvestigationV2(ctx,
		investigations2.CreateInvestigationInput{Title: "not retried"})
	if err == nil {
		t.Fatal("a mutation answered 500 succeeded")
	}
	if s := srv.Faults(); s.Served != 3 || s.Pending != 2 {
		t.Fatalf("faults %+v: a failed mutation was retried", s)
	}
}

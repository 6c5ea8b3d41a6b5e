package notebook

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestLimiterReserve(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	l := NewLimiter(10, 3)
	l.now = clock.now
	// The burst goes at once; then each token costs a tenth of a second.
	for i := range 3 {
		if d := l.reserve(); d != 0 {
			t.Fatalf("request %d of the burst waits %s", i, d)
		}
	}
	if d := l.reserve(); d != 100*time.Millisecond {
		t.Errorf("4th request waits %s, want 100ms", d)
	}
	if d := l.reserve(); d != 200*time.Millisecond {
		t.Errorf("5th request waits %s, want 200ms", d)
	}
	// A second later the debt is paid and the bucket holds the rest, capped at the burst.
	clock.add(10 * time.Second)
	for i := range 3 {
		if d := l.reserve(); d != 0 {
			t.Fatalf("request %d after the refill waits %s", i, d)
		}
	}
	if d := l.reserve(); d <= 0 {
		t.Error("the bucket holds more than its burst")
	}
}

func TestLimiterUnlimitedAndCancel(t *testing.T) {
	l := NewLimiter(0, 0)
	for range 1000 {
		if err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	slow := NewLimiter(0.001, 1)
	_ = slow.Wait(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := slow.Wait(ctx); err == nil {
		t.Error("a cancelled wait returned no error")
	}
}

func TestRateProxy(t *testing.T) {
	var paths []string
	var mu sync.Mutex
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path+" "+r.Header.Get("X-Tenant-Context"))
		mu.Unlock()
		io.WriteString(w, "pong")
	}))
	defer up.Close()
	p, err := StartRateProxy(up.URL, NewLimiter(1000, 10))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for range 3 {
		req, _ := http.NewRequest("POST", p.URL()+"/graphql", nil)
		req.Header.Set("X-Tenant-Context", "50001")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "pong" {
			t.Errorf("body %q", body)
		}
	}
	if p.Requests() != 3 || len(paths) != 3 || paths[0] != "/graphql 50001" {
		t.Errorf("forwarded %d: %v", p.Requests(), paths)
	}
	if _, err := StartRateProxy("not a url", NewLimiter(1, 1)); err == nil {
		t.Error("a bad upstream was accepted")
	}
}

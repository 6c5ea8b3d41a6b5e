package notebook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// gatedClient is an HTTP/1 client whose transport asks g before each request to a gated host.
func gatedClient(t *testing.T, g *RateGate) *http.Client {
	t.Helper()
	client, err := ParseGate(strings.TrimPrefix(g.Env(), RateGateEnv+"="))
	if err != nil {
		t.Fatal(err)
	}
	var p http.Protocols
	p.SetHTTP1(true)
	return &http.Client{Transport: &http.Transport{Proxy: client.Proxy(nil), Protocols: &p}}
}

func countingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// TestRateGatePermits sends requests to a gated and an ungated server through one client: each
// request to the gated one takes one permit, and those to the other none.
func TestRateGatePermits(t *testing.T) {
	gated, gatedSeen := countingServer(t)
	other, otherSeen := countingServer(t)
	g, err := StartRateGate(NewLimiter(0, 1), []string{hostOf(t, gated.URL)})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	c := gatedClient(t, g)
	for i, u := range []string{gated.URL, other.URL, gated.URL, gated.URL, other.URL} {
		resp, err := c.Get(u + "/graphql")
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		resp.Body.Close()
	}
	if g.Permits() != 3 || gatedSeen.Load() != 3 || otherSeen.Load() != 2 {
		t.Errorf("permits %d, gated server saw %d, other %d; want 3, 3, 2", g.Permits(),
			gatedSeen.Load(), otherSeen.Load())
	}
}

// TestRateGateWaitEnds checks that a request waiting for a permit ends with its context, and
// that a gate that is gone fails the request with an error naming the gate.
func TestRateGateWaitEnds(t *testing.T) {
	srv, seen := countingServer(t)
	// One permit at once, the next in about a day.
	g, err := StartRateGate(NewLimiter(1.0/86400, 1), []string{hostOf(t, srv.URL)})
	if err != nil {
		t.Fatal(err)
	}
	c := gatedClient(t, g)
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("a request cancelled while waiting: %v, want context.Canceled", err)
	}

	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(srv.URL)
	if err == nil || !strings.Contains(err.Error(), "rate gate") {
		t.Errorf("request behind a closed gate: %v, want an error naming the rate gate", err)
	}
	if seen.Load() != 1 {
		t.Errorf("the server saw %d requests, want only the first", seen.Load())
	}
}

func TestParseGate(t *testing.T) {
	for _, tc := range []struct{ value, err string }{
		{"", "want a permit URL"},
		{"http://127.0.0.1:1/permit", "want a permit URL and at least one host"},
		{"ftp://x/permit api.example", "not an http permit URL"},
		{"http:///permit api.example", "not an http permit URL"},
		{"http://127.0.0.1:1/permit api.example other.example:8443", ""},
	} {
		g, err := ParseGate(tc.value)
		if tc.err == "" {
			if err != nil || !g.Gated("other.example:8443") || g.Gated("other.example") {
				t.Errorf("ParseGate(%q) = %v, %v", tc.value, g, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseGate(%q): %v, want an error containing %q", tc.value, err, tc.err)
		}
	}
	if _, err := StartRateGate(NewLimiter(1, 1), nil); err == nil {
		t.Error("StartRateGate with no hosts: no error")
	}
}

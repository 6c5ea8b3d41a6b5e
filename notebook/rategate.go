package notebook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// RateGateEnv is the environment variable through which a fan-out hands its kernels the rate
// gate of the region they call: "PERMIT_URL HOST[:PORT] ...". A process that finds it set
// sends each request to one of those hosts only once the gate has granted it a permit.
const RateGateEnv = "GOTAEGIS_RATE_GATE"

// RateGate grants permits to requests on a loopback port, each permit a token of one Limiter,
// so that every process holding the gate's Env keeps, together with the others, to the
// limiter's rate for the gate's hosts. A fan-out owns one per region: the kernels of its runs
// call the region directly (TLS and all), asking the gate before every request. It is safe
// for concurrent use.
type RateGate struct {
	srv     *http.Server
	ln      net.Listener
	hosts   []string
	permits atomic.Int64
}

// StartRateGate serves a gate for the hosts (host or host:port, as in a URL) with lim.
func StartRateGate(lim *Limiter, hosts []string) (*RateGate, error) {
	if len(hosts) == 0 {
		return nil, errors.New("rate gate: no hosts to limit")
	}
	for _, h := range hosts {
		if h == "" || strings.ContainsAny(h, " /") {
			return nil, fmt.Errorf("rate gate: %q is not a host or host:port", h)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("rate gate: %w", err)
	}
	g := &RateGate{ln: ln, hosts: hosts}
	g.srv = &http.Server{
		ReadHeaderTimeout: 30 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/permit" {
				http.NotFound(w, r)
				return
			}
			if err := lim.Wait(r.Context()); err != nil {
				http.Error(w, "rate gate: cancelled while waiting", http.StatusGatewayTimeout)
				return
			}
			g.permits.Add(1)
			w.WriteHeader(http.StatusNoContent)
		}),
	}
	go func() { _ = g.srv.Serve(ln) }()
	return g, nil
}

// Env is the RateGateEnv=... entry that puts a process behind the gate.
func (g *RateGate) Env() string {
	return RateGateEnv + "=http://" + g.ln.Addr().String() + "/permit " +
		strings.Join(g.hosts, " ")
}

// Permits is the number of permits granted so far.
func (g *RateGate) Permits() int64 { return g.permits.Load() }

// Close stops the gate; requests still waiting for a permit fail.
func (g *RateGate) Close() error {
	err := g.srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Gate is the client side of a RateGate: what RateGateEnv holds, parsed. It is safe for
// concurrent use.
type Gate struct {
	permit string
	hosts  []string
	client *http.Client
}

// ParseGate reads the value of RateGateEnv.
func ParseGate(v string) (*Gate, error) {
	fields := strings.Fields(v)
	if len(fields) < 2 {
		return nil, fmt.Errorf("%s %q: want a permit URL and at least one host", RateGateEnv, v)
	}
	u, err := url.Parse(fields[0])
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("%s: %q is not an http permit URL", RateGateEnv, fields[0])
	}
	// Its own transport: asking for a permit must not itself wait for one.
	return &Gate{permit: u.String(), hosts: fields[1:],
		client: &http.Client{Transport: &http.Transport{Proxy: nil}}}, nil
}

// Gated reports whether requests to host (host or host:port, as in a URL) need a permit.
func (g *Gate) Gated(host string) bool { return slices.Contains(g.hosts, host) }

// Wait blocks until the gate grants a permit, or ctx ends. A gate that cannot be reached is an
// error that says so.
func (g *Gate) Wait(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.permit, nil)
	if err != nil {
		return fmt.Errorf("rate gate: %w", err)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("rate gate %s: %w (has the fan-out that set %s ended?)", g.permit,
			err, RateGateEnv)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("rate gate %s: no permit: %s", g.permit, resp.Status)
	}
	return nil
}

// Proxy returns an http.Transport Proxy function that first waits for a permit when the
// request's host is gated, then answers as next does (nil next: no proxy). A Transport calls
// its Proxy once for every request it sends itself, websocket upgrades included, so a
// Transport that uses it, and speaks HTTP/1 only (HTTP/2 sends the requests after the first
// on a connection without asking Proxy), takes one permit per request to the gated hosts.
func (g *Gate) Proxy(next func(*http.Request) (*url.URL, error)) func(*http.Request) (*url.URL,
	error) {
	return func(req *http.Request) (*url.URL, error) {
		if g.Gated(req.URL.Host) {
			if err := g.Wait(req.Context()); err != nil {
				return nil, err
			}
		}
		if next == nil {
			return nil, nil
		}
		return next(req)
	}
}

package notebook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Limiter is a token bucket: Rate tokens a second, at most Burst saved up. It is safe for
// concurrent use; callers are served in no particular order.
type Limiter struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
	now    func() time.Time
}

// NewLimiter returns a full bucket of burst tokens refilled at rate a second. A rate of zero
// or less is no limit; a burst below one is one.
func NewLimiter(rate float64, burst int) *Limiter {
	b := float64(max(burst, 1))
	return &Limiter{rate: rate, burst: b, tokens: b, now: time.Now}
}

// reserve takes a token and returns how long the caller must wait before using it.
func (l *Limiter) reserve() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rate <= 0 {
		return 0
	}
	now := l.now()
	if !l.last.IsZero() {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	}
	l.last = now
	l.tokens--
	if l.tokens >= 0 {
		return 0
	}
	return time.Duration(-l.tokens / l.rate * float64(time.Second))
}

// Wait blocks until the caller may make one request, or ctx ends (then the token is not
// given back, which only slows later callers).
func (l *Limiter) Wait(ctx context.Context) error {
	d := l.reserve()
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RateProxy is a reverse proxy on a loopback port that forwards every request (websocket
// upgrades included) to one upstream base URL, each request first taking a token from a
// Limiter. Every kernel of a fan-out reaches a region through the one proxy of that region, so
// their requests together keep to the region's rate.
type RateProxy struct {
	srv      *http.Server
	ln       net.Listener
	requests atomic.Int64
}

// StartRateProxy serves a RateProxy to upstream (an absolute http or https base URL) with lim.
func StartRateProxy(upstream string, lim *Limiter) (*RateProxy, error) {
	u, err := url.Parse(upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("rate proxy: upstream %q is not an http(s) URL", upstream)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("rate proxy: %w", err)
	}
	p := &RateProxy{ln: ln}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		// Keep the caller's forwarding headers as they are: the proxy is invisible.
		r.Out.Header["X-Forwarded-For"] = r.In.Header["X-Forwarded-For"]
	}}
	p.srv = &http.Server{
		ReadHeaderTimeout: 30 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := lim.Wait(r.Context()); err != nil {
				http.Error(w, "rate proxy: request cancelled while waiting",
					http.StatusGatewayTimeout)
				return
			}
			p.requests.Add(1)
			rp.ServeHTTP(w, r)
		}),
	}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// URL is the proxy's base URL, http://127.0.0.1:PORT.
func (p *RateProxy) URL() string { return "http://" + p.ln.Addr().String() }

// Requests is the number of requests the proxy has forwarded.
func (p *RateProxy) Requests() int64 { return p.requests.Load() }

// Close stops the proxy and its connections.
func (p *RateProxy) Close() error {
	err := p.srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

package sdk

import (
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RetryPolicy bounds the retries of one call. The zero value is the default policy.
type RetryPolicy struct {
	// MaxTime is the longest a call keeps retrying, counted from its first attempt: 10 s when
	// zero; a negative value turns retries off.
	MaxTime time.Duration
	// BaseDelay is the delay before the first retry, doubled for each further one: 200 ms when
	// zero.
	BaseDelay time.Duration
	// MaxDelay caps one delay computed by backoff (not a server's Retry-After): 2 s when zero.
	MaxDelay time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxTime == 0 {
		p.MaxTime = 10 * time.Second
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 2 * time.Second
	}
	return p
}

// backoff returns the delay before retry number n (0 for the first): exponential with jitter,
// between half and all of BaseDelay·2ⁿ, capped at MaxDelay.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.BaseDelay
	for i := 0; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	return half + rand.N(half+1)
}

// retryableStatus reports whether a response with status may be sent again for an operation
// of kind: queries on 408, 429 and 5xx; mutations only on 429, because a mutation that reached
// a failing server may have taken effect.
func retryableStatus(kind Kind, status int) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	if kind == Mutation {
		return false
	}
	return status == http.StatusRequestTimeout || status == http.StatusInternalServerError ||
		status == http.StatusBadGateway || status == http.StatusServiceUnavailable ||
		status == http.StatusGatewayTimeout
}

// retryableNetworkError reports whether err from sending an operation of kind may be retried:
// for queries any network failure, for mutations only a failure before the request reached
// the server (refused connection, failed dial or DNS lookup).
func retryableNetworkError(kind Kind, err error) bool {
	// A certificate the client rejects is rejected again on every try.
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return false
	}
	if kind != Mutation {
		return true
	}
	return neverSent(err)
}

// neverSent reports whether err shows the request never reached a server.
func neverSent(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// ParseRetryAfter reads a Retry-After header value: delay seconds or an HTTP date, relative to
// now. ok is false for an empty or unreadable value; a date in the past is a zero delay.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// A day is more than any server means; the cap keeps the arithmetic safe.
		return time.Duration(min(secs, 86400)) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

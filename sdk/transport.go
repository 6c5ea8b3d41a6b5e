package sdk

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// callInfo travels in a request's context from Do to the transport: what the operation is, and
// back what the transport did.
type callInfo struct {
	kind    Kind
	tenant  string
	headers map[string]string

	// Set by the transport.
	token      string        // the token of the last attempt, to invalidate it if refused
	refreshed  bool          // a refused token was already replaced once
	retryAfter time.Duration // the last Retry-After the server sent
}

type callKey struct{}

func withCall(ctx context.Context, ci *callInfo) context.Context {
	return context.WithValue(ctx, callKey{}, ci)
}

func callFrom(ctx context.Context) *callInfo {
	if ci, ok := ctx.Value(callKey{}).(*callInfo); ok {
		return ci
	}
	return &callInfo{kind: Query}
}

// transport adds the Taegis headers and the bearer token to each request, replaces a refused
// token once, and retries what is safe to retry. It is the RoundTripper of the http.Client that
// the GraphQL executor uses.
type transport struct {
	base    http.RoundTripper
	tokens  *tokenProvider
	headers http.Header // fixed headers for every request
	retry   RetryPolicy
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
}

// RoundTrip sends req, retrying as the policy and the operation's kind allow.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	ci := callFrom(ctx)

	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
	}

	deadline := t.now().Add(t.retry.MaxTime)
	for attempt := 0; ; attempt++ {
		tok, err := t.tokens.Token(ctx)
		if err != nil {
			return nil, &tokenError{err}
		}
		ci.token = tok

		resp, err := t.base.RoundTrip(t.prepare(req, body, tok, ci))
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !retryableNetworkError(ci.kind, err) {
				return nil, err
			}
			if !t.wait(ctx, deadline, t.retry.backoff(attempt)) {
				return nil, err
			}
			continue
		}

		if resp.StatusCode == http.StatusUnauthorized && !ci.refreshed {
			ci.refreshed = true
			if t.tokens.Invalidate(tok) {
				discard(resp)
				continue
			}
			return resp, nil
		}

		if !retryableStatus(ci.kind, resp.StatusCode) {
			return resp, nil
		}
		delay := t.retry.backoff(attempt)
		if ra, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), t.now()); ok {
			delay = ra
			ci.retryAfter = ra
		}
		if t.now().Add(delay).After(deadline) || t.retry.MaxTime < 0 {
			return resp, nil
		}
		discard(resp)
		if !t.wait(ctx, deadline, delay) {
			return nil, ctx.Err()
		}
	}
}

// wait sleeps d when that ends before deadline; it reports whether to try again.
func (t *transport) wait(ctx context.Context, deadline time.Time, d time.Duration) bool {
	if t.retry.MaxTime < 0 || t.now().Add(d).After(deadline) {
		return false
	}
	return t.sleep(ctx, d) == nil
}

// prepare returns a copy of req with a fresh body and every header set.
func (t *transport) prepare(req *http.Request, body []byte, tok string,
	ci *callInfo) *http.Request {
	r := req.Clone(req.Context())
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(body)), nil
		}
	}
	for name, values := range t.headers {
		r.Header[name] = values
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	if ci.tenant != "" {
		r.Header.Set("X-Tenant-Context", ci.tenant)
	}
	for name, value := range ci.headers {
		r.Header.Set(name, value)
	}
	return r
}

// discard drains and closes a response that will not be returned, so its connection is reused.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
}

// tokenError is a failure to get a token: it concerns the credentials, not the endpoint.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

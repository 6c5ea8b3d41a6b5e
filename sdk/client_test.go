package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestDoSendsHeadersAndBody(t *testing.T) {
	f := newFakeTaegis(t)
	c := newTestClient(t, f, func(cfg *Config) {
		cfg.Tenant = "11111"
		cfg.Headers = map[string]string{"X-Extra": "yes"}
	})

	var out pingOut
	req := Request{Gateway: GatewayGraphQL, Kind: Query, Field: "ping", Document: pingDoc,
		Variables: map[string]any{"a": 1}}
	if err := c.Do(context.Background(), req, &out); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if out.Ping != "pong" {
		t.Errorf("out.Ping = %q, want pong", out.Ping)
	}
	if err := c.Do(context.Background(), req, &out, WithTenant("22222"),
		WithHeader("X-Call", "1")); err != nil {
		t.Fatalf("Do with options: %v", err)
	}
	if err := c.WithTenant("33333").Do(context.Background(), req, &out); err != nil {
		t.Fatalf("Do on WithTenant copy: %v", err)
	}

	if len(f.requests) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(f.requests))
	}
	first := f.requests[0]
	want := map[string]string{
		"Authorization":                "Bearer " + f.issued(0),
		"X-Tenant-Context":             "11111",
		"User-Agent":                   "gotaegis/1.2.3",
		"Accept":                       "application/json",
		"Content-Type":                 "application/json; charset=utf-8",
		"Apollographql-Client-Name":    "gotaegis",
		"Apollographql-Client-Version": "1.2.3",
		"X-Extra":                      "yes",
	}
	for name, value := range want {
		if got := first.Header.Get(name); got != value {
			t.Errorf("header %s = %q, want %q", name, got, value)
		}
	}
	if first.Body.Query != pingDoc || first.Body.OperationName != "ping" ||
		first.Body.Variables["a"] != float64(1) {
		t.Errorf("body = %+v, want the document, operationName ping and the variables", first.Body)
	}
	if got := f.requests[1].Header.Get("X-Tenant-Context"); got != "22222" {
		t.Errorf("WithTenant option: X-Tenant-Context = %q, want 22222", got)
	}
	if got := f.requests[1].Header.Get("X-Call"); got != "1" {
		t.Errorf("WithHeader option: X-Call = %q, want 1", got)
	}
	if got := f.requests[2].Header.Get("X-Tenant-Context"); got != "33333" {
		t.Errorf("Client.WithTenant: X-Tenant-Context = %q, want 33333", got)
	}
	if n := f.tokenCalls.Load(); n != 1 {
		t.Errorf("token endpoint called %d times, want 1 (the copies share the token)", n)
	}
	if c.Region() != "fake" {
		t.Errorf("Region() = %q, want fake", c.Region())
	}
}

func TestDoPartialDataAndErrors(t *testing.T) {
	f := newFakeTaegis(t)
	f.graphql = func(w http.ResponseWriter, _ *recordedRequest, _ int) {
		writeJSON(w, http.StatusOK, `{"data":{"ping":"half"},"errors":[{"message":"no such `+
			`alert","path":["ping",0,"alerts"],"extensions":{"code":"NOT_FOUND"}},`+
			`{"message":"second","locations":[{"line":1,"column":3}]}]}`)
	}
	c := newTestClient(t, f, nil)

	var out pingOut
	err := c.Do(context.Background(), Request{Kind: Query, Field: "ping", Document: pingDoc},
		&out)
	errs, ok := err.(*Errors)
	if !ok {
		t.Fatalf("err = %T %v, want *Errors", err, err)
	}
	if out.Ping != "half" {
		t.Errorf("partial data not decoded: out.Ping = %q", out.Ping)
	}
	if len(errs.List) != 2 || errs.List[0].Code() != CodeNotFound ||
		errs.List[0].Path[1] != float64(0) || errs.List[1].Locations[0].Column != 3 {
		t.Errorf("errors = %+v", errs.List)
	}
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnauthorized) {
		t.Errorf("errors.Is: NotFound %v Unauthorized %v, want true false",
			errors.Is(err, ErrNotFound), errors.Is(err, ErrUnauthorized))
	}
	if msg := err.Error(); !strings.Contains(msg, "ping.0.alerts: no such alert; second") {
		t.Errorf("Error() = %q", msg)
	}
}

func TestDoErrorSentinels(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		want     error
		wantType string
		wantText string
	}{
		{"unauthenticated code", 200, `{"data":null,"errors":[{"message":"bad token",` +
			`"extensions":{"code":"UNAUTHENTICATED"}}]}`, ErrUnauthorized, "*sdk.Errors",
			"token given to gotaegis was refused"},
		{"forbidden code", 200, `{"errors":[{"message":"no grant",` +
			`"extensions":{"code":"FORBIDDEN"}}]}`, ErrForbiddenTenant, "*sdk.Errors",
			"no grant for tenant 42"},
		{"not found code", 200, `{"errors":[{"message":"gone",` +
			`"extensions":{"code":"NOT_FOUND"}}]}`, ErrNotFound, "*sdk.Errors", "gone"},
		{"rate limited code", 200, `{"errors":[{"message":"slow down",` +
			`"extensions":{"code":"RATE_LIMITED"}}]}`, ErrRateLimited, "*sdk.Errors", "slow down"},
		{"http 401", 401, `denied`, ErrUnauthorized, "*sdk.HTTPError", "HTTP 401"},
		{"http 403", 403, `forbidden`, ErrForbiddenTenant, "*sdk.HTTPError", "forbidden"},
		{"http 404", 404, `nothing here`, ErrNotFound, "*sdk.HTTPError", "nothing here"},
		{"http 400 with errors envelope", 400, `{"errors":[{"message":"Cannot query field ` +
			`\"x\""}]}`, nil, "*sdk.Errors", `Cannot query field "x"`},
		{"http 502 plain", 502, strings.Repeat("x", 2000), nil, "*sdk.HTTPError", "HTTP 502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTaegis(t)
			f.graphql = func(w http.ResponseWriter, _ *recordedRequest, _ int) {
				writeJSON(w, tt.status, tt.body)
			}
			// A static token: a refused one cannot be replaced, so one attempt answers.
			c := newTestClient(t, f, func(cfg *Config) {
				cfg.Token = "static"
				cfg.Tenant = "42"
				cfg.Retry.MaxTime = -1
			})
			err := c.Do(context.Background(), Request{Kind: Query, Field: "ping",
				Document: pingDoc}, &pingOut{})
			if err == nil {
				t.Fatal("Do succeeded, want an error")
			}
			if got := typeName(err); got != tt.wantType {
				t.Errorf("error type %s, want %s (%v)", got, tt.wantType, err)
			}
			for _, s := range []error{ErrUnauthorized, ErrForbiddenTenant, ErrNotFound,
				ErrRateLimited} {
				if errors.Is(err, s) != (s == tt.want) {
					t.Errorf("errors.Is(err, %v) = %v", s, errors.Is(err, s))
				}
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("Error() = %q, want it to contain %q", err.Error(), tt.wantText)
			}
			if len(err.Error()) > 1000 {
				t.Errorf("Error() is %d bytes; the body must be cut", len(err.Error()))
			}
			if strings.Contains(err.Error(), "static") {
				t.Errorf("Error() contains the token: %q", err.Error())
			}
		})
	}
}

func typeName(err error) string {
	switch err.(type) {
	case *Errors:
		return "*sdk.Errors"
	case *HTTPError:
		return "*sdk.HTTPError"
	}
	return "other"
}

func TestDoRefreshesRefusedTokenOnce(t *testing.T) {
	tests := []struct {
		name      string
		refuse    func(w http.ResponseWriter)
		always    bool
		wantCalls int32
		wantErr   error
	}{
		{"http 401 then ok", func(w http.ResponseWriter) { writeJSON(w, 401, `expired`) },
			false, 2, nil},
		{"unauthenticated code then ok", func(w http.ResponseWriter) {
			writeJSON(w, 200, `{"data":null,"errors":[{"message":"expired",`+
				`"extensions":{"code":"UNAUTHENTICATED"}}]}`)
		}, false, 2, nil},
		{"http 401 always", func(w http.ResponseWriter) { writeJSON(w, 401, `no`) },
			true, 2, ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTaegis(t)
			f.graphql = func(w http.ResponseWriter, r *recordedRequest, n int) {
				if tt.always || r.Token == f.issued(0) {
					tt.refuse(w)
					return
				}
				writeJSON(w, 200, `{"data":{"ping":"pong"}}`)
			}
			c := newTestClient(t, f, nil)
			var out pingOut
			err := c.Do(context.Background(), Request{Kind: Mutation, Field: "setPing",
				Document: pingMutation}, &out)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Do: %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "check CLIENT_ID/CLIENT_SECRET for "+
				"region fake or run gotaegis auth login --region fake") {
				t.Errorf("Error() = %q, want what to do", err)
			}
			if got := f.graphqlCalls.Load(); got != tt.wantCalls {
				t.Errorf("GraphQL requests = %d, want %d", got, tt.wantCalls)
			}
			if got := f.tokenCalls.Load(); got != 2 {
				t.Errorf("token fetches = %d, want 2", got)
			}
		})
	}
}

type answer struct {
	status     int
	retryAfter string
}

func TestDoRetries(t *testing.T) {
	tests := []struct {
		name       string
		kind       Kind
		answers    []answer // then 200
		maxTime    time.Duration
		wantCalls  int32
		wantDelays []time.Duration // nil: not checked; the jittered backoff is only bounded
		wantErr    error
		wantStatus int
	}{
		{"query 429 honours Retry-After seconds", Query, []answer{{429, "3"}}, 0, 2,
			[]time.Duration{3 * time.Second}, nil, 0},
		{"mutation 429 honours Retry-After", Mutation, []answer{{429, "1"}}, 0, 2,
			[]time.Duration{time.Second}, nil, 0},
		{"query 429 with HTTP date", Query, []answer{{429, time.Now().Add(-time.Minute).
			UTC().Format(http.TimeFormat)}}, 0, 2, []time.Duration{0}, nil, 0},
		{"query 500 retried", Query, []answer{{500, ""}}, 0, 2, nil, nil, 0},
		{"query 408, 502, 503, 504 retried", Query, []answer{{408, ""}, {502, ""}, {503, ""},
			{504, ""}}, 0, 5, nil, nil, 0},
		{"mutation 500 not retried", Mutation, []answer{{500, ""}}, 0, 1, []time.Duration{},
			nil, 500},
		{"mutation 503 not retried", Mutation, []answer{{503, ""}}, 0, 1, []time.Duration{},
			nil, 503},
		{"query 400 not retried", Query, []answer{{400, ""}}, 0, 1, []time.Duration{}, nil, 400},
		{"Retry-After beyond max time", Query, []answer{{429, "30"}}, 5 * time.Second, 1,
			[]time.Duration{}, ErrRateLimited, 429},
		{"retries off", Query, []answer{{503, ""}}, -1, 1, []time.Duration{}, nil, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTaegis(t)
			f.graphql = func(w http.ResponseWriter, _ *recordedRequest, n int) {
				if n <= len(tt.answers) {
					a := tt.answers[n-1]
					if a.retryAfter != "" {
						w.Header().Set("Retry-After", a.retryAfter)
					}
					writeJSON(w, a.status, `busy`)
					return
				}
				writeJSON(w, 200, `{"data":{"ping":"pong"}}`)
			}
			c := newTestClient(t, f, func(cfg *Config) { cfg.Retry.MaxTime = tt.maxTime })
			delays := recordSleeps(c)

			doc := pingDoc
			if tt.kind == Mutation {
				doc = pingMutation
			}
			var out pingOut
			err := c.Do(context.Background(), Request{Kind: tt.kind, Field: "ping",
				Document: doc}, &out)
			if got := f.graphqlCalls.Load(); got != tt.wantCalls {
				t.Errorf("attempts = %d, want %d", got, tt.wantCalls)
			}
			if tt.wantDelays != nil && !equalDurations(*delays, tt.wantDelays) {
				t.Errorf("delays = %v, want %v", *delays, tt.wantDelays)
			}
			for _, d := range *delays {
				if tt.wantDelays == nil && (d <= 0 || d > 5*time.Millisecond) {
					t.Errorf("backoff delay %v outside (0, MaxDelay]", d)
				}
			}
			if tt.wantStatus == 0 {
				if err != nil || out.Ping != "pong" {
					t.Fatalf("Do: %v, %+v; want success after retries", err, out)
				}
				return
			}
			var he *HTTPError
			if !errors.As(err, &he) || he.Status != tt.wantStatus {
				t.Fatalf("Do: %v, want HTTP %d", err, tt.wantStatus)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantErr)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		// An HTTP date is read against the clock; a second's slack covers that.
		if d := a[i] - b[i]; d < -time.Second || d > time.Second {
			return false
		}
	}
	return true
}

// refusingTransport refuses the first `refuse` dials as a closed port would, then dials.
func refusingTransport(refuse int32) (*http.Transport, *atomic.Int32) {
	var dials atomic.Int32
	tr := http.DefaultTransport.(*http.Transport).Clone()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= refuse {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		return d.DialContext(ctx, network, addr)
	}
	tr.DisableKeepAlives = true
	return tr, &dials
}

func TestDoRetriesRequestsThatNeverLeft(t *testing.T) {
	for _, kind := range []Kind{Query, Mutation} {
		t.Run(string(kind), func(t *testing.T) {
			f := newFakeTaegis(t)
			tr, dials := refusingTransport(2)
			c := newTestClient(t, f, func(cfg *Config) {
				cfg.Token = "static"
				cfg.HTTPClient = &http.Client{Transport: tr}
			})
			doc := pingDoc
			if kind == Mutation {
				doc = pingMutation
			}
			err := c.Do(context.Background(), Request{Kind: kind, Field: "ping", Document: doc},
				&pingOut{})
			if err != nil {
				t.Fatalf("Do: %v, want success after the refused connections", err)
			}
			if dials.Load() != 3 || f.graphqlCalls.Load() != 1 {
				t.Errorf("dials %d, requests %d; want 3 and 1", dials.Load(), f.graphqlCalls.Load())
			}
		})
	}
}

func TestDoDroppedConnection(t *testing.T) {
	// The server reads the request and drops the connection: a query is retried, a mutation
	// is not, because it may have taken effect.
	tests := []struct {
		kind      Kind
		wantCalls int32
		wantOK    bool
	}{{Query, 2, true}, {Mutation, 1, false}}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			f := newFakeTaegis(t)
			f.graphql = func(w http.ResponseWriter, _ *recordedRequest, n int) {
				if n == 1 {
					conn, _, err := http.NewResponseController(w).Hijack()
					if err == nil {
						conn.Close()
					}
					return
				}
				writeJSON(w, 200, `{"data":{"ping":"pong"}}`)
			}
			c := newTestClient(t, f, func(cfg *Config) { cfg.Token = "static" })
			doc := pingDoc
			if tt.kind == Mutation {
				doc = pingMutation
			}
			err := c.Do(context.Background(), Request{Kind: tt.kind, Field: "ping",
				Document: doc}, &pingOut{})
			if (err == nil) != tt.wantOK {
				t.Fatalf("Do: %v, want success %v", err, tt.wantOK)
			}
			if got := f.graphqlCalls.Load(); got != tt.wantCalls {
				t.Errorf("requests = %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestDoCancelledDuringRetry(t *testing.T) {
	f := newFakeTaegis(t)
	ctx, cancel := context.WithCancel(context.Background())
	f.graphql = func(w http.ResponseWriter, _ *recordedRequest, _ int) {
		cancel()
		w.Header().Set("Retry-After", "5")
		writeJSON(w, 503, `busy`)
	}
	c := newTestClient(t, f, func(cfg *Config) { cfg.Token = "static" })
	err := c.Do(ctx, Request{Kind: Query, Field: "ping", Document: pingDoc}, &pingOut{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do: %v, want context.Canceled", err)
	}
}

func TestDoBadRequests(t *testing.T) {
	f := newFakeTaegis(t)
	c := newTestClient(t, f, func(cfg *Config) { cfg.Token = "static" })
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"unparsable selection", Request{Kind: Query, Field: "ping", Document: "query { ping "},
			"does not parse"},
		{"kind mismatch", Request{Kind: Mutation, Field: "ping", Document: pingDoc},
			"the request says mutation"},
		{"two operations", Request{Kind: Query, Field: "ping",
			Document: "query a { ping } query b { ping }"}, "exactly one operation"},
		{"unknown gateway", Request{Gateway: "nope", Kind: Query, Field: "ping",
			Document: pingDoc}, "unknown gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Do(context.Background(), tt.req, &pingOut{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Do: %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if f.graphqlCalls.Load() != 0 {
		t.Errorf("bad requests reached the server")
	}
	var nilClient *Client
	if err := nilClient.Do(context.Background(), Request{}, nil); err == nil {
		t.Error("Do on a nil client succeeded")
	}
}

func TestDoNotGraphQL(t *testing.T) {
	f := newFakeTaegis(t)
	f.graphql = func(w http.ResponseWriter, _ *recordedRequest, _ int) {
		writeJSON(w, 200, `<html>proxy login</html>`)
	}
	c := newTestClient(t, f, func(cfg *Config) { cfg.Token = "static" })
	err := c.Do(context.Background(), Request{Kind: Query, Field: "ping", Document: pingDoc},
		&pingOut{})
	if err == nil || !strings.Contains(err.Error(), "not a GraphQL response") {
		t.Fatalf("Do: %v, want a not-GraphQL error", err)
	}
}

func TestDoBadCredentials(t *testing.T) {
	f := newFakeTaegis(t)
	f.tokenAuth = func(id, secret string) bool { return id == "id" && secret == "right" }
	c := newTestClient(t, f, nil) // secret is "secret"
	err := c.Do(context.Background(), Request{Kind: Query, Field: "ping", Document: pingDoc},
		&pingOut{})
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("Do: %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), "secret\"") || !strings.Contains(err.Error(), "CLIENT_SECRET") {
		t.Errorf("Error() = %q; want the variable names and no secret", err.Error())
	}
	if f.graphqlCalls.Load() != 0 {
		t.Error("the call went out without a token")
	}
}

func TestDoNoCredentials(t *testing.T) {
	f := newFakeTaegis(t)
	c := newTestClient(t, f, func(cfg *Config) {
		cfg.ClientID, cfg.ClientSecret = "", ""
		cfg.Settings = testSettings(t, "https://api.example.invalid")
	})
	err := c.Do(context.Background(), Request{Kind: Query, Field: "ping", Document: pingDoc},
		&pingOut{})
	if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "gotaegis auth login") {
		t.Fatalf("Do: %v, want ErrNoCredentials with what to do", err)
	}
	if strings.Contains(err.Error(), "api.example.invalid") {
		t.Errorf("Error() = %q; a missing credential is not the endpoint's fault", err)
	}
}

func TestLoopbackRegionUsesEmulatorCredentials(t *testing.T) {
	f := newFakeTaegis(t) // on 127.0.0.1, as a gotaegis emulator would be
	f.tokenAuth = func(id, secret string) bool {
		return id == LocalClientID && secret == LocalClientSecret
	}
	c := newTestClient(t, f, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret = "", "" })
	if err := c.Do(context.Background(), Request{Kind: Query, Field: "ping", Document: pingDoc},
		&pingOut{}); err != nil {
		t.Fatalf("Do: %v", err)
	}
}

func TestDoDecodesIntoRawMessage(t *testing.T) {
	f := newFakeTaegis(t)
	c := newTestClient(t, f, nil)
	var out json.RawMessage
	if err := c.Do(context.Background(), Request{Kind: Query, Field: "ping", Document: pingDoc},
		&out); err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"ping":"pong"}` {
		t.Errorf("out = %s", out)
	}
}

func TestDoUntrustedCertificateNotRetried(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"data":{"ping":"pong"}}`)
	}))
	defer srv.Close()
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	tr, dials := refusingTransport(0)
	c, err := New(Config{Region: "fake", Settings: testSettings(t, srv.URL), Token: "static",
		ConfigDir: t.TempDir(), HTTPClient: &http.Client{Transport: tr},
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(context.Background(), Request{Kind: Query, Field: "ping", Document: pingDoc},
		&pingOut{})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Do: %v, want a certificate error", err)
	}
	if dials.Load() != 1 {
		t.Errorf("%d dials; a rejected certificate must not be retried", dials.Load())
	}
}

package sdk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testJWT returns an unsigned JWT with exp and the tenant claim; the client never verifies
// signatures, so none is needed.
func testJWT(t testing.TB, exp time.Time, tenants ...string) string {
	t.Helper()
	claims := map[string]any{"exp": exp.Unix(), "sub": "test"}
	if len(tenants) > 0 {
		claims[TenantClaim] = strings.Join(tenants, ",")
	}
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	body, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return head + "." + base64.RawURLEncoding.EncodeToString(body) + ".sig"
}

// fakeTaegis is a small Taegis stand-in: a token endpoint issuing numbered JWTs and a GraphQL
// endpoint whose answer each test supplies.
type fakeTaegis struct {
	t   testing.TB
	srv *httptest.Server

	tokenCalls   atomic.Int32
	graphqlCalls atomic.Int32

	mu       sync.Mutex
	tokens   []string // issued, in order
	requests []*recordedRequest
	// graphql answers each GraphQL request; n counts from 1.
	graphql func(w http.ResponseWriter, r *recordedRequest, n int)
	// tokenAuth checks the client credentials; nil accepts any.
	tokenAuth func(id, secret string) bool
}

type recordedRequest struct {
	Header http.Header
	Body   struct {
		Query         string         `json:"query"`
		Variables     map[string]any `json:"variables"`
		OperationName string         `json:"operationName"`
	}
	Token string
}

func newFakeTaegis(t testing.TB) *fakeTaegis {
	f := &fakeTaegis{t: t}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/api/v2/auth/token", f.token)
	mux.HandleFunc("POST /graphql", f.serveGraphQL)
	mux.HandleFunc("POST /events/query", f.serveGraphQL)
	mux.HandleFunc("POST /public/query", f.serveGraphQL)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeTaegis) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		_ = r.ParseForm()
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if r.FormValue("grant_type") != "client_credentials" ||
		f.tokenAuth != nil && !f.tokenAuth(id, secret) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":"invalid_client"}`)
		return
	}
	n := f.tokenCalls.Add(1)
	tok := testJWT(f.t, time.Now().Add(time.Hour), fmt.Sprint(n))
	f.mu.Lock()
	f.tokens = append(f.tokens, tok)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok, "token_type": "bearer", "expires_in": 3600,
	})
}

func (f *fakeTaegis) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	n := int(f.graphqlCalls.Add(1))
	rec := &recordedRequest{Header: r.Header.Clone()}
	rec.Token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if err := json.NewDecoder(r.Body).Decode(&rec.Body); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, rec)
	f.mu.Unlock()
	if f.graphql == nil {
		writeJSON(w, http.StatusOK, `{"data":{"ping":"pong"}}`)
		return
	}
	f.graphql(w, rec, n)
}

func (f *fakeTaegis) issued(i int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i >= len(f.tokens) {
		return ""
	}
	return f.tokens[i]
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// testSettings returns settings with region "fake" pointing at base.
func testSettings(t *testing.T, base string) *Settings {
	t.Helper()
	s := &Settings{}
	if err := s.AddRegion("fake", base, "", ""); err != nil {
		t.Fatal(err)
	}
	return s
}

// newTestClient makes a client for region "fake" on f, with client credentials and a token
// cache in a temporary directory; edit adjusts the Config first.
func newTestClient(t *testing.T, f *fakeTaegis, edit func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Region:       "fake",
		Settings:     testSettings(t, f.srv.URL),
		ConfigDir:    t.TempDir(),
		ClientID:     "id",
		ClientSecret: "secret",
		Version:      "1.2.3",
		Getenv:       func(string) string { return "" },
		Retry:        RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// recordSleeps replaces the transport's sleep with one that records the delays and does not
// wait, so retry tests neither take time nor depend on it.
func recordSleeps(c *Client) *[]time.Duration {
	var delays []time.Duration
	var mu sync.Mutex
	tr := c.core.exec.Transport.(*transport)
	tr.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		delays = append(delays, d)
		mu.Unlock()
		return ctx.Err()
	}
	return &delays
}

const pingDoc = `query ping { ping }`
const pingMutation = `mutation setPing($v: String) { setPing(v: $v) }`

type pingOut struct {
	Ping string `json:"ping"`
}

func timeInAnHour() time.Time { return time.Now().Add(time.Hour) }

// waitFor polls cond until it holds, for something another goroutine does after the call
// under test has returned; it fails the test when that never happens.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("condition never became true")
}

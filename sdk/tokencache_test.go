package sdk

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTokenCacheFile(t *testing.T) {
	dir := t.TempDir()
	cache := NewTokenCache(dir)
	tok := CachedToken{AccessToken: testJWT(t, time.Now().Add(time.Hour)),
		Expiry: time.Now().Add(time.Hour).Truncate(time.Second), ClientID: "id"}
	if err := cache.Store("charlie", tok); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "tokens", "charlie.json"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", info.Mode().Perm())
	}
	if dirInfo, _ := os.Stat(filepath.Join(dir, "tokens")); dirInfo.Mode().Perm() != 0o700 {
		t.Errorf("token directory mode %v, want 0700", dirInfo.Mode().Perm())
	}
	got, ok := cache.Load("charlie")
	if !ok || got.AccessToken != tok.AccessToken || !got.Expiry.Equal(tok.Expiry) {
		t.Errorf("Load = %+v, %v", got, ok)
	}
	if regions, _ := cache.Regions(); !slices.Equal(regions, []string{"charlie"}) {
		t.Errorf("Regions = %v", regions)
	}
	if err := cache.Remove("charlie"); err != nil {
		t.Fatal(err)
	}
	if _, ok := cache.Load("charlie"); ok {
		t.Error("Load after Remove found a token")
	}
	if err := cache.Remove("charlie"); err != nil {
		t.Errorf("Remove of a missing token: %v", err)
	}
	if err := cache.Store("../evil", tok); err == nil {
		t.Error("Store accepted a path as region name")
	}
	damaged := filepath.Join(dir, "tokens", "delta.json")
	if err := os.WriteFile(damaged, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := cache.Load("delta"); ok {
		t.Error("a damaged cache file was loaded")
	}
}

func TestCachedTokenValid(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		exp  time.Duration
		want bool
	}{
		{time.Hour, true}, {15 * time.Second, true}, {14 * time.Second, false},
		{-time.Minute, false},
	}
	for _, tt := range tests {
		tok := CachedToken{AccessToken: "x", Expiry: now.Add(tt.exp)}
		if got := tok.Valid(now); got != tt.want {
			t.Errorf("expiry now%+v: Valid = %v, want %v", tt.exp, got, tt.want)
		}
	}
	if (CachedToken{AccessToken: "x"}).Valid(now) {
		t.Error("a token without expiry is valid from the cache")
	}
}

func TestTokenExpiryAndTenants(t *testing.T) {
	exp := time.Unix(1900000000, 0)
	tok := testJWT(t, exp, "11111", "22222")
	if got, ok := TokenExpiry(tok); !ok || !got.Equal(exp) {
		t.Errorf("TokenExpiry = %v, %v; want %v", got, ok, exp)
	}
	if got := TokenTenants(tok); !slices.Equal(got, []string{"11111", "22222"}) {
		t.Errorf("TokenTenants = %v", got)
	}
	for _, bad := range []string{"", "opaque", "a.b.c", "a.!!.c", "a.e30.c"} {
		if _, ok := TokenExpiry(bad); ok {
			t.Errorf("TokenExpiry(%q) ok", bad)
		}
	}
}

// The cache lets a second client (another process, another kernel) reuse the first one's
// token, and makes it fetch a new one when the cached token is about to expire or belongs to
// other credentials.
func TestTokenCacheReuseAndExpiry(t *testing.T) {
	f := newFakeTaegis(t)
	dir := t.TempDir()
	mk := func(id string) *Client {
		return newTestClient(t, f, func(cfg *Config) {
			cfg.ConfigDir = dir
			cfg.ClientID = id
		})
	}
	call := func(c *Client) {
		t.Helper()
		if err := c.Do(context.Background(), Request{Kind: Query, Field: "ping",
			Document: pingDoc}, &pingOut{}); err != nil {
			t.Fatal(err)
		}
	}

	call(mk("id"))
	call(mk("id"))
	if n := f.tokenCalls.Load(); n != 1 {
		t.Fatalf("token fetches = %d after two clients, want 1 (the cache is reused)", n)
	}

	call(mk("other"))
	if n := f.tokenCalls.Load(); n != 2 {
		t.Fatalf("token fetches = %d, want 2 (another client id's token is not reused)", n)
	}

	cache := NewTokenCache(dir)
	soon := testJWT(t, time.Now().Add(10*time.Second))
	if err := cache.Store("fake", CachedToken{AccessToken: soon,
		Expiry: time.Now().Add(10 * time.Second), ClientID: "id"}); err != nil {
		t.Fatal(err)
	}
	call(mk("id"))
	if n := f.tokenCalls.Load(); n != 3 {
		t.Fatalf("token fetches = %d, want 3 (a token expiring within 15 s is replaced)", n)
	}
	if last := f.requests[len(f.requests)-1].Token; last == soon {
		t.Error("the expiring cached token was sent")
	}
	if got, _ := cache.Load("fake"); got.AccessToken != f.issued(2) {
		t.Error("the fresh token was not written to the cache")
	}
}

func TestNoTokenCache(t *testing.T) {
	f := newFakeTaegis(t)
	dir := t.TempDir()
	c := newTestClient(t, f, func(cfg *Config) { cfg.ConfigDir = dir; cfg.NoTokenCache = true })
	if err := c.Do(context.Background(), Request{Kind: Query, Field: "ping", Document: pingDoc},
		&pingOut{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tokens")); !os.IsNotExist(err) {
		t.Errorf("NoTokenCache wrote %s/tokens (%v)", dir, err)
	}
}

func TestDeviceLogin(t *testing.T) {
	tok := testJWT(t, time.Now().Add(time.Hour))
	polls := 0
	mux := http.NewServeMux()
	mux.HandleFunc("POST /universal-auth/device/code/auth", func(w http.ResponseWriter,
		_ *http.Request) {
		writeJSON(w, 200, `{"device_code":"dev-1","user_code":"ABCD","verification_uri":`+
			`"https://login.example.com/activate","interval":1,"expires_in":60}`)
	})
	mux.HandleFunc("POST /universal-auth/device/code/token", func(w http.ResponseWriter,
		r *http.Request) {
		polls++
		if !strings.Contains(readBody(r), `"device_code":"dev-1"`) {
			writeJSON(w, 400, `{"error":"invalid_request"}`)
			return
		}
		if polls == 1 {
			writeJSON(w, 400, `{"error":"authorization_pending"}`)
			return
		}
		writeJSON(w, 200, `{"access_token":"`+tok+`"}`)
	})
	f := newFakeTaegis(t)
	f.srv.Config.Handler = mux

	dir := t.TempDir()
	c := newTestClient(t, f, func(cfg *Config) {
		cfg.ConfigDir = dir
		cfg.ClientID, cfg.ClientSecret = "", ""
	})
	var shown DeviceAuthorization
	err := c.Login(context.Background(), func(d DeviceAuthorization) error {
		shown = d
		return nil
	})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if shown.URL() != "https://login.example.com/activate" || shown.UserCode != "ABCD" {
		t.Errorf("shown %+v", shown)
	}
	if got, ok := NewTokenCache(dir).Load("fake"); !ok || got.AccessToken != tok {
		t.Error("the login token was not cached")
	}
	if polls != 2 {
		t.Errorf("token polls = %d, want 2", polls)
	}
	if err := c.Logout(); err != nil {
		t.Fatal(err)
	}
	if _, ok := NewTokenCache(dir).Load("fake"); ok {
		t.Error("Logout kept the cached token")
	}
}

func TestDeviceLoginRefused(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /universal-auth/device/code/auth", func(w http.ResponseWriter,
		_ *http.Request) {
		writeJSON(w, 200, `{"device_code":"d","verification_uri_complete":"https://x/y?c=1"}`)
	})
	mux.HandleFunc("POST /universal-auth/device/code/token", func(w http.ResponseWriter,
		_ *http.Request) {
		writeJSON(w, 403, `{"error":"access_denied","error_description":"user said no"}`)
	})
	f := newFakeTaegis(t)
	f.srv.Config.Handler = mux
	_, err := DeviceLogin(context.Background(), nil, f.srv.URL,
		func(DeviceAuthorization) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "user said no") {
		t.Fatalf("DeviceLogin: %v, want the refusal", err)
	}
}

func readBody(r *http.Request) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

package auth

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

func newTestAuthority(t *testing.T, manual bool) (*Authority, *httptest.Server) {
	t.Helper()
	a, err := New(Config{
		KeyFile:              filepath.Join(t.TempDir(), "jwt.key"),
		ClientID:             "id",
		ClientSecret:         "secret",
		Tenants:              []string{"11111", "22222"},
		ManualDeviceApproval: manual,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/auth/api/v2/auth/token", a.TokenHandler())
	mux.Handle("/universal-auth/device/code/auth", a.DeviceAuthHandler())
	mux.Handle("/universal-auth/device/code/token", a.DeviceTokenHandler())
	mux.Handle(ActivatePath, a.ActivateHandler())
	mux.Handle("/whoami", a.Require(http.HandlerFunc(func(w http.ResponseWriter,
		r *http.Request) {
		p := FromContext(r.Context())
		_ = json.NewEncoder(w).Encode(map[string]any{
			"sub": p.Claims.Subject, "tenant": p.Tenant, "granted": p.Granted(),
		})
	})))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return a, srv
}

func TestClientCredentials(t *testing.T) {
	_, srv := newTestAuthority(t, false)
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cc := clientcredentials.Config{ClientID: "id", ClientSecret: "secret",
			TokenURL: srv.URL + "/auth/api/v2/auth/token", AuthStyle: style}
		tok, err := cc.Token(context.Background())
		if err != nil {
			t.Fatalf("style %d: %v", style, err)
		}
		if tok.AccessToken == "" || time.Until(tok.Expiry) < 50*time.Minute {
			t.Fatalf("style %d: token %+v", style, tok)
		}
	}

	bad := clientcredentials.Config{ClientID: "id", ClientSecret: "wrong",
		TokenURL: srv.URL + "/auth/api/v2/auth/token"}
	if _, err := bad.Token(context.Background()); err == nil ||
		!strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("wrong secret: %v, want invalid_client", err)
	}

	resp, err := http.PostForm(srv.URL+"/auth/api/v2/auth/token",
		url.Values{"grant_type": {"password"}, "client_id": {"id"}, "client_secret": {"secret"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), "unsupported_grant_type") {
		t.Fatalf("password grant: %d %s", resp.StatusCode, body)
	}
}

func get(t *testing.T, url string, h map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRequire(t *testing.T) {
	a, srv := newTestAuthority(t, false)
	tok, _ := a.Issue("client:id", 0)
	expired, _ := a.Issue("client:id", -time.Minute)
	other, _ := newTestAuthority(t, false)
	forged, _ := other.Issue("client:id", 0)

	tests := []struct {
		name    string
		headers map[string]string
		status  int
		want    string
	}{
		{"bearer, default tenant", map[string]string{"Authorization": "Bearer " + tok}, 200,
			`"tenant":"11111"`},
		{"tenant header", map[string]string{"Authorization": "Bearer " + tok,
			TenantHeader: "22222"}, 200, `"granted":true,"sub":"client:id","tenant":"22222"`},
		{"tenant not granted", map[string]string{"Authorization": "Bearer " + tok,
			TenantHeader: "99999"}, 200, `"granted":false`},
		{"subprotocols", map[string]string{"Sec-WebSocket-Protocol": "graphql-ws, access-token-" +
			tok + ", x-tenant-context-22222"}, 200, `"tenant":"22222"`},
		{"cookies", map[string]string{"Cookie": "access_token=" + tok +
			"; x-tenant-context=22222"}, 200, `"tenant":"22222"`},
		{"missing", nil, 401, "no access token"},
		{"expired", map[string]string{"Authorization": "Bearer " + expired}, 401, "expired"},
		{"forged", map[string]string{"Authorization": "Bearer " + forged}, 401, "signature"},
		{"garbage", map[string]string{"Authorization": "Bearer abc"}, 401, "UNAUTHENTICATED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(t, srv.URL+"/whoami", tt.headers)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("got %d %s, want %d containing %q", status, body, tt.status, tt.want)
			}
		})
	}
}

func deviceStart(t *testing.T, srv *httptest.Server) deviceAuthResponse {
	t.Helper()
	resp, err := http.Post(srv.URL+"/universal-auth/device/code/auth", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d deviceAuthResponse
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.DeviceCode == "" || d.UserCode == "" || !strings.Contains(d.VerificationURIComplete,
		d.UserCode) || d.Interval <= 0 {
		t.Fatalf("device auth response %+v", d)
	}
	return d
}

func devicePoll(t *testing.T, srv *httptest.Server, code string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(srv.URL+"/universal-auth/device/code/token", "application/json",
		strings.NewReader(`{"device_code":"`+code+`","interval":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestDeviceCodeAutoApproved(t *testing.T) {
	a, srv := newTestAuthority(t, false)
	d := deviceStart(t, srv)
	status, m := devicePoll(t, srv, d.DeviceCode)
	if status != 200 {
		t.Fatalf("poll: %d %v", status, m)
	}
	c, err := a.Verify(m["access_token"].(string))
	if err != nil || !strings.HasPrefix(c.Subject, "user:") {
		t.Fatalf("device token claims %+v, %v", c, err)
	}
	if status, m := devicePoll(t, srv, d.DeviceCode); status != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("second redeem: %d %v, want invalid_grant", status, m)
	}
}

func TestDeviceCodeManualApproval(t *testing.T) {
	_, srv := newTestAuthority(t, true)
	d := deviceStart(t, srv)
	if status, m := devicePoll(t, srv, d.DeviceCode); status != 400 ||
		m["error"] != "authorization_pending" {
		t.Fatalf("before approval: %d %v", status, m)
	}
	if status, body := get(t, srv.URL+ActivatePath+"?user_code=NOPE-NOPE", nil); status != 404 {
		t.Fatalf("wrong user code approved: %d %s", status, body)
	}
	if status, body := get(t, d.VerificationURIComplete, nil); status != 200 {
		t.Fatalf("approve: %d %s", status, body)
	}
	if status, m := devicePoll(t, srv, d.DeviceCode); status != 200 || m["access_token"] == "" {
		t.Fatalf("after approval: %d %v", status, m)
	}
}

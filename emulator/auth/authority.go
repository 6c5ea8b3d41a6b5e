package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config says who may get tokens and what the tokens grant.
type Config struct {
	// KeyFile holds the signing key; it is created on first use.
	KeyFile string
	// ClientID and ClientSecret are the one set of client credentials accepted.
	ClientID     string
	ClientSecret string
	// TTL is how long an access token is valid; zero means one hour.
	TTL time.Duration
	// Tenants are the tenant ids every issued token grants, in order; the first is a request's
	// tenant when it names none.
	Tenants []string
	// Issuer is the iss claim.
	Issuer string
	// ManualDeviceApproval makes device codes wait until someone opens the verification URL;
	// by default a device code is approved the first time it is polled.
	ManualDeviceApproval bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Authority issues and checks the emulator's access tokens. It is safe for concurrent use.
type Authority struct {
	cfg    Config
	signer signer

	mu      sync.Mutex
	devices map[string]*deviceCode // by device_code
}

// New loads (or creates) the signing key and returns an Authority.
func New(cfg Config) (*Authority, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, fmt.Errorf("auth: a client id and a client secret are required")
	}
	if cfg.TTL <= 0 {
		cfg.TTL = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "gotaegis-emulator"
	}
	key, err := loadKey(cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return &Authority{
		cfg:     cfg,
		signer:  signer{key: key, issuer: cfg.Issuer},
		devices: map[string]*deviceCode{},
	}, nil
}

// Issue signs a token for subject valid for ttl (the configured TTL when ttl is zero).
func (a *Authority) Issue(subject string, ttl time.Duration) (string, error) {
	if ttl == 0 {
		ttl = a.cfg.TTL
	}
	now := a.cfg.Now()
	return a.signer.issue(Claims{
		Subject:   subject,
		IssuedAt:  now.Unix(),
		ExpiresAt: now.Add(ttl).Unix(),
		ID:        randomString(12),
		TenantIDs: append([]string(nil), a.cfg.Tenants...),
		Roles:     []string{"tenantAdmin"},
		ClientID:  a.cfg.ClientID,
	})
}

// Verify checks a token and returns its claims.
func (a *Authority) Verify(token string) (*Claims, error) {
	return a.signer.verify(token, a.cfg.Now())
}

// tokenResponse is RFC 6749's successful token response.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// oauthError is RFC 6749's error response.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// TokenHandler serves POST /auth/api/v2/auth/token: the client-credentials grant, with the
// credentials in HTTP basic auth or in the client_id and client_secret fields of a form or
// JSON body.
func (a *Authority) TokenHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request",
				"use POST with grant_type=client_credentials")
			return
		}
		f, err := readFields(r)
		if err != nil {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", err.Error())
			return
		}
		if gt := f["grant_type"]; gt != "client_credentials" {
			writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type",
				fmt.Sprintf("grant_type %q is not supported; use client_credentials", gt))
			return
		}
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = f["client_id"], f["client_secret"]
		}
		if !a.clientMatches(id, secret) {
			w.Header().Set("WWW-Authenticate", `Basic realm="gotaegis-emulator"`)
			writeOAuthError(w, http.StatusUnauthorized, "invalid_client",
				"unknown client id or wrong secret; the emulator prints the credentials it "+
					"accepts when it starts")
			return
		}
		a.writeToken(w, "client:"+id)
	})
}

func (a *Authority) clientMatches(id, secret string) bool {
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(a.cfg.ClientID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(a.cfg.ClientSecret)) == 1
	return idOK && secretOK
}

func (a *Authority) writeToken(w http.ResponseWriter, subject string) {
	tok, err := a.Issue(subject, 0)
	if err != nil {
		writeOAuthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: tok,
		TokenType:   "Bearer",
		ExpiresIn:   int64(a.cfg.TTL / time.Second),
	})
}

// readFields reads a form or JSON request body into a flat map of strings.
func readFields(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	r.Body = http.MaxBytesReader(nil, r.Body, 1<<16)
	if ct == "application/json" {
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return nil, fmt.Errorf("the request body is not a JSON object: %v", err)
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				out[k] = v
			case float64:
				out[k] = fmt.Sprint(v)
			}
		}
		return out, nil
	}
	if err := r.ParseForm(); err != nil {
		return nil, fmt.Errorf("the request body is not a form: %v", err)
	}
	for k := range r.PostForm {
		out[k] = r.PostForm.Get(k)
	}
	return out, nil
}

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, oauthError{Error: code, Description: description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.TrimRight(base64.RawURLEncoding.EncodeToString(b), "=")
}

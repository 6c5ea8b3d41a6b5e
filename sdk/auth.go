package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// The emulator's default client credentials, used for region local when none are set.
const (
	LocalClientID     = "gotaegis-local"
	LocalClientSecret = "gotaegis-local-secret"
)

// ErrNoCredentials means no token could be had without asking a person: no static token, no
// valid cached token, no client credentials and no device login.
var ErrNoCredentials = errors.New("no credentials")

// tokenProvider hands out bearer tokens for one region, fetching them once and sharing them
// among all copies of a Client. It is safe for concurrent use; concurrent callers wait for one
// fetch instead of each making their own.
type tokenProvider struct {
	mu      sync.Mutex
	current CachedToken

	static       string      // a fixed token; never refreshed
	cacheKey     string      // region name, or "universal" for universal auth
	cache        *TokenCache // nil: no file cache
	clientID     string      // client credentials; empty when not configured
	clientSecret string      // never logged, never in an error
	authBase     func(context.Context) (string, error)
	httpClient   *http.Client // plain client for the token endpoints
	device       func(DeviceAuthorization) error
	names        credentialNames
	region       string
	now          func() time.Time
}

// Token returns a token valid for at least tokenLeeway.
func (p *tokenProvider) Token(ctx context.Context) (string, error) {
	if p.static != "" {
		return p.static, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()

	now := p.now()
	// A token without a known expiry serves until the server refuses it.
	if p.current.Valid(now) || p.current.AccessToken != "" && p.current.Expiry.IsZero() {
		return p.current.AccessToken, nil
	}
	if p.cache != nil {
		if tok, ok := p.cache.Load(p.cacheKey); ok && tok.Valid(now) && p.cachedUsable(tok) {
			p.current = tok
			return tok.AccessToken, nil
		}
	}

	tok, err := p.fetch(ctx)
	if err != nil {
		return "", err
	}
	p.current = tok
	if p.cache != nil && !tok.Expiry.IsZero() {
		// A token that cannot be cached still serves this process; say nothing.
		_ = p.cache.Store(p.cacheKey, tok)
	}
	return tok.AccessToken, nil
}

// cachedUsable reports whether a cached token belongs to the configured credentials: a token of
// another client may carry other tenant grants.
func (p *tokenProvider) cachedUsable(tok CachedToken) bool {
	return p.clientID == "" || tok.ClientID == p.clientID
}

// Invalidate drops tok after the server refused it, so the next Token fetches a new one. It
// reports whether a new token is possible at all (a static token cannot be refreshed).
func (p *tokenProvider) Invalidate(tok string) bool {
	if p.static != "" {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.current.AccessToken == tok {
		p.current = CachedToken{}
		if p.cache != nil {
			if cached, ok := p.cache.Load(p.cacheKey); ok && cached.AccessToken == tok {
				_ = p.cache.Remove(p.cacheKey)
			}
		}
	}
	return p.clientID != "" || p.device != nil
}

// Set makes tok the current token and caches it.
func (p *tokenProvider) Set(tok CachedToken) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = tok
	if p.cache == nil {
		return nil
	}
	return p.cache.Store(p.cacheKey, tok)
}

func (p *tokenProvider) fetch(ctx context.Context) (CachedToken, error) {
	base, err := p.authBase(ctx)
	if err != nil {
		return CachedToken{}, err
	}
	switch {
	case p.clientID != "":
		return p.clientCredentials(ctx, base)
	case p.device != nil:
		return DeviceLogin(ctx, p.httpClient, base, p.device)
	}
	return CachedToken{}, fmt.Errorf("region %s: %w: set %s and %s, or run gotaegis auth login "+
		"--region %s", p.region, ErrNoCredentials, p.names.id, p.names.secret, p.region)
}

func (p *tokenProvider) clientCredentials(ctx context.Context, base string) (CachedToken, error) {
	cc := clientcredentials.Config{
		ClientID:     p.clientID,
		ClientSecret: p.clientSecret,
		TokenURL:     base + "/auth/api/v2/auth/token",
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, p.httpClient)
	t, err := cc.Token(ctx)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			status := re.Response.StatusCode
			if status == http.StatusUnauthorized || status == http.StatusBadRequest ||
				status == http.StatusForbidden {
				return CachedToken{}, fmt.Errorf("region %s: token endpoint %s refused the "+
					"client credentials (HTTP %d); check %s and %s: %w", p.region, cc.TokenURL,
					status, p.names.id, p.names.secret, ErrUnauthorized)
			}
			return CachedToken{}, fmt.Errorf("region %s: token endpoint %s: HTTP %d: %s",
				p.region, cc.TokenURL, status, excerpt(string(re.Body)))
		}
		if ctx.Err() != nil {
			return CachedToken{}, ctx.Err()
		}
		return CachedToken{}, fmt.Errorf("region %s: get token from %s: %w", p.region,
			cc.TokenURL, scrub(err, p.clientSecret))
	}
	tok := CachedToken{AccessToken: t.AccessToken, Expiry: t.Expiry, ClientID: p.clientID}
	if exp, ok := TokenExpiry(t.AccessToken); ok {
		tok.Expiry = exp
	}
	return tok, nil
}

// scrub removes secret from err's text, should a library ever echo it back.
func scrub(err error, secret string) error {
	if secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "<redacted>"))
}

// DeviceAuthorization is the server's answer to a device-code request: where a person logs in.
type DeviceAuthorization struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	// Interval is how many seconds to wait between polls.
	Interval int `json:"interval"`
	// ExpiresIn is how many seconds the device code stays valid.
	ExpiresIn int `json:"expires_in"`
}

// URL is the page a person opens to log in: the complete verification URL when the server gave
// one, else the verification URL (the person then types UserCode).
func (d DeviceAuthorization) URL() string {
	if d.VerificationURIComplete != "" {
		return d.VerificationURIComplete
	}
	return d.VerificationURI
}

// DeviceLogin runs the device-code flow at authBase: it asks for a device code, calls show with
// where to log in, then waits for the token until the person has logged in, the code expires or
// ctx ends. hc may be nil (http.DefaultClient).
func DeviceLogin(ctx context.Context, hc *http.Client, authBase string,
	show func(DeviceAuthorization) error) (CachedToken, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	authBase = strings.TrimRight(authBase, "/")

	var d DeviceAuthorization
	status, err := postJSON(ctx, hc, authBase+"/universal-auth/device/code/auth", nil, &d)
	if err != nil {
		return CachedToken{}, fmt.Errorf("device login: %w", err)
	}
	if status != http.StatusOK || d.DeviceCode == "" || d.URL() == "" {
		return CachedToken{}, fmt.Errorf("device login: %s answered HTTP %d without a device "+
			"code and verification URL", authBase, status)
	}
	if err := show(d); err != nil {
		return CachedToken{}, fmt.Errorf("device login: %w", err)
	}

	interval := time.Duration(max(d.Interval, 1)) * time.Second
	expires := 15 * time.Minute
	if d.ExpiresIn > 0 {
		expires = time.Duration(d.ExpiresIn) * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, expires)
	defer cancel()
	body := map[string]any{"device_code": d.DeviceCode, "interval": d.Interval}
	for {
		var out struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int    `json:"expires_in"`
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		status, err := postJSON(ctx, hc, authBase+"/universal-auth/device/code/token", body, &out)
		if err != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return CachedToken{}, errors.New("device login: the code expired before the " +
					"login finished; run the login again")
			}
			return CachedToken{}, fmt.Errorf("device login: %w", err)
		}
		switch {
		case status == http.StatusOK && out.AccessToken != "":
			tok := CachedToken{AccessToken: out.AccessToken}
			if exp, ok := TokenExpiry(out.AccessToken); ok {
				tok.Expiry = exp
			} else if out.ExpiresIn > 0 {
				tok.Expiry = time.Now().Add(time.Duration(out.ExpiresIn) * time.Second)
			}
			return tok, nil
		case out.Error == "authorization_pending":
		case out.Error == "slow_down":
			interval += 5 * time.Second
		case out.Error != "":
			return CachedToken{}, fmt.Errorf("device login refused: %s %s", out.Error,
				out.Description)
		default:
			return CachedToken{}, fmt.Errorf("device login: token endpoint answered HTTP %d "+
				"without an access token", status)
		}
		if err := sleep(ctx, interval); err != nil {
			return CachedToken{}, errors.New("device login: the code expired or the login " +
				"was cancelled before it finished")
		}
	}
}

// postJSON posts body (nil: no body) and decodes a JSON answer into out whatever the status.
func postJSON(ctx context.Context, hc *http.Client, url string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = strings.NewReader(string(data))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("read %s: %w", url, err)
	}
	if len(strings.TrimSpace(string(data))) > 0 && json.Unmarshal(data, out) != nil {
		return resp.StatusCode, fmt.Errorf("%s answered HTTP %d with a body that is not JSON: %s",
			url, resp.StatusCode, excerpt(string(data)))
	}
	return resp.StatusCode, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
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

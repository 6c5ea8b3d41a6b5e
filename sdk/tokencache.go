package sdk

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tokenLeeway is how long a token must still be valid to be used: a token about to expire
// would fail mid-call.
const tokenLeeway = 15 * time.Second

// TokenCache keeps one access token per region in files of mode 0600 under a directory. It is
// safe for concurrent use by one process; across processes the last writer wins, which only
// costs a token fetch.
type TokenCache struct {
	dir string
}

// NewTokenCache returns the cache in dir/tokens (dir is usually ConfigDir()).
func NewTokenCache(dir string) *TokenCache {
	return &TokenCache{dir: filepath.Join(dir, "tokens")}
}

// CachedToken is one cached access token.
type CachedToken struct {
	AccessToken string `json:"access_token"`
	// Expiry is when the token stops being valid: the JWT exp, or what the token endpoint said.
	Expiry time.Time `json:"expiry"`
	// ClientID is the client whose credentials produced the token; empty for a person's login.
	ClientID string `json:"client_id,omitempty"`
}

// Valid reports whether the token is still valid for the leeway at now.
func (t CachedToken) Valid(now time.Time) bool {
	return t.AccessToken != "" && !t.Expiry.IsZero() && !t.Expiry.Before(now.Add(tokenLeeway))
}

func (c *TokenCache) path(region string) (string, error) {
	if !regionNameRE.MatchString(region) {
		return "", fmt.Errorf("token cache: bad region name %q", region)
	}
	return filepath.Join(c.dir, region+".json"), nil
}

// Load returns the cached token of region; ok is false when there is none or it does not
// decode (a damaged cache file is treated as empty, the next Store replaces it).
func (c *TokenCache) Load(region string) (tok CachedToken, ok bool) {
	p, err := c.path(region)
	if err != nil {
		return CachedToken{}, false
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return CachedToken{}, false
	}
	if json.Unmarshal(data, &tok) != nil || tok.AccessToken == "" {
		return CachedToken{}, false
	}
	return tok, true
}

// Store writes the token of region with mode 0600.
func (c *TokenCache) Store(region string, tok CachedToken) error {
	p, err := c.path(region)
	if err != nil {
		return err
	}
	data, err := json.Marshal(tok)
	if err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	if err := writeFileAtomic(p, data, 0o600); err != nil {
		return fmt.Errorf("token cache: %w", err)
	}
	return nil
}

// Remove deletes the cached token of region; a missing one is not an error.
func (c *TokenCache) Remove(region string) error {
	p, err := c.path(region)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("token cache: %w", err)
	}
	return nil
}

// Regions lists the regions with a cached token.
func (c *TokenCache) Regions() ([]string, error) {
	entries, err := os.ReadDir(c.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("token cache: %w", err)
	}
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok && regionNameRE.MatchString(name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// TokenExpiry reads the exp claim of a JWT without verifying its signature (the server
// verifies it; the client only needs to know when to fetch a new one). ok is false when token
// is not a JWT with a numeric exp.
func TokenExpiry(token string) (exp time.Time, ok bool) {
	claims, ok := tokenClaims(token)
	if !ok {
		return time.Time{}, false
	}
	var c struct {
		Exp *json.Number `json:"exp"`
	}
	if json.Unmarshal(claims, &c) != nil || c.Exp == nil {
		return time.Time{}, false
	}
	f, err := c.Exp.Float64()
	if err != nil || f <= 0 || f > 1<<40 {
		return time.Time{}, false
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), true
}

// TenantClaim is the JWT claim that lists the tenant ids a token is granted.
const TenantClaim = "https://missione/octolabs/io/tenantIds"

// TokenTenants returns the tenant ids the token's TenantClaim grants, without verifying the
// token; nil when there is no such claim. The claim may be a list or a comma-separated string.
func TokenTenants(token string) []string {
	claims, ok := tokenClaims(token)
	if !ok {
		return nil
	}
	var c map[string]any
	if json.Unmarshal(claims, &c) != nil {
		return nil
	}
	switch v := c[TenantClaim].(type) {
	case string:
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

// tokenClaims returns the decoded payload segment of a JWT.
func tokenClaims(token string) ([]byte, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, false
	}
	payload := strings.TrimRight(parts[1], "=")
	data, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, false
	}
	return data, true
}

package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TenantIDsClaim is the JWT claim that lists the tenants a token may act on, as Taegis names it.
const TenantIDsClaim = "https://missione/octolabs/io/tenantIds"

// Claims are the parts of an access token the emulator issues and checks.
type Claims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"`
	Audience  string   `json:"aud,omitempty"`
	IssuedAt  int64    `json:"iat"`
	ExpiresAt int64    `json:"exp"`
	ID        string   `json:"jti,omitempty"`
	TenantIDs []string `json:"https://missione/octolabs/io/tenantIds"`
	Roles     []string `json:"https://missione/octolabs/io/roles,omitempty"`
	ClientID  string   `json:"azp,omitempty"`
	Email     string   `json:"email,omitempty"`
}

// Grants reports whether the token may act on tenant.
func (c *Claims) Grants(tenant string) bool {
	for _, t := range c.TenantIDs {
		if t == tenant {
			return true
		}
	}
	return false
}

// signer issues and verifies HS256 JWTs with one key.
type signer struct {
	key    []byte
	issuer string
}

// The ways a token can be refused; each message tells the caller what to do.
var (
	errTokenMissing = errors.New("no access token: send Authorization: Bearer <token> " +
		"(get one with client credentials from /auth/api/v2/auth/token)")
	errTokenMalformed = errors.New("access token is not a well-formed JWT")
	errTokenSignature = errors.New("access token signature is not valid for this emulator " +
		"(was it issued by another server or data directory?)")
	errTokenExpired = errors.New("access token has expired: request a new one")
)

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// loadKey reads the signing key from path, creating a random one (mode 0600) the first time, so
// tokens stay valid across restarts with the same data directory.
func loadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("write signing key: %w", err)
	}
	return key, nil
}

// issue signs claims into a compact JWT.
func (s *signer) issue(c Claims) (string, error) {
	c.Issuer = s.issuer
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	signing := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	return signing + "." + s.sign(signing), nil
}

func (s *signer) sign(signing string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(signing))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verify checks a token's form, signature and expiry at now and returns its claims.
func (s *signer) verify(token string, now time.Time) (*Claims, error) {
	c, err := parseToken(token)
	if err != nil {
		return nil, err
	}
	i := strings.LastIndexByte(token, '.')
	if !hmac.Equal([]byte(token[i+1:]), []byte(s.sign(token[:i]))) {
		return nil, errTokenSignature
	}
	if now.Unix() >= c.ExpiresAt {
		return nil, errTokenExpired
	}
	return c, nil
}

// parseToken decodes a JWT's header and claims without checking the signature. It accepts only
// HS256 tokens with an expiry.
func parseToken(token string) (*Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errTokenMalformed
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", errTokenMalformed, err)
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", errTokenMalformed, err)
	}
	if h.Alg != "HS256" {
		return nil, fmt.Errorf("%w: algorithm %q, want HS256", errTokenMalformed, h.Alg)
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: claims: %v", errTokenMalformed, err)
	}
	var c Claims
	if err := json.Unmarshal(pb, &c); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", errTokenMalformed, err)
	}
	if c.ExpiresAt == 0 {
		return nil, fmt.Errorf("%w: no exp claim", errTokenMalformed)
	}
	if _, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil {
		return nil, fmt.Errorf("%w: signature: %v", errTokenMalformed, err)
	}
	return &c, nil
}

package auth

import (
	"encoding/base64"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTokenRoundTrip(t *testing.T) {
	s := &signer{key: []byte("0123456789abcdef0123456789abcdef"), issuer: "test"}
	now := time.Unix(1_700_000_000, 0)
	tok, err := s.issue(Claims{Subject: "client", ExpiresAt: now.Add(time.Hour).Unix(),
		TenantIDs: []string{"11111", "22222"}})
	if err != nil {
		t.Fatal(err)
	}
	other := &signer{key: []byte("ffffffffffffffffffffffffffffffff"), issuer: "test"}
	forged := strings.Replace(tok, ".", ".x", 1)
	tampered := tok[:strings.LastIndexByte(tok, '.')] + ".AAAA"
	noneAlg := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) +
		tok[strings.IndexByte(tok, '.'):]

	tests := []struct {
		name  string
		s     *signer
		token string
		at    time.Time
		want  error
	}{
		{"valid", s, tok, now, nil},
		{"expired", s, tok, now.Add(2 * time.Hour), errTokenExpired},
		{"other key", other, tok, now, errTokenSignature},
		{"tampered signature", s, tampered, now, errTokenSignature},
		{"garbled claims", s, forged, now, errTokenMalformed},
		{"alg none", s, noneAlg, now, errTokenMalformed},
		{"not a jwt", s, "hello", now, errTokenMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.s.verify(tt.token, tt.at)
			if !errors.Is(err, tt.want) {
				t.Fatalf("verify = %v, want %v", err, tt.want)
			}
			if err == nil && (!c.Grants("22222") || c.Grants("33333") || c.Issuer != "test") {
				t.Fatalf("claims = %+v", c)
			}
		})
	}
}

func TestLoadKeyPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "jwt.key")
	a, err := loadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := loadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) || len(a) != 32 {
		t.Fatalf("key changed between loads or has length %d", len(a))
	}
}

func FuzzParseToken(f *testing.F) {
	s := &signer{key: []byte("0123456789abcdef0123456789abcdef")}
	tok, _ := s.issue(Claims{Subject: "x", ExpiresAt: 1 << 40})
	f.Add(tok)
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := parseToken(token)
		if err == nil && c.ExpiresAt == 0 {
			t.Fatalf("accepted a token without exp: %q", token)
		}
		_, _ = s.verify(token, time.Unix(0, 0))
	})
}

package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// TenantHeader is the HTTP header that names the tenant a request acts on.
const TenantHeader = "X-Tenant-Context"

// Principal is who a request acts as and on which tenant.
type Principal struct {
	// Claims are the verified claims of the request's token.
	Claims *Claims
	// Tenant is the tenant the request acts on: the one it named, else the token's first.
	Tenant string
	// Named reports whether the request named its tenant itself.
	Named bool
}

// Granted reports whether the token grants the request's tenant.
func (p *Principal) Granted() bool {
	return p.Tenant != "" && p.Claims.Grants(p.Tenant)
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal, or nil outside an authenticated request.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Require verifies the request's access token and puts its Principal in the request context
// before calling next. A missing, malformed, forged or expired token gets HTTP 401 with a JSON
// body that says what was wrong, both as an OAuth-style error and as a GraphQL error with
// extensions.code UNAUTHENTICATED. Whether the tenant is granted is left to next, which answers
// in its own protocol.
func (a *Authority) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, tenant := credentials(r)
		if token == "" {
			unauthorized(w, errTokenMissing.Error())
			return
		}
		claims, err := a.Verify(token)
		if err != nil {
			unauthorized(w, err.Error())
			return
		}
		p := &Principal{Claims: claims, Tenant: tenant, Named: tenant != ""}
		if !p.Named && len(claims.TenantIDs) > 0 {
			p.Tenant = claims.TenantIDs[0]
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// credentials finds the request's token and tenant in its headers, websocket sub-protocols and
// cookies, in that order of preference.
func credentials(r *http.Request) (token, tenant string) {
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			token = strings.TrimSpace(t)
		} else if t, ok := strings.CutPrefix(h, "bearer "); ok {
			token = strings.TrimSpace(t)
		}
	}
	tenant = strings.TrimSpace(r.Header.Get(TenantHeader))
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if t, ok := strings.CutPrefix(p, "access-token-"); ok && token == "" {
				token = t
			}
			if t, ok := strings.CutPrefix(p, "x-tenant-context-"); ok && tenant == "" {
				tenant = t
			}
		}
	}
	if c, err := r.Cookie("access_token"); err == nil && token == "" {
		token = c.Value
	}
	if c, err := r.Cookie("x-tenant-context"); err == nil && tenant == "" {
		tenant = c.Value
	}
	return token, tenant
}

// unauthorizedBody is the 401 answer: readable by OAuth-minded and GraphQL-minded clients.
type unauthorizedBody struct {
	Error   string         `json:"error"`
	Message string         `json:"message"`
	Errors  []graphQLError `json:"errors"`
}

type graphQLError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="gotaegis-emulator", error="invalid_token"`)
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(unauthorizedBody{
		Error:   "invalid_token",
		Message: msg,
		Errors: []graphQLError{{
			Message:    msg,
			Extensions: map[string]any{"code": "UNAUTHENTICATED"},
		}},
	})
}

package sdk

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The sentinel errors callers branch on. Every *Errors and *HTTPError matches the ones that fit
// its GraphQL error codes or HTTP status with errors.Is.
var (
	// ErrUnauthorized means the token was missing, expired or refused (HTTP 401, UNAUTHENTICATED).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbiddenTenant means the token has no grant for the tenant (HTTP 403, FORBIDDEN).
	ErrForbiddenTenant = errors.New("forbidden for this tenant")
	// ErrNotFound means the object asked for does not exist (HTTP 404, NOT_FOUND).
	ErrNotFound = errors.New("not found")
	// ErrRateLimited means the server refused the call for its rate (HTTP 429, RATE_LIMITED).
	ErrRateLimited = errors.New("rate limited")
)

// The GraphQL error codes, in extensions.code, that map to the sentinels.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeRateLimited     = "RATE_LIMITED"
)

// Location is a line and column in the request document that a GraphQL error points at.
type Location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// GraphQLError is one entry of a GraphQL response's errors list.
type GraphQLError struct {
	Message string `json:"message"`
	// Path is the response path of the failed field: field names (string) and list indices
	// (float64 as decoded from JSON, or int).
	Path       []any          `json:"path,omitempty"`
	Locations  []Location     `json:"locations,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Code returns the error's extensions.code, or "" when it has none.
func (e GraphQLError) Code() string {
	s, _ := e.Extensions["code"].(string)
	return s
}

// Error returns the message, prefixed with the path when there is one.
func (e GraphQLError) Error() string {
	if len(e.Path) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Path))
	for i, p := range e.Path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".") + ": " + e.Message
}

// Errors is the errors list of one GraphQL response, with where the call went. Do returns it,
// beside whatever partial data the server sent, when the list is not empty.
type Errors struct {
	// List holds the errors in the server's order; it is never empty.
	List []GraphQLError
	// Field is the operation's root field, e.g. "alertsServiceSearch".
	Field string
	// Region is the canonical name of the region the call went to.
	Region string
	// Status is the HTTP status of the response (200 in the usual case).
	Status int

	hint string
}

// Error joins the messages and says what to do for the errors callers can fix. Like every
// error of Do and Subscribe it does not repeat the operation's name: the caller adds it.
func (e *Errors) Error() string {
	msgs := make([]string, len(e.List))
	for i, g := range e.List {
		msgs[i] = g.Error()
	}
	s := strings.Join(msgs, "; ")
	if e.hint != "" {
		s += " (" + e.hint + ")"
	}
	return s
}

// Is reports whether any error's code, or the HTTP status, maps to target.
func (e *Errors) Is(target error) bool {
	if sentinelForStatus(e.Status) == target && target != nil {
		return true
	}
	for _, g := range e.List {
		if s := sentinelForCode(g.Code()); s != nil && s == target {
			return true
		}
	}
	return false
}

// sentinel returns the first sentinel the errors match, or nil.
func (e *Errors) sentinel() error {
	for _, s := range []error{ErrUnauthorized, ErrForbiddenTenant, ErrNotFound, ErrRateLimited} {
		if e.Is(s) {
			return s
		}
	}
	return nil
}

// onlyUnauthenticated reports whether every error says the token was refused, the case where a
// fresh token may succeed.
func (e *Errors) onlyUnauthenticated() bool {
	if e.Status == http.StatusUnauthorized {
		return true
	}
	for _, g := range e.List {
		if g.Code() != CodeUnauthenticated {
			return false
		}
	}
	return len(e.List) > 0
}

// HTTPError is a response whose HTTP status is not a success and whose body is not a GraphQL
// errors envelope.
type HTTPError struct {
	Status int
	// Body is the start of the response body, at most 512 bytes.
	Body string
	// URL is the endpoint that answered.
	URL string
	// Field is the operation's root field.
	Field string
	// Region is the canonical name of the region the call went to.
	Region string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration

	hint string
}

// Error says the status, the endpoint, the start of the body and what to do.
func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d %s from %s", e.Status, http.StatusText(e.Status), e.URL)
	if body := strings.TrimSpace(e.Body); body != "" {
		b.WriteString(": " + body)
	}
	if e.hint != "" {
		b.WriteString(" (" + e.hint + ")")
	}
	return b.String()
}

// Is matches the sentinel for the status.
func (e *HTTPError) Is(target error) bool {
	s := sentinelForStatus(e.Status)
	return s != nil && s == target
}

// maxBodyExcerpt bounds the body kept in an HTTPError: enough to read a message, never a page.
const maxBodyExcerpt = 512

// excerpt returns the start of body, cut at a rune boundary.
func excerpt(body string) string {
	if len(body) <= maxBodyExcerpt {
		return body
	}
	cut := maxBodyExcerpt
	for cut > 0 && !isRuneStart(body[cut]) {
		cut--
	}
	return body[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func sentinelForCode(code string) error {
	switch strings.ToUpper(code) {
	case CodeUnauthenticated, "UNAUTHORIZED":
		return ErrUnauthorized
	case CodeForbidden:
		return ErrForbiddenTenant
	case CodeNotFound:
		return ErrNotFound
	case CodeRateLimited:
		return ErrRateLimited
	}
	return nil
}

func sentinelForStatus(status int) error {
	switch status {
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbiddenTenant
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusTooManyRequests:
		return ErrRateLimited
	}
	return nil
}

// hint says what a user can do about an error that matches sentinel.
func (c *core) hint(sentinel error, tenant string) string {
	r := c.region.Name
	switch sentinel {
	case ErrUnauthorized:
		if c.tokens.static != "" {
			return "the token given to gotaegis was refused; get a fresh one"
		}
		return fmt.Sprintf("the token was refused; check %s/%s for region %s or run "+
			"gotaegis auth login --region %s", c.names.id, c.names.secret, r, r)
	case ErrForbiddenTenant:
		if tenant == "" {
			return "the call needs a tenant; pass --tenant or sdk.WithTenant"
		}
		return fmt.Sprintf("the credentials have no grant for tenant %s in region %s", tenant, r)
	case ErrRateLimited:
		return "the server is rate limiting; wait and retry, or lower the request rate"
	}
	return ""
}

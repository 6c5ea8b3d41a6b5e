package graphql

import (
	"strconv"
	"strings"
	"time"
)

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// window returns items [from, from+n) of a list of length total, clamped.
func window(total, from, n int) (int, int) {
	from = max(0, min(from, total))
	if n < 0 {
		n = 0
	}
	return from, min(total, from+n)
}

// pageBounds turns page (from 1) and perPage into a window; perPage defaults to def.
func pageBounds(total int, page, perPage *int, def int) (int, int) {
	pp := deref(perPage)
	if pp <= 0 {
		pp = def
	}
	p := max(deref(page), 1)
	return window(total, (p-1)*pp, pp)
}

func nowString(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func str(rec map[string]any, key string) string {
	s, _ := rec[key].(string)
	return s
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func itoa(n int) string { return strconv.Itoa(n) }

func timeOf(unix int64) time.Time { return time.Unix(unix, 0) }

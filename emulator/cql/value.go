package cql

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// literal is a Value prepared for fast comparison: its text folded, and its readings as a
// number and as a time computed once.
type literal struct {
	kind   ValueKind
	s      string
	lower  string
	ascii  bool // lower is ASCII, so CONTAINS can fold byte by byte
	f      float64
	numOK  bool // a NumberValue, or a StringValue that reads as one
	t      time.Time
	timeOK bool // a StringValue that reads as an absolute time
	b      bool
}

func newLiteral(v Value) literal {
	l := literal{kind: v.Kind, s: v.Str, f: v.Num, b: v.Bool}
	switch v.Kind {
	case NumberValue:
		l.numOK = true
		l.s = v.String()
	case BoolValue:
		l.s = v.String()
	case StringValue:
		if f, ok := parseNumber(v.Str); ok {
			l.f, l.numOK = f, true
		}
		l.t, l.timeOK = parseAbsolute(v.Str)
	}
	l.lower = strings.ToLower(l.s)
	l.ascii = isASCII(l.lower)
	return l
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// parseNumber reads a decimal number; unlike strconv it refuses "NaN", "Inf" and hex.
func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	c := s[0]
	if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.') {
		return 0, false
	}
	if len(s) > 1 && (s[1] == 'x' || s[1] == 'X') {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// number reads a record value as a number: JSON numbers, Go integer and float types, and
// strings that hold a decimal number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case float32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case json.Number:
		return parseNumber(string(x))
	case string:
		return parseNumber(x)
	}
	return 0, false
}

// seconds reads a protobuf-style timestamp object, {seconds, nanos}, as fractional seconds.
func seconds(v any) (float64, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return 0, false
	}
	s, ok := number(m["seconds"])
	if !ok {
		return 0, false
	}
	if n, ok := number(m["nanos"]); ok {
		s += n / 1e9
	}
	return s, true
}

// timeOf reads a record value as a time: an RFC 3339 (or "2006-01-02 15:04:05") string,
// an epoch number (seconds, milliseconds, microseconds or nanoseconds by magnitude) or a
// {seconds, nanos} object.
func timeOf(v any) (time.Time, bool) {
	switch x := v.(type) {
	case string:
		return parseAbsolute(x)
	case map[string]any:
		if s, ok := seconds(x); ok {
			return epoch(s), true
		}
		return time.Time{}, false
	}
	if f, ok := number(v); ok {
		return epoch(f), true
	}
	return time.Time{}, false
}

// text reads a scalar record value as text, for CONTAINS and MATCHES_REGEX.
func text(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	case json.Number:
		return string(x), true
	}
	if f, ok := number(v); ok {
		return formatNumber(f), true
	}
	return "", false
}

func formatNumber(f float64) string {
	if math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// equal is the = test of one scalar record value against a literal.
func equal(v any, l *literal) bool {
	switch l.kind {
	case NumberValue:
		if f, ok := number(v); ok {
			return f == l.f
		}
		if s, ok := seconds(v); ok {
			return s == l.f
		}
		return false
	case BoolValue:
		switch x := v.(type) {
		case bool:
			return x == l.b
		case string:
			return strings.EqualFold(x, l.s)
		}
		return false
	}
	switch x := v.(type) {
	case string:
		if strings.EqualFold(x, l.s) {
			return true
		}
		if l.timeOK {
			t, ok := parseAbsolute(x)
			return ok && t.Equal(l.t)
		}
		return false
	case bool:
		return strings.EqualFold(strconv.FormatBool(x), l.s)
	case map[string]any:
		if t, ok := timeOf(x); ok && l.timeOK {
			return t.Equal(l.t)
		}
		return false
	}
	if f, ok := number(v); ok {
		if l.numOK {
			return f == l.f
		}
		if l.timeOK {
			return epoch(f).Equal(l.t)
		}
	}
	return false
}

// order compares one scalar record value with a literal for < <= > >=; ok is false when
// the two cannot be ordered (text against a number, anything against a boolean).
func order(v any, l *literal) (c int, ok bool) {
	switch l.kind {
	case NumberValue:
		if f, ok := number(v); ok {
			return cmpFloat(f, l.f), true
		}
		if s, ok := seconds(v); ok {
			return cmpFloat(s, l.f), true
		}
		return 0, false
	case BoolValue:
		return 0, false
	}
	if l.timeOK {
		if t, ok := timeOf(v); ok {
			return t.Compare(l.t), true
		}
	}
	if l.numOK {
		if f, ok := number(v); ok {
			return cmpFloat(f, l.f), true
		}
	}
	if s, ok := v.(string); ok {
		return compareFold(s, l.lower), true
	}
	return 0, false
}

// compareFold orders s, case-folded, against lower (already lower case).
func compareFold(s, lower string) int {
	if isASCII(s) {
		n := min(len(s), len(lower))
		for i := 0; i < n; i++ {
			a, b := asciiLower(s[i]), lower[i]
			if a != b {
				return cmpFloat(float64(a), float64(b))
			}
		}
		return cmpFloat(float64(len(s)), float64(len(lower)))
	}
	return strings.Compare(strings.ToLower(s), lower)
}

func asciiLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// containsFold reports whether s holds l's text, ignoring case.
func containsFold(s string, l *literal) bool {
	if !l.ascii {
		return strings.Contains(strings.ToLower(s), l.lower)
	}
	sub := l.lower
	if len(sub) == 0 {
		return true
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if asciiLower(s[i]) != sub[0] {
			continue
		}
		j := 1
		for j < len(sub) && asciiLower(s[i+j]) == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

package gql

import (
	"encoding/json"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalMap writes a Map or JSONObject scalar, the form of every event row. Its output is
// byte for byte what gqlgen's own graphql.MarshalMap writes through a json.Encoder (keys
// sorted, <, > and & escaped, a newline after the value), for the values the emulator holds
// (strings, numbers, booleans, nil, maps and slices of them); any other value is encoded by
// encoding/json itself. It walks the map with a type switch instead of reflection, which is
// most of the cost of streaming an event page.
func MarshalMap(m map[string]any) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		p := mapBufs.Get().(*[]byte)
		b := appendMap((*p)[:0], m)
		b = append(b, '\n')
		_, _ = w.Write(b)
		*p = b
		if cap(b) <= 1<<16 {
			mapBufs.Put(p)
		}
	})
}

// UnmarshalMap reads a Map or JSONObject scalar, as gqlgen's graphql.UnmarshalMap does.
func UnmarshalMap(v any) (map[string]any, error) {
	return graphql.UnmarshalMap(v)
}

var mapBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// keyOrders holds the key lists maps are written in. Rows of one event type share their keys,
// so the order found for one map is tried first for the next, saving a sort per row.
var keyOrders = sync.Pool{New: func() any { return &keyOrder{} }}

type keyOrder struct {
	sorted []string // the keys of the last map sorted, in order
	vals   []any    // scratch: the values of a map in sorted's order
}

func appendMap(b []byte, m map[string]any) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	o := keyOrders.Get().(*keyOrder)
	defer keyOrders.Put(o)
	if !o.fits(m) {
		o.sorted = o.sorted[:0]
		for k := range m {
			o.sorted = append(o.sorted, k)
		}
		slices.Sort(o.sorted)
		o.vals = o.vals[:0]
		for _, k := range o.sorted {
			o.vals = append(o.vals, m[k])
		}
	}
	// Nested maps take their own keyOrder from the pool, so o stays as it is while the values
	// are written.
	b = append(b, '{')
	for i, k := range o.sorted {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendValue(b, o.vals[i])
	}
	clear(o.vals)
	return append(b, '}')
}

// fits reports whether m has exactly the keys of the last map, gathering its values if so: a
// map holding as many keys as sorted and every one of them holds no other.
func (o *keyOrder) fits(m map[string]any) bool {
	if len(o.sorted) != len(m) || len(m) == 0 {
		return false
	}
	o.vals = o.vals[:0]
	for _, k := range o.sorted {
		v, ok := m[k]
		if !ok {
			return false
		}
		o.vals = append(o.vals, v)
	}
	return true
}

func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case float64:
		return appendFloat(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case int32:
		return strconv.AppendInt(b, int64(v), 10)
	case uint64:
		return strconv.AppendUint(b, v, 10)
	case map[string]any:
		return appendMap(b, v)
	case []any:
		if v == nil {
			return append(b, "null"...)
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e)
		}
		return append(b, ']')
	case []string:
		if v == nil {
			return append(b, "null"...)
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e)
		}
		return append(b, ']')
	case []map[string]any:
		if v == nil {
			return append(b, "null"...)
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendMap(b, e)
		}
		return append(b, ']')
	}
	return appendOther(b, v)
}

// appendOther encodes what the type switch does not know with encoding/json, failing as
// graphql.MarshalMap fails.
func appendOther(b []byte, v any) []byte {
	e, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return append(b, e...)
}

// appendFloat formats f as encoding/json does: the shortest decimal that reads back as f,
// in exponent form below 1e-6 and from 1e21 on, with a one-digit negative exponent unpadded.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return appendOther(b, f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as encoding/json does with HTML escaping on: control characters,
// quotes, backslashes, <, > and & escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

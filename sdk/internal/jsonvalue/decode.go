// Package jsonvalue decodes JSON into the untyped Go values encoding/json produces for an any
// (map[string]any, []any, string, float64, bool and nil), and skips over JSON values, faster
// than encoding/json does for large documents of many small objects such as event rows.
//
// It is not a general JSON library: it has no typed decoding and no encoder. Its results, and
// whether an input is accepted, are those of encoding/json.Unmarshal into an any (RFC 8259;
// invalid UTF-8 and lone surrogates become U+FFFD; a repeated object key keeps its last value);
// only the wording of its errors differs.
package jsonvalue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds the nesting of arrays and objects, as encoding/json does.
const maxDepth = 10000

// SyntaxError says where an input stops being JSON.
type SyntaxError struct {
	// Offset is the byte offset of the problem in the input.
	Offset int
	msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.msg)
}

// Decode returns the value of the one JSON document b holds, surrounded by optional white space.
func Decode(b []byte) (any, error) {
	d := decoder{b: b, s: string(b)}
	d.space()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.i != len(b) {
		return nil, d.fail("data after the top-level value")
	}
	return v, nil
}

// DecodeObjects decodes b, a JSON array of objects or null, into one map per object (null
// gives a nil slice and a null element a nil map), as encoding/json decodes a
// []map[string]any.
func DecodeObjects(b []byte) ([]map[string]any, error) {
	d := decoder{b: b, s: string(b)}
	d.space()
	if d.literal("null") {
		d.space()
		if d.i != len(b) {
			return nil, d.fail("data after the top-level value")
		}
		return nil, nil
	}
	if d.i >= len(b) || b[d.i] != '[' {
		return nil, d.fail("want an array of objects")
	}
	d.i++
	out := []map[string]any{}
	d.space()
	if d.i < len(b) && b[d.i] == ']' {
		d.i++
	} else {
		for {
			d.space()
			var m map[string]any
			switch {
			case d.literal("null"):
			case d.i < len(b) && b[d.i] == '{':
				v, err := d.object(2)
				if err != nil {
					return nil, err
				}
				m = v
			default:
				return nil, d.fail("want an object in the array")
			}
			out = append(out, m)
			d.space()
			if d.i >= len(b) {
				return nil, d.fail("unterminated array")
			}
			if b[d.i] == ',' {
				d.i++
				continue
			}
			if b[d.i] != ']' {
				return nil, d.fail("want , or ] after an array element")
			}
			d.i++
			break
		}
	}
	d.space()
	if d.i != len(b) {
		return nil, d.fail("data after the top-level value")
	}
	return out, nil
}

// Skip returns the length of the JSON value at the start of b (after optional white space),
// checking it as Decode would without building it.
func Skip(b []byte) (int, error) {
	d := decoder{b: b, skip: true}
	d.space()
	if _, err := d.value(0); err != nil {
		return 0, err
	}
	return d.i, nil
}

// ErrRange is wrapped by the error for a number that does not fit a float64.
var ErrRange = errors.New("number out of the range of a float64")

type decoder struct {
	b []byte
	// s is b as one string: the strings without escapes are slices of it rather than copies,
	// one allocation per document instead of one per string.
	//
	// Limitation: a decoded string keeps the whole document's text alive, which costs memory
	// for a caller that keeps a few strings of a large document; the rows this package is for
	// are kept whole, so their text is needed anyway.
	s    string
	i    int
	skip bool // check only: build no values
	// keys holds the object keys seen, so that rows of the same shape share key strings.
	keys map[string]string
	// stack holds the members of the objects being decoded, so that each map is made once, at
	// its final size.
	stack []member
}

type member struct {
	key string
	val any
}

func (d *decoder) fail(msg string) error {
	return &SyntaxError{Offset: d.i, msg: msg}
}

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) literal(s string) bool {
	if len(d.b)-d.i >= len(s) && string(d.b[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return true
	}
	return false
}

func (d *decoder) value(depth int) (any, error) {
	if d.i >= len(d.b) {
		return nil, d.fail("unexpected end of input")
	}
	switch c := d.b[d.i]; {
	case c == '{':
		m, err := d.object(depth + 1)
		if err != nil || m == nil {
			return nil, err
		}
		return m, nil
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		s, err := d.str(false)
		if err != nil || d.skip {
			return nil, err
		}
		return s, nil
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case d.literal("true"):
		if d.skip {
			return nil, nil
		}
		return true, nil
	case d.literal("false"):
		if d.skip {
			return nil, nil
		}
		return false, nil
	case d.literal("null"):
		return nil, nil
	}
	return nil, d.fail("want a value")
}

func (d *decoder) object(depth int) (map[string]any, error) {
	if depth > maxDepth {
		return nil, d.fail("nested too deeply")
	}
	d.i++ // {
	base := len(d.stack)
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		if d.skip {
			return nil, nil
		}
		return map[string]any{}, nil
	}
	for {
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return nil, d.fail("want a string for an object key")
		}
		k, err := d.str(true)
		if err != nil {
			return nil, err
		}
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return nil, d.fail("want : after an object key")
		}
		d.i++
		d.space()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		if !d.skip {
			d.stack = append(d.stack, member{k, v})
		}
		d.space()
		if d.i >= len(d.b) {
			return nil, d.fail("unterminated object")
		}
		if d.b[d.i] == ',' {
			d.i++
			continue
		}
		if d.b[d.i] != '}' {
			return nil, d.fail("want , or } after an object member")
		}
		d.i++
		break
	}
	if d.skip {
		return nil, nil
	}
	members := d.stack[base:]
	m := make(map[string]any, len(members))
	for _, kv := range members {
		m[kv.key] = kv.val
	}
	clear(members) // let the values go with the map
	d.stack = d.stack[:base]
	return m, nil
}

func (d *decoder) array(depth int) (any, error) {
	if depth > maxDepth {
		return nil, d.fail("nested too deeply")
	}
	d.i++ // [
	var out []any
	if !d.skip {
		out = []any{}
	}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		if d.skip {
			return nil, nil
		}
		return out, nil
	}
	for {
		d.space()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		if !d.skip {
			out = append(out, v)
		}
		d.space()
		if d.i >= len(d.b) {
			return nil, d.fail("unterminated array")
		}
		if d.b[d.i] == ',' {
			d.i++
			continue
		}
		if d.b[d.i] != ']' {
			return nil, d.fail("want , or ] after an array element")
		}
		d.i++
		if d.skip {
			return nil, nil
		}
		return out, nil
	}
}

// number reads a number by RFC 8259's grammar and converts it as encoding/json does.
func (d *decoder) number() (any, error) {
	start := d.i
	b := d.b
	if b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(b) && b[d.i] == '0':
		d.i++
	case d.i < len(b) && b[d.i] >= '1' && b[d.i] <= '9':
		for d.i < len(b) && b[d.i] >= '0' && b[d.i] <= '9' {
			d.i++
		}
	default:
		return nil, d.fail("want a digit in a number")
	}
	if d.i < len(b) && b[d.i] == '.' {
		d.i++
		if d.i >= len(b) || b[d.i] < '0' || b[d.i] > '9' {
			return nil, d.fail("want a digit after the decimal point")
		}
		for d.i < len(b) && b[d.i] >= '0' && b[d.i] <= '9' {
			d.i++
		}
	}
	if d.i < len(b) && (b[d.i] == 'e' || b[d.i] == 'E') {
		d.i++
		if d.i < len(b) && (b[d.i] == '+' || b[d.i] == '-') {
			d.i++
		}
		if d.i >= len(b) || b[d.i] < '0' || b[d.i] > '9' {
			return nil, d.fail("want a digit in the exponent")
		}
		for d.i < len(b) && b[d.i] >= '0' && b[d.i] <= '9' {
			d.i++
		}
	}
	if d.skip {
		return nil, nil
	}
	f, err := strconv.ParseFloat(d.s[start:d.i], 64)
	if err != nil {
		return nil, fmt.Errorf("number %s at byte %d: %w", b[start:d.i], start, ErrRange)
	}
	return f, nil
}

// plain marks the bytes a string can hold as they are: not a quote, a backslash, a control
// character or (when building strings, which must have invalid UTF-8 replaced) a non-ASCII byte.
var plain = func() (t [256]uint8) {
	for c := 0x20; c < 256; c++ {
		switch {
		case c == '"' || c == '\\':
		case c >= utf8.RuneSelf:
			t[c] = plainInSkip
		default:
			t[c] = plainInSkip | plainInBuild
		}
	}
	return t
}()

const (
	plainInSkip  = 1 << iota // the byte needs no attention when only checking
	plainInBuild             // nor when building the string
)

// special reports whether any of the eight bytes in w is not plain under mask. Each test is the
// exact "has a zero byte" formula: (x - 0x01…01) &^ x has a high bit set only if some byte of
// x is zero, and (w - 0x20…20) &^ w only if some byte of w is below 0x20.
func special(w uint64, mask uint8) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q := w ^ (ones * '"')
	bs := w ^ (ones * '\\')
	t := (q - ones) &^ q
	t |= (bs - ones) &^ bs
	t |= (w - ones*0x20) &^ w
	if mask == plainInBuild {
		t |= w // a non-ASCII byte
	}
	return t&highs != 0
}

// str reads a string literal; a key is interned.
func (d *decoder) str(key bool) (string, error) {
	d.i++ // "
	start := d.i
	b := d.b
	mask := uint8(plainInBuild)
	if d.skip {
		mask = plainInSkip
	}
	for d.i+8 <= len(b) && !special(binary.LittleEndian.Uint64(b[d.i:]), mask) {
		d.i += 8
	}
	for d.i < len(b) && plain[b[d.i]]&mask != 0 {
		d.i++
	}
	if d.i < len(b) {
		if c := b[d.i]; c == '"' {
			raw := b[start:d.i]
			d.i++
			if d.skip {
				return "", nil
			}
			if key {
				return d.intern(raw), nil
			}
			return d.s[start : d.i-1], nil
		}
	}
	if d.skip {
		return "", d.skipStr()
	}
	return d.slowStr(start, key)
}

func (d *decoder) intern(raw []byte) string {
	if s, ok := d.keys[string(raw)]; ok {
		return s
	}
	if d.keys == nil {
		d.keys = map[string]string{}
	}
	s := string(raw)
	if len(d.keys) < 4096 {
		d.keys[s] = s
	}
	return s
}

// slowStr reads the rest of a string that has escapes, control characters or non-ASCII bytes,
// from start (just after its opening quote); d.i is at the first such byte.
func (d *decoder) slowStr(start int, key bool) (string, error) {
	b := d.b
	out := make([]byte, 0, d.i-start+16)
	out = append(out, b[start:d.i]...)
	for {
		if d.i >= len(b) {
			return "", d.fail("unterminated string")
		}
		c := b[d.i]
		switch {
		case c == '"':
			d.i++
			if key {
				return d.intern(out), nil
			}
			return string(out), nil
		case c < 0x20:
			return "", d.fail("control character in a string")
		case c == '\\':
			d.i++
			if d.i >= len(b) {
				return "", d.fail("unterminated string")
			}
			e := b[d.i]
			d.i++
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return "", d.fail("want four hex digits after \\u")
				}
				if utf16.IsSurrogate(r) {
					// A pair decodes to one rune; anything else leaves U+FFFD and is read
					// on its own, as encoding/json does.
					save := d.i
					if d.i+1 < len(b) && b[d.i] == '\\' && b[d.i+1] == 'u' {
						d.i += 2
						r2, ok := d.hex4()
						if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
							r = dec
						} else {
							d.i = save
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				d.i--
				return "", d.fail("invalid escape in a string")
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			d.i++
		default:
			r, size := utf8.DecodeRune(b[d.i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, b[d.i:d.i+size]...)
			}
			d.i += size
		}
	}
}

// skipStr checks the rest of a string without building it; d.i is at a byte that is not plain.
func (d *decoder) skipStr() error {
	b := d.b
	for d.i < len(b) {
		switch c := b[d.i]; {
		case c == '"':
			d.i++
			return nil
		case c < 0x20:
			return d.fail("control character in a string")
		case c == '\\':
			d.i++
			if d.i >= len(b) {
				return d.fail("unterminated string")
			}
			switch b[d.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i++
			case 'u':
				d.i++
				if _, ok := d.hex4(); !ok {
					return d.fail("want four hex digits after \\u")
				}
			default:
				return d.fail("invalid escape in a string")
			}
		default:
			d.i++
		}
	}
	return d.fail("unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if len(d.b)-d.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}

// Members calls fn with the key (unescaped) and the raw value of each member of the JSON object
// that b holds, in order. A null b holds no members. It returns fn's first error, or a
// *SyntaxError when b is not one object; fn may have been called for the members before the
// syntax error.
func Members(b []byte, fn func(key string, value []byte) error) error {
	d := decoder{b: b, skip: true}
	d.space()
	if d.literal("null") {
		return d.end()
	}
	if d.i >= len(b) || b[d.i] != '{' {
		return d.fail("want an object")
	}
	d.i++
	d.space()
	if d.i < len(b) && b[d.i] == '}' {
		d.i++
		return d.end()
	}
	for {
		d.space()
		if d.i >= len(b) || b[d.i] != '"' {
			return d.fail("want a string for an object key")
		}
		d.skip = false
		k, err := d.str(true)
		d.skip = true
		if err != nil {
			return err
		}
		d.space()
		if d.i >= len(b) || b[d.i] != ':' {
			return d.fail("want : after an object key")
		}
		d.i++
		d.space()
		start := d.i
		if _, err := d.value(1); err != nil {
			return err
		}
		if err := fn(k, b[start:d.i]); err != nil {
			return err
		}
		d.space()
		if d.i >= len(b) {
			return d.fail("unterminated object")
		}
		if b[d.i] == ',' {
			d.i++
			continue
		}
		if b[d.i] != '}' {
			return d.fail("want , or } after an object member")
		}
		d.i++
		return d.end()
	}
}

// end checks that only white space follows the top-level value.
func (d *decoder) end() error {
	d.space()
	if d.i != len(d.b) {
		return d.fail("data after the top-level value")
	}
	return nil
}

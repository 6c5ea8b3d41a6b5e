package dataframe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads JSON text from a buffer, which a reader may refill. It validates as it goes
// and never allocates for strings without escapes; values it cannot flatten are copied out in
// canonical form.
type scanner struct {
	buf []byte
	pos int

	src     io.Reader // nil when buf holds all of the input
	eof     bool
	readErr error
	base    int // offset in the input of buf[0]
}

// syntaxError says where the JSON text went wrong, as a byte offset a user can find.
func (s *scanner) syntaxError(what string) error {
	if s.pos >= len(s.buf) {
		return fmt.Errorf("invalid JSON at end of input (byte %d): %s", s.base+s.pos, what)
	}
	return fmt.Errorf("invalid JSON at byte %d (%q): %s", s.base+s.pos, s.buf[s.pos], what)
}

// more reads more input into the buffer, keeping buf[keep:] (which moves to the start, so
// positions shift by keep). It reports false when there is no more input.
func (s *scanner) more(keep int) bool {
	if s.src == nil || s.eof {
		return false
	}
	rest := len(s.buf) - keep
	if rest > cap(s.buf)/2 {
		grown := make([]byte, rest, max(2*cap(s.buf), 1<<16))
		copy(grown, s.buf[keep:])
		s.buf = grown
	} else {
		s.buf = s.buf[:copy(s.buf, s.buf[keep:])]
	}
	s.base += keep
	s.pos -= keep
	for empty := 0; len(s.buf) < cap(s.buf); {
		n, err := s.src.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if n == 0 && err == nil {
			if empty++; empty == 100 {
				err = io.ErrNoProgress
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.readErr = err
			}
			s.eof = true
			break
		}
	}
	return true
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, or 0 at the end of input.
func (s *scanner) peek() byte {
	s.skipSpace()
	if s.pos >= len(s.buf) {
		return 0
	}
	return s.buf[s.pos]
}

// expect consumes byte c after white space.
func (s *scanner) expect(c byte, what string) error {
	if s.peek() != c {
		return s.syntaxError("expected " + what)
	}
	s.pos++
	return nil
}

// stringSpan consumes a JSON string and returns the span of its contents (without quotes) and
// whether it holds escapes that need decoding.
func (s *scanner) stringSpan() (start, end int, escaped bool, err error) {
	if s.peek() != '"' {
		return 0, 0, false, s.syntaxError("expected a string")
	}
	s.pos++
	start = s.pos
	for s.pos < len(s.buf) {
		s.skipPlain()
		if s.pos >= len(s.buf) {
			break
		}
		c := s.buf[s.pos]
		switch {
		case c == '"':
			end = s.pos
			s.pos++
			return start, end, escaped, nil
		case c == '\\':
			escaped = true
			if s.pos+1 >= len(s.buf) {
				s.pos = len(s.buf)
				return 0, 0, false, s.syntaxError("unterminated string")
			}
			switch s.buf[s.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos += 2
			case 'u':
				if s.pos+6 > len(s.buf) || !isHex4(s.buf[s.pos+2:s.pos+6]) {
					return 0, 0, false, s.syntaxError(`bad \u escape in string`)
				}
				s.pos += 6
			default:
				return 0, 0, false, s.syntaxError("bad escape in string")
			}
		case c < 0x20:
			return 0, 0, false, s.syntaxError("control character in string")
		default:
			s.pos++
		}
	}
	return 0, 0, false, s.syntaxError("unterminated string")
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// skipPlain skips string bytes eight at a time while none of them is a quote, a backslash or
// a control character.
func (s *scanner) skipPlain() {
	b := s.buf
	i := s.pos
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (lsb * '"')
		bs := x ^ (lsb * '\\')
		if ((q-lsb)&^q|(bs-lsb)&^bs|(x-lsb*0x20)&^x)&msb != 0 {
			break
		}
		i += 8
	}
	s.pos = i
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// appendUnescaped appends the decoded contents of a valid escaped string span to dst.
// Lone surrogates become U+FFFD, as encoding/json does.
func appendUnescaped(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		c := src[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		switch src[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := rune(hex4(src[i+2 : i+6]))
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(src) && src[i] == '\\' && src[i+1] == 'u' {
					r2 := rune(hex4(src[i+2 : i+6]))
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						dst = utf8.AppendRune(dst, d)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, src[i+1])
		}
		i += 2
	}
	return dst
}

func hex4(b []byte) uint16 {
	var v uint16
	for _, c := range b {
		v <<= 4
		switch {
		case c <= '9':
			v |= uint16(c - '0')
		case c >= 'a':
			v |= uint16(c - 'a' + 10)
		default:
			v |= uint16(c - 'A' + 10)
		}
	}
	return v
}

// numberSpan consumes a JSON number and says whether it is an integer literal.
func (s *scanner) numberSpan() (start, end int, integral bool, err error) {
	start = s.pos
	b := s.buf
	i := s.pos
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		return 0, 0, false, s.syntaxError("expected a digit")
	}
	integral = true
	if i < len(b) && b[i] == '.' {
		integral = false
		i++
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			s.pos = i
			return 0, 0, false, s.syntaxError("expected a digit after the decimal point")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integral = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			s.pos = i
			return 0, 0, false, s.syntaxError("expected a digit in the exponent")
		}
	}
	s.pos = i
	return start, i, integral, nil
}

// literal consumes true, false or null.
func (s *scanner) literal(word string) error {
	if len(s.buf)-s.pos < len(word) || string(s.buf[s.pos:s.pos+len(word)]) != word {
		return s.syntaxError("expected " + word)
	}
	s.pos += len(word)
	return nil
}

// maxDepth bounds how deeply arrays and objects nest, so hostile input cannot exhaust the stack.
const maxDepth = 10000

// appendCanonical consumes one JSON value and appends it to dst in the compact form Python's
// json.dumps(v, separators=(",", ":"), ensure_ascii=False) gives for the same value, so that
// lists and objects left over from flattening read the same as they do in pandas.
func (s *scanner) appendCanonical(dst []byte, depth int) ([]byte, error) {
	if depth > maxDepth {
		return dst, s.syntaxError("nested too deeply")
	}
	switch c := s.peek(); {
	case c == '{':
		s.pos++
		dst = append(dst, '{')
		if s.peek() == '}' {
			s.pos++
			return append(dst, '}'), nil
		}
		var keys keySet
		for {
			start, end, esc, err := s.stringSpan()
			if err != nil {
				return dst, err
			}
			k := len(dst)
			dst = appendPyString(dst, s.buf[start:end], esc)
			if keys.add(dst, k, len(dst)) {
				return dst, errDuplicateKey
			}
			if err := s.expect(':', `":" after an object key`); err != nil {
				return dst, err
			}
			dst = append(dst, ':')
			if dst, err = s.appendCanonical(dst, depth+1); err != nil {
				return dst, err
			}
			switch s.peek() {
			case ',':
				s.pos++
				dst = append(dst, ',')
			case '}':
				s.pos++
				return append(dst, '}'), nil
			default:
				return dst, s.syntaxError(`expected "," or "}" in an object`)
			}
		}
	case c == '[':
		s.pos++
		dst = append(dst, '[')
		if s.peek() == ']' {
			s.pos++
			return append(dst, ']'), nil
		}
		for {
			var err error
			if dst, err = s.appendCanonical(dst, depth+1); err != nil {
				return dst, err
			}
			switch s.peek() {
			case ',':
				s.pos++
				dst = append(dst, ',')
			case ']':
				s.pos++
				return append(dst, ']'), nil
			default:
				return dst, s.syntaxError(`expected "," or "]" in an array`)
			}
		}
	case c == '"':
		start, end, esc, err := s.stringSpan()
		if err != nil {
			return dst, err
		}
		return appendPyString(dst, s.buf[start:end], esc), nil
	case c == '-' || '0' <= c && c <= '9':
		start, end, integral, err := s.numberSpan()
		if err != nil {
			return dst, err
		}
		return appendPyNumber(dst, s.buf[start:end], integral), nil
	case c == 't':
		return append(dst, "true"...), s.literal("true")
	case c == 'f':
		return append(dst, "false"...), s.literal("false")
	case c == 'n':
		return append(dst, "null"...), s.literal("null")
	default:
		return dst, s.syntaxError("expected a value")
	}
}

// errDuplicateKey says that an object repeats a key, which Python's json module resolves (the
// last value wins, in the first one's place) and canonical copying does not.
var errDuplicateKey = errors.New("duplicate key in an object")

// keySet finds a repeated key among the canonical keys of one object, written to a buffer.
type keySet struct {
	spans [12][2]int
	n     int
	many  map[string]struct{}
}

// add records the key buf[a:b] and reports whether the object had it already.
func (ks *keySet) add(buf []byte, a, b int) bool {
	key := buf[a:b]
	if ks.many != nil {
		if _, ok := ks.many[string(key)]; ok {
			return true
		}
		ks.many[string(key)] = struct{}{}
		return false
	}
	for _, sp := range ks.spans[:ks.n] {
		if string(buf[sp[0]:sp[1]]) == string(key) {
			return true
		}
	}
	if ks.n < len(ks.spans) {
		ks.spans[ks.n] = [2]int{a, b}
		ks.n++
		return false
	}
	ks.many = make(map[string]struct{}, 2*len(ks.spans))
	for _, sp := range ks.spans {
		ks.many[string(buf[sp[0]:sp[1]])] = struct{}{}
	}
	ks.many[string(key)] = struct{}{}
	return false
}

// appendPyString appends a string span as Python's json.dumps writes it with
// ensure_ascii=False: only the quote, the backslash and control characters are escaped.
func appendPyString(dst, span []byte, escaped bool) []byte {
	if !escaped {
		dst = append(dst, '"')
		dst = append(dst, span...)
		return append(dst, '"')
	}
	var tmp [64]byte
	return appendPyQuoted(dst, appendUnescaped(tmp[:0], span))
}

// appendPyQuoted appends decoded text s quoted as Python's json.dumps does (ensure_ascii=False).
func appendPyQuoted[S ~string | ~[]byte](dst []byte, s S) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			dst = append(dst, '\\', '"')
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendPyNumber appends a number literal as Python prints the number json.loads makes of it:
// integers in full decimal, floats as repr(float) does.
func appendPyNumber(dst, lit []byte, integral bool) []byte {
	if integral {
		if string(lit) == "-0" {
			return append(dst, '0')
		}
		return append(dst, lit...)
	}
	f, _ := strconv.ParseFloat(string(lit), 64)
	return appendPyFloat(dst, f)
}

// appendPyFloat appends f as Python's repr(float) does: the shortest text that reads back as f,
// in positional notation for exponents from -4 to 15 (always with a fractional part) and in
// scientific notation (two exponent digits at least) otherwise. Infinities and NaN are written
// as Python's json module writes them.
func appendPyFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	// e is d[.ddd]e±XX
	mant, exp := e, 0
	for i, c := range e {
		if c == 'e' {
			mant = e[:i]
			exp, _ = strconv.Atoi(string(e[i+1:]))
			break
		}
	}
	digits := make([]byte, 0, len(mant))
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	if neg {
		dst = append(dst, '-')
	}
	if exp < -4 || exp >= 16 {
		dst = append(dst, digits[0])
		if len(digits) > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		if exp < 0 {
			dst = append(dst, '-')
			exp = -exp
		} else {
			dst = append(dst, '+')
		}
		if exp < 10 {
			dst = append(dst, '0')
		}
		return strconv.AppendInt(dst, int64(exp), 10)
	}
	if exp < 0 {
		dst = append(dst, '0', '.')
		for i := -1; i > exp; i-- {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	if len(digits) <= exp+1 {
		dst = append(dst, digits...)
		for i := len(digits); i <= exp; i++ {
			dst = append(dst, '0')
		}
		return append(dst, '.', '0')
	}
	dst = append(dst, digits[:exp+1]...)
	dst = append(dst, '.')
	return append(dst, digits[exp+1:]...)
}

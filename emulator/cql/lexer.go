package cql

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenKind is the lexical class of a token.
type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokIdent            // a field name, a logical field (@ip) or a keyword
	tokString           // '…', "…", e'…' or e"…"; text holds the decoded value
	tokNumber           // 12, -3.5, 1e6
	tokTime             // an unquoted value after EARLIEST= or LATEST=, e.g. -1d
	tokEq               // =
	tokNe               // !=
	tokLt               // <
	tokLe               // <=
	tokGt               // >
	tokGe               // >=
	tokBang             // ! (before IN or MATCHES_REGEX)
	tokComma            // ,
	tokLParen           // (
	tokRParen           // )
	tokPipe             // |
	tokMinus            // - (before a sort field)
)

// token is one lexeme with the position of its first character.
type token struct {
	kind tokenKind
	text string // identifier or number as written, decoded string value, raw time value
	pos  Pos
}

// describe names a token for error messages, e.g. "')'" or "end of query".
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of query"
	case tokString:
		return "string " + quote(t.text)
	case tokIdent, tokNumber, tokTime:
		return "'" + t.text + "'"
	}
	return "'" + punctText[t.kind] + "'"
}

var punctText = map[tokenKind]string{
	tokEq: "=", tokNe: "!=", tokLt: "<", tokLe: "<=", tokGt: ">", tokGe: ">=",
	tokBang: "!", tokComma: ",", tokLParen: "(", tokRParen: ")", tokPipe: "|", tokMinus: "-",
}

// lexer turns query text into tokens. It tracks line and column (1-based, in runes) so
// every error can point at the character that caused it.
type lexer struct {
	src  string
	off  int // byte offset of the next rune
	line int
	col  int
	// prev and prev2 are the kinds and texts of the two tokens before the next one; after
	// EARLIEST= or LATEST= the lexer reads a time value, which has its own shape (-1d).
	prev, prev2 token
}

func newLexer(src string) *lexer {
	return &lexer{src: src, line: 1, col: 1}
}

func (l *lexer) peekRune() rune {
	if l.off >= len(l.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.off:])
	return r
}

func (l *lexer) peekRuneAt(n int) rune {
	off := l.off
	for i := 0; i < n; i++ {
		if off >= len(l.src) {
			return -1
		}
		_, size := utf8.DecodeRuneInString(l.src[off:])
		off += size
	}
	if off >= len(l.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(l.src[off:])
	return r
}

func (l *lexer) nextRune() rune {
	if l.off >= len(l.src) {
		return -1
	}
	r, size := utf8.DecodeRuneInString(l.src[l.off:])
	l.off += size
	if r == '\n' {
		l.line++
		l.col = 1
	} else {
		l.col++
	}
	return r
}

func (l *lexer) pos() Pos { return Pos{Line: l.line, Col: l.col} }

func (l *lexer) errorf(p Pos, format string, args ...any) *SyntaxError {
	return &SyntaxError{Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)}
}

// next returns the next token, or a *SyntaxError for text that is no token at all.
func (l *lexer) next() (token, error) {
	t, err := l.scan()
	if err != nil {
		return token{}, err
	}
	l.prev2, l.prev = l.prev, t
	return t, nil
}

// afterTimeKeyword reports whether the next token is the value of EARLIEST or LATEST:
// it follows "EARLIEST =", or follows EARLIEST directly when the '=' is missing (so the
// parser can say the '=' is missing rather than that -1d is a bad number).
func (l *lexer) afterTimeKeyword(r rune) bool {
	isTime := func(t token) bool {
		return t.kind == tokIdent &&
			(strings.EqualFold(t.text, kwEarliest) || strings.EqualFold(t.text, kwLatest))
	}
	return l.prev.kind == tokEq && isTime(l.prev2) || r != '=' && isTime(l.prev)
}

func (l *lexer) scan() (token, error) {
	for unicode.IsSpace(l.peekRune()) {
		l.nextRune()
	}
	start := l.pos()
	r := l.peekRune()
	if r < 0 {
		return token{kind: tokEOF, pos: start}, nil
	}
	if r == utf8.RuneError && l.off < len(l.src) {
		return token{}, l.errorf(start, "the query is not valid UTF-8 text")
	}

	quoted := r == '\'' || r == '"' || isStringPrefix(r, l.peekRuneAt(1))
	if l.afterTimeKeyword(r) && !quoted && !strings.ContainsRune("|(),", r) {
		return l.scanTimeValue(start), nil
	}

	switch {
	case r == '\'' || r == '"':
		return l.scanString(start, false)
	case isStringPrefix(r, l.peekRuneAt(1)):
		l.nextRune()
		return l.scanString(start, true)
	case isDigit(r) || (r == '-' || r == '.') && isDigit(l.peekRuneAt(1)):
		return l.scanNumber(start)
	case isIdentStart(r):
		return l.scanIdent(start), nil
	}

	l.nextRune()
	if k, ok := singleRune[r]; ok {
		if r == '=' && l.peekRune() == '=' {
			return token{}, l.errorf(start, "unknown operator '=='; CQL compares with a single '='")
		}
		return token{kind: k, pos: start}, nil
	}
	switch r {
	case '!':
		if l.peekRune() == '=' {
			l.nextRune()
			return token{kind: tokNe, pos: start}, nil
		}
		return token{kind: tokBang, pos: start}, nil
	case '<':
		if l.peekRune() == '=' {
			l.nextRune()
			return token{kind: tokLe, pos: start}, nil
		}
		if l.peekRune() == '>' {
			return token{}, l.errorf(start, "unknown operator '<>'; write != for not equal")
		}
		return token{kind: tokLt, pos: start}, nil
	case '>':
		if l.peekRune() == '=' {
			l.nextRune()
			return token{kind: tokGe, pos: start}, nil
		}
		return token{kind: tokGt, pos: start}, nil
	}
	return token{}, l.errorf(start, "unexpected character %q", r)
}

// singleRune are the one-character tokens that begin no longer token.
var singleRune = map[rune]tokenKind{
	',': tokComma, '(': tokLParen, ')': tokRParen, '|': tokPipe, '-': tokMinus, '=': tokEq,
}

// isStringPrefix reports whether r, r2 open an escaped string: e'…' or e"…".
func isStringPrefix(r, r2 rune) bool {
	return (r == 'e' || r == 'E') && (r2 == '\'' || r2 == '"')
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isIdentStart(r rune) bool { return r == '_' || r == '@' || unicode.IsLetter(r) }

func isIdentPart(r rune) bool {
	return r == '_' || r == '.' || r == '@' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func (l *lexer) scanIdent(start Pos) token {
	begin := l.off
	l.nextRune()
	for {
		if !isIdentPart(l.peekRune()) {
			break
		}
		l.nextRune()
	}
	return token{kind: tokIdent, text: l.src[begin:l.off], pos: start}
}

func (l *lexer) scanNumber(start Pos) (token, error) {
	begin := l.off
	if l.peekRune() == '-' {
		l.nextRune()
	}
	digits := func() {
		for isDigit(l.peekRune()) {
			l.nextRune()
		}
	}
	digits()
	if l.peekRune() == '.' && isDigit(l.peekRuneAt(1)) {
		l.nextRune()
		digits()
	}
	if r := l.peekRune(); r == 'e' || r == 'E' {
		r1, r2 := l.peekRuneAt(1), l.peekRuneAt(2)
		if isDigit(r1) || (r1 == '+' || r1 == '-') && isDigit(r2) {
			l.nextRune()
			l.nextRune()
			digits()
		}
	}
	if r := l.peekRune(); isIdentStart(r) || r == '.' {
		return token{}, l.errorf(start, "malformed number %q; quote text values, e.g. '%s'",
			l.src[begin:l.off]+string(r), l.src[begin:l.off]+string(r))
	}
	return token{kind: tokNumber, text: l.src[begin:l.off], pos: start}, nil
}

// scanString reads a quoted string. Plain strings are raw: a backslash is an ordinary
// character, so regular expressions need no doubling. Escaped strings (e'…') decode \', \",
// \\, \n, \t and \r; any other backslash pair is kept as written, so e'a\.b' is the regex a\.b.
func (l *lexer) scanString(start Pos, escaped bool) (token, error) {
	q := l.nextRune()
	var b strings.Builder
	for {
		r := l.nextRune()
		switch {
		case r < 0:
			return token{}, l.errorf(start, "unterminated string; close it with %c", q)
		case r == q:
			return token{kind: tokString, text: b.String(), pos: start}, nil
		case r == '\\' && escaped:
			e := l.nextRune()
			switch e {
			case -1:
				return token{}, l.errorf(start, "unterminated string; close it with %c", q)
			case '\'', '"', '\\':
				b.WriteRune(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte('\\')
				b.WriteRune(e)
			}
		default:
			b.WriteRune(r)
		}
	}
}

// scanTimeValue reads an unquoted EARLIEST/LATEST value: everything up to white space, a
// pipe, a comma or a parenthesis. The parser decides whether it is a valid time.
func (l *lexer) scanTimeValue(start Pos) token {
	begin := l.off
	for {
		r := l.peekRune()
		if r < 0 || unicode.IsSpace(r) || r == '|' || r == ')' || r == '(' || r == ',' {
			break
		}
		l.nextRune()
	}
	return token{kind: tokTime, text: l.src[begin:l.off], pos: start}
}

// quote writes s as a CQL string literal that reads back as s: plain single quotes when
// that is possible, else an escaped e'…' string.
func quote(s string) string {
	if !strings.ContainsAny(s, "'\n\r\t") {
		return "'" + s + "'" // backslashes are literal in a plain string
	}
	var b strings.Builder
	b.WriteString("e'")
	for _, r := range s {
		switch r {
		case '\'':
			b.WriteString(`\'`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

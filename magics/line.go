package magics

import (
	"errors"
	"fmt"
	"strings"
)

// Resolver gives the line splitter the values of the references a magic line holds: $name and
// ${name} through Get, {expr} through Eval. kernel.Vars satisfies it.
type Resolver interface {
	Get(name string) (any, bool)
	Eval(expr string) (any, error)
}

// SplitLine splits a magic line into arguments the way a POSIX shell does, and replaces the
// references it holds with their values from r:
//
//   - blanks (space, tab, newline) outside quotes separate arguments;
//   - '…' keeps everything up to the next ' as it is: no escapes, no references;
//   - "…" keeps blanks; inside it \ escapes only " \ $ ` { } and a newline, and references
//     are replaced;
//   - outside quotes \ makes the next character literal;
//   - \ before a line break joins the two lines (the break is dropped);
//   - $name and ${name} become the value of the variable name, {expr} the value of the Go
//     expression expr (fmt.Sprint of either); the value is inserted as it is, never split or
//     read again, so `--cell "$query"` passes the query unchanged whatever it holds;
//   - $$ is a literal $, {{ a literal {, }} a literal }, and so is \$ or \{ outside single
//     quotes; a $ not followed by a name and the pair {} stay as written.
//
// {expr} is evaluated at package level, so inside a loop or a function only $name and
// ${name} see the local variables.
//
// A reference r cannot resolve (a variable that does not exist, an expression that fails) is
// an error that names it. A nil r leaves every reference as written, which is how completion
// splits a line.
func SplitLine(line string, r Resolver) ([]string, error) {
	words, err := lexLine(line, r)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w.text
	}
	return out, nil
}

// word is one argument of a line and the byte offsets where it starts and ends in the line.
type word struct {
	text       string
	start, end int
}

// errUnterminated* say which quote a line left open and what to do about it.
var (
	errUnterminatedSingle = errors.New("unterminated ' quote; close it, or write \\' for a " +
		"literal quote")
	errUnterminatedDouble = errors.New("unterminated \" quote; close it, or write \\\" for a " +
		"literal quote")
)

// lexer holds the state of splitting one line.
type lexer struct {
	src   string
	pos   int
	r     Resolver
	cur   strings.Builder
	in    bool // a word is open, even an empty one such as ""
	start int
	words []word
}

func lexLine(line string, r Resolver) ([]word, error) {
	lx := &lexer{src: line, r: r}
	if err := lx.run(); err != nil {
		return nil, err
	}
	return lx.words, nil
}

func (lx *lexer) open() {
	if !lx.in {
		lx.in, lx.start = true, lx.pos
	}
}

func (lx *lexer) close() {
	if lx.in {
		lx.words = append(lx.words, word{text: lx.cur.String(), start: lx.start, end: lx.pos})
		lx.cur.Reset()
		lx.in = false
	}
}

func (lx *lexer) run() error {
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			lx.close()
			lx.pos++
		case c == '\\':
			if err := lx.backslash(false); err != nil {
				return err
			}
		case c == '\'':
			lx.open()
			end := strings.IndexByte(lx.src[lx.pos+1:], '\'')
			if end < 0 {
				return errUnterminatedSingle
			}
			lx.cur.WriteString(lx.src[lx.pos+1 : lx.pos+1+end])
			lx.pos += end + 2
		case c == '"':
			lx.open()
			if err := lx.double(); err != nil {
				return err
			}
		default:
			lx.open()
			if err := lx.plain(); err != nil {
				return err
			}
		}
	}
	lx.close()
	return nil
}

// backslash handles a \ at pos; quoted says it stands inside "…".
func (lx *lexer) backslash(quoted bool) error {
	if lx.pos+1 >= len(lx.src) {
		// A final \ is a continuation with nothing after it: drop it.
		lx.pos++
		return nil
	}
	next := lx.src[lx.pos+1]
	if next == '\n' {
		lx.pos += 2
		return nil
	}
	if next == '\r' && lx.pos+2 < len(lx.src) && lx.src[lx.pos+2] == '\n' {
		lx.pos += 3
		return nil
	}
	lx.open()
	if quoted && !strings.ContainsRune("\"\\$`{}", rune(next)) {
		lx.cur.WriteByte('\\')
		lx.pos++
		return nil
	}
	lx.cur.WriteByte(next)
	lx.pos += 2
	return nil
}

// double reads a "…" section starting at pos.
func (lx *lexer) double() error {
	lx.pos++
	for lx.pos < len(lx.src) {
		switch c := lx.src[lx.pos]; c {
		case '"':
			lx.pos++
			return nil
		case '\\':
			if err := lx.backslash(true); err != nil {
				return err
			}
		case '$', '{', '}':
			if err := lx.reference(); err != nil {
				return err
			}
		default:
			lx.cur.WriteByte(c)
			lx.pos++
		}
	}
	return errUnterminatedDouble
}

// plain reads one unquoted character, or the reference that starts at pos.
func (lx *lexer) plain() error {
	switch lx.src[lx.pos] {
	case '$', '{', '}':
		return lx.reference()
	}
	lx.cur.WriteByte(lx.src[lx.pos])
	lx.pos++
	return nil
}

// reference reads $$, $name, ${name}, {{, }}, {expr} or a lone $ { } at pos and writes its
// value (or, without a resolver, its text).
func (lx *lexer) reference() error {
	ref, value, err := scanReference(lx.src[lx.pos:])
	if err != nil {
		return fmt.Errorf("at column %d: %w", lx.pos+1, err)
	}
	lx.pos += len(ref.text)
	switch ref.kind {
	case refLiteral:
		lx.cur.WriteString(value)
		return nil
	}
	if lx.r == nil {
		lx.cur.WriteString(ref.text)
		return nil
	}
	v, err := ref.resolve(lx.r)
	if err != nil {
		return err
	}
	lx.cur.WriteString(v)
	return nil
}

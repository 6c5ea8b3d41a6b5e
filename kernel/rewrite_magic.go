package kernel

import (
	"strconv"
	"strings"
)

// magicCall is the injected function a % or ! line becomes, so that the line runs at its place
// in the cell's control flow, also inside loops and function bodies.
const (
	magicCall       = "_gotaegis.Magic"
	magicResultCall = "_gotaegis.MagicResult"
)

// lineLexer follows just enough Go lexical structure, line by line, to tell whether the next
// line begins a new statement (where a % or ! line is a magic) or continues an expression, a
// raw string or a block comment (where it is Go text).
type lineLexer struct {
	inRaw     bool
	inComment bool
	last      byte // last significant byte seen, 0 at the start of the cell
	prev      byte // the one before it, to recognise ++ and --
}

// atStatementStart reports whether a line starting now would begin a statement.
func (l *lineLexer) atStatementStart() bool {
	if l.inRaw || l.inComment {
		return false
	}
	switch l.last {
	case 0, ';', '{', '}', ')', ']', ':', '"', '\'', '`':
		return true
	case '+', '-':
		return l.prev == l.last
	}
	return isIdentByte(l.last)
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
		c >= 0x80
}

func (l *lineLexer) see(c byte) {
	l.prev, l.last = l.last, c
}

// feed advances the lexer over one line of Go text (without its newline).
func (l *lineLexer) feed(line string) {
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case l.inComment:
			if c == '*' && i+1 < len(line) && line[i+1] == '/' {
				l.inComment = false
				i++
			}
		case l.inRaw:
			if c == '`' {
				l.inRaw = false
				l.see('`')
			}
		case c == '/' && i+1 < len(line) && line[i+1] == '/':
			return
		case c == '/' && i+1 < len(line) && line[i+1] == '*':
			l.inComment = true
			i++
		case c == '`':
			l.inRaw = true
		case c == '"' || c == '\'':
			i = skipQuoted(line, i)
			l.see(c)
		case c == ' ' || c == '\t' || c == '\r':
		default:
			l.see(c)
		}
	}
}

// skipQuoted returns the index of the quote closing the literal opened at line[i].
func skipQuoted(line string, i int) int {
	q := line[i]
	for j := i + 1; j < len(line); j++ {
		switch line[j] {
		case '\\':
			j++
		case q:
			return j
		}
	}
	return len(line) - 1
}

// magicLine is a % or ! line (with its \ continuations) found where a statement may start.
type magicLine struct {
	Text      string // the command, continuation lines joined with spaces, backslashes dropped
	Line      int    // first line, 1-based
	Start     int    // byte offset of the line's first byte
	End       int    // byte offset just past the last continuation line (before its newline)
	Indent    string // leading white space of the first line
	LineCount int
}

// findMagicLines returns the magic lines of src, a cell whose first line is not a %% magic.
func findMagicLines(src string) []magicLine {
	var out []magicLine
	var lx lineLexer
	lines := strings.SplitAfter(src, "\n")
	off := 0
	for n := 0; n < len(lines); n++ {
		raw := lines[n]
		line := strings.TrimRight(raw, "\r\n")
		trimmed := strings.TrimLeft(line, " \t")
		if lx.atStatementStart() && isMagicStart(trimmed) {
			m := magicLine{Line: n + 1, Start: off, Indent: line[:len(line)-len(trimmed)]}
			var parts []string
			for {
				cont := strings.HasSuffix(trimmed, "\\")
				parts = append(parts, strings.TrimSuffix(trimmed, "\\"))
				off += len(raw)
				m.End = off - (len(raw) - len(line))
				m.LineCount++
				if !cont || n+1 >= len(lines) {
					break
				}
				n++
				raw = lines[n]
				line = strings.TrimRight(raw, "\r\n")
				trimmed = strings.TrimLeft(line, " \t")
			}
			m.Text = strings.TrimSpace(strings.Join(parts, " "))
			out = append(out, m)
			lx.see(';')
			continue
		}
		lx.feed(line)
		off += len(raw)
	}
	return out
}

// isMagicStart reports whether a statement-start line is a magic: %name, or !command where the
// text is not a Go negation such as !ok or !f(x).
func isMagicStart(trimmed string) bool {
	if strings.HasPrefix(trimmed, "%") {
		return len(trimmed) > 1 && trimmed[1] != '=' && trimmed[1] != ' '
	}
	if !strings.HasPrefix(trimmed, "!") || len(trimmed) < 2 || trimmed[1] == '=' {
		return false
	}
	// "!ok" alone, "!ok," or "!f(x))" read as Go; a shell command has a space or a symbol.
	rest := trimmed[1:]
	i := 0
	for i < len(rest) && isIdentByte(rest[i]) {
		i++
	}
	if i == len(rest) {
		return isShellWord(rest)
	}
	return rest[i] != '(' && rest[i] != ',' && rest[i] != '.' && rest[i] != ')' && rest[i] != '&' &&
		rest[i] != '|'
}

// isShellWord reports whether a bare !word is a command people run without arguments.
func isShellWord(w string) bool {
	switch w {
	case "ls", "pwd", "env", "date", "whoami", "id", "uname", "hostname", "ps", "df", "free",
		"true", "false", "go", "make", "git", "top", "uptime":
		return true
	}
	return false
}

// substituteMagics replaces each magic line with a call of the injected magic function on the
// same line, and blanks its continuation lines, so the cell's line numbers stay the same.
func substituteMagics(src string, magics []magicLine) string {
	var b strings.Builder
	prev := 0
	for _, m := range magics {
		b.WriteString(src[prev:m.Start])
		text, stmt := m.Text, ""
		if rest, ok := strings.CutPrefix(text, "%time "); ok {
			// "%time f()" starts the clock and runs the statement written after it.
			text, stmt = "%time", "; "+strings.TrimSpace(rest)
		}
		b.WriteString(m.Indent + magicCall + "(" + strconv.Quote(text) + ")" + stmt)
		b.WriteString(strings.Repeat("\n", m.LineCount-1))
		prev = m.End
	}
	b.WriteString(src[prev:])
	return b.String()
}

package kernel

import (
	"errors"
	"go/token"
	"strings"
)

// IsComplete reports whether code is ready to run. See Engine.
func (e *GoEngine) IsComplete(code string) (status, indent string) {
	defer func() {
		if recover() != nil {
			status, indent = "unknown", ""
		}
	}()
	return isComplete(code)
}

// isComplete decides with the Go scanner and parser: open brackets that closing would make
// valid, or an error at the very end, mean incomplete; other syntax errors mean invalid.
func isComplete(code string) (status, indent string) {
	trimmed := strings.TrimRight(code, " \t\r\n")
	if strings.TrimSpace(trimmed) == "" {
		return "complete", ""
	}
	lead := strings.TrimLeft(trimmed, " \t\r\n")
	if strings.HasPrefix(lead, "%%") {
		if !strings.Contains(lead, "\n") {
			return "incomplete", ""
		}
		return "complete", ""
	}
	if strings.HasSuffix(trimmed, "\\") {
		if lines := findMagicLines(code); len(lines) > 0 {
			last := lines[len(lines)-1]
			if last.End >= len(trimmed) {
				return "incomplete", ""
			}
		}
	}
	src := substituteMagics(code, findMagicLines(code))
	toks, err := tokenize(src)
	if err != nil {
		var se *CellSyntaxError
		if errors.As(err, &se) && (strings.Contains(se.Msg, "raw string literal not terminated") ||
			strings.Contains(se.Msg, "comment not terminated")) {
			return "incomplete", ""
		}
		return "invalid", ""
	}
	var open []token.Token
	for _, t := range toks {
		switch t.tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			open = append(open, t.tok)
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if len(open) == 0 {
				return "invalid", ""
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		closing := "\n"
		for i := len(open) - 1; i >= 0; i-- {
			closing += map[token.Token]string{token.LPAREN: ")", token.LBRACE: "}",
				token.LBRACK: "]"}[open[i]]
		}
		if parses(src + closing) {
			return "incomplete", strings.Repeat("    ", len(open))
		}
		return "invalid", ""
	}
	if err := parseAll(src); err != nil {
		var se *CellSyntaxError
		if errors.As(err, &se) && atEnd(src, se) {
			return "incomplete", ""
		}
		return "invalid", ""
	}
	return "complete", ""
}

func parses(src string) bool { return parseAll(src) == nil }

func parseAll(src string) error {
	segs, err := splitCell(src)
	if err != nil {
		return err
	}
	for _, s := range segs {
		if _, err := parseSegment(src, s); err != nil {
			return err
		}
	}
	return nil
}

// atEnd reports whether a syntax error points at or past the cell's last token.
func atEnd(src string, se *CellSyntaxError) bool {
	lines := strings.Split(strings.TrimRight(src, " \t\r\n"), "\n")
	if se.Line > len(lines) {
		return true
	}
	return se.Line == len(lines) && se.Col > len(strings.TrimRight(lines[len(lines)-1], " \t\r"))
}

package magics

import (
	"errors"
	"fmt"
	"strings"
)

// refKind says what a reference in a magic line is.
type refKind int

const (
	refLiteral refKind = iota // $$, {{, }}, a lone $, { or }, or {}: text, not a reference
	refName                   // $name or ${name}
	refExpr                   // {expr}
)

// reference is one $name, ${name} or {expr} of a magic line, with the text it was written as.
type reference struct {
	kind refKind
	text string // as written, "$name", "${name}" or "{expr}"
	name string // the variable name, or the expression
}

// scanReference reads the reference at the start of s, which starts with $, { or }. For a
// literal it returns the text it stands for.
func scanReference(s string) (reference, string, error) {
	switch s[0] {
	case '$':
		if strings.HasPrefix(s, "$$") {
			return reference{kind: refLiteral, text: "$$"}, "$", nil
		}
		if strings.HasPrefix(s, "${") {
			end := strings.IndexByte(s, '}')
			if end < 0 {
				return reference{}, "", errors.New("unterminated ${name}; close it with }, " +
					"or write $$ for a literal $")
			}
			name := s[2:end]
			if !isIdent(name) {
				return reference{}, "", fmt.Errorf("${%s}: not a Go variable name; write $$ "+
					"for a literal $", name)
			}
			return reference{kind: refName, text: s[:end+1], name: name}, "", nil
		}
		n := identPrefix(s[1:])
		if n == 0 {
			return reference{kind: refLiteral, text: "$"}, "$", nil
		}
		return reference{kind: refName, text: s[:1+n], name: s[1 : 1+n]}, "", nil
	case '}':
		if strings.HasPrefix(s, "}}") {
			return reference{kind: refLiteral, text: "}}"}, "}", nil
		}
		return reference{kind: refLiteral, text: "}"}, "}", nil
	}
	if strings.HasPrefix(s, "{{") {
		return reference{kind: refLiteral, text: "{{"}, "{", nil
	}
	if strings.HasPrefix(s, "{}") {
		return reference{kind: refLiteral, text: "{}"}, "{}", nil
	}
	end, err := exprEnd(s)
	if err != nil {
		return reference{}, "", err
	}
	expr := strings.TrimSpace(s[1:end])
	if expr == "" {
		return reference{kind: refLiteral, text: s[:end+1]}, s[:end+1], nil
	}
	return reference{kind: refExpr, text: s[:end+1], name: expr}, "", nil
}

// exprEnd returns the index of the } that closes the { at the start of s, skipping nested
// braces and Go string and rune literals.
func exprEnd(s string) (int, error) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i, nil
			}
		case '"', '\'', '`':
			j := literalEnd(s, i)
			if j < 0 {
				break
			}
			i = j
		}
	}
	return 0, errors.New("unterminated {expression}; close it with }, or write {{ for a " +
		"literal {")
}

// literalEnd returns the index of the quote that ends the Go literal opened at s[i], or -1.
func literalEnd(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && q != '`':
			j++
		case s[j] == q:
			return j
		}
	}
	return -1
}

// resolve returns the value of a $name or {expr} reference as text.
func (ref reference) resolve(r Resolver) (string, error) {
	switch ref.kind {
	case refName:
		v, ok := r.Get(ref.name)
		if !ok {
			return "", fmt.Errorf("%s: no variable %s in this session; define it in a cell "+
				"first, or write $$ for a literal $", ref.text, ref.name)
		}
		return fmt.Sprint(v), nil
	case refExpr:
		v, err := r.Eval(ref.name)
		if err != nil {
			return "", fmt.Errorf("%s: %w (write {{ for a literal {)", ref.text, err)
		}
		return fmt.Sprint(v), nil
	}
	return ref.text, nil
}

// identPrefix returns the length of the Go identifier (ASCII) at the start of s.
func identPrefix(s string) int {
	n := 0
	for n < len(s) {
		c := s[n]
		letter := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (n == 0 || c < '0' || c > '9') {
			break
		}
		n++
	}
	return n
}

// isIdent reports whether s is an ASCII Go identifier.
func isIdent(s string) bool { return s != "" && identPrefix(s) == len(s) }

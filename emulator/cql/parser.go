package cql

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The keywords, as Keywords lists them; the parser compares case-insensitively.
const (
	kwFrom     = "FROM"
	kwWhere    = "WHERE"
	kwAnd      = "AND"
	kwOr       = "OR"
	kwNot      = "NOT"
	kwIn       = "IN"
	kwContains = "CONTAINS"
	kwRegex    = "MATCHES_REGEX"
	kwIs       = "IS"
	kwNull     = "NULL"
	kwTrue     = "TRUE"
	kwFalse    = "FALSE"
	kwEarliest = "EARLIEST"
	kwLatest   = "LATEST"
)

var keywords = []string{
	kwFrom, kwWhere, kwAnd, kwOr, kwNot, kwIn, kwContains, kwRegex, kwIs, kwNull,
	kwTrue, kwFalse, kwEarliest, kwLatest,
}

func isKeyword(s string) bool {
	for _, k := range keywords {
		if strings.EqualFold(s, k) {
			return true
		}
	}
	return false
}

// ast is what the parser produces: the query's clauses before compilation.
type ast struct {
	from     []string
	where    Expr
	earliest *TimeSpec
	latest   *TimeSpec
	pipes    []Pipe
}

type parser struct {
	lx    *lexer
	tok   token
	depth int // nesting of parentheses and NOT, bounded by maxDepth
}

// maxDepth bounds how deeply conditions nest, so a hostile query cannot exhaust the stack
// of the parser, the compiler or String, which all recurse over the tree.
const maxDepth = 100

// enter counts one level of nesting at the current token; leave undoes it.
func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf(p.tok.pos, "conditions nest more than %d levels deep; simplify the "+
			"query", maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) errorf(at Pos, format string, args ...any) error {
	return &SyntaxError{Line: at.Line, Col: at.Col, Msg: fmt.Sprintf(format, args...)}
}

// is reports whether the current token is the keyword kw.
func (p *parser) is(kw string) bool {
	return p.tok.kind == tokIdent && strings.EqualFold(p.tok.text, kw)
}

func parse(src string) (*ast, error) {
	p := &parser{lx: newLexer(src)}
	if err := p.advance(); err != nil {
		return nil, err
	}
	q := &ast{}

	if p.is(kwFrom) {
		if err := p.parseFrom(q); err != nil {
			return nil, err
		}
	}
	if err := p.parseClauses(q); err != nil {
		return nil, err
	}
	for p.tok.kind == tokPipe {
		pipe, err := p.parsePipe()
		if err != nil {
			return nil, err
		}
		q.pipes = append(q.pipes, pipe)
	}
	if p.tok.kind != tokEOF {
		return nil, p.errorf(p.tok.pos, "expected '|' or end of query (got %s)", p.tok.describe())
	}
	return q, nil
}

func (p *parser) parseFrom(q *ast) error {
	for {
		if err := p.advance(); err != nil {
			return err
		}
		if p.tok.kind != tokIdent || isKeyword(p.tok.text) || strings.HasPrefix(p.tok.text, "@") {
			after := "FROM"
			if len(q.from) > 0 {
				after = "','"
			}
			return p.errorf(p.tok.pos, "expected an event type after %s, e.g. FROM process "+
				"(got %s)", after, p.tok.describe())
		}
		q.from = append(q.from, strings.ToLower(p.tok.text))
		if err := p.advance(); err != nil {
			return err
		}
		if p.tok.kind != tokComma {
			break
		}
	}
	return nil
}

// parseClauses reads WHERE conditions (or, without FROM, bare conditions) and the EARLIEST
// and LATEST settings, in any order.
func (p *parser) parseClauses(q *ast) error {
	for {
		switch {
		case p.is(kwEarliest) || p.is(kwLatest):
			if err := p.parseTime(q); err != nil {
				return err
			}
		case p.is(kwWhere):
			if q.where != nil {
				return p.errorf(p.tok.pos, "a query has one WHERE; join conditions with AND or OR")
			}
			at := p.tok.pos
			if err := p.advance(); err != nil {
				return err
			}
			if p.tok.kind == tokEOF || p.tok.kind == tokPipe {
				return p.errorf(at, "expected conditions after WHERE (got %s)", p.tok.describe())
			}
			e, err := p.parseOr()
			if err != nil {
				return err
			}
			q.where = e
		case p.tok.kind == tokEOF || p.tok.kind == tokPipe:
			return nil
		case q.where == nil && q.from == nil:
			e, err := p.parseOr()
			if err != nil {
				return err
			}
			q.where = e
		case q.where == nil:
			return p.errorf(p.tok.pos, "expected WHERE, EARLIEST, LATEST, '|' or end of query "+
				"after the event types (got %s)", p.tok.describe())
		default:
			return p.errorf(p.tok.pos, "expected AND, OR, EARLIEST, LATEST, '|' or end of query "+
				"after the conditions (got %s)", p.tok.describe())
		}
	}
}

func (p *parser) parseTime(q *ast) error {
	kw := strings.ToUpper(p.tok.text)
	at := p.tok.pos
	if (kw == kwEarliest && q.earliest != nil) || (kw == kwLatest && q.latest != nil) {
		return p.errorf(at, "%s is set twice; keep one", kw)
	}
	if err := p.advance(); err != nil {
		return err
	}
	if p.tok.kind != tokEq {
		return p.errorf(p.tok.pos, "expected '=' after %s, e.g. %s=-1d (got %s)", kw, kw,
			p.tok.describe())
	}
	if err := p.advance(); err != nil {
		return err
	}
	empty := p.tok.kind == tokTime && p.tok.text == ""
	if p.tok.kind != tokTime && p.tok.kind != tokString || empty {
		return p.errorf(p.tok.pos, "expected a time after '%s=' (got %s); %s", kw,
			p.tok.describe(), timeHint)
	}
	spec, err := parseTimeSpec(p.tok.text)
	if err != nil {
		return p.errorf(p.tok.pos, "%s", err.Error())
	}
	spec.Pos = p.tok.pos
	if kw == kwEarliest {
		q.earliest = spec
	} else {
		q.latest = spec
	}
	return p.advance()
}

func (p *parser) parseOr() (Expr, error) {
	return p.parseChain(false)
}

// parseChain reads operands joined by OR (and == false) or by AND, flattening the chain.
func (p *parser) parseChain(and bool) (Expr, error) {
	sub := p.parseNot
	kw := kwAnd
	if !and {
		sub = func() (Expr, error) { return p.parseChain(true) }
		kw = kwOr
	}
	first, err := sub()
	if err != nil {
		return nil, err
	}
	args := []Expr{first}
	for p.is(kw) {
		if err := p.advance(); err != nil {
			return nil, err
		}
		next, err := sub()
		if err != nil {
			return nil, err
		}
		args = append(args, next)
	}
	if len(args) == 1 {
		return first, nil
	}
	return &Chain{And: and, Args: args}, nil
}

func (p *parser) parseNot() (Expr, error) {
	if !p.is(kwNot) {
		return p.parsePrimary()
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if err := p.advance(); err != nil {
		return nil, err
	}
	x, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	return &Not{X: x}, nil
}

func (p *parser) parsePrimary() (Expr, error) {
	if p.tok.kind == tokLParen {
		open := p.tok.pos
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tokRParen {
			return nil, p.errorf(p.tok.pos, "expected ')' to close the '(' at line %d, column %d "+
				"(got %s)", open.Line, open.Col, p.tok.describe())
		}
		return e, p.advance()
	}
	if p.tok.kind != tokIdent || isKeyword(p.tok.text) {
		return nil, p.errorf(p.tok.pos, "expected a field name, NOT or '(' (got %s)",
			p.tok.describe())
	}
	f := Field{Path: p.tok.text, Pos: p.tok.pos}
	if err := checkPath(f); err != nil {
		return nil, p.errorf(f.Pos, "%s", err.Error())
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	return p.parseComparison(f)
}

// checkPath rejects field names with empty segments (a..b, a.) and misplaced '@'.
func checkPath(f Field) error {
	path := f.Path
	if f.Logical() {
		path = path[1:]
		if path == "" {
			return fmt.Errorf("expected a logical field name after '@', e.g. @ip")
		}
	}
	for _, seg := range strings.Split(path, ".") {
		if seg == "" {
			return fmt.Errorf("field %q has an empty part; write names like metadata.title", f.Path)
		}
		if strings.Contains(seg, "@") {
			return fmt.Errorf("field %q has '@' inside it; only logical fields start with '@'",
				f.Path)
		}
	}
	return nil
}

var compareOps = map[tokenKind]Op{
	tokEq: OpEq, tokNe: OpNe, tokLt: OpLt, tokLe: OpLe, tokGt: OpGt, tokGe: OpGe,
}

func (p *parser) parseComparison(f Field) (Expr, error) {
	if op, ok := compareOps[p.tok.kind]; ok {
		v, err := p.parseValueAfter(string(op))
		if err != nil {
			return nil, err
		}
		return &Compare{Field: f, Op: op, Values: []Value{v}}, nil
	}

	negated := false
	switch {
	case p.tok.kind == tokBang:
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.is(kwIn) && !p.is(kwRegex) {
			return nil, p.errorf(p.tok.pos, "expected IN or MATCHES_REGEX after '!' (got %s)",
				p.tok.describe())
		}
		negated = true
	case p.is(kwNot):
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.is(kwIn) && !p.is(kwRegex) && !p.is(kwContains) {
			return nil, p.errorf(p.tok.pos, "expected IN, CONTAINS or MATCHES_REGEX after "+
				"'%s NOT' (got %s)", f.Path, p.tok.describe())
		}
		negated = true
	}

	var e Expr
	var err error
	switch {
	case p.is(kwIn):
		e, err = p.parseIn(f, negated)
	case p.is(kwContains):
		var v Value
		v, err = p.parseValueAfter(kwContains)
		e = &Compare{Field: f, Op: OpContains, Values: []Value{v}}
		if negated {
			e = &Not{X: e}
		}
	case p.is(kwRegex):
		op := OpRegex
		if negated {
			op = OpNotRegex
		}
		var v Value
		v, err = p.parseValueAfter(string(op))
		if err == nil && v.Kind != StringValue {
			err = p.errorf(v.Pos, "%s needs a quoted regular expression, e.g. 'evil\\.com$'", op)
		}
		e = &Compare{Field: f, Op: op, Values: []Value{v}}
	case p.is(kwIs):
		e, err = p.parseIsNull(f)
	default:
		return nil, p.errorf(p.tok.pos, "expected an operator after '%s' (got %s); operators: %s",
			f.Path, p.tok.describe(), strings.Join(Operators(), ", "))
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// parseValueAfter skips the operator token and reads one literal.
func (p *parser) parseValueAfter(op string) (Value, error) {
	if err := p.advance(); err != nil {
		return Value{}, err
	}
	return p.parseValue(op)
}

func (p *parser) parseValue(after string) (Value, error) {
	t := p.tok
	var v Value
	switch {
	case t.kind == tokString:
		v = Value{Kind: StringValue, Str: t.text, Pos: t.pos}
	case t.kind == tokNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsInf(f, 0) {
			return Value{}, p.errorf(t.pos, "number %s is out of range", t.text)
		}
		v = Value{Kind: NumberValue, Num: f, Pos: t.pos}
	case p.is(kwTrue) || p.is(kwFalse):
		v = Value{Kind: BoolValue, Bool: p.is(kwTrue), Pos: t.pos}
	case p.is(kwNull):
		return Value{}, p.errorf(t.pos, "NULL is not a value; test for it with IS NULL or "+
			"IS NOT NULL")
	default:
		return Value{}, p.errorf(t.pos, "expected a value after '%s' (got %s)", after,
			t.describe())
	}
	return v, p.advance()
}

func (p *parser) parseIn(f Field, negated bool) (Expr, error) {
	op := OpIn
	if negated {
		op = OpNotIn
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tokLParen {
		return nil, p.errorf(p.tok.pos, "expected '(' after %s, e.g. %s ('a', 'b') (got %s)",
			op, op, p.tok.describe())
	}
	open := p.tok.pos
	var vals []Value
	for {
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tokRParen && len(vals) == 0 {
			return nil, p.errorf(p.tok.pos, "%s needs at least one value", op)
		}
		after := "("
		if len(vals) > 0 {
			after = ","
		}
		v, err := p.parseValue(after)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		if p.tok.kind != tokComma {
			break
		}
	}
	if p.tok.kind != tokRParen {
		return nil, p.errorf(p.tok.pos, "expected ',' or ')' to close the list opened at "+
			"line %d, column %d (got %s)", open.Line, open.Col, p.tok.describe())
	}
	return &Compare{Field: f, Op: op, Values: vals}, p.advance()
}

func (p *parser) parseIsNull(f Field) (Expr, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	negated := false
	if p.is(kwNot) {
		negated = true
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	if !p.is(kwNull) {
		return nil, p.errorf(p.tok.pos, "expected NULL after IS (got %s); write %s IS NULL or "+
			"%s IS NOT NULL", p.tok.describe(), f.Path, f.Path)
	}
	return &IsNull{Field: f, Negated: negated}, p.advance()
}

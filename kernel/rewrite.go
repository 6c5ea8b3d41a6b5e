package kernel

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
)

// segKind is what a run of top-level source in a cell holds.
type segKind int

const (
	segStmt segKind = iota
	segDecl
	segImport
)

// segment is a run of top-level source of one kind: byte offsets into the cell.
type segment struct {
	kind       segKind
	start, end int
}

// token with its offset, for the splitter's look-ahead.
type ctok struct {
	off int
	tok token.Token
}

// CellSyntaxError is a cell that does not parse: the message names the cell's own line.
type CellSyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *CellSyntaxError) Error() string {
	return fmt.Sprintf("line %d:%d: %s", e.Line, e.Col, e.Msg)
}

// tokenize scans src into tokens, with the automatic semicolons Go inserts at line ends.
func tokenize(src string) ([]ctok, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var s scanner.Scanner
	var first *CellSyntaxError
	s.Init(file, []byte(src), func(pos token.Position, msg string) {
		if first == nil {
			first = &CellSyntaxError{Line: pos.Line, Col: pos.Column, Msg: msg}
		}
	}, 0)
	var toks []ctok
	for {
		pos, tok, _ := s.Scan()
		if tok == token.EOF {
			break
		}
		toks = append(toks, ctok{off: file.Offset(pos), tok: tok})
	}
	if first != nil {
		return nil, first
	}
	return toks, nil
}

// splitCell cuts a cell into top-level runs of imports, declarations and statements, in
// source order. Consecutive declarations form one run, so functions in it may refer to each
// other in any order; so do consecutive statements.
func splitCell(src string) ([]segment, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	var segs []segment
	depth := 0
	atStart := true
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if atStart && t.tok != token.SEMICOLON {
			kind := stmtKind(toks, i)
			end := statementEnd(toks, i, len(src))
			if n := len(segs); n > 0 && segs[n-1].kind == kind {
				segs[n-1].end = end
			} else {
				floor := 0
				if n > 0 {
					floor = segs[n-1].end
				}
				start := leadingComments(src, t.off, floor)
				segs = append(segs, segment{kind: kind, start: start, end: end})
			}
			atStart = false
		}
		switch t.tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		case token.SEMICOLON:
			if depth <= 0 {
				atStart = true
			}
		}
	}
	return segs, nil
}

// leadingComments moves off back over the whole // comment lines just above it, no further
// than floor, so a declaration keeps its doc comment.
func leadingComments(src string, off, floor int) int {
	start := off
	for {
		lineStart := strings.LastIndexByte(src[:start], '\n') + 1
		if strings.TrimSpace(src[lineStart:start]) != "" || lineStart == 0 {
			return start
		}
		prevEnd := lineStart - 1
		prevStart := strings.LastIndexByte(src[:prevEnd], '\n') + 1
		if prevStart < floor || !strings.HasPrefix(strings.TrimSpace(src[prevStart:prevEnd]), "//") {
			return start
		}
		start = prevStart
	}
}

// statementEnd returns the offset just past the top-level statement starting at toks[i].
func statementEnd(toks []ctok, i, srcLen int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j].tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		case token.SEMICOLON:
			if depth <= 0 {
				return toks[j].off
			}
		}
	}
	return srcLen
}

// stmtKind classifies the top-level statement starting at toks[i].
func stmtKind(toks []ctok, i int) segKind {
	switch toks[i].tok {
	case token.IMPORT:
		return segImport
	case token.TYPE, token.CONST, token.VAR:
		return segDecl
	case token.FUNC:
		if i+1 < len(toks) && toks[i+1].tok == token.IDENT {
			return segDecl
		}
		if i+1 < len(toks) && toks[i+1].tok == token.LPAREN {
			// A method has a receiver, then its name and its parameters; a function
			// literal has parameters, then a result or its body.
			depth := 0
			for j := i + 1; j < len(toks); j++ {
				switch toks[j].tok {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
				}
				if depth == 0 {
					if j+2 < len(toks) && toks[j+1].tok == token.IDENT &&
						(toks[j+2].tok == token.LPAREN || toks[j+2].tok == token.LBRACK) {
						return segDecl
					}
					return segStmt
				}
			}
		}
	}
	return segStmt
}

// blankOutside returns src with every byte outside [start, end) turned into a space (newlines
// kept), cut at end, so a parser sees only the segment at its own offsets and lines.
func blankOutside(src string, start, end int) string {
	b := []byte(src[:end])
	for i := 0; i < start; i++ {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

// Parse prefixes: the segment's offsets are shifted by len(prefix), its lines by one.
const (
	declPrefix = "package main;\n"
	stmtPrefix = "package main;func _() {\n"
)

// parsedSeg is a segment with its syntax tree.
type parsedSeg struct {
	segment
	fset   *token.FileSet
	file   *ast.File
	prefix string
	base   int
	body   *ast.BlockStmt // statements, for a statement segment
	line   int            // the cell line of its only statement, when it has no line marks
}

// offset converts a position in the segment's tree to an offset in the cell.
func (p *parsedSeg) offset(pos token.Pos) int {
	return int(pos) - p.base - len(p.prefix)
}

// parseSegment parses one segment of src.
func parseSegment(src string, seg segment) (*parsedSeg, error) {
	p := &parsedSeg{segment: seg, fset: token.NewFileSet(), prefix: declPrefix}
	text := p.prefix + blankOutside(src, seg.start, seg.end)
	if seg.kind == segStmt {
		p.prefix = stmtPrefix
		text = p.prefix + blankOutside(src, seg.start, seg.end) + "\n}"
	}
	p.base = p.fset.Base()
	f, err := parser.ParseFile(p.fset, "cell", text, parser.ParseComments)
	if err != nil {
		return nil, cellError(err)
	}
	p.file = f
	if seg.kind == segStmt {
		p.body = f.Decls[0].(*ast.FuncDecl).Body
	}
	return p, nil
}

// cellError turns a parser error into a CellSyntaxError on the cell's lines.
func cellError(err error) error {
	list, ok := err.(scanner.ErrorList)
	if !ok || len(list) == 0 {
		return err
	}
	e := list[0]
	msg := strings.Replace(e.Msg, "non-declaration statement outside function body",
		"statement where a declaration was expected", 1)
	return &CellSyntaxError{Line: e.Pos.Line - 1, Col: e.Pos.Column, Msg: msg}
}

// edit replaces cell bytes [pos, end) with text; text never holds a newline, so the cell's
// line numbers survive every rewrite.
type edit struct {
	pos, end int
	text     string
}

// spanMap records where applied edits sit in the rewritten text, to map its offsets back.
type spanMap []appliedEdit

type appliedEdit struct {
	out, outEnd int // the replacement text in the output
	orig        int // where the edit started in the input
	origEnd     int
}

// original maps an offset in the rewritten text to the input offset it came from; an offset
// inside inserted text maps to where the insertion was made.
func (m spanMap) original(off int) int {
	delta := 0
	for _, a := range m {
		if off < a.out {
			break
		}
		if off < a.outEnd {
			return a.orig
		}
		delta = a.origEnd - a.outEnd
	}
	return off + delta
}

// applyEditsMapped applies edits to src and returns the map back to src's offsets. Of two
// overlapping edits the one starting first (or, at the same start, the longer) wins;
// insertions at one offset keep their order.
func applyEditsMapped(src string, edits []edit) (string, spanMap) {
	if len(edits) == 0 {
		return src, nil
	}
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].pos != edits[j].pos {
			return edits[i].pos < edits[j].pos
		}
		// At one offset, insertions go first, then the longest replacement.
		wi, wj := edits[i].end == edits[i].pos, edits[j].end == edits[j].pos
		if wi != wj {
			return wi
		}
		return edits[i].end > edits[j].end
	})
	var b strings.Builder
	var m spanMap
	prev := 0
	for _, e := range edits {
		if e.pos < prev || e.end > len(src) || e.end < e.pos {
			continue
		}
		b.WriteString(src[prev:e.pos])
		start := b.Len()
		b.WriteString(e.text)
		m = append(m, appliedEdit{out: start, outEnd: b.Len(), orig: e.pos, origEnd: e.end})
		prev = e.end
	}
	b.WriteString(src[prev:])
	return b.String(), m
}

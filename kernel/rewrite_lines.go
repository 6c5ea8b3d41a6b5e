package kernel

import (
	"go/ast"
	"strconv"
)

// lineMarks makes every statement of a statement segment, outside function literals, record
// its cell line first: `_gotaegis.Line(3); xs[5] = 1`. The interpreter places a panic in the
// cell's own code at the start of the chunk, so the mark is how the error names the line.
// Functions are left alone: the interpreter gives their frames the right lines.
//
// A segment of one simple statement needs no mark: marks cost the interpreter time on every
// run, so its line is recorded in ps.line and set from outside before the chunk runs.
func (p *planner) lineMarks(ps *parsedSeg) {
	if ps.body == nil {
		return
	}
	if st, ok := onlySimpleStatement(ps.body.List); ok {
		ps.line = ps.fset.Position(st.Pos()).Line - 1
		return
	}
	mark := func(list []ast.Stmt) {
		for _, st := range list {
			switch st.(type) {
			case *ast.EmptyStmt, *ast.CaseClause, *ast.CommClause:
				// A switch's or select's block lists clauses, whose bodies are marked
				// on their own.
				continue
			}
			at := ps.offset(st.Pos())
			line := ps.fset.Position(st.Pos()).Line - 1
			p.edits = append(p.edits, edit{pos: at, end: at,
				text: bridgePkg + ".Line(" + strconv.Itoa(line) + "); "})
		}
	}
	ast.Inspect(ps.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BlockStmt:
			mark(n.List)
		case *ast.CaseClause:
			mark(n.Body)
		case *ast.CommClause:
			mark(n.Body)
		}
		return true
	})
}

// onlySimpleStatement returns the one statement of list when it holds no block of its own
// (outside function literals): its line is then where any panic of its chunk happened.
func onlySimpleStatement(list []ast.Stmt) (ast.Stmt, bool) {
	var only ast.Stmt
	for _, st := range list {
		if _, empty := st.(*ast.EmptyStmt); empty {
			continue
		}
		if only != nil {
			return nil, false
		}
		only = st
	}
	if only == nil {
		return nil, false
	}
	simple := true
	ast.Inspect(only, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			simple = false
		}
		return simple
	})
	return only, simple
}

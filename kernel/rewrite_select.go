package kernel

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// selectBranches rewrites the break and continue statements in the cases of a select
// statement that leave it. yaegi v0.16.1 runs `break L` and `continue L` of a loop L around
// the select as a plain break of the select, and a plain break inside an if in a case as a
// break of the loop around the select; only a break of the select's own label runs as in Go.
// So the select gets a label, each such branch records what it does in a variable and
// breaks that label, and after the select the branch is taken:
//
//	_gts1 := 0; _gtl1: select { case <-done: _gts1 = 1; break _gtl1 ... }
//	if _gts1 == 1 { break L }
//
// A branch inside a loop, switch or select nested in the case is left alone: it belongs to
// that statement.
func (p *planner) selectBranches(ps *parsedSeg) {
	labeled := map[ast.Stmt]*ast.LabeledStmt{}
	ast.Inspect(ps.file, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			labeled[l.Stmt] = l
		}
		sel, ok := n.(*ast.SelectStmt)
		if !ok {
			return true
		}
		self := ""
		if l := labeled[sel]; l != nil {
			self = l.Label.Name
		}
		var found []*ast.BranchStmt
		for _, cl := range sel.Body.List {
			if cc, ok := cl.(*ast.CommClause); ok {
				for _, st := range cc.Body {
					found = append(found, leavingBranches(st, self)...)
				}
			}
		}
		if len(found) == 0 {
			return true
		}
		p.rewriteSelect(ps, sel, labeled[sel], found)
		return true
	})
}

// rewriteSelect applies selectBranches to sel, labeled by own when not nil.
func (p *planner) rewriteSelect(ps *parsedSeg, sel *ast.SelectStmt, own *ast.LabeledStmt,
	found []*ast.BranchStmt) {
	p.s.nextID++
	flag := fmt.Sprintf("_gts%d", p.s.nextID)
	label := fmt.Sprintf("_gtl%d", p.s.nextID)
	start := ps.offset(sel.Pos())
	if own != nil {
		label, start = own.Label.Name, ps.offset(own.Pos())
	}
	var after []string
	taken := map[string]int{}
	for _, b := range found {
		what := b.Tok.String()
		if b.Label != nil {
			what += " " + b.Label.Name
		}
		text := "break " + label
		if what != "break" {
			code, ok := taken[what]
			if !ok {
				code = len(taken) + 1
				taken[what] = code
				after = append(after, fmt.Sprintf("if %s == %d { %s }", flag, code, what))
			}
			text = fmt.Sprintf("%s = %d; %s", flag, code, text)
		}
		p.edits = append(p.edits, edit{pos: ps.offset(b.Pos()), end: ps.offset(b.End()),
			text: text})
	}
	opening := ""
	if len(after) > 0 {
		opening = flag + " := 0; "
	}
	if own == nil {
		opening += label + ": "
	}
	end := ps.offset(sel.End())
	p.edits = append(p.edits, edit{pos: start, end: start, text: opening})
	if len(after) > 0 {
		p.edits = append(p.edits, edit{pos: end, end: end, text: "; " + strings.Join(after, "; ")})
	}
}

// leavingBranches returns the break and continue statements in st that leave the select
// around it, other than a break of the select's own label self.
func leavingBranches(st ast.Stmt, self string) []*ast.BranchStmt {
	var out []*ast.BranchStmt
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
			*ast.SelectStmt:
			return false
		case *ast.BranchStmt:
			if n.Tok != token.BREAK && n.Tok != token.CONTINUE {
				return true
			}
			if n.Tok == token.BREAK && n.Label != nil && n.Label.Name == self {
				return true
			}
			out = append(out, n)
		}
		return true
	})
	return out
}

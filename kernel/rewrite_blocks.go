package kernel

import "go/ast"

// wrapBlocks runs, inside a function literal called on the spot, each top-level compound
// statement of a statement segment (a loop, an if, a switch, a select, a block) that defines
// several variables from one value, as in `x, err := strconv.Atoi(s)` or `v, ok := m[k]`,
// or binds a type switch's value.
// At the top level, yaegi v0.16.1 loses such variables ("undefined: x") or crashes while
// compiling them; inside a function it runs them. A compound statement's own variables are
// its own, so running it in a function changes nothing else.
func (p *planner) wrapBlocks(ps *parsedSeg) {
	if ps.body == nil {
		return
	}
	for _, st := range ps.body.List {
		switch st.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
			*ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
		default:
			continue
		}
		if !definesSeveralFromOne(st) {
			continue
		}
		at, end := ps.offset(st.Pos()), ps.offset(st.End())
		p.edits = append(p.edits, edit{pos: at, end: at, text: "func() { "},
			edit{pos: end, end: end, text: " }()"})
	}
}

// definesSeveralFromOne reports whether n, outside function literals, defines two or more
// variables from a single value, or binds a type switch's value (`switch t := v.(type)`),
// which the interpreter also fails at the top level.
func definesSeveralFromOne(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.TypeSwitchStmt:
			if _, binds := n.Assign.(*ast.AssignStmt); binds {
				found = true
			}
		case *ast.AssignStmt:
			if n.Tok.String() == ":=" && len(n.Lhs) > 1 && len(n.Rhs) == 1 {
				found = true
			}
		case *ast.ValueSpec:
			if len(n.Names) > 1 && len(n.Values) == 1 {
				found = true
			}
		}
		return !found
	})
	return found
}

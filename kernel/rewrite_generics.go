package kernel

import (
	"go/ast"
	"go/token"
	"strings"
)

// genericVars wraps the value of a top-level `var x T = v` whose type T is an instance of a
// generic type, as in `var b Box[int] = MakeBox(3)`, in a function literal of that result
// type: `var b Box[int] = func() Box[int] { return MakeBox(3) }()`. yaegi v0.16.1 gives such
// a variable the zero value (or a broken pointer) instead of v; inside a function the same
// definition runs.
func (p *planner) genericVars(ps *parsedSeg) {
	if ps.kind != segDecl {
		return
	}
	for _, d := range ps.file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok || vs.Type == nil || len(vs.Values) == 0 || !hasInstance(vs.Type) {
				continue
			}
			typ := p.renamedText(ps, vs.Type)
			if strings.Contains(typ, "\n") {
				// An edit keeps the cell's lines; such a type is left as it is.
				continue
			}
			for _, v := range vs.Values {
				at, end := ps.offset(v.Pos()), ps.offset(v.End())
				p.edits = append(p.edits,
					edit{pos: at, end: at, text: "func() " + typ + " { return "},
					edit{pos: end, end: end, text: " }()"})
			}
		}
	}
}

// hasInstance reports whether type expression t names an instance of a generic type.
func hasInstance(t ast.Expr) bool {
	found := false
	ast.Inspect(t, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.IndexExpr, *ast.IndexListExpr:
			found = true
		}
		return !found
	})
	return found
}

// renamedText returns the source of n with the names of redefined types replaced by the
// names their newest definitions run under, as the planner's renaming does in place.
func (p *planner) renamedText(ps *parsedSeg, n ast.Node) string {
	names := map[string]string{}
	for k, v := range p.s.renames {
		names[k] = v
	}
	for k, v := range p.renames {
		names[k] = v
	}
	src := p.src[:ps.offset(n.End())]
	at := ps.offset(n.Pos())
	var b strings.Builder
	skip := map[*ast.Ident]bool{}
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.SelectorExpr:
			skip[m.Sel] = true
		case *ast.Ident:
			if to, ok := names[m.Name]; ok && !skip[m] {
				off := ps.offset(m.Pos())
				b.WriteString(src[at:off])
				b.WriteString(to)
				at = off + len(m.Name)
			}
		}
		return true
	})
	b.WriteString(src[at:])
	return b.String()
}

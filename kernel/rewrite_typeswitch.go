package kernel

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// hostInterfaces are interface types of the standard library that type switches commonly
// name.
var hostInterfaces = map[string]bool{"fmt.Stringer": true, "io.Reader": true,
	"io.Writer": true, "io.Closer": true, "io.ReadCloser": true, "net.Error": true,
	"json.Marshaler": true, "sort.Interface": true}

// typeSwitches rewrites a type switch that has a case of an interface type, as
// `case error:`, into a chain of type assertions: yaegi v0.16.1 never matches such a case,
// while its type assertion `v.(error)` works on values of compiled types.
//
//	switch t := x.(type) { case int: A; case error: B; default: C }
//
// becomes, on the same lines,
//
//	switch { default: _gty1 := x; if false {
//	} else if t, _gtok := _gty1.(int); _gtok { _ = t; A
//	} else if t, _gtok := _gty1.(error); _gtok { _ = t; B
//	} else { t := _gty1; _ = t; C } }
//
// The outer switch keeps what a break in a case means.
//
// Limitation: the assertion to an interface still fails on a value of a type the cells
// declare (the interpreter's own fault); such values are best switched on by their concrete
// types.
func (p *planner) typeSwitches(ps *parsedSeg) {
	ast.Inspect(ps.file, func(n ast.Node) bool {
		sw, ok := n.(*ast.TypeSwitchStmt)
		if !ok || !p.hasInterfaceCase(sw) || !defaultLast(sw) {
			return true
		}
		p.rewriteTypeSwitch(ps, sw)
		return true
	})
}

func (p *planner) rewriteTypeSwitch(ps *parsedSeg, sw *ast.TypeSwitchStmt) {
	var bound string
	var assert *ast.TypeAssertExpr
	switch a := sw.Assign.(type) {
	case *ast.AssignStmt:
		bound = a.Lhs[0].(*ast.Ident).Name
		assert, _ = a.Rhs[0].(*ast.TypeAssertExpr)
	case *ast.ExprStmt:
		assert, _ = a.X.(*ast.TypeAssertExpr)
	}
	if assert == nil {
		return
	}
	p.s.nextID++
	v := fmt.Sprintf("_gty%d", p.s.nextID)
	start := ps.offset(sw.Pos())
	p.edits = append(p.edits,
		edit{pos: start, end: start + len("switch"), text: "switch { default:"},
		edit{pos: ps.offset(sw.Assign.Pos()), end: ps.offset(assert.X.Pos()), text: v + " := "},
		edit{pos: ps.offset(assert.X.End()), end: ps.offset(sw.Body.Lbrace) + 1,
			text: "; if false {"},
		edit{pos: ps.offset(sw.Body.Rbrace), end: ps.offset(sw.Body.Rbrace) + 1, text: "} }"})
	for _, st := range sw.Body.List {
		cc := st.(*ast.CaseClause)
		p.edits = append(p.edits, edit{pos: ps.offset(cc.Pos()), end: ps.offset(cc.Colon) + 1,
			text: p.caseTest(ps, cc, v, bound)})
	}
}

// caseTest is the branch of the assertion chain that replaces case clause cc.
func (p *planner) caseTest(ps *parsedSeg, cc *ast.CaseClause, v, bound string) string {
	keep := ""
	if bound != "" {
		keep = fmt.Sprintf(" %s := %s; _ = %s;", bound, v, bound)
	}
	switch {
	case cc.List == nil:
		return "} else {" + keep
	case len(cc.List) == 1 && isNil(cc.List[0]):
		return fmt.Sprintf("} else if %s == nil {%s", v, keep)
	case len(cc.List) == 1:
		if bound == "" {
			return "} else if _, _gtok := " + p.assertion(ps, cc.List[0], v) + "; _gtok {"
		}
		return fmt.Sprintf("} else if %s, _gtok := %s; _gtok { _ = %s;", bound,
			p.assertion(ps, cc.List[0], v), bound)
	}
	var tests []string
	for _, t := range cc.List {
		if isNil(t) {
			tests = append(tests, v+" == nil")
			continue
		}
		tests = append(tests, fmt.Sprintf("func() bool { _, ok := %s; return ok }()",
			p.assertion(ps, t, v)))
	}
	return "} else if " + strings.Join(tests, " || ") + " {" + keep
}

// assertion is the comma-ok type assertion of v to t. To an interface type it fails inside
// the interpreter on a value of a type the cells declare; it then panics with a message
// that says so, instead of the interpreter's own.
func (p *planner) assertion(ps *parsedSeg, t ast.Expr, v string) string {
	typ := p.renamedText(ps, t)
	if !p.isInterfaceType(t) {
		return fmt.Sprintf("%s.(%s)", v, typ)
	}
	msg := strconv.Quote("this kernel's Go interpreter cannot test a value of a type the " +
		"cells declare against interface " + typ + " in a type switch; switch on its " +
		"concrete type instead (case *MyType:)")
	return fmt.Sprintf("func() (x %s, ok bool) { defer func() { if recover() != nil { "+
		"panic(%s) } }(); x, ok = %s.(%s); return }()", typ, msg, v, typ)
}

func isNil(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "nil"
}

// defaultLast reports whether sw's default clause, if any, is its last: the chain tests the
// cases in order.
func defaultLast(sw *ast.TypeSwitchStmt) bool {
	for i, st := range sw.Body.List {
		if cc, ok := st.(*ast.CaseClause); ok && cc.List == nil && i != len(sw.Body.List)-1 {
			return false
		}
	}
	return true
}

// hasInterfaceCase reports whether a case of sw names an interface type.
func (p *planner) hasInterfaceCase(sw *ast.TypeSwitchStmt) bool {
	for _, st := range sw.Body.List {
		cc, ok := st.(*ast.CaseClause)
		if !ok {
			continue
		}
		for _, t := range cc.List {
			if p.isInterfaceType(t) {
				return true
			}
		}
	}
	return false
}

func (p *planner) isInterfaceType(t ast.Expr) bool {
	switch t := t.(type) {
	case *ast.InterfaceType:
		return true
	case *ast.SelectorExpr:
		if x, ok := t.X.(*ast.Ident); ok {
			return hostInterfaces[x.Name+"."+t.Sel.Name]
		}
	case *ast.Ident:
		if t.Name == "error" || t.Name == "any" {
			return true
		}
		if p.cellInterface(t.Name) {
			return true
		}
		if g := p.s.globals[t.Name]; g != nil && g.kind == token.TYPE {
			rest := strings.TrimSpace(strings.TrimPrefix(g.sig, "type "+t.Name))
			return strings.HasPrefix(rest, "interface")
		}
	}
	return false
}

// cellInterface reports whether the cell declares name as an interface type.
func (p *planner) cellInterface(name string) bool {
	for _, ps := range p.segs {
		if ps.kind != segDecl {
			continue
		}
		for _, d := range ps.file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.Name == name {
					_, isIface := ts.Type.(*ast.InterfaceType)
					return isIface
				}
			}
		}
	}
	return false
}

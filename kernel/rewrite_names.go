package kernel

import (
	"go/ast"
	"go/token"
	"reflect"
	"strings"
)

// collect records the names the cell declares at top level and which of them are integers.
func (p *planner) collect() {
	for _, ps := range p.segs {
		for _, d := range ps.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if ps.kind == segStmt {
					continue
				}
				if d.Recv == nil {
					p.funcs[d.Name.Name] = d
					p.tops[d.Name.Name] = true
				}
				p.recordFunc(ps, d)
			case *ast.GenDecl:
				p.recordGen(ps, d)
			}
		}
		if ps.body != nil {
			for _, st := range ps.body.List {
				p.recordTopStmt(ps, st)
			}
		}
		ast.Inspect(ps.file, func(n ast.Node) bool {
			p.noteInts(n)
			return true
		})
	}
}

func (p *planner) recordFunc(ps *parsedSeg, d *ast.FuncDecl) {
	if d.Recv != nil {
		return
	}
	g := &global{kind: token.FUNC, doc: d.Doc.Text()}
	sigEnd := d.End()
	if d.Body != nil {
		sigEnd = d.Body.Lbrace
	}
	g.sig = strings.TrimSpace(p.src[ps.offset(d.Pos()):ps.offset(sigEnd)])
	if d.Type.Results != nil {
		g.results = d.Type.Results.NumFields()
		if g.results == 1 {
			g.returnsFunc = isFuncType(d.Type.Results.List[0].Type)
		}
	}
	name := d.Name.Name
	p.pending = append(p.pending, func() { p.s.globals[name] = g })
}

func isFuncType(e ast.Expr) bool {
	switch t := e.(type) {
	case *ast.FuncType:
		return true
	case *ast.IndexExpr:
		return isIterSeq(t.X)
	case *ast.IndexListExpr:
		return isIterSeq(t.X)
	}
	return false
}

func isIterSeq(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "iter" && strings.HasPrefix(sel.Sel.Name, "Seq")
}

func (p *planner) recordGen(ps *parsedSeg, d *ast.GenDecl) {
	for _, spec := range d.Specs {
		switch sp := spec.(type) {
		case *ast.TypeSpec:
			p.types[sp.Name.Name] = true
			p.tops[sp.Name.Name] = true
			g := &global{kind: token.TYPE, doc: firstDoc(sp.Doc, d.Doc).Text(),
				sig: "type " + p.text(ps, sp)}
			name := sp.Name.Name
			p.pending = append(p.pending, func() { p.s.globals[name] = g })
		case *ast.ValueSpec:
			for i, n := range sp.Names {
				if n.Name == "_" {
					continue
				}
				p.tops[n.Name] = true
				g := &global{kind: d.Tok, doc: firstDoc(sp.Doc, d.Doc).Text(),
					sig: d.Tok.String() + " " + p.text(ps, sp)}
				g.isInt = isIntTypeExpr(sp.Type) ||
					(sp.Type == nil && i < len(sp.Values) && p.intExpr(sp.Values[i]))
				name := n.Name
				p.pending = append(p.pending, func() { p.s.globals[name] = g })
			}
		}
	}
}

func firstDoc(a, b *ast.CommentGroup) *ast.CommentGroup {
	if a != nil {
		return a
	}
	return b
}

func (p *planner) recordTopStmt(ps *parsedSeg, st ast.Stmt) {
	sig := p.text(ps, st)
	if len(sig) > 200 {
		sig = sig[:200] + "…"
	}
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok != token.DEFINE {
			return
		}
		for i, lhs := range st.Lhs {
			id, ok := lhs.(*ast.Ident)
			if !ok || id.Name == "_" {
				continue
			}
			p.tops[id.Name] = true
			isInt := len(st.Rhs) == len(st.Lhs) && p.intExpr(st.Rhs[i])
			g := &global{kind: token.VAR, isInt: isInt, sig: sig}
			name := id.Name
			p.pending = append(p.pending, func() { p.s.globals[name] = g })
		}
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok {
			for _, spec := range gd.Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok {
					for i, n := range vs.Names {
						p.tops[n.Name] = true
						g := &global{kind: gd.Tok, sig: sig, isInt: isIntTypeExpr(vs.Type) ||
							(vs.Type == nil && i < len(vs.Values) && p.intExpr(vs.Values[i]))}
						name := n.Name
						p.pending = append(p.pending, func() { p.s.globals[name] = g })
					}
				}
			}
		}
	}
}

// noteInts records local names declared with an integer type or value, anywhere in the cell.
// Scopes are ignored: a name declared once as an integer and once as something else is not
// treated as an integer.
func (p *planner) noteInts(n ast.Node) {
	note := func(name string, isInt bool) {
		if name == "_" {
			return
		}
		if prev, seen := p.ints[name]; seen {
			p.ints[name] = prev && isInt
			return
		}
		p.ints[name] = isInt
	}
	switch n := n.(type) {
	case *ast.AssignStmt:
		if n.Tok == token.DEFINE {
			for i, lhs := range n.Lhs {
				if id, ok := lhs.(*ast.Ident); ok {
					note(id.Name, len(n.Rhs) == len(n.Lhs) && p.intExpr(n.Rhs[i]))
					if len(n.Rhs) == len(n.Lhs) {
						if _, isFunc := n.Rhs[i].(*ast.FuncLit); isFunc {
							p.funcVars[id.Name] = true
						}
					}
				}
			}
		}
	case *ast.ValueSpec:
		for i, id := range n.Names {
			note(id.Name, isIntTypeExpr(n.Type) ||
				(n.Type == nil && i < len(n.Values) && p.intExpr(n.Values[i])))
		}
	case *ast.Field:
		for _, id := range n.Names {
			note(id.Name, isIntTypeExpr(n.Type))
		}
	case *ast.RangeStmt:
		if id, ok := n.Key.(*ast.Ident); ok && n.Tok == token.DEFINE {
			note(id.Name, p.intExpr(n.X))
		}
		if id, ok := n.Value.(*ast.Ident); ok && n.Tok == token.DEFINE {
			note(id.Name, false)
		}
	}
}

func isIntKind(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Uintptr
}

var intTypes = map[string]bool{"int": true, "int8": true, "int16": true, "int32": true,
	"int64": true, "uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"uintptr": true, "byte": true, "rune": true}

func isIntTypeExpr(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && intTypes[id.Name]
}

// intExpr reports whether e certainly has an integer type.
func (p *planner) intExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT || e.Kind == token.CHAR
	case *ast.ParenExpr:
		return p.intExpr(e.X)
	case *ast.UnaryExpr:
		return (e.Op == token.SUB || e.Op == token.ADD || e.Op == token.XOR) && p.intExpr(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR,
			token.XOR, token.SHL, token.SHR, token.AND_NOT:
			return p.intExpr(e.X) || p.intExpr(e.Y)
		}
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			return id.Name == "len" || id.Name == "cap" || intTypes[id.Name]
		}
	case *ast.Ident:
		if isInt, seen := p.ints[e.Name]; seen {
			return isInt
		}
		if g := p.s.globals[e.Name]; g != nil {
			return g.isInt || p.s.globalKind != nil && isIntKind(p.s.globalKind(e.Name))
		}
	}
	return false
}

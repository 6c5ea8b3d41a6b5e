package kernel

import (
	"fmt"
	"go/ast"
	"go/token"
	"path"
	"strconv"
	"strings"
)

// Names the engine injects into the interpreter's main package. User code never needs them.
const (
	bridgePkg  = "_gotaegis"
	showFunc   = "_gotaegisShow"
	show2Func  = "_gotaegisShow2"
	renameMark = "_gt"
)

// global is what the session knows about a top-level name a cell declared.
type global struct {
	kind        token.Token // token.FUNC, TYPE, VAR or CONST
	isInt       bool        // a variable or constant of an integer type
	results     int         // for a function: how many results
	returnsFunc bool        // for a function: its only result is a function (an iterator)
	doc         string      // doc comment
	sig         string      // declaration text without the body
}

// session is the planner's memory across cells. It is only used from the goroutine that runs
// cells, and from Complete and Inspect under the engine's lock.
type session struct {
	imports map[string]string // package name -> import path
	globals map[string]*global
	renames map[string]string // type name -> the name its newest definition runs under
	typeSrc map[string]string // type name -> source of its newest definition
	nextID  int

	// pkgName returns the package name of an import path the interpreter can load.
	pkgName func(importPath string) (string, bool)
	// stdPath returns the import path an unimported package name most likely means.
	stdPath func(name string) (string, bool)
	// funcOut describes a package-level function: its result count and whether its only
	// result is a function.
	funcOut func(importPath, name string) (results int, returnsFunc, ok bool)
}

func newSession() *session {
	return &session{
		imports: map[string]string{},
		globals: map[string]*global{},
		renames: map[string]string{},
		typeSrc: map[string]string{},
	}
}

// importSpec is one import a cell needs before its code runs.
type importSpec struct {
	name, path string
	explicit   bool // written with a name, as in: import r "math/rand"
}

func (s importSpec) source() string {
	if s.explicit {
		return s.name + " " + strconv.Quote(s.path)
	}
	return strconv.Quote(s.path)
}

// resultMode says how the value of a cell's last expression is obtained.
type resultMode int

const (
	resultNone    resultMode = iota // a statement, or a call of no interest
	resultWrapped                   // the expression is wrapped in a call of showFunc
	resultValue                     // the interpreter's value of the last statement is shown
)

// chunk is one unit of source given to the interpreter. Its first line is blank, so the
// interpreter's line L is the cell's line L-1, and columns are the cell's.
type chunk struct {
	src      string
	decl     bool
	result   resultMode
	hasRange bool // holds a range statement whose operand the planner could not classify
	cell     string
	spans    spanMap
}

// cellPosition maps the interpreter's line and column in the chunk to the cell's.
func (c chunk) cellPosition(line, col int) (int, int) {
	text := c.src[1:]
	lines := strings.SplitAfter(text, "\n")
	if line < 2 || line-2 >= len(lines) || col < 1 {
		return line - 1, col
	}
	off := 0
	for _, l := range lines[:line-2] {
		off += len(l)
	}
	orig := c.spans.original(off + col - 1)
	if orig > len(c.cell) {
		return line - 1, col
	}
	lineStart := strings.LastIndexByte(c.cell[:orig], '\n') + 1
	return strings.Count(c.cell[:orig], "\n") + 1, orig - lineStart + 1
}

// cellPlan is what a Go cell becomes.
type cellPlan struct {
	imports []importSpec
	chunks  []chunk
	// commit records in the session what the cell declares.
	commit func()
}

// planner builds a cellPlan from one cell's source.
type planner struct {
	s       *session
	src     string
	segs    []*parsedSeg
	edits   []edit
	ints    map[string]bool // names the cell declares with an integer type; false on conflict
	funcs   map[string]*ast.FuncDecl
	types   map[string]bool
	tops    map[string]bool // every top-level name the cell declares
	renames map[string]string
	pending []func() // session updates to apply once the cell ran
}

// plan splits and rewrites src, a Go cell whose magic lines are already calls.
func (s *session) plan(src string) (*cellPlan, error) {
	segs, err := splitCell(src)
	if err != nil {
		return nil, err
	}
	p := &planner{s: s, src: src, ints: map[string]bool{}, funcs: map[string]*ast.FuncDecl{},
		types: map[string]bool{}, tops: map[string]bool{}, renames: map[string]string{}}
	for _, seg := range segs {
		ps, err := parseSegment(src, seg)
		if err != nil {
			return nil, err
		}
		p.segs = append(p.segs, ps)
	}
	p.collect()
	plan := &cellPlan{}
	if plan.imports, err = p.importsNeeded(); err != nil {
		return nil, err
	}
	if err := p.rewriteTypes(); err != nil {
		return nil, err
	}
	unclassified := map[*parsedSeg]bool{}
	for _, ps := range p.segs {
		if ps.kind == segImport {
			continue
		}
		if err := p.rewriteNodes(ps, unclassified); err != nil {
			return nil, err
		}
	}
	mode := p.rewriteLast()
	stmtNames := p.statementNames()
	var hoisted, rest []chunk
	for i, ps := range p.segs {
		if ps.kind == segImport {
			continue
		}
		c := chunk{decl: ps.kind == segDecl, hasRange: unclassified[ps], cell: src}
		var text string
		text, c.spans = applyEditsMapped(blankOutside(src, ps.start, ps.end), p.editsIn(ps))
		c.src = "\n" + text
		if i == len(p.segs)-1 {
			c.result = mode
		}
		if c.decl && !usesAny(ps.file, stmtNames) {
			hoisted = append(hoisted, c)
		} else {
			rest = append(rest, c)
		}
	}
	// Declarations run before the cell's statements, as in a Go file, unless they use a
	// variable those statements declare.
	plan.chunks = append(hoisted, rest...)
	pending := p.pending
	plan.commit = func() {
		for _, f := range pending {
			f()
		}
	}
	return plan, nil
}

// statementNames returns the names the cell's top-level statements declare.
func (p *planner) statementNames() map[string]bool {
	names := map[string]bool{}
	for _, ps := range p.segs {
		if ps.body == nil {
			continue
		}
		for _, st := range ps.body.List {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					for _, l := range st.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							names[id.Name] = true
						}
					}
				}
			case *ast.DeclStmt:
				if gd, ok := st.Decl.(*ast.GenDecl); ok {
					for _, spec := range gd.Specs {
						if vs, ok := spec.(*ast.ValueSpec); ok {
							for _, n := range vs.Names {
								names[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	return names
}

// usesAny reports whether f mentions one of names.
func usesAny(f *ast.File, names map[string]bool) bool {
	if len(names) == 0 {
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && names[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

func (p *planner) editsIn(ps *parsedSeg) []edit {
	var out []edit
	for _, e := range p.edits {
		if e.pos >= ps.start && e.end <= ps.end {
			out = append(out, e)
		}
	}
	return out
}

func (p *planner) text(ps *parsedSeg, n ast.Node) string {
	return p.src[ps.offset(n.Pos()):ps.offset(n.End())]
}

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
			return g.isInt
		}
	}
	return false
}

// importsNeeded returns the cell's own imports not yet made, then the standard library
// packages its code uses without importing them.
func (p *planner) importsNeeded() ([]importSpec, error) {
	var out []importSpec
	names := map[string]string{}
	for k, v := range p.s.imports {
		names[k] = v
	}
	for _, ps := range p.segs {
		if ps.kind != segImport {
			continue
		}
		for _, is := range ps.file.Imports {
			ip, _ := strconv.Unquote(is.Path.Value)
			name, ok := p.s.pkgName(ip)
			if !ok {
				return nil, fmt.Errorf("import %q: this kernel runs Go with the standard library "+
					"and the gotaegis packages only; %q is not among them", ip, ip)
			}
			spec := importSpec{name: name, path: ip}
			if is.Name != nil {
				spec.name, spec.explicit = is.Name.Name, true
				if spec.name == "_" {
					continue
				}
			}
			if prev, ok := names[spec.name]; ok {
				if prev == ip {
					continue
				}
				return nil, fmt.Errorf("import %q: the name %s already refers to %q in this "+
					"session; import it under another name, as in: import x%s %q",
					ip, spec.name, prev, spec.name, ip)
			}
			names[spec.name] = ip
			out = append(out, spec)
		}
	}
	for _, ps := range p.segs {
		if ps.kind == segImport {
			continue
		}
		for _, id := range p.unresolvedPackages(ps) {
			if _, ok := names[id]; ok || p.tops[id] || p.s.globals[id] != nil {
				continue
			}
			if ip, ok := p.s.stdPath(id); ok {
				names[id] = ip
				out = append(out, importSpec{name: id, path: ip})
			}
		}
	}
	return out, nil
}

// unresolvedPackages returns the names used as X in X.Sel that the segment does not declare.
func (p *planner) unresolvedPackages(ps *parsedSeg) []string {
	unresolved := map[*ast.Ident]bool{}
	for _, id := range ps.file.Unresolved {
		unresolved[id] = true
	}
	var out []string
	ast.Inspect(ps.file, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && unresolved[id] {
				out = append(out, id.Name)
			}
		}
		return true
	})
	return out
}

// rewriteTypes gives a type whose definition changed a fresh name, and renames every use of a
// renamed type, because the interpreter keeps the first definition of a type name.
func (p *planner) rewriteTypes() error {
	for _, ps := range p.segs {
		if ps.kind != segDecl {
			continue
		}
		for _, d := range ps.file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				sp := spec.(*ast.TypeSpec)
				name, text := sp.Name.Name, p.text(ps, sp)
				prev, known := p.s.typeSrc[name]
				if known && prev == text {
					continue
				}
				if known {
					p.s.nextID++
					p.renames[name] = fmt.Sprintf("%s%s%d", name, renameMark, p.s.nextID)
				}
				newName := p.renames[name]
				p.pending = append(p.pending, func() {
					p.s.typeSrc[name] = text
					if newName != "" {
						p.s.renames[name] = newName
					} else {
						delete(p.s.renames, name)
					}
				})
			}
		}
	}
	current := map[string]string{}
	for k, v := range p.s.renames {
		current[k] = v
	}
	for k, v := range p.renames {
		current[k] = v
	}
	if len(current) == 0 {
		return nil
	}
	for _, ps := range p.segs {
		p.renameIdents(ps, current)
	}
	return nil
}

func (p *planner) renameIdents(ps *parsedSeg, names map[string]string) {
	skip := map[*ast.Ident]bool{}
	ast.Inspect(ps.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.Field:
			for _, id := range n.Names {
				skip[id] = true
			}
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok {
				skip[id] = true
			}
		case *ast.File:
			skip[n.Name] = true
		case *ast.Ident:
			if to, ok := names[n.Name]; ok && !skip[n] {
				off := ps.offset(n.Pos())
				p.edits = append(p.edits, edit{pos: off, end: off + len(n.Name), text: to})
			}
		}
		return true
	})
}

// stdlibImportName returns the package name of a standard library import path: its last
// element, skipping a major version suffix such as /v2.
func stdlibImportName(ip string) string {
	base := path.Base(ip)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		return path.Base(path.Dir(ip))
	}
	return base
}

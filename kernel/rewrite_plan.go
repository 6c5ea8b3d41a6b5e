package kernel

import (
	"fmt"
	"go/ast"
	"go/token"
	"path"
	"reflect"
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
	// globalKind returns the kind of the value of a session variable, reflect.Invalid when
	// there is none. It is only called while no cell runs.
	globalKind func(name string) reflect.Kind
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
	line     int // the cell line a panic without line marks happened on (0: the marks say)
	// callee is the function or method value a resultValue chunk's last call calls, as an
	// expression without side effects ("wg.Wait"), or "" when it has none.
	callee string
	// pair is the chunk's source with its last call shown as a call of two results, and
	// its span map; set when the callee can be looked up before the chunk runs (see
	// GoEngine.resolveLast).
	pair      string
	pairSpans spanMap
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
	s        *session
	src      string
	segs     []*parsedSeg
	edits    []edit
	ints     map[string]bool // names the cell declares with an integer type; false on conflict
	funcs    map[string]*ast.FuncDecl
	funcVars map[string]bool // names the cell assigns a function literal
	types    map[string]bool
	tops     map[string]bool // every top-level name the cell declares
	renames  map[string]string
	pending  []func() // session updates to apply once the cell ran
	callee   string   // see chunk.callee
	pair     []edit   // the edits that show the last call as one of two results
}

// plan splits and rewrites src, a Go cell whose magic lines are already calls.
func (s *session) plan(src string) (plan *cellPlan, err error) {
	defer func() {
		// A planner fault must not end the kernel: the cell fails with it instead.
		if r := recover(); r != nil {
			plan, err = nil, fmt.Errorf("the kernel could not prepare this cell (%v); "+
				"please report it with the cell's code", r)
		}
	}()
	return s.planCell(src)
}

func (s *session) planCell(src string) (*cellPlan, error) {
	segs, err := splitCell(src)
	if err != nil {
		return nil, err
	}
	p := &planner{s: s, src: src, ints: map[string]bool{}, funcs: map[string]*ast.FuncDecl{},
		funcVars: map[string]bool{}, types: map[string]bool{}, tops: map[string]bool{},
		renames: map[string]string{}}
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
		p.lineMarks(ps)
		p.wrapBlocks(ps)
		p.genericVars(ps)
		p.selectBranches(ps)
		p.typeSwitches(ps)
	}
	mode := p.rewriteLast()
	stmtNames := p.statementNames()
	var hoisted, rest []chunk
	for i, ps := range p.segs {
		if ps.kind == segImport {
			continue
		}
		c := chunk{decl: ps.kind == segDecl, hasRange: unclassified[ps], cell: src,
			line: ps.line}
		var text string
		text, c.spans = applyEditsMapped(blankOutside(src, ps.start, ps.end), p.editsIn(ps))
		c.src = "\n" + text
		if i == len(p.segs)-1 {
			c.result = mode
			if mode == resultValue {
				c.callee = p.callee
				if p.pair != nil {
					edits := append(p.editsIn(ps), p.pair...)
					var pair string
					pair, c.pairSpans = applyEditsMapped(blankOutside(src, ps.start, ps.end),
						edits)
					c.pair = "\n" + pair
				}
			}
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

// text returns the cell source of n. A node the parser closed with the wrapper's own brace,
// such as a label ending the cell, is cut at the segment's end.
func (p *planner) text(ps *parsedSeg, n ast.Node) string {
	start := max(0, min(ps.offset(n.Pos()), ps.end))
	end := max(start, min(ps.offset(n.End()), ps.end))
	return p.src[start:end]
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
		case *ast.StructType:
			// Field and method names are not the type; parameters, results and type
			// parameters of that name are renamed with their uses, which keeps them apart.
			skipFieldNames(skip, n.Fields)
		case *ast.InterfaceType:
			skipFieldNames(skip, n.Methods)
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

func skipFieldNames(skip map[*ast.Ident]bool, fields *ast.FieldList) {
	if fields == nil {
		return
	}
	for _, f := range fields.List {
		for _, id := range f.Names {
			skip[id] = true
		}
	}
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

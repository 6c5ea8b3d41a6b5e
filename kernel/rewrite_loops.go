package kernel

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"strconv"
	"strings"
)

// UnsupportedError is Go the interpreter cannot run, with what to write instead.
type UnsupportedError struct {
	Line int
	Msg  string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// rewriteNodes rewrites, inside one segment, the Go 1.22+ forms the interpreter lacks: range
// over an integer, per-iteration loop variables captured by closures, and min or max mixing
// integer and floating-point constants. It rejects range over a function.
func (p *planner) rewriteNodes(ps *parsedSeg, unclassified map[*parsedSeg]bool) error {
	var err error
	labels := map[ast.Stmt]*ast.LabeledStmt{}
	ast.Inspect(ps.file, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.LabeledStmt:
			labels[n.Stmt] = n
		case *ast.RangeStmt:
			p.loopTick(ps, n.Body)
			switch {
			case p.intExpr(n.X):
				p.rangeInt(ps, n, labels[n])
			case p.iterExpr(n.X):
				line := ps.fset.Position(n.Pos()).Line - 1
				err = &UnsupportedError{Line: line, Msg: "range over a function (an iterator) " +
					"is not supported by this kernel's Go interpreter; call the iterator with " +
					"a yield function instead: seq(func(v T) bool { ...; return true })"}
			default:
				unclassified[ps] = true
				p.loopCopy(ps, n.Body, rangeNames(n), n)
			}
		case *ast.ForStmt:
			p.loopTick(ps, n.Body)
			if as, ok := n.Init.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				var idents []*ast.Ident
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						idents = append(idents, id)
					}
				}
				p.loopCopy(ps, n.Body, idents, n)
			}
		case *ast.GoStmt:
			p.goRecover(ps, n)
		case *ast.DeferStmt:
			p.deferArgs(ps, n)
		case *ast.FuncDecl:
			p.depthGuard(ps, funcName(n), n.Body)
		case *ast.FuncLit:
			line := ps.fset.Position(n.Pos()).Line - 1
			p.depthGuard(ps, fmt.Sprintf("the function literal of line %d", line), n.Body)
		case *ast.CallExpr:
			p.minMaxConstants(ps, n)
			p.magicLocals(ps, n)
			p.displayCall(ps, n)
			p.errorfWraps(ps, n)
		}
		return true
	})
	return err
}

// goRecover makes a goroutine a cell starts recover its panic: in the interpreter a panic
// in a goroutine would end the kernel. `go f(a, b)` becomes
//
//	_gtg1_0, _gtg1_1 := a, b; go func() {
//		defer func() { _gotaegis.GoPanic(recover()) }(); f(_gtg1_0, _gtg1_1) }()
//
// so the arguments are still evaluated when the go statement runs. Literals and function
// literals are left in place, where the planner's other rewrites of them apply.
func (p *planner) goRecover(ps *parsedSeg, g *ast.GoStmt) {
	p.s.nextID++
	id := p.s.nextID
	var names, values []string
	for i, a := range g.Call.Args {
		switch a.(type) {
		case *ast.FuncLit, *ast.BasicLit:
			continue
		}
		name := fmt.Sprintf("_gtg%d_%d", id, i)
		names = append(names, name)
		values = append(values, p.text(ps, a))
		p.edits = append(p.edits, edit{pos: ps.offset(a.Pos()), end: ps.offset(a.End()),
			text: name})
	}
	start, end := ps.offset(g.Pos()), ps.offset(g.End())
	opening, closing := "", " }()"
	if len(names) > 0 {
		// No enclosing block: yaegi mishandles closures over variables of such a block.
		opening = strings.Join(names, ", ") + " := " + strings.Join(values, ", ") + "; "
	}
	p.edits = append(p.edits,
		edit{pos: start, end: start, text: opening},
		edit{pos: start, end: start + len("go"), text: "go func() { defer func() { " +
			bridgePkg + ".GoPanic(recover()) }();"},
		edit{pos: end, end: end, text: closing})
}

// displayWrappers are the interpreted helpers that display.Show, ShowID and Update calls go
// through.
var displayWrappers = map[string]string{"Show": "_gotaegisDisplayShow",
	"ShowID": "_gotaegisDisplayShowID", "Update": "_gotaegisDisplayUpdate"}

// displayCall routes a call of display.Show, ShowID or Update through its interpreted helper,
// which finds the HTML, Markdown and SVG methods of types the cells declare.
func (p *planner) displayCall(ps *parsedSeg, call *ast.CallExpr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || x.Name != "display" || p.tops["display"] || p.s.imports["display"] !=
		"gotaegis/kernel/display" {
		return
	}
	if _, declared := p.ints["display"]; declared {
		return
	}
	to, ok := displayWrappers[sel.Sel.Name]
	if !ok {
		return
	}
	p.edits = append(p.edits, edit{pos: ps.offset(sel.Pos()), end: ps.offset(sel.End()),
		text: to})
}

// inScope reports whether a local variable name is declared, before at, in a block enclosing
// at: the only locals a call placed at at may name.
func inScope(f *ast.File, at ast.Node, name string) bool {
	var path []ast.Node
	var found []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if n == nil {
			path = path[:len(path)-1]
			return false
		}
		path = append(path, n)
		if n == at {
			found = append([]ast.Node(nil), path...)
			return false
		}
		return true
	})
	declares := func(n ast.Node) bool {
		hit := false
		check := func(id *ast.Ident) {
			if id != nil && id.Name == name && id.Pos() < at.Pos() {
				hit = true
			}
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					id, _ := l.(*ast.Ident)
					check(id)
				}
			}
		case *ast.DeclStmt:
			if gd, ok := n.Decl.(*ast.GenDecl); ok {
				for _, spec := range gd.Specs {
					if vs, ok := spec.(*ast.ValueSpec); ok {
						for _, id := range vs.Names {
							check(id)
						}
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				k, _ := n.Key.(*ast.Ident)
				v, _ := n.Value.(*ast.Ident)
				check(k)
				check(v)
			}
		case *ast.FuncType:
			for _, fl := range []*ast.FieldList{n.Params, n.Results} {
				if fl == nil {
					continue
				}
				for _, fd := range fl.List {
					for _, id := range fd.Names {
						check(id)
					}
				}
			}
		}
		return hit
	}
	for _, n := range found {
		switch n := n.(type) {
		case *ast.BlockStmt:
			// Only a block's own declarations: a loop's variables live in the loop.
			for _, st := range n.List {
				switch st.(type) {
				case *ast.AssignStmt, *ast.DeclStmt:
					if st.Pos() < at.Pos() && declares(st) {
						return true
					}
				}
			}
		case *ast.ForStmt:
			if n.Init != nil && declares(n.Init) {
				return true
			}
		case *ast.IfStmt:
			if n.Init != nil && declares(n.Init) {
				return true
			}
		case *ast.SwitchStmt:
			if n.Init != nil && declares(n.Init) {
				return true
			}
		case *ast.RangeStmt:
			if declares(n) {
				return true
			}
		case *ast.FuncDecl:
			if declares(n.Type) {
				return true
			}
		case *ast.FuncLit:
			if declares(n.Type) {
				return true
			}
		}
	}
	return false
}

// magicVar matches the $name and ${name} references of a magic line, magicExpr its {expr}
// references.
var (
	magicVar  = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)
	magicExpr = regexp.MustCompile(`\{([^{}]+)\}`)
)

// magicLocals passes a magic call the variables its line names as $name or ${name} that the
// cell declares, so a magic inside a loop sees the loop's variables.
func (p *planner) magicLocals(ps *parsedSeg, call *ast.CallExpr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) != 1 {
		return
	}
	if x, ok := sel.X.(*ast.Ident); !ok || x.Name != bridgePkg || sel.Sel.Name != "Magic" {
		return
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok {
		return
	}
	line, err := strconv.Unquote(lit.Value)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	var pairs []string
	var names []string
	for _, m := range magicVar.FindAllStringSubmatch(line, -1) {
		names = append(names, m[1])
	}
	// The identifiers of {expr} references too, so that a lone {name} sees a local.
	for _, m := range magicExpr.FindAllStringSubmatch(line, -1) {
		names = append(names, codeIdents(m[1])...)
	}
	for _, name := range names {
		if _, declared := p.ints[name]; !declared || seen[name] || !inScope(ps.file, call, name) {
			continue
		}
		seen[name] = true
		pairs = append(pairs, strconv.Quote(name)+": "+name)
	}
	if len(pairs) == 0 {
		return
	}
	at := ps.offset(call.Rparen)
	p.edits = append(p.edits, edit{pos: at, end: at,
		text: ", map[string]any{" + strings.Join(pairs, ", ") + "}"})
}

// loopTick makes a loop body poll the interrupt flag first, so interrupting a busy cell
// unwinds it in its own goroutine.
func (p *planner) loopTick(ps *parsedSeg, body *ast.BlockStmt) {
	at := ps.offset(body.Lbrace) + 1
	p.edits = append(p.edits, edit{pos: at, end: at, text: " " + bridgePkg + ".Tick();"})
}

func rangeNames(n *ast.RangeStmt) []*ast.Ident {
	if n.Tok != token.DEFINE {
		return nil
	}
	var out []*ast.Ident
	for _, e := range []ast.Expr{n.Key, n.Value} {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			out = append(out, id)
		}
	}
	return out
}

// iterExpr reports whether e is certainly a function, so ranging over it is an iterator.
func (p *planner) iterExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.FuncLit:
		return true
	case *ast.Ident:
		if _, ok := p.funcs[e.Name]; ok || p.funcVars[e.Name] {
			return true
		}
		g := p.s.globals[e.Name]
		return g != nil && g.kind == token.FUNC && !p.ints[e.Name]
	case *ast.CallExpr:
		switch f := e.Fun.(type) {
		case *ast.Ident:
			if d, ok := p.funcs[f.Name]; ok {
				return d.Type.Results != nil && d.Type.Results.NumFields() == 1 &&
					isFuncType(d.Type.Results.List[0].Type)
			}
			g := p.s.globals[f.Name]
			return g != nil && g.kind == token.FUNC && g.returnsFunc
		case *ast.SelectorExpr:
			if x, ok := f.X.(*ast.Ident); ok {
				if ip, ok := p.s.imports[x.Name]; ok {
					_, fn, _ := p.s.funcOut(ip, f.Sel.Name)
					return fn
				}
				if ip, ok := p.s.stdPath(x.Name); ok && !p.tops[x.Name] {
					_, fn, _ := p.s.funcOut(ip, f.Sel.Name)
					return fn
				}
			}
		}
	}
	return false
}

// rangeInt rewrites `for i := range n { body }` as a counting loop over a copy of n, in a
// block on the same lines:
//
//	{ _gtn1 := n; for i := _gtn1 - _gtn1; i < _gtn1; i++ { body } }
//
// n is evaluated once and i has n's type, as Go 1.22 specifies.
func (p *planner) rangeInt(ps *parsedSeg, n *ast.RangeStmt, label *ast.LabeledStmt) {
	p.s.nextID++
	id := p.s.nextID
	bound := fmt.Sprintf("_gtn%d", id)
	v := fmt.Sprintf("_gti%d", id)
	var copyStmt string
	if k, ok := n.Key.(*ast.Ident); ok && k.Name != "_" {
		if n.Tok == token.ASSIGN {
			copyStmt = k.Name + " = " + v + ";"
		} else if capturesOrAddresses(n.Body, []*ast.Ident{k}) {
			copyStmt = k.Name + " := " + v + ";"
		} else {
			v = k.Name
		}
	}
	start := n.Pos()
	if label != nil {
		start = label.Pos()
	}
	opening := "{ " + bound + " := " + p.text(ps, n.X) + "; "
	p.edits = append(p.edits, edit{pos: ps.offset(start), end: ps.offset(start), text: opening})
	header := fmt.Sprintf("for %s := %s - %s; %s < %s; %s++ {%s", v, bound, bound, v, bound, v,
		copyStmt)
	p.edits = append(p.edits, edit{pos: ps.offset(n.Pos()), end: ps.offset(n.Body.Lbrace) + 1,
		text: header})
	end := ps.offset(n.Body.Rbrace) + 1
	p.edits = append(p.edits, edit{pos: end, end: end, text: " }"})
}

// loopCopy gives each iteration its own copy of the loop variables when the body captures
// them in a closure or takes their address (Go 1.22 semantics; the interpreter shares one
// variable across iterations). The header's variables are renamed and the body starts with
// `i := _gtv1_i`, because the interpreter mishandles `i := i`.
func (p *planner) loopCopy(ps *parsedSeg, body *ast.BlockStmt, vars []*ast.Ident, loop ast.Stmt) {
	if len(vars) == 0 || !capturesOrAddresses(body, vars) {
		return
	}
	if _, ok := loop.(*ast.ForStmt); ok && assignsAny(body, vars) {
		// Limitation: a three-clause loop whose body also assigns its variable keeps the
		// shared variable, since copying it would hide the assignment from the loop's post
		// statement.
		return
	}
	p.s.nextID++
	id := p.s.nextID
	renamed := map[string]string{}
	var lhs, rhs []string
	for _, v := range vars {
		to := fmt.Sprintf("%s_gtv%d", v.Name, id)
		renamed[v.Name] = to
		lhs = append(lhs, v.Name)
		rhs = append(rhs, to)
	}
	var header []ast.Node
	switch l := loop.(type) {
	case *ast.RangeStmt:
		header = []ast.Node{l.Key, l.Value}
	case *ast.ForStmt:
		header = []ast.Node{l.Init, l.Cond, l.Post}
	}
	for _, h := range header {
		if h == nil {
			continue
		}
		ast.Inspect(h, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				ast.Inspect(sel.X, func(m ast.Node) bool {
					p.renameIdent(ps, m, renamed)
					return true
				})
				return false
			}
			p.renameIdent(ps, n, renamed)
			return true
		})
	}
	at := ps.offset(body.Lbrace) + 1
	p.edits = append(p.edits, edit{pos: at, end: at,
		text: " " + strings.Join(lhs, ", ") + " := " + strings.Join(rhs, ", ") + ";"})
}

func (p *planner) renameIdent(ps *parsedSeg, n ast.Node, renamed map[string]string) {
	id, ok := n.(*ast.Ident)
	if !ok {
		return
	}
	if to, ok := renamed[id.Name]; ok {
		off := ps.offset(id.Pos())
		p.edits = append(p.edits, edit{pos: off, end: off + len(id.Name), text: to})
	}
}

// capturesOrAddresses reports whether body has a function literal, or takes the address of
// one of vars.
func capturesOrAddresses(body *ast.BlockStmt, vars []*ast.Ident) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			found = true
		case *ast.UnaryExpr:
			if id, ok := n.X.(*ast.Ident); ok && n.Op == token.AND && inIdents(id.Name, vars) {
				found = true
			}
		}
		return !found
	})
	return found
}

// assignsAny reports whether body assigns to or increments one of vars.
func assignsAny(body *ast.BlockStmt, vars []*ast.Ident) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && inIdents(id.Name, vars) {
						found = true
					}
				}
			}
		case *ast.IncDecStmt:
			if id, ok := n.X.(*ast.Ident); ok && inIdents(id.Name, vars) {
				found = true
			}
		}
		return !found
	})
	return found
}

func inIdents(name string, vars []*ast.Ident) bool {
	for _, v := range vars {
		if v.Name == name {
			return true
		}
	}
	return false
}

// minMaxConstants makes min(1, 2.5) mean what Go means: the interpreter's generic min cannot
// take an untyped float constant, so beside one, every numeric constant becomes a float64.
func (p *planner) minMaxConstants(ps *parsedSeg, call *ast.CallExpr) {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || (id.Name != "min" && id.Name != "max") || p.funcs[id.Name] != nil {
		return
	}
	hasFloat := false
	for _, a := range call.Args {
		if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.FLOAT {
			hasFloat = true
		}
	}
	if !hasFloat {
		return
	}
	for _, a := range call.Args {
		if lit, ok := a.(*ast.BasicLit); ok && (lit.Kind == token.INT || lit.Kind == token.FLOAT) {
			pos, end := ps.offset(lit.Pos()), ps.offset(lit.End())
			p.edits = append(p.edits, edit{pos: pos, end: pos, text: "float64("},
				edit{pos: end, end: end, text: ")"})
		}
	}
}

// rewriteLast decides how the cell's last statement shows its value. A final expression is
// wrapped in showFunc when its value is certainly a single value, in show2Func for a call of
// two results; a call of nothing, or of a Print or Write function, shows nothing.
func (p *planner) rewriteLast() resultMode {
	if len(p.segs) == 0 {
		return resultNone
	}
	ps := p.segs[len(p.segs)-1]
	if ps.kind != segStmt || len(ps.body.List) == 0 {
		return resultNone
	}
	es, ok := ps.body.List[len(ps.body.List)-1].(*ast.ExprStmt)
	if !ok {
		return resultNone
	}
	wrap := func(fn string) resultMode {
		start, end := ps.offset(es.X.Pos()), ps.offset(es.X.End())
		p.edits = append(p.edits, edit{pos: start, end: start, text: fn + "("},
			edit{pos: end, end: end, text: ")"})
		return resultWrapped
	}
	call, isCall := ast.Unparen(es.X).(*ast.CallExpr)
	if !isCall {
		return wrap(showFunc)
	}
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == bridgePkg && sel.Sel.Name == "Magic" {
			off := ps.offset(sel.Sel.Pos())
			p.edits = append(p.edits, edit{pos: off, end: off + len("Magic"),
				text: "MagicResult"})
			return resultNone
		}
	}
	switch p.callResults(call) {
	case 0:
		return resultNone
	case 1:
		return wrap(showFunc)
	case 2:
		return wrap(show2Func)
	}
	// A method the planner cannot see, such as wg.Wait, may have no result; the engine asks
	// the interpreter once the cell ran, by evaluating the method value, which calls nothing.
	var recv string
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		p.callee, recv = f.Name, f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			p.callee, recv = x.Name+"."+f.Sel.Name, x.Name
		}
	}
	if p.callee != "" && !p.tops[recv] {
		// The callee exists before the cell runs: the engine looks up its results first,
		// and runs this form when they are two, as in df.Dims() or s.Int().
		start, end := ps.offset(es.X.Pos()), ps.offset(es.X.End())
		p.pair = []edit{{pos: start, end: start, text: show2Func + "("},
			{pos: end, end: end, text: ")"}}
	}
	return resultValue
}

var oneResultBuiltins = map[string]bool{"len": true, "cap": true, "append": true, "make": true,
	"new": true, "complex": true, "real": true, "imag": true, "min": true, "max": true}

var noResultBuiltins = map[string]bool{"print": true, "println": true, "panic": true,
	"close": true, "delete": true, "copy": true, "clear": true, "recover": true}

// callResults returns how many results call has, or -1 when the planner cannot tell.
func (p *planner) callResults(call *ast.CallExpr) int {
	var name string
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		name = f.Name
		if d, ok := p.funcs[name]; ok {
			if d.Type.Results == nil {
				return 0
			}
			return d.Type.Results.NumFields()
		}
		if p.types[name] || intTypes[name] || basicTypes[name] {
			return 1
		}
		if g := p.s.globals[name]; g != nil {
			switch g.kind {
			case token.FUNC:
				return g.results
			case token.TYPE:
				return 1
			}
			return -1
		}
		if oneResultBuiltins[name] {
			return 1
		}
		if noResultBuiltins[name] {
			return 0
		}
	case *ast.SelectorExpr:
		name = f.Sel.Name
		if quietName(name) {
			return 0
		}
		if x, ok := f.X.(*ast.Ident); ok && !p.tops[x.Name] {
			ip, ok := p.s.imports[x.Name]
			if !ok {
				ip, ok = p.s.stdPath(x.Name)
			}
			if ok {
				if n, _, ok := p.s.funcOut(ip, name); ok {
					return n
				}
			}
		}
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.InterfaceType:
		return 1
	case *ast.FuncLit:
		// The interpreter's value of a function literal's call is not its result.
		return f.Type.Results.NumFields()
	}
	if quietName(name) {
		return 0
	}
	return -1
}

var basicTypes = map[string]bool{"string": true, "bool": true, "float32": true, "float64": true,
	"complex64": true, "complex128": true, "error": true, "any": true}

// quietName reports whether a function's result is of no interest as a cell's result: the
// byte counts of Print and Write functions, and scanned item counts.
func quietName(name string) bool {
	for _, p := range []string{"Print", "Fprint", "Write", "Scan", "Sscan", "Fscan"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

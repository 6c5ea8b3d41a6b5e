package kernel

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// yaegi v0.16.1 cannot type a package-level variable whose value indexes a value of a
// compiled type: after `parts := strings.Split(s, ",")`, a cell's `first := parts[0]` (or
// `row := taegisResult.Records[0]`, `v := m["k"]`) fails with "constant definition loop",
// though the same line inside a function runs. evalChunk works around it: when a statement
// chunk fails so, its top-level statements run one at a time, and each definition that fails
// so runs inside a function that hands its values to the host, which declares the variables
// with the values' static types.

// isDefinitionLoop reports whether err is the interpreter's failure to type a package-level
// definition: an error saying so, or a panic of its type analysis, which a definition such as
// `s := parts[0] + "!"` causes. Either happens before anything ran.
func isDefinitionLoop(err error) bool {
	msg := err.Error()
	if strings.Contains(msg, "constant definition loop") ||
		strings.Contains(msg, "variable definition loop") {
		return true
	}
	var p interp.Panic
	if !errors.As(err, &p) {
		return false
	}
	stack := string(p.Stack)
	return strings.Contains(stack, "yaegi/interp.(*Interpreter).gta") &&
		!strings.Contains(stack, "yaegi/interp.runCfg")
}

// evalChunk evaluates a chunk, working around the interpreter's definition loop.
func (e *GoEngine) evalChunk(ctx context.Context, c chunk) (reflect.Value, error) {
	v, err := e.evalAt(ctx, c.src, c.line)
	if err == nil || !isDefinitionLoop(err) {
		return v, err
	}
	stmts, ok := topStatements(c.src, c.decl)
	if !ok {
		return v, err
	}
	for i, st := range stmts {
		v, err = e.eval(ctx, st.src)
		if err != nil && len(st.names) > 0 && isDefinitionLoop(err) {
			v, err = reflect.Value{}, e.defineThroughHost(ctx, st)
		}
		if err != nil {
			return v, err
		}
		if i < len(stmts)-1 && ctx.Err() != nil {
			return v, ctx.Err()
		}
	}
	return v, nil
}

// topStatement is one top-level statement or declaration of a chunk, as source that keeps
// its cell lines. A definition (`a, b := x, y` or `var a, b = x, y`) also has its names and
// values.
type topStatement struct {
	src    string
	line   int      // the cell line it starts on
	names  []string // "_" for a blank
	values string   // the right-hand side
	typ    string   // a var declaration's type, if it has one
}

// topStatements splits a chunk into its top-level statements, or its declarations.
func topStatements(src string, decl bool) ([]topStatement, bool) {
	prefix, suffix := stmtPrefix, "\n}"
	if decl {
		prefix, suffix = declPrefix, ""
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+src+suffix, 0)
	if err != nil {
		return nil, false
	}
	var nodes []ast.Node
	if decl {
		for _, d := range f.Decls {
			nodes = append(nodes, d)
		}
	} else {
		fn, ok := f.Decls[0].(*ast.FuncDecl)
		if !ok || fn.Body == nil || len(f.Decls) != 1 {
			return nil, false
		}
		for _, s := range fn.Body.List {
			nodes = append(nodes, s)
		}
	}
	at := func(p token.Pos) int { return fset.Position(p).Offset - len(prefix) }
	text := func(n ast.Node) string { return src[at(n.Pos()):at(n.End())] }
	var out []topStatement
	for _, n := range nodes {
		if _, empty := n.(*ast.EmptyStmt); empty {
			continue
		}
		// Both prefixes take one line, and the chunk starts with a newline of its own.
		st := topStatement{src: blankOutside(src, at(n.Pos()), at(n.End())),
			line: fset.Position(n.Pos()).Line - 2}
		if d, ok := n.(*ast.DeclStmt); ok {
			n = d.Decl
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				st.names = identNames(n.Lhs)
				st.values = joinText(n.Rhs, text)
			}
		case *ast.GenDecl:
			if n.Tok == token.VAR && len(n.Specs) == 1 {
				if vs := n.Specs[0].(*ast.ValueSpec); len(vs.Values) > 0 {
					names := make([]ast.Expr, len(vs.Names))
					for i, id := range vs.Names {
						names[i] = id
					}
					st.names = identNames(names)
					st.values = joinText(vs.Values, text)
					if vs.Type != nil {
						st.typ = text(vs.Type)
					}
				}
			}
		}
		out = append(out, st)
	}
	return out, true
}

// identNames returns the names of lhs, or nil when one is not an identifier.
func identNames(lhs []ast.Expr) []string {
	names := make([]string, len(lhs))
	for i, x := range lhs {
		id, ok := x.(*ast.Ident)
		if !ok {
			return nil
		}
		names[i] = id.Name
	}
	return names
}

func joinText(xs []ast.Expr, text func(ast.Node) string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = text(x)
	}
	return strings.Join(parts, ", ")
}

// defineThroughHost evaluates a definition's values inside a function, once, and declares
// its variables with the values' static types.
func (e *GoEngine) defineThroughHost(ctx context.Context, st topStatement) error {
	if types, ok := e.sourceTypes(st); ok {
		return e.defineBySource(ctx, st, types)
	}
	temps := make([]string, len(st.names))
	ptrs := make([]string, len(st.names))
	for i := range st.names {
		temps[i] = fmt.Sprintf("_gotaegisDef%d", i)
		ptrs[i] = "&" + temps[i]
	}
	decl := strings.Join(temps, ", ") + " := " + st.values
	if st.typ != "" {
		decl = "var " + strings.Join(temps, ", ") + " " + st.typ + " = " + st.values
	}
	// The probe keeps the statement's lines, so that an error inside the values names them,
	// and marks its line for a panic's traceback. (A lone call of a function literal that
	// panics would also make the interpreter panic again on its next run.)
	lead := st.src[:len(st.src)-len(strings.TrimLeft(st.src, " \t\n"))]
	probe := fmt.Sprintf("%s%s.Line(%d); func() { %s; %s.Keep(%s) }()", lead, bridgePkg,
		st.line, decl, bridgePkg, strings.Join(ptrs, ", "))
	e.bridge.mu.Lock()
	e.bridge.kept = nil
	e.bridge.mu.Unlock()
	if _, err := e.eval(ctx, probe); err != nil {
		return err
	}
	e.bridge.mu.Lock()
	kept := e.bridge.kept
	e.bridge.kept = nil
	e.bridge.mu.Unlock()
	if len(kept) != len(st.names) {
		return errors.New("define: the values were not handed over")
	}
	for i, name := range st.names {
		if name == "_" {
			continue
		}
		if err := e.declareGlobal(name, reflect.ValueOf(kept[i]).Elem()); err != nil {
			return err
		}
	}
	return nil
}

// declareGlobal declares (or redeclares) the session variable name with v's type and value.
func (e *GoEngine) declareGlobal(name string, v reflect.Value) error {
	typ, ok := e.typeExpr(v.Type())
	if !ok && declaredType(v.Type()) {
		return fmt.Errorf("cannot declare %s at the top of a cell: its value has a type a "+
			"cell declares (a generic type's instance, say), which this kernel cannot name "+
			"here; give it its type (var %s T = ...) or use it inside a function", name, name)
	}
	if !ok {
		return fmt.Errorf("cannot declare %s at the top of a cell: this kernel cannot name "+
			"its type %s; declare it with an explicit type (var %s T = ...) or use it inside "+
			"a function", name, v.Type(), name)
	}
	if err := e.declareTaken(name, typ, v.Interface()); err != nil {
		return fmt.Errorf("declare %s: %w", name, err)
	}
	return nil
}

// declareTaken declares (or redeclares) the session variable name of the type typ, Go source,
// and hands it the host value x: `var name = _gotaegis.Take().(T)`, or `var name any =
// _gotaegis.Take()`, or for a nil interface value `var name T`.
func (e *GoEngine) declareTaken(name, typ string, x any) error {
	e.bridge.mu.Lock()
	e.bridge.take = x
	e.bridge.mu.Unlock()
	src := fmt.Sprintf("var %s = %s.Take().(%s)", name, bridgePkg, typ)
	switch {
	case typ == "any":
		src = fmt.Sprintf("var %s any = %s.Take()", name, bridgePkg)
	case x == nil:
		src = fmt.Sprintf("var %s %s", name, typ)
	}
	_, err := e.eval(context.Background(), src)
	return err
}

// sourceTypes returns the static types of a definition's variables when its source gives
// them and the host could not name them: a type assertion `v, ok := x.(T)` and a call of a
// generic function the cells declare with explicit type arguments, `s := NewSet[string]()`.
// Such values have types the cells declare, which reach the host without their names.
func (e *GoEngine) sourceTypes(st topStatement) ([]string, bool) {
	if len(st.names) == 0 || len(st.names) > 2 || st.typ != "" {
		return nil, false
	}
	x, err := parser.ParseExpr(st.values)
	if err != nil {
		return nil, false
	}
	switch x := x.(type) {
	case *ast.TypeAssertExpr:
		if x.Type == nil {
			return nil, false
		}
		t := st.values[x.Type.Pos()-1 : x.Type.End()-1]
		if len(st.names) == 2 {
			return []string{t, "bool"}, true
		}
		return []string{t}, true
	case *ast.CallExpr:
		if len(st.names) != 1 {
			return nil, false
		}
		var fn ast.Expr
		var args []ast.Expr
		switch f := x.Fun.(type) {
		case *ast.IndexExpr:
			fn, args = f.X, []ast.Expr{f.Index}
		case *ast.IndexListExpr:
			fn, args = f.X, f.Indices
		default:
			return nil, false
		}
		id, ok := fn.(*ast.Ident)
		if !ok {
			return nil, false
		}
		texts := make([]string, len(args))
		for i, a := range args {
			texts[i] = st.values[a.Pos()-1 : a.End()-1]
		}
		e.mu.Lock()
		t, ok := e.sess.genericResult(id.Name, texts)
		e.mu.Unlock()
		return []string{t}, ok
	}
	return nil, false
}

// genericResult returns the result type of the generic function name, declared by a cell,
// instantiated with the type arguments args; false unless it has one result and takes
// exactly those type arguments.
func (s *session) genericResult(name string, args []string) (string, bool) {
	g := s.globals[name]
	if g == nil || g.kind != token.FUNC || g.results != 1 {
		return "", false
	}
	const prefix = "package p\n"
	f, err := parser.ParseFile(token.NewFileSet(), "", prefix+g.sig, 0)
	if err != nil || len(f.Decls) != 1 {
		return "", false
	}
	d, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok || d.Type.TypeParams == nil || d.Type.Results == nil {
		return "", false
	}
	params := map[string]string{}
	for _, field := range d.Type.TypeParams.List {
		for _, n := range field.Names {
			params[n.Name] = ""
			if len(params) <= len(args) {
				params[n.Name] = args[len(params)-1]
			}
		}
	}
	if len(params) != len(args) {
		return "", false
	}
	res := d.Type.Results.List[0].Type
	src := prefix + g.sig
	var b strings.Builder
	at := int(res.Pos()) - 1
	ast.Inspect(res, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		to, isParam := params[id.Name]
		if !isParam {
			if to, ok = s.renames[id.Name]; !ok {
				return true
			}
		}
		b.WriteString(src[at : id.Pos()-1])
		b.WriteString(to)
		at = int(id.End()) - 1
		return true
	})
	b.WriteString(src[at : res.End()-1])
	return b.String(), true
}

// defineBySource declares a definition's variables with the types its source gives, then
// assigns them its values: `var v T; var ok bool; v, ok = x.(T)`. At the top of a cell the
// interpreter runs such an assignment where it fails the definition.
func (e *GoEngine) defineBySource(ctx context.Context, st topStatement, types []string) error {
	var b strings.Builder
	lead := st.src[:len(st.src)-len(strings.TrimLeft(st.src, " \t\n"))]
	fmt.Fprintf(&b, "%s%s.Line(%d); ", lead, bridgePkg, st.line)
	for i, name := range st.names {
		if name != "_" {
			fmt.Fprintf(&b, "var %s %s; ", name, types[i])
		}
	}
	fmt.Fprintf(&b, "%s = %s", strings.Join(st.names, ", "), st.values)
	_, err := e.eval(ctx, b.String())
	return err
}

// declaredType reports whether t is, or is made of, a struct type without a name: how a type
// the cells declare reaches the host.
func declaredType(t reflect.Type) bool {
	for {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
			continue
		}
		return t.Kind() == reflect.Struct && t.Name() == ""
	}
}

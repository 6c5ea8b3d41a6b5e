package kernel

import (
	"fmt"
	"go/ast"
	"strconv"
	"strings"
)

// deferArgs evaluates a deferred call's arguments where the defer statement runs, as Go does:
// yaegi v0.16.1 evaluates them only when the call runs, so `defer fmt.Print(i)` in a loop
// printed the last i every time. `defer f(a, b)` becomes
//
//	_gtd1_0, _gtd1_1 := a, b; defer f(_gtd1_0, _gtd1_1)
//
// Literals and function literals stay in place, and so does a lone argument that may be a
// call of several results.
func (p *planner) deferArgs(ps *parsedSeg, d *ast.DeferStmt) {
	args := d.Call.Args
	if len(args) == 1 {
		if c, ok := ast.Unparen(args[0]).(*ast.CallExpr); ok && p.callResults(c) != 1 {
			return
		}
	}
	p.s.nextID++
	id := p.s.nextID
	var names, values []string
	for i, a := range args {
		switch a := a.(type) {
		case *ast.FuncLit, *ast.BasicLit:
			continue
		case *ast.Ident:
			if a.Name == "nil" || a.Name == "true" || a.Name == "false" || a.Name == "iota" {
				continue
			}
		}
		name := fmt.Sprintf("_gtd%d_%d", id, i)
		names = append(names, name)
		values = append(values, p.text(ps, a))
		p.edits = append(p.edits, edit{pos: ps.offset(a.Pos()), end: ps.offset(a.End()),
			text: name})
	}
	if len(names) == 0 {
		return
	}
	start := ps.offset(d.Pos())
	p.edits = append(p.edits, edit{pos: start, end: start,
		text: strings.Join(names, ", ") + " := " + strings.Join(values, ", ") + "; "})
}

// asErrorFunc is the prelude's helper that makes a value of a type the cells declare an
// error the host sees: its type parameter gives the interpreter the value's static type.
const asErrorFunc = "_gotaegisAsError"

// errorfWraps passes each argument of a %w verb of fmt.Errorf through asErrorFunc. Given a
// value of a type a cell declares, such as &QueryError{...}, the host's fmt.Errorf sees no
// Error method and writes "%!w(...)", so errors.Is and errors.As could not find it.
func (p *planner) errorfWraps(ps *parsedSeg, call *ast.CallExpr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Errorf" || len(call.Args) < 2 || call.Ellipsis.IsValid() {
		return
	}
	if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "fmt" || p.tops["fmt"] {
		return
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok {
		return
	}
	format, err := strconv.Unquote(lit.Value)
	if err != nil {
		return
	}
	for _, i := range wrapVerbArgs(format) {
		if i+1 >= len(call.Args) {
			return
		}
		a := call.Args[i+1]
		if _, isLit := a.(*ast.BasicLit); isLit {
			continue
		}
		if id, isIdent := a.(*ast.Ident); isIdent && id.Name == "nil" {
			continue
		}
		at, end := ps.offset(a.Pos()), ps.offset(a.End())
		p.edits = append(p.edits, edit{pos: at, end: at, text: asErrorFunc + "("},
			edit{pos: end, end: end, text: ")"})
	}
}

// wrapVerbArgs returns the indexes, among the arguments after the format, of those the
// format's %w verbs print; nil when the format numbers its arguments explicitly.
func wrapVerbArgs(format string) []int {
	var out []int
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		for i < len(format) && (format[i] >= '0' && format[i] <= '9' || format[i] == '.' ||
			format[i] == '*') {
			if format[i] == '*' {
				arg++
			}
			i++
		}
		if i >= len(format) {
			break
		}
		switch format[i] {
		case '%':
			continue
		case '[':
			return nil
		case 'w':
			out = append(out, arg)
		}
		arg++
	}
	return out
}

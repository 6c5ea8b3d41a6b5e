package kernel

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// interpPos matches the position the interpreter puts before a message: "L:C: " or
// "_.go:L:C: ". Its lines are the cell's lines plus one (see chunk).
var interpPos = regexp.MustCompile(`^(?:[^\s:]*\.go:)?(\d+):(\d+): `)

// renamed matches the internal names the planner gives redefined types and loop variables.
var renamed = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*?)_gt[vn]?\d+\b`)

// partialPkg matches a missing member of the standard packages yaegi v0.16.1 provides only in
// part, as interpreted source.
var partialPkg = regexp.MustCompile(`undefined selector: (slices|maps)\.`)

// genericInference matches the interpreter's error on a function argument whose type it
// inferred from the wrong type parameter, as for Map(xs, func(int) string {...}) with
// func Map[T, U any](xs []T, f func(T) U) []U.
var genericInference = regexp.MustCompile(`cannot use type func\(.*\) .* as type func\(`)

func cleanNames(s string) string { return renamed.ReplaceAllString(s, "$1") }

// cellLine returns line n of code (1-based) for a traceback, with a caret under column col.
func cellLine(code string, n, col int) []string {
	lines := strings.Split(code, "\n")
	if n < 1 || n > len(lines) {
		return nil
	}
	text := strings.TrimRight(lines[n-1], "\r")
	out := []string{fmt.Sprintf("  %4d | %s", n, text)}
	if col >= 1 && col <= len(text)+1 {
		pad := strings.Map(func(r rune) rune {
			if r == '\t' {
				return '\t'
			}
			return ' '
		}, text[:col-1])
		out = append(out, "       | "+pad+"^")
	}
	return out
}

// planError reports a cell the planner rejected.
func planError(err error, code string) *Error {
	var se *CellSyntaxError
	if errors.As(err, &se) {
		tb := []string{"SyntaxError: " + se.Error()}
		return &Error{Name: "SyntaxError", Value: se.Error(),
			Traceback: append(tb, cellLine(code, se.Line, se.Col)...)}
	}
	var ue *UnsupportedError
	if errors.As(err, &ue) {
		tb := []string{"UnsupportedError: " + ue.Error()}
		return &Error{Name: "UnsupportedError", Value: ue.Error(),
			Traceback: append(tb, cellLine(code, ue.Line, 0)...)}
	}
	name := "InternalError"
	if strings.HasPrefix(err.Error(), "import ") {
		name = "ImportError"
	}
	return &Error{Name: name, Value: err.Error(), Traceback: []string{name + ": " + err.Error()}}
}

// interruptedError is the error of a cell that was interrupted.
func interruptedError() *Error {
	return &Error{Name: "KeyboardInterrupt", Value: "the cell was interrupted",
		Traceback: []string{"KeyboardInterrupt: the cell was interrupted"}}
}

// evalError turns what the interpreter returned for a chunk into the cell's one error.
func (e *GoEngine) evalError(ctx context.Context, err error, code string, c chunk) *Error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return interruptedError()
	}
	var p interp.Panic
	if errors.As(err, &p) {
		if _, ok := p.Value.(interruptSignal); ok {
			return interruptedError()
		}
		return panicError(p, c)
	}
	msg := cleanNames(err.Error())
	line, col := 0, 0
	if m := interpPos.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
		line, col = c.cellPosition(line, col)
		msg = fmt.Sprintf("line %d:%d: %s", line, col, msg[len(m[0]):])
	}
	if m := partialPkg.FindStringSubmatch(msg); m != nil {
		msg += "; this kernel's Go interpreter has only part of package " + m[1] +
			" (no sorting and no iterators): use sort.Slice, sort.Ints or sort.Strings, and " +
			"loop over maps with for k, v := range m"
	}
	if strings.Contains(msg, "not a generic type: func(") {
		msg += "; the interpreter cannot take explicit type arguments for this generic " +
			"function: leave them out, and at the top of a cell give the variable its type, " +
			"as in var p Pair[string, int] = MakePair(\"n\", 3)"
	}
	if strings.Contains(msg, "unknown field") && strings.Contains(msg, "in struct literal") {
		msg += "; if the struct is generic and the field has the name of a type parameter " +
			"(T T), the interpreter cannot tell them apart: rename the field or the parameter"
	}
	if genericInference.MatchString(msg) {
		msg += "; if this calls a generic function, the interpreter may have inferred its " +
			"type arguments wrongly: give them explicitly, as in Map[int, string](xs, f)"
	}
	tb := []string{"CompileError: " + msg}
	return &Error{Name: "CompileError", Value: msg, Traceback: append(tb,
		cellLine(code, line, col)...)}
}

// panicError turns a panic in the interpreter into an error; the location lines the
// interpreter printed are appended by Execute.
func panicError(p interp.Panic, c chunk) *Error {
	switch v := p.Value.(type) {
	case exitSignal:
		msg := fmt.Sprintf("os.Exit(%d) called: the cell stopped there and the kernel keeps "+
			"running", v.code)
		return &Error{Name: "SystemExit", Value: msg, Traceback: []string{"SystemExit: " + msg}}
	case magicFailure:
		msg := cleanNames(v.err.Error())
		return &Error{Name: "MagicError", Value: msg, Traceback: []string{"MagicError: " + msg}}
	case stackOverflow:
		msg := cleanNames(v.String())
		return &Error{Name: "RecursionError", Value: msg,
			Traceback: []string{"RecursionError: " + msg}}
	}
	val := cleanNames(fmt.Sprint(p.Value))
	line, col := 0, 0
	if m := compilePanic.FindStringSubmatch(val); m != nil {
		// The interpreter's compiler failed on a construct it mishandles; its position is the
		// chunk's, which is not the cell's.
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
		line, col = c.cellPosition(line, col)
		val = m[3]
		if val != "nil type" && val != "nil reflect type" {
			msg := fmt.Sprintf("line %d:%d: the interpreter failed to compile this cell (%s); "+
				"it probably uses a Go feature the yaegi interpreter does not support",
				line, col, val)
			if strings.Contains(val, "reflect.StructOf") {
				msg += "; a generic struct whose field has the name of a type parameter " +
					"(K K) is one: rename the field or the parameter"
			}
			return &Error{Name: "UnsupportedError", Value: msg, Traceback: append(
				[]string{"UnsupportedError: " + msg}, cellLine(c.cell, line, col)...)}
		}
	}
	if (val == "nil type" || val == "nil reflect type") && c.hasRange {
		msg := "the interpreter cannot compile a range statement here (" + val + "): range " +
			"over an integer held in a variable whose type the kernel cannot see, and range " +
			"over a function (an iterator), are not supported; write a counting loop " +
			"for i := 0; i < n; i++ or call the iterator with a yield function"
		return unsupportedAt(msg, c.cell, line, col)
	}
	if val == "nil type" || val == "nil reflect type" {
		msg := "the interpreter failed to compile this cell (" + val + "); it probably " +
			"uses a Go feature the yaegi interpreter does not support"
		return unsupportedAt(msg, c.cell, line, col)
	}
	if strings.Contains(val, "invalid interface value") {
		val = "invalid interface value: this kernel's Go interpreter cannot call a method " +
			"promoted from an embedded interface field of a type a cell declares; call it " +
			"through the field, as in w.Scorer.Score() for a struct w embedding Scorer"
	}
	if zeroValueCall.MatchString(val) {
		val += " (the interpreter's report of a nil pointer dereference, or of a call on a " +
			"nil interface or map value)"
	}
	return &Error{Name: "panic", Value: val, Traceback: []string{"panic: " + val}}
}

// zeroValueCall matches the panic the interpreter raises where Go would report a nil
// pointer dereference.
var zeroValueCall = regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on zero Value$`)

// compilePanic matches the panic value of the interpreter's compiler failing on a node.
var compilePanic = regexp.MustCompile(`^(\d+):(\d+): CFG (?:pre|post)-order panic: (.*)$`)

// unsupportedAt reports msg, prefixed with the cell's line and column when line is known.
func unsupportedAt(msg, cell string, line, col int) *Error {
	if line > 0 {
		msg = fmt.Sprintf("line %d:%d: %s", line, col, msg)
	}
	return &Error{Name: "UnsupportedError", Value: msg, Traceback: append(
		[]string{"UnsupportedError: " + msg}, cellLine(cell, line, col)...)}
}

// mapPanicLines rewrites the interpreter's "L:C: panic: main.f(...)" lines as frames on the
// cell's lines, innermost first. at is the cell line of the top-level statement that was
// running, 0 when unknown.
func mapPanicLines(held []string, at int) []string {
	var out []string
	cellFrame := false
	for _, h := range held {
		m := interpPos.FindStringSubmatch(h)
		if m == nil {
			continue
		}
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		where := strings.TrimPrefix(strings.TrimPrefix(h[len(m[0]):], "panic"), ": ")
		where = strings.TrimSuffix(where, "(...)")
		if where == "" || where == "main" {
			// The interpreter places the cell's own frame at its start, not at the call.
			cellFrame = true
			if at > 0 {
				out = append(out, fmt.Sprintf("  at line %d in the cell", at))
			} else {
				out = append(out, "  in the cell")
			}
			continue
		}
		where = strings.TrimPrefix(where, "main.")
		if strings.HasPrefix(where, "_gotaegis") {
			continue
		}
		out = append(out, fmt.Sprintf("  at line %d:%d in %s", line-1, col, cleanNames(where)))
	}
	if at > 0 && !cellFrame {
		out = append(out, fmt.Sprintf("  at line %d in the cell", at))
	}
	return out
}

// errorType is the reflect type of the error interface.
var errorType = reflect.TypeOf((*error)(nil)).Elem()

// errorsAs is errors.As as cells see it. A type a cell declares has no methods the host can
// see, so the standard errors.As panics on a pointer to it ("*target must be interface or
// implement error"); such a target is matched against the values the interpreter wrapped
// when they became errors. Other targets go to the standard errors.As.
//
// Limitation: two types the cells declare with the same fields look alike to the host, so a
// target of one also matches a value of the other.
func errorsAs(err error, target any) bool {
	if target == nil {
		panic("errors: target cannot be nil")
	}
	tv := reflect.ValueOf(target)
	if tv.Kind() != reflect.Pointer || tv.IsNil() {
		panic("errors: target must be a non-nil pointer")
	}
	want := tv.Type().Elem()
	if want.Kind() == reflect.Interface || want.Implements(errorType) {
		return errors.As(err, target)
	}
	return asInterpreted(err, tv.Elem(), want)
}

// asInterpreted walks err's tree as errors.As does, setting dst to the first interpreted
// value of type want.
func asInterpreted(err error, dst reflect.Value, want reflect.Type) bool {
	for err != nil {
		if v, ok := interpretedError(err); ok && v.Type().AssignableTo(want) {
			dst.Set(v)
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if asInterpreted(e, dst, want) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// interpretedError returns the value of an interpreted type inside err, the wrapper the
// interpreter gives such a value where it becomes an error: a struct whose first field,
// IValue, holds it.
func interpretedError(err error) (reflect.Value, bool) {
	v := reflect.ValueOf(err)
	if v.Kind() != reflect.Struct || v.NumField() == 0 || v.Type().Field(0).Name != "IValue" {
		return reflect.Value{}, false
	}
	inner := v.Field(0)
	for inner.Kind() == reflect.Interface && !inner.IsNil() {
		inner = inner.Elem()
	}
	return inner, inner.IsValid() && inner.Kind() != reflect.Interface
}

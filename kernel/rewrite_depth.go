package kernel

import (
	"fmt"
	"go/ast"
	"strconv"
)

// maxCallDepth is how deep calls of functions declared in cells may nest before the cell
// stops with a stack overflow error. A frame of yaegi v0.16.1 takes about 1.1 KB of Go
// stack, so about 890,000 fit in Go's 1 GB limit, past which the process dies; stopping at
// a ninth of that leaves room for the host frames between interpreted ones.
const maxCallDepth = 100_000

// stackOverflow is the panic value that stops a cell whose calls nest past maxCallDepth.
type stackOverflow struct{ fn string }

func (s stackOverflow) String() string {
	return fmt.Sprintf("stack overflow: call depth exceeded %d in %s; a function probably "+
		"calls itself without end: check the condition that should stop its recursion",
		maxCallDepth, s.fn)
}

// depthGuard makes the body of a function or method declared in a cell, or of a function
// literal, count its call depth first: `defer _gotaegis.Enter("f")()` raises the depth and
// panics past maxCallDepth, and the deferred call lowers it again. Without it, recursion
// without end overflows the Go stack, which no recover can stop, and the kernel dies.
func (p *planner) depthGuard(ps *parsedSeg, name string, body *ast.BlockStmt) {
	if body == nil {
		return
	}
	at := ps.offset(body.Lbrace) + 1
	if at <= ps.start {
		// The function wrapping a statement segment for the parser is not the cell's.
		return
	}
	p.edits = append(p.edits, edit{pos: at, end: at,
		text: " defer " + bridgePkg + ".Enter(" + strconv.Quote(name) + ")();"})
}

// funcName names a declared function or method the way an error shows it: f, T.m or (*T).m.
func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	switch t := d.Recv.List[0].Type.(type) {
	case *ast.StarExpr:
		return "(*" + recvTypeName(t.X) + ")." + d.Name.Name
	default:
		return recvTypeName(t) + "." + d.Name.Name
	}
}

func recvTypeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvTypeName(t.X)
	case *ast.IndexListExpr:
		return recvTypeName(t.X)
	}
	return "?"
}

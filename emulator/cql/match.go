package cql

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// path is a dotted field path split once, so matching walks maps without string work.
type path struct {
	segs []string
	// rest[i] is segs[i:] joined with dots: a record may hold a flattened key such as
	// "metadata.title" at any level, and that key is tried before descending.
	rest []string
}

func newPath(s string) path {
	segs := strings.Split(s, ".")
	rest := make([]string, len(segs))
	for i := range segs {
		rest[i] = strings.Join(segs[i:], ".")
	}
	return path{segs: segs, rest: rest}
}

// walk reports whether test holds for any value the path reaches in v from segment i.
// Arrays are entered at every level, so a path matches when any element matches.
func (p *path) walk(v any, i int, test func(any) bool) bool {
	if i == len(p.segs) {
		return anyLeaf(v, test)
	}
	switch x := v.(type) {
	case map[string]any:
		if i < len(p.segs)-1 {
			if y, ok := x[p.rest[i]]; ok && anyLeaf(y, test) {
				return true
			}
		}
		y, ok := x[p.segs[i]]
		return ok && p.walk(y, i+1, test)
	case []any:
		for _, e := range x {
			if p.walk(e, i, test) {
				return true
			}
		}
	case []map[string]any:
		for _, e := range x {
			if p.walk(e, i, test) {
				return true
			}
		}
	case map[string]string:
		if i < len(p.segs)-1 {
			if y, ok := x[p.rest[i]]; ok && test(y) {
				return true
			}
			return false
		}
		y, ok := x[p.segs[i]]
		return ok && test(y)
	}
	return false
}

// anyLeaf applies test to v, or to each element when v is an array.
func anyLeaf(v any, test func(any) bool) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if anyLeaf(e, test) {
				return true
			}
		}
		return false
	case []string:
		for _, e := range x {
			if test(e) {
				return true
			}
		}
		return false
	case []map[string]any:
		for _, e := range x {
			if test(e) {
				return true
			}
		}
		return false
	}
	return test(v)
}

// predicate is a compiled condition over one record.
type predicate func(rec map[string]any) bool

func notNil(v any) bool { return v != nil }

// compiler turns a WHERE tree into predicates, resolving logical fields and compiling
// regular expressions once.
type compiler struct {
	logical map[string][]string
	aliases map[string][]string
}

func (c *compiler) compile(e Expr) (predicate, error) {
	switch x := e.(type) {
	case *Chain:
		preds := make([]predicate, len(x.Args))
		for i, a := range x.Args {
			p, err := c.compile(a)
			if err != nil {
				return nil, err
			}
			preds[i] = p
		}
		if x.And {
			return func(rec map[string]any) bool {
				for _, p := range preds {
					if !p(rec) {
						return false
					}
				}
				return true
			}, nil
		}
		return func(rec map[string]any) bool {
			for _, p := range preds {
				if p(rec) {
					return true
				}
			}
			return false
		}, nil
	case *Not:
		p, err := c.compile(x.X)
		if err != nil {
			return nil, err
		}
		return func(rec map[string]any) bool { return !p(rec) }, nil
	case *IsNull:
		paths, err := c.paths(x.Field)
		if err != nil {
			return nil, err
		}
		present := anyPath(paths, notNil)
		if x.Negated {
			return present, nil
		}
		return func(rec map[string]any) bool { return !present(rec) }, nil
	case *Compare:
		return c.compileCompare(x)
	}
	return nil, fmt.Errorf("unknown condition %T", e)
}

// paths resolves a field to the record paths it stands for: itself, the targets of its
// alias, or for a logical field every field of its kind.
func (c *compiler) paths(f Field) ([]path, error) {
	if !f.Logical() {
		names, ok := c.aliases[f.Path]
		if !ok {
			return []path{newPath(f.Path)}, nil
		}
		paths := make([]path, len(names))
		for i, n := range names {
			paths[i] = newPath(n)
		}
		return paths, nil
	}
	names, ok := c.logical[strings.ToLower(f.Path[1:])]
	if !ok || len(names) == 0 {
		known := make([]string, 0, len(c.logical))
		for k := range c.logical {
			known = append(known, "@"+k)
		}
		sort.Strings(known)
		return nil, &SyntaxError{Line: f.Pos.Line, Col: f.Pos.Col, Msg: fmt.Sprintf(
			"unknown logical field %q; known logical fields: %s", f.Path,
			strings.Join(known, ", "))}
	}
	paths := make([]path, len(names))
	for i, n := range names {
		paths[i] = newPath(n)
	}
	return paths, nil
}

func anyPath(paths []path, test func(any) bool) predicate {
	if len(paths) == 1 {
		p := &paths[0]
		return func(rec map[string]any) bool { return p.walk(rec, 0, test) }
	}
	return func(rec map[string]any) bool {
		for i := range paths {
			if paths[i].walk(rec, 0, test) {
				return true
			}
		}
		return false
	}
}

func (c *compiler) compileCompare(x *Compare) (predicate, error) {
	paths, err := c.paths(x.Field)
	if err != nil {
		return nil, err
	}
	lits := make([]literal, len(x.Values))
	for i, v := range x.Values {
		lits[i] = newLiteral(v)
	}
	l := &lits[0]

	var test func(any) bool
	negate := false
	switch x.Op {
	case OpEq, OpNe:
		test = func(v any) bool { return equal(v, l) }
		negate = x.Op == OpNe
	case OpLt:
		test = func(v any) bool { c, ok := order(v, l); return ok && c < 0 }
	case OpLe:
		test = func(v any) bool { c, ok := order(v, l); return ok && c <= 0 }
	case OpGt:
		test = func(v any) bool { c, ok := order(v, l); return ok && c > 0 }
	case OpGe:
		test = func(v any) bool { c, ok := order(v, l); return ok && c >= 0 }
	case OpContains:
		test = func(v any) bool { s, ok := text(v); return ok && containsFold(s, l) }
	case OpRegex, OpNotRegex:
		re, err := regexp.Compile(l.s)
		if err != nil {
			return nil, &SyntaxError{Line: x.Values[0].Pos.Line, Col: x.Values[0].Pos.Col,
				Msg: fmt.Sprintf("bad regular expression %s: %s; CQL uses RE2 syntax "+
					"(https://github.com/google/re2/wiki/Syntax)", quote(l.s), reason(err))}
		}
		test = func(v any) bool { s, ok := text(v); return ok && re.MatchString(s) }
		negate = x.Op == OpNotRegex
	case OpIn, OpNotIn:
		test = func(v any) bool {
			for i := range lits {
				if equal(v, &lits[i]) {
					return true
				}
			}
			return false
		}
		negate = x.Op == OpNotIn
	default:
		return nil, fmt.Errorf("unknown operator %q", x.Op)
	}

	match := anyPath(paths, test)
	if negate {
		return func(rec map[string]any) bool { return !match(rec) }, nil
	}
	return match, nil
}

// reason strips the "error parsing regexp: " prefix that regexp puts on every error.
func reason(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

package cql

import (
	"math"
	"strconv"
	"strings"
)

// Pos is a position in the query text: Line and Col count from 1, Col in characters.
type Pos struct {
	Line, Col int
}

// Expr is one node of a WHERE condition: *Chain, *Not, *Compare or *IsNull. Its String
// is the normalised CQL text of the node.
type Expr interface {
	String() string
	exprNode()
}

// Chain is two or more conditions joined by AND (And is true) or by OR.
type Chain struct {
	And  bool
	Args []Expr // at least two
}

// Not negates its condition.
type Not struct {
	X Expr
}

// Op is a comparison operator as CQL writes it.
type Op string

// The comparison operators.
const (
	OpEq       Op = "="
	OpNe       Op = "!="
	OpLt       Op = "<"
	OpLe       Op = "<="
	OpGt       Op = ">"
	OpGe       Op = ">="
	OpContains Op = "CONTAINS"
	OpRegex    Op = "MATCHES_REGEX"
	OpNotRegex Op = "!MATCHES_REGEX"
	OpIn       Op = "IN"
	OpNotIn    Op = "!IN"
)

// Field is a field reference: a dotted path (metadata.severity) or a logical field (@ip).
type Field struct {
	Path string
	Pos  Pos
}

// Logical reports whether the field is a logical field such as @ip.
func (f Field) Logical() bool { return strings.HasPrefix(f.Path, "@") }

// ValueKind is the type of a literal.
type ValueKind int

// The literal types.
const (
	StringValue ValueKind = iota
	NumberValue
	BoolValue
)

// Value is a literal on the right of a comparison.
type Value struct {
	Kind ValueKind
	Str  string  // the text of a StringValue
	Num  float64 // the value of a NumberValue
	Bool bool    // the value of a BoolValue
	Pos  Pos
}

// String returns the literal as CQL text.
func (v Value) String() string {
	switch v.Kind {
	case NumberValue:
		if a := math.Abs(v.Num); a == 0 || a >= 1e-6 && a < 1e21 {
			return strconv.FormatFloat(v.Num, 'f', -1, 64)
		}
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	case BoolValue:
		if v.Bool {
			return "true"
		}
		return "false"
	}
	return quote(v.Str)
}

// Compare is one comparison: Field Op Values. Values has one element, except for IN and !IN.
type Compare struct {
	Field  Field
	Op     Op
	Values []Value
}

// IsNull is Field IS NULL, or Field IS NOT NULL when Negated.
type IsNull struct {
	Field   Field
	Negated bool
}

func (*Chain) exprNode()   {}
func (*Not) exprNode()     {}
func (*Compare) exprNode() {}
func (*IsNull) exprNode()  {}

func (e *Chain) String() string {
	sep := " OR "
	if e.And {
		sep = " AND "
	}
	parts := make([]string, len(e.Args))
	for i, a := range e.Args {
		parts[i] = a.String()
		// An OR inside an AND needs parentheses; so does any chain nested in a chain of the
		// same kind, which only a parenthesised source can produce.
		if l, ok := a.(*Chain); ok && (!l.And || e.And == l.And) {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, sep)
}

func (e *Not) String() string {
	if _, ok := e.X.(*Chain); ok {
		return "NOT (" + e.X.String() + ")"
	}
	return "NOT " + e.X.String()
}

func (e *Compare) String() string {
	if e.Op == OpIn || e.Op == OpNotIn {
		vals := make([]string, len(e.Values))
		for i, v := range e.Values {
			vals[i] = v.String()
		}
		return e.Field.Path + " " + string(e.Op) + " (" + strings.Join(vals, ", ") + ")"
	}
	return e.Field.Path + " " + string(e.Op) + " " + e.Values[0].String()
}

func (e *IsNull) String() string {
	if e.Negated {
		return e.Field.Path + " IS NOT NULL"
	}
	return e.Field.Path + " IS NULL"
}

// PipeKind names a pipe stage.
type PipeKind string

// The pipe stages.
const (
	PipeHead      PipeKind = "head"
	PipeTail      PipeKind = "tail"
	PipeSort      PipeKind = "sort"
	PipeAggregate PipeKind = "aggregate"
)

// SortKey is one key of a sort stage.
type SortKey struct {
	Field Field
	Desc  bool
}

// Pipe is one stage after a '|'.
type Pipe struct {
	Kind PipeKind
	N    int       // head and tail: the number of rows
	Keys []SortKey // sort: the keys, most significant first
	By   []Field   // aggregate: the group-by fields (count is the only function)
	Pos  Pos
}

// String returns the stage as normalised CQL text, without the leading '|'.
func (p Pipe) String() string {
	switch p.Kind {
	case PipeHead, PipeTail:
		return string(p.Kind) + " " + strconv.Itoa(p.N)
	case PipeSort:
		keys := make([]string, len(p.Keys))
		for i, k := range p.Keys {
			keys[i] = k.Field.Path
			if k.Desc {
				keys[i] = "-" + keys[i]
			}
		}
		return "sort " + strings.Join(keys, ", ")
	}
	if len(p.By) == 0 {
		return "aggregate count"
	}
	by := make([]string, len(p.By))
	for i, f := range p.By {
		by[i] = f.Path
	}
	return "aggregate count by " + strings.Join(by, ", ")
}

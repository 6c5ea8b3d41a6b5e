package cql

import (
	"fmt"
	"strings"
	"time"
)

// SyntaxError is a query that cannot be parsed or compiled, with the position of the
// character at fault. Its Error reads "line 1, column 23: expected a value after '=' (got
// ')')".
type SyntaxError struct {
	Line, Col int
	Msg       string
}

// Error returns the position and message.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// Options configure Parse. The zero value gives the defaults.
type Options struct {
	// Logical maps a logical field name, without the '@' and in lower case, to the record
	// fields it stands for. Nil means DefaultLogical(). A map given here replaces the
	// default entirely; to extend it, start from a copy of DefaultLogical().
	Logical map[string][]string
	// Aliases maps a field name, exactly as a query writes it, to the record paths it
	// stands for, in conditions and in pipes: {"severity": {"metadata.severity"}} lets an
	// alert search say severity >= 0.6 over Alert2 records. The targets replace the name;
	// list the name among them to keep reading it too. Nil means no aliases; AlertAliases
	// has the ones alert searches use.
	Aliases map[string][]string
	// Now is the instant relative EARLIEST and LATEST values count from when Match and
	// Run apply the time window. Zero means the time of the Parse call.
	Now time.Time
	// TimeFields are the record fields, as dotted paths, that hold a record's time; the
	// first one present is compared with the window. Nil means DefaultTimeFields().
	TimeFields []string
	// TypeField is the record field that holds an event's type, checked against FROM.
	// Empty means "event_type".
	TypeField string
}

// DefaultTimeFields returns the fields that hold a record's time, in the order tried:
// events (timestamp, event_time), alerts (metadata.created_at) and other records
// (created_at).
func DefaultTimeFields() []string {
	return []string{"timestamp", "event_time", "metadata.created_at", "created_at"}
}

// Query is a parsed and compiled CQL query. It is immutable and safe for concurrent use.
type Query struct {
	ast       ast
	where     predicate // nil when the query has no conditions
	stages    []stage
	typeField string
	timePaths []path
	earliest  time.Time // the window resolved against Options.Now; zero when unbounded
	latest    time.Time
}

// Parse parses and compiles src. It uses the first Options given, or the defaults. The
// empty query is valid and matches every record. Every error is a *SyntaxError.
func Parse(src string, opts ...Options) (*Query, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Logical == nil {
		o.Logical = DefaultLogical()
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.TimeFields == nil {
		o.TimeFields = DefaultTimeFields()
	}
	if o.TypeField == "" {
		o.TypeField = "event_type"
	}

	a, err := parse(src)
	if err != nil {
		return nil, err
	}
	q := &Query{ast: *a, typeField: o.TypeField}
	if a.where != nil {
		c := &compiler{logical: lowerKeys(o.Logical), aliases: o.Aliases}
		if q.where, err = c.compile(a.where); err != nil {
			return nil, err
		}
	}
	for _, p := range a.pipes {
		q.stages = append(q.stages, newStage(p, o.Aliases))
	}
	for _, f := range o.TimeFields {
		q.timePaths = append(q.timePaths, newPath(f))
	}
	q.earliest, q.latest = q.Window(o.Now)
	if !q.earliest.IsZero() && !q.latest.IsZero() && q.earliest.After(q.latest) {
		at := a.earliest.Pos
		return nil, &SyntaxError{Line: at.Line, Col: at.Col, Msg: fmt.Sprintf(
			"EARLIEST (%s) is after LATEST (%s); swap them", q.earliest.Format(time.RFC3339),
			q.latest.Format(time.RFC3339))}
	}
	return q, nil
}

func lowerKeys(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[strings.ToLower(strings.TrimPrefix(k, "@"))] = v
	}
	return out
}

// From returns the FROM types in lower case, in the order written; nil without FROM.
func (q *Query) From() []string { return append([]string(nil), q.ast.from...) }

// Where returns the parsed WHERE condition, or nil when the query has none.
func (q *Query) Where() Expr { return q.ast.where }

// Earliest returns the EARLIEST setting, or nil when the query has none.
func (q *Query) Earliest() *TimeSpec { return q.ast.earliest }

// Latest returns the LATEST setting, or nil when the query has none.
func (q *Query) Latest() *TimeSpec { return q.ast.latest }

// Stages returns the pipe stages in order.
func (q *Query) Stages() []Pipe { return append([]Pipe(nil), q.ast.pipes...) }

// Aggregated reports whether the query has an aggregate stage, so its results are counts
// rather than records.
func (q *Query) Aggregated() bool {
	for _, p := range q.ast.pipes {
		if p.Kind == PipeAggregate {
			return true
		}
	}
	return false
}

// Window resolves EARLIEST and LATEST against now and returns the absolute window, in
// UTC. A side the query leaves open is the zero time: callers apply their own default
// (the Taegis event search, for one, defaults EARLIEST to -1d).
func (q *Query) Window(now time.Time) (earliest, latest time.Time) {
	if q.ast.earliest != nil {
		earliest = q.ast.earliest.Resolve(now)
	}
	if q.ast.latest != nil {
		latest = q.ast.latest.Resolve(now)
	}
	return earliest, latest
}

// Match reports whether rec passes the query's filters: its type is one of the FROM types
// (records without the type field pass), its time is within the window resolved at Parse
// (inclusive at both ends; records without a time field pass), and it meets the WHERE
// conditions. Pipes do not apply. Match does not modify rec.
func (q *Query) Match(rec map[string]any) bool {
	if len(q.ast.from) > 0 && !q.matchType(rec) {
		return false
	}
	if !(q.earliest.IsZero() && q.latest.IsZero()) && !q.matchTime(rec) {
		return false
	}
	return q.where == nil || q.where(rec)
}

func (q *Query) matchType(rec map[string]any) bool {
	t, ok := rec[q.typeField].(string)
	if !ok {
		return true
	}
	for _, f := range q.ast.from {
		if strings.EqualFold(t, f) {
			return true
		}
	}
	return false
}

func (q *Query) matchTime(rec map[string]any) bool {
	for i := range q.timePaths {
		var t time.Time
		found := q.timePaths[i].walk(rec, 0, func(v any) bool {
			var ok bool
			t, ok = timeOf(v)
			return ok
		})
		if !found {
			continue
		}
		if !q.earliest.IsZero() && t.Before(q.earliest) {
			return false
		}
		return q.latest.IsZero() || !t.After(q.latest)
	}
	return true
}

// Run filters records with Match and applies the pipe stages in order. It returns a new
// slice and leaves records and their maps unchanged; aggregate stages return new rows of
// the group-by fields (keyed by the paths as written) and "count" (int64).
func (q *Query) Run(records []map[string]any) []map[string]any {
	rows := make([]map[string]any, 0, len(records)/4)
	for _, r := range records {
		if q.Match(r) {
			rows = append(rows, r)
		}
	}
	for i := range q.stages {
		rows = q.stages[i].run(rows)
	}
	return rows
}

// Fields returns every field the query names, in the WHERE conditions and in the pipes, as
// written (logical fields keep their '@'), each once, in order of first appearance.
func (q *Query) Fields() []string {
	var out []string
	seen := map[string]bool{}
	add := func(f Field) {
		if !seen[f.Path] {
			seen[f.Path] = true
			out = append(out, f.Path)
		}
	}
	var visit func(Expr)
	visit = func(e Expr) {
		switch x := e.(type) {
		case *Chain:
			for _, a := range x.Args {
				visit(a)
			}
		case *Not:
			visit(x.X)
		case *Compare:
			add(x.Field)
		case *IsNull:
			add(x.Field)
		}
	}
	if q.ast.where != nil {
		visit(q.ast.where)
	}
	for _, p := range q.ast.pipes {
		for _, k := range p.Keys {
			add(k.Field)
		}
		for _, f := range p.By {
			add(f)
		}
	}
	return out
}

// String returns the query as normalised CQL: keywords in upper case, clauses in the
// order FROM, WHERE, EARLIEST, LATEST, pipes; strings single-quoted (e'…' when they hold
// a quote or a control character); parentheses only where precedence needs them. Parsing
// the result gives a query with the same String. A query without FROM writes its
// conditions without WHERE, as investigation and rule searches do.
func (q *Query) String() string {
	var parts []string
	if len(q.ast.from) > 0 {
		parts = append(parts, "FROM "+strings.Join(q.ast.from, ", "))
	}
	if q.ast.where != nil {
		if len(q.ast.from) > 0 {
			parts = append(parts, "WHERE "+q.ast.where.String())
		} else {
			parts = append(parts, q.ast.where.String())
		}
	}
	if q.ast.earliest != nil {
		parts = append(parts, "EARLIEST="+q.ast.earliest.String())
	}
	if q.ast.latest != nil {
		parts = append(parts, "LATEST="+q.ast.latest.String())
	}
	for _, p := range q.ast.pipes {
		parts = append(parts, "| "+p.String())
	}
	return strings.Join(parts, " ")
}

// Keywords returns the CQL keywords, upper case, for completion.
func Keywords() []string { return append([]string(nil), keywords...) }

// Operators returns the comparison operators as CQL writes them, for completion.
func Operators() []string {
	return []string{
		string(OpEq), string(OpNe), string(OpLt), string(OpLe), string(OpGt), string(OpGe),
		string(OpContains), string(OpRegex), string(OpNotRegex), string(OpIn), string(OpNotIn),
		"IS NULL", "IS NOT NULL",
	}
}

// Pipes returns the pipe stage names, for completion.
func Pipes() []string { return append([]string(nil), pipeNames...) }

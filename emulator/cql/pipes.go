package cql

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

var pipeNames = []string{string(PipeAggregate), string(PipeHead), string(PipeSort),
	string(PipeTail)}

// parsePipe reads one stage; the current token is the '|'.
func (p *parser) parsePipe() (Pipe, error) {
	bar := p.tok.pos
	if err := p.advance(); err != nil {
		return Pipe{}, err
	}
	if p.tok.kind != tokIdent {
		return Pipe{}, p.errorf(p.tok.pos, "expected a pipe name after '|' (got %s); pipes: %s",
			p.tok.describe(), strings.Join(pipeNames, ", "))
	}
	pipe := Pipe{Kind: PipeKind(strings.ToLower(p.tok.text)), Pos: p.tok.pos}
	name := p.tok
	if err := p.advance(); err != nil {
		return Pipe{}, err
	}

	var err error
	switch pipe.Kind {
	case PipeHead, PipeTail:
		pipe.N, err = p.parseRowCount(pipe.Kind)
	case PipeSort:
		pipe.Keys, err = p.parseSortKeys()
	case PipeAggregate:
		pipe.By, err = p.parseAggregate()
	default:
		return Pipe{}, p.errorf(name.pos, "unknown pipe %s; pipes: %s", name.describe(),
			strings.Join(pipeNames, ", "))
	}
	if err != nil {
		return Pipe{}, err
	}
	if p.tok.kind != tokPipe && p.tok.kind != tokEOF {
		return Pipe{}, p.errorf(p.tok.pos, "expected '|' or end of query after the %s stage "+
			"that starts at line %d, column %d (got %s)", pipe.Kind, bar.Line, bar.Col,
			p.tok.describe())
	}
	return pipe, nil
}

func (p *parser) parseRowCount(kind PipeKind) (int, error) {
	t := p.tok
	n, err := strconv.Atoi(t.text)
	if t.kind != tokNumber || err != nil || n < 0 {
		return 0, p.errorf(t.pos, "expected a row count after '%s', e.g. %s 10 (got %s)", kind,
			kind, t.describe())
	}
	return n, p.advance()
}

func (p *parser) pipeField(stage string) (Field, error) {
	t := p.tok
	if t.kind != tokIdent || isKeyword(t.text) {
		return Field{}, p.errorf(t.pos, "expected a field name in %s (got %s)", stage,
			t.describe())
	}
	f := Field{Path: t.text, Pos: t.pos}
	if f.Logical() {
		return Field{}, p.errorf(t.pos, "%s takes record fields, not logical field %s", stage,
			t.text)
	}
	if err := checkPath(f); err != nil {
		return Field{}, p.errorf(t.pos, "%s", err.Error())
	}
	return f, p.advance()
}

// parseSortKeys reads "-a, b" or "a desc, b asc".
func (p *parser) parseSortKeys() ([]SortKey, error) {
	var keys []SortKey
	for {
		k := SortKey{}
		if p.tok.kind == tokMinus {
			k.Desc = true
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		f, err := p.pipeField("sort")
		if err != nil {
			return nil, err
		}
		k.Field = f
		if p.tok.kind == tokIdent {
			dir := strings.ToLower(p.tok.text)
			if dir == "asc" || dir == "desc" {
				if k.Desc && dir == "asc" {
					return nil, p.errorf(p.tok.pos, "sort key -%s cannot also be asc; drop "+
						"the '-' or the asc", f.Path)
				}
				k.Desc = dir == "desc"
				if err := p.advance(); err != nil {
					return nil, err
				}
			}
		}
		keys = append(keys, k)
		if p.tok.kind != tokComma {
			return keys, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
}

// parseAggregate reads "count" or "count by a, b".
func (p *parser) parseAggregate() ([]Field, error) {
	if p.tok.kind != tokIdent || !strings.EqualFold(p.tok.text, "count") {
		return nil, p.errorf(p.tok.pos, "expected an aggregate function after 'aggregate' "+
			"(got %s); supported: count, e.g. aggregate count by host_id", p.tok.describe())
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tokIdent || !strings.EqualFold(p.tok.text, "by") {
		return nil, nil
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var by []Field
	for {
		f, err := p.pipeField("aggregate")
		if err != nil {
			return nil, err
		}
		by = append(by, f)
		if p.tok.kind != tokComma {
			return by, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
}

// stage is a pipe ready to run.
type stage struct {
	Pipe
	// paths holds, per sort key or group-by field, the record paths it reads: the field
	// itself, or the targets of its alias.
	paths [][]path
}

func newStage(pp Pipe, aliases map[string][]string) stage {
	s := stage{Pipe: pp}
	add := func(f Field) {
		names, ok := aliases[f.Path]
		if !ok {
			names = []string{f.Path}
		}
		ps := make([]path, len(names))
		for i, n := range names {
			ps[i] = newPath(n)
		}
		s.paths = append(s.paths, ps)
	}
	for _, k := range pp.Keys {
		add(k.Field)
	}
	for _, f := range pp.By {
		add(f)
	}
	return s
}

// run applies the stage to rows, which it may reorder in place.
func (s *stage) run(rows []map[string]any) []map[string]any {
	switch s.Kind {
	case PipeHead:
		return rows[:min(s.N, len(rows))]
	case PipeTail:
		return rows[len(rows)-min(s.N, len(rows)):]
	case PipeSort:
		return s.sort(rows)
	}
	return s.aggregate(rows)
}

// first returns the first non-null value the paths reach in rec, or nil.
func first(paths []path, rec map[string]any) any {
	var got any
	found := func(v any) bool {
		if v == nil {
			return false
		}
		got = v
		return true
	}
	for i := range paths {
		if paths[i].walk(rec, 0, found) {
			return got
		}
	}
	return nil
}

func (s *stage) sort(rows []map[string]any) []map[string]any {
	// The keys are read once per row, into one flat slice: row i's keys start at i*n.
	n := len(s.paths)
	keys := make([]any, len(rows)*n)
	for i, r := range rows {
		for j := range s.paths {
			keys[i*n+j] = sortKey(first(s.paths[j], r))
		}
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := keys[idx[a]*n:], keys[idx[b]*n:]
		for j, k := range s.Keys {
			c, nulls := compareValues(ka[j], kb[j])
			if c == 0 {
				continue
			}
			if k.Desc && !nulls {
				c = -c
			}
			return c < 0
		}
		return false
	})
	out := make([]map[string]any, len(rows))
	for i, j := range idx {
		out[i] = rows[j]
	}
	return out
}

// compareValues orders two sort keys: numbers (numeric strings and {seconds} timestamps
// too) numerically, times (epoch numbers against them) chronologically, text
// case-insensitively, false before true; numbers before text before
// booleans before anything else. nulls reports that the order came from a null, which
// sorts last in both directions.
func compareValues(a, b any) (c int, nulls bool) {
	switch {
	case a == nil && b == nil:
		return 0, true
	case a == nil:
		return 1, true
	case b == nil:
		return -1, true
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return cmpFloat(float64(ra), float64(rb)), false
	}
	switch ra {
	case 0:
		_, ta := a.(time.Time)
		_, tb := b.(time.Time)
		if ta || tb {
			return keyTime(a).Compare(keyTime(b)), false
		}
		fa, _ := sortNumber(a)
		fb, _ := sortNumber(b)
		return cmpFloat(fa, fb), false
	case 1:
		as, bs := a.(string), b.(string)
		if c := compareFold(as, strings.ToLower(bs)); c != 0 {
			return c, false
		}
		return strings.Compare(as, bs), false
	case 2:
		ab, bb := a.(bool), b.(bool)
		switch {
		case ab == bb:
			return 0, false
		case bb:
			return -1, false
		}
		return 1, false
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)), false
}

// sortNumber reads a sort key as a number: numbers, numeric strings and {seconds}
// timestamps.
func sortNumber(v any) (float64, bool) {
	if f, ok := number(v); ok {
		return f, true
	}
	return seconds(v)
}

// sortKey prepares a sort key once per row: text that reads as an absolute time becomes
// a time.Time, so RFC 3339 text and epoch numbers in one field sort together.
func sortKey(v any) any {
	if s, ok := v.(string); ok {
		if t, ok := parseAbsolute(s); ok {
			return t
		}
	}
	return v
}

// keyTime reads a time-ordered sort key: a time.Time, an epoch number or {seconds}.
func keyTime(v any) time.Time {
	if t, ok := v.(time.Time); ok {
		return t
	}
	t, _ := timeOf(v)
	return t
}

func rank(v any) int {
	if _, ok := v.(time.Time); ok {
		return 0
	}
	if _, ok := sortNumber(v); ok {
		return 0
	}
	switch v.(type) {
	case string:
		return 1
	case bool:
		return 2
	}
	return 3
}

// group is one output row of an aggregate and its count.
type group struct {
	values []any
	count  int64
}

// aggregate counts rows per distinct combination of the group-by values. A field with
// several values (an array) counts the row once for each; a missing field groups as null.
// Groups come out by count, highest first, ties in order of first appearance.
func (s *stage) aggregate(rows []map[string]any) []map[string]any {
	if len(s.By) == 0 && len(rows) == 0 {
		return []map[string]any{{"count": int64(0)}}
	}
	index := map[string]*group{}
	var order []*group
	var combo []any
	var key strings.Builder
	for _, r := range rows {
		values := make([][]any, len(s.paths))
		for j := range s.paths {
			values[j] = all(s.paths[j], r)
		}
		forEachCombination(values, &combo, func(c []any) {
			key.Reset()
			for _, v := range c {
				writeKey(&key, v)
			}
			g, ok := index[key.String()]
			if !ok {
				g = &group{values: append([]any(nil), c...)}
				index[key.String()] = g
				order = append(order, g)
			}
			g.count++
		})
	}
	sort.SliceStable(order, func(a, b int) bool { return order[a].count > order[b].count })

	out := make([]map[string]any, len(order))
	for i, g := range order {
		row := make(map[string]any, len(s.By)+1)
		for j, f := range s.By {
			row[f.Path] = g.values[j]
		}
		row["count"] = g.count
		out[i] = row
	}
	return out
}

// all returns every non-null value the paths reach in rec, or [nil] when there is none.
func all(paths []path, rec map[string]any) []any {
	var got []any
	collect := func(v any) bool {
		if v != nil {
			got = append(got, v)
		}
		return false
	}
	for i := range paths {
		paths[i].walk(rec, 0, collect)
	}
	if len(got) == 0 {
		return []any{nil}
	}
	return got
}

func forEachCombination(values [][]any, combo *[]any, f func([]any)) {
	*combo = (*combo)[:0]
	var rec func(i int)
	rec = func(i int) {
		if i == len(values) {
			f(*combo)
			return
		}
		for _, v := range values[i] {
			*combo = append(*combo, v)
			rec(i + 1)
			*combo = (*combo)[:i]
		}
	}
	rec(0)
}

// writeKey appends a type-tagged encoding of v, so 1 and "1" stay distinct groups.
func writeKey(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("n")
	case string:
		b.WriteString("s")
		b.WriteString(strconv.Itoa(len(x)))
		b.WriteByte(':')
		b.WriteString(x)
	case bool:
		b.WriteString("b")
		b.WriteString(strconv.FormatBool(x))
	default:
		if f, ok := number(v); ok {
			b.WriteString("f")
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		} else {
			s := fmt.Sprintf("%v", v)
			b.WriteString("o")
			b.WriteString(strconv.Itoa(len(s)))
			b.WriteByte(':')
			b.WriteString(s)
		}
	}
	b.WriteByte(';')
}

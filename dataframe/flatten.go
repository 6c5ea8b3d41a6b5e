package dataframe

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Option changes how records are flattened.
type Option func(*config)

type config struct {
	maxLevel int
	sep      string
}

func defaultConfig() config { return config{maxLevel: 3, sep: "."} }

// MaxLevel sets how many levels of nested objects are flattened into columns, as pandas'
// json_normalize max_level does: 0 keeps every object a value, the default 3 makes columns
// such as "a.b.c.d" and keeps an object found below that as its JSON text. Negative values
// count as 0.
func MaxLevel(n int) Option {
	return func(c *config) { c.maxLevel = max(n, 0) }
}

// Separator sets the text joining the keys of nested objects in column names; the default is
// ".". An empty separator is allowed, as in pandas.
func Separator(sep string) Option {
	return func(c *config) { c.sep = sep }
}

// slot is what the flattener knows of one flattened key: its column, once it has one, and the
// last record that used it, to find keys that collide within one record.
type slot struct {
	name  string
	col   int
	stamp int
	next  *slot // the slot that followed this one last time: records tend to repeat a shape
}

// entry is one flattened cell of the record being read, before it is added to its column.
type entry struct {
	slot  *slot
	code  uint8
	esc   bool
	inBuf bool // the text is buf[a:b]; else arena[a:b]
	a, b  int
	num   uint64
}

// errCollision says that a record's flattened keys collide, so that the exact, slower
// simulation of pandas must read it.
var errCollision = errors.New("flattened keys collide")

// flattener reads records from JSON text straight into columns.
type flattener struct {
	s     scanner
	cfg   config
	sep   []byte
	t     *Table
	slots map[string]*slot
	rec   int // counts attempts at reading a record, to stamp slots
	count int // records read
	size  int // the input's size when known, else 0

	first *slot // before the first key of a record
	last  *slot // the slot used last in this record
	// capHint is the row count expected from the size of the first record, the capacity
	// given to the columns that record makes.
	capHint int

	path   []byte
	top    []entry
	nested []entry
	arena  []byte
	text   []byte
}

func newFlattener(s scanner, size int, cfg config) *flattener {
	return &flattener{
		s:     s,
		size:  size,
		cfg:   cfg,
		sep:   []byte(cfg.sep),
		t:     &Table{},
		slots: make(map[string]*slot),
		first: &slot{},
	}
}

// readAll reads every record: the input is one record object, an array of record objects, or
// several of either one after the other (JSON lines).
func (f *flattener) readAll() error {
	s := &f.s
	seen := false
	for {
		switch c := f.peekTop(); c {
		case 0:
			if s.pos < len(s.buf) {
				// peek answers 0 at the end of input; a byte is left, so it is a NUL.
				return s.syntaxError("unexpected NUL byte between records")
			}
			if s.readErr != nil {
				return fmt.Errorf("read records: %w", s.readErr)
			}
			if !seen {
				return errors.New("no records: the input is empty; " +
					"give a JSON array of record objects, or one record object")
			}
			return nil
		case '{':
			if err := f.record(); err != nil {
				return err
			}
		case '[':
			s.pos++
			if f.peekTop() == ']' {
				s.pos++
				break
			}
			for {
				if f.peekTop() != '{' {
					return f.notRecord()
				}
				if err := f.record(); err != nil {
					return err
				}
				if f.peekTop() == ',' {
					s.pos++
					continue
				}
				if err := s.expect(']', `"," or "]" after a record`); err != nil {
					return err
				}
				break
			}
		default:
			return f.notRecord()
		}
		seen = true
	}
}

// peekTop returns the next byte between records, reading more input when the buffer is
// used up; 0 means the end of the input.
func (f *flattener) peekTop() byte {
	for {
		c := f.s.peek()
		if c != 0 || !f.s.more(f.s.pos) {
			return c
		}
	}
}

func (f *flattener) notRecord() error {
	if f.s.readErr != nil {
		return fmt.Errorf("read records: %w", f.s.readErr)
	}
	what := "a value that is not an object"
	switch f.s.peek() {
	case '"':
		what = "a string"
	case '[':
		what = "an array"
	case 'n':
		what = "null"
	case 't', 'f':
		what = "a boolean"
	case 0:
		return f.s.syntaxError("expected a record object")
	default:
		if c := f.s.peek(); c == '-' || '0' <= c && c <= '9' {
			what = "a number"
		}
	}
	return fmt.Errorf("record %d at byte %d is %s; every record must be a JSON object",
		f.count+1, f.s.base+f.s.pos, what)
}

// record reads one record object and adds it as a row.
func (f *flattener) record() error {
	f.count++
	start := f.s.pos
	for {
		err := f.recordOnce(start)
		if err != nil && f.s.more(start) {
			// The record may run past the buffer: read it again with more input.
			start = 0
			continue
		}
		if f.s.readErr != nil {
			return fmt.Errorf("read records: %w", f.s.readErr)
		}
		if err != nil {
			return fmt.Errorf("record %d: %w", f.count, err)
		}
		break
	}
	if f.count == 1 && f.size > 0 {
		if size := f.s.pos - start; size > 0 {
			f.capHint = min(f.size/size+1, f.size/16+1)
		}
	}
	f.commit()
	f.capHint = 0
	return nil
}

// recordOnce reads the record at start, by the fast path or, when its keys collide, exactly.
func (f *flattener) recordOnce(start int) error {
	f.rec++
	f.s.pos = start
	f.path, f.top, f.nested, f.arena = f.path[:0], f.top[:0], f.nested[:0], f.arena[:0]
	f.last = f.first
	err := f.object(0)
	if errors.Is(err, errCollision) {
		f.s.pos = start
		f.top, f.nested, f.arena = f.top[:0], f.nested[:0], f.arena[:0]
		err = f.exactRecord()
	}
	return err
}

// object reads the object at the scanner, whose keys are at the given level. It follows
// pandas' nested_to_record: at level 0 plain values keep their place and flattened objects
// follow them; below, keys keep their order.
func (f *flattener) object(level int) error {
	s := &f.s
	s.pos++ // '{'
	if s.peek() == '}' {
		s.pos++
		return nil
	}
	base := len(f.path)
	for {
		ks, ke, kesc, err := s.stringSpan()
		if err != nil {
			return err
		}
		f.path = f.path[:base]
		if level > 0 {
			f.path = append(f.path, f.sep...)
		}
		keyStart := len(f.path)
		if kesc {
			f.path = appendUnescaped(f.path, s.buf[ks:ke])
		} else {
			f.path = append(f.path, s.buf[ks:ke]...)
		}
		if err := s.expect(':', `":" after an object key`); err != nil {
			return err
		}
		if level > 0 && f.sepInKey(f.path[keyStart:]) {
			// pandas renames keys in place inside nested objects, so such a key may meet a
			// renamed sibling ({"x": 1, "b.x": 2} inside "b"): read the record exactly.
			return errCollision
		}
		sl, err := f.use()
		if err != nil {
			return err
		}
		if s.peek() == '{' && level < f.cfg.maxLevel {
			if err := f.object(level + 1); err != nil {
				return err
			}
		} else {
			e, err := f.leaf()
			if err != nil {
				return err
			}
			e.slot = sl
			if level == 0 {
				f.top = append(f.top, e)
			} else {
				f.nested = append(f.nested, e)
			}
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			f.path = f.path[:base]
			return nil
		default:
			return s.syntaxError(`expected "," or "}" in an object`)
		}
	}
}

// sepInKey reports whether a raw key may equal a renamed key: it holds the separator, or the
// separator is empty.
func (f *flattener) sepInKey(key []byte) bool {
	return len(f.sep) == 0 || bytes.Contains(key, f.sep)
}

// use finds the slot of the current path and marks it used by this record; a second use in
// the same record is a collision (a duplicate key, or a dotted key meeting a flattened one).
func (f *flattener) use() (*slot, error) {
	sl := f.last.next
	if sl == nil || sl.name != string(f.path) {
		var ok bool
		if sl, ok = f.slots[string(f.path)]; !ok {
			sl = &slot{name: string(f.path), col: -1}
			f.slots[sl.name] = sl
		}
		f.last.next = sl
	}
	f.last = sl
	if sl.stamp == f.rec {
		return nil, errCollision
	}
	sl.stamp = f.rec
	return sl, nil
}

// leaf reads one value that becomes a cell.
func (f *flattener) leaf() (entry, error) {
	s := &f.s
	switch c := s.peek(); {
	case c == '"':
		a, b, esc, err := s.stringSpan()
		return entry{code: cString, inBuf: true, a: a, b: b, esc: esc}, err
	case c == '-' || '0' <= c && c <= '9':
		a, b, integral, err := s.numberSpan()
		if err != nil {
			return entry{}, err
		}
		return numberEntry(s.buf, a, b, integral), nil
	case c == 't':
		return entry{code: cTrue}, s.literal("true")
	case c == 'f':
		return entry{code: cFalse}, s.literal("false")
	case c == 'n':
		return entry{code: cNull}, s.literal("null")
	case c == '[' || c == '{':
		a := len(f.arena)
		var err error
		f.arena, err = s.appendCanonical(f.arena, 0)
		if errors.Is(err, errDuplicateKey) {
			err = errCollision // the exact reading resolves the key as Python does
		}
		return entry{code: cJSON, a: a, b: len(f.arena)}, err
	default:
		return entry{}, s.syntaxError("expected a value")
	}
}

// numberEntry types a number literal as Python's json module does: integer literals are ints
// (kept as text beyond int64), the rest floats.
func numberEntry(buf []byte, a, b int, integral bool) entry {
	lit := buf[a:b]
	if integral {
		if i, err := strconv.ParseInt(string(lit), 10, 64); err == nil {
			return entry{code: cInt, num: uint64(i)}
		}
		return entry{code: cBig, inBuf: true, a: a, b: b}
	}
	v, _ := strconv.ParseFloat(string(lit), 64) // out of range gives ±Inf or 0, as in Python
	return entry{code: cFloat, num: math.Float64bits(v)}
}

// commit adds the record's cells as a new row: top-level cells first, then flattened ones.
func (f *flattener) commit() {
	row := f.t.rows
	for _, list := range [2][]entry{f.top, f.nested} {
		for i := range list {
			e := &list[i]
			sl := e.slot
			if sl.col < 0 {
				sl.col = len(f.t.cols)
				c := &column{name: sl.name}
				if f.capHint > 0 {
					c.codes = make([]uint8, 0, f.capHint)
				}
				f.t.cols = append(f.t.cols, c)
			}
			c := f.t.cols[sl.col]
			switch e.code {
			case cString:
				if e.esc {
					f.text = appendUnescaped(f.text[:0], f.s.buf[e.a:e.b])
					c.addText(row, cString, f.text)
				} else {
					c.addText(row, cString, f.s.buf[e.a:e.b])
				}
			case cJSON:
				c.addText(row, cJSON, f.arena[e.a:e.b])
			case cBig:
				c.addText(row, cBig, f.s.buf[e.a:e.b])
			default:
				c.add(row, e.code, e.num, "")
			}
		}
	}
	f.t.rows++
}

// finish drops the columns that hold no value, as dropna(how="all", axis=1) does, and returns
// the table.
func (f *flattener) finish() *Table {
	t := f.t
	kept := t.cols[:0]
	for _, c := range t.cols {
		if c.nonNull() == 0 {
			continue
		}
		c.pad(t.rows)
		c.intern = nil
		kept = append(kept, c)
	}
	t.cols = kept
	t.index = make(map[string]int, len(kept))
	for i, c := range kept {
		t.index[c.name] = i
	}
	return t
}

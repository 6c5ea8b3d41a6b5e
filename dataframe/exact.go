package dataframe

import (
	"math"
	"strconv"
)

// This file reads the rare record whose flattened keys collide (a key repeated in one object,
// or a dotted key such as "host.name" next to a flattened {"host": {"name": ...}}). Such a
// record is built as a tree of insertion-ordered dictionaries with Python's semantics, and
// pandas' nested_to_record is replayed on it step by step, so the surviving keys, their order
// and their values are the ones pandas gives.

// node is one JSON value of a record read exactly.
type node struct {
	code  uint8 // a cell code, or nodeObject
	esc   bool
	a, b  int // span in the scanner's buffer: string contents or number literal
	num   uint64
	obj   *odict
	array bool
	items []*node
}

const nodeObject uint8 = 255

// odict is an insertion-ordered dictionary with Python's dict semantics: setting an existing
// key keeps its place, popping removes it.
type odict struct {
	keys []string
	vals []*node
	live []bool
	idx  map[string]int
}

func newODict(n int) *odict { return &odict{idx: make(map[string]int, n)} }

func (d *odict) set(k string, v *node) {
	if i, ok := d.idx[k]; ok {
		d.vals[i] = v
		return
	}
	d.idx[k] = len(d.keys)
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
	d.live = append(d.live, true)
}

func (d *odict) pop(k string) (*node, bool) {
	i, ok := d.idx[k]
	if !ok {
		return nil, false
	}
	delete(d.idx, k)
	d.live[i] = false
	return d.vals[i], true
}

func (d *odict) clone() *odict {
	c := newODict(len(d.idx))
	for i, k := range d.keys {
		if d.live[i] {
			c.set(k, d.vals[i])
		}
	}
	return c
}

// each calls fn for the live entries in order.
func (d *odict) each(fn func(k string, v *node)) {
	for i, k := range d.keys {
		if d.live[i] {
			fn(k, d.vals[i])
		}
	}
}

// exactRecord reads the record at the scanner exactly and queues its cells in f.top.
func (f *flattener) exactRecord() error {
	root, err := f.tree(0)
	if err != nil {
		return err
	}
	flat := f.nestedToRecord(root.obj, "", 0)
	var firstErr error
	flat.each(func(k string, v *node) {
		if firstErr != nil {
			return
		}
		e, err := f.nodeEntry(v)
		if err != nil {
			firstErr = err
			return
		}
		sl, ok := f.slots[k]
		if !ok {
			sl = &slot{name: k, col: -1}
			f.slots[k] = sl
		}
		sl.stamp = f.rec
		e.slot = sl
		f.top = append(f.top, e)
	})
	return firstErr
}

// tree reads one value; objects become odicts, arrays stay raw spans.
func (f *flattener) tree(depth int) (*node, error) {
	s := &f.s
	if depth > maxDepth {
		return nil, s.syntaxError("nested too deeply")
	}
	switch c := s.peek(); {
	case c == '{':
		s.pos++
		d := newODict(8)
		n := &node{code: nodeObject, obj: d}
		if s.peek() == '}' {
			s.pos++
			return n, nil
		}
		for {
			ks, ke, kesc, err := s.stringSpan()
			if err != nil {
				return nil, err
			}
			key := string(s.buf[ks:ke])
			if kesc {
				key = string(appendUnescaped(nil, s.buf[ks:ke]))
			}
			if err := s.expect(':', `":" after an object key`); err != nil {
				return nil, err
			}
			v, err := f.tree(depth + 1)
			if err != nil {
				return nil, err
			}
			d.set(key, v)
			switch s.peek() {
			case ',':
				s.pos++
			case '}':
				s.pos++
				return n, nil
			default:
				return nil, s.syntaxError(`expected "," or "}" in an object`)
			}
		}
	case c == '[':
		s.pos++
		n := &node{code: cJSON, array: true}
		if s.peek() == ']' {
			s.pos++
			return n, nil
		}
		for {
			v, err := f.tree(depth + 1)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, v)
			switch s.peek() {
			case ',':
				s.pos++
			case ']':
				s.pos++
				return n, nil
			default:
				return nil, s.syntaxError(`expected "," or "]" in an array`)
			}
		}
	default:
		e, err := f.leaf()
		if err != nil {
			return nil, err
		}
		return &node{code: e.code, esc: e.esc, a: e.a, b: e.b, num: e.num}, nil
	}
}

// nestedToRecord replays pandas' nested_to_record on one dictionary.
func (f *flattener) nestedToRecord(d *odict, prefix string, level int) *odict {
	out := d.clone()
	d.each(func(k string, v *node) {
		newKey := k
		if level != 0 {
			newKey = prefix + f.cfg.sep + k
		}
		if v.code != nodeObject || level >= f.cfg.maxLevel {
			if level != 0 {
				if pv, ok := out.pop(k); ok {
					out.set(newKey, pv)
				}
			}
			return
		}
		pv, ok := out.pop(k)
		if !ok {
			return
		}
		if pv.code != nodeObject {
			// An earlier key's flattening overwrote this one with a plain value; pandas
			// fails on such a record, we keep the value.
			out.set(newKey, pv)
			return
		}
		f.nestedToRecord(pv.obj, newKey, level+1).each(out.set)
	})
	return out
}

// nodeEntry turns a flattened value into a cell; objects and arrays become JSON text in the
// arena.
func (f *flattener) nodeEntry(v *node) (entry, error) {
	if v.code == nodeObject || v.array {
		a := len(f.arena)
		f.arena = f.appendNode(f.arena, v)
		return entry{code: cJSON, a: a, b: len(f.arena)}, nil
	}
	return entry{code: v.code, esc: v.esc, inBuf: true, a: v.a, b: v.b, num: v.num}, nil
}

// appendNode appends a value as canonical JSON; objects show their keys after Python's
// de-duplication.
func (f *flattener) appendNode(dst []byte, v *node) []byte {
	switch {
	case v.code == nodeObject:
		dst = append(dst, '{')
		first := true
		v.obj.each(func(k string, c *node) {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendPyQuoted(dst, k)
			dst = append(dst, ':')
			dst = f.appendNode(dst, c)
		})
		return append(dst, '}')
	case v.array:
		dst = append(dst, '[')
		for i, c := range v.items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = f.appendNode(dst, c)
		}
		return append(dst, ']')
	}
	switch v.code {
	case cNull:
		return append(dst, "null"...)
	case cTrue:
		return append(dst, "true"...)
	case cFalse:
		return append(dst, "false"...)
	case cString:
		return appendPyString(dst, f.s.buf[v.a:v.b], v.esc)
	case cInt:
		return strconv.AppendInt(dst, int64(v.num), 10)
	case cFloat:
		return appendPyFloat(dst, math.Float64frombits(v.num))
	default: // cBig
		return append(dst, f.s.buf[v.a:v.b]...)
	}
}

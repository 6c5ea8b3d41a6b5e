package dataframe

import (
	"math"
	"strconv"
)

// Kind is the kind of one cell of a Table.
type Kind uint8

// The kinds of cell. A JSON cell holds a list, or an object nested deeper than the flattening
// goes, as compact JSON text; a BigInt cell holds an integer outside int64 as its decimal text.
const (
	Null Kind = iota
	Bool
	Int
	Float
	String
	JSON
	BigInt
)

var kindNames = [...]string{"null", "bool", "int", "float", "string", "json", "bigint"}

// String returns the kind's lower-case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// cell codes as stored; booleans carry their value in the code so they need no payload.
const (
	cNull uint8 = iota
	cFalse
	cTrue
	cInt
	cFloat
	cString
	cJSON
	cBig
)

// Value is one cell of a Table. Its zero value is a missing value.
type Value struct {
	kind Kind
	num  uint64
	str  string
}

// Kind says what the cell holds.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether the cell is missing (null in the record, or no such key).
func (v Value) IsNull() bool { return v.kind == Null }

// Bool returns a Bool cell's value; false for other kinds.
func (v Value) Bool() bool { return v.kind == Bool && v.num != 0 }

// Int returns an Int cell's value; 0 for other kinds.
func (v Value) Int() int64 {
	if v.kind != Int {
		return 0
	}
	return int64(v.num)
}

// Float returns the value of an Int or Float cell as a float64, and NaN for other kinds.
func (v Value) Float() float64 {
	switch v.kind {
	case Int:
		return float64(int64(v.num))
	case Float:
		return math.Float64frombits(v.num)
	}
	return math.NaN()
}

// Text returns the text of a String cell, the JSON text of a JSON cell and the digits of a
// BigInt cell; "" for other kinds.
func (v Value) Text() string { return v.str }

// String returns the cell as a hunter reads it: strings as they are, numbers as Python prints
// them, booleans as true and false, lists and objects as JSON, and NaN for a missing value.
func (v Value) String() string {
	switch v.kind {
	case Null:
		return "NaN"
	case Bool:
		if v.num != 0 {
			return "true"
		}
		return "false"
	case Int:
		return strconv.FormatInt(int64(v.num), 10)
	case Float:
		return string(appendPyFloat(nil, math.Float64frombits(v.num)))
	}
	return v.str
}

// Type is the type of a whole column, chosen as pandas chooses its dtype: Int for integers
// only (int64), Float for numbers with a float or a missing value among them (float64), Bool
// for booleans only, with or without missing values (pandas: bool, or object when one is
// missing), and String for everything else (pandas: object).
type Type uint8

// The column types.
const (
	TypeString Type = iota
	TypeInt
	TypeFloat
	TypeBool
)

var typeNames = [...]string{"string", "int", "float", "bool"}

// String returns the type's lower-case name.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// column is one column in columnar form: a code per row and, only once needed, a numeric and a
// text payload per row.
type column struct {
	name  string
	codes []uint8
	num   []uint64
	str   []string

	nBool, nNum, nFloat, nText int

	// intern shares the text of repeated values (tenant ids, severities) while the column has
	// few distinct values; it is dropped once the column shows it has many.
	intern map[string]string
}

// internLimit is how many distinct values a column may have before it stops interning.
const internLimit = 512

func (c *column) rows() int { return len(c.codes) }

func (c *column) nonNull() int { return c.nBool + c.nNum + c.nText }

// pad extends the column with missing values up to n rows.
func (c *column) pad(n int) {
	for len(c.codes) < n {
		c.codes = append(c.codes, cNull)
		if c.num != nil {
			c.num = append(c.num, 0)
		}
		if c.str != nil {
			c.str = append(c.str, "")
		}
	}
}

// add appends one cell at row, padding the rows before it with missing values.
func (c *column) add(row int, code uint8, num uint64, str string) {
	c.pad(row)
	switch code {
	case cFalse, cTrue:
		c.nBool++
	case cInt:
		c.nNum++
	case cFloat:
		c.nNum++
		c.nFloat++
	case cString, cJSON, cBig:
		c.nText++
	}
	if (code == cInt || code == cFloat) && c.num == nil {
		c.num = make([]uint64, len(c.codes), cap(c.codes))
	}
	if (code == cString || code == cJSON || code == cBig) && c.str == nil {
		c.str = make([]string, len(c.codes), cap(c.codes))
	}
	c.codes = append(c.codes, code)
	if c.num != nil {
		c.num = append(c.num, num)
	}
	if c.str != nil {
		c.str = append(c.str, str)
	}
}

// addText appends a text cell from bytes, sharing the string with earlier equal values when
// the column has few distinct values.
func (c *column) addText(row int, code uint8, b []byte) {
	if c.intern == nil && c.nText == 0 {
		c.intern = make(map[string]string)
	}
	if c.intern != nil {
		if s, ok := c.intern[string(b)]; ok {
			c.add(row, code, 0, s)
			return
		}
		s := string(b)
		if len(c.intern) < internLimit {
			c.intern[s] = s
		} else {
			c.intern = nil
		}
		c.add(row, code, 0, s)
		return
	}
	c.add(row, code, 0, string(b))
}

func (c *column) value(row int) Value {
	switch code := c.codes[row]; code {
	case cNull:
		return Value{}
	case cFalse:
		return Value{kind: Bool}
	case cTrue:
		return Value{kind: Bool, num: 1}
	case cInt:
		return Value{kind: Int, num: c.num[row]}
	case cFloat:
		return Value{kind: Float, num: c.num[row]}
	case cString:
		return Value{kind: String, str: c.str[row]}
	case cJSON:
		return Value{kind: JSON, str: c.str[row]}
	default:
		return Value{kind: BigInt, str: c.str[row]}
	}
}

func (c *column) typ() Type {
	switch {
	case c.nText > 0, c.nBool > 0 && c.nNum > 0:
		return TypeString
	case c.nBool > 0:
		return TypeBool
	case c.nFloat > 0, c.nNum > 0 && c.nNum < len(c.codes):
		return TypeFloat
	case c.nNum > 0:
		return TypeInt
	}
	return TypeString
}

// Table is a flattened set of records in columnar form: the same columns, order and values as
// the gota DataFrame made from it, plus what a notebook needs without a DataFrame: counting,
// appending and rendering. A Table is not safe for concurrent use while it is being appended
// to; reading it from several goroutines is safe. A nil *Table counts, heads and renders as
// an empty table.
type Table struct {
	cols  []*column
	index map[string]int
	rows  int
}

// Rows returns the number of rows.
func (t *Table) Rows() int {
	if t == nil {
		return 0
	}
	return t.rows
}

// Width returns the number of columns.
func (t *Table) Width() int {
	if t == nil {
		return 0
	}
	return len(t.cols)
}

// Columns returns the column names in order.
func (t *Table) Columns() []string {
	if t == nil {
		return nil
	}
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	return names
}

// Column returns the position of the named column, and false when there is none.
func (t *Table) Column(name string) (int, bool) {
	if t == nil {
		return 0, false
	}
	i, ok := t.index[name]
	return i, ok
}

// Type returns the type of column col, which must be in [0, Width()).
func (t *Table) Type(col int) Type { return t.cols[col].typ() }

// Value returns the cell at row and col, which must be in range. In a TypeFloat column every
// number is a Float, as in pandas' float64 columns.
func (t *Table) Value(row, col int) Value {
	c := t.cols[col]
	v := c.value(row)
	if v.kind == Int && c.typ() == TypeFloat {
		return Value{kind: Float, num: math.Float64bits(float64(int64(v.num)))}
	}
	return v
}

// Head returns a new Table with the first n rows (all rows when n < 0 or n > Rows()). Columns
// that are missing in all of those rows stay, as they do in pandas' head.
func (t *Table) Head(n int) *Table {
	if t == nil {
		return &Table{}
	}
	if n < 0 || n > t.Rows() {
		n = t.Rows()
	}
	h := &Table{index: make(map[string]int, t.Width()), rows: n}
	for i, c := range t.cols {
		hc := &column{name: c.name}
		for r := range n {
			hc.add(r, c.codes[r], payloadNum(c, r), payloadStr(c, r))
		}
		hc.pad(n)
		h.cols = append(h.cols, hc)
		h.index[c.name] = i
	}
	return h
}

func payloadNum(c *column, r int) uint64 {
	if c.num == nil {
		return 0
	}
	return c.num[r]
}

func payloadStr(c *column, r int) string {
	if c.str == nil {
		return ""
	}
	return c.str[r]
}

// Append adds the rows of u below those of t, as pandas.concat([t, u]) does: the columns of t
// in their order, then those only u has, in u's order, with missing values where a table lacks
// a column. Column types are chosen again from all the values. u is not changed; t may be nil
// only when u is, and appending t to itself is allowed.
func (t *Table) Append(u *Table) {
	if u == nil {
		return
	}
	if t.index == nil {
		t.index = make(map[string]int)
	}
	base := t.rows
	n := u.rows
	ucols := append([]*column(nil), u.cols...)
	for _, uc := range ucols {
		i, ok := t.index[uc.name]
		if !ok {
			i = len(t.cols)
			t.cols = append(t.cols, &column{name: uc.name})
			t.index[uc.name] = i
		}
		c := t.cols[i]
		for r := range n {
			if code := uc.codes[r]; code != cNull {
				c.add(base+r, code, payloadNum(uc, r), payloadStr(uc, r))
			}
		}
	}
	t.rows = base + n
	for _, c := range t.cols {
		c.pad(t.rows)
	}
}

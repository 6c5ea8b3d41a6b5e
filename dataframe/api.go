package dataframe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// ParseTable flattens the records in data, JSON text holding an array of record objects, one
// record object, or several of either one after another (JSON lines). Keys keep the order they
// have in the text. The result has the columns, column order and values of
// pandas.json_normalize(records, max_level=3).dropna(how="all", axis=1).
func ParseTable(data []byte, opts ...Option) (*Table, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	return flatten(scanner{buf: data}, len(data), cfg)
}

func flatten(s scanner, size int, cfg config) (*Table, error) {
	f := newFlattener(s, size, cfg)
	if err := f.readAll(); err != nil {
		if f.s.readErr != nil && !errors.Is(err, f.s.readErr) {
			// The input broke off: say why, not where the JSON text stopped.
			return nil, fmt.Errorf("read records: %w", f.s.readErr)
		}
		return nil, fmt.Errorf("flatten records: %w", err)
	}
	return f.finish(), nil
}

// readWindow is how much input ReadTable holds at once, unless one record needs more.
const readWindow = 1 << 20

// ReadTable reads records from r as they come and flattens them as ParseTable does. It holds
// only a window of the input at a time, so the input may be far larger than the table.
func ReadTable(r io.Reader, opts ...Option) (*Table, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	size := 0
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = int(st.Size())
		}
	}
	return flatten(scanner{buf: make([]byte, 0, readWindow), src: r}, size, cfg)
}

// TableFromRecords flattens records that are already Go values, as decoded by encoding/json
// (map[string]any, []any, string, float64, json.Number, bool, nil) or anything else
// encoding/json can encode. Go maps have no key order, so keys are taken in sorted order;
// use ReadTable or ParseTable on the JSON text to keep the order of the source. A number is
// an integer when encoding/json writes it without a fraction or exponent, so a float64 that
// holds a whole number counts as an integer, as it would had it come as JSON text.
func TableFromRecords(records []map[string]any, opts ...Option) (*Table, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if records == nil {
		records = []map[string]any{}
	}
	if err := enc.Encode(records); err != nil {
		return nil, fmt.Errorf("flatten records: a value is not JSON (%w); "+
			"records may hold only values encoding/json can encode", err)
	}
	return ParseTable(buf.Bytes(), opts...)
}

// FromJSON reads JSON records from r and returns them as a gota DataFrame, flattened as
// ParseTable does, in the key order of the text. See Table.DataFrame for the column types.
func FromJSON(r io.Reader, opts ...Option) (dataframe.DataFrame, error) {
	t, err := ReadTable(r, opts...)
	if err != nil {
		return dataframe.DataFrame{Err: err}, err
	}
	return t.dataFrame(true), nil
}

// FromRecords returns records as a gota DataFrame, flattened as TableFromRecords does.
func FromRecords(records []map[string]any, opts ...Option) (dataframe.DataFrame, error) {
	t, err := TableFromRecords(records, opts...)
	if err != nil {
		return dataframe.DataFrame{Err: err}, err
	}
	return t.dataFrame(true), nil
}

// DataFrame returns the table as a gota DataFrame with one series per column, in order:
//
//	column Type   pandas dtype          gota series  missing values
//	TypeInt       int64                 Int          (none)
//	TypeFloat     float64               Float        NaN
//	TypeBool      bool, object with NA  Bool         NaN
//	TypeString    object                String       NaN
//
// String series hold strings as they are and other values as Value.String gives them (lists
// and objects as compact JSON). Two limits of gota apply: a string "NaN" reads as missing,
// and a table without columns gives an empty DataFrame whatever its row count.
func (t *Table) DataFrame() dataframe.DataFrame { return t.dataFrame(false) }

// dataFrame converts the table; with consume it lets go of each column once converted, for
// callers that drop the table, so that the two never have to fit in memory together.
func (t *Table) dataFrame(consume bool) dataframe.DataFrame {
	if t.Width() == 0 {
		return dataframe.DataFrame{}
	}
	list := make([]series.Series, len(t.cols))
	for i, c := range t.cols {
		list[i] = c.series()
		if consume {
			t.cols[i] = nil
		}
	}
	return dataframe.New(list...)
}

func (c *column) series() series.Series {
	n := c.rows()
	switch c.typ() {
	case TypeInt:
		v := make([]int, n)
		for r := range n {
			v[r] = int(int64(c.num[r]))
		}
		return series.New(v, series.Int, c.name)
	case TypeFloat:
		v := make([]float64, n)
		for r := range n {
			if c.codes[r] == cNull {
				v[r] = math.NaN()
			} else {
				v[r] = c.value(r).Float()
			}
		}
		return series.New(v, series.Float, c.name)
	case TypeBool:
		v := make([]bool, n)
		for r := range n {
			v[r] = c.codes[r] == cTrue
		}
		s := series.New(v, series.Bool, c.name)
		for r := range n {
			if c.codes[r] == cNull {
				s.Elem(r).Set("NaN")
			}
		}
		return s
	default:
		v := make([]string, n)
		for r := range n {
			v[r] = c.value(r).String()
		}
		return series.New(v, series.String, c.name)
	}
}

// FromDataFrame returns a gota DataFrame as a Table, so that a DataFrame changed in Go code
// renders like the flattened results do. Int, Float and Bool series keep their type; String
// series and any other become String columns; NaN elements become missing values. A
// DataFrame holding an error gives that error.
func FromDataFrame(df dataframe.DataFrame) (*Table, error) {
	if df.Err != nil {
		return nil, fmt.Errorf("table from DataFrame: %w", df.Err)
	}
	rows, cols := df.Dims()
	t := &Table{index: make(map[string]int, cols), rows: rows}
	for i, name := range df.Names() {
		s := df.Col(name)
		if s.Err != nil {
			return nil, fmt.Errorf("table from DataFrame: column %q: %w", name, s.Err)
		}
		c := &column{name: name, codes: make([]uint8, 0, rows)}
		for r := range rows {
			e := s.Elem(r)
			if e.IsNA() {
				c.add(r, cNull, 0, "")
				continue
			}
			switch s.Type() {
			case series.Int:
				v, _ := e.Int() // not NA, so an int
				c.add(r, cInt, uint64(int64(v)), "")
			case series.Float:
				c.add(r, cFloat, math.Float64bits(e.Float()), "")
			case series.Bool:
				if v, _ := e.Bool(); v {
					c.add(r, cTrue, 0, "")
				} else {
					c.add(r, cFalse, 0, "")
				}
			default:
				c.add(r, cString, 0, e.String())
			}
		}
		t.cols = append(t.cols, c)
		t.index[name] = i
	}
	return t, nil
}

package dataframe

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/go-gota/gota/series"
)

// golden is what scripts/pandas_golden.py writes for one record file.
type golden struct {
	Rows    int      `json:"rows"`
	Columns []string `json:"columns"`
	Dtypes  []string `json:"dtypes"`
	Data    [][]any  `json:"data"`
}

func readGolden(t *testing.T, path string) golden {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (regenerate with /usr/bin/python3 scripts/pandas_golden.py): %v",
			err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var g golden
	if err := dec.Decode(&g); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return g
}

// goldenCell gives a cell the form the golden files use.
func goldenCell(v Value) any {
	switch v.Kind() {
	case Null:
		return nil
	case Bool:
		return v.Bool()
	case Int, Float:
		return json.Number(v.String())
	case BigInt:
		return json.Number(v.Text())
	case JSON:
		return map[string]any{"json": v.Text()}
	}
	return v.Text()
}

// pandasDtype is the dtype pandas gives the column.
func pandasDtype(tb *Table, col int) string {
	switch tb.Type(col) {
	case TypeInt:
		return "int64"
	case TypeFloat:
		return "float64"
	case TypeBool:
		for r := range tb.Rows() {
			if tb.Value(r, col).IsNull() {
				return "object"
			}
		}
		return "bool"
	}
	return "object"
}

func recordFiles(t *testing.T) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range all {
		if !strings.HasSuffix(f, ".golden.json") {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatal("no record files in testdata")
	}
	return files
}

// TestGoldenPandas compares the flattening of every testdata record file with what pandas
// gives for it.
func TestGoldenPandas(t *testing.T) {
	for _, file := range recordFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			want := readGolden(t, strings.TrimSuffix(file, ".json")+".golden.json")
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			tb, err := ReadTable(f)
			if err != nil {
				t.Fatalf("ReadTable: %v", err)
			}
			compareGolden(t, tb, want)
		})
	}
}

func compareGolden(t *testing.T, tb *Table, want golden) {
	t.Helper()
	if got := tb.Columns(); !reflect.DeepEqual(got, want.Columns) && len(want.Columns) > 0 {
		t.Fatalf("columns:\n got %q\nwant %q", got, want.Columns)
	}
	if tb.Width() != len(want.Columns) {
		t.Fatalf("width = %d, want %d", tb.Width(), len(want.Columns))
	}
	if tb.Rows() != want.Rows {
		t.Fatalf("rows = %d, want %d", tb.Rows(), want.Rows)
	}
	for c := range tb.Width() {
		if got := pandasDtype(tb, c); got != want.Dtypes[c] {
			t.Errorf("column %q: dtype %s, want %s", want.Columns[c], got, want.Dtypes[c])
		}
	}
	for r, row := range want.Data {
		for c, w := range row {
			got := goldenCell(tb.Value(r, c))
			if !reflect.DeepEqual(got, w) {
				t.Errorf("row %d column %q: got %#v, want %#v", r, want.Columns[c], got, w)
			}
		}
	}
}

// TestDataFrameTypes checks the gota series types and missing values of a flattened file.
func TestDataFrameTypes(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "types.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	df, err := FromJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		col  string
		typ  series.Type
		row  int
		want string
		nan  bool
	}{
		{col: "i", typ: series.Int, row: 2, want: "3"},
		{col: "f", typ: series.Float, row: 1, want: "2.250000"},
		{col: "in", typ: series.Float, row: 1, nan: true},
		{col: "b", typ: series.Bool, row: 0, want: "true"},
		{col: "bn", typ: series.Bool, row: 1, nan: true},
		{col: "bi", typ: series.String, row: 1, want: "1"},
		{col: "sn", typ: series.String, row: 2, want: "3.5"},
		{col: "l", typ: series.String, row: 2, want: "[[]]"},
		{col: "s", typ: series.String, row: 1, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.col, func(t *testing.T) {
			s := df.Col(tt.col)
			if s.Err != nil {
				t.Fatal(s.Err)
			}
			if s.Type() != tt.typ {
				t.Fatalf("type %s, want %s", s.Type(), tt.typ)
			}
			e := s.Elem(tt.row)
			if e.IsNA() != tt.nan {
				t.Fatalf("IsNA = %v, want %v", e.IsNA(), tt.nan)
			}
			if !tt.nan && e.String() != tt.want {
				t.Fatalf("value %q, want %q", e.String(), tt.want)
			}
		})
	}
	if r, c := df.Dims(); r != 3 || c != 17 {
		t.Fatalf("dims %d×%d, want 3×17", r, c)
	}
}

func TestFromRecords(t *testing.T) {
	records := []map[string]any{
		{"z": 1.0, "a": map[string]any{"b": "x", "c": []any{1.0, "y"}}, "n": nil},
		{"z": 2.5, "q": true},
	}
	tb, err := TableFromRecords(records)
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []string{"z", "a.b", "a.c", "q"}
	if got := tb.Columns(); !reflect.DeepEqual(got, wantCols) {
		t.Fatalf("columns %q, want %q", got, wantCols)
	}
	if got := tb.Value(0, 2).Text(); got != `[1,"y"]` {
		t.Fatalf("a.c = %q", got)
	}
	if tb.Type(0) != TypeFloat || tb.Value(0, 0).Float() != 1 {
		t.Fatalf("z: type %s value %v", tb.Type(0), tb.Value(0, 0))
	}
	df, err := FromRecords(records)
	if err != nil {
		t.Fatal(err)
	}
	if df.Ncol() != 4 || df.Nrow() != 2 {
		t.Fatalf("dims %d×%d", df.Nrow(), df.Ncol())
	}
	if _, err := FromRecords([]map[string]any{{"bad": math.NaN()}}); err == nil {
		t.Fatal("NaN in a record: want an error")
	}
	empty, err := FromRecords(nil)
	if err != nil || empty.Ncol() != 0 {
		t.Fatalf("no records: %v, %d columns", err, empty.Ncol())
	}
}

func TestMaxLevel(t *testing.T) {
	in := `[{"a": {"b": {"c": 1}}, "d": 2}]`
	tests := []struct {
		level int
		cols  []string
	}{
		{0, []string{"a", "d"}},
		{1, []string{"d", "a.b"}},
		{2, []string{"d", "a.b.c"}},
	}
	for _, tt := range tests {
		tb, err := ParseTable([]byte(in), MaxLevel(tt.level), Separator("."))
		if err != nil {
			t.Fatal(err)
		}
		if got := tb.Columns(); !reflect.DeepEqual(got, tt.cols) {
			t.Errorf("max level %d: columns %q, want %q", tt.level, got, tt.cols)
		}
	}
	tb, err := ParseTable([]byte(in), Separator("_"))
	if err != nil {
		t.Fatal(err)
	}
	if got := tb.Columns(); !reflect.DeepEqual(got, []string{"d", "a_b_c"}) {
		t.Errorf("separator _: columns %q", got)
	}
	// With no separator pandas renames {"x"} to "bx" in place, over the key "bx".
	tb, err = ParseTable([]byte(`{"b": {"x": 1, "bx": 2}, "c": {"d": {"e": 5}}}`), Separator(""))
	if err != nil {
		t.Fatal(err)
	}
	if got := tb.Columns(); !reflect.DeepEqual(got, []string{"bbx", "cde"}) {
		t.Errorf("empty separator: columns %q", got)
	}
}

func TestInputForms(t *testing.T) {
	tests := []struct {
		name string
		in   string
		rows int
		err  string
	}{
		{name: "one object", in: `{"a": 1}`, rows: 1},
		{name: "json lines", in: "{\"a\": 1}\n{\"a\": 2}\n[{\"a\": 3}]\n", rows: 3},
		{name: "empty array", in: ` [ ] `, rows: 0},
		{name: "empty input", in: "  \n", err: "no records"},
		{name: "scalar record", in: `[{"a": 1}, 5]`, err: "record 2 at byte 11 is a number"},
		{name: "string record", in: `["x"]`, err: "is a string"},
		{name: "null record", in: `[null]`, err: "is null"},
		{name: "truncated", in: `[{"a": 1`, err: "invalid JSON at end of input"},
		{name: "bad value", in: `[{"a": tru}]`, err: "expected true"},
		{name: "trailing comma", in: `[{"a": 1,}]`, err: "expected a string"},
		{name: "bad escape", in: `[{"a": "\q"}]`, err: "bad escape"},
		{name: "control char", in: "[{\"a\": \"\x01\"}]", err: "control character"},
		{name: "bad number", in: `[{"a": 01}]`, err: `expected "," or "}"`},
		{name: "bad list", in: `[{"a": [1 2]}]`, err: `expected "," or "]" in an array`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := ParseTable([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tb.Rows() != tt.rows {
				t.Fatalf("rows %d, want %d", tb.Rows(), tt.rows)
			}
		})
	}
}

func TestAppend(t *testing.T) {
	a, err := ParseTable([]byte(`[{"x": 1, "y": "a"}, {"x": 2}]`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseTable([]byte(`[{"z": true, "x": 2.5}]`))
	if err != nil {
		t.Fatal(err)
	}
	a.Append(b)
	if got := a.Columns(); !reflect.DeepEqual(got, []string{"x", "y", "z"}) {
		t.Fatalf("columns %q", got)
	}
	if a.Rows() != 3 || a.Type(0) != TypeFloat || a.Type(2) != TypeBool {
		t.Fatalf("rows %d, types %s %s", a.Rows(), a.Type(0), a.Type(2))
	}
	if !a.Value(0, 2).IsNull() || a.Value(2, 0).Float() != 2.5 || !a.Value(2, 1).IsNull() {
		t.Fatalf("values: %v %v %v", a.Value(0, 2), a.Value(2, 0), a.Value(2, 1))
	}
	a.Append(a)
	if a.Rows() != 6 || a.Value(5, 0).Float() != 2.5 || a.Value(3, 1).Text() != "a" {
		t.Fatalf("self append: rows %d, %v, %v", a.Rows(), a.Value(5, 0), a.Value(3, 1))
	}
	if !a.Value(4, 1).IsNull() || !a.Value(5, 1).IsNull() || a.Value(5, 2).Bool() != true {
		t.Fatalf("self append: %v %v %v", a.Value(4, 1), a.Value(5, 1), a.Value(5, 2))
	}
	h := a.Head(2)
	if h.Rows() != 2 || h.Width() != 3 || h.Value(1, 0).Int() != 2 || !h.Value(1, 1).IsNull() {
		t.Fatalf("head: %d×%d", h.Rows(), h.Width())
	}
}

func TestPyFloat(t *testing.T) {
	tenth := 0.1
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"}, {1, "1.0"}, {-2.5, "-2.5"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"},
		{1e-4, "0.0001"}, {1e-5, "1e-05"}, {123.456, "123.456"}, {1.5e300, "1.5e+300"},
		{5e-324, "5e-324"}, {tenth + 2*tenth, "0.30000000000000004"}, {1700000000, "1700000000.0"},
		{math.Inf(1), "Infinity"}, {math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		if got := string(appendPyFloat(nil, tt.f)); got != tt.want {
			t.Errorf("%v: got %q, want %q", tt.f, got, tt.want)
		}
	}
}

// TestReadTableStreams reads the golden inputs through readers that return little at a time,
// and records larger than the read window, and checks the result is ParseTable's.
func TestReadTableStreams(t *testing.T) {
	for _, file := range recordFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want := readGolden(t, strings.TrimSuffix(file, ".json")+".golden.json")
		for name, r := range map[string]io.Reader{
			"one byte": iotest.OneByteReader(bytes.NewReader(data)),
			"half":     iotest.HalfReader(bytes.NewReader(data)),
		} {
			t.Run(filepath.Base(file)+"/"+name, func(t *testing.T) {
				tb, err := ReadTable(r)
				if err != nil {
					t.Fatal(err)
				}
				compareGolden(t, tb, want)
			})
		}
	}

	big := strings.Repeat("x", 3*readWindow)
	in := `[{"a": 1}, {"a": 2, "big": "` + big + `"}, {"a": 3, "n": {"m": [` +
		strings.Repeat(`"yyyyyyyyyyyyyy",`, readWindow/16) + `"z"]}}]`
	tb, err := ReadTable(iotest.HalfReader(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	if tb.Rows() != 3 || tb.Value(1, 1).Text() != big || tb.Value(2, 0).Int() != 3 ||
		len(tb.Value(2, 2).Text()) != 17*(readWindow/16)+5 {
		t.Fatalf("large records: %d rows, columns %q", tb.Rows(), tb.Columns())
	}

	bad := strings.Repeat(`{"a": "`+strings.Repeat("x", 1000)+`"}`+"\n", readWindow/1000) +
		`{"a": [1,}`
	_, perr := ParseTable([]byte(bad))
	_, rerr := ReadTable(strings.NewReader(bad))
	if perr == nil || rerr == nil || perr.Error() != rerr.Error() {
		t.Fatalf("errors differ:\nParseTable: %v\nReadTable:  %v", perr, rerr)
	}
	want := errors.New("disk on fire")
	_, err = ReadTable(io.MultiReader(strings.NewReader(`[{"a": 1},`), iotest.ErrReader(want)))
	if !errors.Is(err, want) || !strings.Contains(err.Error(), "read records") {
		t.Fatalf("read error: %v", err)
	}
	_, err = ReadTable(io.MultiReader(strings.NewReader(`[{"a": 1}`), iotest.ErrReader(want)))
	if !errors.Is(err, want) {
		t.Fatalf("read error between records: %v", err)
	}
	if _, err = ReadTable(stuckReader{}); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("reader without progress: %v", err)
	}
}

// stuckReader never returns data nor an error.
type stuckReader struct{}

func (stuckReader) Read([]byte) (int, error) { return 0, nil }

package dataframe

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// recordCount decodes data with encoding/json and returns how many records it holds, or an
// error when it is not JSON or not a sequence of record objects and arrays of them.
func recordCount(data []byte) (int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, values := 0, 0
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			if values == 0 {
				return 0, errors.New("empty")
			}
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		values++
		switch v := v.(type) {
		case map[string]any:
			n++
		case []any:
			for _, r := range v {
				if _, ok := r.(map[string]any); !ok {
					return 0, errors.New("not a record")
				}
			}
			n += len(v)
		default:
			return 0, errors.New("not a record")
		}
	}
}

func FuzzFromJSON(f *testing.F) {
	for _, file := range []string{"alerts.json", "types.json", "dotted-keys.json", "order.json"} {
		b, err := os.ReadFile("testdata/" + file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{}`, `[]`, `[{"a":{"b":{"c":{"d":{"e":[1]}}}}}]`,
		`{"a.b":1,"a":{"b":2}}`, `{"x":"\ud800"}`, "{\"\xff\":\"\xfe\"}", `[{"a":1e999}]`,
		`{"a":-0,"b":123456789012345678901234567890}`, `[{"<script>":"</td>"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ParseTable(data)
		want, werr := recordCount(data)
		if (err == nil) != (werr == nil) {
			t.Fatalf("ParseTable error %v, encoding/json says %v", err, werr)
		}
		if err != nil {
			return
		}
		if tb.Rows() != want {
			t.Fatalf("%d rows, encoding/json counts %d records", tb.Rows(), want)
		}
		seen := map[string]bool{}
		for c, name := range tb.Columns() {
			if seen[name] {
				t.Fatalf("column %q twice", name)
			}
			seen[name] = true
			nonNull := false
			for r := range tb.Rows() {
				v := tb.Value(r, c)
				nonNull = nonNull || !v.IsNull()
				if v.Kind() == JSON && !json.Valid([]byte(v.Text())) {
					t.Fatalf("column %q row %d: invalid JSON text %q", name, r, v.Text())
				}
			}
			if !nonNull {
				t.Fatalf("column %q has no value but was kept", name)
			}
		}
		for _, format := range Formats {
			var buf bytes.Buffer
			if err := tb.Render(&buf, format, RenderOptions{Head: 20, Class: "f"}); err != nil {
				t.Fatalf("render %s: %v", format, err)
			}
			out := buf.String()
			switch format {
			case HTML:
				if strings.Contains(strings.ToLower(out), "<script") {
					t.Fatalf("HTML rendering holds a script element:\n%s", out)
				}
			case JSONRecs:
				if !json.Valid(buf.Bytes()) {
					t.Fatalf("JSON rendering is not valid JSON:\n%s", out)
				}
			}
		}
		if df := tb.DataFrame(); df.Err != nil && tb.Width() > 0 {
			t.Fatalf("DataFrame: %v", df.Err)
		}
	})
}

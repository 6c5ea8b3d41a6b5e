package gql

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// sameAsGQLGen checks that MarshalMap writes exactly what graphql.MarshalMap writes.
func sameAsGQLGen(t *testing.T, m map[string]any) {
	t.Helper()
	var want, got bytes.Buffer
	graphql.MarshalMap(m).MarshalGQL(&want)
	MarshalMap(m).MarshalGQL(&got)
	if got.String() != want.String() {
		t.Fatalf("MarshalMap(%#v)\n got %q\nwant %q", m, got.String(), want.String())
	}
}

func TestMarshalMapAsGQLGen(t *testing.T) {
	tests := []struct {
		name string
		m    map[string]any
	}{
		{"nil", nil},
		{"empty", map[string]any{}},
		{"row", map[string]any{"host_id": "h1", "process_id": int64(42), "pid": 7,
			"commandline": `C:\Windows\cmd.exe /c "echo <a> & b"`, "was_blocked": false,
			"score": 0.5, "none": nil}},
		{"escapes", map[string]any{"s": "\b\f\n\r\t\x00\x1f\x7f é ✓ \u2028\u2029 \xff\xc3"}},
		{"keys", map[string]any{"b<": 1, "a&": 2, "é": 3, "A": 4, "\n": 5}},
		{"floats", map[string]any{"a": 1e-7, "b": 1e21, "c": 123456789.0, "d": math.Copysign(0, -1),
			"e": 1e20, "f": 0.000001, "g": -2.5e-10, "h": math.MaxFloat64,
			"i": math.SmallestNonzeroFloat64, "j": 3.0}},
		{"integers", map[string]any{"a": int32(-3), "b": uint64(math.MaxUint64),
			"c": int64(math.MinInt64)}},
		{"lists", map[string]any{"a": []any{1.0, "x", nil, true, []any{}},
			"b": []string{"p", "q"}, "c": []any(nil), "d": []string(nil),
			"e": []map[string]any{{"k": "v"}, nil}, "f": []map[string]any(nil)}},
		{"rows of changing shapes", map[string]any{"rows": []map[string]any{{"a": 1, "b": 2},
			{"b": 4, "a": 3}, {"a": 5, "c": 6}, {"b": 1}, {}, {"a": map[string]any{"a": 1,
				"c": 2}, "c": 7}}}},
		{"nested", map[string]any{"a": map[string]any{"b": map[string]any{"c": "d"}},
			"n": map[string]any(nil)}},
		{"other types", map[string]any{"a": float32(0.1), "b": []int{1, 2},
			"c": map[string]string{"k": "v"}, "d": uint8(9), "e": json.Number("12")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { sameAsGQLGen(t, tt.m) })
	}
}

func TestMarshalMapUnsupported(t *testing.T) {
	for _, v := range []any{math.NaN(), math.Inf(1)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("MarshalMap of %v did not fail as graphql.MarshalMap does", v)
				}
			}()
			MarshalMap(map[string]any{"v": v}).MarshalGQL(&bytes.Buffer{})
		}()
	}
}

func FuzzMarshalMap(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[true,null,"x<y"],"c":{"d":1e-9}}`,
		`{"\u2028":"\ud800","z":-0.0000012}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m map[string]any
		if json.Unmarshal(b, &m) != nil {
			return
		}
		sameAsGQLGen(t, m)
	})
}

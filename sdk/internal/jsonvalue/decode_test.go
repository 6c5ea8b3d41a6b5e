package jsonvalue

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// agree checks that Decode and DecodeObjects accept b exactly when encoding/json does and give
// the values it gives, that Members splits objects as encoding/json does, and that Skip
// accepts what json.Valid does.
func agree(t *testing.T, b []byte) {
	t.Helper()
	var want any
	wantErr := json.Unmarshal(b, &want)
	got, err := Decode(b)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("Decode(%q) error %v, encoding/json error %v", b, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode(%q) = %#v, encoding/json gives %#v", b, got, want)
	}

	// Skip checks syntax only, as json.Valid does: a number out of range is still JSON.
	n, err := Skip(b)
	whole := err == nil && strings.TrimLeft(string(b[n:]), " \t\r\n") == ""
	if whole != json.Valid(b) {
		t.Fatalf("Skip(%q) = %d, %v; json.Valid says %v", b, n, err, json.Valid(b))
	}
	if err == nil && !json.Valid(b[:n]) {
		t.Fatalf("Skip(%q) = %d, but that prefix is not JSON", b, n)
	}

	var wantMembers map[string]json.RawMessage
	wantErr = json.Unmarshal(b, &wantMembers)
	members := map[string]json.RawMessage{}
	err = Members(b, func(k string, v []byte) error {
		members[k] = v
		return nil
	})
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("Members(%q) error %v, encoding/json error %v", b, err, wantErr)
	}
	if err == nil && wantMembers != nil && !reflect.DeepEqual(members, wantMembers) {
		t.Fatalf("Members(%q) = %q, encoding/json gives %q", b, members, wantMembers)
	}

	var wantRows []map[string]any
	wantErr = json.Unmarshal(b, &wantRows)
	rows, err := DecodeObjects(b)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("DecodeObjects(%q) error %v, encoding/json error %v", b, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(rows, wantRows) {
		t.Fatalf("DecodeObjects(%q) = %#v, encoding/json gives %#v", b, rows, wantRows)
	}
}

func TestAgreesWithEncodingJSON(t *testing.T) {
	tests := []struct{ name, in string }{
		{"object", `{"a":1,"b":"x","c":[true,false,null],"d":{"e":-1.5e3}}`},
		{"empty containers", `{"a":{},"b":[]}`},
		{"rows", ` [ {"a":1} , null, {"b":"C:\\Windows\\cmd.exe"} ] `},
		{"null rows", `null`},
		{"no rows", `[]`},
		{"escapes", `"\"\\\/\b\f\n\r\t\u00e9\u20AC"`},
		{"surrogate pair", `"\ud83d\ude00"`},
		{"lone high surrogate", `"\ud83dx"`},
		{"lone low surrogate", `"\ude00\u0041"`},
		{"high then non-low", `"\ud83d\u0041"`},
		{"invalid utf-8", "\"a\xffb\xc3\""},
		{"utf-8", `"héllo wörld ✓"`},
		{"repeated key", `{"a":1,"a":2}`},
		{"numbers", `[0,-0,1.0,1e5,1E-5,123456789012345678901234567890]`},
		{"number out of range", `1e400`},
		{"leading zero", `01`},
		{"bare minus", `-`},
		{"dot without digits", `1.`},
		{"exponent without digits", `1e+`},
		{"control character", "\"a\tb\""},
		{"bad escape", `"\x"`},
		{"short unicode escape", `"\u12"`},
		{"unterminated string", `"abc`},
		{"unterminated object", `{"a":1`},
		{"trailing comma", `[1,]`},
		{"missing colon", `{"a" 1}`},
		{"key not a string", `{a:1}`},
		{"trailing data", `{} {}`},
		{"empty", ``},
		{"literal typo", `nul`},
		{"rows of strings", `["a"]`},
		{"white space", " \t\r\n{ \"a\" : [ 1 , 2 ] } \n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { agree(t, []byte(tt.in)) })
	}
}

func TestDepth(t *testing.T) {
	for _, n := range []int{maxDepth, maxDepth + 1} {
		agree(t, []byte(strings.Repeat("[", n)+strings.Repeat("]", n)))
	}
}

func TestSkipLength(t *testing.T) {
	in := []byte(`  {"a":[1,"}",{"b":null}]} ,"rest"`)
	n, err := Skip(in)
	if err != nil || string(in[:n]) != `  {"a":[1,"}",{"b":null}]}` {
		t.Fatalf("Skip = %d, %v; want the object and its leading space", n, err)
	}
}

func TestRowsGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/rows.json")
	if err != nil {
		t.Fatal(err)
	}
	agree(t, b)
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x\u00e9",true,null]}`, `[{"k":"v"},null]`,
		`"\ud83d\ude00"`, "\"\xff\"", `1e400`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { agree(t, b) })
}

func BenchmarkDecodeObjects(b *testing.B) {
	data, err := os.ReadFile("testdata/rows.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeObjects(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeObjectsEncodingJSON is the same work through encoding/json, for comparison.
func BenchmarkDecodeObjectsEncodingJSON(b *testing.B) {
	data, err := os.ReadFile("testdata/rows.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var rows []map[string]any
		if err := json.Unmarshal(data, &rows); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMembers(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // key=value pairs
		wantErr  bool
	}{
		{"members", ` {"a" : 1, "b\u0041":{"c":[1,"}"]} ,"d":null} `,
			[]string{`a=1`, `bA={"c":[1,"}"]}`, `d=null`}, false},
		{"empty", `{}`, nil, false},
		{"null", `null`, nil, false},
		{"not an object", `[1]`, nil, true},
		{"invalid", `{"a":}`, nil, true},
		{"trailing data", `{"a":1} x`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := Members([]byte(tt.in), func(k string, v []byte) error {
				got = append(got, k+"="+string(v))
				return nil
			})
			if (err != nil) != tt.wantErr || !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Members(%q) = %q, %v; want %q, error %v", tt.in, got, err,
					tt.want, tt.wantErr)
			}
		})
	}
}

// TestStringsEveryOffset puts each kind of byte that ends the fast path of string reading at
// every offset of strings around the eight-byte words that path reads.
func TestStringsEveryOffset(t *testing.T) {
	for _, special := range []string{`\"`, `\\`, `\n`, `\u00e9`, "\x01", "\xff", "é", `"`} {
		for n := 0; n < 20; n++ {
			for at := 0; at <= n; at++ {
				s := strings.Repeat("a", at) + special + strings.Repeat("b", n-at)
				agree(t, []byte(`{"k`+s+`":"`+s+`"}`))
			}
		}
	}
}

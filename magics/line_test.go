package magics

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// mapVars is a Resolver over fixed variables; Eval knows the expressions in exprs.
type mapVars struct {
	vars  map[string]any
	exprs map[string]any
}

func (m mapVars) Get(name string) (any, bool) {
	v, ok := m.vars[name]
	return v, ok
}

func (m mapVars) Eval(expr string) (any, error) {
	if v, ok := m.exprs[expr]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("undefined: %s", expr)
}

func TestSplitLine(t *testing.T) {
	r := mapVars{
		vars: map[string]any{"host": "web-01", "n": 5, "query": `FROM alert WHERE a = "x" 'y'`,
			"spaced": "a b"},
		exprs: map[string]any{"n * 2": 10, `strings.ToUpper("ab")`: "AB", "m[\"}\"]": "brace"},
	}
	tests := []struct {
		name string
		line string
		want []string
	}{
		{"words", "alerts search --limit 5", []string{"alerts", "search", "--limit", "5"}},
		{"blanks", "  a \t b  ", []string{"a", "b"}},
		{"empty", "", nil},
		{"single quotes", `--cell 'FROM alert WHERE x = "$host"'`,
			[]string{"--cell", `FROM alert WHERE x = "$host"`}},
		{"double quotes", `--cell "host = '$host'"`, []string{"--cell", "host = 'web-01'"}},
		{"empty word", `a "" ''`, []string{"a", "", ""}},
		{"joined quotes", `a'b'"c"d`, []string{"abcd"}},
		{"backslash outside", `a\ b \'x`, []string{"a b", "'x"}},
		{"backslash in double", `"a\"b\\c\d"`, []string{`a"b\c\d`}},
		{"continuation", "alerts \\\nsearch", []string{"alerts", "search"}},
		{"continuation crlf", "alerts \\\r\nsearch", []string{"alerts", "search"}},
		{"final backslash", `a \`, []string{"a"}},
		{"name", "$host", []string{"web-01"}},
		{"braced name", "${host}x", []string{"web-01x"}},
		{"value not split", "$spaced", []string{"a b"}},
		{"value not read again", `--cell "$query"`,
			[]string{"--cell", `FROM alert WHERE a = "x" 'y'`}},
		{"number", "--limit $n", []string{"--limit", "5"}},
		{"expr", "--limit {n * 2}", []string{"--limit", "10"}},
		{"expr with string", `{strings.ToUpper("ab")}`, []string{"AB"}},
		{"expr brace in string", `{m["}"]}`, []string{"brace"}},
		{"dollar escape", "$$host", []string{"$host"}},
		{"brace escape", "{{n}}", []string{"{n}"}},
		{"backslash dollar", `\$host "\$host"`, []string{"$host", "$host"}},
		{"lone dollar", "a$ $", []string{"a$", "$"}},
		{"empty braces", "{}", []string{"{}"}},
		{"lone close", "a}b", []string{"a}b"}},
		{"unicode", "héllo 'wörld'", []string{"héllo", "wörld"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SplitLine(tt.line, r)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Fatalf("SplitLine(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestSplitLineErrors(t *testing.T) {
	r := mapVars{vars: map[string]any{}}
	tests := []struct{ line, want string }{
		{`'open`, "unterminated ' quote"},
		{`"open`, "unterminated \" quote"},
		{`$missing`, "$missing: no variable missing"},
		{`"${missing}"`, "${missing}: no variable missing"},
		{`${1x}`, "not a Go variable name"},
		{`${open`, "unterminated ${name}"},
		{`{open`, "unterminated {expression}"},
		{`{bad(}`, "{bad(}: undefined: bad("},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			_, err := SplitLine(tt.line, r)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("SplitLine(%q) error %v, want it to contain %q", tt.line, err, tt.want)
			}
		})
	}
}

func TestSplitLineWithoutResolver(t *testing.T) {
	got, err := SplitLine(`a $x "${y}" {z + 1} $$`, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "$x", "${y}", "{z + 1}", "$"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestLexLineOffsets(t *testing.T) {
	line := `alerts "se arch" --x`
	words, err := lexLine(line, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range words {
		if w.start < 0 || w.end > len(line) || w.start >= w.end {
			t.Fatalf("word %+v has bad offsets in %q", w, line)
		}
	}
	if got := line[words[1].start:words[1].end]; got != `"se arch"` {
		t.Fatalf("second word spans %q", got)
	}
}

// FuzzSplitLine checks that splitting never panics, that a line of plain words splits as
// strings.Fields does, and that quoting every word of a split line in single quotes gives
// the same words back.
func FuzzSplitLine(f *testing.F) {
	for _, s := range []string{"alerts search --limit 5", `--cell "$x {y}"`, `'a'"b"\c`,
		"a \\\nb", "${x", "{a{b}c}", `"\$"`, "$$ {{ }}", "{`}`}"} {
		f.Add(s)
	}
	r := mapVars{vars: map[string]any{"x": "v a l"}, exprs: map[string]any{"y": 1}}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := SplitLine(line, r)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if !strings.ContainsAny(line, "'\"\\$`{}\r") {
			want := strings.FieldsFunc(line, func(r rune) bool {
				return r == ' ' || r == '\t' || r == '\n'
			})
			if !reflect.DeepEqual(words, want) &&
				!(len(words) == 0 && len(want) == 0) {
				t.Fatalf("SplitLine(%q) = %q, want %q", line, words, want)
			}
		}
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
		}
		again, err := SplitLine(strings.Join(quoted, " "), r)
		if err != nil {
			t.Fatalf("re-split of %q: %v", quoted, err)
		}
		if !reflect.DeepEqual(again, words) && !(len(again) == 0 && len(words) == 0) {
			t.Fatalf("re-split of %q = %q, want %q", quoted, again, words)
		}
	})
}

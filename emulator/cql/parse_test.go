package cql

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		query     string
		line, col int
		msg       string // a part of the message
	}{
		{"FROM process WHERE a = )", 1, 24, "expected a value after '=' (got ')')"},
		{"FROM process WHERE a = 'x' AND", 1, 31,
			"expected a field name, NOT or '(' (got end of query)"},
		{"FROM process | bogus 3", 1, 16,
			"unknown pipe 'bogus'; pipes: aggregate, head, sort, tail"},
		{"FROM process WHERE a MATCHES_REGEX '('", 1, 36, "bad regular expression '('"},
		{"FROM process WHERE a MATCHES_REGEX 5", 1, 36, "needs a quoted regular expression"},
		{"FROM process EARLIEST=-1x", 1, 23, "unknown relative time \"-1x\""},
		{"FROM process EARLIEST=1d", 1, 23, "needs a sign: write -1d"},
		{"FROM process EARLIEST='yesterday'", 1, 23, "unknown time \"yesterday\""},
		{"FROM process EARLIEST=", 1, 23, "expected a time after 'EARLIEST='"},
		{"FROM process EARLIEST -1d", 1, 23, "expected '=' after EARLIEST"},
		{"FROM process EARLIEST=-1d EARLIEST=-2d", 1, 27, "EARLIEST is set twice"},
		{"EARLIEST=0 LATEST=-1d", 1, 10, "EARLIEST (2024-06-01T12:00:00Z) is after LATEST"},
		{"FROM process\nWHERE a = 1\n  AND b ~ 2", 3, 9, "unexpected character '~'"},
		{"FROM process\nWHERE a = 1 AND\n\t@nope = 2", 3, 2,
			"unknown logical field \"@nope\"; known logical fields: @domain, @hash"},
		{"a = 'unterminated", 1, 5, "unterminated string; close it with '"},
		{"a = e'ends in escape\\", 1, 5, "unterminated string"},
		{"a IS NOT 5", 1, 10, "expected NULL after IS (got '5')"},
		{"a IN ()", 1, 7, "IN needs at least one value"},
		{"a IN ('x' 'y')", 1, 11, "expected ',' or ')' to close the list opened at line 1, " +
			"column 6"},
		{"a IN 'x'", 1, 6, "expected '(' after IN"},
		{"(a = 1", 1, 7, "expected ')' to close the '(' at line 1, column 1"},
		{"FROM", 1, 5, "expected an event type after FROM"},
		{"FROM process,", 1, 14, "expected an event type after ','"},
		{"FROM process WHERE", 1, 14, "expected conditions after WHERE"},
		{"FROM process host_id = 'x'", 1, 14, "expected WHERE, EARLIEST, LATEST, '|'"},
		{"a = 1 b = 2", 1, 7, "expected AND, OR, EARLIEST, LATEST, '|' or end of query"},
		{"a = 1 WHERE b = 2", 1, 7, "a query has one WHERE"},
		{"FROM process | head x", 1, 21, "expected a row count after 'head'"},
		{"FROM process | tail -1", 1, 21, "expected a row count after 'tail'"},
		{"FROM process | head 1 2", 1, 23, "expected '|' or end of query after the head stage"},
		{"FROM process |", 1, 15, "expected a pipe name after '|'"},
		{"a = NULL", 1, 5, "NULL is not a value; test for it with IS NULL"},
		{"a == 1", 1, 3, "unknown operator '=='"},
		{"a <> 1", 1, 3, "unknown operator '<>'"},
		{"a ! CONTAINS 'x'", 1, 5, "expected IN or MATCHES_REGEX after '!'"},
		{"a NOT = 1", 1, 7, "expected IN, CONTAINS or MATCHES_REGEX after 'a NOT'"},
		{"a LIKE 'x'", 1, 3, "expected an operator after 'a' (got 'LIKE'); operators: ="},
		{"a..b = 1", 1, 1, "field \"a..b\" has an empty part"},
		{"@ = 1", 1, 1, "expected a logical field name after '@'"},
		{"a@b = 1", 1, 1, "has '@' inside it"},
		{"a = 12abc", 1, 5, "malformed number \"12a\""},
		{"a = 1e999", 1, 5, "number 1e999 is out of range"},
		{"AND = 1", 1, 1, "expected a field name, NOT or '(' (got 'AND')"},
		{"FROM process | sort -a asc", 1, 24, "sort key -a cannot also be asc"},
		{"FROM process | sort @ip", 1, 21, "sort takes record fields, not logical field @ip"},
		{"FROM process | sort", 1, 20, "expected a field name in sort (got end of query)"},
		{"FROM process | aggregate sum by a", 1, 26,
			"expected an aggregate function after 'aggregate' (got 'sum'); supported: count"},
		{"FROM process | aggregate count by", 1, 34, "expected a field name in aggregate"},
		{"a = 'x' )", 1, 9, "expected AND, OR"},
		{"a = \xff", 1, 5, "not valid UTF-8"},
		{strings.Repeat("(", 101) + "a = 1" + strings.Repeat(")", 101), 1, 101,
			"conditions nest more than 100 levels deep"},
		{strings.Repeat("NOT ", 101) + "a = 1", 1, 401, "conditions nest"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, err := Parse(tt.query, Options{Now: fixedNow})
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse error = %v (%T), want a *SyntaxError", err, err)
			}
			if se.Line != tt.line || se.Col != tt.col {
				t.Errorf("position = line %d, column %d, want line %d, column %d (%s)",
					se.Line, se.Col, tt.line, tt.col, se.Msg)
			}
			if !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("message = %q, want it to contain %q", se.Msg, tt.msg)
			}
		})
	}
}

func TestNestingLimit(t *testing.T) {
	// Each "(NOT " is two levels: 49 of them nest 98 deep and negate a = 1.
	src := strings.Repeat("(NOT ", 49) + "a = 1" + strings.Repeat(")", 49)
	q := mustParse(t, src)
	if !q.Match(map[string]any{"a": 2.0}) || q.Match(map[string]any{"a": 1.0}) {
		t.Error("49 nested NOTs should negate a = 1")
	}
}

func TestSyntaxErrorText(t *testing.T) {
	_, err := Parse("FROM process WHERE a = )")
	want := "line 1, column 24: expected a value after '=' (got ')')"
	if err == nil || err.Error() != want {
		t.Errorf("Error() = %v, want %q", err, want)
	}
}

func TestStrings(t *testing.T) {
	tests := []struct {
		literal, value, normal string
	}{
		{`'plain'`, `plain`, `'plain'`},
		{`"double 'quoted'"`, `double 'quoted'`, `e'double \'quoted\''`},
		{`'raw\n and \.'`, `raw\n and \.`, `'raw\n and \.'`},
		{`e'it\'s'`, `it's`, `e'it\'s'`},
		{`E'it\'s'`, `it's`, `e'it\'s'`},
		{`e"say \"hi\""`, `say "hi"`, `'say "hi"'`},
		{`e'back\\slash'`, `back\slash`, `'back\slash'`},
		{`e'line\nnext\ttab\rcr'`, "line\nnext\ttab\rcr", `e'line\nnext\ttab\rcr'`},
		{`e'evil\.com'`, `evil\.com`, `'evil\.com'`},
		{`e'O\'Brien \\ \n'`, "O'Brien \\ \n", `e'O\'Brien \\ \n'`},
		{`''`, ``, `''`},
		{`'ünïcödé'`, `ünïcödé`, `'ünïcödé'`},
	}
	for _, tt := range tests {
		t.Run(tt.literal, func(t *testing.T) {
			q := mustParse(t, "a = "+tt.literal)
			c := q.Where().(*Compare)
			if got := c.Values[0].Str; got != tt.value {
				t.Errorf("value = %q, want %q", got, tt.value)
			}
			if got := c.Values[0].String(); got != tt.normal {
				t.Errorf("String = %s, want %s", got, tt.normal)
			}
			if back := mustParse(t, "a = "+tt.normal).Where().(*Compare); back.Values[0].Str != tt.value {
				t.Errorf("%s reads back as %q, want %q", tt.normal, back.Values[0].Str, tt.value)
			}
		})
	}
}

// TestNormalise checks String against testdata/normalise.golden: for each query in
// testdata/normalise.input, its normalised text, which must read back to itself.
func TestNormalise(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "normalise.input"))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(in)), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q := mustParse(t, line)
		norm := q.String()
		if again := mustParse(t, norm).String(); again != norm {
			t.Errorf("%q normalises to %q, which reads back as %q", line, norm, again)
		}
		out.WriteString(line + "\n=> " + norm + "\n\n")
	}
	golden := filepath.Join("testdata", "normalise.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("normalised text differs from %s (run go test -update to accept):\n%s",
			golden, out.String())
	}
}

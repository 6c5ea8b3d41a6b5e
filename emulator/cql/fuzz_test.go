package cql

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error is a positioned
// *SyntaxError, that a parsed query's String reads back to the same String, and that
// running a parsed query over the test records does not panic.
func FuzzParse(f *testing.F) {
	in, err := os.ReadFile(filepath.Join("testdata", "normalise.input"))
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range strings.Split(string(in), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			f.Add(line)
		}
	}
	for _, s := range []string{
		"", "FROM process WHERE a = )", "a = e'x\\'y\\\\z\\n'", "a IN ()", "| head 3",
		"EARLIEST=-1d LATEST=0 | sort -a", "@ip = '1.2.3.4'", "NOT (a IS NULL)",
		"a = 1 | aggregate count by b, c | sort -count | tail 2", "x MATCHES_REGEX '('",
	} {
		f.Add(s)
	}
	recs := loadRecords(f, "events")
	recs = append(recs, loadRecords(f, "alerts")...)

	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(src, Options{Now: fixedNow})
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Col < 1 || se.Msg == "" {
				t.Fatalf("Parse(%q) error %v (%T) is not a positioned *SyntaxError", src, err, err)
			}
			return
		}
		norm := q.String()
		q2, err := Parse(norm, Options{Now: fixedNow})
		if err != nil {
			t.Fatalf("Parse(%q) normalises to %q, which does not parse: %v", src, norm, err)
		}
		if again := q2.String(); again != norm {
			t.Fatalf("Parse(%q) normalises to %q, which reads back as %q", src, norm, again)
		}
		q.Run(recs)
	})
}

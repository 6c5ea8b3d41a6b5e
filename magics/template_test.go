package magics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-gota/gota/series"

	"gotaegis/emulator/cql"
)

func TestRenderTemplate(t *testing.T) {
	vars := mapVars{vars: map[string]any{
		"ips":     []string{"1.1.1.1", "8.8.8.8"},
		"domains": []string{"secureworks.com", "sophos.com"},
		"hosts":   []any{"web-01", "it's"},
		"ports":   []int{22, 443},
		"one":     "solo",
		"sev":     0.6,
		"flag":    true,
		"empty":   "",
		"col":     series.New([]string{"a", "b"}, series.String, "host"),
		"paths":   []string{`C:\it's\x`},
	}}
	tests := []struct{ name, tmpl, want string }{
		{"in", `{{ .ips | in "@ip" }}`, `@ip IN ('1.1.1.1','8.8.8.8')`},
		{"not_in", `{{ .ips | not_in "@ip" }}`, `@ip !IN ('1.1.1.1','8.8.8.8')`},
		{"function form", `{{ in "@ip" .ips }}`, `@ip IN ('1.1.1.1','8.8.8.8')`},
		{"upstream example", `{{ .ips | in "@ip" }} OR {{ .domains | regex "@domain" }}`,
			`@ip IN ('1.1.1.1','8.8.8.8') OR @domain MATCHES_REGEX ` +
				`'secureworks\.com|sophos\.com'`},
		{"or", `{{ .hosts | or "host" }}`, `host = 'web-01' OR host = e'it\'s'`},
		{"and operator", `{{ .ips | and "ip" "!=" }}`, `ip != '1.1.1.1' AND ip != '8.8.8.8'`},
		{"numbers unquoted", `{{ .ports | in "port" }}`, `port IN (22,443)`},
		{"matches_regex separator", `{{ .domains | matches_regex "d" "," }}`,
			`d MATCHES_REGEX 'secureworks\.com,sophos\.com'`},
		{"not_regex", `{{ .domains | not_regex "d" }}`,
			`d !MATCHES_REGEX 'secureworks\.com|sophos\.com'`},
		{"not_matches_regex", `{{ .one | not_matches_regex "d" }}`, `d !MATCHES_REGEX 'solo'`},
		{"single value", `{{ .one | in "h" }}`, `h IN ('solo')`},
		{"series", `{{ .col | in "host" }}`, `host IN ('a','b')`},
		{"q", `severity >= {{ q .sev }} AND title = {{ q .one }}`,
			`severity >= 0.6 AND title = 'solo'`},
		{"backslash and quote", `{{ .paths | in "p" }}`, `p IN (e'C:\\it\'s\\x')`},
		{"builtin or kept", `{{ if or .empty .flag }}yes{{ end }}`, `yes`},
		{"builtin and kept", `{{ if and .flag .empty }}yes{{ else }}no{{ end }}`, `no`},
		{"range dot", `{{ range .ips }}[{{ . }}]{{ end }}`, `[1.1.1.1][8.8.8.8]`},
		{"root var", `{{ with .one }}{{ $.one }}{{ end }}`, `solo`},
		{"plain text", "FROM alert WHERE severity >= 0.6", "FROM alert WHERE severity >= 0.6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RenderTemplate(tt.tmpl, "", vars)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("RenderTemplate(%q) =\n%s\nwant\n%s", tt.tmpl, got, tt.want)
			}
		})
	}
}

// TestRenderTemplateParses checks that what the filters write is CQL the engine reads, and
// that a quote in a value stays inside its string.
func TestRenderTemplateParses(t *testing.T) {
	vars := mapVars{vars: map[string]any{
		"titles": []string{"it's", `a\'b`, "x' OR 1=1 OR title = 'y"},
	}}
	q, err := RenderTemplate(`FROM alert WHERE {{ .titles | in "metadata.title" }}`, "", vars)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := cql.Parse(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	for _, title := range []string{"it's", `a\'b`, "x' OR 1=1 OR title = 'y"} {
		rec := map[string]any{"metadata": map[string]any{"title": title}}
		if !parsed.Match(rec) {
			t.Errorf("%s does not match title %q", q, title)
		}
	}
	if rec := map[string]any{"metadata": map[string]any{"title": "y"}}; parsed.Match(rec) {
		t.Errorf("a value escaped its string: %s matches title y", q)
	}
}

func TestRenderTemplateErrors(t *testing.T) {
	vars := mapVars{vars: map[string]any{"ips": []string{}, "n": 1}}
	tests := []struct{ name, tmpl, want string }{
		{"missing variable", `{{ .hosts | in "h" }}`, ".hosts: no variable hosts"},
		{"empty list", `{{ .ips | in "h" }}`, "the list is empty"},
		{"bad syntax", `{{ .ips | in "h" `, "cell template:"},
		{"bad separator", `{{ .ips | regex "d" 1 }}`, "separator must be a string"},
		{"no field", `{{ or }}`, "give a field and a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RenderTemplate(tt.tmpl, "", vars)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestRenderTemplateFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hunt.ql")
	src := "FROM alert WHERE {{ block \"where\" . }}severity >= 0.6{{ end }} | head {{ .n }}"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := mapVars{vars: map[string]any{"n": 5, "ips": []string{"1.1.1.1"}}}
	got, err := RenderTemplate("", file, vars)
	if err != nil {
		t.Fatal(err)
	}
	if want := "FROM alert WHERE severity >= 0.6 | head 5"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	got, err = RenderTemplate(`{{ define "where" }}{{ .ips | in "@ip" }}{{ end }}`, file, vars)
	if err != nil {
		t.Fatal(err)
	}
	if want := "FROM alert WHERE @ip IN ('1.1.1.1') | head 5"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if _, err := RenderTemplate("", filepath.Join(dir, "missing.ql"), vars); err == nil ||
		!strings.Contains(err.Error(), "missing.ql") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestQuoteCQL(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"plain", "'plain'"},
		{`back\slash`, `'back\slash'`},
		{"it's", `e'it\'s'`},
		{"it's\n", `e'it\'s\n'`},
		{42, "42"},
		{true, "true"},
	}
	for _, tt := range tests {
		if got := QuoteCQL(tt.in); got != tt.want {
			t.Errorf("QuoteCQL(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

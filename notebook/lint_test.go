package notebook

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// smallTree is a command tree like the magics' one, for the taegis-command rule.
func smallTree() *cobra.Command {
	root := &cobra.Command{Use: "taegis"}
	alerts := &cobra.Command{Use: "alerts"}
	search := &cobra.Command{Use: "search", Args: cobra.NoArgs, RunE: noop}
	search.Flags().String("tenant", "", "")
	search.Flags().String("region", "", "")
	search.Flags().Bool("track", false, "")
	inv := &cobra.Command{Use: "investigations"}
	ev := &cobra.Command{Use: "evidence"}
	stage := &cobra.Command{Use: "stage", Args: cobra.ExactArgs(2), RunE: noop}
	stage.Flags().String("tenant", "", "")
	create := &cobra.Command{Use: "create", Args: cobra.NoArgs, RunE: noop}
	for _, f := range []string{"tenant", "region", "title", "key-findings", "priority", "type",
		"status", "assignee"} {
		create.Flags().String(f, "", "")
	}
	create.Flags().Bool("dry-run", false, "")
	ev.AddCommand(stage)
	inv.AddCommand(ev, create)
	alerts.AddCommand(search)
	root.AddCommand(alerts, inv)
	return root
}

func noop(*cobra.Command, []string) error { return nil }

// stripMagicOptions takes out the options the %taegis magic itself reads.
func stripMagicOptions(words []string) ([]string, error) {
	var out []string
	for i := 0; i < len(words); i++ {
		switch words[i] {
		case "--assign", "--append", "--display":
			i++
		case "-t", "--cache":
		default:
			out = append(out, words[i])
		}
	}
	return out, nil
}

func fields(s string) ([]string, error) {
	return strings.Fields(strings.ReplaceAll(s, `"`, "")), nil
}

func testLinter() *Linter {
	return &Linter{Taegis: CobraChecker(smallTree(), fields, stripMagicOptions)}
}

func starter(t *testing.T) *Notebook {
	t.Helper()
	nb, err := Starter()
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

func TestStarterPassesLint(t *testing.T) {
	nb := starter(t)
	if got := testLinter().Lint("starter.md", nb); len(got) > 0 {
		t.Errorf("the starter procedure has findings:\n%v", got)
	}
	if err := nb.Validate(); err != nil {
		t.Error(err)
	}
}

func cellWith(nb *Notebook, substr string) *Cell {
	for _, c := range nb.Cells {
		if strings.Contains(c.Source, substr) {
			return c
		}
	}
	panic("no cell holds " + substr)
}

func hunting(nb *Notebook) map[string]any { return nb.Metadata[HuntingKey].(map[string]any) }

// TestLintRules breaks the starter one way per case and expects exactly that rule's findings.
func TestLintRules(t *testing.T) {
	tests := []struct {
		name, rule, message string
		cell                int // 0: any
		breakIt             func(nb *Notebook)
	}{
		{"no kernelspec", RuleKernelspec, "metadata.kernelspec is missing", 0,
			func(nb *Notebook) { delete(nb.Metadata, "kernelspec") }},
		{"kernelspec without language", RuleKernelspec, "kernelspec.language", 0,
			func(nb *Notebook) {
				delete(nb.Metadata["kernelspec"].(map[string]any), "language")
			}},
		{"no hunting metadata", RuleHuntingMetadata, "metadata.hunting is missing", 0,
			func(nb *Notebook) { delete(nb.Metadata, HuntingKey) }},
		{"no description", RuleHuntingMetadata, "hunting.description is missing", 0,
			func(nb *Notebook) { delete(hunting(nb), "description") }},
		{"bad version", RuleHuntingMetadata, "version \"latest\"", 0,
			func(nb *Notebook) { hunting(nb)["version"] = "latest" }},
		{"version a number", RuleHuntingMetadata, "must be text; write it quoted", 0,
			func(nb *Notebook) { hunting(nb)["version"] = json.Number("1.0") }},
		{"bad technique", RuleHuntingMetadata, "\"T59\" is not a MITRE ATT&CK", 0,
			func(nb *Notebook) { hunting(nb)["mitre_attack"] = []any{"T1059.001", "T59"} }},
		{"tags not a list", RuleHuntingMetadata, "tags must be a list", 0,
			func(nb *Notebook) { hunting(nb)["tags"] = "a,b" }},
		{"empty data sources", RuleHuntingMetadata, "data_sources is missing or empty", 0,
			func(nb *Notebook) { hunting(nb)["data_sources"] = []any{} }},
		{"missing section", RuleSections, "\"Findings\" is missing", 0,
			func(nb *Notebook) {
				c := cellWith(nb, "## Findings")
				c.Source = strings.Replace(c.Source, "## Findings", "Findings:", 1)
			}},
		{"no title", RuleSections, "level-1 heading", 0,
			func(nb *Notebook) {
				c := cellWith(nb, "# New hunting procedure")
				c.Source = strings.Replace(c.Source, "# New", "New", 1)
			}},
		{"sections out of order", RuleSections, "out of order", 0,
			func(nb *Notebook) {
				c := cellWith(nb, "## Executive Summary")
				c.Source = strings.Replace(c.Source, "## Executive Summary", "## Summary", 1)
				nb.Cells = append(nb.Cells, &Cell{Type: "markdown",
					Source: "## Executive Summary", Metadata: map[string]any{}})
			}},
		{"no parameters cell", RuleParameters, "tagged parameters", 0,
			func(nb *Notebook) { cellWith(nb, "TENANT_ID :=").SetTags([]string{"remove_cell"}) }},
		{"committed outputs", RuleOutputs, "committed outputs", 1,
			func(nb *Notebook) {
				c := cellWith(nb, "TENANT_ID :=")
				one := 1
				c.ExecutionCount = &one
				c.Outputs = []map[string]any{{"output_type": "stream", "name": "stdout",
					"text": "x"}}
			}},
		{"client secret", RuleSecrets, "a client secret", 0, addCode(
			`CLIENT_SECRET := "s3cr3t-value-1234"`)},
		{"jwt", RuleSecrets, "JSON Web Token", 0, addCode(
			`token := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl"`)},
		{"aws key", RuleSecrets, "AWS access key", 0, addCode(`key := "AKIAABCDEFGHIJKLMNOP"`)},
		{"private key", RuleSecrets, "private key", 0, addCode(
			"k := `-----BEGIN RSA PRIVATE KEY-----`")},
		{"password setting", RuleSecrets, "password=", 0, addCode(
			`dsn := "postgres://db?user=a&password=hunter22"`)},
		{"go syntax", RuleGoSyntax, "line 2:", 0, addCode("x := 1\ny := (2")},
		{"go syntax after a magic", RuleGoSyntax, "line 3:", 0,
			addCode("%env A=1\nx := 1\nfunc {")},
		{"unknown command", RuleTaegisCommand, "unknown command \"serch\"", 0,
			addCode("%taegis alerts serch --tenant 1")},
		{"unknown option", RuleTaegisCommand, "unknown flag: --tenat", 0,
			addCode("%taegis alerts search --tenat 1")},
		{"group without a command", RuleTaegisCommand, "is a group", 0,
			addCode("%taegis investigations")},
		{"wrong argument count", RuleTaegisCommand, "accepts 2 arg", 0,
			addCode("%taegis investigations evidence stage alerts")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb := starter(t)
			tt.breakIt(nb)
			got := testLinter().Lint("p.md", nb)
			if len(got) == 0 {
				t.Fatalf("no finding, want one of rule %s", tt.rule)
			}
			for _, f := range got {
				if f.Rule != tt.rule {
					t.Errorf("unexpected finding %s", f)
				}
			}
			if !strings.Contains(got[0].Message, tt.message) {
				t.Errorf("finding %s, want a message containing %q", got[0], tt.message)
			}
			if tt.cell != 0 && got[0].Cell != tt.cell {
				t.Errorf("finding in cell %d, want cell %d", got[0].Cell, tt.cell)
			}
		})
	}
}

func addCode(src string) func(nb *Notebook) {
	return func(nb *Notebook) {
		nb.Cells = append(nb.Cells, &Cell{Type: "code", Source: src, Metadata: map[string]any{},
			Outputs: []map[string]any{}})
	}
}

func TestGoCellsThatParse(t *testing.T) {
	for _, src := range []string{
		"x := 1\nx",
		"import \"fmt\"\n\nfmt.Println(1)",
		"func f() int {\n\treturn 1\n}\n\nf()",
		"type T struct{ A int }\nv := T{A: 1}\nv",
		"%%taegis alerts search\nFROM alert WHERE not go",
		"!ls -l\n%env A=1\nx := 2",
		"%taegis alerts search \\\n  --tenant 1\ny := 3",
		"// only a comment",
	} {
		if err := checkGoCell(src); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

func TestTaegisLinesThatPass(t *testing.T) {
	check := testLinter().Taegis
	for _, line := range []string{"", "help", "alerts search --help",
		"alerts search --tenant 1 --region local --track --assign alerts -t",
		"investigations evidence stage alerts alerts --tenant $TENANT_ID"} {
		if err := check(line); err != nil {
			t.Errorf("%q: %v", line, err)
		}
	}
	nb := starter(t)
	c := cellWith(nb, "%%taegis alerts search")
	if got := taegisLines(c.Source); len(got) != 1 || got[0].line != 1 ||
		!strings.HasPrefix(got[0].text, "alerts search") {
		t.Errorf("taegisLines = %+v", got)
	}
	c = cellWith(nb, "%%taegis investigations create")
	if got := taegisLines(c.Source); len(got) != 1 || !strings.Contains(got[0].text,
		"--dry-run") {
		t.Errorf("continuation lines not joined: %+v", got)
	}
}

func TestFindingString(t *testing.T) {
	f := Finding{File: "a.md", Cell: 3, Rule: "secrets", Message: "m"}
	if got := f.String(); got != "a.md:cell 3: secrets: m" {
		t.Errorf("String() = %q", got)
	}
	f.Cell = 0
	if got := f.String(); got != "a.md: secrets: m" {
		t.Errorf("String() = %q", got)
	}
	data, err := FormatFindingsJSON(nil)
	if err != nil || string(data) != "[]" {
		t.Errorf("FormatFindingsJSON(nil) = %s, %v", data, err)
	}
}

func TestTeamRules(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "team.yaml")
	write(t, rules, `
required_sections: [Title, Scope, Findings]
required_metadata: [owner]
forbidden_patterns:
  - pattern: 'EARLIEST=-\d+d'
    message: use the LOOKBACK parameter, not a fixed window
    cells: code
required_patterns:
  - pattern: '--track'
    message: every procedure tracks its searches
disable: [parameters]
`)
	r, err := LoadRules(rules)
	if err != nil {
		t.Fatal(err)
	}
	nb := starter(t)
	cellWith(nb, "TENANT_ID :=").SetTags(nil)
	s := cellWith(nb, "%%taegis alerts search")
	s.Source = strings.ReplaceAll(strings.Replace(s.Source, "{{ .LOOKBACK }}", "-30d", 1),
		" --track", "")
	got := (&Linter{Rules: r}).Lint("p.md", nb)
	want := map[string]string{
		RuleSections:        `"Scope" is missing`,
		RuleHuntingMetadata: "hunting.owner is missing",
		RuleForbidden:       "use the LOOKBACK parameter",
		RuleRequired:        "every procedure tracks",
	}
	seen := map[string]bool{}
	for _, f := range got {
		w, ok := want[f.Rule]
		if !ok || !strings.Contains(f.Message, w) {
			t.Errorf("unexpected finding %s", f)
		}
		seen[f.Rule] = true
	}
	for rule := range want {
		if !seen[rule] {
			t.Errorf("no %s finding in %v", rule, got)
		}
	}
}

func TestLoadRulesErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, yaml, want string }{
		{"unknown key", "required_section: [a]\n", "field required_section not found"},
		{"unknown rule", "disable: [nope]\n", `unknown rule "nope"`},
		{"bad regexp", "forbidden_patterns:\n  - pattern: '('\n", "missing closing )"},
		{"bad cells", "required_patterns:\n  - pattern: a\n    cells: raw\n", "cells is \"raw\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, "r.yaml")
			write(t, p, tt.yaml)
			_, err := LoadRules(p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := LoadRules(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	empty := filepath.Join(dir, "empty.yaml")
	write(t, empty, "")
	if r, err := LoadRules(empty); err != nil || len(r.RequiredSections) != 5 {
		t.Errorf("empty rules file: %v %v", r, err)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLintPaths(t *testing.T) {
	dir := t.TempDir()
	if err := Create(filepath.Join(dir, "good.md"), false); err != nil {
		t.Fatal(err)
	}
	if err := Create(filepath.Join(dir, "good.ipynb"), false); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "README.md"), "# not a notebook\n")
	write(t, filepath.Join(dir, "broken.ipynb"), "{")
	got, err := testLinter().LintPaths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Rule != RuleRead || !strings.HasSuffix(got[0].File, "broken.ipynb") {
		t.Errorf("findings = %v, want one read finding for broken.ipynb", got)
	}
	if _, err := testLinter().LintPaths([]string{filepath.Join(dir, "nope")}); err == nil {
		t.Error("a missing path is not an error")
	}
}

// TestLintGolden lints a procedure broken in many ways and compares the text findings with
// the golden file.
func TestLintGolden(t *testing.T) {
	got, err := testLinter().LintPaths([]string{"testdata/lint/bad.md"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range got {
		b.WriteString(f.String() + "\n")
	}
	golden(t, "testdata/lint/bad.txt", []byte(b.String()))
}

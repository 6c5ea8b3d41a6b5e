package notebook

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// The names of the built-in lint rules, as findings and a rules file's disable list name them.
const (
	RuleKernelspec      = "kernelspec"
	RuleHuntingMetadata = "hunting-metadata"
	RuleSections        = "sections"
	RuleParameters      = "parameters"
	RuleOutputs         = "outputs"
	RuleSecrets         = "secrets"
	RuleGoSyntax        = "go-syntax"
	RuleTaegisCommand   = "taegis-command"
	RuleForbidden       = "forbidden-pattern"
	RuleRequired        = "required-pattern"
	RuleRead            = "read"
)

var builtinRules = []string{RuleKernelspec, RuleHuntingMetadata, RuleSections, RuleParameters,
	RuleOutputs, RuleSecrets, RuleGoSyntax, RuleTaegisCommand}

// HuntingKey is the notebook metadata key that holds a procedure's hunting metadata.
const HuntingKey = "hunting"

//go:embed lint_rules.yaml
var defaultRulesYAML []byte

// Finding is one lint finding. Cell is the 1-based cell number, 0 for the notebook as a whole.
type Finding struct {
	File    string `json:"file"`
	Cell    int    `json:"cell"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// String formats the finding as "file:cell N: rule: message", or "file: rule: message" for
// the notebook as a whole.
func (f Finding) String() string {
	if f.Cell > 0 {
		return fmt.Sprintf("%s:cell %d: %s: %s", f.File, f.Cell, f.Rule, f.Message)
	}
	return fmt.Sprintf("%s: %s: %s", f.File, f.Rule, f.Message)
}

// Pattern is a team's regular expression rule.
type Pattern struct {
	// Pattern is a Go regular expression.
	Pattern string `yaml:"pattern" json:"pattern"`
	// Message is shown with the finding.
	Message string `yaml:"message" json:"message"`
	// Cells is "code", "markdown" or "all" (the default): the cells the pattern applies to.
	Cells string `yaml:"cells,omitempty" json:"cells,omitempty"`

	re *regexp.Regexp
}

// Rules are a team's conventions; the zero value checks only the built-in rules that need no
// settings.
type Rules struct {
	// RequiredSections are the markdown headings, in order; "Title" is the first # heading.
	RequiredSections []string `yaml:"required_sections"`
	// RequiredMetadata are the keys metadata.hunting must hold.
	RequiredMetadata []string `yaml:"required_metadata"`
	// Forbidden are patterns no cell may match.
	Forbidden []Pattern `yaml:"forbidden_patterns"`
	// Required are patterns some cell must match.
	Required []Pattern `yaml:"required_patterns"`
	// Disable names built-in rules to skip.
	Disable []string `yaml:"disable"`
}

// DefaultRules returns the built-in rules (lint_rules.yaml).
func DefaultRules() *Rules {
	r, err := parseRules(defaultRulesYAML)
	if err != nil {
		panic("notebook: the embedded lint rules do not parse: " + err.Error())
	}
	return r
}

// LoadRules reads a team's rules file and lays it over the built-in rules: its
// required_sections replace theirs when given, its required_metadata, patterns and disable
// list add to them.
func LoadRules(path string) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lint rules: %w", err)
	}
	team, err := parseRules(data)
	if err != nil {
		return nil, fmt.Errorf("lint rules %s: %w", path, err)
	}
	r := DefaultRules()
	if team.RequiredSections != nil {
		r.RequiredSections = team.RequiredSections
	}
	for _, k := range team.RequiredMetadata {
		if !slices.Contains(r.RequiredMetadata, k) {
			r.RequiredMetadata = append(r.RequiredMetadata, k)
		}
	}
	r.Forbidden = append(r.Forbidden, team.Forbidden...)
	r.Required = append(r.Required, team.Required...)
	r.Disable = append(r.Disable, team.Disable...)
	return r, nil
}

func parseRules(data []byte) (*Rules, error) {
	var r Rules
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w (keys: required_sections, required_metadata, "+
			"forbidden_patterns, required_patterns, disable)", err)
	}
	for _, d := range r.Disable {
		if !slices.Contains(builtinRules, d) {
			return nil, fmt.Errorf("disable: unknown rule %q; the built-in rules are %s", d,
				strings.Join(builtinRules, ", "))
		}
	}
	for _, list := range [][]Pattern{r.Forbidden, r.Required} {
		for i := range list {
			p := &list[i]
			re, err := regexp.Compile(p.Pattern)
			if err != nil {
				return nil, fmt.Errorf("pattern %q: %w", p.Pattern, err)
			}
			if p.Pattern == "" {
				return nil, errors.New("a pattern rule needs a pattern")
			}
			switch p.Cells {
			case "", "all", "code", "markdown":
			default:
				return nil, fmt.Errorf("pattern %q: cells is %q; use code, markdown or all",
					p.Pattern, p.Cells)
			}
			p.re = re
		}
	}
	return &r, nil
}

// CommandChecker checks the text of a %taegis line (after "%taegis" or "%%taegis", with the
// magic's own options still in it) and returns what is wrong with it, or nil.
type CommandChecker func(line string) error

// Linter checks hunting procedures.
type Linter struct {
	// Rules are the conventions checked; nil means DefaultRules.
	Rules *Rules
	// Taegis checks %taegis lines; nil skips the taegis-command rule.
	Taegis CommandChecker
}

func (l *Linter) rules() *Rules {
	if l.Rules == nil {
		l.Rules = DefaultRules()
	}
	return l.Rules
}

func (l *Linter) enabled(rule string) bool {
	return !slices.Contains(l.rules().Disable, rule)
}

// LintPaths lints every notebook the paths name; a directory stands for the .ipynb files and
// MyST .md notebooks (those with front matter) under it. A file that cannot be read is a
// finding of rule "read", not an error; the error is for a path that does not exist.
func (l *Linter) LintPaths(paths []string) ([]Finding, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("lint: %w", err)
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && isNotebookFile(path) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("lint: %w", err)
		}
	}
	var out []Finding
	for _, f := range files {
		nb, err := Read(f)
		if err != nil {
			out = append(out, Finding{File: f, Rule: RuleRead, Message: err.Error()})
			continue
		}
		out = append(out, l.Lint(f, nb)...)
	}
	return out, nil
}

func isNotebookFile(path string) bool {
	switch FormatOf(path) {
	case FormatIPYNB:
		return true
	case FormatMyST:
		data, err := os.ReadFile(path)
		return err == nil && strings.HasPrefix(string(data), "---") &&
			strings.Contains(string(data), "{code-cell}")
	}
	return false
}

// Lint checks one notebook; file names it in the findings.
func (l *Linter) Lint(file string, nb *Notebook) []Finding {
	var out []Finding
	add := func(cell int, rule, format string, args ...any) {
		out = append(out, Finding{File: file, Cell: cell, Rule: rule,
			Message: fmt.Sprintf(format, args...)})
	}
	r := l.rules()
	if l.enabled(RuleKernelspec) {
		lintKernelspec(nb, add)
	}
	if l.enabled(RuleHuntingMetadata) {
		lintHunting(nb, r.RequiredMetadata, add)
	}
	if l.enabled(RuleSections) {
		lintSections(nb, r.RequiredSections, add)
	}
	if l.enabled(RuleParameters) && !slices.ContainsFunc(nb.Cells, func(c *Cell) bool {
		return c.Type == "code" && c.HasTag("parameters")
	}) {
		add(0, RuleParameters, "no code cell is tagged parameters; tag the cell that sets "+
			"TENANT_ID, REGION and the other parameters, so execute can override them")
	}
	goCells := notebookLanguage(nb) == "go"
	for i, c := range nb.Cells {
		n := i + 1
		if l.enabled(RuleOutputs) && c.Type == "code" && (len(c.Outputs) > 0 ||
			c.ExecutionCount != nil) {
			add(n, RuleOutputs, "the cell has committed outputs; clear them before "+
				"committing (gotaegis notebook convert IN --to myst keeps none)")
		}
		if l.enabled(RuleSecrets) {
			for _, s := range findSecrets(c.Source) {
				add(n, RuleSecrets, "%s; keep credentials out of notebooks (use gotaegis "+
					"auth or the environment)", s)
			}
		}
		if c.Type != "code" {
			continue
		}
		if goCells && l.enabled(RuleGoSyntax) {
			if err := checkGoCell(c.Source); err != nil {
				add(n, RuleGoSyntax, "%v", err)
			}
		}
		if l.Taegis != nil && l.enabled(RuleTaegisCommand) {
			for _, m := range taegisLines(c.Source) {
				if err := l.Taegis(m.text); err != nil {
					add(n, RuleTaegisCommand, "line %d: %v", m.line, err)
				}
			}
		}
	}
	lintPatterns(nb, r, add)
	return out
}

type addFunc func(cell int, rule, format string, args ...any)

func notebookLanguage(nb *Notebook) string {
	if ks, ok := nb.Metadata["kernelspec"].(map[string]any); ok {
		if s, ok := ks["language"].(string); ok {
			return strings.ToLower(s)
		}
	}
	if li, ok := nb.Metadata["language_info"].(map[string]any); ok {
		if s, ok := li["name"].(string); ok {
			return strings.ToLower(s)
		}
	}
	return "go"
}

func lintKernelspec(nb *Notebook, add addFunc) {
	ks, ok := nb.Metadata["kernelspec"].(map[string]any)
	if !ok {
		add(0, RuleKernelspec, "metadata.kernelspec is missing; add one naming the kernel "+
			"(name: gotaegis, display_name: Go (Taegis), language: go)")
		return
	}
	for _, k := range []string{"name", "display_name", "language"} {
		if s, _ := ks[k].(string); strings.TrimSpace(s) == "" {
			add(0, RuleKernelspec, "metadata.kernelspec.%s is missing or empty", k)
		}
	}
}

var (
	semverish = regexp.MustCompile(`^v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.\-+]+)?$`)
	attackID  = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
)

func lintHunting(nb *Notebook, required []string, add addFunc) {
	raw, present := nb.Metadata[HuntingKey]
	h, ok := raw.(map[string]any)
	if !present || !ok {
		add(0, RuleHuntingMetadata, "metadata.%s is missing or not a mapping; add title, "+
			"description, authors, version, tags, mitre_attack and data_sources", HuntingKey)
		return
	}
	for _, k := range required {
		if v, ok := h[k]; !ok || isEmpty(v) {
			add(0, RuleHuntingMetadata, "metadata.%s.%s is missing or empty", HuntingKey, k)
		}
	}
	for _, k := range []string{"title", "description"} {
		if v, ok := h[k]; ok && !isEmpty(v) {
			if _, isStr := v.(string); !isStr {
				add(0, RuleHuntingMetadata, "metadata.%s.%s must be text", HuntingKey, k)
			}
		}
	}
	if v, ok := h["version"]; ok && !isEmpty(v) {
		s, isStr := v.(string)
		switch {
		case !isStr:
			add(0, RuleHuntingMetadata, "metadata.%s.version %v must be text; write it "+
				"quoted, as in version: \"1.0.0\"", HuntingKey, v)
		case !semverish.MatchString(s):
			add(0, RuleHuntingMetadata, "metadata.%s.version %q is not a version such as "+
				"1.0.0 or 2.1", HuntingKey, s)
		}
	}
	for _, k := range []string{"authors", "tags", "data_sources", "mitre_attack"} {
		v, ok := h[k]
		if !ok || isEmpty(v) {
			continue
		}
		list, isList := v.([]any)
		if !isList {
			add(0, RuleHuntingMetadata, "metadata.%s.%s must be a list", HuntingKey, k)
			continue
		}
		for i, e := range list {
			s, isStr := e.(string)
			if k == "authors" && !isStr {
				if m, isMap := e.(map[string]any); isMap {
					s, isStr = m["name"].(string)
				}
			}
			if !isStr || strings.TrimSpace(s) == "" {
				add(0, RuleHuntingMetadata, "metadata.%s.%s[%d] must be non-empty text",
					HuntingKey, k, i)
				continue
			}
			if k == "mitre_attack" && !attackID.MatchString(s) {
				add(0, RuleHuntingMetadata, "metadata.%s.mitre_attack[%d] %q is not a MITRE "+
					"ATT&CK technique id such as T1059 or T1059.001", HuntingKey, i, s)
			}
		}
	}
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

type heading struct {
	level int
	text  string
	cell  int
}

var atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$`)

// headings lists the markdown headings of the notebook, outside fenced blocks.
func headings(nb *Notebook) []heading {
	var out []heading
	for i, c := range nb.Cells {
		if c.Type != "markdown" {
			continue
		}
		fence := ""
		for _, line := range strings.Split(c.Source, "\n") {
			line = strings.TrimRight(line, "\r")
			if m := fenceOpen.FindStringSubmatch(line); m != nil {
				if fence == "" {
					fence = m[1]
				} else if strings.HasPrefix(strings.TrimSpace(line), fence) {
					fence = ""
				}
				continue
			}
			if fence != "" {
				continue
			}
			if m := atxHeading.FindStringSubmatch(line); m != nil {
				out = append(out, heading{level: len(m[1]), text: strings.TrimSpace(m[2]),
					cell: i + 1})
			}
		}
	}
	return out
}

func lintSections(nb *Notebook, required []string, add addFunc) {
	hs := headings(nb)
	pos := 0
	for _, want := range required {
		found := -1
		for j := pos; j < len(hs); j++ {
			if sectionMatches(want, hs[j]) {
				found = j
				break
			}
		}
		if found >= 0 {
			pos = found + 1
			continue
		}
		where := "after the previous required section"
		for j := range hs {
			if sectionMatches(want, hs[j]) {
				add(hs[j].cell, RuleSections, "section %q is out of order; the sections go "+
					"%s", want, strings.Join(required, ", "))
				where = ""
				break
			}
		}
		if where != "" {
			desc := fmt.Sprintf("a heading %q", want)
			if want == "Title" {
				desc = "a level-1 heading (# Title)"
			}
			add(0, RuleSections, "required section %q is missing; add %s %s", want, desc,
				where)
		}
	}
}

func sectionMatches(want string, h heading) bool {
	if want == "Title" {
		return h.level == 1
	}
	return strings.EqualFold(strings.TrimSpace(want), h.text)
}

// secretPatterns find what looks like a credential; the message never repeats the value.
var secretPatterns = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`-----BEGIN ([A-Z]+ )*PRIVATE KEY-----`), "a private key"},
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`),
		"a JSON Web Token (eyJ…)"},
	{regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`), "an AWS access key id"},
	{regexp.MustCompile(`(?i)\baws_secret_access_key\s*[:=]+\s*["']?[A-Za-z0-9/+=]{30,}`),
		"an AWS secret access key"},
	{regexp.MustCompile(`(?i)\b(client_?secret|CLIENT_SECRET)\s*(:=|=|:)\s*["'][^"'\s]{8,}["']`),
		"a client secret"},
	{regexp.MustCompile(`(?i)\b(password|passwd|pwd|api_?key|secret|token)\s*(:=|=|:)\s*` +
		`["'][^"'\s$]{4,}["']`), "a password, key or token in a literal"},
	{regexp.MustCompile(`(?i)\b(password|passwd|pwd)=[^\s&"'$;]{4,}`),
		"a password=… setting"},
}

func findSecrets(src string) []string {
	var out []string
	for n, line := range strings.Split(src, "\n") {
		for _, p := range secretPatterns {
			if p.re.MatchString(line) {
				out = append(out, fmt.Sprintf("line %d looks like %s", n+1, p.what))
				break
			}
		}
	}
	return out
}

// goSource blanks the lines the kernel does not read as Go (magics, shell commands), keeping
// line numbers; ok is false for a cell magic (%%...), whose body is not Go.
func goSource(src string) (string, bool) {
	lines := strings.Split(src, "\n")
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		if strings.HasPrefix(t, "%%") {
			return "", false
		}
		break
	}
	continued := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if continued || strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!") {
			continued = strings.HasSuffix(t, "\\")
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n"), true
}

// checkGoCell parses a cell as the kernel runs it: declarations and statements mixed.
func checkGoCell(src string) error {
	code, ok := goSource(src)
	if !ok || strings.TrimSpace(code) == "" {
		return nil
	}
	fset := token.NewFileSet()
	if _, err := parser.ParseFile(fset, "", "package p;"+code, 0); err == nil {
		return nil
	}
	_, bodyErr := parser.ParseFile(fset, "", "package p; func _() {"+code+"\n}", 0)
	if bodyErr == nil {
		return nil
	}
	// Declarations (import, func, type at the start of a line) and statements in one cell:
	// parse each part where it belongs, on the same line numbers.
	decls, stmts := splitDecls(code)
	_, declErr := parser.ParseFile(fset, "", "package p;"+decls, 0)
	_, stmtErr := parser.ParseFile(fset, "", "package p; func _() {"+stmts+"\n}", 0)
	switch {
	case declErr == nil && stmtErr == nil:
		return nil
	case declErr != nil:
		return goError(declErr)
	case strings.TrimSpace(decls) == "" || stmtErr != nil:
		return goError(stmtErr)
	}
	return goError(bodyErr)
}

func splitDecls(code string) (decls, stmts string) {
	lines := strings.Split(code, "\n")
	d := make([]string, len(lines))
	s := make([]string, len(lines))
	inDecl := false
	for i, l := range lines {
		if !inDecl && (strings.HasPrefix(l, "import") || strings.HasPrefix(l, "func ") ||
			strings.HasPrefix(l, "type ")) {
			t := strings.TrimRight(l, " \t\r")
			inDecl = strings.HasSuffix(t, "{") || strings.HasSuffix(t, "(")
			d[i] = l
			continue
		}
		if inDecl {
			d[i] = l
			if strings.HasPrefix(l, "}") || strings.HasPrefix(l, ")") {
				inDecl = false
			}
			continue
		}
		s[i] = l
	}
	return strings.Join(d, "\n"), strings.Join(s, "\n")
}

// goError reports the first syntax error by the cell's own line and column.
func goError(err error) error {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		return fmt.Errorf("line %d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	}
	return err
}

type magicLine struct {
	line int
	text string
}

// taegisLines returns the %taegis and %%taegis lines of a cell, continuation lines joined,
// with the text after the magic's name.
func taegisLines(src string) []magicLine {
	var out []magicLine
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		var rest string
		switch {
		case strings.HasPrefix(t, "%%taegis") && (len(t) == 8 || t[8] == ' ' || t[8] == '\t'):
			rest = t[8:]
		case strings.HasPrefix(t, "%taegis") && (len(t) == 7 || t[7] == ' ' || t[7] == '\t'):
			rest = t[7:]
		default:
			continue
		}
		start := i + 1
		for strings.HasSuffix(rest, "\\") && i+1 < len(lines) {
			i++
			rest = strings.TrimSuffix(rest, "\\") + " " + strings.TrimSpace(lines[i])
		}
		out = append(out, magicLine{line: start, text: strings.TrimSpace(rest)})
	}
	return out
}

// CobraChecker checks %taegis lines against a command tree: the words, after split (a shell
// splitter) and strip (which takes the magic's own options out), must name a command of root
// and give it only options it has and arguments it takes; no words, or "help", ask for the
// magic's help and pass. The checker parses flags on root's commands, so it is not safe for
// concurrent use.
func CobraChecker(root *cobra.Command, split func(string) ([]string, error),
	strip func([]string) ([]string, error)) CommandChecker {
	return func(line string) error {
		words, err := split(line)
		if err != nil {
			return err
		}
		if strip != nil {
			if words, err = strip(words); err != nil {
				return err
			}
		}
		if len(words) == 0 || words[0] == "help" {
			return nil // the magic's help
		}
		cmd, rest, err := root.Find(words)
		if err != nil {
			return err
		}
		if cmd == root {
			return fmt.Errorf("unknown command %q; the commands are %s", words[0],
				commandNames(root))
		}
		if cmd.HasSubCommands() {
			for _, a := range rest {
				if !strings.HasPrefix(a, "-") {
					return fmt.Errorf("unknown command %q in %s; its commands are %s", a,
						cmd.CommandPath(), commandNames(cmd))
				}
			}
			return fmt.Errorf("%s is a group; name one of its commands: %s",
				cmd.CommandPath(), commandNames(cmd))
		}
		cmd.InitDefaultHelpFlag()
		if err := cmd.ParseFlags(rest); err != nil {
			return fmt.Errorf("%s: %w", cmd.CommandPath(), err)
		}
		args := cmd.Flags().Args()
		if err := cmd.ValidateArgs(args); err != nil {
			return fmt.Errorf("%s: %w", cmd.CommandPath(), err)
		}
		return nil
	}
}

func commandNames(c *cobra.Command) string {
	var names []string
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			names = append(names, s.Name())
		}
	}
	return strings.Join(names, ", ")
}

// FormatFindingsJSON encodes findings as a JSON list (an empty list when there are none).
func FormatFindingsJSON(findings []Finding) ([]byte, error) {
	if findings == nil {
		findings = []Finding{}
	}
	return json.MarshalIndent(findings, "", "  ")
}

func lintPatterns(nb *Notebook, r *Rules, add addFunc) {
	applies := func(p Pattern, c *Cell) bool {
		return p.Cells == "" || p.Cells == "all" || p.Cells == c.Type
	}
	for _, p := range r.Forbidden {
		re, err := p.compiled()
		if err != nil {
			add(0, RuleForbidden, "bad pattern %q: %v", p.Pattern, err)
			continue
		}
		for i, c := range nb.Cells {
			if applies(p, c) && re.MatchString(c.Source) {
				add(i+1, RuleForbidden, "%s (matches %s)", patternMessage(p), p.Pattern)
			}
		}
	}
	for _, p := range r.Required {
		re, err := p.compiled()
		if err != nil {
			add(0, RuleRequired, "bad pattern %q: %v", p.Pattern, err)
			continue
		}
		if !slices.ContainsFunc(nb.Cells, func(c *Cell) bool {
			return applies(p, c) && re.MatchString(c.Source)
		}) {
			add(0, RuleRequired, "%s (no cell matches %s)", patternMessage(p), p.Pattern)
		}
	}
}

func (p Pattern) compiled() (*regexp.Regexp, error) {
	if p.re != nil {
		return p.re, nil
	}
	return regexp.Compile(p.Pattern)
}

func patternMessage(p Pattern) string {
	if p.Message != "" {
		return p.Message
	}
	return "team rule"
}

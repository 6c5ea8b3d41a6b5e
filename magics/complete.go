package magics

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"gotaegis/emulator/cql"
	"gotaegis/emulator/synth"
	"gotaegis/sdk"
)

// Completer returns the kernel's completion of %taegis code (kernel.EngineOptions'
// TaegisComplete). On a %taegis line, or the first line of a %%taegis cell, it completes the
// command tree's groups and commands, then the options of the command written so far and the
// magic's own options, and the values of --region and --disable-return-display. In the body
// of a %%taegis cell it completes CQL: event types after FROM (and the "alert" type), pipe
// stages after |, and otherwise keywords, operators and the field names of the types the FROM
// clause names.
//
// The field names come from the emulator's synthetic dataset, the same records region local
// serves: the events gateway's schema types events only as a map, so the dataset is the one
// place that lists the fields of each event type. A field real Taegis has and the dataset
// lacks is not offered, which only costs typing it.
//
// env is the Env the command tree is built with for its help texts; nil is fine. The tree and
// the catalog are built once, on first use. Cursors are offsets in Unicode code points, as in
// kernel.Engine.
func Completer(env *Env) func(code string, cursor int) ([]string, int, int) {
	var once sync.Once
	var root *cobra.Command
	tree := func() *cobra.Command {
		once.Do(func() { root = NewRoot(env) })
		return root
	}
	return func(code string, cursor int) ([]string, int, int) {
		return complete(tree, code, cursor)
	}
}

// complete finds what the cursor is in and completes it.
func complete(tree func() *cobra.Command, code string, cursor int) ([]string, int, int) {
	at := byteOffset(code, cursor)
	lead := len(code) - len(strings.TrimLeft(code, " \t\r\n"))
	if strings.HasPrefix(code[lead:], "%%taegis") {
		firstEnd := strings.IndexByte(code[lead:], '\n')
		if firstEnd < 0 || at <= lead+firstEnd {
			return completeLine(tree(), code, lead+len("%%taegis"), at)
		}
		bodyStart := lead + firstEnd + 1
		m, start := completeCQL(code[bodyStart:at])
		return m, runeCount(code[:bodyStart+start]), cursor
	}
	lineStart := strings.LastIndexByte(code[:at], '\n') + 1
	line := code[lineStart:at]
	indent := len(line) - len(strings.TrimLeft(line, " \t"))
	if !strings.HasPrefix(line[indent:], "%taegis") {
		return []string{}, cursor, cursor
	}
	return completeLine(tree(), code, lineStart+indent+len("%taegis"), at)
}

func byteOffset(s string, cursor int) int {
	n := 0
	for i := range s {
		if n == cursor {
			return i
		}
		n++
	}
	return len(s)
}

func runeCount(s string) int { return utf8.RuneCountInString(s) }

// completeLine completes the magic line code[from:at].
func completeLine(root *cobra.Command, code string, from, at int) ([]string, int, int) {
	text := code[from:at]
	words, err := lexLine(text, nil)
	if err != nil {
		// An open quote: the text after it is one value, which has nothing to complete.
		return []string{}, runeCount(code[:at]), runeCount(code[:at])
	}
	prefix, pstart := "", at
	if len(words) > 0 && words[len(words)-1].end == len(text) &&
		!strings.HasSuffix(text, " ") && !strings.HasSuffix(text, "\t") {
		last := words[len(words)-1]
		prefix, pstart = last.text, from+last.start
		words = words[:len(words)-1]
	}
	cmd := root
	expectValue := false
	var prevFlag string
	for _, w := range words {
		if expectValue {
			expectValue = false
			continue
		}
		if strings.HasPrefix(w.text, "-") {
			name, _, inline := strings.Cut(w.text, "=")
			prevFlag = name
			if !inline && flagTakesValue(cmd, name) {
				expectValue = true
			}
			continue
		}
		if sub := findSub(cmd, w.text); sub != nil {
			cmd = sub
		}
	}
	var cands []string
	switch {
	case expectValue && prevFlag == "--disable-return-display":
		cands = []string{string(DisplayAlways), string(DisplayNever), string(DisplayIfFound)}
	case expectValue && prevFlag == "--region":
		cands = regionNames()
	case expectValue:
		return []string{}, runeCount(code[:at]), runeCount(code[:at])
	case strings.HasPrefix(prefix, "-"):
		cands = flagNames(cmd)
	default:
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				cands = append(cands, c.Name())
			}
		}
	}
	out := []string{}
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return slices.Compact(out), runeCount(code[:pstart]), runeCount(code[:at])
}

// regionNames are the names and aliases of the built-in regions and the configured ones.
func regionNames() []string {
	settings, err := sdk.LoadSettings(sdk.ConfigDir())
	if err != nil {
		settings = nil
	}
	var out []string
	for _, r := range sdk.Regions(settings) {
		out = append(out, r.Name)
		out = append(out, r.Aliases...)
	}
	return out
}

func findSub(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || slices.Contains(c.Aliases, name) {
			return c
		}
	}
	return nil
}

// flagTakesValue reports whether the option name (a magic option, or one of cmd's) is
// followed by a value.
func flagTakesValue(cmd *cobra.Command, name string) bool {
	if takes, ok := magicFlags[name]; ok {
		return takes
	}
	var f *pflag.Flag
	if long, ok := strings.CutPrefix(name, "--"); ok {
		f = cmd.Flags().Lookup(long)
		if f == nil {
			f = cmd.InheritedFlags().Lookup(long)
		}
	} else if len(name) == 2 {
		f = cmd.Flags().ShorthandLookup(name[1:])
		if f == nil {
			f = cmd.InheritedFlags().ShorthandLookup(name[1:])
		}
	}
	return f != nil && f.NoOptDefVal == ""
}

// flagNames are the options of cmd (its own and inherited, without --format, which only a
// shell uses) and the magic's.
func flagNames(cmd *cobra.Command) []string {
	var out []string
	add := func(f *pflag.Flag) {
		if !f.Hidden && f.Name != "format" {
			out = append(out, "--"+f.Name)
		}
	}
	cmd.Flags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	for name := range magicFlags {
		if strings.HasPrefix(name, "--") {
			out = append(out, name)
		}
	}
	return append(out, "--help")
}

// completeCQL completes the word that ends text, the cell body up to the cursor. It returns
// the matches and the byte offset in text where the word starts.
func completeCQL(text string) ([]string, int) {
	start := len(text)
	for start > 0 {
		c := text[start-1]
		if !(c == '_' || c == '.' || c == '@' || c == '!' || 'a' <= c && c <= 'z' ||
			'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80) {
			break
		}
		start--
	}
	prefix := text[start:]
	before := strings.TrimRight(text[:start], " \t\r\n")
	var cands []string
	switch {
	case strings.HasSuffix(before, "|"):
		cands = cql.Pipes()
	case afterFrom(before):
		cands = append([]string{"alert"}, synth.EventTypes()...)
	default:
		cands = append(cands, cql.Keywords()...)
		cands = append(cands, cql.Operators()...)
		cands = append(cands, fieldsOf(fromTypes(text))...)
	}
	out := []string{}
	upper := strings.ToUpper(prefix)
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) || isUpperWord(c) && strings.HasPrefix(c, upper) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return slices.Compact(out), start
}

// isUpperWord reports whether s is a keyword or operator, which match case-insensitively.
func isUpperWord(s string) bool { return s == strings.ToUpper(s) }

// afterFrom reports whether before ends with FROM or with FROM and a list of types and a
// comma, so that the next word is an event type.
func afterFrom(before string) bool {
	fields := strings.FieldsFunc(before, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	if len(fields) == 0 {
		return false
	}
	last := fields[len(fields)-1]
	if strings.EqualFold(last, "FROM") {
		return true
	}
	if !strings.HasSuffix(last, ",") {
		return false
	}
	for i := len(fields) - 1; i >= 0; i-- {
		if strings.EqualFold(fields[i], "FROM") {
			return true
		}
		if !strings.HasSuffix(fields[i], ",") && i != len(fields)-1 {
			return false
		}
	}
	return false
}

// fromTypes returns the types the FROM clause of text names.
func fromTypes(text string) []string {
	fields := strings.Fields(text)
	for i, f := range fields {
		if !strings.EqualFold(f, "FROM") {
			continue
		}
		var out []string
		for _, g := range fields[i+1:] {
			for _, t := range strings.Split(g, ",") {
				if t != "" {
					out = append(out, strings.ToLower(t))
				}
			}
			if !strings.HasSuffix(g, ",") {
				break
			}
		}
		return out
	}
	return nil
}

// catalog is the field names of each type, from the synthetic dataset.
var catalog = sync.OnceValue(func() map[string][]string {
	d := synth.Generate(synth.Config{Seed: 1, Tenants: 1, Scale: 0.05})
	out := map[string][]string{}
	tenant := d.TenantIDs()[0]
	collect := func(typ string, recs func(func(map[string]any) bool)) {
		seen := map[string]bool{}
		n := 0
		recs(func(r map[string]any) bool {
			for _, name := range fieldPaths(r, "", 3) {
				if !seen[name] {
					seen[name] = true
					out[typ] = append(out[typ], name)
				}
			}
			n++
			return n < 200
		})
	}
	collect("alert", func(fn func(map[string]any) bool) {
		for _, r := range d.AlertsOf(tenant) {
			if !fn(r) {
				return
			}
		}
	})
	for _, typ := range synth.EventTypes() {
		collect(typ, func(fn func(map[string]any) bool) { _ = d.ScanEvents(tenant, typ, fn) })
	}
	return out
})

// fieldPaths returns the dotted names of the fields of r, nested objects down to depth.
func fieldPaths(r map[string]any, prefix string, depth int) []string {
	var out []string
	for k, v := range r {
		name := prefix + k
		if m, ok := v.(map[string]any); ok && depth > 1 {
			out = append(out, fieldPaths(m, name+".", depth-1)...)
			continue
		}
		out = append(out, name)
	}
	return out
}

// fieldsOf returns the field names of the types given.
func fieldsOf(types []string) []string {
	var out []string
	cat := catalog()
	for _, t := range types {
		out = append(out, cat[t]...)
	}
	return out
}

package magics

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"gotaegis/dataframe"
)

// Formats are the shell output formats Write accepts.
var Formats = []string{"json", "ndjson", "csv", "table"}

// Write prints a Result in a shell. json (the default, also for "") is one JSON array of the
// records with their GraphQL field names, like upstream's CLI; ndjson is one record a line;
// csv and table flatten the records as the notebook's DataFrame does (table cuts long cells
// at 50 characters, as pandas does). A Result without records but with a Message prints the
// message as text, for a person to read; in ndjson, for a program, it is one JSON string.
func Write(w io.Writer, r *Result, format string) error {
	if r == nil {
		return nil
	}
	records := r.Records
	if records == nil {
		records = []map[string]any{}
	}
	if len(records) == 0 && r.Message != "" {
		if format == "ndjson" {
			b, err := json.Marshal(r.Message)
			if err != nil {
				return fmt.Errorf("write message: %w", err)
			}
			_, err = fmt.Fprintf(w, "%s\n", b)
			return err
		}
		_, err := fmt.Fprintln(w, r.Message)
		return err
	}
	switch format {
	case "", "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(records); err != nil {
			return fmt.Errorf("write json: %w", err)
		}
		return nil
	case "ndjson":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, rec := range records {
			if err := enc.Encode(rec); err != nil {
				return fmt.Errorf("write ndjson: %w", err)
			}
		}
		return nil
	case "csv", "table":
		t, err := dataframe.TableFromRecords(records)
		if err != nil {
			return fmt.Errorf("write %s: %w", format, err)
		}
		if format == "csv" {
			return t.WriteCSV(w, dataframe.RenderOptions{})
		}
		var b strings.Builder
		if err := t.WriteText(&b, dataframe.RenderOptions{}); err != nil {
			return err
		}
		text := b.String()
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		_, err = io.WriteString(w, text)
		return err
	}
	return fmt.Errorf("unknown output format %q; use one of: %s", format,
		strings.Join(Formats, ", "))
}

// suggestFlag is the flag error function of every group: an unknown option is named together
// with the closest option the command has, because cobra suggests only commands.
func suggestFlag(cmd *cobra.Command, err error) error {
	// A command the group does not have, followed by its options, reaches here as the
	// group's unknown option: name the command instead (alerts history --id X).
	if cmd.HasSubCommands() {
		if args := cmd.Flags().Args(); len(args) > 0 {
			return unknownCommand(cmd, args)
		}
	}
	msg := err.Error()
	name := ""
	switch {
	case strings.HasPrefix(msg, "unknown flag: --"):
		name = strings.TrimPrefix(msg, "unknown flag: --")
	case strings.HasPrefix(msg, "unknown shorthand flag: "):
		return fmt.Errorf("%s: %w (see %s --help)", commandPath(cmd), err, cmd.CommandPath())
	default:
		return fmt.Errorf("%s: %w", commandPath(cmd), err)
	}
	if best := closestFlag(cmd, name); best != "" {
		return fmt.Errorf("%s: unknown option --%s; did you mean --%s?", commandPath(cmd),
			name, best)
	}
	return fmt.Errorf("%s: unknown option --%s (see %s --help)", commandPath(cmd), name,
		cmd.CommandPath())
}

// closestFlag returns the name of cmd's option nearest to name: within an edit distance of a
// third of its length (at least 2), or one that starts with name. Ties go to the first in
// alphabetical order, so the answer is stable.
func closestFlag(cmd *cobra.Command, name string) string {
	var names []string
	seen := map[string]bool{}
	add := func(f *pflag.Flag) {
		if !f.Hidden && !seen[f.Name] {
			seen[f.Name] = true
			names = append(names, f.Name)
		}
	}
	cmd.Flags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	sort.Strings(names)

	best, bestDist := "", -1
	limit := max(2, len(name)/3)
	for _, n := range names {
		d := editDistance(name, n)
		if d <= limit && (bestDist < 0 || d < bestDist) {
			best, bestDist = n, d
		}
	}
	if best != "" {
		return best
	}
	if len(name) >= 3 {
		for _, n := range names {
			if strings.HasPrefix(n, name) {
				return n
			}
		}
	}
	return ""
}

// editDistance is the Damerau-Levenshtein distance (adjacent transpositions count once)
// between a and b, in bytes.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

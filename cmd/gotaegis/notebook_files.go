package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"gotaegis/magics"
	"gotaegis/notebook"
)

func init() {
	notebookCmd.AddCommand(notebookConvertCmd(), notebookCreateCmd(), notebookLintCmd())
}

func notebookConvertCmd() *cobra.Command {
	var to, out string
	c := &cobra.Command{
		Use:   "convert IN --to myst|ipynb [-o OUT]",
		Short: "Convert a notebook between nbformat (.ipynb) and MyST markdown (.md)",
		Long: `convert reads IN (either format) and writes it as MyST markdown, the way jupytext
lays it out, or as nbformat JSON, the way Jupyter writes it. Sources, cell types, tags and
cell and notebook metadata survive both ways; outputs are not written to MyST.

OUT defaults to IN with the new extension (.md or .ipynb); "-" writes to standard output.
convert never writes over IN.`,
		Example: `  gotaegis notebook convert hunt.ipynb --to myst
  gotaegis notebook convert examples/encoded-powershell.md --to ipynb -o /tmp/ps.ipynb`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return convertNotebook(cmd.OutOrStdout(), args[0], to, out)
		},
	}
	c.Flags().StringVar(&to, "to", "", "the output format: myst or ipynb (required)")
	c.Flags().StringVarP(&out, "output", "o", "", "the output `FILE` (default: IN with "+
		"the new extension; - for standard output)")
	_ = c.MarkFlagRequired("to")
	return c
}

func convertNotebook(stdout io.Writer, in, to, out string) error {
	var ext string
	switch strings.ToLower(to) {
	case "myst", "md":
		to, ext = notebook.FormatMyST, ".md"
	case "ipynb", "notebook":
		to, ext = notebook.FormatIPYNB, ".ipynb"
	default:
		return fmt.Errorf("convert: unknown format %q; use --to myst or --to ipynb", to)
	}
	nb, err := notebook.Read(in)
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	if to == notebook.FormatIPYNB {
		// MyST keeps no cell ids; nbformat 4.5 requires them.
		nb.EnsureCellIDs()
	}
	if out == "-" {
		if to == notebook.FormatMyST {
			return nb.WriteMyST(stdout)
		}
		return nb.WriteIPYNB(stdout)
	}
	if out == "" {
		out = strings.TrimSuffix(in, filepath.Ext(in)) + ext
	}
	if same, _ := samePath(in, out); same {
		return fmt.Errorf("convert: %s would overwrite the input; name another with -o", out)
	}
	var data []byte
	if to == notebook.FormatMyST {
		data, err = nb.MarshalMyST()
	} else {
		data, err = nb.MarshalIPYNB()
	}
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	if err := writeFileAtomically(out, data); err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	return nil
}

// samePath reports whether a and b name the same file (or, for a file that does not exist
// yet, the same cleaned absolute path).
func samePath(a, b string) (bool, error) {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb), nil
	}
	absA, err := filepath.Abs(a)
	if err != nil {
		return false, err
	}
	absB, err := filepath.Abs(b)
	return absA == absB, err
}

// writeFileAtomically writes data to a temporary file beside path and renames it into place.
func writeFileAtomically(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

func notebookCreateCmd() *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "create OUT",
		Short: "Write a starter hunting procedure (.md for MyST, .ipynb for a notebook)",
		Long: `create writes a starter hunting procedure to OUT: hunting metadata to fill in
(title, description, authors, version, tags, MITRE ATT&CK technique ids, data sources), a
parameters cell (TENANT_ID, REGION, INVESTIGATION_TITLE, LOOKBACK) that execute and fanout
override, the sections Title, Executive Summary, Technical Analysis, Findings and
Recommendations, an alerts search, evidence staging, the report and the investigation.

OUT ending in .md is written as MyST markdown, anything else as nbformat JSON. The starter
passes gotaegis notebook lint.`,
		Example: `  gotaegis notebook create hunts/lateral-movement.md
  gotaegis notebook lint hunts/lateral-movement.md`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := notebook.Create(args[0], force); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s; fill in its hunting metadata, then run: "+
				"gotaegis notebook lint %s\n", args[0], args[0])
			return nil
		},
	}
	c.Flags().BoolVar(&force, "force", false, "replace OUT if it exists")
	return c
}

func notebookLintCmd() *cobra.Command {
	var rulesFile, format string
	c := &cobra.Command{
		Use:   "lint PATH...",
		Short: "Check hunting procedures against the built-in and a team's rules",
		Long: `lint checks each notebook (.ipynb or MyST .md; a directory stands for those under
it) and prints one finding a line, "file:cell N: rule: message", exiting 1 when there is any.

The rules: kernelspec (present, with name, display_name, language); hunting-metadata
(metadata.hunting with title, description, authors, a version such as 1.0.0, tags, MITRE
ATT&CK ids such as T1059.001, data sources); sections (the headings Title, Executive Summary,
Technical Analysis, Findings, Recommendations, in order); parameters (a cell tagged
parameters); outputs (none committed); secrets (nothing that looks like a client secret, a
JWT, an AWS key, a private key or a password); go-syntax (every Go cell parses, magic and
shell lines aside); taegis-command (every %taegis line names a known command with known
options).

--rules FILE adds a team's conventions, in YAML:

  required_sections: [Title, Scope, Findings]    # replaces the built-in list
  required_metadata: [owner]                     # keys of metadata.hunting, added
  forbidden_patterns:                            # no cell may match
    - {pattern: 'EARLIEST=-\d+d', message: use the LOOKBACK parameter, cells: code}
  required_patterns:                             # some cell must match
    - {pattern: '--track', message: track every search}
  disable: [outputs]                             # built-in rules to skip`,
		Example: `  gotaegis notebook lint examples/
  gotaegis notebook lint hunt.md --rules team-rules.yaml --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return lintNotebooks(cmd.OutOrStdout(), args, rulesFile, format)
		},
	}
	c.Flags().StringVar(&rulesFile, "rules", "", "a team's rules `FILE` (YAML)")
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}

func lintNotebooks(stdout io.Writer, paths []string, rulesFile, format string) error {
	if format != "text" && format != "json" {
		return fmt.Errorf("lint: unknown format %q; use --format text or --format json", format)
	}
	l := &notebook.Linter{Taegis: taegisChecker()}
	if rulesFile != "" {
		r, err := notebook.LoadRules(rulesFile)
		if err != nil {
			return err
		}
		l.Rules = r
	}
	findings, err := l.LintPaths(paths)
	if err != nil {
		return err
	}
	if format == "json" {
		data, err := notebook.FormatFindingsJSON(findings)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(data))
	} else {
		for _, f := range findings {
			fmt.Fprintln(stdout, f)
		}
	}
	if len(findings) > 0 {
		// The exit status is 1; the findings are already on standard output.
		return fmt.Errorf("lint: %d findings", len(findings))
	}
	return nil
}

// taegisChecker checks %taegis lines against the magics' command tree, split as the magic
// splits them (references left as written) and without the magic's own options.
func taegisChecker() notebook.CommandChecker {
	return notebook.CobraChecker(magics.NewRoot(nil),
		func(line string) ([]string, error) { return magics.SplitLine(line, nil) },
		func(words []string) ([]string, error) {
			o, err := magics.ParseOptions(words)
			if err != nil {
				return nil, err
			}
			return o.Args, nil
		})
}

package magics

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gotaegis/kernel"
	"gotaegis/kernel/display"
)

// ReportMagic is the line magic that writes a notebook's markdown report.
const ReportMagic = "%generate_report"

// ReportVar is the environment variable, and the session variable, that %generate_report sets
// to the absolute path of the report it wrote.
const ReportVar = "TAEGIS_REPORT_FILENAME"

// ReportFunc returns the markdown report of the notebook file at path (notebook.Report on the
// file as read from disk).
type ReportFunc func(path string) (string, error)

const reportUsage = `Usage: %generate_report [OUT]

Writes the markdown report of this notebook, as last saved, to OUT (default <stem>.report.md
beside the notebook): its markdown cells and rich outputs, code and streams left out, the
remove_cell, remove_input and remove_output tags honoured. The notebook is the file named by
TAEGIS_NOTEBOOK_FILENAME (a session variable or the environment; gotaegis notebook execute sets
it) or the Jupyter session's notebook. The report's absolute path goes to ` + ReportVar + `.
`

// WithReport returns a hook that runs %generate_report lines with report and passes every
// other line to next. getenv reads the environment (nil: os.Getenv).
func WithReport(next kernel.TaegisHook, report ReportFunc,
	getenv func(string) string) kernel.TaegisHook {
	if getenv == nil {
		getenv = os.Getenv
	}
	return func(ctx context.Context, line, body string, vars kernel.Vars, out kernel.Output) (
		*display.Bundle, error) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), ReportMagic)
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			return next(ctx, line, body, vars, out)
		}
		return nil, generateReport(strings.TrimSpace(rest), report, getenv, vars, out)
	}
}

func generateReport(args string, report ReportFunc, getenv func(string) string,
	vars kernel.Vars, out kernel.Output) error {
	words, err := SplitLine(args, vars)
	if err != nil {
		return fmt.Errorf("%s: %w", ReportMagic, err)
	}
	for _, w := range words {
		if w == "-h" || w == "--help" {
			out.Stream("stdout", reportUsage)
			return nil
		}
	}
	if len(words) > 1 || (len(words) == 1 && strings.HasPrefix(words[0], "-")) {
		return fmt.Errorf("%s: unexpected arguments %q; usage: %s [OUT]", ReportMagic,
			strings.Join(words, " "), ReportMagic)
	}
	if report == nil {
		return errors.New(ReportMagic + ": this kernel cannot render reports; start it with " +
			"gotaegis kernel")
	}
	nbPath, err := savedNotebook(vars, getenv)
	if err != nil {
		return err
	}
	md, err := report(nbPath)
	if err != nil {
		return fmt.Errorf("%s: %w", ReportMagic, err)
	}
	dst := reportPath(nbPath)
	if len(words) == 1 {
		dst = words[0]
	}
	if dst, err = filepath.Abs(dst); err != nil {
		return fmt.Errorf("%s: %w", ReportMagic, err)
	}
	if err := writeFileAtomic(dst, []byte(md)); err != nil {
		return fmt.Errorf("%s: %w", ReportMagic, err)
	}
	if err := os.Setenv(ReportVar, dst); err != nil {
		return fmt.Errorf("%s: set %s: %w", ReportMagic, ReportVar, err)
	}
	if vars != nil {
		if err := vars.Set(ReportVar, dst); err != nil {
			return fmt.Errorf("%s: set %s: %w", ReportMagic, ReportVar, err)
		}
	}
	out.Stream("stdout", "Report written to "+dst+"\n")
	return nil
}

// savedNotebook is the notebook file the report reads: TAEGIS_NOTEBOOK_FILENAME as a session
// variable, else from the environment, else the Jupyter session's name.
func savedNotebook(vars kernel.Vars, getenv func(string) string) (string, error) {
	var candidates []string
	if vars != nil {
		if v, ok := vars.Get("TAEGIS_NOTEBOOK_FILENAME"); ok {
			if s, ok := v.(string); ok && s != "" {
				candidates = append(candidates, s)
			}
		}
	}
	if s := getenv("TAEGIS_NOTEBOOK_FILENAME"); s != "" {
		candidates = append(candidates, s)
	}
	if s := getenv("JPY_SESSION_NAME"); s != "" {
		candidates = append(candidates, s, filepath.Base(s))
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c, nil
		}
	}
	if len(candidates) > 0 {
		return "", fmt.Errorf("%s: notebook %s not found; save the notebook first, or set "+
			"TAEGIS_NOTEBOOK_FILENAME to its path", ReportMagic, candidates[0])
	}
	return "", errors.New(ReportMagic + ": cannot tell which notebook this is; set " +
		"TAEGIS_NOTEBOOK_FILENAME = \"hunt.ipynb\" in a cell (or in the environment)")
}

// reportPath is <stem>.report.md beside the notebook.
func reportPath(nbPath string) string {
	dir, base := filepath.Split(nbPath)
	return filepath.Join(dir, strings.TrimSuffix(base, filepath.Ext(base))+".report.md")
}

// writeFileAtomic writes data to path through a temporary file in the same directory.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}

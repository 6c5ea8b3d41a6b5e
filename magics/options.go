package magics

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// ReturnDisplay says when a magic shows the table of its result.
type ReturnDisplay string

// The values of --disable-return-display.
const (
	DisplayAlways  ReturnDisplay = "off"      // always show the summary and the table
	DisplayNever   ReturnDisplay = "all"      // show nothing; the variables are still set
	DisplayIfFound ReturnDisplay = "on_empty" // show nothing when no record came back
)

// LevelTrace is the level --trace logs at, below slog.LevelDebug.
const LevelTrace = slog.LevelDebug - 4

// Options are the magic's own options, taken out of a %taegis line before the rest goes to
// the command tree.
type Options struct {
	Assign  string // --assign NAME: bind the result's DataFrame to NAME
	Append  string // --append NAME: add the result's rows to the DataFrame NAME
	Display string // --display NAME: show NAME's DataFrame instead of the result's table

	// ReturnDisplay is --disable-return-display; empty means DisplayAlways.
	ReturnDisplay ReturnDisplay

	Cell             string // --cell TEXT: the query, replacing the cell body
	HasCell          bool   // --cell was given, even as ""
	CellTemplate     bool   // -t/--cell-template: render the query as a Go template
	CellTemplateFile string // -f/--cell-template-file PATH: the template, read from PATH

	Cache bool // --cache: serve the result from the notebook's saved output when it matches

	// DisplayRows is --display-rows N: how many rows the table shows; 0 means the default.
	DisplayRows int

	// Level is the log level of this call: slog.LevelInfo with --verbose, slog.LevelDebug
	// with --debug, LevelTrace with --trace; slog.LevelWarn without any.
	Level slog.Level

	// Help is -h/--help: print the magic's help, then the command's.
	Help bool

	// Args is the rest of the line, for Run: the command, its arguments and its options.
	Args []string
}

// defaultDisplayRows is how many rows a result's table shows unless --display-rows says.
const defaultDisplayRows = 20

// magicFlags are the options ParseOptions takes, with whether each takes a value.
var magicFlags = map[string]bool{
	"--assign": true, "--append": true, "--display": true, "--disable-return-display": true,
	"--cell": true, "-t": false, "--cell-template": false, "-f": true,
	"--cell-template-file": true, "--cache": false, "--display-rows": true,
	"--verbose": false, "--debug": false, "--trace": false,
}

// ParseOptions takes the magic options out of args, wherever they stand, and leaves the rest
// in Options.Args in order. "--" ends the magic options: everything after it goes to the
// command as it is, which is how a command gets an option spelled like a magic one (-t, -f).
// -h and --help are noted and also left for the command, so that its help prints too. Options
// are not abbreviated; a value is the next argument or follows "=".
func ParseOptions(args []string) (*Options, error) {
	o := &Options{Level: slog.LevelWarn}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			o.Args = append(o.Args, args[i+1:]...)
			break
		}
		if a == "-h" || a == "--help" {
			o.Help = true
			o.Args = append(o.Args, a)
			continue
		}
		name, value, inline := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "--") {
			name, inline = a, false
		}
		takes, ok := magicFlags[name]
		if !ok {
			o.Args = append(o.Args, a)
			continue
		}
		if !takes {
			if inline {
				return nil, fmt.Errorf("%s takes no value; write %s alone", name, name)
			}
			o.flag(name)
			continue
		}
		if !inline {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("%s needs a value: %s", name, valueHint(name))
			}
			i++
			value = args[i]
		}
		if err := o.set(name, value); err != nil {
			return nil, err
		}
	}
	return o, o.check()
}

func (o *Options) flag(name string) {
	switch name {
	case "-t", "--cell-template":
		o.CellTemplate = true
	case "--cache":
		o.Cache = true
	case "--verbose":
		o.Level = min(o.Level, slog.LevelInfo)
	case "--debug":
		o.Level = min(o.Level, slog.LevelDebug)
	case "--trace":
		o.Level = LevelTrace
	}
}

func (o *Options) set(name, value string) error {
	switch name {
	case "--assign", "--append", "--display":
		if !isIdent(value) {
			return fmt.Errorf("%s %q: not a Go variable name; use letters, digits and _, "+
				"not starting with a digit", name, value)
		}
		switch name {
		case "--assign":
			o.Assign = value
		case "--append":
			o.Append = value
		default:
			o.Display = value
		}
	case "--disable-return-display":
		switch d := ReturnDisplay(value); d {
		case DisplayAlways, DisplayNever, DisplayIfFound:
			o.ReturnDisplay = d
		default:
			return fmt.Errorf("--disable-return-display %q: use off, all or on_empty", value)
		}
	case "--cell":
		o.Cell, o.HasCell = value, true
	case "-f", "--cell-template-file":
		if value == "" {
			return errors.New("--cell-template-file needs a file name")
		}
		o.CellTemplateFile = value
	case "--display-rows":
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return fmt.Errorf("--display-rows %q: use a whole number of rows, 0 for the "+
				"default %d", value, defaultDisplayRows)
		}
		o.DisplayRows = n
	}
	return nil
}

func (o *Options) check() error {
	if o.Assign != "" && o.Append != "" {
		return errors.New("--assign and --append exclude each other: --assign replaces the " +
			"variable, --append adds rows to it; give one")
	}
	if o.ReturnDisplay == "" {
		o.ReturnDisplay = DisplayAlways
	}
	return nil
}

func valueHint(name string) string {
	switch name {
	case "--assign", "--append", "--display":
		return "a Go variable name, as in " + name + " alerts"
	case "--disable-return-display":
		return "off, all or on_empty"
	case "--cell":
		return "the query text, as in --cell \"$query\""
	case "--display-rows":
		return "a number of rows"
	}
	return "a file name, as in " + name + " hunt.ql"
}

// Target is the variable a result's DataFrame goes to: the --assign or --append name, or ""
// when the line gives neither.
func (o *Options) Target() string {
	if o.Assign != "" {
		return o.Assign
	}
	return o.Append
}

// magicHelp is what %taegis --help prints before the command's own help.
const magicHelp = `%taegis GROUP COMMAND [ARGS] [OPTIONS]     one command on a line
%%taegis GROUP COMMAND [ARGS] [OPTIONS]    the rest of the cell is the query (CQL)

Magic options (anywhere on the line; "--" ends them):
  --assign NAME           bind the result as a gota dataframe.DataFrame to the Go variable NAME
  --append NAME           add the result's rows to the DataFrame NAME (created when missing)
  --display NAME          show NAME's DataFrame instead of the result's table
  --disable-return-display off|all|on_empty
                          all: show nothing; on_empty: show nothing when no record came back
  --display-rows N        rows of the table to show (default 20)
  --cell TEXT             the query, instead of the cell body (--cell "$query")
  -t, --cell-template     render the query as a Go text/template over the session's
                          variables: {{ .ips | in "@ip" }} gives @ip IN ('1.1.1.1','8.8.8.8');
                          also not_in, or, and, regex (matches_regex), not_regex
  -f, --cell-template-file PATH
                          read the template from PATH (implies -t); the cell may {{define}}
                          the blocks the file leaves to it
  --cache                 reuse the result saved in this notebook's output when the line,
                          query, region and tenants are unchanged (TAEGIS_NOTEBOOK_FILENAME)
  --verbose, --debug, --trace
                          log this call's steps on stderr

In the line, $name, ${name} and {expr} are replaced by Go values ($$, {{ and }} are literal
$, { and }); quote the way a shell does. The cell body is sent as written: put values in it
with -t. taegisResult always holds the last *magics.Result, taegisCell the query sent. A
variable a magic binds is known from the next cell on.
`

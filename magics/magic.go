package magics

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	gota "github.com/go-gota/gota/dataframe"

	"gotaegis/dataframe"
	"gotaegis/kernel"
	"gotaegis/kernel/display"
	"gotaegis/sdk"
)

// ResultVar is the session variable that always holds the last magic's *Result.
const ResultVar = "taegisResult"

// CellVar is the session variable that holds the query the last magic sent.
const CellVar = "taegisCell"

// NewHook returns the kernel's %taegis and %%taegis hook. Each call runs one command of the
// tree Run serves, in a copy of env whose Cell is the query, whose Stdout and Stderr are the
// cell's streams and whose Frame reads DataFrame variables of the session; env's Client,
// Evidence, Now and Getenv are used as they are. env may be nil for a kernel that cannot
// reach Taegis (every command that calls it then says so).
func NewHook(env *Env) kernel.TaegisHook { return NewHookNotices(env, nil) }

// NewHookNotices is NewHook with notices: while a call runs, what is written to notices
// reaches that cell's stderr (see CellNotices). notices may be nil.
func NewHookNotices(env *Env, notices *CellNotices) kernel.TaegisHook {
	base := Env{}
	if env != nil {
		base = *env
	}
	if base.Getenv == nil {
		base.Getenv = os.Getenv
	}
	return func(ctx context.Context, line, body string, vars kernel.Vars, out kernel.Output) (
		b *display.Bundle, err error) {
		defer func() {
			// A value's method that a template calls, or a DataFrame operation, may panic;
			// the cell fails with that, and the kernel goes on.
			if p := recover(); p != nil {
				b, err = nil, fmt.Errorf("%%taegis: internal error: %v", p)
			}
		}()
		defer notices.attach(out)()
		c := &call{env: base, vars: vars, out: out}
		return c.run(ctx, line, body)
	}
}

// call is one run of the hook.
type call struct {
	env  Env
	vars kernel.Vars
	out  kernel.Output
	opts *Options
}

// streamWriter writes to one of the cell's streams.
type streamWriter struct {
	out  kernel.Output
	name string
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.out.Stream(w.name, string(p))
	return len(p), nil
}

// logf writes a message of this call's log on the cell's stderr when the call's level lets it
// through.
func (c *call) logf(level slog.Level, format string, args ...any) {
	if c.opts == nil || c.opts.Level > level {
		return
	}
	name := "info"
	switch {
	case level <= LevelTrace:
		name = "trace"
	case level <= slog.LevelDebug:
		name = "debug"
	}
	c.out.Stream("stderr", "taegis "+name+": "+fmt.Sprintf(format, args...)+"\n")
}

func (c *call) run(ctx context.Context, line, body string) (*display.Bundle, error) {
	text, body := magicText(line, body)
	words, err := SplitLine(text, c.vars)
	if err != nil {
		return nil, fmt.Errorf("%%taegis: %w", err)
	}
	if c.opts, err = ParseOptions(words); err != nil {
		return nil, fmt.Errorf("%%taegis: %w", err)
	}
	o := c.opts
	c.logf(slog.LevelDebug, "args %q", o.Args)
	if len(o.Args) > 0 && o.Args[0] == "help" {
		o.Help, o.Args = true, append(o.Args[1:], "--help")
	}
	if o.Help || len(o.Args) == 0 {
		return nil, c.help(ctx)
	}

	cell, err := c.query(body)
	if err != nil {
		return nil, err
	}
	c.logf(LevelTrace, "query %q", cell)

	var res *Result
	var cacheKey string
	if o.Cache {
		// The key holds the line's values, not its $name references, so that a changed
		// variable is a new call.
		line, _ := json.Marshal(words)
		if region, tenants, err := c.scope(ctx); err != nil {
			c.out.Stream("stderr", "warning: --cache: "+err.Error()+"; running the command\n")
		} else {
			cacheKey = CacheKey(string(line), cell, region, tenants)
			res = c.cached(cacheKey)
		}
	}
	if res == nil {
		env := c.env
		env.Cell = cell
		env.Stdout = streamWriter{c.out, "stdout"}
		env.Stderr = streamWriter{c.out, "stderr"}
		env.Frame = c.frame
		start := time.Now()
		res, err = Run(ctx, &env, o.Args)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("taegis %s: interrupted", commandName(o.Args))
			}
			return nil, commandError(o.Args, err)
		}
		if res.Command == "" {
			// A group without its command printed its help; there is no result.
			return nil, nil
		}
		c.logf(slog.LevelInfo, "%s: %d records in %s", res.Command, len(res.Records),
			time.Since(start).Round(time.Millisecond))
	}
	if err := c.vars.Set(ResultVar, res); err != nil {
		return nil, fmt.Errorf("%%taegis: %w", err)
	}
	if err := c.vars.Set(CellVar, cell); err != nil {
		return nil, fmt.Errorf("%%taegis: %w", err)
	}
	table, err := dataframe.TableFromRecords(res.Records)
	if err != nil {
		return nil, fmt.Errorf("%%taegis: %w", err)
	}
	if err := c.bind(table); err != nil {
		return nil, err
	}
	return c.show(res, table, cacheKey)
}

// magicText returns the magic line without its %taegis or %%taegis and the cell body; the
// lines of a %%taegis first line that ends in \ continue it and leave the body.
func magicText(line, body string) (string, string) {
	text := strings.TrimSpace(line)
	cellMagic := strings.HasPrefix(text, "%%")
	text = strings.TrimPrefix(strings.TrimPrefix(text, "%%taegis"), "%taegis")
	for cellMagic && strings.HasSuffix(text, "\\") && body != "" {
		next, rest, _ := strings.Cut(body, "\n")
		text = strings.TrimRight(strings.TrimSuffix(text, "\\"), " \t") + " " +
			strings.TrimSpace(next)
		body = rest
	}
	return strings.TrimSpace(text), body
}

// commandName is the command path at the start of args, as the tree knows it, for error
// messages: "alerts search", or the words up to the first unknown one.
func commandName(args []string) string {
	cmd := NewRoot(nil)
	var names []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		sub := findSub(cmd, a)
		if sub == nil {
			if len(names) == 0 || cmd.HasSubCommands() {
				names = append(names, a)
			}
			break
		}
		cmd = sub
		names = append(names, a)
	}
	return strings.Join(names, " ")
}

// commandError is err of the command args, named once, with a suggestion when the command
// is unknown.
func commandError(args []string, err error) error {
	name := commandName(args)
	hint := suggestCommand(args, err)
	if name != "" && strings.HasPrefix(err.Error(), name+":") {
		if hint == "" {
			return err
		}
		return fmt.Errorf("%w%s", err, hint)
	}
	return fmt.Errorf("taegis %s: %w%s", name, err, hint)
}

// suggestCommand returns "; did you mean X?" for an unknown command of the tree that is
// close to a known one, else "".
func suggestCommand(args []string, err error) string {
	if !strings.Contains(err.Error(), "unknown command") {
		return ""
	}
	cmd := NewRoot(nil)
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		sub := findSub(cmd, a)
		if sub == nil {
			cmd.SuggestionsMinimumDistance = 2
			if s := cmd.SuggestionsFor(a); len(s) > 0 {
				return fmt.Sprintf("; did you mean %q?", strings.Join(s, `" or "`))
			}
			return fmt.Sprintf(" (%%taegis %s --help lists them)", commandPath(cmd))
		}
		cmd = sub
	}
	return ""
}

// help prints the magic's options, then the command tree's help for the words given.
func (c *call) help(ctx context.Context) error {
	c.out.Stream("stdout", magicHelp+"\n")
	env := c.env
	env.Stdout = streamWriter{c.out, "stdout"}
	env.Stderr = streamWriter{c.out, "stderr"}
	args := c.opts.Args
	if len(args) == 0 {
		args = []string{"--help"}
	}
	if _, err := Run(ctx, &env, args); err != nil {
		return fmt.Errorf("taegis %s: %w", commandName(args), err)
	}
	return nil
}

// query returns the query the command gets: the cell body, or --cell, rendered when a
// template option says so.
func (c *call) query(body string) (string, error) {
	o := c.opts
	cell := body
	if o.HasCell {
		cell = o.Cell
	}
	if !o.CellTemplate && o.CellTemplateFile == "" {
		return cell, nil
	}
	return RenderTemplate(cell, o.CellTemplateFile, c.vars)
}

// region is the region the command will run in as far as the line and the environment tell,
// for the cache key.
func (c *call) region() string {
	if v := optionValues(c.opts.Args, "--region"); len(v) > 0 {
		return v[len(v)-1]
	}
	return c.env.Getenv("TAEGIS_REGION")
}

// scope returns the region and tenants the line's command acts on, for the cache key: the
// region the line names (else $TAEGIS_REGION), and its tenants as the command resolves them,
// a tenant macro as the tenants Taegis lists for it now, so a macro whose tenants changed is
// a new call. Only a macro needs a call; no --tenant is no tenants (the token's own).
func (c *call) scope(ctx context.Context) (string, []string, error) {
	region := c.region()
	var tenants []string
	var t *tree
	var cl *sdk.Client
	for _, flag := range optionValues(c.opts.Args, "--tenant") {
		if t == nil {
			env := c.env.withDefaults()
			env.Stdout, env.Stderr = io.Discard, io.Discard // the command itself warns
			t = &tree{env: env}
		}
		if cl == nil && strings.HasPrefix(strings.TrimSpace(flag), "@") {
			var err error
			if cl, err = t.client(ctx, region); err != nil {
				return "", nil, err
			}
		}
		ids, err := t.resolveTenants(ctx, cl, flag)
		if err != nil {
			return "", nil, err
		}
		tenants = append(tenants, ids...)
	}
	return region, tenants, nil
}

// optionValues returns the values of every occurrence of the option name in args.
func optionValues(args []string, name string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == name && i+1 < len(args) {
			out = append(out, args[i+1])
			i++
		} else if v, ok := strings.CutPrefix(args[i], name+"="); ok {
			out = append(out, v)
		}
	}
	return out
}

// cached returns the result saved in the notebook under the call's name and key, or nil. A
// notebook that cannot be found or read is a warning: the command then runs.
func (c *call) cached(key string) *Result {
	path, err := NotebookPath(c.vars, c.env.Getenv)
	if err != nil {
		c.out.Stream("stderr", "warning: "+err.Error()+"; running the command\n")
		return nil
	}
	res, err := LookupCache(path, c.cacheName(), key)
	if err != nil {
		c.out.Stream("stderr", "warning: "+err.Error()+"; running the command\n")
		return nil
	}
	if res != nil {
		c.logf(slog.LevelInfo, "served from the cache in %s", path)
	}
	return res
}

// cacheName is the name a cached result is saved under: the variable it is bound to.
func (c *call) cacheName() string {
	if t := c.opts.Target(); t != "" {
		return t
	}
	return ResultVar
}

// frame reads the records of a DataFrame variable, for commands that take one.
func (c *call) frame(name string) ([]map[string]any, error) {
	t, err := c.frameTable(name)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.WriteJSON(&b, dataframe.RenderOptions{}); err != nil {
		return nil, fmt.Errorf("dataframe %s: %w", name, err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(b.Bytes(), &recs); err != nil {
		return nil, fmt.Errorf("dataframe %s: %w", name, err)
	}
	return recs, nil
}

// errNotFrame says a variable is not a DataFrame.
var errNotFrame = errors.New("not a dataframe.DataFrame")

// frameTable returns the DataFrame variable name as a Table.
func (c *call) frameTable(name string) (*dataframe.Table, error) {
	v, ok := c.vars.Get(name)
	if !ok {
		return nil, fmt.Errorf("dataframe %s: no variable %s in this session; bind one with "+
			"--assign %s", name, name, name)
	}
	df, ok := asFrame(v)
	if !ok {
		return nil, fmt.Errorf("dataframe %s: %w (it is a %T)", name, errNotFrame, v)
	}
	t, err := dataframe.FromDataFrame(df)
	if err != nil {
		return nil, fmt.Errorf("dataframe %s: %w", name, err)
	}
	return t, nil
}

func asFrame(v any) (gota.DataFrame, bool) {
	switch df := v.(type) {
	case gota.DataFrame:
		return df, true
	case *gota.DataFrame:
		if df != nil {
			return *df, true
		}
	}
	return gota.DataFrame{}, false
}

// bind assigns or appends the result's table to the variable the options name.
func (c *call) bind(table *dataframe.Table) error {
	o := c.opts
	switch {
	case o.Assign != "":
		if err := c.vars.Set(o.Assign, table.DataFrame()); err != nil {
			return fmt.Errorf("--assign %s: %w", o.Assign, err)
		}
	case o.Append != "":
		merged := table
		if v, ok := c.vars.Get(o.Append); ok && v != nil {
			prev, err := c.frameTable(o.Append)
			if err != nil {
				return fmt.Errorf("--append %s: %w", o.Append, err)
			}
			prev.Append(table)
			merged = prev
		}
		if err := c.vars.Set(o.Append, merged.DataFrame()); err != nil {
			return fmt.Errorf("--append %s: %w", o.Append, err)
		}
	}
	return nil
}

// show returns the bundle the call displays, nil when the options hide it. With --cache the
// bundle always carries the cached result in its metadata, even when --display or
// --disable-return-display change what it shows.
func (c *call) show(res *Result, table *dataframe.Table, cacheKey string) (
	*display.Bundle, error) {
	o := c.opts
	var b display.Bundle
	var err error
	switch {
	case o.Display != "":
		t, ferr := c.frameTable(o.Display)
		if ferr != nil {
			return nil, fmt.Errorf("--display %s: %w", o.Display, ferr)
		}
		b, err = frameBundle(o.Display, t, o.DisplayRows)
	case o.Cache:
		// As upstream: the cache record is a display, so it shows whatever the option says.
		b, err = resultBundle(res, table, o.DisplayRows, true)
	case o.ReturnDisplay == DisplayNever,
		o.ReturnDisplay == DisplayIfFound && len(res.Records) == 0 && res.Message == "":
		return nil, nil
	default:
		b, err = resultBundle(res, table, o.DisplayRows, true)
	}
	if err != nil {
		return nil, fmt.Errorf("%%taegis: %w", err)
	}
	if b.Metadata["taegis"] == nil {
		b.Metadata["taegis"] = provenanceMeta(res)
	}
	if o.Cache {
		payload, err := EncodeCache(res)
		if err != nil {
			return nil, fmt.Errorf("--cache: %w", err)
		}
		for k, v := range cacheMetadata(c.cacheName(), cacheKey, payload) {
			b.Metadata[k] = v
		}
	}
	return &b, nil
}

var _ io.Writer = streamWriter{}

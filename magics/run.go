package magics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
)

// tree builds the command tree for one Env. emit receives each command's sealed Result: Run
// keeps it, a shell prints it.
type tree struct {
	env  *Env
	emit func(cmd *cobra.Command, r *Result) error
}

// Run executes one command line (already split into args, without the leading "taegis") in env
// and returns its Result. Help (--help, or a group without a command) writes to env.Stdout and
// returns a Result whose Message is the help text's first line and which has no records. An
// unknown command or option is an error that names it and suggests the closest one.
func Run(ctx context.Context, env *Env, args []string) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	env = env.withDefaults()
	var got *Result
	t := &tree{env: env, emit: func(_ *cobra.Command, r *Result) error {
		got = r
		return nil
	}}
	root := t.root()
	root.SetArgs(args)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	if _, err := root.ExecuteContextC(ctx); err != nil {
		return got, err
	}
	if got == nil {
		got = &Result{Message: "help shown", Total: -1}
		if err := got.seal(); err != nil {
			return nil, err
		}
	}
	return got, nil
}

// NewRoot returns the command tree for a shell: each command prints its records to env.Stdout
// as JSON (or --format ndjson, csv, table) and its progress and warnings to env.Stderr. The
// binary moves the root's commands onto its own root.
func NewRoot(env *Env) *cobra.Command {
	env = env.withDefaults()
	t := &tree{env: env, emit: func(cmd *cobra.Command, r *Result) error {
		format, _ := cmd.Flags().GetString("format")
		return Write(env.Stdout, r, format)
	}}
	root := t.root()
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	return root
}

// root returns the "taegis" command with every group under it.
func (t *tree) root() *cobra.Command {
	root := &cobra.Command{
		Use:           "taegis",
		Short:         "Hunt on Taegis XDR: alerts, events, investigations, tenants and more",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetFlagErrorFunc(suggestFlag)
	for _, g := range t.groups() {
		g.SetFlagErrorFunc(suggestFlag)
		g.PersistentFlags().String("format", "json",
			"shell output: json, ndjson, csv or table")
		root.AddCommand(g)
	}
	return root
}

// groups returns the command groups, in the order help lists them.
func (t *tree) groups() []*cobra.Command {
	return []*cobra.Command{}
}

// leaf returns a command that runs fn and emits its Result, sealed.
func (t *tree) leaf(c *cobra.Command,
	fn func(ctx context.Context, cmd *cobra.Command, args []string) (*Result, error)) *cobra.Command {
	c.RunE = func(cmd *cobra.Command, args []string) error {
		r, err := fn(cmd.Context(), cmd, args)
		if err != nil {
			return err
		}
		if r.Command == "" {
			r.Command = commandPath(cmd)
		}
		if err := r.seal(); err != nil {
			return err
		}
		return t.emit(cmd, r)
	}
	if c.Args == nil {
		c.Args = cobra.NoArgs
	}
	return c
}

// group returns a command that only holds subcommands.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	g.AddCommand(subs...)
	return g
}

// commandPath is the command's path without the root's name: "alerts search".
func commandPath(cmd *cobra.Command) string {
	var names []string
	for c := cmd; c != nil && c.HasParent(); c = c.Parent() {
		names = append([]string{c.Name()}, names...)
	}
	out := ""
	for i, n := range names {
		if i > 0 {
			out += " "
		}
		out += n
	}
	return out
}

// withDefaults returns a copy of env whose unset writers, clock and environment are the
// process's own.
func (env *Env) withDefaults() *Env {
	e := Env{}
	if env != nil {
		e = *env
	}
	if e.Stdout == nil {
		e.Stdout = io.Discard
	}
	if e.Stderr == nil {
		e.Stderr = io.Discard
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	return &e
}

// errNoClient is what a command that calls Taegis says when the front end gave no Client.
var errNoClient = errors.New("this front end cannot reach Taegis: its Env has no Client")

// client returns the client for region, or an error naming the command.
func (t *tree) client(ctx context.Context, region string) (*sdk.Client, error) {
	if t.env.Client == nil {
		return nil, errNoClient
	}
	c, err := t.env.Client(ctx, region)
	if err != nil {
		return nil, fmt.Errorf("region %q: %w", region, err)
	}
	return c, nil
}

package magics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"gotaegis/evidence"
	"gotaegis/sdk"
)

// tree builds the command tree for one Env. emit receives each command's sealed Result: Run
// keeps it, a shell prints it.
type tree struct {
	env   *Env
	emit  func(cmd *cobra.Command, r *Result) error
	shell bool // commands print to a terminal, not into a notebook
}

// Run executes one command line (already split into args, without the leading "taegis") in env
// and returns its Result. Help (--help, or a group without a command) writes to env.Stdout and
// returns a Result without records whose Message is "help shown". An unknown command or
// option is an error that names it and suggests the closest one. A tenant macro's search that
// fails in some tenants is not an error: the Result's Provenance is Partial and says which.
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
	t := &tree{env: env, shell: true, emit: func(cmd *cobra.Command, r *Result) error {
		format, _ := cmd.Flags().GetString("format")
		return Write(cmd.OutOrStdout(), r, format)
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
		addFormat(g)
		root.AddCommand(g)
	}
	return root
}

// addFormat gives c and every command under it a --format option and option suggestions.
// Both are set on each command, not inherited, so that a group moved under another root
// (the binary's own configure) keeps them on the commands it brought.
func addFormat(c *cobra.Command) {
	c.SetFlagErrorFunc(suggestFlag)
	if c.Runnable() && c.Flags().Lookup("format") == nil {
		c.Flags().String("format", "json", "shell output: "+strings.Join(Formats, ", "))
	}
	for _, sub := range c.Commands() {
		addFormat(sub)
	}
}

// groups returns the command groups, in the order help lists them.
func (t *tree) groups() []*cobra.Command {
	return []*cobra.Command{
		t.alertsGroup(), t.eventsGroup(), t.investigationsGroup(), t.tenantsGroup(),
		t.rulesGroup(), t.threatGroup(), t.subjectsGroup(), t.usersGroup(), t.auditsGroup(),
		t.clientsGroup(), t.configureGroup(), t.authGroup(), t.versionLeaf(),
	}
}

// evidence opens the staging database at path ("" for the default) through the Env.
func (t *tree) evidence(path string) (*evidence.DB, error) {
	if t.env.Evidence == nil {
		return nil, errors.New("this front end has no evidence database: its Env has no " +
			"Evidence")
	}
	db, err := t.env.Evidence(path)
	if err != nil {
		return nil, fmt.Errorf("evidence database: %w", err)
	}
	return db, nil
}

// leaf returns c running fn: fn fills a Result whose Command is c's path and whose Total is
// -1 until fn sets it; the Result is sealed and emitted once fn succeeds. A command that fails
// against Taegis in a shell also writes the GraphQL errors to Stderr as JSON.
func (t *tree) leaf(c *cobra.Command, service string,
	fn func(ctx context.Context, r *Result, args []string) error) *cobra.Command {
	c.RunE = func(cmd *cobra.Command, args []string) error {
		r := &Result{Command: commandPath(cmd), Service: service, Total: -1}
		if err := fn(cmd.Context(), r, args); err != nil {
			if t.shell {
				writeGraphQLErrors(t.env.Stderr, err)
			}
			if strings.HasPrefix(err.Error(), r.Command+":") {
				return err
			}
			return fmt.Errorf("%s: %w", r.Command, err)
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

// writeGraphQLErrors writes the GraphQL errors inside err, if any, as one JSON array.
func writeGraphQLErrors(w io.Writer, err error) {
	var ge *sdk.Errors
	if !errors.As(err, &ge) {
		return
	}
	b, merr := json.Marshal(ge.List)
	if merr != nil {
		return
	}
	fmt.Fprintf(w, "%s\n", b)
}

// group returns a command that only holds subcommands.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  unknownCommand,

		SuggestionsMinimumDistance: 2,
		RunE:                       func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	g.AddCommand(subs...)
	return g
}

// unknownCommand refuses arguments to a group: the first one is a command it does not have,
// named with the closest ones it has.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	} else {
		var names []string
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				names = append(names, c.Name())
			}
		}
		msg += "; its commands: " + strings.Join(names, ", ")
	}
	return errors.New(msg)
}

// commandPath is the command's path without the root's name: "alerts search".
func commandPath(cmd *cobra.Command) string {
	var names []string
	for c := cmd; c != nil && c.HasParent(); c = c.Parent() {
		names = append([]string{c.Name()}, names...)
	}
	return strings.Join(names, " ")
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

// scope holds the --region and --tenant options most commands take.
type scope struct {
	region string
	tenant string
}

// addScope registers --region and --tenant on c. withMacros says whether --tenant accepts a
// "@name" macro (and so fans the command out over several tenants).
func addScope(c *cobra.Command, s *scope, withMacros bool) {
	c.Flags().StringVar(&s.region, "region", "",
		"Taegis `REGION` (default: $TAEGIS_REGION, the configured default, else local)")
	help := "tenant `ID` to act on (default: the token's tenant)"
	if withMacros {
		help = "tenant `ID`, or @MACRO for the tenants a macro selects (see: configure macros list)"
	}
	c.Flags().StringVar(&s.tenant, "tenant", "", help)
}

// addRegion registers only --region on c, for commands that act on the caller, not a tenant.
func addRegion(c *cobra.Command, s *scope) {
	c.Flags().StringVar(&s.region, "region", "",
		"Taegis `REGION` (default: $TAEGIS_REGION, the configured default, else local)")
}

// part is what one tenant's share of a command found.
type part struct {
	records   []map[string]any
	total     int // -1 when unknown
	pages     int
	truncated bool
	queryID   string
	err       error // a failure after some records arrived: the records are kept
	untagged  bool  // the records are not the tenant's data (tenants themselves): no tenant_id
}

// maxParallelTenants bounds how many tenants a macro searches at once.
const maxParallelTenants = 8

// fanOut runs fn once per tenant of s (one call with tenant "" when --tenant is empty),
// concurrently for a macro, and merges the parts in the tenants' order into r. Each record
// gets a tenant_id when it has none. A tenant whose call fails is listed in
// r.Provenance.Errors and marks the result Partial; the command fails only when every tenant
// failed without a record.
func (t *tree) fanOut(ctx context.Context, s *scope, r *Result,
	fn func(ctx context.Context, c *sdk.Client, tenant string) part) error {
	c, err := t.client(ctx, s.region)
	if err != nil {
		return err
	}
	tenants, err := t.resolveTenants(ctx, c, s.tenant)
	if err != nil {
		return err
	}
	r.Region = c.Region()
	r.Tenants = tenants

	if tenants != nil && len(tenants) == 0 {
		r.Total = 0
		r.Message = "the tenant macro selects no tenant"
		return nil
	}
	runs := tenants
	if len(runs) == 0 {
		runs = []string{""}
	}
	parts := make([]part, len(runs))
	sem := make(chan struct{}, maxParallelTenants)
	var wg sync.WaitGroup
	for i, tenant := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			cc := c
			if tenant != "" {
				cc = c.WithTenant(tenant)
			}
			parts[i] = fn(ctx, cc, tenant)
		}()
	}
	wg.Wait()

	r.Total = 0
	failed := 0
	var firstErr error
	for i, p := range parts {
		tenant := runs[i]
		if p.err != nil {
			name := tenant
			if name == "" {
				name = "default"
			}
			r.Provenance.Errors = append(r.Provenance.Errors,
				fmt.Sprintf("tenant %s: %v", name, p.err))
			if firstErr == nil {
				firstErr = p.err
			}
			if len(p.records) == 0 {
				failed++
				continue
			}
		}
		for _, rec := range p.records {
			if _, ok := rec["tenant_id"]; !ok && tenant != "" && !p.untagged {
				rec["tenant_id"] = tenant
			}
		}
		r.Records = append(r.Records, p.records...)
		if p.total < 0 || r.Total < 0 {
			r.Total = -1
		} else {
			r.Total += p.total
		}
		r.Provenance.Pages += p.pages
		r.Provenance.Truncated = r.Provenance.Truncated || p.truncated
		if r.QueryID == "" {
			r.QueryID = p.queryID
		}
		if p.queryID != "" {
			r.searches = append(r.searches, search{tenant: tenant, queryID: p.queryID,
				rows: len(p.records), total: p.total})
		}
	}
	if failed == len(parts) {
		if len(parts) == 1 {
			return firstErr
		}
		return fmt.Errorf("every tenant failed: %s", joinErrors(r.Provenance.Errors))
	}
	if failed == 0 && len(r.Provenance.Errors) == 0 {
		return nil
	}
	r.Provenance.Partial = true
	fmt.Fprintf(t.env.Stderr, "warning: %s: partial result: %s\n", r.Command,
		joinErrors(r.Provenance.Errors))
	return nil
}

func joinErrors(list []string) string { return strings.Join(list, "; ") }

// Clients returns an Env.Client that makes one client per region from base (base.Region is
// replaced by the region asked, "" keeping base's own) and reuses it. It is safe for
// concurrent use; a failed creation is not cached, so fixing the settings and retrying works.
func Clients(base sdk.Config) func(ctx context.Context, region string) (*sdk.Client, error) {
	var mu sync.Mutex
	cache := map[string]*sdk.Client{}
	return func(_ context.Context, region string) (*sdk.Client, error) {
		key := strings.ToLower(strings.TrimSpace(region))
		mu.Lock()
		defer mu.Unlock()
		if c, ok := cache[key]; ok {
			return c, nil
		}
		cfg := base
		if key != "" {
			cfg.Region = key
		}
		c, err := sdk.New(cfg)
		if err != nil {
			return nil, err
		}
		cache[key] = c
		return c, nil
	}
}

// Databases is a set of open evidence databases, one per path, for an Env's Evidence. Its
// zero value is ready to use; it is safe for concurrent use.
type Databases struct {
	mu   sync.Mutex
	open map[string]*evidence.DB
}

// Open returns the database at path, opening it on first use: "" means
// evidence.DefaultPath(), ":memory:" a database that lives as long as the set.
func (d *Databases) Open(path string) (*evidence.DB, error) {
	if path == "" {
		p, err := evidence.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if db, ok := d.open[path]; ok {
		return db, nil
	}
	db, err := evidence.Open(path)
	if err != nil {
		return nil, err
	}
	if d.open == nil {
		d.open = map[string]*evidence.DB{}
	}
	d.open[path] = db
	return db, nil
}

// Close closes every database the set opened.
func (d *Databases) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	for p, db := range d.open {
		errs = append(errs, db.Close())
		delete(d.open, p)
	}
	return errors.Join(errs...)
}

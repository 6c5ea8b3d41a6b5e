package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"gotaegis/magics"
	"gotaegis/notebook"
	"gotaegis/sdk"
)

func init() {
	notebookCmd.AddCommand(notebookExecuteCmd(), notebookReportCmd(), notebookCacheCmd(),
		notebookFanoutCmd())
}

// paramFlags are the parameter options execute and fanout share, merged -p, then -f, then -y.
type paramFlags struct {
	args  []string
	files []string
	yamls []string
}

func (f *paramFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.args, "parameter", "p", nil, "a parameter `NAME=VALUE` (repeatable)")
	fl.StringArrayVarP(&f.files, "parameters-file", "f", nil,
		"a YAML `FILE` of NAME: VALUE parameters (repeatable)")
	fl.StringArrayVarP(&f.yamls, "parameters-yaml", "y", nil,
		"parameters as a YAML `MAPPING` (repeatable)")
}

func (f *paramFlags) params() (*notebook.Params, error) {
	p := &notebook.Params{}
	for _, a := range f.args {
		if err := p.SetArg(a); err != nil {
			return nil, fmt.Errorf("-p: %w", err)
		}
	}
	for _, path := range f.files {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("-f: %w", err)
		}
		if err := p.SetYAML(data); err != nil {
			return nil, fmt.Errorf("-f %s: %w", path, err)
		}
	}
	for _, y := range f.yamls {
		if err := p.SetYAML([]byte(y)); err != nil {
			return nil, fmt.Errorf("-y: %w", err)
		}
	}
	return p, nil
}

func notebookExecuteCmd() *cobra.Command {
	var (
		pf      paramFlags
		opts    notebook.ExecOptions
		timeout float64
	)
	cmd := &cobra.Command{
		Use:   "execute IN [OUT]",
		Short: "Run a notebook with parameters on the Go kernel, as papermill does",
		Long: `Execute runs every code cell of IN (.ipynb or MyST .md) on a kernel started from its
kernelspec, and writes the executed notebook to OUT after every cell.

Parameters (-p, then -f, then -y, then --title, --tenant and --region, which set
INVESTIGATION_TITLE, TENANT_ID and REGION) go in a cell tagged "injected-parameters" after the
cell tagged "parameters", as Go assignments typed like the parameters cell declares them.

OUT defaults to <stem>_<region>_<tenant>.ipynb beside IN; IN is never overwritten. The kernel
gets TAEGIS_NOTEBOOK_FILENAME=OUT (so --cache reads and writes OUT), and TAEGIS_REGION and
TAEGIS_TENANT when given. A failing cell stops the run: the error is recorded in OUT and the
command exits 1, naming the cell.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := pf.params()
			if err != nil {
				return err
			}
			opts.Input, opts.Params = args[0], p
			if len(args) == 2 {
				opts.Output = args[1]
			}
			if timeout < 0 {
				return fmt.Errorf("--timeout %v: want seconds, 0 for no limit", timeout)
			}
			opts.Timeout = time.Duration(timeout * float64(time.Second))
			opts.Progress = cmd.ErrOrStderr()
			ctx, stop := interruptible(cmd)
			defer stop()
			res, err := notebook.Execute(ctx, opts)
			if res != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "executed %d cells in %.1fs: %s\n", res.Executed,
					res.Duration.Seconds(), res.Output)
			}
			return err
		},
	}
	pf.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.Tenant, "tenant", "", "the tenant: sets TENANT_ID and TAEGIS_TENANT")
	fl.StringVar(&opts.Region, "region", "", "the region: sets REGION and TAEGIS_REGION")
	fl.StringVar(&opts.Title, "title", "", "sets INVESTIGATION_TITLE")
	fl.Float64Var(&timeout, "timeout", 0, "seconds each cell may run (0: no limit)")
	fl.StringVar(&opts.Cwd, "cwd", "", "the kernel's working directory (default: IN's)")
	fl.StringVar(&opts.Kernel, "kernel", "", "the kernelspec to start (default: the "+
		"notebook's, else gotaegis)")
	return cmd
}

func notebookReportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "generate-report IN",
		Short: "Write the markdown report of a notebook: its markdown and rich outputs",
		Long: `Generate-report writes the markdown cells and the rich outputs of IN (tables as
markdown tables, charts kept) to OUT, default <stem>.report.md beside IN. Code and streams are
left out; cells tagged remove_cell are dropped, remove_input and remove_output drop those parts.
The text is what "investigations create --key-findings" takes.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			nb, err := notebook.Read(args[0])
			if err != nil {
				return err
			}
			text, err := notebook.Report(nb)
			if err != nil {
				return err
			}
			if out == "" {
				out = notebook.ReportPath(args[0])
			}
			if out == "-" {
				_, err := fmt.Fprint(cmd.OutOrStdout(), text)
				return err
			}
			if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
				return fmt.Errorf("generate-report: %w", err)
			}
			abs, _ := filepath.Abs(out)
			fmt.Fprintln(cmd.OutOrStdout(), abs)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "where to write (`FILE`, - for stdout)")
	return cmd
}

func notebookCacheCmd() *cobra.Command {
	cache := &cobra.Command{
		Use:   "cache",
		Short: "Inspect the %taegis results cached in executed notebooks",
		Args:  cobra.NoArgs,
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list FILE",
		Short: "List the cached results a notebook holds",
		Long: `List prints one line per %taegis result cached (with --cache) in FILE's outputs: the
cell, the --assign name, the cache key, the payload's size, when it was cached if recorded, the
command, region and tenants, and the rows it holds.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			nb, err := notebook.Read(args[0])
			if err != nil {
				return err
			}
			entries := notebook.CacheList(nb)
			out := cmd.OutOrStdout()
			if asJSON {
				if entries == nil {
					entries = []notebook.CacheEntry{}
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(entries)
			}
			if len(entries) == 0 {
				fmt.Fprintf(out, "%s holds no cached results (run its %%taegis cells with "+
					"--cache and save it)\n", args[0])
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "CELL\tNAME\tHASH\tSIZE\tCREATED\tCOMMAND\tREGION\tTENANTS\tROWS")
			for _, e := range entries {
				created := e.Created
				if created == "" {
					created = "-"
				}
				what := e.Command
				if e.Err != "" {
					what = "(unreadable: " + e.Err + ")"
				}
				fmt.Fprintf(tw, "%d\t%s\t%.12s\t%d\t%s\t%s\t%s\t%s\t%d\n", e.Cell, e.Name, e.Hash,
					e.Size, created, what, e.Region, strings.Join(e.Tenants, ","), e.Rows)
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print the entries as JSON")
	cache.AddCommand(list)
	return cache
}

func notebookFanoutCmd() *cobra.Command {
	var (
		pf                  paramFlags
		opts                notebook.FanoutOptions
		tenants, nullPath   string
		timeout, runTimeout float64
		rate                float64
		burst               int
	)
	cmd := &cobra.Command{
		Use:   "fanout IN --tenants T1,T2|@macro|all --out DIR",
		Short: "Execute a procedure for many tenants at once and summarize the runs",
		Long: `Fanout runs "notebook execute" for every tenant, --parallel at a time, each in its own
kernel: a failing or timed-out run is recorded and the others go on. It writes
DIR/<stem>_<region>_<tenant>.ipynb per tenant, DIR/summary.json (tenant, region, notebook,
status ok or failed, results_returned: the rows its %taegis searches returned, error, seconds)
and DIR/summary.md.

--tenants takes a comma-separated list, a tenant macro (@mdr, see: configure macros list) or
all: the customer tenants the macro selects, or every customer tenant of the region (partner
and organization tenants, which hold no data of their own, are left out).

--null-findings REPORT.md files a THREAT_HUNT investigation (LOW, AWAITING_ACTION, assigned to
@customer, no evidence) with that report as its key findings in every tenant whose run was ok
and returned no rows. --resume runs again only the tenants that failed, have no notebook in
DIR, or ran another version of IN.

All runs share one request rate to the region (--rate, --burst), kept by this process: for
region local the kernels reach one emulator through a rate-limiting proxy here; for any other
region they call the region themselves, each request after a permit from a rate gate here.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := interruptible(cmd)
			defer stop()
			p, err := pf.params()
			if err != nil {
				return err
			}
			opts.Input, opts.Params = args[0], p
			if opts.OutDir == "" {
				return fmt.Errorf("fanout: give --out DIR for the executed notebooks and summary")
			}
			if timeout < 0 || runTimeout < 0 {
				return fmt.Errorf("fanout: timeouts are seconds, 0 for no limit")
			}
			opts.Timeout = time.Duration(timeout * float64(time.Second))
			opts.RunTimeout = time.Duration(runTimeout * float64(time.Second))
			if opts.Region == "" {
				opts.Region, err = defaultRegion()
				if err != nil {
					return err
				}
			}
			// The limit is in place before the fan-out's own calls (tenants, null-findings
			// investigations), which keep to it too.
			limited, err := limitRegion(ctx, opts.Region, notebook.NewLimiter(rate, burst))
			if err != nil {
				return fmt.Errorf("fanout: %w", err)
			}
			defer limited.close()
			opts.Env = append(opts.Env, limited.env)
			env := fanoutEnv()
			if opts.Tenants, err = resolveTenants(ctx, env, tenants, opts.Region); err != nil {
				return err
			}

			if nullPath != "" {
				if _, err := os.Stat(nullPath); err != nil {
					return fmt.Errorf("--null-findings: %w", err)
				}
				title := opts.Title
				if title == "" {
					title = "Null findings: " + filepath.Base(args[0])
				}
				opts.NullFindings = func(ctx context.Context, tenant string) (string, error) {
					return fileNullFindings(ctx, env, opts.Region, tenant, title, nullPath)
				}
			}
			opts.Progress = cmd.ErrOrStderr()
			opts.Terminal = isTerminal(os.Stderr)
			runs, err := notebook.Fanout(ctx, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%d requests to region %s went through the "+
				"fan-out's rate limit\n", limited.requests(), opts.Region)
			if found := totalRows(runs); found > 0 && limited.requests() == 0 {
				// Rows came back, so requests were made: the kernels did not honour the limit.
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: the runs returned %d rows but no "+
					"request went through the rate limit; the kernelspec's gotaegis may "+
					"predate it (reinstall it with: gotaegis kernelspec install)\n", found)
			}
			failed := 0
			for _, r := range runs {
				if r.Status != notebook.StatusOK {
					failed++
				}
			}
			out := cmd.OutOrStdout()
			abs, _ := filepath.Abs(opts.OutDir)
			fmt.Fprintf(out, "summary:   %s\n", filepath.Join(abs, "summary.md"))
			fmt.Fprintf(out, "           %s\n", filepath.Join(abs, "summary.json"))
			fmt.Fprintf(out, "notebooks: %s\n", abs)
			if failed > 0 {
				return fmt.Errorf("fanout: %d of %d tenants failed; see %s (rerun them with "+
					"--resume)", failed, len(runs), filepath.Join(abs, "summary.md"))
			}
			return nil
		},
	}
	pf.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&tenants, "tenants", "", "T1,T2, @macro or all (required)")
	fl.StringVar(&opts.Region, "region", "", "the region of every run (default: TAEGIS_REGION, "+
		"the configured default, else local)")
	fl.IntVar(&opts.Parallel, "parallel", 4, "runs at once")
	fl.StringVar(&opts.OutDir, "out", "", "`DIR` for the executed notebooks and the summary")
	fl.StringVar(&opts.Title, "title", "", "sets INVESTIGATION_TITLE in every run")
	fl.StringVar(&opts.Kernel, "kernel", "", "the kernelspec to start")
	fl.Float64Var(&timeout, "timeout", 0, "seconds each cell may run (0: no limit)")
	fl.Float64Var(&runTimeout, "run-timeout", 0, "seconds one tenant's run may take (0: no limit)")
	fl.StringVar(&nullPath, "null-findings", "", "file a null-findings investigation with this "+
		"`REPORT.md` for every tenant with no results")
	fl.BoolVar(&opts.Resume, "resume", false, "run only the tenants that failed, have no "+
		"notebook in DIR or ran another version of IN")
	fl.Float64Var(&rate, "rate", 50, "requests a second to the region, shared by all runs "+
		"(0: no limit)")
	fl.IntVar(&burst, "burst", 50, "requests allowed at once above --rate")
	_ = cmd.MarkFlagRequired("tenants")
	return cmd
}

// fanoutEnv is the command tree's environment for the fan-out's own calls (tenants, macros,
// null-findings investigations).
func fanoutEnv() *magics.Env {
	return &magics.Env{
		Client:   magics.Clients(sdk.Config{Version: version}),
		Evidence: shellDatabases.Open,
		Stdout:   io.Discard,
		Stderr:   os.Stderr,
		Getenv:   os.Getenv,
	}
}

func defaultRegion() (string, error) {
	s, err := sdk.LoadSettings(sdk.ConfigDir())
	if err != nil {
		return "", err
	}
	r, err := sdk.ResolveRegion(s, "", nil)
	if err != nil {
		return "", err
	}
	return r.Name, nil
}

// resolveTenants expands --tenants: a list, a macro or all.
func resolveTenants(ctx context.Context, env *magics.Env, spec, region string) ([]string,
	error) {
	spec = strings.TrimSpace(spec)
	var args []string
	switch {
	case spec == "":
		return nil, fmt.Errorf("--tenants: give T1,T2, @macro or all")
	case spec == "all":
		args = []string{"tenants", "search", "--region", region}
	case strings.HasPrefix(spec, "@"):
		macros, _, err := magics.LoadMacros(func(w string) { fmt.Fprintln(os.Stderr, w) })
		if err != nil {
			return nil, fmt.Errorf("--tenants %s: %w", spec, err)
		}
		m, ok := macros.Macros[strings.TrimPrefix(spec, "@")]
		if !ok {
			return nil, fmt.Errorf("--tenants %s: no such macro; the macros are %s", spec,
				strings.Join(macros.Names(), ", "))
		}
		args = append([]string{"tenants", "search", "--region", region}, macroArgs(m)...)
	default:
		return strings.Split(spec, ","), nil
	}
	res, err := magics.Run(ctx, env, args)
	if err != nil {
		return nil, fmt.Errorf("--tenants %s: %w", spec, err)
	}
	ids, skipped := customerTenants(res.Records)
	if len(ids) == 0 {
		return nil, fmt.Errorf("--tenants %s: no customer tenants in region %s (%d partner "+
			"or organization tenants matched; name tenants with --tenants T1,T2)", spec,
			region, skipped)
	}
	if skipped > 0 {
		fmt.Fprintf(os.Stderr, "--tenants %s: %d customer tenants; %d partner or "+
			"organization tenants left out\n", spec, len(ids), skipped)
	}
	return ids, nil
}

// customerTenants returns the ids of the customer tenants among tenants search records, and
// how many partner or organization tenants it left out. A hunt reads a customer's data;
// partner and organization tenants hold none of their own (Taegis refuses searches in them),
// so "all" and a macro mean their customer tenants.
func customerTenants(records []map[string]any) (ids []string, skipped int) {
	for _, rec := range records {
		if rec["isPartner"] == true || rec["isOrganization"] == true {
			skipped++
			continue
		}
		if id, ok := rec["id"].(string); ok && id != "" {
			ids = append(ids, id)
		}
	}
	return ids, skipped
}

// macroArgs are the tenants search options that select macro m's tenants.
func macroArgs(m magics.Macro) []string {
	var args []string
	for _, f := range []struct {
		opt  string
		vals []string
	}{{"--id", m.IDs}, {"--name", m.Names}, {"--partner", m.Partners},
		{"--organization", m.Organizations}, {"--hierarchy", m.Hierarchies},
		{"--mdr-provider", m.MDRProviders}, {"--service", m.Services}} {
		for _, v := range f.vals {
			args = append(args, f.opt, v)
		}
	}
	for _, l := range m.Labels {
		v := l.Name
		if l.Value != "" {
			v += "=" + l.Value
		}
		args = append(args, "--label", v)
	}
	if m.Enabled != nil {
		args = append(args, "--enabled", fmt.Sprint(*m.Enabled))
	}
	return args
}

// fileNullFindings files the null-findings investigation of one tenant and returns its id.
// It attaches no evidence: nothing was found, and the rows a hunter has staged for the tenant
// under NEW (in another session, for another investigation) stay staged for it.
func fileNullFindings(ctx context.Context, env *magics.Env, region, tenant, title,
	report string) (string, error) {
	res, err := magics.Run(ctx, env, []string{"investigations", "create", "--region", region,
		"--tenant", tenant, "--title", title, "--key-findings", report, "--priority", "LOW",
		"--type", "THREAT_HUNT", "--status", "AWAITING_ACTION", "--assignee", "@customer",
		"--database", ":memory:"})
	if err != nil {
		return "", err
	}
	for _, rec := range res.Records {
		if id, ok := rec["id"].(string); ok && id != "" {
			return id, nil
		}
	}
	return "", fmt.Errorf("investigations create returned no id")
}

// interruptible is the command's context, cancelled by Ctrl-C or SIGTERM, so that the kernels
// a run started (in their own process groups, out of the terminal's reach) are stopped and the
// notebooks written so far are kept.
func interruptible(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

// isTerminal reports whether f is a character device, where a redrawn bar makes sense.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// regionLimit is the one request rate a fan-out's runs share in a region: a proxy in front of
// region local's emulator, or a gate the kernels ask before each request to another region.
type regionLimit struct {
	env      string // the kernels' environment entry that puts them behind it
	requests func() int64
	close    func()
}

// limitRegion starts the fan-out's limit for region with lim.
func limitRegion(ctx context.Context, region string, lim *notebook.Limiter) (*regionLimit,
	error) {
	if strings.EqualFold(region, sdk.RegionLocal) {
		upstream, err := localURL(ctx)
		if err != nil {
			return nil, fmt.Errorf("region local: %w", err)
		}
		proxy, err := notebook.StartRateProxy(upstream, lim)
		if err != nil {
			return nil, err
		}
		// This process's own clients, made after this, reach the emulator the same way.
		if err := os.Setenv(localURLEnv, proxy.URL()); err != nil {
			_ = proxy.Close()
			return nil, fmt.Errorf("region local: %w", err)
		}
		return &regionLimit{env: localURLEnv + "=" + proxy.URL(), requests: proxy.Requests,
			close: func() { _ = proxy.Close() }}, nil
	}
	settings, err := sdk.LoadSettings(sdk.ConfigDir())
	if err != nil {
		return nil, err
	}
	r, err := sdk.LookupRegion(settings, region)
	if err != nil {
		return nil, err
	}
	hosts, err := regionHosts(r)
	if err != nil {
		return nil, err
	}
	gate, err := notebook.StartRateGate(lim, hosts)
	if err != nil {
		return nil, err
	}
	// This process's own clients, made after this, ask the gate too.
	self := strings.TrimPrefix(gate.Env(), notebook.RateGateEnv+"=")
	if err := gateDefaultTransport(self); err != nil {
		_ = gate.Close()
		return nil, err
	}
	return &regionLimit{env: gate.Env(), requests: gate.Permits,
		close: func() { _ = gate.Close() }}, nil
}

// regionHosts are the hosts (host:port when the URL has a port) of a region's gateways and
// token endpoint, each once.
func regionHosts(r sdk.Region) ([]string, error) {
	var hosts []string
	for _, base := range []string{r.API, r.Tenants, r.Auth} {
		if base == "" {
			continue
		}
		u, err := url.Parse(base)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("region %s: %q is not a base URL", r.Name, base)
		}
		if !slices.Contains(hosts, u.Host) {
			hosts = append(hosts, u.Host)
		}
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("region %s has no URL", r.Name)
	}
	return hosts, nil
}

// totalRows is the rows all the runs' searches returned.
func totalRows(runs []notebook.TenantRun) int {
	n := 0
	for _, r := range runs {
		n += r.ResultsReturned
	}
	return n
}

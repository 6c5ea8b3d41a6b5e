package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"gotaegis/emulator"
	"gotaegis/sdk"
)

// localURLEnv names an emulator that serves region local in place of the embedded one. A
// fan-out sets it for its kernels to the rate proxy in front of its own emulator, so every run
// shares one emulator and one request rate.
const localURLEnv = "GOTAEGIS_LOCAL_URL"

var sharedLocal struct {
	once sync.Once
	url  string
	err  error
}

// localURL is region local's base URL in this process: $GOTAEGIS_LOCAL_URL when set, else the
// embedded emulator, started once on an ephemeral loopback port with its data under
// $GOTAEGIS_DATA_DIR.
func localURL(context.Context) (string, error) {
	if u := os.Getenv(localURLEnv); u != "" {
		return u, nil
	}
	sharedLocal.once.Do(func() {
		// The emulator outlives the call that first needs it, so it is not bound to its ctx.
		srv, err := emulator.Start(context.Background(), emulator.Config{Logger: slog.Default()})
		if err != nil {
			sharedLocal.err = err
			return
		}
		sharedLocal.url = srv.URL()
	})
	return sharedLocal.url, sharedLocal.err
}

func init() {
	sdk.RegisterLocal(localURL)
	root.AddCommand(newEmulatorCmd())
}

// newEmulatorCmd is `gotaegis emulator`: it serves the emulator until interrupted.
func newEmulatorCmd() *cobra.Command {
	var cfg emulator.Config
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Serve a local Taegis (GraphQL gateways, OAuth, synthetic data) on loopback",
		Long: `Serve a local, Taegis-compatible API on loopback: /graphql, /events/query (HTTP and
graphql-ws websockets), /public/query (legacy tenants), the OAuth token endpoint
/auth/api/v2/auth/token and the device-code endpoints under /universal-auth/device/code/.

Tokens come from client credentials (printed at start) or a device-code login, which is
approved the first time it is polled. What clients create (investigations, comments, evidence,
query history, rule state) is kept in SQLite under --data and survives restarts.

For client tests, POST {"status":429,"count":2,"retry_after":1} to /_emulator/faults to make
the next requests fail.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			cfg.Logger = slog.Default()
			srv, err := emulator.Start(ctx, cfg)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "gotaegis emulator listening on %s\n", srv.URL())
			fmt.Fprintf(out, "  GraphQL:        %s%s\n", srv.URL(), emulator.PathGraphQL)
			fmt.Fprintf(out, "  events:         %s%s (graphql-ws)\n", srv.URL(),
				emulator.PathEvents)
			fmt.Fprintf(out, "  tenants:        %s%s\n", srv.URL(), emulator.PathTenants)
			fmt.Fprintf(out, "  token:          %s%s\n", srv.URL(), emulator.PathToken)
			fmt.Fprintf(out, "  CLIENT_ID=%s CLIENT_SECRET=%s\n", srv.ClientID(),
				srv.ClientSecret())
			fmt.Fprintf(out, "  tenants granted: %v\n", srv.TenantIDs())
			<-ctx.Done()
			return srv.Close()
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", emulator.DefaultAddr, "address to listen on (loopback only "+
		"unless --allow-remote)")
	f.BoolVar(&cfg.AllowRemote, "allow-remote", false, "allow a non-loopback --addr")
	f.StringVar(&cfg.DataDir, "data", emulator.DefaultDataDir(), "directory for the state "+
		"database and signing key")
	f.Int64Var(&cfg.Seed, "seed", 0, "seed of the synthetic dataset (region local uses 0 too)")
	f.IntVar(&cfg.Tenants, "tenants", 0, "customer tenants to generate (0: the default, 20)")
	f.Float64Var(&cfg.Scale, "scale", 0, "multiplier of events and alerts (0: the default, 1)")
	f.StringVar(&cfg.ClientID, "client-id", emulator.DefaultClientID, "client id the token "+
		"endpoint accepts")
	f.StringVar(&cfg.ClientSecret, "client-secret", emulator.DefaultClientSecret,
		"client secret the token endpoint accepts")
	f.DurationVar(&cfg.TokenTTL, "token-ttl", emulator.DefaultTokenTTL, "lifetime of access "+
		"tokens")
	f.BoolVar(&cfg.ManualDeviceApproval, "manual-device-approval", false, "make device-code "+
		"logins wait until the verification URL is opened")
	return cmd
}

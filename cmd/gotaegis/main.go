// Command gotaegis is threat hunting on Taegis XDR from Jupyter: a Go Jupyter kernel, the
// kernelspec that installs it, the Taegis SDK's command line, and a local Taegis emulator.
//
// Each subcommand lives in its own file and registers itself on the root command.
package main

import (
	"fmt"
	"log/slog"
	"os"
	"runtime"

	"github.com/spf13/cobra"
)

// version is the release of this binary; the build may set it with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

var root = &cobra.Command{
	Use:   "gotaegis",
	Short: "Threat hunting on Taegis XDR from Jupyter, in Go",
	Long: `gotaegis is one binary for hunting on Taegis XDR from Jupyter:

  gotaegis kernel CONNECTION_FILE   the Go Jupyter kernel (started by Jupyter)
  gotaegis kernelspec install       make the kernel known to Jupyter as "Go (Taegis)"
  gotaegis alerts search ...        the same commands as %taegis in a notebook, as JSON
  gotaegis notebook ...             create, lint, execute and fan out hunting procedures
  gotaegis emulator                 serve a local Taegis on loopback

Without credentials, commands use region local: a Taegis emulator inside the binary.`,
	SilenceUsage:  true,
	SilenceErrors: true,
}

func init() {
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the version of gotaegis",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "gotaegis %s (%s %s/%s)\n",
				version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		},
	})
}

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()})))
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "gotaegis:", err)
		os.Exit(1)
	}
}

// logLevel reads GOTAEGIS_LOG (debug, info, warn, error); the default is warn.
func logLevel() slog.Level {
	var l slog.Level = slog.LevelWarn
	if s := os.Getenv("GOTAEGIS_LOG"); s != "" {
		_ = l.UnmarshalText([]byte(s))
	}
	return l
}

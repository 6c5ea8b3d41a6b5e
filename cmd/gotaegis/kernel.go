package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"

	"gotaegis/cmd/gotaegis/internal/prebind"
	"gotaegis/kernel"
	"gotaegis/magics"
	"gotaegis/magics/symbols"
	"gotaegis/notebook"
	"gotaegis/sdk"
)

func init() {
	root.AddCommand(&cobra.Command{
		Use:   "kernel CONNECTION_FILE",
		Short: "Run the Go Jupyter kernel (Jupyter starts it from the kernelspec)",
		Long: `Run the Go (Taegis) Jupyter kernel on the sockets of CONNECTION_FILE.

Jupyter starts this command itself, from the kernelspec that
"gotaegis kernelspec install" writes; you rarely run it by hand. The kernel
keeps its input history in history.db under $GOTAEGIS_DATA_DIR (default
~/.local/share/gotaegis). SIGINT interrupts the running cell; SIGTERM or a
shutdown request ends the kernel. Set GOTAEGIS_LOG=debug to see every message.
Once started, the kernel runs on one core fewer than the machine has, leaving
one to the front end; set GOMAXPROCS (in the kernelspec's env) to choose.`,
		Example: `  gotaegis kernel ~/.local/share/jupyter/runtime/kernel-1234.json`,
		Args:    cobra.ExactArgs(1),
		RunE:    runKernel,
	})
}

func runKernel(cmd *cobra.Command, args []string) error {
	info, err := kernel.ReadConnectionFile(args[0])
	if err != nil {
		return fmt.Errorf("%w (Jupyter passes the connection file as {connection_file} in "+
			"the kernelspec's argv)", err)
	}
	dbs := &magics.Databases{}
	defer func() { _ = dbs.Close() }()
	// A device-code login prompt goes to the cell that needs it (else the kernel's stderr).
	notices := magics.NewCellNotices(os.Stderr)
	env := &magics.Env{
		Client:   magics.Clients(sdk.Config{Version: version, DeviceLogin: notices.DeviceLogin}),
		Evidence: dbs.Open,
		Version:  version,
	}
	// The interpreter starts while the kernel binds its sockets and answers kernel_info.
	engine := kernel.BackgroundEngine(func() (kernel.Engine, error) {
		e, err := kernel.NewGoEngine(kernel.EngineOptions{
			Taegis: magics.WithReport(magics.NewHookNotices(env, notices), notebookReport,
				nil),
			TaegisComplete: magics.Completer(env),
			Exports:        symbols.Symbols,
			Imports:        symbols.Imports,
		})
		if err != nil {
			return nil, fmt.Errorf("start the Go engine: %w", err)
		}
		leaveACoreToTheFrontEnd()
		return e, nil
	})
	// The ports were opened as the program started (see prebind); the kernel takes them.
	kernel.UsePrebound(prebind.Take)
	k, err := kernel.New(info, engine, kernel.Options{
		Version:      version,
		Logger:       slog.Default(),
		HandleSIGINT: true,
	})
	prebind.Release()
	if err != nil {
		return errors.Join(err, engine.Close())
	}

	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	watchParent(ctx, stop)
	slog.Info("kernel started", "transport", info.Transport, "ip", info.IP,
		"shell_port", info.ShellPort)
	if err := k.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("kernel: %w", err)
	}
	slog.Info("kernel stopped")
	return nil
}

// notebookReport is the markdown report of the notebook file at path, for %generate_report.
func notebookReport(path string) (string, error) {
	nb, err := notebook.Read(path)
	if err != nil {
		return "", err
	}
	return notebook.Report(nb)
}

// leaveACoreToTheFrontEnd runs the kernel on one core fewer than the machine has, once it has
// started (start-up uses them all), unless GOMAXPROCS says otherwise. A cell's round trip is a
// chain of hand-offs between goroutines and, on the other side, the front end's own threads:
// on a small machine, goroutines that wake each other on one thread, with the front end on
// another core, answer sooner than goroutines spread over every core the front end also needs.
func leaveACoreToTheFrontEnd() {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	runtime.GOMAXPROCS(max(1, runtime.NumCPU()-1))
}

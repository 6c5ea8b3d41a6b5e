package kernel

import (
	"context"
	"os"
	"os/signal"
)

// handleSIGINT makes SIGINT interrupt the running cell until ctx ends or the returned function
// is called. signal.Notify keeps the Go runtime from ending the process on SIGINT, which is what
// Jupyter's "signal" interrupt mode sends to the kernel's process group.
func (k *Kernel) handleSIGINT(ctx context.Context) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				k.log.Info("SIGINT: interrupting the running cell", "cell_running", k.interrupt())
			case <-ctx.Done():
				return
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

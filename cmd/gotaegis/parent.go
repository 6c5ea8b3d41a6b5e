package main

import (
	"context"
	"log/slog"
	"os"
	"time"
)

// watchParent calls stop when the process that started the kernel is gone: a front end that
// died without a shutdown request must not leave its kernel running. When a parent process
// exits, its children are re-parented, which is what this watches for.
func watchParent(ctx context.Context, stop context.CancelFunc) {
	parent := os.Getppid()
	if parent <= 1 {
		return // started by init or a container's first process: nothing to watch
	}
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if os.Getppid() != parent {
					slog.Warn("the process that started the kernel has exited; stopping",
						"parent_pid", parent)
					stop()
					return
				}
			}
		}
	}()
}

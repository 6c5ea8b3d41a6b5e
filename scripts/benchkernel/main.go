// Command benchkernel measures a Jupyter kernel through gotaegis's Go client (kernel/client):
// start-up, from starting the kernel process to its first kernel_info_reply with IOPub
// connected, and the round trip of one execute_request to its execute_reply and idle status.
// It prints one JSON object in the shape scripts/bench_kernel.py prints, for scripts/bench.
//
// Usage:
//
//	go run ./scripts/benchkernel [-starts 10] [-runs 300] [-warmup 30] [-code 'x := 1'] \
//	    [-label gotaegis] [-no-history] KERNEL_ARGV...
//
// KERNEL_ARGV is the kernel command, with {connection_file} where the connection file goes,
// for example: bin/gotaegis kernel {connection_file}.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"time"

	"gotaegis/kernel/client"
)

// summary is the figures of one measurement, in milliseconds.
type summary struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	P99    float64 `json:"p99"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

func summarize(d []time.Duration) summary {
	ms := make([]float64, len(d))
	for i, x := range d {
		ms[i] = float64(x) / float64(time.Millisecond)
	}
	slices.Sort(ms)
	n := len(ms)
	median := ms[n/2]
	if n%2 == 0 {
		median = (ms[n/2-1] + ms[n/2]) / 2
	}
	// Nearest rank, as bench_kernel.py computes it.
	rank := int(math.Round(0.99*float64(n) + 0.5))
	rank = min(max(rank, 1), n)
	return summary{N: n, Median: median, P99: ms[rank-1], Min: ms[0], Max: ms[n-1]}
}

func main() {
	starts := flag.Int("starts", 10, "kernels to start for the start-up figure")
	runs := flag.Int("runs", 300, "execute requests to time")
	warmup := flag.Int("warmup", 30, "execute requests to send before timing")
	code := flag.String("code", "x := 1", "the cell to execute")
	label := flag.String("label", "gotaegis", "the kernel's name in the output")
	noHistory := flag.Bool("no-history", false, "send store_history false, as a silent "+
		"front end would, to see what storing the history costs")
	flag.Parse()
	if flag.NArg() == 0 || *starts < 1 || *runs < 1 || *warmup < 0 {
		fmt.Fprintln(os.Stderr, "usage: benchkernel [-starts N] [-runs N] [-warmup N] "+
			"[-code CELL] KERNEL_ARGV... (for example: bin/gotaegis kernel {connection_file})")
		os.Exit(2)
	}
	out, err := measure(flag.Args(), *code, *starts, *runs, *warmup,
		client.ExecuteOptions{NoHistory: *noHistory})
	if out != nil {
		out["kernel"] = *label
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchkernel:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "benchkernel:", err)
		os.Exit(1)
	}
}

func start(argv []string) (*client.Client, time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	t0 := time.Now()
	c, err := client.Start(ctx, argv, client.StartOptions{})
	if err != nil {
		return nil, 0, err
	}
	return c, time.Since(t0), nil
}

func stop(c *client.Client) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.Shutdown(ctx, false)
}

func measure(argv []string, code string, starts, runs, warmup int,
	opts client.ExecuteOptions) (map[string]any, error) {
	startups := make([]time.Duration, 0, starts)
	for range starts {
		c, d, err := start(argv)
		if err != nil {
			return nil, fmt.Errorf("start-up: %w", err)
		}
		startups = append(startups, d)
		if err := stop(c); err != nil {
			return nil, fmt.Errorf("shut down: %w", err)
		}
	}

	c, _, err := start(argv)
	if err != nil {
		return nil, fmt.Errorf("start-up: %w", err)
	}
	rounds := make([]time.Duration, 0, runs)
	for i := range warmup + runs {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		t0 := time.Now()
		res, err := c.Execute(ctx, code, opts)
		d := time.Since(t0)
		cancel()
		if err == nil && res.Status != "ok" {
			err = fmt.Errorf("status %s: %v", res.Status, res.Error)
		}
		if err != nil {
			return nil, errors.Join(fmt.Errorf("execute %q: %w", code, err), stop(c))
		}
		if i >= warmup {
			rounds = append(rounds, d)
		}
	}
	if err := stop(c); err != nil {
		return nil, fmt.Errorf("shut down: %w", err)
	}
	return map[string]any{
		"kernel":        argv[0],
		"client":        "kernel/client",
		"code":          code,
		"store_history": !opts.NoHistory,
		"startup_ms":    summarize(startups),
		"execute_ms":    summarize(rounds),
	}, nil
}

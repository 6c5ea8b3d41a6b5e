package e2e

import (
	"context"
	"testing"
	"time"

	"gotaegis/kernel/client"
)

// startKernel starts the built binary as a kernel through the Go client.
func startKernel(b *testing.B) *client.Client {
	b.Helper()
	if harness.err != nil || harness.noKernel != nil {
		b.Fatalf("e2e harness: %v", firstErr(harness.err, harness.noKernel))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := client.Start(ctx, []string{harness.bin, "kernel", "{connection_file}"},
		client.StartOptions{Env: harness.env})
	if err != nil {
		b.Fatalf("start the kernel: %v", err)
	}
	return c
}

func stopKernel(b *testing.B, c *client.Client) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Shutdown(ctx, false); err != nil {
		b.Errorf("shut down the kernel: %v", err)
	}
}

// BenchmarkKernelStart is the start-up of the kernel process to its first kernel_info_reply
// with IOPub connected.
func BenchmarkKernelStart(b *testing.B) {
	for b.Loop() {
		c := startKernel(b)
		b.StopTimer()
		stopKernel(b, c)
		b.StartTimer()
	}
}

// BenchmarkExecuteRoundTrip is one execute_request of "x := 1" to its reply and idle status.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	c := startKernel(b)
	defer stopKernel(b, c)
	ctx := context.Background()
	for b.Loop() {
		res, err := c.Execute(ctx, "x := 1", client.ExecuteOptions{})
		if err != nil || res.Status != "ok" {
			b.Fatalf("execute: %v, status %q, %v", err, res.Status, res.Error)
		}
	}
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

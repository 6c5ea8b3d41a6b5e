package kernel_test

import (
	"context"
	"net"
	"strconv"
	"sync/atomic"
	"testing"

	"gotaegis/kernel"
	"gotaegis/kernel/client"
)

// TestPreboundListener: a kernel told to use a listener opened before it existed serves its
// shell through it; a client that connected before the kernel was made is answered, and a
// peer that connected first and says nothing holds nobody up.
func TestPreboundListener(t *testing.T) {
	info, err := client.NewConnectionInfo(t.TempDir(), "tcp")
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(info.IP, strconv.Itoa(info.ShellPort))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	ctx := testContext(t)
	type connected struct {
		c   *client.Client
		err error
	}
	early := make(chan connected, 1)
	go func() {
		c, err := client.Connect(ctx, info)
		early <- connected{c, err}
	}()

	var taken atomic.Int32
	kernel.UsePrebound(func(a string) net.Listener {
		if a != addr {
			return nil
		}
		taken.Add(1)
		return l
	})
	t.Cleanup(func() { kernel.UsePrebound(nil) })
	k, err := kernel.New(info, newFakeEngine(), kernel.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if taken.Load() != 1 {
		t.Fatalf("the prebound listener was taken %d times, want 1", taken.Load())
	}
	ran := make(chan error, 1)
	go func() { ran <- k.Run(context.Background()) }()
	got := <-early
	if got.err != nil {
		t.Fatal(got.err)
	}
	c := got.c
	defer c.Close()
	res, err := c.Execute(ctx, "print through the prebound port", client.ExecuteOptions{})
	if err != nil || res.Stream("stdout") != "through the prebound port\n" {
		t.Fatalf("execute: %+v %v", res, err)
	}
	if err := c.Shutdown(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
}

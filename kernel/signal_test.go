package kernel_test

import (
	"syscall"
	"testing"

	"gotaegis/kernel"
	"gotaegis/kernel/client"
)

// TestSIGINTInterruptsCell sends SIGINT to this test process while a kernel served in it runs
// a blocking cell: the cell is interrupted and the process lives on.
func TestSIGINTInterruptsCell(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{HandleSIGINT: true})
	ctx := testContext(t)
	done := make(chan client.ExecuteResult, 1)
	go func() {
		res, err := h.c.Execute(ctx, "block", client.ExecuteOptions{})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	<-h.engine.started
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.Status != "error" || res.Error.Name != "KeyboardInterrupt" {
		t.Errorf("after SIGINT: %q %+v", res.Status, res.Error)
	}
	// Between cells SIGINT interrupts nothing and the kernel keeps serving.
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	res, err := h.c.Execute(ctx, "print alive", client.ExecuteOptions{})
	if err != nil || res.Stream("stdout") != "alive\n" {
		t.Errorf("after an idle SIGINT: %+v %v", res, err)
	}
}

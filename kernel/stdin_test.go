package kernel_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"gotaegis/kernel"
)

// TestInputWithoutStdinSocket has a client allow stdin without connecting a stdin socket of its
// own: its input request reaches nobody, and an interrupt still ends the cell.
func TestInputWithoutStdinSocket(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)
	signer, _ := kernel.NewSigner(h.info.SignatureScheme, h.info.Key)

	d := zmq4.NewDealer(context.Background())
	defer d.Close()
	if err := d.Dial(h.info.Endpoint(h.info.ShellPort)); err != nil {
		t.Fatal(err)
	}
	req, _ := kernel.NewSession("raw").NewMessage("execute_request", nil, map[string]any{
		"code": "input who?", "allow_stdin": true, "silent": false})
	if err := d.SendMulti(zmq4.NewMsgFrom(req.Frames(signer)...)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-h.engine.started:
	case <-ctx.Done():
		t.Fatal("the cell did not start")
	}

	replies := make(chan kernel.Message, 1)
	go func() {
		for {
			zm, err := d.Recv()
			if err != nil {
				return
			}
			if m, err := kernel.ParseMessage(zm.Frames, signer); err == nil &&
				m.Parent().MsgID == req.Header.MsgID {
				replies <- m
				return
			}
		}
	}()
	if err := h.c.Interrupt(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-replies:
		var c struct{ Status, Ename, Evalue string }
		if err := m.Decode(&c); err != nil {
			t.Fatal(err)
		}
		if c.Status != "error" || c.Ename != "InputError" || !strings.Contains(c.Evalue,
			"interrupted") {
			t.Errorf("reply %+v", c)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the interrupted cell never replied")
	}
}

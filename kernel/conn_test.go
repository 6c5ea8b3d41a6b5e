package kernel_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"gotaegis/kernel"
)

// TestBadMessagesDropped sends, on one raw DEALER, a badly signed request, malformed frames
// and finally a good request: the first reply to arrive must be the good request's, and the
// kernel must go on serving.
func TestBadMessagesDropped(t *testing.T) {
	for _, ch := range []string{"shell", "control"} {
		t.Run(ch, func(t *testing.T) {
			h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
			port := h.info.ShellPort
			if ch == "control" {
				port = h.info.ControlPort
			}
			d := zmq4.NewDealer(context.Background())
			defer d.Close()
			if err := d.Dial(h.info.Endpoint(port)); err != nil {
				t.Fatal(err)
			}
			good, _ := kernel.NewSigner(h.info.SignatureScheme, h.info.Key)
			wrong, _ := kernel.NewSigner(h.info.SignatureScheme, "not the key")
			sess := kernel.NewSession("raw")

			badlySigned, _ := sess.NewMessage("kernel_info_request", nil, nil)
			valid, _ := sess.NewMessage("kernel_info_request", nil, nil)
			sends := [][][]byte{
				badlySigned.Frames(wrong),
				badlySigned.Frames(&kernel.Signer{}),
				frames("no", "delimiter"),
				frames("<IDS|MSG>", "sig"),
				withSignature(good, frames("<IDS|MSG>", "", "not json", "{}", "{}", "{}")),
				withSignature(good, frames("<IDS|MSG>", "", `{"msg_id":"x"}`, "{}", "{}", "{}")),
				withSignature(good, frames("<IDS|MSG>", "", `{"msg_type":"execute_request"}`,
					"{}", "{}", `{"code": 12}`)),
				valid.Frames(good),
			}
			for _, f := range sends {
				if err := d.SendMulti(zmq4.NewMsgFrom(f...)); err != nil {
					t.Fatal(err)
				}
			}

			got := make(chan kernel.Message, len(sends))
			go func() {
				for {
					zm, err := d.Recv()
					if err != nil {
						return
					}
					if m, err := kernel.ParseMessage(zm.Frames, good); err == nil {
						got <- m
					}
				}
			}()
			select {
			case m := <-got:
				// The execute_request with a bad content type is the only malformed one that
				// is answered (with an error reply), so skip past it if it came first.
				if m.Header.MsgType == "execute_reply" {
					var c struct{ Status, Ename string }
					_ = m.Decode(&c)
					if c.Status != "error" || c.Ename != "BadRequest" {
						t.Errorf("bad execute_request answered %+v", c)
					}
					m = <-got
				}
				if m.Parent().MsgID != valid.Header.MsgID {
					t.Errorf("first reply is to %q (%s), want the valid request %q",
						m.Parent().MsgID, m.Header.MsgType, valid.Header.MsgID)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("no reply to the valid request")
			}
			if _, err := h.c.KernelInfo(testContext(t)); err != nil {
				t.Fatalf("kernel stopped serving: %v", err)
			}
			if n := strings.Count(h.logs.String(), "dropping message"); n != 6 {
				t.Errorf("%d dropped messages logged, want 6:\n%s", n, h.logs)
			}
		})
	}
}

// withSignature signs the four JSON frames after the delimiter in place.
func withSignature(s *kernel.Signer, f [][]byte) [][]byte {
	f[1] = s.Sign(f[2], f[3], f[4], f[5])
	return f
}

package kernel

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// recordWriter keeps every write it is given.
type recordWriter struct{ writes [][]byte }

func (w *recordWriter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, append([]byte(nil), p...))
	return len(p), nil
}

func (w *recordWriter) all() []byte { return bytes.Join(w.writes, nil) }

// zmtpFrame encodes one frame as zmq4 does: its header, then its body.
func zmtpFrame(body []byte, more, command bool) (hdr []byte) {
	var flags byte
	if more {
		flags |= flagMore
	}
	if command {
		flags |= 0x04
	}
	if len(body) > 255 {
		hdr = make([]byte, 9)
		hdr[0] = flags | flagLong
		binary.BigEndian.PutUint64(hdr[1:], uint64(len(body)))
		return hdr
	}
	return []byte{flags, byte(len(body))}
}

// TestFrameWriterSendsWholeMessages writes a greeting, a command and messages the way zmq4
// does (and in random pieces): each message goes out in one write as soon as its last frame is
// complete, the bytes are exactly those written, and nothing is held between messages.
func TestFrameWriterSendsWholeMessages(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var fw frameWriter
		w := &recordWriter{}
		var want []byte
		write := func(p []byte, split bool) {
			t.Helper()
			for len(p) > 0 {
				k := len(p)
				if split {
					k = 1 + rng.IntN(len(p))
				}
				if n, err := fw.write(w, p[:k]); n != k || err != nil {
					t.Fatalf("write %d bytes: %d, %v", k, n, err)
				}
				want = append(want, p[:k]...)
				p = p[k:]
			}
		}
		split := round%2 == 1
		greeting := bytes.Repeat([]byte{0xff}, zmtpGreeting)
		write(greeting, split)
		ready := []byte("\x05READY\x0bSocket-Type\x00\x00\x00\x06ROUTER")
		write(zmtpFrame(ready, false, true), split)
		write(ready, split)
		if !bytes.Equal(w.all(), want) {
			t.Fatalf("round %d: greeting and command not sent whole", round)
		}
		for range 5 {
			before := len(w.writes)
			frames := 1 + rng.IntN(8)
			for i := range frames {
				size := []int{0, 1, 200, 255, 256, 3000, 70_000}[rng.IntN(7)]
				body := bytes.Repeat([]byte{byte('a' + i)}, size)
				write(zmtpFrame(body, i < frames-1, false), split)
				write(body, split)
			}
			if !bytes.Equal(w.all(), want) {
				t.Fatalf("round %d: %d bytes sent of %d written at a message's end", round,
					len(w.all()), len(want))
			}
			if len(fw.held) != 0 {
				t.Fatalf("round %d: %d bytes held between messages", round, len(fw.held))
			}
			if sent := len(w.writes) - before; !split && sent != 1 &&
				len(want) < maxHeld {
				t.Fatalf("round %d: a message took %d writes", round, sent)
			}
		}
	}
}

// TestBufferedTransportCarriesMessages sends messages of many shapes both ways between a
// ROUTER and a DEALER on the buffered transports, over TCP and a Unix socket.
func TestBufferedTransportCarriesMessages(t *testing.T) {
	for _, ep := range []string{"tcp://127.0.0.1:0", "ipc://" + t.TempDir() + "/sock"} {
		t.Run(strings.SplitN(ep, ":", 2)[0], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			router := zmq4.NewRouter(ctx)
			defer router.Close()
			if err := router.Listen(socketAddress(ep)); err != nil {
				t.Fatal(err)
			}
			addr := router.Addr().String()
			if strings.HasPrefix(ep, "tcp") {
				addr = "tcp://" + addr
			} else {
				addr = ep
			}
			// A peer that connects first and says nothing must not hold up the others.
			network, target := "tcp", router.Addr().String()
			if !strings.HasPrefix(ep, "tcp") {
				network, target = "unix", strings.TrimPrefix(ep, "ipc://")
			}
			silent, err := net.Dial(network, target)
			if err != nil {
				t.Fatal(err)
			}
			defer silent.Close()
			dealer := zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("d")))
			defer dealer.Close()
			if err := dealer.Dial(socketAddress(addr)); err != nil {
				t.Fatal(err)
			}
			for i, sizes := range [][]int{{0}, {1, 255, 256}, {70_000, 0, 5}, {200_000}} {
				var frames [][]byte
				for j, n := range sizes {
					frames = append(frames, bytes.Repeat([]byte{byte('a' + i + j)}, n))
				}
				if err := dealer.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
					t.Fatal(err)
				}
				got, err := router.Recv()
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Frames) != len(frames)+1 || string(got.Frames[0]) != "d" {
					t.Fatalf("router got %d frames from %q", len(got.Frames), got.Frames[0])
				}
				for j := range frames {
					if !bytes.Equal(got.Frames[j+1], frames[j]) {
						t.Fatalf("message %d frame %d differs", i, j)
					}
				}
				reply := append([][]byte{[]byte("d")}, frames...)
				if err := router.SendMulti(zmq4.NewMsgFrom(reply...)); err != nil {
					t.Fatal(err)
				}
				back, err := dealer.Recv()
				if err != nil {
					t.Fatal(err)
				}
				if len(back.Frames) != len(frames) {
					t.Fatalf("dealer got %d frames, want %d", len(back.Frames), len(frames))
				}
				for j := range frames {
					if !bytes.Equal(back.Frames[j], frames[j]) {
						t.Fatalf("reply %d frame %d differs", i, j)
					}
				}
			}
		})
	}
}

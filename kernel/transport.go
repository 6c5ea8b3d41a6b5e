package kernel

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// zmq4 reads every ZMTP frame with two reads on the connection (its header, then its body),
// and a ROUTER socket writes every frame with two writes; each is a system call, and each
// write a packet of its own: a Jupyter reply of eight frames costs sixteen of both. The
// transports registered here are zmq4's tcp and ipc with the connection's reads going through
// a buffer and its writes gathered into one per message (see frameWriter). Only how this
// process uses its end of the connection changes: the peer sees the same ZMTP bytes over the
// same TCP or Unix socket.
const (
	bufferedTCP = "tcp-buffered"
	bufferedIPC = "ipc-buffered"
)

// readBuffer is the size of a connection's read buffer: a kernel_info_reply or a short cell's
// messages fit in one.
const readBuffer = 16 << 10

func init() {
	for name, network := range map[string]string{bufferedTCP: "tcp", bufferedIPC: "unix"} {
		t := bufferedTransport{Transport: transport.New(network), network: network}
		if err := zmq4.RegisterTransport(name, t); err != nil {
			panic(fmt.Sprintf("kernel: register zmq4 transport %s: %v", name, err))
		}
	}
}

// prebound gives a TCP listener opened before the kernel started binding (see
// UsePrebound), or nil.
var prebound atomic.Pointer[func(addr string) net.Listener]

// UsePrebound makes the kernel's TCP sockets listen through the listeners take gives for
// their HOST:PORT addresses, where it gives one, rather than open their own: a process can
// start listening on a connection file's ports before it is ready to make the kernel. nil
// stops it.
func UsePrebound(take func(addr string) net.Listener) {
	if take == nil {
		prebound.Store(nil)
		return
	}
	prebound.Store(&take)
}

// socketAddress is the address this process gives zmq4 to bind or dial for endpoint, a
// tcp:// or ipc:// address as Endpoint writes it.
func socketAddress(endpoint string) string {
	if rest, ok := strings.CutPrefix(endpoint, "tcp://"); ok {
		return bufferedTCP + "://" + rest
	}
	if rest, ok := strings.CutPrefix(endpoint, "ipc://"); ok {
		return bufferedIPC + "://" + rest
	}
	return endpoint
}

// SocketAddress is the address to give zmq4 to bind or dial port: Endpoint's, on a transport
// that reads through a buffer and writes a message at a time. A client in this process dials
// it for the same socket.
func (c ConnectionInfo) SocketAddress(port int) string {
	return socketAddress(c.Endpoint(port))
}

type bufferedTransport struct {
	transport.Transport
	network string
}

func (t bufferedTransport) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn,
	error) {
	c, err := t.Transport.Dial(ctx, d, addr)
	if err != nil {
		return nil, err
	}
	return buffered(c), nil
}

func (t bufferedTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	if take := prebound.Load(); take != nil && t.network == "tcp" {
		if l := (*take)(addr); l != nil {
			return newBufferedListener(l), nil
		}
	}
	l, err := t.Transport.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	return newBufferedListener(l), nil
}

// greetingWait is how long an accepted connection may stay silent before it is dropped.
const greetingWait = 10 * time.Second

// bufferedListener hands zmq4 a connection once its peer has sent its first bytes. zmq4
// accepts connections one at a time and waits for each peer's greeting with no deadline, so a
// peer that connects and says nothing (a port scan, a stray telnet) would stop the socket
// accepting anyone else; ZeroMQ peers send their greeting as soon as they connect.
type bufferedListener struct {
	net.Listener
	ready  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newBufferedListener(l net.Listener) *bufferedListener {
	bl := &bufferedListener{Listener: l, ready: make(chan net.Conn),
		closed: make(chan struct{})}
	go bl.acceptAll()
	return bl
}

func (l *bufferedListener) acceptAll() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			select {
			case <-l.closed:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(5 * time.Millisecond)
			continue
		}
		go l.admit(buffered(c))
	}
}

// admit passes c on once its peer has spoken, and closes it when the peer stays silent.
func (l *bufferedListener) admit(c *bufferedConn) {
	_ = c.SetReadDeadline(time.Now().Add(greetingWait))
	_, err := c.r.Peek(1)
	_ = c.SetReadDeadline(time.Time{})
	if err != nil {
		_ = c.Close()
		return
	}
	select {
	case l.ready <- c:
	case <-l.closed:
		_ = c.Close()
	}
}

func (l *bufferedListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ready:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *bufferedListener) Close() error {
	var err error
	l.once.Do(func() {
		close(l.closed)
		err = l.Listener.Close()
	})
	return err
}

// buffered gives c a read buffer and a writer that sends one message at a time.
func buffered(c net.Conn) *bufferedConn {
	return &bufferedConn{Conn: c, r: bufio.NewReaderSize(c, readBuffer)}
}

type bufferedConn struct {
	net.Conn
	r *bufio.Reader

	wmu sync.Mutex
	w   frameWriter
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *bufferedConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.w.write(c.Conn, p)
}

// ZMTP 3 framing: a 64-byte greeting, then frames of a flags byte, a size (one byte, or eight
// big-endian with the long flag) and a body. A message is frames up to one without the more
// flag; a command is a frame of its own.
const (
	zmtpGreeting = 64
	flagMore     = 0x01
	flagLong     = 0x02
)

// maxHeld is how much of an unfinished message a frameWriter holds before it sends what it
// has: a large message gains nothing from being gathered whole.
const maxHeld = 64 << 10

// frameWriter gathers the writes of each ZMTP message and sends it in one write once its last
// frame is complete. It follows the framing of the bytes written, so it never holds a
// complete message: what zmq4 has finished writing is on the wire.
type frameWriter struct {
	greeted int    // greeting bytes passed through so far
	held    []byte // written but not yet sent
	ready   int    // held[:ready] ends on a message boundary

	hdr      [9]byte // the frame header being read
	hdrLen   int
	bodyLeft uint64 // bytes of the current frame's body still to come
	last     bool   // the current frame ends its message
}

func (fw *frameWriter) write(w io.Writer, p []byte) (int, error) {
	n := 0
	if fw.greeted < zmtpGreeting {
		k := min(len(p), zmtpGreeting-fw.greeted)
		m, err := w.Write(p[:k])
		fw.greeted += m
		n += m
		if err != nil || k == len(p) {
			return n, err
		}
		p = p[k:]
	}
	start := len(fw.held)
	fw.held = append(fw.held, p...)
	if end := fw.follow(p); end >= 0 {
		fw.ready = start + end
	}
	send := fw.ready
	if send == 0 && len(fw.held) >= maxHeld {
		send = len(fw.held)
	}
	if send > 0 {
		if _, err := w.Write(fw.held[:send]); err != nil {
			return n, err
		}
		rest := copy(fw.held, fw.held[send:])
		fw.held = fw.held[:rest]
		// Everything up to the last message boundary, or more, is gone.
		fw.ready = 0
	}
	return n + len(p), nil
}

// follow advances the framing over p and returns the offset in p just past the last message
// that p completes, or -1 when it completes none.
func (fw *frameWriter) follow(p []byte) int {
	end := -1
	for i := 0; i < len(p); {
		if fw.bodyLeft > 0 {
			k := min(uint64(len(p)-i), fw.bodyLeft)
			i += int(k)
			fw.bodyLeft -= k
			if fw.bodyLeft == 0 && fw.last {
				end = i
			}
			continue
		}
		fw.hdr[fw.hdrLen] = p[i]
		fw.hdrLen++
		i++
		need := 2
		if fw.hdr[0]&flagLong != 0 {
			need = 9
		}
		if fw.hdrLen < need {
			continue
		}
		if need == 2 {
			fw.bodyLeft = uint64(fw.hdr[1])
		} else {
			fw.bodyLeft = binary.BigEndian.Uint64(fw.hdr[1:9])
		}
		fw.hdrLen = 0
		fw.last = fw.hdr[0]&flagMore == 0
		if fw.bodyLeft == 0 && fw.last {
			end = i
		}
	}
	return end
}

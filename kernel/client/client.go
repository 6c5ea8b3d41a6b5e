package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"

	"gotaegis/kernel"
)

// Channel names the socket a request goes out on.
type Channel string

// The request channels of a kernel.
const (
	Shell   Channel = "shell"
	Control Channel = "control"
)

// ErrClosed is returned by calls on a Client after Close, or after its kernel process exited.
var ErrClosed = errors.New("kernel client is closed")

// Client is a connection to one Jupyter kernel: DEALER sockets on shell, control and stdin, a
// SUB socket on IOPub and a REQ socket on the heartbeat. Its methods are safe for concurrent use;
// each waits for the reply to its own request and collects the IOPub messages whose parent is
// that request.
type Client struct {
	info    kernel.ConnectionInfo
	signer  *kernel.Signer
	session kernel.Session

	shell, control, stdin *dealer
	iopub                 zmq4.Socket
	hbMu                  sync.Mutex
	hb                    zmq4.Socket

	mu      sync.Mutex
	pending map[string]*call
	closed  bool

	proc     *process // nil when the client did not start the kernel
	done     chan struct{}
	closeErr error
	once     sync.Once
	readers  sync.WaitGroup
}

// dealer is a zmq4 socket whose sends are serialized.
type dealer struct {
	mu sync.Mutex
	zs zmq4.Socket
}

func (d *dealer) send(frames [][]byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.zs.SendMulti(zmq4.NewMsgFrom(frames...))
}

// call is one request waiting for its reply and its IOPub messages.
type call struct {
	reply     chan kernel.Message
	idle      chan struct{}
	onMessage func(kernel.Message)
	onInput   func(prompt string, password bool) (string, error)

	mu       sync.Mutex
	iopub    []kernel.Message
	idleSeen bool
	finished bool // the request has returned; a late input answer is not sent
}

// ConnectFile connects to the kernel described by the connection file at path; see Connect.
func ConnectFile(ctx context.Context, path string) (*Client, error) {
	info, err := kernel.ReadConnectionFile(path)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	return Connect(ctx, info)
}

// Connect connects to a running kernel and waits until it answers kernel_info_request and its
// IOPub messages arrive (so no early output is lost to the PUB/SUB handshake). ctx bounds the
// wait; it does not bound the Client's life.
func Connect(ctx context.Context, info kernel.ConnectionInfo) (*Client, error) {
	return connect(ctx, info, nil)
}

func connect(ctx context.Context, info kernel.ConnectionInfo, proc *process) (*Client, error) {
	if err := info.Validate(); err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	signer, err := kernel.NewSigner(info.SignatureScheme, info.Key)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	c := &Client{
		info:    info,
		signer:  signer,
		session: kernel.NewSession(username()),
		pending: map[string]*call{},
		proc:    proc,
		done:    make(chan struct{}),
	}
	if proc != nil {
		go func() {
			<-proc.exited
			c.shutdownPending()
		}()
	}

	// On failure the sockets close here; a process is the caller's to stop.
	fail := func(err error) (*Client, error) {
		c.proc = nil
		c.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	if err := c.dial(ctx); err != nil {
		return fail(err)
	}
	c.readers.Add(4)
	go c.readReplies(c.shell.zs)
	go c.readReplies(c.control.zs)
	go c.readIOPub()
	go c.readStdin()

	if err := c.waitReady(ctx); err != nil {
		return fail(err)
	}
	return c, nil
}

// dial connects every socket, retrying while the kernel is still binding its ports.
func (c *Client) dial(ctx context.Context) error {
	id := zmq4.WithID(zmq4.SocketIdentity(uuid.NewString()))
	// dialOne retries itself, watching ctx and the kernel process; zmq4's own retries would
	// block past both.
	once := zmq4.WithDialerMaxRetries(0)
	var err error
	mk := func(name string, port int, newSocket func() zmq4.Socket) zmq4.Socket {
		if err != nil {
			return nil
		}
		var zs zmq4.Socket
		zs, err = c.dialOne(ctx, name, port, newSocket)
		return zs
	}
	bg := context.Background()
	// shell and stdin share an identity: the kernel addresses input_request to the identity
	// its execute_request came from.
	shell := mk("shell", c.info.ShellPort, func() zmq4.Socket {
		return zmq4.NewDealer(bg, id, once)
	})
	stdin := mk("stdin", c.info.StdinPort, func() zmq4.Socket {
		return zmq4.NewDealer(bg, id, once)
	})
	control := mk("control", c.info.ControlPort, func() zmq4.Socket {
		return zmq4.NewDealer(bg, once)
	})
	iopub := mk("iopub", c.info.IOPubPort, func() zmq4.Socket { return zmq4.NewSub(bg, once) })
	hb := mk("hb", c.info.HBPort, func() zmq4.Socket { return zmq4.NewReq(bg, once) })
	for _, zs := range []zmq4.Socket{shell, stdin, control, iopub, hb} {
		if zs == nil {
			continue
		}
		if err != nil {
			zs.Close()
		}
	}
	if err != nil {
		return err
	}
	if err := iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		return fmt.Errorf("subscribe to iopub: %w", err)
	}
	c.shell, c.stdin, c.control = &dealer{zs: shell}, &dealer{zs: stdin}, &dealer{zs: control}
	c.iopub, c.hb = iopub, hb
	return nil
}

func (c *Client) dialOne(ctx context.Context, name string, port int,
	newSocket func() zmq4.Socket) (zmq4.Socket, error) {
	ep, addr := c.info.Endpoint(port), c.info.SocketAddress(port)
	// A kernel launched a moment ago listens within milliseconds: retry fast at first, then
	// back off so that a slow start is not hammered.
	pause := 2 * time.Millisecond
	for {
		zs := newSocket()
		err := zs.Dial(addr)
		if err == nil {
			return zs, nil
		}
		zs.Close()
		if c.proc != nil && c.proc.hasExited() {
			return nil, c.proc.exitError()
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("dial %s on %s: %w (last error: %v)", name, ep, ctx.Err(), err)
		case <-time.After(pause):
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// waitReady sends kernel_info_request until one is answered on shell and its IOPub messages
// arrive too.
func (c *Client) waitReady(ctx context.Context) error {
	// IOPub may miss the first request's messages while its subscription is still being set
	// up, so early attempts give up fast and later ones wait longer.
	wait := 10 * time.Millisecond
	for {
		attempt, cancel := context.WithTimeout(ctx, wait)
		resp, err := c.request(attempt, Shell, "kernel_info_request", nil, nil, true)
		cancel()
		wait = min(2*wait, time.Second)
		if err == nil && len(resp.IOPub) > 0 {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("kernel did not become ready: %w", ctx.Err())
		}
		if errors.Is(err, ErrClosed) {
			if c.proc != nil {
				return c.proc.exitError()
			}
			return err
		}
	}
}

// Response is the outcome of one request: its reply and the IOPub messages whose parent is the
// request, in the order the kernel published them (from status busy to status idle).
type Response struct {
	Reply kernel.Message
	IOPub []kernel.Message
}

// Request sends a request of msgType with content (nil means {}) on ch and waits for its reply
// and for the kernel's idle status for it.
func (c *Client) Request(ctx context.Context, ch Channel, msgType string,
	content any) (Response, error) {
	return c.request(ctx, ch, msgType, content, nil, true)
}

// request sends one request. With waitIdle it returns once both the reply and the idle status
// have arrived; otherwise as soon as the reply has.
func (c *Client) request(ctx context.Context, ch Channel, msgType string, content any,
	cl *call, waitIdle bool) (Response, error) {
	sock := c.shell
	if ch == Control {
		sock = c.control
	}
	m, err := c.session.NewMessage(msgType, nil, content)
	if err != nil {
		return Response{}, fmt.Errorf("%s: %w", msgType, err)
	}
	if cl == nil {
		cl = &call{}
	}
	cl.reply = make(chan kernel.Message, 1)
	cl.idle = make(chan struct{})

	id := m.Header.MsgID
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return Response{}, ErrClosed
	}
	c.pending[id] = cl
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		cl.mu.Lock()
		cl.finished = true
		cl.mu.Unlock()
	}()

	if err := sock.send(m.Frames(c.signer)); err != nil {
		select {
		case <-c.done:
			// Close marks the client closed before it closes the sockets, so a send that
			// failed for that reason says so.
			return Response{}, c.closedError()
		default:
		}
		return Response{}, fmt.Errorf("%s: send: %w", msgType, err)
	}

	var resp Response
	gotReply, gotIdle := false, !waitIdle
	idle := cl.idle
	for !gotReply || !gotIdle {
		select {
		case r := <-cl.reply:
			resp.Reply, gotReply = r, true
		case <-idle:
			gotIdle, idle = true, nil
		case <-c.done:
			return Response{}, c.closedError()
		case <-ctx.Done():
			return Response{}, fmt.Errorf("%s: %w", msgType, ctx.Err())
		}
	}
	cl.mu.Lock()
	resp.IOPub = append([]kernel.Message(nil), cl.iopub...)
	cl.finished = true
	cl.mu.Unlock()
	return resp, nil
}

// lookup returns the pending call whose request is m's parent.
func (c *Client) lookup(m kernel.Message) *call {
	id := m.Parent().MsgID
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pending[id]
}

// readReplies delivers the replies arriving on a shell or control DEALER. Messages that fail
// to parse or verify, and replies nobody waits for, are dropped.
func (c *Client) readReplies(zs zmq4.Socket) {
	defer c.readers.Done()
	for {
		zm, err := zs.Recv()
		if err != nil {
			return
		}
		m, err := kernel.ParseMessage(zm.Frames, c.signer)
		if err != nil {
			continue
		}
		if cl := c.lookup(m); cl != nil {
			select {
			case cl.reply <- m:
			default:
			}
		}
	}
}

// readIOPub files every IOPub message under the request that caused it.
func (c *Client) readIOPub() {
	defer c.readers.Done()
	for {
		zm, err := c.iopub.Recv()
		if err != nil {
			return
		}
		m, err := kernel.ParseMessage(zm.Frames, c.signer)
		if err != nil {
			continue
		}
		cl := c.lookup(m)
		if cl == nil {
			continue
		}
		cl.mu.Lock()
		cl.iopub = append(cl.iopub, m)
		idle := !cl.idleSeen && isIdle(m)
		if idle {
			cl.idleSeen = true
		}
		cl.mu.Unlock()
		if cl.onMessage != nil {
			cl.onMessage(m)
		}
		if idle {
			close(cl.idle)
		}
	}
}

func isIdle(m kernel.Message) bool {
	if m.Header.MsgType != "status" {
		return false
	}
	var s struct {
		State string `json:"execution_state"`
	}
	return m.Decode(&s) == nil && s.State == "idle"
}

// readStdin answers input_request through the callback of the execute request that asked.
func (c *Client) readStdin() {
	defer c.readers.Done()
	for {
		zm, err := c.stdin.zs.Recv()
		if err != nil {
			return
		}
		m, err := kernel.ParseMessage(zm.Frames, c.signer)
		if err != nil || m.Header.MsgType != "input_request" {
			continue
		}
		cl := c.lookup(m)
		go c.answerInput(cl, m)
	}
}

func (c *Client) answerInput(cl *call, req kernel.Message) {
	var r struct {
		Prompt   string `json:"prompt"`
		Password bool   `json:"password"`
	}
	_ = req.Decode(&r)
	value := ""
	if cl != nil && cl.onInput != nil {
		v, err := cl.onInput(r.Prompt, r.Password)
		if err == nil {
			value = v
		}
		// Taking the call's lock before answering orders the callback's effects before the
		// request returns, since the kernel can only reply after it has the answer.
		cl.mu.Lock()
		finished := cl.finished
		cl.mu.Unlock()
		if finished {
			return
		}
	}
	m, err := c.session.NewMessage("input_reply", req.RawHeader, map[string]any{"value": value})
	if err != nil {
		return
	}
	_ = c.stdin.send(m.Frames(c.signer))
}

// Heartbeat sends one ping on the heartbeat socket and waits for its echo until ctx ends.
func (c *Client) Heartbeat(ctx context.Context) error {
	c.hbMu.Lock()
	defer c.hbMu.Unlock()
	if c.hb == nil {
		return errors.New("heartbeat: the socket was closed by an earlier timeout")
	}
	ping := []byte(uuid.NewString())
	echo := make(chan error, 1)
	go func() {
		if err := c.hb.Send(zmq4.NewMsg(ping)); err != nil {
			echo <- err
			return
		}
		m, err := c.hb.Recv()
		if err == nil && (len(m.Frames) != 1 || string(m.Frames[0]) != string(ping)) {
			err = fmt.Errorf("echo %q does not match ping %q", m.Frames, ping)
		}
		echo <- err
	}()
	select {
	case err := <-echo:
		if err != nil {
			return fmt.Errorf("heartbeat: %w", err)
		}
		return nil
	case <-ctx.Done():
		// A REQ socket that missed its reply cannot send again.
		c.hb.Close()
		c.hb = nil
		return fmt.Errorf("heartbeat: no echo: %w", ctx.Err())
	}
}

// Info returns the connection info the client uses.
func (c *Client) Info() kernel.ConnectionInfo { return c.info }

// Close closes the sockets. If the client started the kernel and it still runs, Close kills it
// and removes its connection file; to end it cleanly call Shutdown first.
func (c *Client) Close() error {
	c.once.Do(func() {
		c.shutdownPending()
		for _, d := range []*dealer{c.shell, c.control, c.stdin} {
			if d != nil {
				d.zs.Close()
			}
		}
		if c.iopub != nil {
			c.iopub.Close()
		}
		c.hbMu.Lock()
		if c.hb != nil {
			c.hb.Close()
		}
		c.hbMu.Unlock()
		c.readers.Wait()
		if c.proc != nil {
			c.closeErr = c.proc.stop()
		}
	})
	return c.closeErr
}

// shutdownPending fails every waiting call and every later one with ErrClosed.
func (c *Client) shutdownPending() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		close(c.done)
	}
}

func (c *Client) closedError() error {
	if c.proc != nil && c.proc.hasExited() {
		return fmt.Errorf("%w: %v", ErrClosed, c.proc.exitError())
	}
	return ErrClosed
}

// ReplyError is a reply whose status is "error"; the typed request methods return it.
type ReplyError struct {
	MsgType   string
	Name      string
	Value     string
	Traceback []string
}

// Error returns "msg_type: ename: evalue".
func (e *ReplyError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.MsgType, e.Name, e.Value)
}

// decodeReply unmarshals a reply's content into v, turning status "error" into a *ReplyError.
func decodeReply(m kernel.Message, v any) error {
	var st struct {
		Status    string   `json:"status"`
		Ename     string   `json:"ename"`
		Evalue    string   `json:"evalue"`
		Traceback []string `json:"traceback"`
	}
	if err := json.Unmarshal(m.Content, &st); err != nil {
		return fmt.Errorf("%s: %w", m.Header.MsgType, err)
	}
	if st.Status == "error" {
		return &ReplyError{MsgType: m.Header.MsgType, Name: st.Ename, Value: st.Evalue,
			Traceback: st.Traceback}
	}
	if v == nil {
		return nil
	}
	return m.Decode(v)
}

func username() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "gotaegis"
}

// exitDescription describes how a kernel process ended.
func exitDescription(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ProcessState.String()
	}
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

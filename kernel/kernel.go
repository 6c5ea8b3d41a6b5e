package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Kernel. The zero value is usable.
type Options struct {
	// DataDir is where history.db lives; empty means DataDir() ($GOTAEGIS_DATA_DIR, else
	// ~/.local/share/gotaegis).
	DataDir string
	// Version is the implementation_version in kernel_info_reply and the banner.
	Version string
	// Logger receives the kernel's log; nil means slog.Default().
	Logger *slog.Logger
	// HandleSIGINT makes SIGINT interrupt the running cell instead of ending the process, as
	// Jupyter's "signal" interrupt mode expects. Only a process's own kernel should set it.
	HandleSIGINT bool
}

// Kernel serves one Jupyter kernel session over the five sockets of a connection file, running
// cells on an Engine. Build it with New and serve with Run; a Kernel runs once.
type Kernel struct {
	info    ConnectionInfo
	engine  Engine
	opts    Options
	log     *slog.Logger
	signer  *Signer
	session Session
	socks   *sockets
	hist    *historian
	shellQ  *queue
	stdin   *stdinRouter

	// count is the execution counter; only the shell goroutine changes it.
	countMu sync.Mutex
	count   int

	// cellCancel cancels the running cell, nil between cells. Cells run under runCtx, which
	// ends with Run, so a cell that starts during shutdown is cancelled from the start.
	cellMu     sync.Mutex
	cellCancel context.CancelFunc
	runCtx     context.Context

	ran      atomic.Bool
	stopOnce sync.Once
	stopped  chan struct{} // closed when a shutdown request asks Run to end
}

// New binds the sockets of info and opens the history database. engine belongs to the Kernel
// from then on: Run closes it. If the history database cannot be opened the kernel keeps its
// history in memory and logs why.
func New(info ConnectionInfo, engine Engine, opts Options) (*Kernel, error) {
	if engine == nil {
		return nil, errors.New("kernel: no engine to run cells")
	}
	if err := info.Validate(); err != nil {
		return nil, fmt.Errorf("kernel: connection info: %w", err)
	}
	signer, err := NewSigner(info.SignatureScheme, info.Key)
	if err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	k := &Kernel{
		info:    info,
		engine:  engine,
		opts:    opts,
		log:     log,
		signer:  signer,
		session: NewSession("gotaegis"),
		shellQ:  newQueue(),
		stopped: make(chan struct{}),
		runCtx:  context.Background(),
	}
	k.stdin = newStdinRouter(k)

	// The sockets first, so that a client connecting right after the launch finds them; the
	// history opens meanwhile on its own goroutine.
	k.socks, err = bind(context.Background(), info)
	if err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	k.hist = startHistorian(k.openHistory, func(err error) {
		k.log.Warn("cell not recorded in history", "err", err)
	})
	return k, nil
}

// openHistory opens the history file in the data directory, or when that fails one in memory
// for this session only.
func (k *Kernel) openHistory() (*history, error) {
	dir := k.opts.DataDir
	var err error
	if dir == "" {
		dir, err = DataDir()
	}
	if err == nil {
		var h *history
		if h, err = openHistory(filepath.Join(dir, historyFile)); err == nil {
			return h, nil
		}
	}
	k.log.Warn("history kept in memory for this session only", "err", err)
	h, err := openHistory("")
	if err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	return h, nil
}

// Run serves requests until ctx ends or a client sends shutdown_request, then closes the
// sockets, the history and the engine. It returns nil on a clean end.
func (k *Kernel) Run(ctx context.Context) error {
	if !k.ran.CompareAndSwap(false, true) {
		return errors.New("kernel: Run called twice (a Kernel serves once; make another with New)")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	k.cellMu.Lock()
	k.runCtx = ctx
	k.cellMu.Unlock()

	if k.opts.HandleSIGINT {
		stopSignals := k.handleSIGINT(ctx)
		defer stopSignals()
	}

	k.publish(nil, "status", map[string]any{"execution_state": "starting"})

	var readers sync.WaitGroup
	readers.Add(4)
	go func() { defer readers.Done(); k.heartbeat() }()
	go func() { defer readers.Done(); k.read(k.socks.shell, k.shellQ.push) }()
	go func() {
		defer readers.Done()
		k.read(k.socks.control, func(m Message) { k.serve(k.socks.control, m) })
	}()
	go func() { defer readers.Done(); k.read(k.socks.stdin, k.stdin.deliver) }()

	shellDone := make(chan struct{})
	go func() {
		defer close(shellDone)
		for {
			m, ok := k.shellQ.pop(ctx)
			if !ok {
				return
			}
			k.serve(k.socks.shell, m)
		}
	}()

	select {
	case <-ctx.Done():
	case <-k.stopped:
	}
	cancel()
	k.interrupt()

	// A cell that ignores its cancelled context must not keep the process alive forever.
	select {
	case <-shellDone:
	case <-time.After(5 * time.Second):
		k.log.Warn("the running cell did not stop; shutting down anyway")
	}
	// Let the IOPub queue drain (a ZeroMQ linger) before the sockets go.
	time.Sleep(200 * time.Millisecond)
	k.socks.close()
	readers.Wait()

	return errors.Join(k.hist.close(), k.engine.Close())
}

// requestShutdown makes Run end after the current request.
func (k *Kernel) requestShutdown() {
	k.stopOnce.Do(func() { close(k.stopped) })
}

// interrupt cancels the running cell, if any.
func (k *Kernel) interrupt() bool {
	k.cellMu.Lock()
	defer k.cellMu.Unlock()
	if k.cellCancel == nil {
		return false
	}
	k.cellCancel()
	return true
}

// read receives messages from s until it is closed, handing each valid one to handle. Invalid
// messages are logged and dropped.
func (k *Kernel) read(s *socket, handle func(Message)) {
	for {
		zm, err := s.zs.Recv()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				k.log.Debug("socket closed", "socket", s.name, "err", err)
			}
			return
		}
		m, err := ParseMessage(zm.Frames, k.signer)
		if err != nil {
			k.log.Warn("dropping message", "socket", s.name, "err", err)
			continue
		}
		k.log.Debug("received", "socket", s.name, "msg_type", m.Header.MsgType,
			"msg_id", m.Header.MsgID)
		handle(m)
	}
}

// heartbeat echoes every message on the hb socket.
func (k *Kernel) heartbeat() {
	for {
		m, err := k.socks.hb.zs.Recv()
		if err != nil {
			return
		}
		if err := k.socks.hb.send(m.Frames); err != nil {
			k.log.Debug("heartbeat echo failed", "err", err)
		}
	}
}

// newMessage builds a message of msgType whose parent is the request parent (nil for none).
func (k *Kernel) newMessage(parent *Message, msgType string, content any) (Message, error) {
	var ph json.RawMessage
	if parent != nil {
		ph = parent.RawHeader
	}
	return k.session.NewMessage(msgType, ph, content)
}

// publish broadcasts a message on IOPub. Failures are logged: a lost broadcast must not stop
// the request that caused it.
func (k *Kernel) publish(parent *Message, msgType string, content any) {
	m, err := k.newMessage(parent, msgType, content)
	if err != nil {
		k.log.Error("cannot build IOPub message", "msg_type", msgType, "err", err)
		return
	}
	m.Identities = [][]byte{[]byte("kernel." + k.session.ID + "." + msgType)}
	if err := k.socks.iopub.send(m.Frames(k.signer)); err != nil {
		k.log.Warn("publish failed", "msg_type", msgType, "err", err)
	}
}

// reply sends a reply to req on the socket req came in on, addressed to its identities.
func (k *Kernel) reply(s *socket, req Message, msgType string, content any) {
	m, err := k.newMessage(&req, msgType, content)
	if err != nil {
		k.log.Error("cannot build reply", "msg_type", msgType, "err", err)
		return
	}
	m.Identities = req.Identities
	if err := s.send(m.Frames(k.signer)); err != nil {
		k.log.Warn("reply failed", "msg_type", msgType, "err", err)
	}
}

// queue is the shell requests received but not yet served, in arrival order.
type queue struct {
	mu    sync.Mutex
	items []Message
	ready chan struct{} // has a token while items is non-empty
}

func newQueue() *queue { return &queue{ready: make(chan struct{}, 1)} }

func (q *queue) push(m Message) {
	q.mu.Lock()
	q.items = append(q.items, m)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop returns the oldest request, waiting for one until ctx ends; once ctx has ended it returns
// nothing, even with requests queued.
func (q *queue) pop(ctx context.Context) (Message, bool) {
	for {
		if ctx.Err() != nil {
			return Message{}, false
		}
		q.mu.Lock()
		if len(q.items) > 0 {
			m := q.items[0]
			q.items = q.items[1:]
			more := len(q.items) > 0
			q.mu.Unlock()
			if more {
				select {
				case q.ready <- struct{}{}:
				default:
				}
			}
			return m, true
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return Message{}, false
		case <-q.ready:
		}
	}
}

// take removes and returns the queued requests of msgType, keeping the others in order.
func (q *queue) take(msgType string) []Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	var taken, kept []Message
	for _, m := range q.items {
		if m.Header.MsgType == msgType {
			taken = append(taken, m)
		} else {
			kept = append(kept, m)
		}
	}
	q.items = kept
	return taken
}

// len returns the number of queued requests.
func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

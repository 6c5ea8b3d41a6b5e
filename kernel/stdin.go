package kernel

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrStdinNotAllowed is returned by Output.Input when the execute request did not allow stdin
// (allow_stdin false): the client cannot answer input requests.
var ErrStdinNotAllowed = errors.New("stdin is not allowed: this client does not answer input " +
	"requests (run the cell from a notebook or console that does)")

// stdinRouter sends input_request on the stdin socket and hands the input_reply back to the
// cell that asked. One cell runs at a time, so at most one request is outstanding.
type stdinRouter struct {
	k       *Kernel
	mu      sync.Mutex
	waiting chan string // nil when no cell waits for input
}

func newStdinRouter(k *Kernel) *stdinRouter { return &stdinRouter{k: k} }

// ask sends input_request to the client that sent req and waits for its reply, or for ctx to end
// (the cell was interrupted).
func (r *stdinRouter) ask(ctx context.Context, req Message, prompt string,
	password bool) (string, error) {
	ch := make(chan string, 1)
	r.mu.Lock()
	if r.waiting != nil {
		r.mu.Unlock()
		return "", errors.New("input: another input request is already waiting for a reply")
	}
	r.waiting = ch
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.waiting = nil
		r.mu.Unlock()
	}()

	m, err := r.k.newMessage(&req, "input_request",
		map[string]any{"prompt": prompt, "password": password})
	if err != nil {
		return "", fmt.Errorf("input: %w", err)
	}
	m.Identities = req.Identities
	// A client that allowed stdin but never connected its stdin socket leaves the send waiting
	// for a peer; an interrupt must still end the cell.
	sent := make(chan error, 1)
	go func() { sent <- r.k.socks.stdin.send(m.Frames(r.k.signer)) }()
	select {
	case err := <-sent:
		if err != nil {
			return "", fmt.Errorf("input: %w", err)
		}
	case <-ctx.Done():
		return "", fmt.Errorf("input: interrupted before the request was sent: %w", ctx.Err())
	}
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return "", fmt.Errorf("input: interrupted while waiting for the reply: %w", ctx.Err())
	}
}

// deliver passes an input_reply from the stdin socket to the waiting cell. A reply nobody waits
// for, or another message type, is logged and dropped.
func (r *stdinRouter) deliver(m Message) {
	if m.Header.MsgType != "input_reply" {
		r.k.log.Warn("ignoring unexpected message on stdin", "msg_type", m.Header.MsgType)
		return
	}
	var c struct {
		Value string `json:"value"`
	}
	if err := m.Decode(&c); err != nil {
		r.k.log.Warn("dropping bad input_reply", "err", err)
		return
	}
	r.mu.Lock()
	ch := r.waiting
	r.waiting = nil
	r.mu.Unlock()
	if ch == nil {
		r.k.log.Warn("dropping input_reply: no cell is waiting for input")
		return
	}
	ch <- c.Value
}

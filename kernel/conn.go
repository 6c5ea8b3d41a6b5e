package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
)

// ConnectionInfo is a Jupyter connection file: where the kernel's five sockets listen and how
// messages are signed. Unknown keys (such as kernel_name) are ignored when reading.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	StdinPort       int    `json:"stdin_port"`
	IOPubPort       int    `json:"iopub_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and validates the connection file at path. A missing transport means
// tcp and a missing signature_scheme means hmac-sha256.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	var info ConnectionInfo
	b, err := os.ReadFile(path)
	if err != nil {
		return info, fmt.Errorf("read connection file: %w", err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("connection file %s is not valid JSON: %w", path, err)
	}
	if info.Transport == "" {
		info.Transport = "tcp"
	}
	if info.SignatureScheme == "" {
		info.SignatureScheme = "hmac-sha256"
	}
	if err := info.Validate(); err != nil {
		return info, fmt.Errorf("connection file %s: %w", path, err)
	}
	return info, nil
}

// Validate reports what is wrong with c: an unknown transport or signature scheme, a missing ip,
// or a port out of range.
func (c ConnectionInfo) Validate() error {
	if c.Transport != "tcp" && c.Transport != "ipc" {
		return fmt.Errorf("transport %q is not supported (use tcp or ipc)", c.Transport)
	}
	if c.IP == "" {
		return errors.New("ip is empty (set it to the address to listen on, e.g. 127.0.0.1)")
	}
	if _, err := NewSigner(c.SignatureScheme, c.Key); err != nil {
		return err
	}
	ports := []struct {
		name string
		port int
	}{
		{"shell_port", c.ShellPort}, {"control_port", c.ControlPort}, {"stdin_port", c.StdinPort},
		{"iopub_port", c.IOPubPort}, {"hb_port", c.HBPort},
	}
	for _, p := range ports {
		if p.port <= 0 || (c.Transport == "tcp" && p.port > 65535) {
			return fmt.Errorf("%s %d is out of range", p.name, p.port)
		}
	}
	return nil
}

// Endpoint returns the ZeroMQ address of port: tcp://IP:PORT, or ipc://IP-PORT for ipc, where
// IP-PORT is the path of a Unix socket.
func (c ConnectionInfo) Endpoint(port int) string {
	if c.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", c.IP, port)
	}
	ip := c.IP
	if strings.Contains(ip, ":") && !strings.HasPrefix(ip, "[") {
		ip = "[" + ip + "]"
	}
	return fmt.Sprintf("tcp://%s:%d", ip, port)
}

// socket is a zmq4 socket whose sends are serialized; receives happen on one goroutine.
type socket struct {
	name string
	mu   sync.Mutex
	zs   zmq4.Socket
}

// send writes one multipart message.
func (s *socket) send(frames [][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.zs.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("send on %s: %w", s.name, err)
	}
	return nil
}

// sockets are the five sockets a kernel binds.
type sockets struct {
	shell, control, stdin, iopub, hb *socket
}

// bind creates and binds the kernel's sockets; on failure it closes those already bound.
func bind(ctx context.Context, info ConnectionInfo) (*sockets, error) {
	// A send to a ROUTER waits for a peer to have connected; on stdin, where a client may
	// never connect, that wait is bounded.
	stdinTimeout := zmq4.WithTimeout(30 * time.Second)
	specs := []struct {
		name string
		port int
		make func(context.Context, ...zmq4.Option) zmq4.Socket
		opts []zmq4.Option
	}{
		{"shell", info.ShellPort, zmq4.NewRouter, nil},
		{"control", info.ControlPort, zmq4.NewRouter, nil},
		{"stdin", info.StdinPort, zmq4.NewRouter, []zmq4.Option{stdinTimeout}},
		{"iopub", info.IOPubPort, zmq4.NewPub, nil},
		{"hb", info.HBPort, zmq4.NewRep, nil},
	}
	var bound []*socket
	for _, sp := range specs {
		zs := sp.make(ctx, sp.opts...)
		ep := info.Endpoint(sp.port)
		if err := zs.Listen(info.SocketAddress(sp.port)); err != nil {
			zs.Close()
			for _, b := range bound {
				b.zs.Close()
			}
			return nil, fmt.Errorf("bind %s socket on %s: %w", sp.name, ep, err)
		}
		bound = append(bound, &socket{name: sp.name, zs: zs})
	}
	return &sockets{shell: bound[0], control: bound[1], stdin: bound[2], iopub: bound[3],
		hb: bound[4]}, nil
}

// close closes every socket. It does not take the send locks: closing a socket is what unblocks
// a send waiting for a peer.
func (s *sockets) close() {
	for _, sk := range []*socket{s.shell, s.control, s.stdin, s.iopub, s.hb} {
		sk.zs.Close()
	}
}

package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gotaegis/kernel"
)

// StartOptions configure a kernel process started by Start. The zero value is usable.
type StartOptions struct {
	// Env is added to the current environment of the kernel process.
	Env []string
	// Dir is the working directory of the kernel process; empty means the current one.
	Dir string
	// Stdout and Stderr receive the process's output; nil discards it (the last few kilobytes of
	// stderr are still kept for the error message when the kernel fails to start).
	Stdout, Stderr io.Writer
	// Transport is "tcp" (the default, on 127.0.0.1 with free ports) or "ipc" (Unix sockets in
	// a temporary directory).
	Transport string
}

// Start writes a fresh connection file (free ports, a random key, hmac-sha256), starts the
// kernel from argv with "{connection_file}" replaced by its path (appended when argv has no
// such placeholder) and connects to it. ctx bounds the start only. The Client owns the process:
// Shutdown ends it cleanly, Close kills it if it still runs.
func Start(ctx context.Context, argv []string, opts StartOptions) (*Client, error) {
	if len(argv) == 0 {
		return nil, errors.New("start kernel: empty argv (give the kernel command to run)")
	}
	dir, err := os.MkdirTemp("", "gotaegis-kernel-")
	if err != nil {
		return nil, fmt.Errorf("start kernel: %w", err)
	}
	info, err := NewConnectionInfo(dir, opts.Transport)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start kernel: %w", err)
	}
	path := filepath.Join(dir, "kernel.json")
	b, _ := json.MarshalIndent(info, "", "  ")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start kernel: write connection file: %w", err)
	}

	args := make([]string, 0, len(argv)+1)
	replaced := false
	for _, a := range argv {
		if strings.Contains(a, "{connection_file}") {
			a, replaced = strings.ReplaceAll(a, "{connection_file}", path), true
		}
		args = append(args, a)
	}
	if !replaced {
		args = append(args, path)
	}

	p := &process{dir: dir, exited: make(chan struct{}), tail: &tailBuffer{max: 8 << 10}}
	p.cmd = exec.Command(args[0], args[1:]...)
	p.cmd.Env = append(os.Environ(), opts.Env...)
	p.cmd.Dir = opts.Dir
	ownProcessGroup(p.cmd)
	p.cmd.Stdout = opts.Stdout
	p.cmd.Stderr = p.tail
	if opts.Stderr != nil {
		p.cmd.Stderr = io.MultiWriter(opts.Stderr, p.tail)
	}
	if err := p.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start kernel %s: %w", args[0], err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()

	c, err := connect(ctx, info, p)
	if err != nil {
		died := p.hasExited()
		p.stop()
		if died {
			return nil, fmt.Errorf("start kernel: %w", p.exitError())
		}
		return nil, fmt.Errorf("start kernel %s: %w", args[0], err)
	}
	return c, nil
}

// NewConnectionInfo returns the connection info of a new kernel: a random 256-bit key with
// hmac-sha256, and for transport "tcp" (or "") five ports free on 127.0.0.1 now, for "ipc" Unix
// sockets named dir/kernel-1 to dir/kernel-5.
func NewConnectionInfo(dir, transport string) (kernel.ConnectionInfo, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return kernel.ConnectionInfo{}, fmt.Errorf("make a key: %w", err)
	}
	info := kernel.ConnectionInfo{
		Transport:       "tcp",
		IP:              "127.0.0.1",
		Key:             hex.EncodeToString(key),
		SignatureScheme: "hmac-sha256",
	}
	ports := []*int{&info.ShellPort, &info.ControlPort, &info.StdinPort, &info.IOPubPort,
		&info.HBPort}
	switch transport {
	case "", "tcp":
		free, err := freePorts(len(ports))
		if err != nil {
			return info, err
		}
		for i, p := range ports {
			*p = free[i]
		}
	case "ipc":
		info.Transport, info.IP = "ipc", filepath.Join(dir, "kernel")
		for i, p := range ports {
			*p = i + 1
		}
	default:
		return info, fmt.Errorf("transport %q is not supported (use tcp or ipc)", transport)
	}
	return info, nil
}

// freePorts returns n distinct TCP ports free on 127.0.0.1 at the time of the call.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// process is a kernel process started by Start.
type process struct {
	cmd    *exec.Cmd
	dir    string // holds the connection file
	exited chan struct{}
	err    error // the result of Wait, set before exited is closed
	tail   *tailBuffer
}

func (p *process) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// exitError describes the ended process with the end of what it wrote on stderr.
func (p *process) exitError() error {
	msg := fmt.Sprintf("kernel process exited (%s)", exitDescription(p.err))
	if t := strings.TrimSpace(p.tail.String()); t != "" {
		msg += "; its stderr ends with:\n" + t
	}
	return errors.New(msg)
}

// wait waits for the process to end until ctx does.
func (p *process) wait(ctx context.Context) error {
	select {
	case <-p.exited:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("kernel process still running: %w", ctx.Err())
	}
}

// stop kills the process if it still runs, waits for it and removes its connection file.
func (p *process) stop() error {
	if !p.hasExited() {
		_ = p.cmd.Process.Kill()
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			return errors.New("kernel process did not end after kill")
		}
	}
	return os.RemoveAll(p.dir)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.max:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

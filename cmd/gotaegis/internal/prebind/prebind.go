// Package prebind opens a kernel's TCP listening sockets while the program is still
// initializing, for `gotaegis kernel CONNECTION_FILE`.
//
// A Jupyter front end connects to a kernel's ports right after launching it. A port nobody
// listens on yet refuses the connection, and ZeroMQ tries again only after its reconnect
// interval of 100 ms, which then dominates the kernel's start-up. This package's init starts
// listening on the ports of the connection file on a goroutine of its own, with few
// dependencies so that it runs before most of the program's initialization; the kernel then
// takes these listeners instead of opening its own. The operating system completes the
// front end's connections in the meantime, and the kernel answers them once it runs.
package prebind

import (
	"encoding/json"
	"net"
	"os"
	"strconv"
	"sync"
)

var (
	done      = make(chan struct{})
	mu        sync.Mutex
	listeners = map[int]net.Listener{} // by port
)

func init() {
	if len(os.Args) != 3 || os.Args[1] != "kernel" {
		close(done)
		return
	}
	go func() {
		defer close(done)
		listenAll(os.Args[2])
	}()
}

// listenAll listens on every TCP port of the connection file at path. Any failure leaves the
// port to the kernel, which reports it.
func listenAll(path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var info struct {
		Transport string `json:"transport"`
		IP        string `json:"ip"`
		Shell     int    `json:"shell_port"`
		Control   int    `json:"control_port"`
		Stdin     int    `json:"stdin_port"`
		IOPub     int    `json:"iopub_port"`
		HB        int    `json:"hb_port"`
	}
	if json.Unmarshal(data, &info) != nil || (info.Transport != "" && info.Transport != "tcp") {
		return
	}
	host := info.IP
	if host == "" || host == "*" {
		host = "0.0.0.0"
	}
	// Shell first: a front end's first request goes there.
	for _, port := range []int{info.Shell, info.IOPub, info.Control, info.Stdin, info.HB} {
		if port <= 0 {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			continue
		}
		mu.Lock()
		listeners[port] = l
		mu.Unlock()
	}
}

// Take returns the listener opened for the port of addr (HOST:PORT), once, or nil when there
// is none. It waits for the listening to be done.
func Take(addr string) net.Listener {
	<-done
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return nil
	}
	mu.Lock()
	defer mu.Unlock()
	l := listeners[port]
	delete(listeners, port)
	return l
}

// Release closes the listeners nobody took.
func Release() {
	<-done
	mu.Lock()
	defer mu.Unlock()
	for port, l := range listeners {
		_ = l.Close()
		delete(listeners, port)
	}
}

package prebind

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestListenTakeRelease listens on a connection file's ports, hands each out once, and frees
// the ones nobody took.
func TestListenTakeRelease(t *testing.T) {
	ports := make([]int, 5)
	for i := range ports {
		ports[i] = freePort(t)
	}
	path := filepath.Join(t.TempDir(), "kernel.json")
	conn := fmt.Sprintf(`{"transport":"tcp","ip":"127.0.0.1","shell_port":%d,`+
		`"control_port":%d,"stdin_port":%d,"iopub_port":%d,"hb_port":%d,"key":"k",`+
		`"signature_scheme":"hmac-sha256"}`, ports[0], ports[1], ports[2], ports[3], ports[4])
	if err := os.WriteFile(path, []byte(conn), 0o600); err != nil {
		t.Fatal(err)
	}
	listenAll(path)
	shell := fmt.Sprintf("127.0.0.1:%d", ports[0])
	l := Take(shell)
	if l == nil {
		t.Fatal("no listener for the shell port")
	}
	defer l.Close()
	// The operating system completes a connection before anyone accepts it.
	c, err := net.Dial("tcp", shell)
	if err != nil {
		t.Fatalf("dial the shell port: %v", err)
	}
	c.Close()
	if Take(shell) != nil {
		t.Error("the shell port's listener was handed out twice")
	}
	if Take("127.0.0.1:1") != nil || Take("not an address") != nil {
		t.Error("a listener for a port nobody listened on")
	}
	Release()
	for _, p := range ports[1:] {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			t.Errorf("port %d still held after Release: %v", p, err)
			continue
		}
		l.Close()
	}
}

// TestListenAllLeavesOtherTransports: an ipc connection file, or one that does not parse,
// opens nothing.
func TestListenAllLeavesOtherTransports(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"ipc.json": `{"transport":"ipc","ip":"/tmp/k","shell_port":1}`,
		"bad.json": `{"transport":`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		listenAll(path)
	}
	listenAll(filepath.Join(dir, "missing.json"))
	mu.Lock()
	defer mu.Unlock()
	if len(listeners) != 0 {
		t.Errorf("listeners opened: %v", listeners)
	}
}

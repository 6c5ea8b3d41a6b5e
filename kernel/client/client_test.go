package client

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gotaegis/kernel"
)

func TestParseHistoryItem(t *testing.T) {
	out := "6"
	tests := []struct {
		item    string
		want    HistoryEntry
		wantErr string
	}{
		{`[3, 1, "1+2+3"]`, HistoryEntry{Session: 3, Line: 1, Input: "1+2+3"}, ""},
		{`[3, 2, ["1+2+3", "6"]]`, HistoryEntry{Session: 3, Line: 2, Input: "1+2+3",
			Output: &out}, ""},
		{`[3, 2, ["x := 1", null]]`, HistoryEntry{Session: 3, Line: 2, Input: "x := 1"}, ""},
		{`[3, 2]`, HistoryEntry{}, "2 elements"},
		{`["a", 2, "x"]`, HistoryEntry{}, "session"},
		{`[1, 2, 3]`, HistoryEntry{}, "neither"},
		{`[1, 2, [null, "x"]]`, HistoryEntry{}, "neither"},
	}
	for _, tt := range tests {
		t.Run(tt.item, func(t *testing.T) {
			var item []json.RawMessage
			if err := json.Unmarshal([]byte(tt.item), &item); err != nil {
				t.Fatal(err)
			}
			got, err := parseHistoryItem(item)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Session != tt.want.Session || got.Line != tt.want.Line ||
				got.Input != tt.want.Input || (got.Output == nil) != (tt.want.Output == nil) ||
				(got.Output != nil && *got.Output != *tt.want.Output) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNewConnectionInfo(t *testing.T) {
	dir := t.TempDir()
	tcp, err := NewConnectionInfo(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := tcp.Validate(); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range []int{tcp.ShellPort, tcp.ControlPort, tcp.StdinPort, tcp.IOPubPort,
		tcp.HBPort} {
		if seen[p] {
			t.Errorf("port %d used twice", p)
		}
		seen[p] = true
	}
	if len(tcp.Key) != 64 || tcp.SignatureScheme != "hmac-sha256" || tcp.IP != "127.0.0.1" {
		t.Errorf("tcp info %+v", tcp)
	}

	ipc, err := NewConnectionInfo(dir, "ipc")
	if err != nil {
		t.Fatal(err)
	}
	if got := ipc.Endpoint(ipc.HBPort); got != "ipc://"+filepath.Join(dir, "kernel")+"-5" {
		t.Errorf("ipc endpoint %s", got)
	}
	if ipc.Key == tcp.Key {
		t.Error("two connection infos share a key")
	}
	if _, err := NewConnectionInfo(dir, "udp"); err == nil {
		t.Error("udp accepted")
	}
}

func TestStartFailures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := Start(ctx, nil, StartOptions{}); err == nil {
		t.Error("empty argv started")
	}
	_, err := Start(ctx, []string{filepath.Join(t.TempDir(), "no-such-kernel")}, StartOptions{})
	if err == nil || !strings.Contains(err.Error(), "no-such-kernel") {
		t.Errorf("missing binary: %v", err)
	}

	// A kernel that dies at once: the error says how it ended and what it printed.
	script := filepath.Join(t.TempDir(), "dying-kernel")
	body := "#!/bin/sh\necho \"cannot read $1\" >&2\nexit 3\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = Start(ctx, []string{script, "{connection_file}"}, StartOptions{})
	if err == nil || !strings.Contains(err.Error(), "exit status 3") ||
		!strings.Contains(err.Error(), "cannot read ") ||
		!strings.Contains(err.Error(), "kernel.json") {
		t.Errorf("dying kernel: %v", err)
	}
}

func TestStartSilentKernelTimesOut(t *testing.T) {
	script := filepath.Join(t.TempDir(), "silent-kernel")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := Start(ctx, []string{script}, StartOptions{})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), script) {
		t.Errorf("kernel that never binds: %v, want a deadline error naming it", err)
	}
}

func TestConnectTimesOut(t *testing.T) {
	info, err := NewConnectionInfo(t.TempDir(), "tcp")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := Connect(ctx, info); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("connect with no kernel: %v, want a deadline error", err)
	}
	if _, err := Connect(ctx, kernel.ConnectionInfo{Transport: "tcp"}); err == nil {
		t.Error("invalid connection info accepted")
	}
}

func TestDecodeReply(t *testing.T) {
	sess := kernel.NewSession("t")
	m, _ := sess.NewMessage("complete_reply", nil, map[string]any{"status": "error",
		"ename": "BadRequest", "evalue": "no code", "traceback": []string{"x"}})
	var re *ReplyError
	if err := decodeReply(m, &Completion{}); !errors.As(err, &re) || re.Name != "BadRequest" ||
		re.MsgType != "complete_reply" {
		t.Errorf("error reply: %v", err)
	}
	m, _ = sess.NewMessage("complete_reply", nil, map[string]any{"status": "ok",
		"matches": []string{"a"}, "cursor_start": 1, "cursor_end": 2, "metadata": map[string]any{}})
	var c Completion
	if err := decodeReply(m, &c); err != nil || c.Matches[0] != "a" || c.CursorEnd != 2 {
		t.Errorf("ok reply: %+v %v", c, err)
	}
}

package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestEmulatorRefusesRemoteAddr(t *testing.T) {
	_, _, err := runCmd(t, newEmulatorCmd(), "--addr", "0.0.0.0:0", "--data", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "--allow-remote") {
		t.Fatalf("non-loopback addr: %v, want advice about --allow-remote", err)
	}
}

func TestEmulatorServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pr, pw := io.Pipe()
	cmd := newEmulatorCmd()
	cmd.SetOut(pw)
	cmd.SetArgs([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--tenants", "2"})
	done := make(chan error, 1)
	go func() {
		done <- cmd.ExecuteContext(ctx)
		pw.Close()
	}()

	lines := bufio.NewScanner(pr)
	var url string
	var printed strings.Builder
	for lines.Scan() {
		printed.WriteString(lines.Text() + "\n")
		if u, ok := strings.CutPrefix(lines.Text(), "gotaegis emulator listening on "); ok {
			url = u
		}
		if strings.Contains(lines.Text(), "tenants granted") {
			break
		}
	}
	if url == "" || !strings.Contains(printed.String(), "CLIENT_SECRET=gotaegis-local-secret") {
		t.Fatalf("printed %q", printed.String())
	}
	go io.Copy(io.Discard, pr)
	resp, err := http.Get(url + "/_emulator/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("emulator ended with %v", err)
	}
}

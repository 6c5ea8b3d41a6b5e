package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// notebookServer is a running classic Jupyter notebook server of one test.
type notebookServer struct {
	url   string // http://127.0.0.1:PORT
	token string
	cmd   *exec.Cmd
	log   *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the server's writes and the test's reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startNotebookServer starts jupyter-notebook on a free loopback port serving dir, and waits
// until its API answers.
func startNotebookServer(t *testing.T, bin, dir string) *notebookServer {
	t.Helper()
	port := freePort(t)
	s := &notebookServer{url: fmt.Sprintf("http://127.0.0.1:%d", port),
		token: fmt.Sprintf("e2e-%d", time.Now().UnixNano()), log: &syncBuffer{}}
	args := []string{"--no-browser", "--ip=127.0.0.1", fmt.Sprintf("--port=%d", port),
		"--NotebookApp.port_retries=0", "--NotebookApp.token=" + s.token,
		"--notebook-dir=" + dir}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root")
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = harness.env
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start jupyter-notebook: %v", err)
	}
	t.Cleanup(func() { s.stop(t) })

	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := s.api(http.MethodGet, "/api/status", nil); err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("jupyter-notebook did not answer within 30s; its log:\n%s", s.log)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// api calls the server's REST API, decoding a JSON answer into into when it is not nil.
func (s *notebookServer) api(method, path string, into any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "token "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if into == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

// stop shuts down the server's kernels, which run in sessions of their own, then the server.
func (s *notebookServer) stop(t *testing.T) {
	var kernels []struct {
		ID string `json:"id"`
	}
	if err := s.api(http.MethodGet, "/api/kernels", &kernels); err == nil {
		for _, k := range kernels {
			if err := s.api(http.MethodDelete, "/api/kernels/"+k.ID, nil); err != nil {
				t.Logf("shut down kernel %s: %v", k.ID, err)
			}
		}
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// writeNotebook writes a notebook on the gotaegis kernel with one code cell holding code.
func writeNotebook(t *testing.T, path, code string) {
	t.Helper()
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{
			"kernelspec": map[string]any{"name": "gotaegis", "display_name": "Go (Taegis)",
				"language": "go"},
		},
		"cells": []any{map[string]any{
			"cell_type": "code", "id": "e2e", "metadata": map[string]any{},
			"execution_count": nil, "outputs": []any{}, "source": code,
		}},
	}
	b, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// browserFlags are the flags of a headless Chromium that talks to nothing but the test.
func browserFlags(exe, userData string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(userData),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		chromedp.WSURLReadTimeout(30 * time.Second),
	}
}

func TestNotebookInBrowser(t *testing.T) {
	setup(t)
	python(t, "notebook")
	server := tool(t, "/usr/bin/jupyter-notebook", "jupyter-notebook")
	chromium := tool(t, "/usr/bin/chromium", "chromium")

	dir := t.TempDir()
	const want = "rendered by the Go kernel"
	writeNotebook(t, filepath.Join(dir, "e2e.ipynb"),
		`display.HTML("<b id='gotaegis-e2e'>`+want+`</b>")`)
	s := startNotebookServer(t, server, dir)

	// The browser lives as long as bctx; each step has a deadline of its own, so that after a
	// failed step the page can still be read to say what it showed.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		browserFlags(chromium, t.TempDir())...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	// The first run on bctx starts the browser, which lives as long as the context of that
	// run; the allocator bounds the start.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	step := func(what string, timeout time.Duration, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bctx, timeout)
		defer cancel()
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatalf("notebook in Chromium: %s: %v\npage:\n%s\nserver log:\n%s", what, err,
				pageState(bctx), s.log)
		}
	}

	step("open the notebook", 30*time.Second,
		chromedp.Navigate(s.url+"/notebooks/e2e.ipynb?token="+s.token))
	// The kernel indicator turns idle once the kernel has started and answered.
	step("wait for the kernel", 30*time.Second,
		chromedp.WaitVisible(chromedp.CSS(`#kernel_indicator_icon.kernel_idle_icon`)))
	step("select the cell", 10*time.Second,
		chromedp.Click(chromedp.CSS(`.cell.code_cell .input_area`)))
	step("run the cell", 10*time.Second, chromedp.Click(chromedp.CSS(
		`button[data-jupyter-action="jupyter-notebook:run-cell-and-select-next"]`)))
	step("wait for the output", 30*time.Second,
		chromedp.WaitVisible(chromedp.CSS(`.output_area #gotaegis-e2e`)))

	got, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`.output_area #gotaegis-e2e`)))
	if err != nil {
		t.Fatalf("read #gotaegis-e2e: %v", err)
	}
	prompt, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`.output_area .output_prompt`)))
	if err != nil {
		t.Fatalf("read the output prompt: %v", err)
	}
	kernelName, err := chromedp.Run(bctx,
		chromedp.Text(chromedp.CSS(`#kernel_indicator .kernel_indicator_name`)))
	if err != nil {
		t.Fatalf("read the kernel's name: %v", err)
	}
	if got != want {
		t.Errorf("#gotaegis-e2e holds %q, want %q", got, want)
	}
	if kernelName != "Go (Taegis)" {
		t.Errorf("the notebook shows kernel %q, want the kernelspec's \"Go (Taegis)\"",
			kernelName)
	}
	if !strings.Contains(prompt, "Out[1]") {
		t.Errorf("output prompt %q, want Out[1]: the HTML is the cell's result", prompt)
	}
}

// pageState describes what the notebook page shows: the kernel indicator, the dialogs and the
// cell's output area, for a failure message.
func pageState(bctx context.Context) string {
	ctx, cancel := context.WithTimeout(bctx, 5*time.Second)
	defer cancel()
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const q = (s) => Array.from(document.querySelectorAll(s)).map((e) => e.outerHTML);
		return JSON.stringify({
			url: location.href,
			kernel: q("#kernel_indicator_icon"),
			dialogs: q(".modal-dialog").map((h) => h.slice(0, 2000)),
			output: q(".cell.code_cell .output_wrapper").map((h) => h.slice(0, 2000)),
		}, null, 1);
	})()`))
	if err != nil {
		return fmt.Sprintf("(page not readable: %v)", err)
	}
	return state
}

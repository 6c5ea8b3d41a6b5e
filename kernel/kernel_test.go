package kernel_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"gotaegis/kernel"
	"gotaegis/kernel/client"
	"gotaegis/kernel/display"
)

// fakeEngine runs a tiny line language so that protocol tests control exactly what a cell does:
//
//	print TEXT      stdout "TEXT\n"        eprint TEXT   stderr "TEXT\n"
//	result TEXT     execute_result text/plain TEXT
//	html TEXT       display_data text/html  show ID / update ID   display with an id
//	clear           clear_output            page TEXT     a pager payload
//	fail TEXT       error TestError TEXT    block         wait for interrupt
//	gate            wait until the test opens the gate (or an interrupt)
//	panic TEXT      panic, as a broken engine would
//	input PROMPT    read a line and print "got LINE"
type fakeEngine struct {
	gate    chan struct{} // closed by the test to let "gate" cells go on
	started chan string   // receives each cell's code when it starts, if non-nil

	mu     sync.Mutex
	closed bool
	cells  []string
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{gate: make(chan struct{}), started: make(chan string, 16)}
}

func interrupted() kernel.Reply {
	return kernel.Reply{Err: &kernel.Error{Name: "KeyboardInterrupt", Value: "interrupted",
		Traceback: []string{"KeyboardInterrupt: interrupted"}}}
}

func (e *fakeEngine) Execute(ctx context.Context, code string, out kernel.Output) kernel.Reply {
	e.mu.Lock()
	e.cells = append(e.cells, code)
	e.mu.Unlock()
	select {
	case e.started <- code:
	default:
	}
	var rep kernel.Reply
	for _, line := range strings.Split(code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "print":
			out.Stream("stdout", arg+"\n")
		case "eprint":
			out.Stream("stderr", arg+"\n")
		case "result":
			rep.Result = &display.Bundle{Data: map[string]any{"text/plain": arg}}
		case "html":
			out.Display(display.Bundle{Data: map[string]any{"text/html": arg,
				"text/plain": arg}}, "", false)
		case "show":
			out.Display(display.Bundle{Data: map[string]any{"text/plain": "shown"}}, arg, false)
		case "update":
			out.Display(display.Bundle{Data: map[string]any{"text/plain": "updated"}}, arg, true)
		case "clear":
			out.Clear(false)
		case "page":
			rep.Payload = append(rep.Payload, map[string]any{"source": "page",
				"data": map[string]any{"text/plain": arg}, "start": 0})
		case "panic":
			panic(arg)
		case "fail":
			return kernel.Reply{Err: &kernel.Error{Name: "TestError", Value: arg,
				Traceback: []string{"TestError: " + arg}}}
		case "block":
			<-ctx.Done()
			return interrupted()
		case "gate":
			select {
			case <-e.gate:
			case <-ctx.Done():
				return interrupted()
			}
		case "input":
			v, err := out.Input(arg, false)
			if err != nil {
				return kernel.Reply{Err: &kernel.Error{Name: "InputError", Value: err.Error(),
					Traceback: []string{}}}
			}
			out.Stream("stdout", "got "+v+"\n")
		}
	}
	return rep
}

func (e *fakeEngine) Complete(code string, cursor int) ([]string, int, int) {
	prefix := string([]rune(code)[:cursor])
	var matches []string
	for _, name := range []string{"fmt.Println", "fmt.Printf", "fmt.Sprint"} {
		if strings.HasPrefix(name, prefix) {
			matches = append(matches, name)
		}
	}
	return matches, 0, cursor
}

func (e *fakeEngine) Inspect(code string, cursor, detail int) (map[string]any, bool) {
	if code == "" {
		return nil, false
	}
	return map[string]any{"text/plain": "doc of " + code}, true
}

func (e *fakeEngine) IsComplete(code string) (string, string) {
	switch {
	case strings.Count(code, "{") > strings.Count(code, "}"):
		return "incomplete", "\t"
	case strings.Count(code, "{") < strings.Count(code, "}"):
		return "invalid", ""
	}
	return "complete", ""
}

func (e *fakeEngine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closed = true
	return nil
}

func (e *fakeEngine) isClosed() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.closed
}

// harness is a Kernel served in this process with a fake engine, and a client connected to it.
type harness struct {
	k      *kernel.Kernel
	engine *fakeEngine
	c      *client.Client
	info   kernel.ConnectionInfo
	runErr chan error
	logs   *logBuffer
}

// logBuffer collects the kernel's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// startKernel serves a kernel on fresh ports (or Unix sockets) with data in dataDir.
func startKernel(t testing.TB, transport, dataDir string, opts kernel.Options) *harness {
	t.Helper()
	info, err := client.NewConnectionInfo(t.TempDir(), transport)
	if err != nil {
		t.Fatal(err)
	}
	opts.DataDir = dataDir
	logs := &logBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{
			Level: slog.LevelDebug}))
	}
	e := newFakeEngine()
	k, err := kernel.New(info, e, opts)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{k: k, engine: e, info: info, runErr: make(chan error, 1), logs: logs}
	go func() { h.runErr <- k.Run(context.Background()) }()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h.c, err = client.Connect(ctx, info)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.stop(t) })
	return h
}

// stop shuts the kernel down and checks that Run ended cleanly; calling it twice is harmless.
func (h *harness) stop(t testing.TB) {
	t.Helper()
	if h.c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.c.Shutdown(ctx, false); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	h.c = nil
	select {
	case err := <-h.runErr:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-ctx.Done():
		t.Errorf("Run did not return after shutdown_request")
	}
	if !h.engine.isClosed() {
		t.Errorf("Run did not close the engine")
	}
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func msgTypes(ms []kernel.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Header.MsgType
	}
	return out
}

func TestKernelInfo(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{Version: "1.2.3"})
	info, err := h.c.KernelInfo(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	li := info.LanguageInfo
	checks := []struct{ name, got, want string }{
		{"protocol_version", info.ProtocolVersion, "5.3"},
		{"implementation", info.Implementation, "gotaegis"},
		{"implementation_version", info.ImplementationVersion, "1.2.3"},
		{"language", li.Name, "go"},
		{"mimetype", li.Mimetype, "text/x-go"},
		{"file_extension", li.FileExtension, ".go"},
		{"pygments_lexer", li.PygmentsLexer, "go"},
		{"nbconvert_exporter", li.NbconvertExporter, "script"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if strings.HasPrefix(li.Version, "go") || li.Version == "" {
		t.Errorf("language_info.version = %q, want the Go version without the go prefix",
			li.Version)
	}
	if li.CodemirrorMode != "go" || info.Banner == "" || len(info.HelpLinks) == 0 {
		t.Errorf("codemirror_mode %v, banner %q, help_links %v", li.CodemirrorMode,
			info.Banner, info.HelpLinks)
	}
}

func TestExecuteMessages(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)
	tests := []struct {
		name   string
		code   string
		status string
		types  []string
	}{
		{"stream and result", "print hi\neprint oops\nresult 42", "ok",
			[]string{"status", "execute_input", "stream", "stream", "execute_result",
				"status"}},
		{"display update clear", "show d1\nupdate d1\nclear\nhtml <b>x</b>", "ok",
			[]string{"status", "execute_input", "display_data", "update_display_data",
				"clear_output", "display_data", "status"}},
		{"error", "print before\nfail boom", "error",
			[]string{"status", "execute_input", "stream", "error", "status"}},
		{"no result", "", "ok", []string{"status", "execute_input", "status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.c.Execute(ctx, tt.code, client.ExecuteOptions{ContinueOnError: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status {
				t.Errorf("status %q, want %q", res.Status, tt.status)
			}
			if got := msgTypes(res.Messages); strings.Join(got, " ") !=
				strings.Join(tt.types, " ") {
				t.Errorf("IOPub %v, want %v", got, tt.types)
			}
			for _, m := range res.Messages {
				if m.Parent().MsgID != res.Reply.Parent().MsgID {
					t.Errorf("%s has parent %q, want the request %q", m.Header.MsgType,
						m.Parent().MsgID, res.Reply.Parent().MsgID)
				}
				if m.Header.Version != "5.3" || m.Header.Session == "" {
					t.Errorf("%s header %+v", m.Header.MsgType, m.Header)
				}
			}
		})
	}

	res, err := h.c.Execute(ctx, "print a\neprint b\nresult 7", client.ExecuteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stream("stdout") != "a\n" || res.Stream("stderr") != "b\n" {
		t.Errorf("streams %q %q", res.Stream("stdout"), res.Stream("stderr"))
	}
	if data, ok := res.Result(); !ok || data["text/plain"] != "7" {
		t.Errorf("execute_result %v %v", data, ok)
	}

	res, err = h.c.Execute(ctx, "fail broken", client.ExecuteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e := res.Error; e == nil || e.Name != "TestError" || e.Value != "broken" ||
		len(e.Traceback) != 1 {
		t.Errorf("error reply %+v", res.Error)
	}

	res, err = h.c.Execute(ctx, "page the docs", client.ExecuteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Payload) != 1 || res.Payload[0]["source"] != "page" {
		t.Errorf("payload %v", res.Payload)
	}
}

func TestExecutionCount(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)
	steps := []struct {
		name      string
		opts      client.ExecuteOptions
		wantCount int
		wantInput bool
	}{
		{"first cell", client.ExecuteOptions{}, 1, true},
		{"second cell", client.ExecuteOptions{}, 2, true},
		{"no history keeps the count", client.ExecuteOptions{NoHistory: true}, 2, true},
		{"silent keeps the count", client.ExecuteOptions{Silent: true}, 2, false},
		{"counting again", client.ExecuteOptions{}, 3, true},
	}
	for _, s := range steps {
		res, err := h.c.Execute(ctx, "print x\nresult 1", s.opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.ExecutionCount != s.wantCount {
			t.Errorf("%s: execution_count %d, want %d", s.name, res.ExecutionCount, s.wantCount)
		}
		var sawInput bool
		for _, m := range res.Outputs() {
			if s.opts.Silent {
				t.Errorf("%s: silent cell published %s", s.name, m.Header.MsgType)
			}
		}
		for _, m := range res.Messages {
			sawInput = sawInput || m.Header.MsgType == "execute_input"
		}
		if sawInput != s.wantInput {
			t.Errorf("%s: execute_input published %v, want %v", s.name, sawInput, s.wantInput)
		}
	}
}

func TestStopOnErrorAbortsQueued(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)

	first := make(chan client.ExecuteResult, 1)
	go func() {
		res, err := h.c.Execute(ctx, "gate\nfail first", client.ExecuteOptions{})
		if err != nil {
			t.Error(err)
		}
		first <- res
	}()
	<-h.engine.started

	queued := make(chan client.ExecuteResult, 2)
	for _, code := range []string{"print second", "print third"} {
		go func() {
			res, err := h.c.Execute(ctx, code, client.ExecuteOptions{})
			if err != nil {
				t.Error(err)
			}
			queued <- res
		}()
	}
	for kernel.ShellQueueLen(h.k) < 2 {
		select {
		case <-ctx.Done():
			t.Fatal("the two cells never reached the kernel's queue")
		case <-time.After(5 * time.Millisecond):
		}
	}
	close(h.engine.gate)

	if res := <-first; res.Status != "error" {
		t.Errorf("failing cell: status %q, want error", res.Status)
	}
	for range 2 {
		res := <-queued
		if res.Status != "aborted" {
			t.Errorf("queued cell: status %q, want aborted", res.Status)
		}
		if got := msgTypes(res.Messages); strings.Join(got, " ") != "status status" {
			t.Errorf("aborted cell published %v, want busy and idle only", got)
		}
	}
	res, err := h.c.Execute(ctx, "print after", client.ExecuteOptions{})
	if err != nil || res.Status != "ok" || res.Stream("stdout") != "after\n" {
		t.Errorf("cell after the abort: %+v %v", res, err)
	}
	h.engine.mu.Lock()
	defer h.engine.mu.Unlock()
	for _, c := range h.engine.cells {
		if strings.Contains(c, "second") || strings.Contains(c, "third") {
			t.Errorf("aborted cell %q ran", c)
		}
	}
}

func TestControlDuringLongCellAndInterrupt(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)

	done := make(chan client.ExecuteResult, 1)
	go func() {
		res, err := h.c.Execute(ctx, "print start\nblock", client.ExecuteOptions{})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	<-h.engine.started

	resp, err := h.c.Request(ctx, client.Control, "kernel_info_request", nil)
	if err != nil {
		t.Fatalf("kernel_info on control during a cell: %v", err)
	}
	if resp.Reply.Header.MsgType != "kernel_info_reply" {
		t.Errorf("reply %s", resp.Reply.Header.MsgType)
	}
	if got := msgTypes(resp.IOPub); strings.Join(got, " ") != "status status" {
		t.Errorf("control request IOPub %v, want busy and idle", got)
	}
	if err := h.c.Interrupt(ctx); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.Status != "error" || res.Error.Name != "KeyboardInterrupt" {
		t.Errorf("interrupted cell: %q %+v", res.Status, res.Error)
	}
	if res.Stream("stdout") != "start\n" {
		t.Errorf("output before the interrupt: %q", res.Stream("stdout"))
	}
}

func TestStdin(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)

	var prompts []string
	res, err := h.c.Execute(ctx, "input name?", client.ExecuteOptions{
		OnInput: func(prompt string, password bool) (string, error) {
			prompts = append(prompts, prompt)
			return "hunter", nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "ok" || res.Stream("stdout") != "got hunter\n" {
		t.Errorf("stdin round trip: %q %q %+v", res.Status, res.Stream("stdout"), res.Error)
	}
	if len(prompts) != 1 || prompts[0] != "name?" {
		t.Errorf("prompts %q", prompts)
	}

	res, err = h.c.Execute(ctx, "input name?", client.ExecuteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "error" || !strings.Contains(res.Error.Value,
		kernel.ErrStdinNotAllowed.Error()) {
		t.Errorf("input without allow_stdin: %q %+v", res.Status, res.Error)
	}
}

func TestInterruptWhileWaitingForInput(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)
	asked := make(chan struct{})
	release := make(chan struct{})
	done := make(chan client.ExecuteResult, 1)
	go func() {
		res, _ := h.c.Execute(ctx, "input never?", client.ExecuteOptions{
			OnInput: func(string, bool) (string, error) {
				close(asked)
				<-release
				return "late", nil
			},
		})
		done <- res
	}()
	<-asked
	if err := h.c.Interrupt(ctx); err != nil {
		t.Fatal(err)
	}
	res := <-done
	close(release)
	if res.Status != "error" || res.Error.Name != "InputError" {
		t.Errorf("interrupted input: %q %+v", res.Status, res.Error)
	}
	// The late reply nobody waits for is dropped; the kernel keeps serving.
	if _, err := h.c.KernelInfo(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestCompleteInspectIsComplete(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)

	comp, err := h.c.Complete(ctx, "fmt.Printl", -1)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(comp.Matches, ",") != "fmt.Println" || comp.CursorEnd != 10 ||
		comp.Metadata == nil {
		t.Errorf("complete %+v", comp)
	}
	comp, err = h.c.Complete(ctx, "nothing", -1)
	if err != nil || comp.Matches == nil || len(comp.Matches) != 0 {
		t.Errorf("no matches must be [], got %#v (%v)", comp.Matches, err)
	}

	in, err := h.c.Inspect(ctx, "fmt.Println", -1, 0)
	if err != nil || !in.Found || in.Data["text/plain"] != "doc of fmt.Println" {
		t.Errorf("inspect %+v %v", in, err)
	}

	tests := []struct{ code, status, indent string }{
		{"x := 1", "complete", ""},
		{"func f() {", "incomplete", "\t"},
		{"}", "invalid", ""},
	}
	for _, tt := range tests {
		status, indent, err := h.c.IsComplete(ctx, tt.code)
		if err != nil || status != tt.status || indent != tt.indent {
			t.Errorf("is_complete(%q) = %q %q %v, want %q %q", tt.code, status, indent, err,
				tt.status, tt.indent)
		}
	}
}

func TestCommsAndUnknownRequests(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)

	comms, err := h.c.CommInfo(ctx)
	if err != nil || comms == nil || len(comms) != 0 {
		t.Errorf("comm_info %v %v", comms, err)
	}
	// comm_open and unknown requests get no reply; the kernel goes on serving.
	for _, msgType := range []string{"comm_open", "comm_msg", "comm_close", "no_such_request"} {
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		_, err := h.c.Request(short, client.Shell, msgType, map[string]any{
			"comm_id": "c1", "target_name": "jupyter.widget", "data": map[string]any{}})
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v, want no reply", msgType, err)
		}
	}
	if _, err := h.c.KernelInfo(ctx); err != nil {
		t.Fatalf("kernel stopped serving: %v", err)
	}
	if err := h.c.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestUserExpressions(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	res, err := h.c.Execute(testContext(t), "print x", client.ExecuteOptions{
		UserExpressions: map[string]string{"a": "result 5", "b": "fail nope"},
	})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := res.UserExpressions["a"].(map[string]any)
	b, _ := res.UserExpressions["b"].(map[string]any)
	if a["status"] != "ok" || a["data"].(map[string]any)["text/plain"] != "5" {
		t.Errorf("user expression a: %v", a)
	}
	if b["status"] != "error" || b["ename"] != "TestError" {
		t.Errorf("user expression b: %v", b)
	}
	if strings.Join(msgTypes(res.Outputs()), " ") != "stream" {
		t.Errorf("user expressions published output: %v", msgTypes(res.Outputs()))
	}
}

func TestIPCTransport(t *testing.T) {
	h := startKernel(t, "ipc", t.TempDir(), kernel.Options{})
	res, err := h.c.Execute(testContext(t), "print over ipc", client.ExecuteOptions{})
	if err != nil || res.Stream("stdout") != "over ipc\n" {
		t.Errorf("ipc execute: %+v %v", res, err)
	}
}

// BenchmarkExecuteRoundTrip measures one execute_request through the sockets, from send to the
// reply and the idle status, with an engine that prints one line.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	h := startKernel(b, "tcp", b.TempDir(), kernel.Options{})
	ctx := testContext(b)
	for b.Loop() {
		res, err := h.c.Execute(ctx, "print x", client.ExecuteOptions{})
		if err != nil || res.Status != "ok" {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

// TestShutdownDuringCell asks for shutdown while a cell blocks: the cell is interrupted, Run
// ends cleanly and closes the engine.
func TestShutdownDuringCell(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)
	done := make(chan error, 1)
	go func() {
		res, err := h.c.Execute(ctx, "block", client.ExecuteOptions{})
		if err == nil && (res.Status != "error" || res.Error.Name != "KeyboardInterrupt") {
			err = errors.New("cell status " + res.Status)
		}
		if errors.Is(err, client.ErrClosed) {
			err = nil
		}
		done <- err
	}()
	<-h.engine.started
	h.stop(t)
	if err := <-done; err != nil {
		t.Errorf("cell running at shutdown: %v", err)
	}
}

// TestEnginePanic checks that an engine panicking in a cell gives an error reply and leaves the
// kernel serving.
func TestEnginePanic(t *testing.T) {
	h := startKernel(t, "tcp", t.TempDir(), kernel.Options{})
	ctx := testContext(t)
	res, err := h.c.Execute(ctx, "panic engine bug", client.ExecuteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "error" || res.Error.Name != "InternalError" ||
		!strings.Contains(res.Error.Value, "engine bug") {
		t.Errorf("panicking cell: %q %+v", res.Status, res.Error)
	}
	if got := msgTypes(res.Outputs()); strings.Join(got, " ") != "error" {
		t.Errorf("panicking cell published %v, want one error", got)
	}
	res, err = h.c.Execute(ctx, "print fine", client.ExecuteOptions{})
	if err != nil || res.Stream("stdout") != "fine\n" {
		t.Errorf("cell after the panic: %+v %v", res, err)
	}
	if !strings.Contains(h.logs.String(), "request handler panicked") {
		t.Error("the panic was not logged")
	}
}

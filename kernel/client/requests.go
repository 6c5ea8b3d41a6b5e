package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gotaegis/kernel"
)

// ExecuteOptions configure one Execute. The zero value runs the cell like a notebook does: not
// silent, stored in history, stopping the queued cells on error, with stdin not allowed.
type ExecuteOptions struct {
	// Silent asks the kernel to publish nothing and not count the cell.
	Silent bool
	// NoHistory sends store_history false.
	NoHistory bool
	// ContinueOnError sends stop_on_error false: a failing cell does not abort queued ones.
	ContinueOnError bool
	// UserExpressions are evaluated after the cell; their results are in the reply.
	UserExpressions map[string]string
	// OnMessage, if set, sees each IOPub message of the request as it arrives. It runs on the
	// client's receiving goroutine: it must return quickly and must not call the Client.
	OnMessage func(kernel.Message)
	// OnInput, if set, answers the kernel's input requests (and sends allow_stdin true). It runs
	// on its own goroutine and may block; an error answers with an empty line.
	OnInput func(prompt string, password bool) (string, error)
}

// ExecuteResult is the outcome of one Execute.
type ExecuteResult struct {
	// Status is "ok", "error" or "aborted" (a queued cell after a failing one).
	Status string
	// ExecutionCount is the cell's number, 0 when the reply carries none.
	ExecutionCount int
	// Error is the cell's error when Status is "error".
	Error *kernel.Error
	// Payload is execute_reply.payload, such as the pager's {"source": "page", ...}.
	Payload []map[string]any
	// UserExpressions are the results of ExecuteOptions.UserExpressions.
	UserExpressions map[string]any
	// Reply is the execute_reply.
	Reply kernel.Message
	// Messages are the IOPub messages of the request in order, from busy to idle.
	Messages []kernel.Message
}

// Outputs returns the output messages among Messages: stream, display_data,
// update_display_data, clear_output, execute_result and error.
func (r ExecuteResult) Outputs() []kernel.Message {
	var out []kernel.Message
	for _, m := range r.Messages {
		switch m.Header.MsgType {
		case "stream", "display_data", "update_display_data", "clear_output", "execute_result",
			"error":
			out = append(out, m)
		}
	}
	return out
}

// Stream returns the text the cell wrote on the named stream ("stdout" or "stderr").
func (r ExecuteResult) Stream(name string) string {
	var b strings.Builder
	for _, m := range r.Messages {
		if m.Header.MsgType != "stream" {
			continue
		}
		var s struct {
			Name string `json:"name"`
			Text string `json:"text"`
		}
		if m.Decode(&s) == nil && s.Name == name {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// Result returns the data of the cell's execute_result, and whether there was one.
func (r ExecuteResult) Result() (map[string]any, bool) {
	for _, m := range r.Messages {
		if m.Header.MsgType != "execute_result" {
			continue
		}
		var c struct {
			Data map[string]any `json:"data"`
		}
		if m.Decode(&c) == nil {
			return c.Data, true
		}
	}
	return nil, false
}

// Execute runs code and waits for its reply and all its IOPub messages. A failing cell is not an
// error of Execute: it gives Status "error". Execute fails when the request cannot be sent, when
// ctx ends first, or when the kernel goes away.
func (c *Client) Execute(ctx context.Context, code string, opts ExecuteOptions) (ExecuteResult,
	error) {
	exprs := opts.UserExpressions
	if exprs == nil {
		exprs = map[string]string{}
	}
	content := map[string]any{
		"code":             code,
		"silent":           opts.Silent,
		"store_history":    !opts.NoHistory && !opts.Silent,
		"user_expressions": exprs,
		"allow_stdin":      opts.OnInput != nil,
		"stop_on_error":    !opts.ContinueOnError,
	}
	cl := &call{onMessage: opts.OnMessage, onInput: opts.OnInput}
	resp, err := c.request(ctx, Shell, "execute_request", content, cl, true)
	if err != nil {
		return ExecuteResult{}, fmt.Errorf("execute: %w", err)
	}
	var rc struct {
		Status          string           `json:"status"`
		ExecutionCount  int              `json:"execution_count"`
		Ename           string           `json:"ename"`
		Evalue          string           `json:"evalue"`
		Traceback       []string         `json:"traceback"`
		Payload         []map[string]any `json:"payload"`
		UserExpressions map[string]any   `json:"user_expressions"`
	}
	if err := resp.Reply.Decode(&rc); err != nil {
		return ExecuteResult{}, fmt.Errorf("execute: %w", err)
	}
	res := ExecuteResult{
		Status:          rc.Status,
		ExecutionCount:  rc.ExecutionCount,
		Payload:         rc.Payload,
		UserExpressions: rc.UserExpressions,
		Reply:           resp.Reply,
		Messages:        resp.IOPub,
	}
	if rc.Status == "error" {
		res.Error = &kernel.Error{Name: rc.Ename, Value: rc.Evalue, Traceback: rc.Traceback}
	}
	return res, nil
}

// KernelInfo is the content of kernel_info_reply.
type KernelInfo struct {
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          LanguageInfo `json:"language_info"`
	Banner                string       `json:"banner"`
	HelpLinks             []HelpLink   `json:"help_links"`
}

// LanguageInfo describes the kernel's language.
type LanguageInfo struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	Mimetype          string `json:"mimetype"`
	FileExtension     string `json:"file_extension"`
	PygmentsLexer     string `json:"pygments_lexer"`
	CodemirrorMode    any    `json:"codemirror_mode"`
	NbconvertExporter string `json:"nbconvert_exporter"`
}

// HelpLink is one entry of a kernel's help menu.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// KernelInfo asks for the kernel's kernel_info_reply.
func (c *Client) KernelInfo(ctx context.Context) (KernelInfo, error) {
	var info KernelInfo
	resp, err := c.Request(ctx, Shell, "kernel_info_request", nil)
	if err != nil {
		return info, err
	}
	return info, decodeReply(resp.Reply, &info)
}

// Completion is the content of complete_reply. The matches replace the code between
// CursorStart and CursorEnd (Unicode code points).
type Completion struct {
	Matches     []string       `json:"matches"`
	CursorStart int            `json:"cursor_start"`
	CursorEnd   int            `json:"cursor_end"`
	Metadata    map[string]any `json:"metadata"`
}

// Complete asks for completions of code at cursor (code points; negative means the end).
func (c *Client) Complete(ctx context.Context, code string, cursor int) (Completion, error) {
	var comp Completion
	resp, err := c.Request(ctx, Shell, "complete_request",
		map[string]any{"code": code, "cursor_pos": cursorAt(code, cursor)})
	if err != nil {
		return comp, err
	}
	return comp, decodeReply(resp.Reply, &comp)
}

// Inspection is the content of inspect_reply.
type Inspection struct {
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

// Inspect asks what the name at cursor (code points; negative means the end) is, at detail
// level 0 or 1.
func (c *Client) Inspect(ctx context.Context, code string, cursor, detail int) (Inspection,
	error) {
	var in Inspection
	resp, err := c.Request(ctx, Shell, "inspect_request", map[string]any{"code": code,
		"cursor_pos": cursorAt(code, cursor), "detail_level": detail})
	if err != nil {
		return in, err
	}
	return in, decodeReply(resp.Reply, &in)
}

// IsComplete asks whether code is ready to run: "complete", "incomplete", "invalid" or
// "unknown", with the indent to continue an incomplete cell with.
func (c *Client) IsComplete(ctx context.Context, code string) (status, indent string,
	err error) {
	resp, err := c.Request(ctx, Shell, "is_complete_request", map[string]any{"code": code})
	if err != nil {
		return "", "", err
	}
	var r struct {
		Status string `json:"status"`
		Indent string `json:"indent"`
	}
	err = decodeReply(resp.Reply, &r)
	return r.Status, r.Indent, err
}

// HistoryRequest selects history entries.
type HistoryRequest struct {
	// AccessType is "tail", "range" or "search".
	AccessType string
	// Output asks for each cell's text output too.
	Output bool
	// N is the number of entries for tail (0: the kernel's default) and the limit for search
	// (0: no limit).
	N int
	// Session, Start and Stop select a range: the session (0 is the current one, negative
	// counts back), and lines Start <= line < Stop (Stop 0: to the end).
	Session, Start, Stop int
	// Pattern is a glob for search (* ? [...], matched against the whole input).
	Pattern string
	// Unique keeps only the latest of equal inputs in a search.
	Unique bool
}

// HistoryEntry is one cell of the history. Output is nil when the cell had no result or the
// request did not ask for output.
type HistoryEntry struct {
	Session int
	Line    int
	Input   string
	Output  *string
}

// History asks for history entries.
func (c *Client) History(ctx context.Context, r HistoryRequest) ([]HistoryEntry, error) {
	content := map[string]any{"hist_access_type": r.AccessType, "output": r.Output,
		"raw": true}
	switch r.AccessType {
	case "tail":
		if r.N > 0 {
			content["n"] = r.N
		}
	case "range":
		content["session"], content["start"] = r.Session, r.Start
		if r.Stop > 0 {
			content["stop"] = r.Stop
		}
	case "search":
		content["pattern"], content["unique"] = r.Pattern, r.Unique
		if r.N > 0 {
			content["n"] = r.N
		}
	}
	resp, err := c.Request(ctx, Shell, "history_request", content)
	if err != nil {
		return nil, err
	}
	var h struct {
		History [][]json.RawMessage `json:"history"`
	}
	if err := decodeReply(resp.Reply, &h); err != nil {
		return nil, err
	}
	entries := make([]HistoryEntry, 0, len(h.History))
	for _, item := range h.History {
		e, err := parseHistoryItem(item)
		if err != nil {
			return nil, fmt.Errorf("history_reply: %w", err)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

func parseHistoryItem(item []json.RawMessage) (HistoryEntry, error) {
	var e HistoryEntry
	if len(item) != 3 {
		return e, fmt.Errorf("item has %d elements, want 3", len(item))
	}
	if err := json.Unmarshal(item[0], &e.Session); err != nil {
		return e, fmt.Errorf("session: %w", err)
	}
	if err := json.Unmarshal(item[1], &e.Line); err != nil {
		return e, fmt.Errorf("line: %w", err)
	}
	if json.Unmarshal(item[2], &e.Input) == nil {
		return e, nil
	}
	var pair []*string
	if err := json.Unmarshal(item[2], &pair); err != nil || len(pair) != 2 || pair[0] == nil {
		return e, errors.New("entry is neither an input nor an (input, output) pair")
	}
	e.Input, e.Output = *pair[0], pair[1]
	return e, nil
}

// CommInfo asks for the open comms, keyed by comm id.
func (c *Client) CommInfo(ctx context.Context) (map[string]any, error) {
	resp, err := c.Request(ctx, Shell, "comm_info_request", map[string]any{})
	if err != nil {
		return nil, err
	}
	var r struct {
		Comms map[string]any `json:"comms"`
	}
	return r.Comms, decodeReply(resp.Reply, &r)
}

// Interrupt sends interrupt_request on control and waits for its reply (not for the cell to
// end: its Execute returns with the kernel's KeyboardInterrupt error).
func (c *Client) Interrupt(ctx context.Context) error {
	resp, err := c.request(ctx, Control, "interrupt_request", nil, nil, false)
	if err != nil {
		return err
	}
	return decodeReply(resp.Reply, nil)
}

// InterruptSignal sends SIGINT to the kernel's process group, as Jupyter's "signal" interrupt
// mode does. It works only for a kernel this client started.
func (c *Client) InterruptSignal() error {
	if c.proc == nil {
		return errors.New("interrupt: the client did not start this kernel; use Interrupt")
	}
	if err := interruptGroup(c.proc.cmd); err != nil {
		return fmt.Errorf("interrupt: %w", err)
	}
	return nil
}

// Shutdown asks the kernel to end (restart is echoed to tell it a restart follows) and waits for
// the reply; for a kernel this client started it also waits for the process to exit until ctx
// ends, then kills it. The Client is closed afterwards.
func (c *Client) Shutdown(ctx context.Context, restart bool) error {
	resp, err := c.request(ctx, Control, "shutdown_request", map[string]any{"restart": restart},
		nil, false)
	if err == nil {
		err = decodeReply(resp.Reply, nil)
	}
	if c.proc != nil {
		if werr := c.proc.wait(ctx); werr != nil && err == nil {
			err = fmt.Errorf("shutdown: %w", werr)
		}
	}
	return errors.Join(err, c.Close())
}

// Exited is closed when a kernel process started by this client ends; nil for a kernel the
// client connected to.
func (c *Client) Exited() <-chan struct{} {
	if c.proc == nil {
		return nil
	}
	return c.proc.exited
}

// ExitErr describes how a kernel process started by this client ended, once Exited is closed.
func (c *Client) ExitErr() error {
	if c.proc == nil || !c.proc.hasExited() {
		return nil
	}
	return c.proc.err
}

func cursorAt(code string, cursor int) int {
	if n := len([]rune(code)); cursor < 0 || cursor > n {
		return n
	}
	return cursor
}

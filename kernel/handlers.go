package kernel

import (
	"fmt"
	"runtime"
	"strings"
)

// serve handles one request from s: busy on IOPub, the handler (which sends the reply on s),
// idle, then whatever the handler left to do once the request is over.
func (k *Kernel) serve(s *socket, req Message) {
	k.publish(&req, "status", map[string]any{"execution_state": "busy"})
	after := k.handle(s, req)
	k.publish(&req, "status", map[string]any{"execution_state": "idle"})
	if after != nil {
		after()
	}
}

// handle dispatches req on its type. A handler that panics is reported as an error reply; the
// kernel keeps serving.
func (k *Kernel) handle(s *socket, req Message) (after func()) {
	defer func() {
		if r := recover(); r != nil {
			k.log.Error("request handler panicked", "msg_type", req.Header.MsgType, "panic", r)
			content := errorContent("InternalError",
				fmt.Sprintf("the kernel failed on %s: %v", req.Header.MsgType, r))
			if req.Header.MsgType == "execute_request" {
				// Shown in the cell's output, like any other error.
				k.publish(&req, "error", map[string]any{"ename": content["ename"],
					"evalue": content["evalue"], "traceback": content["traceback"]})
			}
			k.reply(s, req, replyType(req.Header.MsgType), content)
			after = nil
		}
	}()

	switch t := req.Header.MsgType; t {
	case "kernel_info_request":
		k.reply(s, req, "kernel_info_reply", k.kernelInfo())
	case "execute_request":
		if s == k.socks.control {
			// Cells run one at a time on shell; running one here would race with it and
			// block interrupts behind it.
			k.reply(s, req, "execute_reply", errorContent("BadRequest",
				"execute_request goes on the shell channel, not control"))
			return nil
		}
		return k.execute(s, req)
	case "complete_request":
		k.complete(s, req)
	case "inspect_request":
		k.inspect(s, req)
	case "is_complete_request":
		k.isComplete(s, req)
	case "history_request":
		k.historyRequest(s, req)
	case "comm_info_request":
		k.reply(s, req, "comm_info_reply", map[string]any{"status": "ok",
			"comms": map[string]any{}})
	case "comm_open":
		k.commOpen(req)
	case "comm_msg", "comm_close":
		k.log.Debug("ignoring comm message: this kernel has no comm targets", "msg_type", t)
	case "shutdown_request":
		k.shutdown(s, req)
	case "interrupt_request":
		interrupted := k.interrupt()
		k.log.Info("interrupt requested", "cell_running", interrupted)
		k.reply(s, req, "interrupt_reply", map[string]any{"status": "ok"})
	default:
		k.log.Warn("ignoring unknown message type", "msg_type", t, "socket", s.name)
	}
	return nil
}

// replyType names the reply of a request type: execute_request gives execute_reply.
func replyType(requestType string) string {
	return strings.TrimSuffix(requestType, "_request") + "_reply"
}

// errorContent is the content of an error reply.
func errorContent(ename, evalue string) map[string]any {
	return map[string]any{"status": "error", "ename": ename, "evalue": evalue,
		"traceback": []string{ename + ": " + evalue}}
}

// badRequest replies to a request whose content could not be read.
func (k *Kernel) badRequest(s *socket, req Message, err error) {
	k.log.Warn("bad request content", "msg_type", req.Header.MsgType, "err", err)
	k.reply(s, req, replyType(req.Header.MsgType), errorContent("BadRequest",
		fmt.Sprintf("%v (check the fields and their types against the Jupyter messaging spec)",
			err)))
}

func (k *Kernel) kernelInfo() map[string]any {
	version := k.opts.Version
	if version == "" {
		version = "dev"
	}
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       ProtocolVersion,
		"implementation":         "gotaegis",
		"implementation_version": version,
		"language_info": map[string]any{
			"name":               "go",
			"version":            goVersion,
			"mimetype":           "text/x-go",
			"file_extension":     ".go",
			"pygments_lexer":     "go",
			"codemirror_mode":    "go",
			"nbconvert_exporter": "script",
		},
		"banner": "gotaegis " + version + ": Go " + goVersion + " (yaegi) for threat hunting " +
			"on Taegis XDR.\nType NAME? for help on a name, %help for the magics.",
		"help_links": []map[string]string{
			{"text": "Go documentation", "url": "https://go.dev/doc/"},
			{"text": "Go standard library", "url": "https://pkg.go.dev/std"},
			{"text": "Taegis XDR documentation", "url": "https://docs.ctpx.secureworks.com/"},
		},
		"debugger": false,
	}
}

// completeRequest is the content of complete_request.
type completeRequest struct {
	Code      string `json:"code"`
	CursorPos *int   `json:"cursor_pos"`
}

func (k *Kernel) complete(s *socket, req Message) {
	var r completeRequest
	if err := req.Decode(&r); err != nil {
		k.badRequest(s, req, err)
		return
	}
	cursor := clampCursor(r.Code, r.CursorPos)
	matches, start, end := k.engine.Complete(r.Code, cursor)
	if matches == nil {
		matches = []string{}
	}
	k.reply(s, req, "complete_reply", map[string]any{
		"status": "ok", "matches": matches, "cursor_start": start, "cursor_end": end,
		"metadata": map[string]any{},
	})
}

// inspectRequest is the content of inspect_request.
type inspectRequest struct {
	Code        string `json:"code"`
	CursorPos   *int   `json:"cursor_pos"`
	DetailLevel int    `json:"detail_level"`
}

func (k *Kernel) inspect(s *socket, req Message) {
	var r inspectRequest
	if err := req.Decode(&r); err != nil {
		k.badRequest(s, req, err)
		return
	}
	data, found := k.engine.Inspect(r.Code, clampCursor(r.Code, r.CursorPos), r.DetailLevel)
	if data == nil {
		data = map[string]any{}
	}
	k.reply(s, req, "inspect_reply", map[string]any{
		"status": "ok", "found": found, "data": data, "metadata": map[string]any{},
	})
}

func (k *Kernel) isComplete(s *socket, req Message) {
	var r struct {
		Code string `json:"code"`
	}
	if err := req.Decode(&r); err != nil {
		k.badRequest(s, req, err)
		return
	}
	status, indent := k.engine.IsComplete(r.Code)
	switch status {
	case "complete", "incomplete", "invalid", "unknown":
	default:
		status = "unknown"
	}
	content := map[string]any{"status": status}
	if status == "incomplete" {
		content["indent"] = indent
	}
	k.reply(s, req, "is_complete_reply", content)
}

// clampCursor turns an optional cursor (code points) into one inside code; a missing cursor
// means the end of code.
func clampCursor(code string, cursor *int) int {
	n := len([]rune(code))
	if cursor == nil || *cursor > n {
		return n
	}
	if *cursor < 0 {
		return 0
	}
	return *cursor
}

// commOpen closes any comm a frontend opens: this kernel registers no comm targets, and a
// comm_close tells the frontend so instead of leaving it waiting.
func (k *Kernel) commOpen(req Message) {
	var r struct {
		CommID     string `json:"comm_id"`
		TargetName string `json:"target_name"`
	}
	if err := req.Decode(&r); err != nil || r.CommID == "" {
		k.log.Warn("ignoring comm_open without a comm_id", "err", err)
		return
	}
	k.log.Debug("closing comm: no such target", "target_name", r.TargetName)
	k.publish(&req, "comm_close", map[string]any{"comm_id": r.CommID, "data": map[string]any{}})
}

func (k *Kernel) shutdown(s *socket, req Message) {
	var r struct {
		Restart bool `json:"restart"`
	}
	if err := req.Decode(&r); err != nil {
		k.badRequest(s, req, err)
		return
	}
	k.log.Info("shutdown requested", "restart", r.Restart)
	k.interrupt()
	k.reply(s, req, "shutdown_reply", map[string]any{"status": "ok", "restart": r.Restart})
	k.requestShutdown()
}

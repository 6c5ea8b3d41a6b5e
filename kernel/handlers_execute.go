package kernel

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"gotaegis/kernel/display"
)

// executeRequest is the content of execute_request. Optional fields are pointers so that a
// missing one takes the protocol's default rather than Go's zero value.
type executeRequest struct {
	Code            string          `json:"code"`
	Silent          bool            `json:"silent"`
	StoreHistory    *bool           `json:"store_history"`
	UserExpressions json.RawMessage `json:"user_expressions"`
	AllowStdin      bool            `json:"allow_stdin"`
	StopOnError     *bool           `json:"stop_on_error"`
}

// execute runs one cell. When the cell failed with stop_on_error it returns the abort of the
// cells that were queued behind it, to run once this request is idle.
func (k *Kernel) execute(s *socket, req Message) (after func()) {
	var r executeRequest
	if err := req.Decode(&r); err != nil {
		k.badRequest(s, req, err)
		return nil
	}
	storeHistory := !r.Silent && (r.StoreHistory == nil || *r.StoreHistory)
	stopOnError := r.StopOnError == nil || *r.StopOnError

	k.countMu.Lock()
	if storeHistory {
		k.count++
	}
	count := k.count
	k.countMu.Unlock()

	if !r.Silent {
		k.publish(&req, "execute_input", map[string]any{"code": r.Code,
			"execution_count": count})
	}

	result := k.runCell(req, r)

	var stored *string
	if result.Result != nil {
		if text, ok := result.Result.Data["text/plain"].(string); ok {
			stored = &text
		}
	}
	if storeHistory {
		k.hist.record(count, r.Code, stored)
	}

	if e := result.Err; e != nil {
		tb := e.Traceback
		if tb == nil {
			tb = []string{}
		}
		if !r.Silent {
			k.publish(&req, "error", map[string]any{"ename": e.Name, "evalue": e.Value,
				"traceback": tb})
		}
		// The cells queued behind this one were sent expecting it to succeed: they are
		// aborted. Only those queued before the reply goes out: a cell sent after the client
		// saw the error is meant to run.
		var aborted []Message
		if stopOnError && !r.Silent {
			aborted = k.shellQ.take("execute_request")
		}
		k.reply(s, req, "execute_reply", map[string]any{
			"status": "error", "ename": e.Name, "evalue": e.Value, "traceback": tb,
			"execution_count": count, "user_expressions": map[string]any{},
			"payload": []any{},
		})
		if len(aborted) == 0 {
			return nil
		}
		return func() { k.abort(aborted) }
	}

	if result.Result != nil && !r.Silent {
		k.publish(&req, "execute_result", map[string]any{
			"execution_count": count,
			"data":            orEmptyMap(result.Result.Data),
			"metadata":        orEmptyMap(result.Result.Metadata),
		})
	}
	payload := result.Payload
	if payload == nil {
		payload = []map[string]any{}
	}
	k.reply(s, req, "execute_reply", map[string]any{
		"status": "ok", "execution_count": count, "payload": payload,
		"user_expressions": k.userExpressions(r.UserExpressions),
	})
	return nil
}

// runCell runs the cell of req on the engine under a context that interrupts cancel.
func (k *Kernel) runCell(req Message, r executeRequest) Reply {
	k.cellMu.Lock()
	ctx, cancel := context.WithCancel(k.runCtx)
	k.cellCancel = cancel
	k.cellMu.Unlock()
	defer func() {
		k.cellMu.Lock()
		k.cellCancel = nil
		k.cellMu.Unlock()
		cancel()
	}()
	out := &cellOutput{k: k, req: req, ctx: ctx, silent: r.Silent, allowStdin: r.AllowStdin}
	return k.engine.Execute(ctx, r.Code, out)
}

// abort replies "aborted" to each of the requests, between its own busy and idle.
func (k *Kernel) abort(requests []Message) {
	for _, m := range requests {
		k.publish(&m, "status", map[string]any{"execution_state": "busy"})
		k.reply(k.socks.shell, m, "execute_reply", map[string]any{"status": "aborted"})
		k.publish(&m, "status", map[string]any{"execution_state": "idle"})
	}
}

// userExpressions evaluates each expression silently on the engine after a successful cell and
// returns its result bundle, or its error.
func (k *Kernel) userExpressions(raw json.RawMessage) map[string]any {
	out := map[string]any{}
	if len(raw) == 0 || string(raw) == "null" {
		return out
	}
	var exprs map[string]any
	if err := json.Unmarshal(raw, &exprs); err != nil {
		k.log.Warn("user_expressions is not an object", "err", err)
		return out
	}
	names := make([]string, 0, len(exprs))
	for name := range exprs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		code, ok := exprs[name].(string)
		if !ok {
			out[name] = errorContent("TypeError",
				fmt.Sprintf("user expression %q is not a string", name))
			continue
		}
		rep := k.engine.Execute(context.Background(), code, discardOutput{})
		switch {
		case rep.Err != nil:
			tb := rep.Err.Traceback
			if tb == nil {
				tb = []string{}
			}
			out[name] = map[string]any{"status": "error", "ename": rep.Err.Name,
				"evalue": rep.Err.Value, "traceback": tb}
		case rep.Result != nil:
			out[name] = map[string]any{"status": "ok", "data": orEmptyMap(rep.Result.Data),
				"metadata": orEmptyMap(rep.Result.Metadata)}
		default:
			out[name] = map[string]any{"status": "ok", "data": map[string]any{},
				"metadata": map[string]any{}}
		}
	}
	return out
}

func orEmptyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// cellOutput publishes what one cell produces on IOPub with the execute request as parent.
// A silent cell publishes nothing.
type cellOutput struct {
	k          *Kernel
	req        Message
	ctx        context.Context
	silent     bool
	allowStdin bool
}

func (o *cellOutput) Stream(name, text string) {
	if o.silent || text == "" {
		return
	}
	if name != "stderr" {
		name = "stdout"
	}
	o.k.publish(&o.req, "stream", map[string]any{"name": name, "text": text})
}

func (o *cellOutput) Display(b display.Bundle, id string, update bool) {
	if o.silent {
		return
	}
	content := map[string]any{"data": orEmptyMap(b.Data), "metadata": orEmptyMap(b.Metadata),
		"transient": map[string]any{}}
	if id != "" {
		content["transient"] = map[string]any{"display_id": id}
	}
	msgType := "display_data"
	if update && id != "" {
		msgType = "update_display_data"
	}
	o.k.publish(&o.req, msgType, content)
}

func (o *cellOutput) Clear(wait bool) {
	if o.silent {
		return
	}
	o.k.publish(&o.req, "clear_output", map[string]any{"wait": wait})
}

func (o *cellOutput) Input(prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", ErrStdinNotAllowed
	}
	return o.k.stdin.ask(o.ctx, o.req, prompt, password)
}

// discardOutput is the Output of a user expression: it publishes nothing and reads no input.
type discardOutput struct{}

func (discardOutput) Stream(string, string)                {}
func (discardOutput) Display(display.Bundle, string, bool) {}
func (discardOutput) Clear(bool)                           {}
func (discardOutput) Input(string, bool) (string, error)   { return "", ErrStdinNotAllowed }

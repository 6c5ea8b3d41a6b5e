package kernel

import "fmt"

// historyRequest is the content of history_request. Numbers are pointers so that a missing
// field takes its default.
type historyRequest struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        *int   `json:"session"`
	Start          *int   `json:"start"`
	Stop           *int   `json:"stop"`
	N              *int   `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// defaultTail is the number of cells a tail request without n returns.
const defaultTail = 10

func (k *Kernel) historyRequest(s *socket, req Message) {
	var r historyRequest
	if err := req.Decode(&r); err != nil {
		k.badRequest(s, req, err)
		return
	}
	get := func(p *int, def int) int {
		if p == nil {
			return def
		}
		return *p
	}

	var entries []historyEntry
	var err error
	switch r.HistAccessType {
	case "tail":
		entries, err = k.hist.query(func(h *history) ([]historyEntry, error) {
			return h.tail(get(r.N, defaultTail))
		})
	case "range", "":
		entries, err = k.hist.query(func(h *history) ([]historyEntry, error) {
			return h.lineRange(get(r.Session, 0), get(r.Start, 0), get(r.Stop, 0))
		})
	case "search":
		pattern := r.Pattern
		if pattern == "" {
			pattern = "*"
		}
		entries, err = k.hist.query(func(h *history) ([]historyEntry, error) {
			return h.search(pattern, get(r.N, 0), r.Unique)
		})
	default:
		err = fmt.Errorf("unknown hist_access_type %q (use tail, range or search)",
			r.HistAccessType)
	}
	if err != nil {
		k.log.Warn("history request failed", "err", err)
		k.reply(s, req, "history_reply", errorContent("HistoryError", err.Error()))
		return
	}
	k.reply(s, req, "history_reply", map[string]any{"status": "ok",
		"history": historyItems(entries, r.Output)})
}

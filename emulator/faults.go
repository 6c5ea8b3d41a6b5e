package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Fault makes the next Count matching requests fail with an HTTP status, so that clients can
// be tested against a real server that rate-limits or breaks.
type Fault struct {
	// Status is the HTTP status to answer, e.g. 429 or 500.
	Status int `json:"status"`
	// Count is how many requests fail; zero means one.
	Count int `json:"count"`
	// RetryAfter, in seconds, is sent as Retry-After when not zero.
	RetryAfter int `json:"retry_after,omitempty"`
	// Path limits the fault to request paths with this prefix, e.g. /graphql; empty means
	// every GraphQL and auth path.
	Path string `json:"path,omitempty"`
	// Operation limits the fault to GraphQL requests whose body contains this text, e.g. a
	// root field name such as createInvestigationV2.
	Operation string `json:"operation,omitempty"`
}

// FaultStats counts what the fault injector has done.
type FaultStats struct {
	// Pending is the number of failures still to be served.
	Pending int `json:"pending"`
	// Served is the number of requests answered with a fault so far.
	Served int `json:"served"`
}

type faults struct {
	mu     sync.Mutex
	queue  []Fault
	served int
}

func (f *faults) add(x Fault) error {
	if x.Status < 400 || x.Status > 599 {
		return fmt.Errorf("fault status %d: use an HTTP error status from 400 to 599", x.Status)
	}
	if x.Count < 0 {
		return fmt.Errorf("fault count %d: use a positive number", x.Count)
	}
	if x.Count == 0 {
		x.Count = 1
	}
	f.mu.Lock()
	f.queue = append(f.queue, x)
	f.mu.Unlock()
	return nil
}

func (f *faults) stats() FaultStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := FaultStats{Served: f.served}
	for _, x := range f.queue {
		s.Pending += x.Count
	}
	return s
}

func (f *faults) clear() {
	f.mu.Lock()
	f.queue = nil
	f.mu.Unlock()
}

// take returns the fault that the request with this path and body must answer, if any, and
// counts it as served.
func (f *faults) take(path string, body []byte) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.queue {
		x := &f.queue[i]
		if x.Path != "" && !strings.HasPrefix(path, x.Path) {
			continue
		}
		if x.Operation != "" && !strings.Contains(string(body), x.Operation) {
			continue
		}
		got := *x
		x.Count--
		if x.Count == 0 {
			f.queue = append(f.queue[:i], f.queue[i+1:]...)
		}
		f.served++
		return got, true
	}
	return Fault{}, false
}

// write answers a request with the fault, in the GraphQL error shape the SDK decodes.
func (x Fault) write(w http.ResponseWriter) {
	if x.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(x.RetryAfter))
	}
	code := "INTERNAL_SERVER_ERROR"
	if x.Status == http.StatusTooManyRequests {
		code = "RATE_LIMITED"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(x.Status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{
			"message": fmt.Sprintf("injected fault: HTTP %d %s", x.Status,
				http.StatusText(x.Status)),
			"extensions": map[string]any{"code": code},
		}},
	})
}

package events

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"gotaegis/schema"
	"gotaegis/sdk"
)

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

type started struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// wsServer speaks graphql-ws on /events/query: each subscription gets the data payloads that
// script returns for it (by page id, "" for eventQuery), then complete.
type wsServer struct {
	t      *testing.T
	schema *ast.Schema
	script func(page string) []string

	mu     sync.Mutex
	starts []started
}

func newWSClient(t *testing.T, script func(page string) []string) (*sdk.Client, *wsServer) {
	t.Helper()
	s, err := schema.Load(schema.Files, "events")
	if err != nil {
		t.Fatal(err)
	}
	f := &wsServer{t: t, schema: s, script: script}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	settings := &sdk.Settings{}
	if err := settings.AddRegion("fake", srv.URL, "", ""); err != nil {
		t.Fatal(err)
	}
	c, err := sdk.New(sdk.Config{Region: "fake", Token: "test-token", Settings: settings,
		ConfigDir: t.TempDir(), NoTokenCache: true, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return c, f
}

func (f *wsServer) serve(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"graphql-ws"}})
	if err != nil {
		return
	}
	defer conn.CloseNow()
	ctx := r.Context()
	var m wsMessage
	if wsjson.Read(ctx, conn, &m) != nil || m.Type != "connection_init" {
		return
	}
	_ = wsjson.Write(ctx, conn, wsMessage{Type: "connection_ack"})
	if wsjson.Read(ctx, conn, &m) != nil || m.Type != "start" {
		return
	}
	var st started
	if err := json.Unmarshal(m.Payload, &st); err != nil {
		f.t.Errorf("bad start payload: %v", err)
		return
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: st.Query})
	if err != nil {
		f.t.Errorf("unparsable document %q: %v", st.Query, err)
	} else if errs := validator.ValidateWithRules(f.schema, doc, nil); len(errs) > 0 {
		f.t.Errorf("invalid document %q: %v", st.Query, errs)
	}
	f.mu.Lock()
	f.starts = append(f.starts, st)
	f.mu.Unlock()
	page, _ := st.Variables["id"].(string)
	for _, p := range f.script(page) {
		if err := wsjson.Write(ctx, conn, wsMessage{ID: m.ID, Type: "data",
			Payload: json.RawMessage(p)}); err != nil {
			return
		}
	}
	_ = wsjson.Write(ctx, conn, wsMessage{ID: m.ID, Type: "complete"})
	for wsjson.Read(ctx, conn, &m) == nil {
	}
}

func (f *wsServer) started() []started {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]started(nil), f.starts...)
}

// frame is one eventQuery or eventPage data payload.
func frame(field, status, typ string, rows int, next string) string {
	m := map[string]any{"queryId": "q-1", "query": map[string]any{"id": "q-1", "status": status}}
	if typ != "" {
		list := make([]map[string]any, rows)
		for i := range list {
			list[i] = map[string]any{"host_id": fmt.Sprintf("h%d", i), "commandline": "cmd"}
		}
		m["result"] = map[string]any{"type": typ, "status": "SUCCEEDED", "rows": list}
	}
	if next != "" {
		m["next"] = next
	}
	b, _ := json.Marshal(map[string]any{"data": map[string]any{field: m}})
	return string(b)
}

func TestQueryAll(t *testing.T) {
	twoPages := func(page string) []string {
		switch page {
		case "":
			return []string{
				frame("eventQuery", "RUNNING", "", 0, ""),
				frame("eventQuery", "RUNNING", "process", 3, ""),
				frame("eventQuery", "SUCCEEDED", "netflow", 2, "page-2"),
			}
		case "page-2":
			return []string{frame("eventPage", "SUCCEEDED", "process", 4, "")}
		}
		return nil
	}
	tests := []struct {
		name       string
		script     func(string) []string
		limit      int
		wantRows   int
		wantPages  int
		wantTrunc  bool
		wantErr    string
		wantStarts int
	}{
		{name: "two pages", script: twoPages, wantRows: 9, wantPages: 2, wantStarts: 2},
		{name: "limit inside the first page", script: twoPages, limit: 4, wantRows: 4,
			wantPages: 1, wantTrunc: true, wantStarts: 1},
		{name: "limit at the end of the first page", script: twoPages, limit: 5, wantRows: 5,
			wantPages: 1, wantTrunc: true, wantStarts: 1},
		{name: "failed query", script: func(string) []string {
			return []string{`{"data":{"eventQuery":{"queryId":"q-1","query":{"id":"q-1",` +
				`"status":"FAILED","reasons":[{"reason":"unknown field foo"}]}}}}`}
		}, wantErr: "unknown field foo", wantPages: 1, wantStarts: 1},
		{name: "failed page keeps the first", script: func(page string) []string {
			if page == "" {
				return []string{frame("eventQuery", "SUCCEEDED", "process", 2, "page-2")}
			}
			return []string{`{"data":{"eventPage":null},"errors":[{"message":"page expired"}]}`}
		}, wantRows: 2, wantPages: 2, wantErr: "page 2", wantStarts: 2},
		{name: "a repeated token ends paging", script: func(page string) []string {
			field := map[string]string{"": "eventQuery"}[page]
			if field == "" {
				field = "eventPage"
			}
			return []string{frame(field, "SUCCEEDED", "process", 1, "same")}
		}, wantRows: 2, wantPages: 2, wantStarts: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newWSClient(t, tt.script)
			var progress []int
			results, paging, err := New(c).QueryAll(context.Background(),
				"FROM process EARLIEST=-1d", nil, &EventQueryOptions{}, tt.limit,
				func(got int) { progress = append(progress, got) })
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
			rows := Rows(results)
			if len(rows) != tt.wantRows || paging.Rows != tt.wantRows {
				t.Errorf("got %d rows (paging says %d), want %d", len(rows), paging.Rows,
					tt.wantRows)
			}
			if paging.Pages != tt.wantPages || paging.Truncated != tt.wantTrunc {
				t.Errorf("got paging %+v, want %d pages, truncated %v", paging, tt.wantPages,
					tt.wantTrunc)
			}
			if got := len(f.started()); got != tt.wantStarts {
				t.Errorf("got %d subscriptions, want %d", got, tt.wantStarts)
			}
			if len(rows) > 0 && rows[0]["event_type"] == nil {
				t.Errorf("row without event_type: %v", rows[0])
			}
			if len(progress) > 0 && progress[len(progress)-1] != tt.wantRows {
				t.Errorf("last progress %d, want %d", progress[len(progress)-1], tt.wantRows)
			}
		})
	}
}

func TestQueryAllSendsTheQuery(t *testing.T) {
	c, f := newWSClient(t, func(string) []string {
		return []string{frame("eventQuery", "SUCCEEDED", "process", 1, "")}
	})
	size := 500
	_, _, err := New(c).QueryAll(context.Background(), "FROM process EARLIEST=-1d",
		map[string]any{"callerName": "gotaegis"}, &EventQueryOptions{PageSize: &size}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := f.started()[0]
	if !strings.HasPrefix(st.Query, "subscription eventQuery($query: String!, "+
		"$metadata: JSONObject, $options: EventQueryOptions) {") {
		t.Errorf("unexpected document %q", st.Query)
	}
	opts, _ := st.Variables["options"].(map[string]any)
	if st.Variables["query"] != "FROM process EARLIEST=-1d" || opts["pageSize"] != float64(500) {
		t.Errorf("unexpected variables %v", st.Variables)
	}
}

func TestQueryAllRejectsEmptyQuery(t *testing.T) {
	if _, _, err := New(nil).QueryAll(context.Background(), " ", nil, nil, 0, nil); err == nil ||
		!strings.Contains(err.Error(), "no CQL query") {
		t.Errorf("got %v, want a no CQL query error", err)
	}
}

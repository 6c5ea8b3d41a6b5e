package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// wsServer is a graphql-ws (subscriptions-transport-ws) server for tests: it records the
// upgrade request and plays script after the client's start message.
type wsServer struct {
	srv *httptest.Server

	mu        sync.Mutex
	protocols []string
	header    http.Header
	start     wsMessage
	got       []string // message types received from the client, in order
	upgrades  int

	// refuse answers the upgrade with this status for the first refuse.n upgrades.
	refuse struct {
		status, n int
	}
	// ackWith replaces connection_ack (e.g. with a connection_error).
	ackWith *wsMessage
	script  []wsMessage
	// hangUp closes the connection after the script instead of waiting for the client.
	hangUp bool
	// auth serves the token endpoints when set.
	auth http.Handler
}

func newWSServer(t *testing.T, script ...wsMessage) *wsServer {
	s := &wsServer{script: script}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *wsServer) serve(w http.ResponseWriter, r *http.Request) {
	if s.auth != nil && strings.HasPrefix(r.URL.Path, "/auth/") {
		s.auth.ServeHTTP(w, r)
		return
	}
	s.mu.Lock()
	s.upgrades++
	s.header = r.Header.Clone()
	s.protocols = nil
	for _, p := range strings.Split(r.Header.Get("Sec-WebSocket-Protocol"), ",") {
		s.protocols = append(s.protocols, strings.TrimSpace(p))
	}
	refuse := s.upgrades <= s.refuse.n
	s.mu.Unlock()
	if refuse {
		http.Error(w, "refused", s.refuse.status)
		return
	}

	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{wsProtocol}})
	if err != nil {
		return
	}
	defer conn.CloseNow()
	ctx := r.Context()

	var m wsMessage
	if wsjson.Read(ctx, conn, &m) != nil || m.Type != wsConnectionInit {
		conn.Close(websocket.StatusPolicyViolation, "connection_init expected")
		return
	}
	s.record(m)
	ack := wsMessage{Type: wsConnectionAck}
	if s.ackWith != nil {
		ack = *s.ackWith
	}
	_ = wsjson.Write(ctx, conn, wsMessage{Type: wsKeepAlive})
	if wsjson.Write(ctx, conn, ack) != nil || ack.Type != wsConnectionAck {
		return
	}
	if wsjson.Read(ctx, conn, &m) != nil {
		return
	}
	s.record(m)
	s.mu.Lock()
	s.start = m
	s.mu.Unlock()
	for _, out := range s.script {
		out.ID = m.ID
		if wsjson.Write(ctx, conn, out) != nil {
			return
		}
	}
	if s.hangUp {
		conn.CloseNow()
		return
	}
	for {
		if wsjson.Read(ctx, conn, &m) != nil {
			return
		}
		s.record(m)
	}
}

func (s *wsServer) record(m wsMessage) {
	s.mu.Lock()
	s.got = append(s.got, m.Type)
	s.mu.Unlock()
}

// seen returns what the server saw of the last upgrade, under its lock.
func (s *wsServer) seen() (protocols []string, header http.Header, start wsMessage, upgrades int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.protocols), s.header.Clone(), s.start, s.upgrades
}

func (s *wsServer) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

func dataMsg(payload string) wsMessage {
	return wsMessage{Type: wsData, Payload: json.RawMessage(payload)}
}

const eventQueryDoc = `subscription eventQuery($query: String!) { eventQuery(query: $query) { ` +
	`queryId result { type rows } next } }`

func subscribeClient(t *testing.T, s *wsServer, edit func(*Config)) *Client {
	t.Helper()
	f := newFakeTaegis(t)
	return newTestClient(t, f, func(cfg *Config) {
		cfg.Settings = testSettings(t, s.srv.URL)
		cfg.Token = testJWT(t, timeInAnHour())
		cfg.Tenant = "11111"
		if edit != nil {
			edit(cfg)
		}
	})
}

func TestSubscribeFiniteStream(t *testing.T) {
	s := newWSServer(t,
		dataMsg(`{"data":{"eventQuery":{"queryId":"q1","result":null}}}`),
		wsMessage{Type: wsKeepAlive},
		dataMsg(`{"data":{"eventQuery":{"queryId":"q1","result":{"type":"process","rows":[{}]},`+
			`"next":"page-2"}}}`),
		dataMsg(`{"data":{"eventQuery":{"queryId":"q1","result":{"type":"netflow","rows":[]}}}}`),
		wsMessage{Type: wsComplete},
	)
	c := subscribeClient(t, s, nil)
	token := c.core.tokens.static

	var got []string
	err := c.Subscribe(context.Background(), Request{Gateway: GatewayEvents, Kind: Subscription,
		Field: "eventQuery", Document: eventQueryDoc,
		Variables: map[string]any{"query": "FROM process"}},
		func(data json.RawMessage) error {
			got = append(got, string(data))
			return nil
		}, WithTenant("22222"))
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	if len(got) != 3 || !strings.Contains(got[1], `"next":"page-2"`) ||
		!strings.Contains(got[2], "netflow") {
		t.Errorf("delivered %d payloads in this order: %v", len(got), got)
	}

	protocols, header, startMsg, _ := s.seen()
	wantProtocols := []string{"graphql-ws", "access-token-" + token, "x-tenant-context-22222"}
	if !slices.Equal(protocols, wantProtocols) {
		t.Errorf("sub-protocols = %v, want %v", protocols, wantProtocols)
	}
	if got := header.Get("Authorization"); got != "Bearer "+token {
		t.Errorf("upgrade Authorization = %q", got)
	}
	if got := header.Get("X-Tenant-Context"); got != "22222" {
		t.Errorf("upgrade X-Tenant-Context = %q", got)
	}
	var start struct {
		Query         string         `json:"query"`
		Variables     map[string]any `json:"variables"`
		OperationName string         `json:"operationName"`
	}
	if err := json.Unmarshal(startMsg.Payload, &start); err != nil {
		t.Fatal(err)
	}
	if start.Query != eventQueryDoc || start.OperationName != "eventQuery" ||
		start.Variables["query"] != "FROM process" || startMsg.ID == "" {
		t.Errorf("start message = %+v", startMsg)
	}
	waitFor(t, func() bool { return slices.Contains(s.received(), wsConnectionEnd) })
}

func TestSubscribeErrors(t *testing.T) {
	handlerErr := errors.New("stop here")
	tests := []struct {
		name       string
		script     []wsMessage
		ackWith    *wsMessage
		hangUp     bool
		handlerErr error
		wantData   int
		want       error  // matched with errors.Is when set
		wantText   string // contained in the error when set
		wantStop   bool   // the client sent stop
	}{
		{name: "partial data with errors continues to complete", script: []wsMessage{
			dataMsg(`{"data":{"eventQuery":{"queryId":"a"}},"errors":[{"message":"type dns ` +
				`failed","extensions":{"code":"NOT_FOUND"}}]}`),
			dataMsg(`{"data":{"eventQuery":{"queryId":"b"}}}`),
			{Type: wsComplete}}, wantData: 2, want: ErrNotFound, wantText: "type dns failed"},
		{name: "error message ends the stream", script: []wsMessage{
			dataMsg(`{"data":{"eventQuery":{"queryId":"a"}}}`),
			{Type: wsError, Payload: json.RawMessage(`[{"message":"bad query","extensions":` +
				`{"code":"FORBIDDEN"}}]`)}}, wantData: 1, want: ErrForbiddenTenant,
			wantText: "bad query", wantStop: true},
		{name: "connection_error", ackWith: &wsMessage{Type: wsConnectionError,
			Payload: json.RawMessage(`{"message":"token refused","extensions":{"code":` +
				`"UNAUTHENTICATED"}}`)}, want: ErrUnauthorized, wantText: "token refused"},
		{name: "handler error stops", script: []wsMessage{
			dataMsg(`{"data":{"eventQuery":{"queryId":"a"}}}`),
			dataMsg(`{"data":{"eventQuery":{"queryId":"b"}}}`)},
			handlerErr: handlerErr, wantData: 1, want: handlerErr, wantStop: true},
		{name: "hang-up before complete", script: []wsMessage{
			dataMsg(`{"data":{"eventQuery":{"queryId":"a"}}}`)}, hangUp: true, wantData: 1,
			wantText: "before the subscription completed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newWSServer(t, tt.script...)
			s.ackWith, s.hangUp = tt.ackWith, tt.hangUp
			c := subscribeClient(t, s, nil)
			n := 0
			err := c.Subscribe(context.Background(), Request{Gateway: GatewayEvents,
				Kind: Subscription, Field: "eventQuery", Document: eventQueryDoc},
				func(json.RawMessage) error {
					n++
					return tt.handlerErr
				})
			if err == nil {
				t.Fatal("Subscribe succeeded, want an error")
			}
			if n != tt.wantData {
				t.Errorf("handler called %d times, want %d", n, tt.wantData)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.want)
			}
			if tt.wantText != "" && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q lacks %q", err, tt.wantText)
			}
			if tt.wantStop {
				waitFor(t, func() bool { return slices.Contains(s.received(), wsStop) })
			}
			if _, _, _, upgrades := s.seen(); upgrades != 1 {
				t.Errorf("%d connections; a subscription must never be restarted", upgrades)
			}
		})
	}
}

func TestSubscribeRefreshesRefusedToken(t *testing.T) {
	s := newWSServer(t, dataMsg(`{"data":{"x":1}}`), wsMessage{Type: wsComplete})
	s.refuse.status, s.refuse.n = http.StatusUnauthorized, 1
	f := newFakeTaegis(t)
	s.auth = f.srv.Config.Handler
	c := newTestClient(t, f, func(cfg *Config) { cfg.Settings = testSettings(t, s.srv.URL) })
	n := 0
	err := c.Subscribe(context.Background(), Request{Kind: Subscription, Field: "x",
		Document: `subscription x { x }`}, func(json.RawMessage) error { n++; return nil })
	if err != nil || n != 1 {
		t.Fatalf("Subscribe: %v after %d payloads, want success with 1", err, n)
	}
	protocols, _, _, upgrades := s.seen()
	if upgrades != 2 || f.tokenCalls.Load() != 2 {
		t.Errorf("upgrades %d, token fetches %d; want 2 and 2", upgrades, f.tokenCalls.Load())
	}
	if !slices.Contains(protocols, "access-token-"+f.issued(1)) {
		t.Errorf("the second upgrade did not carry the new token: %v", protocols)
	}
}

func TestSubscribeUpgradeRefused(t *testing.T) {
	s := newWSServer(t)
	s.refuse.status, s.refuse.n = http.StatusForbidden, 100
	c := subscribeClient(t, s, nil)
	err := c.Subscribe(context.Background(), Request{Kind: Subscription, Field: "x",
		Document: `subscription x { x }`}, func(json.RawMessage) error { return nil })
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusForbidden ||
		!errors.Is(err, ErrForbiddenTenant) {
		t.Fatalf("Subscribe: %v, want HTTP 403 matching ErrForbiddenTenant", err)
	}
}

func TestSubscribeCancelled(t *testing.T) {
	s := newWSServer(t, dataMsg(`{"data":{"x":1}}`)) // never completes
	c := subscribeClient(t, s, nil)
	ctx, cancel := context.WithCancel(context.Background())
	err := c.Subscribe(ctx, Request{Kind: Subscription, Field: "x",
		Document: `subscription x { x }`}, func(json.RawMessage) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Subscribe: %v, want context.Canceled", err)
	}
}

package gql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// graphqlWS serves GraphQL over the legacy Apollo graphql-ws websocket protocol
// (subscriptions-transport-ws), the one Taegis' events gateway speaks: connection_init and
// connection_ack, start and stop per operation id, data and complete, ka keep-alives.
//
// It stands in for gqlgen's own websocket transport, which re-validates and re-compacts every
// data payload twice on its way out; event pages are megabytes of rows, and writing gqlgen's
// already valid response bytes directly halves the emulator's cost of streaming them.
type graphqlWS struct {
	keepAlive time.Duration
}

var _ graphql.Transport = graphqlWS{}

// wsReadLimit bounds one client message; operations are small.
const wsReadLimit = 1 << 20

func (graphqlWS) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") != ""
}

func (t graphqlWS) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols: []string{"graphql-ws"}})
	if err != nil {
		return // Accept has answered the request with the reason
	}
	c.SetReadLimit(wsReadLimit)
	// Operations end with the request (the server's shutdown cancels it); writes get their own
	// context, because coder/websocket drops the connection when a write's context ends, and
	// the last messages and the close frame must still go out.
	ctx, cancel := context.WithCancel(r.Context())
	conn := &wsConn{c: c, exec: exec, ctx: ctx, headers: r.Header,
		active: map[string]context.CancelFunc{}}
	defer func() {
		cancel()
		conn.wg.Wait()
		_ = c.Close(websocket.StatusNormalClosure, "")
	}()
	conn.run(t.keepAlive)
}

type wsConn struct {
	c       *websocket.Conn
	exec    graphql.GraphExecutor
	ctx     context.Context
	headers http.Header
	wg      sync.WaitGroup

	mu     sync.Mutex
	active map[string]context.CancelFunc
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// write sends one text message made of parts, each part as it is (a frame of its own).
func (c *wsConn) write(parts ...[]byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if len(parts) == 1 {
		_ = c.c.Write(ctx, websocket.MessageText, parts[0])
		return
	}
	w, err := c.c.Writer(ctx, websocket.MessageText)
	if err != nil {
		return
	}
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			break
		}
	}
	_ = w.Close()
}

func (c *wsConn) send(m wsMessage) {
	b, _ := json.Marshal(m)
	c.write(b)
}

func (c *wsConn) run(keepAlive time.Duration) {
	for {
		_, b, err := c.c.Read(c.ctx)
		if err != nil {
			return
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			c.sendError("", "the message is not JSON: "+err.Error())
			continue
		}
		switch m.Type {
		case "connection_init":
			c.send(wsMessage{Type: "connection_ack"})
			c.send(wsMessage{Type: "ka"})
			if keepAlive > 0 {
				c.wg.Add(1)
				go c.keepAlive(keepAlive)
			}
		case "start":
			c.start(m.ID, m.Payload)
		case "stop":
			c.mu.Lock()
			if cancel, ok := c.active[m.ID]; ok {
				cancel()
			}
			c.mu.Unlock()
		case "connection_terminate":
			return
		default:
			c.sendError(m.ID, "unknown message type "+strconv.Quote(m.Type)+
				"; this server speaks graphql-ws (connection_init, start, stop, "+
				"connection_terminate)")
		}
	}
}

func (c *wsConn) keepAlive(every time.Duration) {
	defer c.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			c.send(wsMessage{Type: "ka"})
		}
	}
}

func (c *wsConn) sendError(id, msg string) {
	p, _ := json.Marshal(map[string]string{"message": msg})
	c.send(wsMessage{ID: id, Type: "error", Payload: p})
}

func (c *wsConn) complete(id string) {
	c.send(wsMessage{ID: id, Type: "complete"})
}

// sendResponse writes a data message around the response's already encoded data, which goes
// out as it is rather than copied into the message (an event page is megabytes).
func (c *wsConn) sendResponse(id string, r *graphql.Response) {
	idJSON, _ := json.Marshal(id)
	head := make([]byte, 0, len(idJSON)+48)
	head = append(head, `{"id":`...)
	head = append(head, idJSON...)
	head = append(head, `,"type":"data","payload":{"data":`...)
	data := r.Data
	if len(data) == 0 {
		data = []byte("null")
	}
	var tail []byte
	if len(r.Errors) > 0 {
		e, _ := json.Marshal(r.Errors)
		tail = append(tail, `,"errors":`...)
		tail = append(tail, e...)
	}
	if len(r.Extensions) > 0 {
		e, _ := json.Marshal(r.Extensions)
		tail = append(tail, `,"extensions":`...)
		tail = append(tail, e...)
	}
	tail = append(tail, "}}"...)
	c.write(head, data, tail)
}

func (c *wsConn) start(id string, payload json.RawMessage) {
	start := graphql.Now()
	ctx := graphql.StartOperationTrace(c.ctx)
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber() // numbers stay exact, as GraphQL coercion of Int needs
	if err := dec.Decode(params); err != nil {
		c.sendError(id, "the start payload is not a GraphQL request: "+err.Error())
		c.complete(id)
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	params.Headers = c.headers

	rc, errs := c.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := c.exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		c.sendResponse(id, resp)
		c.complete(id)
		return
	}
	ctx, cancel := context.WithCancel(graphql.WithOperationContext(ctx, rc))
	c.mu.Lock()
	if old, ok := c.active[id]; ok {
		old() // a client reusing a live id replaces the operation
	}
	c.active[id] = cancel
	c.mu.Unlock()

	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer func() {
			if r := recover(); r != nil {
				err := rc.Recover(ctx, r)
				var gqlErr *gqlerror.Error
				if !errors.As(err, &gqlErr) {
					gqlErr = &gqlerror.Error{Message: "internal error"}
				}
				c.sendResponse(id, &graphql.Response{Errors: gqlerror.List{gqlErr}})
			}
			if c.ctx.Err() == nil {
				c.complete(id)
			}
			c.mu.Lock()
			delete(c.active, id)
			c.mu.Unlock()
			cancel()
		}()
		responses, ctx := c.exec.DispatchOperation(ctx, rc)
		for {
			r := responses(ctx)
			if r == nil {
				return
			}
			c.sendResponse(id, r)
		}
	}()
}

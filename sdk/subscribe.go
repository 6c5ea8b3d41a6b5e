package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"gotaegis/sdk/internal/jsonvalue"
)

// The legacy Apollo graphql-ws protocol (subscriptions-transport-ws): the sub-protocol name and
// the message types this client sends and understands.
const (
	wsProtocol          = "graphql-ws"
	wsConnectionInit    = "connection_init"
	wsConnectionAck     = "connection_ack"
	wsConnectionError   = "connection_error"
	wsKeepAlive         = "ka"
	wsStart             = "start"
	wsStop              = "stop"
	wsData              = "data"
	wsError             = "error"
	wsComplete          = "complete"
	wsConnectionEnd     = "connection_terminate"
	wsSubscriptionID    = "1"
	wsCloseWriteTimeout = 2 * time.Second
)

// wsMessage is one graphql-ws message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// subscribe runs one subscription as a finite stream; see Subscribe. The protocol is spoken
// here rather than through hasura's SubscriptionClient because that client re-subscribes after
// a dropped connection (which would restart an event query and deliver its pages twice), drops
// data that arrives beside errors, and handles messages on separate goroutines by default.
func (c *Client) subscribe(ctx context.Context, r Request, handle func(json.RawMessage) error,
	opts []Option) error {
	if c == nil || c.core == nil {
		return errNilClient
	}
	if handle == nil {
		return errors.New("Subscribe needs a handler")
	}
	o := Options(opts)
	name, err := operationName(r)
	if err != nil {
		return err
	}
	region, err := c.core.endpoint(ctx)
	if err != nil {
		return err
	}
	endpoint, err := region.WebsocketURL(r.Gateway)
	if err != nil {
		return err
	}
	tenant := c.tenant
	if o.Tenant != "" {
		tenant = o.Tenant
	}
	start, err := json.Marshal(map[string]any{
		"query": r.Document, "variables": r.Variables, "operationName": name,
	})
	if err != nil {
		return fmt.Errorf("encode the variables: %w", err)
	}

	s := &stream{c: c, field: r.Field, url: endpoint, tenant: tenant, headers: o.Headers,
		peek: o.Peek}
	for {
		err := s.run(ctx, start, handle)
		var errs *Errors
		if s.refused && !s.refreshed && (errors.As(err, &errs) && errs.onlyUnauthenticated() ||
			errors.Is(err, ErrUnauthorized)) {
			s.refreshed = true
			if c.core.tokens.Invalidate(s.token) {
				continue
			}
		}
		return err
	}
}

// stream is one subscription's connection state.
type stream struct {
	c       *Client
	field   string
	url     string
	tenant  string
	headers map[string]string
	peek    func(json.RawMessage)

	token     string
	refused   bool // the server refused the connection before the subscription started
	refreshed bool
}

// read reads one message. Its envelope is taken apart without decoding the payload, which
// for an event page is megabytes that the handler decodes once, into its own type.
func (s *stream) read(ctx context.Context, conn *websocket.Conn) (wsMessage, error) {
	_, r, err := conn.Reader(ctx)
	if err != nil {
		return wsMessage{}, err
	}
	b, err := s.readAll(r)
	if err != nil {
		return wsMessage{}, err
	}

	var m wsMessage
	err = jsonvalue.Members(b, func(key string, value []byte) error {
		// Member names match without regard to case, as encoding/json matches them.
		switch {
		case strings.EqualFold(key, "type"):
			return json.Unmarshal(value, &m.Type)
		case strings.EqualFold(key, "id"):
			return json.Unmarshal(value, &m.ID)
		case strings.EqualFold(key, "payload"):
			m.Payload = value
		}
		return nil
	})
	if err != nil {
		conn.Close(websocket.StatusInvalidFramePayloadData, "not a graphql-ws message")
		return wsMessage{}, fmt.Errorf("a message is not graphql-ws JSON: %w", err)
	}
	return m, nil
}

// smallMessage is the size under which a message is read without a guess at its size.
const smallMessage = 4096

// readAll reads a message into one allocation of about its size: a small one (a keep-alive, a
// progress message) through a buffer on the stack, a large one into room for the size of the
// last large one, which for an event query is the page before.
func (s *stream) readAll(r io.Reader) ([]byte, error) {
	var small [smallMessage]byte
	n, err := io.ReadFull(r, small[:])
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return bytes.Clone(small[:n]), nil
	}
	if err != nil {
		return nil, err
	}
	core := s.c.core
	hint := min(max(core.wsSize.Load(), 2*smallMessage), core.maxMsg)
	// ReadFrom wants MinRead bytes free to see the end without growing the buffer.
	buf := bytes.NewBuffer(make([]byte, 0, int(hint)+bytes.MinRead))
	buf.Write(small[:n])
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	core.wsSize.Store(int64(buf.Len()))
	return buf.Bytes(), nil
}

// dataPayload returns the data object of a data message's payload, as it came, and its errors.
func dataPayload(p json.RawMessage) (json.RawMessage, []GraphQLError, error) {
	var data json.RawMessage
	var errs []GraphQLError
	err := jsonvalue.Members(p, func(key string, value []byte) error {
		switch {
		case strings.EqualFold(key, "data"):
			data = value
		case strings.EqualFold(key, "errors"):
			errs = nil
			return json.Unmarshal(value, &errs)
		}
		return nil
	})
	return data, errs, err
}

// run connects, subscribes and reads until complete.
func (s *stream) run(ctx context.Context, start []byte, handle func(json.RawMessage) error) error {
	s.refused = false
	conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.CloseNow()

	if err := wsjson.Write(ctx, conn, wsMessage{Type: wsConnectionInit,
		Payload: json.RawMessage(`{}`)}); err != nil {
		return s.connErr(ctx, "send connection_init", err)
	}
	if err := s.awaitAck(ctx, conn); err != nil {
		return err
	}
	if err := wsjson.Write(ctx, conn, wsMessage{ID: wsSubscriptionID, Type: wsStart,
		Payload: start}); err != nil {
		return s.connErr(ctx, "send start", err)
	}

	var frameErrs []GraphQLError
	for {
		m, err := s.read(ctx, conn)
		if err != nil {
			return s.connErr(ctx, "the connection ended before the subscription completed", err)
		}
		switch m.Type {
		case wsData:
			data, errs, err := dataPayload(m.Payload)
			if err != nil {
				s.stop(conn)
				return fmt.Errorf("a data message from %s is not GraphQL JSON: %w", s.url, err)
			}
			frameErrs = append(frameErrs, errs...)
			if !isNull(data) {
				if s.peek != nil {
					s.peek(data)
				}
				if err := handle(data); err != nil {
					s.stop(conn)
					return err
				}
			}
		case wsError:
			s.stop(conn)
			return s.c.newErrors(s.field, http.StatusOK, append(frameErrs,
				payloadErrors(m.Payload)...), s.tenant)
		case wsComplete:
			s.end(conn)
			if len(frameErrs) > 0 {
				return s.c.newErrors(s.field, http.StatusOK, frameErrs, s.tenant)
			}
			return nil
		}
		// ka, a late connection_ack and messages of unknown types carry nothing to deliver.
	}
}

// dial opens the websocket with the graphql-ws, access-token and x-tenant-context
// sub-protocols and the usual headers, retrying refusals that are safe to retry.
func (s *stream) dial(ctx context.Context) (*websocket.Conn, error) {
	core := s.c.core
	retry := core.retry
	deadline := time.Now().Add(retry.MaxTime)
	for attempt := 0; ; attempt++ {
		tok, err := core.tokens.Token(ctx)
		if err != nil {
			return nil, err
		}
		s.token = tok
		h := core.headers.Clone()
		h.Del("Content-Type")
		h.Set("Authorization", "Bearer "+tok)
		protocols := []string{wsProtocol, "access-token-" + tok}
		if s.tenant != "" {
			h.Set("X-Tenant-Context", s.tenant)
			protocols = append(protocols, "x-tenant-context-"+s.tenant)
		}
		for name, value := range s.headers {
			h.Set(name, value)
		}

		conn, resp, err := websocket.Dial(ctx, s.url, &websocket.DialOptions{
			HTTPClient: core.plain, HTTPHeader: h, Subprotocols: protocols,
		})
		if err == nil {
			if p := conn.Subprotocol(); p != "" && p != wsProtocol {
				conn.Close(websocket.StatusProtocolError, "graphql-ws expected")
				return nil, fmt.Errorf("%s chose websocket sub-protocol %q; this client "+
					"speaks %s", s.url, p, wsProtocol)
			}
			conn.SetReadLimit(core.maxMsg)
			return conn, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}

		status := 0
		var body []byte
		if resp != nil {
			status = resp.StatusCode
			if resp.Body != nil {
				body, _ = io.ReadAll(io.LimitReader(resp.Body, maxBodyExcerpt))
				resp.Body.Close()
			}
		}
		if status == http.StatusUnauthorized && !s.refreshed {
			s.refreshed = true
			if core.tokens.Invalidate(tok) {
				continue
			}
		}
		retryable := status == 0 || retryableStatus(Subscription, status)
		delay := retry.backoff(attempt)
		if resp != nil {
			if ra, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				delay = ra
			}
		}
		if retryable && retry.MaxTime >= 0 && !time.Now().Add(delay).After(deadline) {
			if sleep(ctx, delay) != nil {
				return nil, ctx.Err()
			}
			continue
		}
		if status == 0 {
			return nil, fmt.Errorf("connect to %s: %w", s.url, err)
		}
		e := &HTTPError{Status: status, Body: excerpt(string(body)), URL: s.url,
			Field: s.field, Region: core.region.Name}
		e.hint = core.hint(sentinelForStatus(status), s.tenant)
		return nil, e
	}
}

// awaitAck reads until the server acknowledges connection_init.
func (s *stream) awaitAck(ctx context.Context, conn *websocket.Conn) error {
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			return s.connErr(ctx, "wait for connection_ack", err)
		}
		switch m.Type {
		case wsConnectionAck:
			return nil
		case wsConnectionError, wsError:
			s.refused = true
			return s.c.newErrors(s.field, http.StatusOK, payloadErrors(m.Payload), s.tenant)
		}
	}
}

// connErr describes a failed read or write, or the context's end.
func (s *stream) connErr(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if st := websocket.CloseStatus(err); st != -1 {
		return fmt.Errorf("%s: %s closed the websocket (status %d)", what, s.url,
			st)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// stop asks the server to end the subscription and closes the connection.
func (s *stream) stop(conn *websocket.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), wsCloseWriteTimeout)
	defer cancel()
	_ = wsjson.Write(ctx, conn, wsMessage{ID: wsSubscriptionID, Type: wsStop})
	s.end(conn)
}

// end terminates the protocol and closes the connection normally.
func (s *stream) end(conn *websocket.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), wsCloseWriteTimeout)
	defer cancel()
	_ = wsjson.Write(ctx, conn, wsMessage{Type: wsConnectionEnd})
	_ = conn.Close(websocket.StatusNormalClosure, "")
}

// payloadErrors reads an error or connection_error payload: one error object, a list of them,
// or a bare string.
func payloadErrors(p json.RawMessage) []GraphQLError {
	var list []GraphQLError
	if json.Unmarshal(p, &list) == nil && len(list) > 0 {
		return list
	}
	var one GraphQLError
	if json.Unmarshal(p, &one) == nil && one.Message != "" {
		return []GraphQLError{one}
	}
	var msg string
	if json.Unmarshal(p, &msg) == nil && msg != "" {
		return []GraphQLError{{Message: msg}}
	}
	return []GraphQLError{{Message: "the server reported an error without a message: " +
		excerpt(string(p))}}
}

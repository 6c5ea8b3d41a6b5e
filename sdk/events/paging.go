package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gotaegis/sdk"
	"gotaegis/sdk/internal/jsonvalue"
)

// QueryPaging says how far a QueryAll got.
type QueryPaging struct {
	// QueryID identifies the query on the server; empty when no message carried one.
	QueryID string
	// Pages counts the streams read: the eventQuery itself and each eventPage after it.
	Pages int
	// Rows counts the rows returned.
	Rows int
	// Truncated is true when the limit stopped the query before its last page, or cut a page.
	Truncated bool
}

// errLimit ends a stream early once the limit is reached.
var errLimit = errors.New("row limit reached")

// QueryAll runs a CQL query on the events gateway and reads every page of it: the eventQuery
// stream carries progress messages and one result per event type; the first non-null next
// token among its messages names the next page, read with eventPage, and so on until no page
// names another or limit rows are in (limit 0 or less means all of them). progress, when not
// nil, is called after each result with the rows gathered so far.
//
// It returns the results with rows in the order they came, at most limit rows over all of
// them. A query or result whose status is FAILED, or a page that fails, returns the results
// gathered so far, the paging state and the error. A selection set given with
// sdk.WithSelection must keep queryId, next, query { status } and result { type status rows }.
//
// Without a limit, the next page is asked for as soon as a message names it, while the rows
// of the message are still being decoded; a page asked for but not needed (this one failed)
// is abandoned unread. progress is called on the caller's goroutine.
func (s *Service) QueryAll(ctx context.Context, query string, metadata map[string]any,
	options *EventQueryOptions, limit int, progress func(got int),
	opts ...sdk.Option) ([]EventQueryResult, *QueryPaging, error) {
	if strings.TrimSpace(query) == "" {
		return nil, nil, errors.New("events query: no CQL query; give one such as " +
			"FROM process EARLIEST=-1d | head 10")
	}
	paging := &QueryPaging{}
	var results []EventQueryResult
	seen := map[string]bool{}
	next := ""
	handle := func(m *EventQueryResults) error {
		if m == nil {
			return nil
		}
		if paging.QueryID == "" {
			paging.QueryID = m.GetQueryID()
		}
		if next == "" && m.GetNext() != "" {
			next = m.GetNext()
		}
		if q := m.GetQuery(); strings.EqualFold(q.GetStatus(), "FAILED") {
			return fmt.Errorf("the query failed: %s", failure(q.GetReasons()))
		}
		r := m.GetResult()
		if r == nil {
			return nil
		}
		if strings.EqualFold(r.GetStatus(), "FAILED") {
			return fmt.Errorf("the %s results failed: %s", r.GetType(), r.GetReason())
		}
		if limit > 0 && paging.Rows+len(r.Rows) > limit {
			r.Rows = r.Rows[:limit-paging.Rows]
			paging.Truncated = true
		}
		paging.Rows += len(r.Rows)
		results = append(results, *r)
		if progress != nil {
			progress(paging.Rows)
		}
		if limit > 0 && paging.Rows >= limit {
			return errLimit
		}
		return nil
	}

	cur := s.startPage(ctx, "", func(ctx context.Context, h func(*EventQueryResults) error,
		opts ...sdk.Option) error {
		return s.EventQuerySubscription(ctx, query, metadata, options, h, opts...)
	}, opts)
	var ahead *pageStream
	defer func() {
		cur.cancel()
		if ahead != nil {
			ahead.cancel()
		}
	}()
	for {
		next = ""
		err := cur.read(handle, func(token string) {
			// The page after this one, asked for while this one is decoded; not when the
			// token was read before (a server repeating itself), nor under a limit, which
			// this page may reach.
			if ahead == nil && !seen[token] && limit <= 0 {
				ahead = s.startPage(ctx, token, nil, opts)
			}
		})
		paging.Pages++
		switch {
		case errors.Is(err, errLimit):
			if next != "" {
				paging.Truncated = true
			}
			return results, paging, nil
		case err != nil && cur.token == "":
			return results, paging, fmt.Errorf("events query: %w", err)
		case err != nil:
			return results, paging, fmt.Errorf("events query: page %d: %w", paging.Pages, err)
		}
		if next == "" || seen[next] {
			return results, paging, nil
		}
		seen[next] = true
		cur.cancel()
		if ahead != nil && ahead.token == next {
			cur, ahead = ahead, nil
			continue
		}
		if ahead != nil {
			ahead.cancel()
			ahead = nil
		}
		cur = s.startPage(ctx, next, nil, opts)
	}
}

// pageStream is one eventQuery or eventPage stream running on its own goroutine: it decodes
// its messages there and hands them over in order.
type pageStream struct {
	token  string // the eventPage token; empty for the eventQuery
	cancel context.CancelFunc
	msgs   chan *EventQueryResults
	peeked chan string // the first next token among the messages, before they are decoded
	done   chan struct{}
	err    error // the stream's error, set before done closes
}

// subscribeFunc runs one stream, calling handle with each message.
type subscribeFunc func(ctx context.Context, handle func(*EventQueryResults) error,
	opts ...sdk.Option) error

// startPage starts reading the page named by token with eventPage, or, when run is not nil, the
// stream run starts.
func (s *Service) startPage(ctx context.Context, token string, run subscribeFunc,
	opts []sdk.Option) *pageStream {
	ctx, cancel := context.WithCancel(ctx)
	p := &pageStream{token: token, cancel: cancel, msgs: make(chan *EventQueryResults),
		peeked: make(chan string, 1), done: make(chan struct{})}
	if run == nil {
		run = func(ctx context.Context, h func(*EventQueryResults) error,
			opts ...sdk.Option) error {
			return s.EventPage(ctx, token, h, opts...)
		}
	}
	field := "eventPage"
	if token == "" {
		field = "eventQuery"
	}
	peeked := false
	peek := sdk.WithPeek(func(data json.RawMessage) {
		if peeked {
			return
		}
		var n *nextToken
		if sdk.DecodeField(data, field, &n) == nil && n != nil && n.next != "" {
			peeked = true
			p.peeked <- n.next
		}
	})
	go func() {
		defer close(p.done)
		p.err = run(ctx, func(m *EventQueryResults) error {
			select {
			case p.msgs <- m:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}, append(slices.Clip(opts), peek)...)
	}()
	return p
}

// read hands p's messages to handle in order until the stream ends or handle fails, and calls
// ahead with the first next token p peeks. It returns handle's error or the stream's.
func (p *pageStream) read(handle func(*EventQueryResults) error, ahead func(token string)) error {
	peeked := p.peeked
	for {
		select {
		case token := <-peeked:
			peeked = nil
			ahead(token)
		case m := <-p.msgs:
			if err := handle(m); err != nil {
				p.cancel()
				return err
			}
		case <-p.done:
			return p.err
		}
	}
}

// nextToken decodes only the next member of a message, so that the next page can be asked for
// before the rows are decoded.
type nextToken struct {
	next string
}

func (n *nextToken) UnmarshalJSON(b []byte) error {
	return jsonvalue.Members(b, func(key string, value []byte) error {
		if strings.EqualFold(key, "next") && n.next == "" {
			var s *string
			if json.Unmarshal(value, &s) == nil && s != nil {
				n.next = *s
			}
		}
		return nil
	})
}

// Rows returns the rows of results in order, each a map keyed by Taegis event field name with
// the event type added under event_type when the row does not carry one.
func Rows(results []EventQueryResult) []map[string]any {
	var out []map[string]any
	for _, r := range results {
		for _, row := range r.Rows {
			if _, ok := row["event_type"]; !ok && r.Type != nil {
				row["event_type"] = *r.Type
			}
			out = append(out, row)
		}
	}
	return out
}

func failure(reasons []EventQueryResult) string {
	var parts []string
	for _, r := range reasons {
		if r.GetReason() != "" {
			parts = append(parts, r.GetReason())
		}
	}
	if len(parts) == 0 {
		return "the server gave no reason"
	}
	return strings.Join(parts, "; ")
}

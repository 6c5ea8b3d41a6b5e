package events

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gotaegis/sdk"
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
	page := ""
	for {
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
		var err error
		if page == "" {
			err = s.EventQuerySubscription(ctx, query, metadata, options, handle, opts...)
		} else {
			err = s.EventPage(ctx, page, handle, opts...)
		}
		paging.Pages++
		switch {
		case errors.Is(err, errLimit):
			if next != "" {
				paging.Truncated = true
			}
			return results, paging, nil
		case err != nil && page == "":
			return results, paging, fmt.Errorf("events query: %w", err)
		case err != nil:
			return results, paging, fmt.Errorf("events query: page %d: %w", paging.Pages, err)
		}
		if next == "" || seen[next] {
			return results, paging, nil
		}
		seen[next] = true
		page = next
	}
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

package events

import (
	"context"
	"strings"
	"time"

	"gotaegis/emulator/cql"
	"gotaegis/emulator/gql"
	"gotaegis/emulator/state"
)

// Page and row limits of an event query, as Taegis documents them.
const (
	defaultPageSize = 1000
	maxPageSize     = 1000
	defaultMaxRows  = 100000
	maxMaxRows      = 100000
)

// eventQuery is a running query's server-side state: its rows per type, for eventPage.
type eventQuery struct {
	id       string
	tenant   string
	model    *EventQuery
	types    []string
	rows     map[string][]map[string]any
	pageSize int
}

// pageRef names one page of a query; its session id is the page's next token.
type pageRef struct {
	q    *eventQuery
	page int
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// start runs a query to completion and keeps its rows for paging.
func (r *Resolver) start(ctx context.Context, src string, metadata map[string]any,
	opts *EventQueryOptions) (*eventQuery, error) {
	now := r.st.Now()
	q, err := cql.Parse(src, cql.Options{Now: now})
	if err != nil {
		return nil, gql.BadInput(ctx, "query: %v", err)
	}
	types := q.From()
	if len(types) == 0 {
		return nil, gql.BadInput(ctx, "query has no FROM: name the event types, e.g. "+
			"FROM process WHERE ... EARLIEST=-1d")
	}
	if opts == nil {
		opts = &EventQueryOptions{}
	}
	pageSize := deref(opts.PageSize)
	if pageSize <= 0 {
		pageSize = defaultPageSize
	}
	if pageSize > maxPageSize {
		return nil, gql.BadInput(ctx, "options.pageSize %d is over %d", pageSize, maxPageSize)
	}
	maxRows := deref(opts.MaxRows)
	if maxRows <= 0 {
		maxRows = defaultMaxRows
	}
	if maxRows > maxMaxRows {
		return nil, gql.BadInput(ctx, "options.maxRows %d is over %d", maxRows, maxMaxRows)
	}

	tenant := gql.Tenant(ctx)
	eq := &eventQuery{tenant: tenant, types: types, rows: map[string][]map[string]any{},
		pageSize: pageSize}
	for _, t := range types {
		recs, err := r.st.Data.Events(tenant, t)
		if err != nil {
			return nil, gql.BadInput(ctx, "query: %v", err)
		}
		// Taegis returns the newest events first unless asked otherwise; ordering the input
		// keeps that true through head and tail, and a sort stage still has the last word.
		if !deref(opts.TimestampAscending) {
			recs = reversed(recs)
		}
		rows := q.Run(recs)
		if len(rows) > maxRows {
			rows = rows[:maxRows]
		}
		eq.rows[t] = rows
	}
	earliest, latest := q.Window(now)
	eq.model = &EventQuery{Types: types, Query: ptr(src), Status: ptr("SUCCEEDED"),
		Submitted: ptr(stamp(now)), Completed: ptr(stamp(r.st.Now())),
		Expires: ptr(stamp(now.Add(state.SessionTTL))), Aggregated: ptr(q.Aggregated()),
		Metadata: metadata, User: r.user(ctx)}
	if !earliest.IsZero() {
		eq.model.Earliest = ptr(stamp(earliest))
	}
	if !latest.IsZero() {
		eq.model.Latest = ptr(stamp(latest))
	}
	eq.id = r.st.Put("query:", eq)
	eq.model.ID = eq.id
	for _, t := range types {
		eq.model.Progress = append(eq.model.Progress, r.progress(eq, t))
	}
	return eq, nil
}

func reversed(rows []map[string]any) []map[string]any {
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = r
	}
	return out
}

func (r *Resolver) user(ctx context.Context) *EventUser {
	c := gql.Principal(ctx).Claims
	return &EventUser{Role: ptr("tenantAdmin"), Email: ptr(c.Email), UserID: ptr(c.Subject)}
}

func (r *Resolver) progress(eq *eventQuery, t string) *EventQueryProgress {
	return &EventQueryProgress{Type: ptr(t), TotalRows: ptr(len(eq.rows[t])),
		TotalRowsIsLowerBound: ptr(false), RowsRemoved: ptr(0), RowsFiltered: ptr(0),
		ResultsTruncated: ptr(false)}
}

// pages returns how many pages the query has: its longest type's.
func (eq *eventQuery) pages() int {
	n := 1
	for _, rows := range eq.rows {
		n = max(n, (len(rows)+eq.pageSize-1)/eq.pageSize)
	}
	return n
}

// stream sends one page of eq: a progress message on the first page, one message per type
// that has rows on the page, then a closing message with the query's final state. Every
// message carries the next page's token, or none on the last page.
func (r *Resolver) stream(ctx context.Context, eq *eventQuery, page int) <-chan *EventQueryResults {
	var next *string
	if page+1 < eq.pages() {
		next = ptr(r.st.Put("page:", pageRef{q: eq, page: page + 1}))
	}
	var prev *string
	if page > 0 {
		prev = ptr(r.st.Put("page:", pageRef{q: eq, page: page - 1}))
	}
	ch := make(chan *EventQueryResults, 1)
	go func() {
		defer close(ch)
		send := func(m *EventQueryResults) bool {
			select {
			case ch <- m:
				return true
			case <-ctx.Done():
				return false
			}
		}
		if page == 0 {
			running := *eq.model
			running.Status = ptr("RUNNING")
			if !send(&EventQueryResults{QueryID: ptr(eq.id), Query: &running}) {
				return
			}
		}
		for _, t := range eq.types {
			rows := eq.rows[t]
			from := min(len(rows), page*eq.pageSize)
			to := min(len(rows), from+eq.pageSize)
			if from == to && !(page == 0 && len(rows) == 0) {
				continue
			}
			out := make([]map[string]any, to-from)
			copy(out, rows[from:to])
			res := &EventQueryResult{ID: ptr(eq.id + ":" + t), Type: ptr(t),
				Status: ptr("SUCCEEDED"), Submitted: eq.model.Submitted,
				Completed: eq.model.Completed, Expires: eq.model.Expires, Rows: out,
				Progress: r.progress(eq, t), Fields: fields(rows),
				Provenance: &EventProvenance{BackendSources: []string{"emulator"},
					FromCache: ptr(page > 0)}}
			if !send(&EventQueryResults{QueryID: ptr(eq.id), Next: next, Prev: prev,
				Result: res}) {
				return
			}
		}
		send(&EventQueryResults{QueryID: ptr(eq.id), Next: next, Prev: prev, Query: eq.model})
	}()
	return ch
}

// fields describes the fields of a type's rows from the first one.
func fields(rows []map[string]any) []*Field {
	if len(rows) == 0 {
		return nil
	}
	var out []*Field
	for k, v := range rows[0] {
		bt := BaseTypeString
		switch v.(type) {
		case int64, float64, int:
			bt = BaseTypeNumber
		case bool:
			bt = BaseTypeBoolean
		case []any:
			bt = BaseTypeStringList
		case map[string]any:
			bt = BaseTypeStruct
		}
		out = append(out, &Field{Name: ptr(k), Searchable: ptr(true), Debug: ptr(false),
			BaseType: ptr(bt)})
	}
	sortFields(out)
	return out
}

func sortFields(fs []*Field) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && strings.Compare(*fs[j-1].Name, *fs[j].Name) > 0; j-- {
			fs[j-1], fs[j] = fs[j], fs[j-1]
		}
	}
}

func (r *Resolver) page(ctx context.Context, token string) (<-chan *EventQueryResults, error) {
	v, ok := r.st.Get(token)
	ref, isPage := v.(pageRef)
	if !ok || !isPage || ref.q.tenant != gql.Tenant(ctx) {
		return nil, gql.NotFound(ctx, "event query page", token)
	}
	return r.stream(ctx, ref.q, ref.page), nil
}

func (r *Resolver) lookup(ctx context.Context, id string) (*eventQuery, error) {
	v, ok := r.st.Get(id)
	eq, isQuery := v.(*eventQuery)
	if !ok || !isQuery || eq.tenant != gql.Tenant(ctx) {
		return nil, gql.NotFound(ctx, "event query", id)
	}
	return eq, nil
}

func (r *Resolver) events(ctx context.Context, ids []string) ([]*Event, error) {
	claims := gql.Principal(ctx).Claims
	out := []*Event{}
	for _, id := range ids {
		rec, ok := r.st.Data.Event(id)
		if !ok {
			continue
		}
		if t, _ := rec["tenant_id"].(string); !claims.Grants(t) {
			continue
		}
		out = append(out, &Event{ID: id, Values: rec,
			Provenance: &EventProvenance{BackendSources: []string{"emulator"}}})
	}
	return out, nil
}

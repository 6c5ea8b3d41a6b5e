package graphql

import (
	"context"
	"slices"
	"strings"
	"time"

	"gotaegis/emulator/gql"
	"gotaegis/emulator/state"
)

// auditSources are the store kinds the audit log reports on, with the application and event
// each stands for.
var auditSources = []struct{ kind, app, event, desc string }{
	{kindInvestigation, "investigations", "investigation.saved", "An investigation was saved."},
	{kindComment, "investigations", "comment.created", "A comment was added."},
	{kindQuery, "queries", "query.recorded", "A query was added to the history."},
	{kindRuleState, "rules", "rule.state-changed", "A rule was enabled or disabled."},
	{kindResolution, "alerts", "alert.resolved", "An alert's resolution was set."},
	{kindClient, "clients", "client.created", "An API client was created."},
}

// audits is the tenant's audit log, newest first, built from what clients changed.
func (r *Resolver) audits(ctx context.Context) ([]*Audit, error) {
	tenant := gql.Tenant(ctx)
	var out []*Audit
	for _, s := range auditSources {
		docs, err := r.st.Store.List(ctx, s.kind, tenant)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			out = append(out, &Audit{ID: s.kind + ":" + d.ID, TenantID: ptr(tenant),
				Application: ptr(s.app), EventName: ptr(s.event), Action: ptr("write"),
				Targets: []string{d.ID}, Description: ptr(s.desc),
				Timestamp: ptr(d.Updated.Format(time.RFC3339Nano))})
		}
	}
	slices.SortStableFunc(out, func(a, b *Audit) int {
		return strings.Compare(deref(b.Timestamp), deref(a.Timestamp))
	})
	return out, nil
}

func (r *Resolver) auditPage(ctx context.Context, keep func(*Audit) bool, offset, limit *int) (
	*AuditResult, error) {
	all, err := r.audits(ctx)
	if err != nil {
		return nil, err
	}
	var rows []*Audit
	for _, a := range all {
		if keep(a) {
			rows = append(rows, a)
		}
	}
	n := deref(limit)
	if n <= 0 {
		n = 100
	}
	from, to := window(len(rows), deref(offset), n)
	return &AuditResult{Offset: ptr(from), Limit: ptr(n), TotalResults: ptr(len(rows)),
		List: append([]*Audit{}, rows[from:to]...)}, nil
}

func (r *Resolver) searchAudits(ctx context.Context, in AuditSearchInput) (*AuditResult, error) {
	res, err := r.auditPage(ctx, func(a *Audit) bool {
		switch {
		case in.Application != nil && deref(a.Application) != *in.Application:
		case in.EventName != nil && deref(a.EventName) != *in.EventName:
		case in.Begin != nil && deref(a.Timestamp) < *in.Begin:
		case in.End != nil && deref(a.Timestamp) > *in.End:
		default:
			return true
		}
		return false
	}, in.Offset, in.Limit)
	if err == nil && in.SortOrder != nil && *in.SortOrder == AuditSortOrderAsc {
		slices.Reverse(res.List)
	}
	return res, err
}

func applicationEvents() []*ApplicationEvent {
	var out []*ApplicationEvent
	for _, s := range auditSources {
		out = append(out, &ApplicationEvent{Application: ptr(s.app), EventName: ptr(s.event),
			Description: ptr(s.desc)})
	}
	return out
}

func (r *Resolver) createClient(ctx context.Context, name string, roles []string) (
	*ClientWithSecret, error) {
	if strings.TrimSpace(name) == "" {
		return nil, gql.BadInput(ctx, "name is empty: give the client a name")
	}
	tenant := gql.Tenant(ctx)
	now := nowString(r.st.Now())
	id := state.NewID()
	cid := "client-" + id[:8]
	c := &Client{ID: id, ClientIDSnake: ptr(cid), ClientID: ptr(cid), Name: ptr(name),
		TenantIDSnake: ptr(tenant), TenantID: ptr(tenant), CreatedAtSnake: ptr(now),
		CreatedAt: ptr(now), UpdatedAt: ptr(now), Roles: roles}
	if err := r.st.Save(ctx, kindClient, tenant, id, c); err != nil {
		return nil, err
	}
	// Limitation: the emulator's token endpoint accepts only its configured client, so the
	// secret of a created client identifies it but does not log in.
	return &ClientWithSecret{Client: c, ClientSecret: ptr(state.NewID())}, nil
}

func (r *Resolver) clients(ctx context.Context) ([]*Client, error) {
	return state.LoadAll[Client](ctx, r.st, kindClient, gql.Tenant(ctx))
}

func (r *Resolver) searchClients(ctx context.Context, in *SearchClientsInput) (
	*SearchClientsResult, error) {
	all, err := r.clients(ctx)
	if err != nil {
		return nil, err
	}
	if in == nil {
		in = &SearchClientsInput{}
	}
	var rows []*Client
	for _, c := range all {
		switch {
		case in.Name != nil && !containsFold(deref(c.Name), *in.Name):
		case len(in.Roles) > 0 && !slices.ContainsFunc(c.Roles, func(x string) bool {
			return slices.Contains(in.Roles, x)
		}):
		default:
			rows = append(rows, c)
		}
	}
	from, to := pageBounds(len(rows), in.Page, in.PerPage, 50)
	return &SearchClientsResult{TotalCount: ptr(len(rows)),
		Clients: append([]*Client{}, rows[from:to]...)}, nil
}

func (r *Resolver) client(ctx context.Context, id string) (*Client, error) {
	all, err := r.clients(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.ID == id || deref(c.ClientID) == id {
			return c, nil
		}
	}
	return nil, gql.NotFound(ctx, "client", id)
}

// auxEvents runs an event query over every event type of the tenant.
func (r *Resolver) auxEvents(ctx context.Context, in AuxiliaryEventsSearchInput) (
	[]map[string]any, error) {
	q, err := r.parseCQL(ctx, "in.query", deref(in.Query))
	if err != nil {
		return nil, err
	}
	types := q.From()
	if len(types) == 0 {
		return nil, gql.BadInput(ctx, "in.query needs FROM <event type>, e.g. FROM process "+
			"WHERE ...")
	}
	var rows []map[string]any
	for _, t := range types {
		recs, err := r.st.Data.Events(gql.Tenant(ctx), t)
		if err != nil {
			return nil, gql.BadInput(ctx, "in.query: %v", err)
		}
		rows = append(rows, q.Run(recs)...)
	}
	return rows, nil
}

func (r *Resolver) auxEventsSearch(ctx context.Context, in AuxiliaryEventsSearchInput) (
	*AuxiliaryEventsSearchResponse, error) {
	rows, err := r.auxEvents(ctx, in)
	if err != nil {
		return nil, err
	}
	n := deref(in.Limit)
	if n <= 0 {
		n = 100
	}
	from, to := window(len(rows), deref(in.Offset), n)
	out := &AuxiliaryEventsSearchResponse{TotalHits: ptr(len(rows)),
		SearchID: ptr(state.NewID()), Events: []*AuxiliaryEvent{}}
	for _, ev := range rows[from:to] {
		a := &AuxiliaryEvent{ID: str(ev, "id")}
		if deref(in.WithEventData) {
			a.EventData = ev
		}
		out.Events = append(out.Events, a)
	}
	return out, nil
}

func (r *Resolver) auxEventsByID(ctx context.Context, in *GetEventByIDRequestInput) (
	*AuxiliaryEventsSearchResponse, error) {
	if in == nil {
		return nil, gql.BadInput(ctx, "in.ids or in.alertId is required")
	}
	ids := slices.Clone(in.Ids)
	if id := deref(in.AlertID); id != "" {
		rec, ok := r.st.Alert(id)
		if !ok || !gql.Principal(ctx).Claims.Grants(str(rec, "tenant_id")) {
			return nil, gql.NotFound(ctx, "alert", id)
		}
		evs, _ := rec["event_ids"].([]any)
		for _, e := range evs {
			if m, ok := e.(map[string]any); ok {
				ids = append(ids, str(m, "id"))
			}
		}
	}
	out := &AuxiliaryEventsSearchResponse{Events: []*AuxiliaryEvent{}}
	for _, id := range ids {
		ev, ok := r.st.Data.Event(id)
		if !ok || !gql.Principal(ctx).Claims.Grants(str(ev, "tenant_id")) {
			continue
		}
		out.Events = append(out.Events, &AuxiliaryEvent{ID: id, EventData: ev})
	}
	out.TotalHits = ptr(len(out.Events))
	return out, nil
}

func (r *Resolver) alertIDsFromEvents(ctx context.Context, in AuxiliaryEventsSearchInput) (
	[]string, error) {
	rows, err := r.auxEvents(ctx, in)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, ev := range rows {
		want[str(ev, "id")] = true
	}
	out := []string{}
	for _, a := range r.st.Alerts(gql.Tenant(ctx)) {
		evs, _ := a["event_ids"].([]any)
		for _, e := range evs {
			if m, ok := e.(map[string]any); ok && want[str(m, "id")] {
				out = append(out, str(a, "id"))
				break
			}
		}
	}
	return out, nil
}

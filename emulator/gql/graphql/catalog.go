package graphql

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"gotaegis/emulator/cql"
	"gotaegis/emulator/gql"
	"gotaegis/emulator/state"
	"gotaegis/emulator/store"
)

// The store kinds of query history, rule state, share links and created clients.
const (
	kindQuery     = "ql-query"
	kindRuleState = "rule-state"
	kindShareLink = "sharelink"
	kindClient    = "client"
)

// ruleState is a rule's enabled flag as a client last set it.
type ruleState struct {
	Enabled   bool      `json:"enabled"`
	UpdatedAt time.Time `json:"updatedAt"`
	UpdatedBy string    `json:"updatedBy"`
}

// rulesOf returns the tenant's rules (the generator's, shared ones without a tenant included)
// with the enabled state clients have set.
func (r *Resolver) rulesOf(ctx context.Context) ([]*Rule, error) {
	tenant := gql.Tenant(ctx)
	docs, err := r.st.Store.List(ctx, kindRuleState, tenant)
	if err != nil {
		return nil, err
	}
	states := map[string]ruleState{}
	for _, d := range docs {
		var s ruleState
		if json.Unmarshal(d.Data, &s) == nil {
			states[d.ID] = s
		}
	}
	var out []*Rule
	for _, rec := range r.st.Data.Rules {
		if t := str(rec, "tenantId"); t != "" && t != tenant {
			continue
		}
		rule, err := state.As[Rule](rec)
		if err != nil {
			return nil, err
		}
		if s, ok := states[rule.ID]; ok {
			rule.Enabled = ptr(s.Enabled)
			rule.UpdatedAt = ptr(s.UpdatedAt)
			rule.UpdatedBy = ptr(s.UpdatedBy)
		}
		out = append(out, rule)
	}
	return out, nil
}

func (r *Resolver) listRules(ctx context.Context, keep func(*Rule) bool, page, perPage *int) (
	[]*Rule, error) {
	all, err := r.rulesOf(ctx)
	if err != nil {
		return nil, err
	}
	var rows []*Rule
	for _, x := range all {
		if keep(x) {
			rows = append(rows, x)
		}
	}
	from, to := pageBounds(len(rows), page, perPage, 100)
	return append([]*Rule{}, rows[from:to]...), nil
}

func live(x *Rule) bool { return x.DeletedAt == nil }

func (r *Resolver) rule(ctx context.Context, id string) (*Rule, error) {
	all, err := r.rulesOf(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range all {
		if x.ID == id {
			return x, nil
		}
	}
	return nil, gql.NotFound(ctx, "rule", id)
}

func (r *Resolver) setRule(ctx context.Context, id string, enabled bool) (*Rule, error) {
	x, err := r.rule(ctx, id)
	if err != nil {
		return nil, err
	}
	if x.DeletedAt != nil {
		return nil, gql.BadInput(ctx, "rule %s was deleted at %s and cannot be changed", id,
			x.DeletedAt.Format(time.RFC3339))
	}
	s := ruleState{Enabled: enabled, UpdatedAt: r.st.Now().UTC(), UpdatedBy: r.subjectID(ctx)}
	if err := r.st.Save(ctx, kindRuleState, gql.Tenant(ctx), id, s); err != nil {
		return nil, err
	}
	x.Enabled, x.UpdatedAt, x.UpdatedBy = ptr(enabled), ptr(s.UpdatedAt), ptr(s.UpdatedBy)
	return x, nil
}

func (r *Resolver) searchRules(ctx context.Context, in SearchRulesInput) (*RuleSearchResults,
	error) {
	all, err := r.rulesOf(ctx)
	if err != nil {
		return nil, err
	}
	matches := r.ruleText(in.Text)
	var rows []*Rule
	for _, x := range all {
		switch {
		case !live(x):
		case !matches(x):
		case len(in.RuleTypes) > 0 && (x.RuleType == nil ||
			!slices.Contains(in.RuleTypes, *x.RuleType)):
		case len(in.EventTypes) > 0 && (x.EventType == nil ||
			!slices.Contains(in.EventTypes, *x.EventType)):
		case in.Enabled != nil && deref(x.Enabled) != *in.Enabled:
		default:
			rows = append(rows, x)
		}
	}
	from, to := pageBounds(len(rows), in.Page, in.PerPage, 100)
	return &RuleSearchResults{TotalCount: ptr(len(rows)),
		Rules: append([]*Rule{}, rows[from:to]...)}, nil
}

// ruleText returns what a rule search's text selects. Text that parses as a CQL filter (name
// CONTAINS 'lsass' AND enabled = true) is answered by the CQL engine over the rule's fields, by
// their GraphQL names; any other text, a word or a phrase, is looked for case-insensitively in
// the name, description and query.
func (r *Resolver) ruleText(text *string) func(*Rule) bool {
	if text == nil {
		return func(*Rule) bool { return true }
	}
	q, err := cql.Parse(*text, cql.Options{Now: r.st.Now()})
	if err == nil && q.Where() != nil {
		return func(x *Rule) bool {
			b, _ := json.Marshal(x)
			var rec map[string]any
			_ = json.Unmarshal(b, &rec)
			return q.Match(rec)
		}
	}
	return func(x *Rule) bool {
		return containsFold(deref(x.Name)+" "+deref(x.Description)+" "+deref(x.EventQl), *text)
	}
}

// filterKeys lists the fields the tenant's events of one type carry, from a sample event.
func (r *Resolver) filterKeys(ctx context.Context, t RuleEventType) ([]*FilterKey, error) {
	keys := map[string]bool{}
	for _, tenant := range gql.Principal(ctx).Claims.TenantIDs {
		err := r.st.Data.ScanEvents(tenant, string(t), func(rec map[string]any) bool {
			for k := range rec {
				keys[k] = true
			}
			return false
		})
		if err != nil {
			return nil, gql.BadInput(ctx, "eventType %s: %v", t, err)
		}
		if len(keys) > 0 {
			break
		}
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	out := []*FilterKey{}
	for _, k := range names {
		out = append(out, &FilterKey{Key: ptr(k), EventType: ptr(t),
			Description: ptr("The " + strings.ReplaceAll(k, "_", " ") + " of a " + string(t) +
				" event.")})
	}
	return out, nil
}

func (r *Resolver) changesSince(ctx context.Context, since time.Time, et *RuleEventType,
	rt *RuleType) ([]*Rule, error) {
	return r.listRules(ctx, func(x *Rule) bool {
		changed := x.UpdatedAt != nil && x.UpdatedAt.After(since) ||
			x.CreatedAt != nil && x.CreatedAt.After(since) ||
			x.DeletedAt != nil && x.DeletedAt.After(since)
		return changed && (et == nil || deref(x.EventType) == *et) &&
			(rt == nil || deref(x.RuleType) == *rt)
	}, nil, ptr(1<<30))
}

func (r *Resolver) addQuery(ctx context.Context, in AddQLQueryToHistoryInput) (*QLQuery, error) {
	if strings.TrimSpace(in.RawQuery) == "" {
		return nil, gql.BadInput(ctx, "input.rawQuery is empty: send the query text")
	}
	tenant := gql.Tenant(ctx)
	now := nowString(r.st.Now())
	tenants := in.TenantIds
	if len(tenants) == 0 {
		tenants = []string{tenant}
	}
	q := &QLQuery{Rn: "rn:query:" + tenant + ":" + state.NewID(), RawQuery: ptr(in.RawQuery),
		CallerName: in.CallerName, IsSaved: ptr(false), Metadata: in.Metadata,
		TenantIds: tenants, CreatedAt: ptr(now), UpdatedAt: ptr(now),
		User: &Subject{ID: r.subjectID(ctx)}}
	if err := r.st.Save(ctx, kindQuery, tenant, q.Rn, q); err != nil {
		return nil, err
	}
	return q, nil
}

func (r *Resolver) queriesByRN(ctx context.Context, in QLQueriesInput) (*QLQueriesResults,
	error) {
	out := &QLQueriesResults{Queries: []*QLQuery{}}
	for _, rn := range in.Rns {
		var q QLQuery
		err := r.st.Load(ctx, kindQuery, gql.Tenant(ctx), rn, &q)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out.Queries = append(out.Queries, &q)
	}
	return out, nil
}

func (r *Resolver) listQueries(ctx context.Context, in *ListQLQueriesInput) (
	*ListQLQueriesResults, error) {
	if in == nil {
		in = &ListQLQueriesInput{}
	}
	all, err := state.LoadAll[QLQuery](ctx, r.st, kindQuery, gql.Tenant(ctx))
	if err != nil {
		return nil, err
	}
	slices.Reverse(all) // newest first
	var rows []*QLQuery
	for _, q := range all {
		if f := in.Filters; f != nil {
			switch {
			case f.Text != nil && !containsFold(deref(q.RawQuery), *f.Text):
				continue
			case f.CallerName != nil && deref(q.CallerName) != *f.CallerName:
				continue
			case f.IsSaved != nil && deref(q.IsSaved) != *f.IsSaved:
				continue
			case f.CreatedAfter != nil && deref(q.CreatedAt) <= *f.CreatedAfter:
				continue
			case f.CreatedBefore != nil && deref(q.CreatedAt) >= *f.CreatedBefore:
				continue
			}
		}
		rows = append(rows, q)
	}
	from, to := 0, len(rows)
	if c := deref(in.After); c != "" {
		n, ok := position(c)
		if !ok {
			return nil, gql.BadInput(ctx, "input.after %q was not issued by this server", c)
		}
		from = min(n+1, len(rows))
	}
	if c := deref(in.Before); c != "" {
		if n, ok := position(c); ok {
			to = max(from, min(n, len(rows)))
		}
	}
	if in.First != nil {
		to = min(to, from+max(0, *in.First))
	} else if in.Last == nil {
		to = min(to, from+50)
	}
	if in.Last != nil {
		from = max(from, to-max(0, *in.Last))
	}
	pi := &QLQueryPageInfo{HasNextPage: ptr(to < len(rows)), HasPreviousPage: ptr(from > 0)}
	if to > from {
		pi.StartCursor, pi.EndCursor = ptr(cursor(from)), ptr(cursor(to-1))
	}
	return &ListQLQueriesResults{TotalCount: ptr(len(rows)),
		Queries: append([]*QLQuery{}, rows[from:to]...), PageInfo: pi}, nil
}

var shareLinkTypes = []string{"queryId", "investigationId", "alertId", "alertV2Id", "eventId",
	"rules"}

func (r *Resolver) createShareLink(ctx context.Context, in ShareLinkCreateInput) (*ShareLink,
	error) {
	if !slices.Contains(shareLinkTypes, in.LinkType) {
		return nil, gql.BadInput(ctx, "input.linkType %q: use one of %s", in.LinkType,
			strings.Join(shareLinkTypes, ", "))
	}
	if !gql.Principal(ctx).Claims.Grants(in.TenantID) {
		return nil, gql.BadInput(ctx, "input.tenantId %q is not granted to this token",
			in.TenantID)
	}
	now := r.st.Now()
	l := &ShareLink{ID: state.NewID(), TenantID: ptr(in.TenantID), LinkType: ptr(in.LinkType),
		LinkRef: ptr(in.LinkRef), LinkTarget: in.LinkTarget, EventType: in.EventType,
		CreatedBy: ptr(r.subjectID(ctx)), CreatedAt: ptr(nowString(now)),
		ExpiresAt: ptr(nowString(now.Add(30 * 24 * time.Hour)))}
	for _, p := range in.ExtraParameters {
		l.ExtraParameters = append(l.ExtraParameters, &ShareLinkParameter{Key: ptr(p.Key),
			Value: p.Value})
	}
	if err := r.st.Save(ctx, kindShareLink, "", l.ID, l); err != nil {
		return nil, err
	}
	return l, nil
}

func (r *Resolver) shareLink(ctx context.Context, id string) (*ShareLink, error) {
	var l ShareLink
	err := r.st.Load(ctx, kindShareLink, "", id, &l)
	if errors.Is(err, store.ErrNotFound) ||
		(err == nil && !gql.Principal(ctx).Claims.Grants(deref(l.TenantID))) {
		return nil, gql.NotFound(ctx, "share link", id)
	}
	if err != nil {
		return nil, err
	}
	return &l, nil
}

func (r *Resolver) publications(text string, from, size *int) (*ThreatPublications, error) {
	var rows []map[string]any
	for _, p := range r.st.Data.Publications {
		b, _ := json.Marshal(p)
		if text == "" || containsFold(string(b), text) {
			rows = append(rows, p)
		}
	}
	n := deref(size)
	if n <= 0 {
		n = 20
	}
	lo, hi := window(len(rows), deref(from), n)
	var list []*ThreatPublication
	if err := state.Decode(rows[lo:hi], &list); err != nil {
		return nil, err
	}
	if list == nil {
		list = []*ThreatPublication{}
	}
	return &ThreatPublications{TotalResults: ptr(len(rows)), Publications: list}, nil
}

func (r *Resolver) publication(ctx context.Context, id string) (*ThreatPublication, error) {
	for _, p := range r.st.Data.Publications {
		if str(p, "id") == id {
			return state.As[ThreatPublication](p)
		}
	}
	return nil, gql.NotFound(ctx, "threat publication", id)
}

func (r *Resolver) detectors(f *DetectorFilter) ([]*RegisteredDetector, error) {
	var all []*RegisteredDetector
	if err := state.Decode(r.st.Data.Detectors, &all); err != nil {
		return nil, err
	}
	out := []*RegisteredDetector{}
	for _, d := range all {
		switch {
		case f == nil:
		case f.Enabled != nil && deref(d.Enabled) != *f.Enabled:
			continue
		case f.Category != nil && !strings.EqualFold(deref(d.Category), *f.Category):
			continue
		case len(f.SensorTypes) > 0 && !slices.ContainsFunc(d.SensorTypes, func(s string) bool {
			return slices.Contains(f.SensorTypes, s)
		}):
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

func (r *Resolver) detector(ctx context.Context, id string) (*RegisteredDetector, error) {
	all, err := r.detectors(nil)
	if err != nil {
		return nil, err
	}
	for _, d := range all {
		if d.ID == id {
			return d, nil
		}
	}
	return nil, gql.NotFound(ctx, "detector", id)
}

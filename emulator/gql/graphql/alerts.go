package graphql

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"gotaegis/emulator/cql"
	"gotaegis/emulator/gql"
	"gotaegis/emulator/state"
)

// alertPartSize is how many alerts one part of a search holds, as in Taegis.
const alertPartSize = 1000

// defaultAlertLimit caps a search that gives no limit.
const defaultAlertLimit = 10000

// alertAliases are the short field names hunters write in alert CQL and the record paths
// they stand for.
var alertAliases = map[string]string{
	"severity":     "metadata.severity",
	"confidence":   "metadata.confidence",
	"title":        "metadata.title",
	"description":  "metadata.description",
	"detector":     "metadata.creator.detector.detector_id",
	"detector_id":  "metadata.creator.detector.detector_id",
	"created_at":   "metadata.created_at",
	"entity":       "entities.entities",
	"entities":     "entities.entities",
	"tenant":       "tenant_id",
	"resolution":   "status",
	"technique_id": "attack_technique_ids",
}

// alertSearch is the server side of a search: its parts, kept for alertsServicePoll.
type alertSearch struct {
	tenant string
	total  int
	parts  [][]map[string]any
	groups []*AggregationResponse
}

func (r *Resolver) alertModel(rec map[string]any) (*Alert2, error) {
	id, _ := rec["id"].(string)
	if v, ok := r.decoded.Load(id); ok && id != "" {
		return v.(*Alert2), nil
	}
	a, err := state.As[Alert2](rec)
	if err != nil {
		return nil, err
	}
	if id != "" {
		r.decoded.Store(id, a)
	}
	return a, nil
}

// alertList decodes records and overlays the resolutions clients have set.
func (r *Resolver) alertList(ctx context.Context, recs []map[string]any) ([]*Alert2, error) {
	res, err := r.resolutions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Alert2, 0, len(recs))
	for _, rec := range recs {
		a, err := r.alertModel(rec)
		if err != nil {
			return nil, err
		}
		if x, ok := res[a.ID]; ok {
			c := *a
			c.Status = ptr(ResolutionStatus(x.Status))
			c.ResolutionReason = ptr(x.Reason)
			a = &c
		}
		out = append(out, a)
	}
	return out, nil
}

// withAliases returns records with the short alias keys added, when the query uses any.
func withAliases(q *cql.Query, recs []map[string]any) []map[string]any {
	var used []string
	for _, f := range q.Fields() {
		if _, ok := alertAliases[f]; ok {
			used = append(used, f)
		}
	}
	if len(used) == 0 {
		return recs
	}
	out := make([]map[string]any, len(recs))
	for i, rec := range recs {
		v := make(map[string]any, len(rec)+len(used))
		for k, x := range rec {
			v[k] = x
		}
		for _, f := range used {
			if _, own := rec[f]; !own {
				v[f] = lookupPath(rec, alertAliases[f])
			}
		}
		out[i] = v
	}
	return out
}

func lookupPath(rec map[string]any, path string) any {
	var cur any = rec
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func (r *Resolver) parseCQL(ctx context.Context, field, src string) (*cql.Query, error) {
	q, err := cql.Parse(src, cql.Options{Now: r.st.Now()})
	if err != nil {
		return nil, gql.BadInput(ctx, "%s: %v", field, err)
	}
	return q, nil
}

func (r *Resolver) alertsSearch(ctx context.Context, in *SearchRequestInput) (*AlertsResponse,
	error) {
	if in == nil {
		in = &SearchRequestInput{}
	}
	if id := deref(in.SearchID); id != "" {
		return r.alertsPoll(ctx, &PollRequestInput{SearchID: &id, PartID: ptr(1)})
	}
	q, err := r.parseCQL(ctx, "cql_query", deref(in.CqlQuery))
	if err != nil {
		return nil, err
	}
	tenant := gql.Tenant(ctx)
	rows := q.Run(withAliases(q, r.st.Alerts(tenant)))

	s := &alertSearch{tenant: tenant}
	if q.Aggregated() {
		s.groups = aggregationGroups(rows)
		s.total = len(rows)
	} else {
		limit := deref(in.Limit)
		if limit <= 0 {
			limit = defaultAlertLimit
		}
		from, to := window(len(rows), deref(in.Offset), limit)
		rows = rows[from:to]
		s.total = len(rows)
		for len(rows) > 0 {
			n := min(alertPartSize, len(rows))
			s.parts = append(s.parts, rows[:n])
			rows = rows[n:]
		}
	}
	id := r.st.Put("", s)
	return r.alertPart(ctx, id, s, 1)
}

func aggregationGroups(rows []map[string]any) []*AggregationResponse {
	out := make([]*AggregationResponse, 0, len(rows))
	for _, row := range rows {
		keys := make([]string, 0, len(row))
		for k := range row {
			if k != "count" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var ks []*AggregationKeys
		var label []string
		for _, k := range keys {
			v := fmt.Sprint(row[k])
			ks = append(ks, &AggregationKeys{Key: ptr(k), Value: ptr(v)})
			label = append(label, v)
		}
		n, _ := row["count"].(int64)
		out = append(out, &AggregationResponse{Key: ptr(strings.Join(label, ",")),
			Value: ptr(float64(n)), Keys: ks})
	}
	return out
}

func (r *Resolver) alertPart(ctx context.Context, id string, s *alertSearch,
	part int) (*AlertsResponse, error) {
	totalParts := max(len(s.parts), 1)
	if part < 1 || part > totalParts {
		return nil, gql.NotFound(ctx, "alert search part",
			fmt.Sprintf("%s/%d (the search has %d parts)", id, part, totalParts))
	}
	var list []*Alert2
	if len(s.parts) > 0 {
		var err error
		if list, err = r.alertList(ctx, s.parts[part-1]); err != nil {
			return nil, err
		}
	}
	first := (part - 1) * alertPartSize
	next := first + len(list)
	return &AlertsResponse{
		SearchID: ptr(id),
		QueryID:  ptr(id),
		Status:   ptr(RPCResponseStatusOk),
		Alerts: &AlertsList{
			TotalResults:   ptr(s.total),
			TotalParts:     ptr(totalParts),
			Part:           ptr(part),
			FirstOffset:    ptr(0),
			PreviousOffset: ptr(max(0, first-alertPartSize)),
			NextOffset:     ptr(next),
			LastOffset:     ptr(max(0, s.total-1)),
			List:           list,
			GroupBy:        s.groups,
		},
	}, nil
}

func (r *Resolver) alertsPoll(ctx context.Context, in *PollRequestInput) (*AlertsResponse, error) {
	if in == nil || deref(in.SearchID) == "" {
		return nil, gql.BadInput(ctx, "in.search_id is required: pass the search_id that "+
			"alertsServiceSearch returned")
	}
	id := *in.SearchID
	v, ok := r.st.Get(id)
	s, _ := v.(*alertSearch)
	if !ok || s == nil || s.tenant != gql.Tenant(ctx) {
		return nil, gql.NotFound(ctx, "alert search", id)
	}
	part := deref(in.PartID)
	if part == 0 {
		part = 2
	}
	return r.alertPart(ctx, id, s, part)
}

// alertsWhere returns the tenant's alerts that keep passes, as a one-part response.
func (r *Resolver) alertsWhere(ctx context.Context, keep func(map[string]any) bool) (
	*AlertsResponse, error) {
	var rows []map[string]any
	for _, rec := range r.st.Alerts(gql.Tenant(ctx)) {
		if keep(rec) {
			rows = append(rows, rec)
		}
	}
	list, err := r.alertList(ctx, rows)
	if err != nil {
		return nil, err
	}
	return &AlertsResponse{Status: ptr(RPCResponseStatusOk), Alerts: &AlertsList{
		TotalResults: ptr(len(list)), TotalParts: ptr(1), Part: ptr(1), List: list}}, nil
}

func (r *Resolver) alertsByID(ctx context.Context, in *GetByIDRequestInput) (*AlertsResponse,
	error) {
	p := gql.Principal(ctx)
	var rows []map[string]any
	for _, id := range idsOf(in) {
		rec, ok := r.st.Alert(id)
		if ok && p.Claims.Grants(str(rec, "tenant_id")) {
			rows = append(rows, rec)
		}
	}
	list, err := r.alertList(ctx, rows)
	if err != nil {
		return nil, err
	}
	return &AlertsResponse{Status: ptr(RPCResponseStatusOk), Alerts: &AlertsList{
		TotalResults: ptr(len(list)), TotalParts: ptr(1), Part: ptr(1), List: list}}, nil
}

func idsOf(in *GetByIDRequestInput) []string {
	if in == nil {
		return nil
	}
	return in.IDs
}

// entityNames returns the names an alert's entities carry, without their "kind:" prefix.
func entityNames(rec map[string]any) []string {
	ents, _ := lookupPath(rec, "entities.entities").([]any)
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		s, _ := e.(string)
		if _, name, ok := strings.Cut(s, ":"); ok {
			out = append(out, name)
		}
		out = append(out, s)
	}
	return out
}

func (r *Resolver) alertsByHost(ctx context.Context, in *GetByIDRequestInput) (*AlertsResponse,
	error) {
	names := map[string]bool{}
	for _, id := range idsOf(in) {
		names[strings.ToLower(id)] = true
		if a, ok := r.st.Data.Asset(id); ok {
			hs, _ := a["hostnames"].([]any)
			for _, h := range hs {
				if m, ok := h.(map[string]any); ok {
					names[strings.ToLower(str(m, "hostname"))] = true
				}
			}
		}
	}
	return r.alertsWhere(ctx, func(rec map[string]any) bool {
		for _, n := range entityNames(rec) {
			if names[strings.ToLower(n)] {
				return true
			}
		}
		return false
	})
}

func (r *Resolver) alertsByEntity(ctx context.Context, in *GetByIDRequestInput) (
	*AlertsResponse, error) {
	want := map[string]bool{}
	for _, id := range idsOf(in) {
		want[strings.ToLower(id)] = true
	}
	return r.alertsWhere(ctx, func(rec map[string]any) bool {
		for _, n := range entityNames(rec) {
			if want[strings.ToLower(n)] {
				return true
			}
		}
		return false
	})
}

// severityBand names a severity as the Taegis UI does.
func severityBand(sev float64) string {
	switch {
	case sev >= 0.8:
		return "CRITICAL"
	case sev >= 0.6:
		return "HIGH"
	case sev >= 0.4:
		return "MEDIUM"
	case sev >= 0.2:
		return "LOW"
	}
	return "INFO"
}

package graphql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"gotaegis/emulator/gql"
	"gotaegis/emulator/state"
	"gotaegis/emulator/store"
)

// The store kinds of investigations and their comments.
const (
	kindInvestigation = "investigation"
	kindComment       = "comment"
)

func (r *Resolver) subjectID(ctx context.Context) string {
	return gql.Principal(ctx).Claims.Subject
}

// loadInvestigation reads one of the request tenant's investigations.
func (r *Resolver) loadInvestigation(ctx context.Context, id string) (*InvestigationV2, error) {
	var inv InvestigationV2
	err := r.st.Load(ctx, kindInvestigation, gql.Tenant(ctx), id, &inv)
	if errors.Is(err, store.ErrNotFound) {
		return nil, gql.NotFound(ctx, "investigation", id)
	}
	if err != nil {
		return nil, err
	}
	return &inv, nil
}

// saveInvestigation recounts the evidence, stamps the update and stores inv.
func (r *Resolver) saveInvestigation(ctx context.Context, inv *InvestigationV2) error {
	now := nowString(r.st.Now())
	inv.UpdatedAt = ptr(now)
	inv.UpdatedByID = ptr(r.subjectID(ctx))
	inv.UpdatedBySubject = &Subject{ID: r.subjectID(ctx)}
	inv.AlertsEvidenceCount = ptr(len(inv.AlertsEvidence))
	inv.EventsEvidenceCount = ptr(len(inv.EventsEvidence))
	inv.AssetsEvidenceCount = ptr(len(inv.AssetsEvidence))
	inv.SearchQueriesEvidenceCount = ptr(len(inv.SearchQueriesEvidence))
	inv.Alerts, inv.Events, inv.SearchQueries = nil, nil, nil
	for _, e := range inv.AlertsEvidence {
		inv.Alerts = append(inv.Alerts, deref(e.AlertID))
	}
	for _, e := range inv.EventsEvidence {
		inv.Events = append(inv.Events, deref(e.EventID))
	}
	for _, e := range inv.SearchQueriesEvidence {
		inv.SearchQueries = append(inv.SearchQueries, deref(e.SearchQueryID))
	}
	done := InvestigationProcessingStateSuccess
	inv.ProcessingStatus = &InvestigationProcessingStatus{Alerts: &done, Events: &done,
		Assets: &done}
	return r.st.Save(ctx, kindInvestigation, deref(inv.TenantID), inv.ID, inv)
}

func (r *Resolver) createInvestigation(ctx context.Context, in CreateInvestigationInput) (
	*InvestigationV2, error) {
	if in.Title == "" {
		return nil, gql.BadInput(ctx, "input.title is required")
	}
	tenant := gql.Tenant(ctx)
	n, err := r.st.Store.Next(ctx, "investigation-short-id/"+tenant)
	if err != nil {
		return nil, err
	}
	now := nowString(r.st.Now())
	typ := InvestigationTypeSecurityInvestigation
	if in.Type != nil {
		typ = *in.Type
	}
	status := InvestigationStatusOpen
	if in.Status != nil {
		status = *in.Status
	}
	priority := 2
	if in.Priority != nil {
		if *in.Priority < 1 || *in.Priority > 4 {
			return nil, gql.BadInput(ctx, "input.priority %d: use 1 (lowest) to 4 (highest)",
				*in.Priority)
		}
		priority = *in.Priority
	}
	sub := r.subjectID(ctx)
	inv := &InvestigationV2{
		ID: state.NewID(), ShortID: ptr(fmt.Sprintf("INV-%05d", n)), Title: ptr(in.Title),
		KeyFindings: in.KeyFindings, Priority: ptr(priority), Tags: in.Tags,
		AssigneeID: in.AssigneeID, TenantID: ptr(tenant), CreatedByID: ptr(sub),
		CreatedAt: ptr(now), RiskScore: in.RiskScore, ServiceDeskID: in.ServiceDeskID,
		ServiceDeskType: in.ServiceDeskType, RuleID: in.RuleID, Type: &typ, Status: &status,
		IsCreatedByPartner: ptr(false), Tenant: &TenantV4{ID: tenant},
		CreatedBySubject: &Subject{ID: sub}, ContributorIds: []string{sub},
		CommentsCount: &InvestigationCommentsCount{Total: ptr(0), Unread: ptr(0)},
	}
	if in.AssigneeID != nil {
		inv.AssigneeSubject = &Subject{ID: *in.AssigneeID}
	}
	ev := AddEvidenceToInvestigationInput{InvestigationID: inv.ID, Alerts: in.Alerts,
		AlertsSearchQuery: in.AlertsSearchQuery, Events: in.Events,
		SearchQueries: in.SearchQueries}
	if err := r.attach(ctx, inv, ev, true); err != nil {
		return nil, err
	}
	if err := r.saveInvestigation(ctx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// attach adds evidence to inv, skipping what it already holds. Alerts and events must exist
// in a tenant the token grants; an alerts search query adds every alert it matches.
func (r *Resolver) attach(ctx context.Context, inv *InvestigationV2,
	in AddEvidenceToInvestigationInput, genesis bool) error {
	p := gql.Principal(ctx)
	now := nowString(r.st.Now())
	sub := r.subjectID(ctx)
	alerts := slices.Clone(in.Alerts)
	if q := deref(in.AlertsSearchQuery); q != "" {
		cq, err := r.parseCQL(ctx, "alertsSearchQuery", q)
		if err != nil {
			return err
		}
		for _, rec := range cq.Run(withAliases(cq, r.st.Alerts(gql.Tenant(ctx)))) {
			alerts = append(alerts, str(rec, "id"))
		}
	}
	for _, id := range alerts {
		rec, ok := r.st.Alert(id)
		if !ok || !p.Claims.Grants(str(rec, "tenant_id")) {
			return gql.NotFound(ctx, "alert", id)
		}
		if slices.ContainsFunc(inv.AlertsEvidence, func(e *AlertEvidence) bool {
			return deref(e.AlertID) == id
		}) {
			continue
		}
		inv.AlertsEvidence = append(inv.AlertsEvidence, &AlertEvidence{ID: state.NewID(),
			InvestigationID: ptr(inv.ID), TenantID: inv.TenantID, CreatedAt: ptr(now),
			CreatedBy: ptr(sub), AlertID: ptr(id), IsGenesis: ptr(genesis)})
	}
	for _, id := range in.Events {
		rec, ok := r.st.Data.Event(id)
		if !ok || !p.Claims.Grants(str(rec, "tenant_id")) {
			return gql.NotFound(ctx, "event", id)
		}
		if slices.ContainsFunc(inv.EventsEvidence, func(e *EventEvidence) bool {
			return deref(e.EventID) == id
		}) {
			continue
		}
		inv.EventsEvidence = append(inv.EventsEvidence, &EventEvidence{ID: state.NewID(),
			InvestigationID: ptr(inv.ID), TenantID: inv.TenantID, CreatedAt: ptr(now),
			CreatedBy: ptr(sub), EventID: ptr(id), IsGenesis: ptr(genesis)})
	}
	for _, q := range in.SearchQueries {
		if slices.ContainsFunc(inv.SearchQueriesEvidence, func(e *SearchQueryEvidence) bool {
			return deref(e.SearchQueryID) == q
		}) {
			continue
		}
		text := q
		var h QLQuery
		if err := r.st.Load(ctx, kindQuery, gql.Tenant(ctx), q, &h); err == nil {
			text = deref(h.RawQuery)
		}
		inv.SearchQueriesEvidence = append(inv.SearchQueriesEvidence, &SearchQueryEvidence{
			ID: state.NewID(), InvestigationID: ptr(inv.ID), TenantID: inv.TenantID,
			CreatedAt: ptr(now), CreatedBy: ptr(sub), SearchQueryID: ptr(q),
			SearchQuery: ptr(text), IsGenesis: ptr(genesis)})
	}
	return nil
}

func (r *Resolver) addEvidence(ctx context.Context, in AddEvidenceToInvestigationInput) (
	*AddEvidenceToInvestigationResult, error) {
	r.invMu.Lock()
	defer r.invMu.Unlock()
	inv, err := r.loadInvestigation(ctx, in.InvestigationID)
	if err != nil {
		return nil, err
	}
	if err := r.attach(ctx, inv, in, false); err != nil {
		return nil, err
	}
	if err := r.saveInvestigation(ctx, inv); err != nil {
		return nil, err
	}
	return &AddEvidenceToInvestigationResult{InvestigationID: ptr(inv.ID), Alerts: in.Alerts,
		AlertsSearchQuery: in.AlertsSearchQuery, Events: in.Events,
		SearchQueries: in.SearchQueries}, nil
}

func (r *Resolver) removeEvidence(ctx context.Context, in RemoveEvidenceFromInvestigationInput) (
	*RemoveEvidenceFromInvestigationResult, error) {
	r.invMu.Lock()
	defer r.invMu.Unlock()
	inv, err := r.loadInvestigation(ctx, in.InvestigationID)
	if err != nil {
		return nil, err
	}
	inv.AlertsEvidence = slices.DeleteFunc(inv.AlertsEvidence, func(e *AlertEvidence) bool {
		return slices.Contains(in.Alerts, deref(e.AlertID))
	})
	inv.EventsEvidence = slices.DeleteFunc(inv.EventsEvidence, func(e *EventEvidence) bool {
		return slices.Contains(in.Events, deref(e.EventID))
	})
	inv.AssetsEvidence = slices.DeleteFunc(inv.AssetsEvidence, func(e *AssetEvidence) bool {
		return slices.Contains(in.Assets, deref(e.AssetID))
	})
	inv.SearchQueriesEvidence = slices.DeleteFunc(inv.SearchQueriesEvidence,
		func(e *SearchQueryEvidence) bool {
			return slices.Contains(in.SearchQueries, deref(e.SearchQueryID))
		})
	if err := r.saveInvestigation(ctx, inv); err != nil {
		return nil, err
	}
	return &RemoveEvidenceFromInvestigationResult{InvestigationID: ptr(inv.ID),
		Alerts: in.Alerts, Events: in.Events, Assets: in.Assets,
		SearchQueries: in.SearchQueries}, nil
}

func (r *Resolver) updateInvestigation(ctx context.Context, in UpdateInvestigationV2Input) (
	*InvestigationV2, error) {
	r.invMu.Lock()
	defer r.invMu.Unlock()
	inv, err := r.loadInvestigation(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if in.Priority != nil {
		if *in.Priority < 1 || *in.Priority > 4 {
			return nil, gql.BadInput(ctx, "input.priority %d: use 1 (lowest) to 4 (highest)",
				*in.Priority)
		}
		inv.Priority = in.Priority
	}
	if in.Title != nil {
		inv.Title = in.Title
	}
	if in.Tags != nil {
		inv.Tags = in.Tags
	}
	if in.KeyFindings != nil {
		inv.KeyFindings = in.KeyFindings
	}
	if in.AssigneeID != nil {
		inv.AssigneeID = in.AssigneeID
		inv.AssigneeSubject = &Subject{ID: *in.AssigneeID}
	}
	if in.RiskScore != nil {
		inv.RiskScore = in.RiskScore
	}
	if in.ServiceDeskID != nil {
		inv.ServiceDeskID = in.ServiceDeskID
	}
	if in.ServiceDeskType != nil {
		inv.ServiceDeskType = in.ServiceDeskType
	}
	if in.Type != nil {
		inv.Type = in.Type
	}
	if in.Status != nil {
		inv.Status = in.Status
	}
	if err := r.saveInvestigation(ctx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

func (r *Resolver) closeInvestigation(ctx context.Context, in CloseInvestigationInput) (
	*InvestigationV2, error) {
	r.invMu.Lock()
	defer r.invMu.Unlock()
	inv, err := r.loadInvestigation(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if len(inv.AlertsEvidence) > 0 && in.AlertsResolutionStatus == nil {
		return nil, gql.BadInput(ctx, "investigation %s has %d alerts: set "+
			"input.alertsResolutionStatus to resolve them", in.ID, len(inv.AlertsEvidence))
	}
	if in.AlertsResolutionStatus != nil {
		var ids []string
		for _, e := range inv.AlertsEvidence {
			ids = append(ids, deref(e.AlertID))
		}
		rs := ResolutionStatus(*in.AlertsResolutionStatus)
		if _, err := r.updateResolution(ctx, &UpdateResolutionRequestInput{AlertIds: ids,
			ResolutionStatus: &rs, Reason: in.Reason}); err != nil && len(ids) > 0 {
			return nil, err
		}
	}
	st := InvestigationStatus(in.Status)
	inv.Status = &st
	inv.CloseReason = in.Reason
	if err := r.saveInvestigation(ctx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

func (r *Resolver) archiveInvestigation(ctx context.Context, id string, archive bool) (
	*InvestigationV2, error) {
	r.invMu.Lock()
	defer r.invMu.Unlock()
	inv, err := r.loadInvestigation(ctx, id)
	if err != nil {
		return nil, err
	}
	inv.ArchivedAt = nil
	if archive {
		inv.ArchivedAt = ptr(nowString(r.st.Now()))
	}
	if err := r.saveInvestigation(ctx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// investigations lists the tenant's investigations that match a CQL filter, one page at a
// time. Archived ones are left out unless the filter names archivedAt.
func (r *Resolver) investigations(ctx context.Context, args InvestigationsV2Arguments) (
	*InvestigationsV2, error) {
	q, err := r.parseCQL(ctx, "arguments.cql", deref(args.Cql))
	if err != nil {
		return nil, err
	}
	all, err := state.LoadAll[InvestigationV2](ctx, r.st, kindInvestigation, gql.Tenant(ctx))
	if err != nil {
		return nil, err
	}
	namesArchived := slices.Contains(q.Fields(), "archivedAt")
	recs := make([]map[string]any, 0, len(all))
	byID := map[string]*InvestigationV2{}
	for _, inv := range all {
		if inv.ArchivedAt != nil && !namesArchived {
			continue
		}
		b, _ := json.Marshal(inv)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		recs = append(recs, m)
		byID[inv.ID] = inv
	}
	rows := q.Run(recs)
	from, to := pageBounds(len(rows), args.Page, args.PerPage, 10)
	out := &InvestigationsV2{TotalCount: len(rows), Investigations: []*InvestigationV2{}}
	for _, m := range rows[from:to] {
		if inv, ok := byID[str(m, "id")]; ok {
			out.Investigations = append(out.Investigations, inv)
		}
	}
	return out, nil
}

func (r *Resolver) addComment(ctx context.Context, in AddCommentToInvestigationInput) (
	*CommentV2, error) {
	r.invMu.Lock()
	defer r.invMu.Unlock()
	if in.Content == "" {
		return nil, gql.BadInput(ctx, "input.content is empty: write the comment text")
	}
	inv, err := r.loadInvestigation(ctx, in.InvestigationID)
	if err != nil {
		return nil, err
	}
	now := nowString(r.st.Now())
	sub := r.subjectID(ctx)
	c := &CommentV2{ID: state.NewID(), InvestigationID: ptr(inv.ID), Content: ptr(in.Content),
		TenantID: inv.TenantID, CreatedAt: ptr(now), UpdatedAt: ptr(now), CreatedBy: ptr(sub),
		CreatedBySubject: &Subject{ID: sub}}
	if err := r.st.Save(ctx, kindComment, gql.Tenant(ctx), c.ID, c); err != nil {
		return nil, err
	}
	if inv.CommentsCount == nil {
		inv.CommentsCount = &InvestigationCommentsCount{Unread: ptr(0)}
	}
	inv.CommentsCount.Total = ptr(deref(inv.CommentsCount.Total) + 1)
	if err := r.saveInvestigation(ctx, inv); err != nil {
		return nil, err
	}
	return c, nil
}

func (r *Resolver) comments(ctx context.Context, args CommentsV2Arguments) (*CommentsV2, error) {
	if _, err := r.loadInvestigation(ctx, args.InvestigationID); err != nil {
		return nil, err
	}
	all, err := state.LoadAll[CommentV2](ctx, r.st, kindComment, gql.Tenant(ctx))
	if err != nil {
		return nil, err
	}
	var mine []*CommentV2
	for _, c := range all {
		if deref(c.InvestigationID) == args.InvestigationID {
			mine = append(mine, c)
		}
	}
	if args.OrderDirection != nil && *args.OrderDirection == PaginationOrderDescending {
		slices.Reverse(mine)
	}
	from, to := pageBounds(len(mine), args.Page, args.PerPage, 50)
	return &CommentsV2{TotalCount: len(mine), Comments: append([]*CommentV2{},
		mine[from:to]...)}, nil
}

var investigationTypeDescriptions = map[InvestigationType]string{
	InvestigationTypeSecurityInvestigation: "An investigation of suspicious activity.",
	InvestigationTypeIncidentResponse:      "A confirmed incident being responded to.",
	InvestigationTypeThreatHunt:            "A proactive hunt for threats.",
	InvestigationTypeInformational:         "A record kept for information.",
}

func investigationTypes() []*InvestigationV2Type {
	var out []*InvestigationV2Type
	for _, t := range AllInvestigationType {
		d, ok := investigationTypeDescriptions[t]
		if !ok {
			d = "Investigations of type " + string(t) + "."
		}
		out = append(out, &InvestigationV2Type{Type: ptr(t), Description: ptr(d)})
	}
	return out
}

func investigationStatuses(args InvestigationV2StatusesArguments) []*InvestigationV2Status {
	var out []*InvestigationV2Status
	for _, s := range AllInvestigationStatus {
		if s == InvestigationStatusCustom && (args.Type == nil ||
			*args.Type != InvestigationTypeCustom) {
			continue
		}
		out = append(out, &InvestigationV2Status{Status: ptr(s),
			Description: ptr("The investigation is " + string(s) + ".")})
	}
	return out
}

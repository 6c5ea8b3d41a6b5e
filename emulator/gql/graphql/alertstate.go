package graphql

import (
	"context"
	"encoding/json"
	"sort"

	"gotaegis/emulator/gql"
)

// kindResolution is the store kind of an alert's resolution set by a client.
const kindResolution = "alert-resolution"

// resolution is what alertsServiceUpdateResolutionInfo records for one alert.
type resolution struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
	At     string `json:"at"`
}

// resolutions returns every resolution clients have set, by alert id.
func (r *Resolver) resolutions(ctx context.Context) (map[string]resolution, error) {
	docs, err := r.st.Store.List(ctx, kindResolution, "")
	if err != nil {
		return nil, err
	}
	out := make(map[string]resolution, len(docs))
	for _, d := range docs {
		var x resolution
		if json.Unmarshal(d.Data, &x) == nil {
			out[d.ID] = x
		}
	}
	return out, nil
}

func (r *Resolver) updateResolution(ctx context.Context, in *UpdateResolutionRequestInput) (
	*UpdateResolutionResponse, error) {
	if in == nil || len(in.AlertIds) == 0 || in.ResolutionStatus == nil {
		return nil, gql.BadInput(ctx, "in.alert_ids and in.resolution_status are required")
	}
	p := gql.Principal(ctx)
	for _, id := range in.AlertIds {
		rec, ok := r.st.Alert(id)
		if !ok || !p.Claims.Grants(str(rec, "tenant_id")) {
			return nil, gql.NotFound(ctx, "alert", id)
		}
	}
	for _, id := range in.AlertIds {
		rec, _ := r.st.Alert(id)
		x := resolution{Status: string(*in.ResolutionStatus), Reason: deref(in.Reason),
			At: nowString(r.st.Now())}
		if err := r.st.Save(ctx, kindResolution, str(rec, "tenant_id"), id, x); err != nil {
			return nil, err
		}
		err := r.recordChange(ctx, str(rec, "tenant_id"), alertChange{Alert: id,
			Type: string(AlertOperationTypeResolve), Status: x.Status, Reason: x.Reason})
		if err != nil {
			return nil, err
		}
	}
	return &UpdateResolutionResponse{ResolutionStatus: ptr(ResponseStatusSuccess),
		Reason: ptr("resolved " + itoa(len(in.AlertIds)) + " alerts")}, nil
}

func (r *Resolver) updateAlertInvestigation(ctx context.Context,
	in *UpdateInvestigationRequestInput) (*UpdateInvestigationResponse, error) {
	if in == nil || deref(in.InvestigationID) == "" || len(in.Alerts) == 0 {
		return nil, gql.BadInput(ctx, "in.investigation_id and in.alerts are required")
	}
	add := &AddEvidenceToInvestigationInput{InvestigationID: *in.InvestigationID,
		Alerts: in.Alerts}
	if in.Operation != nil && *in.Operation == InvestigationOperationDelete {
		rm := &RemoveEvidenceFromInvestigationInput{InvestigationID: *in.InvestigationID,
			Alerts: in.Alerts}
		if _, err := r.removeEvidence(ctx, *rm); err != nil {
			return nil, err
		}
	} else if _, err := r.addEvidence(ctx, *add); err != nil {
		return nil, err
	}
	typ := AlertOperationTypeInvestigate
	if in.Operation != nil && *in.Operation == InvestigationOperationDelete {
		typ = AlertOperationTypeUpdate
	}
	for _, id := range in.Alerts {
		if rec, ok := r.st.Alert(id); ok {
			err := r.recordChange(ctx, str(rec, "tenant_id"), alertChange{Alert: id,
				Type: string(typ), Investigation: *in.InvestigationID})
			if err != nil {
				return nil, err
			}
		}
	}
	return &UpdateInvestigationResponse{InvestigationStatus: ptr(ResponseStatusSuccess)}, nil
}

func (r *Resolver) aggregateBySeverity(ctx context.Context,
	in *AggregateAlertsBySeverityInputInput) (*AlertsAggregateResponse, error) {
	excluded := map[string]bool{}
	if in != nil {
		for _, s := range in.ExcludedSeverities {
			excluded[string(s)] = true
		}
	}
	counts := map[string]int{}
	for _, rec := range r.st.Alerts(gql.Tenant(ctx)) {
		sev, _ := lookupPath(rec, "metadata.severity").(float64)
		b := severityBand(sev)
		if !excluded[b] {
			counts[b]++
		}
	}
	var out []*AggregationResponse
	for _, b := range []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"} {
		if n, ok := counts[b]; ok {
			out = append(out, &AggregationResponse{Key: ptr(b), Value: ptr(float64(n)),
				Keys: []*AggregationKeys{{Key: ptr("severity"), Value: ptr(b)}}})
		}
	}
	return &AlertsAggregateResponse{Status: ptr(RPCResponseStatusOk), GroupBy: out}, nil
}

func (r *Resolver) countByTenant(ctx context.Context, in AlertsCountByTenantInput) (
	*AlertsCountByTenantResponse, error) {
	q, err := r.parseCQL(ctx, "ql_query", deref(in.QlQuery))
	if err != nil {
		return nil, err
	}
	tenants := append([]string(nil), gql.Principal(ctx).Claims.TenantIDs...)
	sort.Strings(tenants)
	out := &AlertsCountByTenantResponse{}
	total := 0
	for _, t := range tenants {
		n := len(q.Run(withAliases(q, r.st.Alerts(t))))
		total += n
		out.Counts = append(out.Counts, &TenantAlertCount{TenantID: ptr(t), Count: ptr(n)})
	}
	out.Total = ptr(total)
	return out, nil
}

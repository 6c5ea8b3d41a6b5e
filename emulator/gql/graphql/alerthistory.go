package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gotaegis/emulator/gql"
	"gotaegis/emulator/state"
)

// kindAlertChange is the store kind of one change a client made to an alert through the
// alert mutations; alertHistoryByID replays them over the alert as generated.
const kindAlertChange = "alert-change"

// alertChange is one recorded change: a resolution (Type RESOLVE, with Status and Reason) or
// an investigation link added or removed (Type INVESTIGATE or UPDATE, with Investigation).
type alertChange struct {
	Alert         string `json:"alert"`
	Type          string `json:"type"`
	At            string `json:"at"`
	User          string `json:"user,omitempty"`
	Status        string `json:"status,omitempty"`
	Reason        string `json:"reason,omitempty"`
	Investigation string `json:"investigation,omitempty"`
}

// recordChange appends a change to an alert's history.
func (r *Resolver) recordChange(ctx context.Context, tenant string, c alertChange) error {
	c.At = nowString(r.st.Now())
	if p := gql.Principal(ctx); p != nil {
		c.User = p.Claims.Subject
	}
	if err := r.st.Save(ctx, kindAlertChange, tenant, state.NewID(), c); err != nil {
		return fmt.Errorf("record the change to alert %s: %w", c.Alert, err)
	}
	return nil
}

// alertHistory returns every version of one alert, oldest first: its creation, the
// resolutions its generated record already carries, then each change clients made.
func (r *Resolver) alertHistory(ctx context.Context, id string) ([]*AlertChangeRecord, error) {
	p := gql.Principal(ctx)
	rec, ok := r.st.Alert(id)
	tenant := str(rec, "tenant_id")
	if !ok || !p.Claims.Grants(tenant) || (p.Named && p.Tenant != tenant) {
		return nil, gql.NotFound(ctx, "alert", id)
	}
	cur, err := copyRecord(rec)
	if err != nil {
		return nil, err
	}
	past, _ := cur["resolution_history"].([]any)
	if len(past) > 0 {
		cur["status"], cur["resolution_reason"], cur["suppressed"] = "OPEN", nil, false
		cur["resolution_history"] = []any{}
	}
	var out []*AlertChangeRecord
	emit := func(typ AlertOperationType, at any) error {
		snap, err := state.As[AlertSnapshot](cur)
		if err != nil {
			return err
		}
		ts, err := state.As[Timestamp](at)
		if err != nil {
			return err
		}
		out = append(out, &AlertChangeRecord{ID: ptr(fmt.Sprintf("%s#%d", id, len(out)+1)),
			Time: ts, Type: &typ, Alert: snap})
		return nil
	}
	if err := emit(AlertOperationTypeCreate, lookupPath(cur, "metadata.created_at")); err != nil {
		return nil, err
	}
	for _, h := range past {
		m, _ := h.(map[string]any)
		resolve(cur, str(m, "status"), str(m, "reason"), m)
		if err := emit(AlertOperationTypeResolve, m["timestamp"]); err != nil {
			return nil, err
		}
	}

	changes, err := state.LoadAll[alertChange](ctx, r.st, kindAlertChange, tenant)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		if c.Alert != id {
			continue
		}
		at := stamp(c.At)
		typ := AlertOperationType(c.Type)
		switch typ {
		case AlertOperationTypeResolve:
			resolve(cur, c.Status, c.Reason, map[string]any{"id": state.NewID(),
				"user_id": c.User, "reason": c.Reason, "num_alerts_affected": 1,
				"status": c.Status, "timestamp": at})
		case AlertOperationTypeInvestigate:
			ids, _ := cur["investigation_ids"].([]any)
			cur["investigation_ids"] = append(ids, map[string]any{"id": c.Investigation})
		case AlertOperationTypeUpdate:
			ids, _ := cur["investigation_ids"].([]any)
			cur["investigation_ids"] = slices.DeleteFunc(ids, func(v any) bool {
				m, _ := v.(map[string]any)
				return str(m, "id") == c.Investigation
			})
		}
		if md, ok := cur["metadata"].(map[string]any); ok {
			md["updated_at"] = at
			if typ == AlertOperationTypeInvestigate && md["first_investigated_at"] == nil {
				md["first_investigated_at"] = at
			}
		}
		if err := emit(typ, at); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// resolve applies one resolution to a version: its status and reason, and the entry h in
// its resolution history.
func resolve(cur map[string]any, status, reason string, h map[string]any) {
	cur["status"], cur["resolution_reason"] = status, reason
	cur["suppressed"] = status == "SUPPRESSED" || status == "AUTO_CLOSE"
	past, _ := cur["resolution_history"].([]any)
	cur["resolution_history"] = append(past, h)
	if md, ok := cur["metadata"].(map[string]any); ok && md["first_resolved_at"] == nil &&
		status != "OPEN" {
		md["first_resolved_at"] = h["timestamp"]
	}
}

// copyRecord returns a deep copy of a generated record, which is shared and read-only.
func copyRecord(rec map[string]any) (map[string]any, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("copy alert record: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("copy alert record: %w", err)
	}
	return out, nil
}

// stamp turns an RFC 3339 time into a Timestamp record; a bad one gives the zero time.
func stamp(s string) map[string]any {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return map[string]any{"seconds": t.Unix(), "nanos": t.Nanosecond()}
}

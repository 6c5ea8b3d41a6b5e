package alerts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gotaegis/sdk"
)

// Paging says how far a SearchAll got.
type Paging struct {
	// SearchID identifies the search on the server; empty when the first part carried none.
	SearchID string
	// TotalResults is the number of matches the server reported for the whole search.
	TotalResults int
	// TotalParts is the number of parts the server reported.
	TotalParts int
	// PartsFetched counts the parts read, the first one included.
	PartsFetched int
	// Truncated is true when the limit stopped the search before its last part, or cut a part.
	Truncated bool
}

// SearchAll runs an alert search and polls parts 2 to total_parts until limit alerts are in
// (limit 0 or less means all of them). progress, when not nil, is called after each part with
// the alerts gathered so far and the total the server reported, capped at limit.
//
// A poll that fails with "not found" ends the search normally: the server has no more parts.
// Any other failure returns the alerts gathered so far, the paging state and the error. A
// selection set given with sdk.WithSelection must keep search_id, status, reason and
// alerts { total_results total_parts list { … } }, or paging cannot continue.
func (s *Service) SearchAll(ctx context.Context, in *SearchRequestInput, limit int,
	progress func(got, total int), opts ...sdk.Option) ([]Alert2, *Paging, error) {
	if in == nil || in.CQLQuery == nil || strings.TrimSpace(*in.CQLQuery) == "" {
		return nil, nil, errors.New("alerts search: no CQL query; set CQLQuery, " +
			"e.g. FROM alert WHERE severity >= 0.6 EARLIEST=-1d")
	}
	req := *in
	if limit > 0 && req.Limit == nil {
		req.Limit = &limit
	}
	paging := &Paging{}
	first, err := s.AlertsServiceSearch(ctx, &req, opts...)
	if err == nil {
		err = responseError(first)
	}
	var alerts []Alert2
	if first != nil {
		paging.SearchID = first.GetSearchID()
		paging.TotalResults = first.GetAlerts().GetTotalResults()
		paging.TotalParts = first.GetAlerts().GetTotalParts()
		alerts = append(alerts, first.GetAlerts().GetList()...)
		paging.PartsFetched = 1
	}
	if err != nil {
		return cut(alerts, limit, paging), paging, fmt.Errorf("alerts search: %w", err)
	}
	report(progress, alerts, limit, paging)

	for part := 2; paging.SearchID != "" && part <= paging.TotalParts; part++ {
		if limit > 0 && len(alerts) >= limit {
			paging.Truncated = true
			break
		}
		next, err := s.AlertsServicePoll(ctx, &PollRequestInput{
			SearchID: &paging.SearchID, PartID: &part}, opts...)
		if err == nil {
			err = responseError(next)
		}
		if next != nil {
			alerts = append(alerts, next.GetAlerts().GetList()...)
		}
		if err != nil {
			if isNotFound(err) {
				break
			}
			return cut(alerts, limit, paging), paging,
				fmt.Errorf("alerts search: part %d of %d: %w", part, paging.TotalParts, err)
		}
		if next == nil {
			break
		}
		paging.PartsFetched++
		report(progress, alerts, limit, paging)
	}
	return cut(alerts, limit, paging), paging, nil
}

// responseError turns a response whose status is not OK into an error.
func responseError(r *AlertsResponse) error {
	if r == nil || r.Status == nil || *r.Status == RPCResponseStatusOk {
		return nil
	}
	if r.GetReason() != "" {
		return fmt.Errorf("server answered %s: %s", *r.Status, r.GetReason())
	}
	return fmt.Errorf("server answered %s", *r.Status)
}

// isNotFound reports whether err says the part asked for does not exist. Taegis reports that
// in the message text, so the text is checked as well as the error code.
func isNotFound(err error) bool {
	return errors.Is(err, sdk.ErrNotFound) || strings.Contains(strings.ToLower(err.Error()),
		"not found")
}

func cut(alerts []Alert2, limit int, p *Paging) []Alert2 {
	if limit > 0 && len(alerts) > limit {
		p.Truncated = true
		return alerts[:limit]
	}
	return alerts
}

func report(progress func(got, total int), alerts []Alert2, limit int, p *Paging) {
	if progress == nil {
		return
	}
	got, total := len(alerts), p.TotalResults
	if limit > 0 {
		got, total = min(got, limit), min(total, limit)
	}
	progress(got, total)
}

package alerts

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// part returns an alerts response body for one part with n alerts numbered from first.
func part(field string, partNo, totalParts, first, n, total int) string {
	list := make([]map[string]any, n)
	for i := range list {
		list[i] = map[string]any{"id": fmt.Sprintf("alert://priv:event-filter:12345:%d", first+i),
			"status": "OPEN", "metadata": map[string]any{"title": "t", "severity": 0.8}}
	}
	body, _ := json.Marshal(map[string]any{"data": map[string]any{field: map[string]any{
		"status": "OK", "search_id": "s-1",
		"alerts": map[string]any{"total_parts": totalParts, "part": partNo,
			"total_results": total, "list": list},
	}}})
	return string(body)
}

func TestSearchAll(t *testing.T) {
	const search, poll = "alertsServiceSearch", "alertsServicePoll"
	tests := []struct {
		name         string
		limit        int
		answer       func(n int) string
		wantAlerts   int
		wantRequests int
		wantParts    int
		wantTrunc    bool
		wantErr      string
		wantProgress [][2]int
	}{
		{
			name: "all parts", answer: func(n int) string {
				if n == 1 {
					return part(search, 1, 3, 0, 2, 6)
				}
				return part(poll, n, 3, 2*(n-1), 2, 6)
			},
			wantAlerts: 6, wantRequests: 3, wantParts: 3,
			wantProgress: [][2]int{{2, 6}, {4, 6}, {6, 6}},
		},
		{
			name: "limit stops polling and cuts", limit: 3, answer: func(n int) string {
				if n == 1 {
					return part(search, 1, 3, 0, 2, 6)
				}
				return part(poll, n, 3, 2*(n-1), 2, 6)
			},
			wantAlerts: 3, wantRequests: 2, wantParts: 2, wantTrunc: true,
			wantProgress: [][2]int{{2, 3}, {3, 3}},
		},
		{
			name: "not found ends the search", answer: func(n int) string {
				switch n {
				case 1:
					return part(search, 1, 3, 0, 2, 6)
				case 2:
					return part(poll, 2, 3, 2, 2, 6)
				}
				return `{"data":{"alertsServicePoll":null},` +
					`"errors":[{"message":"search part 3 not found","path":["alertsServicePoll"]}]}`
			},
			wantAlerts: 4, wantRequests: 3, wantParts: 2,
			wantProgress: [][2]int{{2, 6}, {4, 6}},
		},
		{
			name: "failed part keeps what came before", answer: func(n int) string {
				if n == 1 {
					return part(search, 1, 3, 0, 2, 6)
				}
				return `{"data":{"alertsServicePoll":null},"errors":[{"message":"backend down",` +
					`"extensions":{"code":"INTERNAL"}}]}`
			},
			wantAlerts: 2, wantRequests: 2, wantParts: 1, wantErr: "part 2 of 3",
			wantProgress: [][2]int{{2, 6}},
		},
		{
			name: "status not OK", answer: func(int) string {
				return `{"data":{"alertsServiceSearch":{"status":"INVALID_REQUEST",` +
					`"reason":"bad cql near WHER"}}}`
			},
			wantRequests: 1, wantParts: 1, wantErr: "INVALID_REQUEST: bad cql near WHER",
		},
		{
			name: "single part without search id", answer: func(int) string {
				return `{"data":{"alertsServiceSearch":{"status":"OK","alerts":{"total_parts":1,` +
					`"total_results":1,"list":[{"id":"a1"}]}}}}`
			},
			wantAlerts: 1, wantRequests: 1, wantParts: 1, wantProgress: [][2]int{{1, 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newFakeServer(t, func(n int, _ gqlRequest) string { return tt.answer(n) })
			var progress [][2]int
			cql := "FROM alert WHERE severity >= 0.6 EARLIEST=-1d"
			alerts, paging, err := New(c).SearchAll(context.Background(),
				&SearchRequestInput{CQLQuery: &cql}, tt.limit,
				func(got, total int) { progress = append(progress, [2]int{got, total}) })
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
			if len(alerts) != tt.wantAlerts {
				t.Errorf("got %d alerts, want %d", len(alerts), tt.wantAlerts)
			}
			if got := len(f.requests()); got != tt.wantRequests {
				t.Errorf("got %d requests, want %d", got, tt.wantRequests)
			}
			if paging.PartsFetched != tt.wantParts || paging.Truncated != tt.wantTrunc {
				t.Errorf("got paging %+v, want %d parts, truncated %v", paging, tt.wantParts,
					tt.wantTrunc)
			}
			if fmt.Sprint(progress) != fmt.Sprint(tt.wantProgress) {
				t.Errorf("got progress %v, want %v", progress, tt.wantProgress)
			}
			for i, r := range f.requests()[1:] {
				in, _ := r.Variables["in"].(map[string]any)
				if in["search_id"] != "s-1" || in["part_id"] != float64(i+2) {
					t.Errorf("poll %d sent %v, want search_id s-1 and part_id %d", i, in, i+2)
				}
			}
		})
	}
}

func TestSearchAllSendsQueryAndLimit(t *testing.T) {
	c, f := newFakeServer(t, func(int, gqlRequest) string {
		return `{"data":{"alertsServiceSearch":{"status":"OK","alerts":{"list":[]}}}}`
	})
	cql := "FROM alert EARLIEST=-1d"
	if _, _, err := New(c).SearchAll(context.Background(), &SearchRequestInput{CQLQuery: &cql},
		25, nil); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	if !strings.HasPrefix(r.Query, "query alertsServiceSearch($in: SearchRequestInput) {"+
		" alertsServiceSearch(in: $in) {") {
		t.Errorf("unexpected document %q", r.Query)
	}
	in := r.Variables["in"].(map[string]any)
	if in["cql_query"] != cql || in["limit"] != float64(25) {
		t.Errorf("sent %v, want cql_query %q and limit 25", in, cql)
	}
}

func TestSearchAllRejectsEmptyQuery(t *testing.T) {
	blank := "  "
	for _, in := range []*SearchRequestInput{nil, {}, {CQLQuery: &blank}} {
		if _, _, err := New(nil).SearchAll(context.Background(), in, 0, nil); err == nil ||
			!strings.Contains(err.Error(), "no CQL query") {
			t.Errorf("SearchAll(%+v): got %v, want a no CQL query error", in, err)
		}
	}
}

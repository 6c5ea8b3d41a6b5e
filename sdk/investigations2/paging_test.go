package investigations2

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// pageBody returns an investigationsV2 answer with n investigations numbered from first.
func pageBody(first, n, total int) string {
	list := make([]map[string]any, n)
	for i := range list {
		list[i] = map[string]any{"id": fmt.Sprintf("inv-%d", first+i), "status": "OPEN",
			"processingStatus": map[string]any{"alerts": "SUCCESS", "events": "RUNNING"}}
	}
	b, _ := json.Marshal(map[string]any{"data": map[string]any{"investigationsV2": map[string]any{
		"totalCount": total, "investigations": list}}})
	return string(b)
}

func TestInvestigationsAll(t *testing.T) {
	tests := []struct {
		name      string
		perPage   int
		limit     int
		answer    func(page int) string
		wantGot   int
		wantTotal int
		wantPages []int
		wantErr   string
	}{
		{name: "until totalCount", perPage: 2, answer: func(p int) string {
			return pageBody((p-1)*2, min(2, 5-(p-1)*2), 5)
		}, wantGot: 5, wantTotal: 5, wantPages: []int{1, 2, 3}},
		{name: "limit", perPage: 2, limit: 3, answer: func(p int) string {
			return pageBody((p-1)*2, 2, 5)
		}, wantGot: 3, wantTotal: 5, wantPages: []int{1, 2}},
		{name: "empty page ends", perPage: 2, answer: func(p int) string {
			if p == 2 {
				return pageBody(0, 0, 9)
			}
			return pageBody(0, 2, 9)
		}, wantGot: 2, wantTotal: 9, wantPages: []int{1, 2}},
		{name: "failed page", perPage: 2, answer: func(p int) string {
			if p == 2 {
				return `{"data":null,"errors":[{"message":"boom"}]}`
			}
			return pageBody(0, 2, 9)
		}, wantGot: 2, wantTotal: 9, wantPages: []int{1, 2}, wantErr: "page 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newFakeServer(t, func(_ int, r gqlRequest) string {
				args := r.Variables["arguments"].(map[string]any)
				return tt.answer(int(args["page"].(float64)))
			})
			cql := "status = 'OPEN'"
			got, total, err := New(c).InvestigationsAll(context.Background(),
				InvestigationsV2Arguments{CQL: &cql, PerPage: &tt.perPage}, tt.limit, nil)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
			if len(got) != tt.wantGot || total != tt.wantTotal {
				t.Errorf("got %d of %d, want %d of %d", len(got), total, tt.wantGot, tt.wantTotal)
			}
			var pages []int
			for _, r := range f.requests() {
				args := r.Variables["arguments"].(map[string]any)
				pages = append(pages, int(args["page"].(float64)))
				if args["cql"] != cql || args["perPage"] != float64(tt.perPage) {
					t.Errorf("sent %v", args)
				}
			}
			if fmt.Sprint(pages) != fmt.Sprint(tt.wantPages) {
				t.Errorf("asked for pages %v, want %v", pages, tt.wantPages)
			}
		})
	}
}

package tenants

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func resultsBody(first, n, total int, more bool) string {
	list := make([]map[string]any, n)
	for i := range list {
		list[i] = map[string]any{"id": fmt.Sprint(first + i), "name": "t",
			"environments": []map[string]any{{"name": "production", "enabled": true}}}
	}
	b, _ := json.Marshal(map[string]any{"data": map[string]any{"tenants": map[string]any{
		"results": list, "totalCount": total, "hasMore": more}}})
	return string(b)
}

func TestTenantsAll(t *testing.T) {
	tests := []struct {
		name      string
		limit     int
		answer    func(page int) string
		wantGot   int
		wantPages []int
		wantErr   string
	}{
		{name: "while hasMore", answer: func(p int) string {
			return resultsBody((p-1)*2, 2, 5, p < 3)
		}, wantGot: 6, wantPages: []int{1, 2, 3}},
		{name: "limit", limit: 3, answer: func(p int) string {
			return resultsBody((p-1)*2, 2, 5, true)
		}, wantGot: 3, wantPages: []int{1, 2}},
		{name: "empty page with more", answer: func(p int) string {
			return resultsBody(0, 0, 5, true)
		}, wantPages: []int{1}, wantErr: "is empty"},
		{name: "failed page", answer: func(p int) string {
			if p == 2 {
				return `{"errors":[{"message":"unavailable"}]}`
			}
			return resultsBody(0, 2, 5, true)
		}, wantGot: 2, wantPages: []int{1, 2}, wantErr: "page 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newFakeServer(t, func(_ int, r gqlRequest) string {
				q := r.Variables["tenantsQuery"].(map[string]any)
				return tt.answer(int(q["pageNum"].(float64)))
			})
			got, err := New(c).TenantsAll(context.Background(), TenantsQuery{}, tt.limit, nil)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
			if len(got) != tt.wantGot {
				t.Errorf("got %d tenants, want %d", len(got), tt.wantGot)
			}
			var pages []int
			for _, r := range f.requests() {
				q := r.Variables["tenantsQuery"].(map[string]any)
				pages = append(pages, int(q["pageNum"].(float64)))
			}
			if fmt.Sprint(pages) != fmt.Sprint(tt.wantPages) {
				t.Errorf("asked for pages %v, want %v", pages, tt.wantPages)
			}
		})
	}
}

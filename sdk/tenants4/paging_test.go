package tenants4

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func tenantsBody(first, n, total int, more bool, cursor string) string {
	list := make([]map[string]any, n)
	for i := range list {
		list[i] = map[string]any{"id": fmt.Sprint(10000 + first + i), "name": "t",
			"enabledAtEnvironments": []string{"CHARLIE"}}
	}
	b, _ := json.Marshal(map[string]any{"data": map[string]any{"tenants": map[string]any{
		"tenants": list, "totalCount": total, "hasMore": more, "cursorPos": cursor}}})
	return string(b)
}

func TestTenantsAll(t *testing.T) {
	tests := []struct {
		name        string
		limit       int
		answer      func(after string) string
		wantGot     int
		wantCursors []string
		wantErr     string
	}{
		{name: "follows cursors", answer: func(after string) string {
			switch after {
			case "":
				return tenantsBody(0, 2, 5, true, "c2")
			case "c2":
				return tenantsBody(2, 2, 5, true, "c4")
			}
			return tenantsBody(4, 1, 5, false, "c5")
		}, wantGot: 5, wantCursors: []string{"", "c2", "c4"}},
		{name: "limit", limit: 3, answer: func(after string) string {
			return tenantsBody(0, 2, 5, true, "c"+after)
		}, wantGot: 3, wantCursors: []string{"", "c"}},
		{name: "stuck cursor", answer: func(string) string {
			return tenantsBody(0, 1, 5, true, "same")
		}, wantGot: 2, wantCursors: []string{"", "same"}, wantErr: "no new cursor"},
		{name: "failed page", answer: func(after string) string {
			if after != "" {
				return `{"errors":[{"message":"nope","extensions":{"code":"FORBIDDEN"}}]}`
			}
			return tenantsBody(0, 2, 5, true, "c2")
		}, wantGot: 2, wantCursors: []string{"", "c2"}, wantErr: "page 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newFakeServer(t, func(_ int, r gqlRequest) string {
				q := r.Variables["tenantsQuery"].(map[string]any)
				after, _ := q["afterCursor"].(string)
				return tt.answer(after)
			})
			enabled := true
			got, err := New(c).TenantsAll(context.Background(),
				TenantsQuery{Enabled: &enabled}, tt.limit, nil)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
			if len(got) != tt.wantGot {
				t.Errorf("got %d tenants, want %d", len(got), tt.wantGot)
			}
			var cursors []string
			for _, r := range f.requests() {
				q := r.Variables["tenantsQuery"].(map[string]any)
				after, _ := q["afterCursor"].(string)
				cursors = append(cursors, after)
				if q["enabled"] != true {
					t.Errorf("filter lost: %v", q)
				}
			}
			if fmt.Sprint(cursors) != fmt.Sprint(tt.wantCursors) {
				t.Errorf("sent cursors %q, want %q", cursors, tt.wantCursors)
			}
		})
	}
}

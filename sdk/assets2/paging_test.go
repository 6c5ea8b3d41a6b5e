package assets2

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func assetsBody(first, n, total int, next bool, end string) string {
	list := make([]map[string]any, n)
	for i := range list {
		list[i] = map[string]any{"id": fmt.Sprintf("a%d", first+i), "hostId": "h",
			"hostnames": []map[string]any{{"id": "n", "hostname": "web-01"}}}
	}
	b, _ := json.Marshal(map[string]any{"data": map[string]any{"assetsV2": map[string]any{
		"assets": list, "totalCount": total,
		"pageInfo": map[string]any{"hasNextPage": next, "endCursor": end}}}})
	return string(b)
}

func TestAssetsAll(t *testing.T) {
	tests := []struct {
		name      string
		limit     int
		answer    func(after string) string
		wantGot   int
		wantAfter []string
		wantFirst float64
		wantErr   string
	}{
		{name: "follows end cursors", answer: func(after string) string {
			if after == "" {
				return assetsBody(0, 2, 3, true, "e2")
			}
			return assetsBody(2, 1, 3, false, "e3")
		}, wantGot: 3, wantAfter: []string{"", "e2"}, wantFirst: 100},
		{name: "limit sets the page size", limit: 2, answer: func(string) string {
			return assetsBody(0, 2, 3, true, "e2")
		}, wantGot: 2, wantAfter: []string{""}, wantFirst: 2},
		{name: "stuck cursor", answer: func(string) string {
			return assetsBody(0, 1, 3, true, "")
		}, wantGot: 1, wantAfter: []string{""}, wantFirst: 100, wantErr: "no new end cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newFakeServer(t, func(_ int, r gqlRequest) string {
				after, _ := r.Variables["after"].(string)
				return tt.answer(after)
			})
			got, err := New(c).AssetsAll(context.Background(), AssetsV2Args{}, tt.limit, nil)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
			if len(got) != tt.wantGot {
				t.Errorf("got %d assets, want %d", len(got), tt.wantGot)
			}
			var afters []string
			for _, r := range f.requests() {
				after, _ := r.Variables["after"].(string)
				afters = append(afters, after)
				if r.Variables["first"] != tt.wantFirst {
					t.Errorf("sent first %v, want %v", r.Variables["first"], tt.wantFirst)
				}
			}
			if fmt.Sprint(afters) != fmt.Sprint(tt.wantAfter) {
				t.Errorf("sent after %q, want %q", afters, tt.wantAfter)
			}
		})
	}
}

func TestAssetsAllRefusesBackwardPaging(t *testing.T) {
	last := 5
	if _, err := New(nil).AssetsAll(context.Background(), AssetsV2Args{Last: &last}, 0,
		nil); err == nil || !strings.Contains(err.Error(), "pages forward") {
		t.Errorf("got %v", err)
	}
}

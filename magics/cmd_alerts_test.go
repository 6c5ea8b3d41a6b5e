package magics

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

// plantRuns numbers the runs of tests that plant alerts in the shared emulator.
var plantRuns atomic.Int64

func TestAlertsSearch(t *testing.T) {
	ids := tenants(t)
	tests := []struct {
		name      string
		args      []string
		wantRows  func(int) bool
		truncated bool
	}{
		{"limit cuts", []string{"--tenant", ids[0], "--limit", "3"},
			func(n int) bool { return n == 3 }, true},
		{"all alerts", []string{"--tenant", ids[0], "--limit", "0"},
			func(n int) bool { return n > 3 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.run(t, "alerts search --cell", append([]string{"FROM alert EARLIEST=-30d"},
				tt.args...)...)
			if !tt.wantRows(len(r.Records)) {
				t.Fatalf("got %d records", len(r.Records))
			}
			p := r.Provenance
			if p.Truncated != tt.truncated || p.Rows != len(r.Records) || p.Pages < 1 ||
				p.Hash == "" || p.Region != "local" || p.Query != "FROM alert EARLIEST=-30d" {
				t.Fatalf("provenance %+v", p)
			}
			if !p.Latest.Equal(e.Now()) || !p.Earliest.Equal(e.Now().AddDate(0, 0, -30)) {
				t.Fatalf("window %v .. %v", p.Earliest, p.Latest)
			}
			if r.Total < len(r.Records) || r.Service != "alerts" || r.Command != "alerts search" {
				t.Fatalf("result %+v", r)
			}
			for _, rec := range r.Records {
				id, _ := rec["id"].(string)
				if !strings.HasPrefix(id, "alert://") || rec["tenant_id"] != ids[0] {
					t.Fatalf("record %v", rec)
				}
			}
		})
	}
}

func TestAlertsSearchPagesToTheEnd(t *testing.T) {
	ids := tenants(t)
	const n = 2300
	// The emulator outlives a test run (go test -count=2): each run plants its own alerts.
	title := fmt.Sprintf("paging test %d", plantRuns.Add(1))
	for i := range n {
		if err := srv.AddAlert(map[string]any{
			"id":        fmt.Sprintf("alert://priv:paging:%s:%s:%d", ids[1], title, i),
			"tenant_id": ids[1], "status": "OPEN",
			"metadata": map[string]any{"title": title, "severity": 0.7},
		}); err != nil {
			t.Fatal(err)
		}
	}
	e := newEnv(t)
	r := e.run(t, "alerts search --tenant "+ids[1], "--cell",
		"FROM alert WHERE metadata.title = '"+title+"'")
	if len(r.Records) != n || r.Total != n || r.Provenance.Truncated {
		t.Fatalf("got %d of %d, truncated %v", len(r.Records), r.Total, r.Provenance.Truncated)
	}
	if r.Provenance.Pages < 2 {
		t.Fatalf("read %d parts, want several", r.Provenance.Pages)
	}
	e.Cell = "FROM alert WHERE metadata.title = '" + title + "' | aggregate count by status"
	r = e.run(t, "alerts search --tenant "+ids[1])
	if len(r.Records) != 1 || fmt.Sprint(r.Records[0]["count"]) != fmt.Sprint(n) ||
		r.Records[0]["status"] != "OPEN" {
		t.Fatalf("aggregate: %v", r.Records)
	}
}

func TestAlertsSearchErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no query", []string{"alerts", "search"}, "no query"},
		{"bad limit", []string{"alerts", "search", "--cell", "x", "--limit", "-1"}, "--limit -1"},
		{"misspelt option", []string{"alerts", "search", "--limt", "3"},
			"unknown option --limt; did you mean --limit?"},
		{"bad time", []string{"alerts", "search", "--cell", "FROM alert EARLIEST=yesterday"},
			"EARLIEST=yesterday: not a time"},
		{"server refuses", []string{"alerts", "search", "--cell", "FROM alert WHERE (("},
			"cql_query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := Run(t.Context(), e.Env, tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

package cql

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fixedNow is the "now" every test resolves relative times against.
var fixedNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func loadRecords(t testing.TB, name string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return recs
}

func ids(rows []map[string]any) string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i], _ = r["id"].(string)
	}
	return strings.Join(out, " ")
}

func mustParse(t testing.TB, src string, opts ...Options) *Query {
	t.Helper()
	if len(opts) == 0 {
		opts = []Options{{Now: fixedNow}}
	}
	q, err := Parse(src, opts...)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return q
}

// TestRun checks each operator, logical field and time window against answers worked out
// by hand from the records in testdata; want lists record ids in result order.
func TestRun(t *testing.T) {
	tests := []struct {
		data, query, want string
	}{
		// FROM
		{"events", "FROM process", "p1 p2 p3"},
		{"events", "from PROCESS, Netflow", "p1 p2 p3 n1 n2"},
		{"events", "", "p1 p2 p3 n1 n2 d1 d2 a1 a2"},
		{"alerts", "FROM alert", "al1 al2 al3"},

		// = and !=: text folds case, numbers compare numerically across strings
		{"events", "FROM process WHERE username = 'ALICE'", "p1 p3"},
		{"events", "FROM process WHERE username != 'alice'", "p2"},
		{"events", "FROM auth WHERE username != 'alice'", "a2"},
		{"events", "FROM process WHERE process_id = 777", "p2"},
		{"events", "FROM process WHERE process_id = '4242'", "p1"},
		{"events", "FROM netflow WHERE destination_port = 443.0", "n1"},
		{"events", "FROM auth WHERE success = true", "a1"},
		{"events", "FROM auth WHERE success = FALSE", "a2"},
		{"events", "FROM auth WHERE success = 'True'", "a1"},
		{"events", "FROM dnsquery WHERE response_ips = '203.0.113.10'", "d1"},
		{"events", "FROM process WHERE process_correlation_id = \"corr-2\"", "p2"},

		// < <= > >=
		{"events", "FROM process WHERE process_id > 800", "p1 p3"},
		{"events", "FROM process WHERE process_id >= 900", "p1 p3"},
		{"events", "FROM process WHERE process_id < 900", "p2"},
		{"events", "FROM process WHERE process_id <= 900", "p2 p3"},
		{"events", "FROM netflow WHERE bytes >= 1500", "n1"},
		{"events", "FROM process WHERE hostname > 'ws01'", "p2"},
		{"events", "FROM process WHERE username < true", ""},

		// CONTAINS
		{"events", "FROM process WHERE commandline CONTAINS 'WHOAMI'", "p2"},
		{"events", "FROM process WHERE image_path CONTAINS 'system32'", "p1 p2"},
		{"events", "FROM process WHERE process_id CONTAINS '42'", "p1"},
		{"events", "FROM process WHERE commandline NOT CONTAINS '.exe'", "p3"},

		// MATCHES_REGEX: RE2, unanchored, case-sensitive as written
		{"events", `FROM process WHERE commandline MATCHES_REGEX '^powershell\.exe'`, "p1"},
		{"events", "FROM process WHERE commandline MATCHES_REGEX '(?i)^CMD'", "p2"},
		{"events", "FROM process WHERE commandline MATCHES_REGEX '^CMD'", ""},
		{"events", "FROM process WHERE commandline !MATCHES_REGEX 'exe'", "p3"},
		{"events", "FROM process WHERE commandline NOT MATCHES_REGEX 'exe'", "p3"},
		{"events", `FROM dnsquery WHERE query_name MATCHES_REGEX e'evil\.example\.com$'`, "d1"},

		// IN and !IN
		{"events", "FROM process WHERE host_id IN ('HOST-B', 'host-z')", "p2"},
		{"events", "FROM process WHERE process_id IN (900, 777)", "p2 p3"},
		{"events", "FROM process WHERE host_id !IN ('host-b')", "p1 p3"},
		{"events", "FROM process WHERE host_id NOT IN ('host-b')", "p1 p3"},

		// IS NULL: missing, JSON null and the empty array
		{"events", "FROM process WHERE md5 IS NULL", "p1 p3"},
		{"events", "FROM process WHERE md5 IS NOT NULL", "p2"},
		{"events", "FROM dnsquery WHERE response_ips IS NULL", "d2"},
		{"events", "FROM auth WHERE username IS NULL", "a2"},

		// AND, OR, NOT and parentheses
		{"events", "FROM process WHERE username = 'alice' AND host_id = 'host-a' AND " +
			"NOT commandline CONTAINS 'curl'", "p1"},
		{"events", "FROM process WHERE username = 'bob' OR process_id = 900", "p2 p3"},
		{"events", "FROM process WHERE (username = 'bob' OR process_id = 900) AND " +
			"tenant_id = '22222'", "p3"},
		{"events", "FROM process WHERE username = 'bob' OR process_id = 900 AND " +
			"tenant_id = '11111'", "p2"},
		{"events", "FROM process WHERE NOT (username = 'alice')", "p2"},
		{"events", "FROM process WHERE NOT NOT username = 'alice'", "p1 p3"},
		{"events", "from process where username = 'bob' or not host_id = 'host-a'", "p2"},

		// logical fields
		{"events", "@ip = '203.0.113.9'", "n1"},
		{"events", "FROM netflow, dnsquery, auth WHERE @ip IN ('10.0.0.5')", "n1 d1 a1"},
		{"events", "@user = 'administrator'", "a1"},
		{"events", "@USER = 'bob'", "p2 a2"},
		{"events", "@domain CONTAINS 'evil'", "d1"},
		{"events", "@hash IS NOT NULL", "p1 p2"},
		{"events", "@host = 'ws02'", "p2"},
		{"events", "@ip !IN ('10.0.0.5')", "p1 p2 p3 n2 d2 a2"},

		// time windows against fixedNow, 2024-06-01T12:00:00Z; both ends inclusive
		{"events", "FROM process EARLIEST=-1d", "p1 p2"},
		{"events", "EARLIEST=-24h", "p1 p2 n1 n2 d1 d2 a1 a2"},
		{"events", "earliest = -1h", "p1 n1 d1"},
		{"events", "EARLIEST=-30m", "n1"},
		{"events", "EARLIEST=-7d", "p1 p2 p3 n1 n2 d1 d2 a1 a2"},
		{"events", "EARLIEST=-1w", "p1 p2 p3 n1 n2 d1 d2 a1 a2"},
		{"events", "EARLIEST='2024-06-01T09:00:00Z' LATEST='2024-06-01 10:00:00'", "n2 a1 a2"},
		{"events", "EARLIEST=1717236000 LATEST=0", "p1 n1 n2 d1"},
		{"events", "EARLIEST=-2h LATEST=-1h", "p1 n2"},
		{"events", "FROM process WHERE username = 'alice' EARLIEST=-1d", "p1"},
		{"events", "FROM process EARLIEST=-1d WHERE username = 'alice'", "p1"},
		{"events", "EARLIEST=-10d LATEST='2024-05-31'", "p3"},

		// alerts: dotted paths, arrays of maps, {seconds} timestamps
		{"alerts", "FROM alert WHERE metadata.severity >= 0.6 AND status = 'open'", "al1 al3"},
		{"alerts", "FROM alert WHERE metadata.title = 'suspicious powershell'", "al1 al2"},
		{"alerts", "sensor_types CONTAINS 'ENDPOINT'", "al1 al2"},
		{"alerts", "FROM alert WHERE investigation_ids IS NULL", "al1 al3"},
		{"alerts", "entities.entities = 'userName:alice'", "al1"},
		{"alerts", "metadata.creator.detector.detector_id = 'app:threat-intel'", "al3"},
		{"alerts", "event_ids.id = 'event://n1'", "al3"},
		{"alerts", "FROM alert EARLIEST=-1d", "al1 al3"},
		{"alerts", "metadata.created_at >= '2024-06-01T00:00:00Z'", "al1 al3"},
		{"alerts", "metadata.created_at = '2024-06-01T10:00:00Z'", "al1"},
		{"alerts", "metadata.created_at < 1717200000", "al2"},
		{"alerts", "resolution_reason != 'FALSE_POSITIVE'", "al1 al3"},

		// investigation searches: no FROM, WHERE optional
		{"investigations", "title = 'ransomware on ws01'", "i2"},
		{"investigations", "status IN ('OPEN','AWAITING_ACTION')", "i1 i2"},
		{"investigations", `title CONTAINS e'O\'Brien'`, "i1"},
		{"investigations", `WHERE title CONTAINS "O'Brien"`, "i1"},
		{"investigations", "priority > 2", "i1 i2"},
		{"investigations", "title MATCHES_REGEX '^Null findings'", "i3"},
		{"investigations", "WHERE deleted_at IS NULL EARLIEST=-30d | sort created_at asc",
			"i1 i3"},
		{"investigations", "created_at < '2024-05-30 08:00:01'", "i1 i2"},
	}
	data := map[string][]map[string]any{}
	for _, name := range []string{"events", "alerts", "investigations"} {
		data[name] = loadRecords(t, name)
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q := mustParse(t, tt.query)
			if got := ids(q.Run(data[tt.data])); got != tt.want {
				t.Errorf("Run(%s) = %q, want %q", tt.data, got, tt.want)
			}
		})
	}
}

func TestMatchDoesNotFilterRecordsWithoutTypeOrTime(t *testing.T) {
	q := mustParse(t, "FROM process EARLIEST=-1h")
	if !q.Match(map[string]any{"id": "x"}) {
		t.Error("a record without event_type and time fields should pass FROM and the window")
	}
	if q.Match(map[string]any{"event_type": "netflow"}) {
		t.Error("a netflow event should not pass FROM process")
	}
	if q.Match(map[string]any{"event_type": "process", "timestamp": "2024-06-01T10:00:00Z"}) {
		t.Error("an event two hours old should not pass EARLIEST=-1h")
	}
}

func TestOptions(t *testing.T) {
	recs := loadRecords(t, "events")
	q := mustParse(t, "@ip = '203.0.113.10'", Options{
		Now:     fixedNow,
		Logical: map[string][]string{"@IP": {"response_ips"}},
	})
	if got := ids(q.Run(recs)); got != "d1" {
		t.Errorf("custom @ip: got %q, want d1", got)
	}
	_, err := Parse("@user = 'x'", Options{Logical: map[string][]string{"ip": {"a"}}})
	if err == nil || !strings.Contains(err.Error(), "known logical fields: @ip") {
		t.Errorf("a replaced logical map should reject @user and list @ip, got %v", err)
	}

	q = mustParse(t, "FROM flow EARLIEST=-1h", Options{
		Now: fixedNow, TypeField: "kind", TimeFields: []string{"observed.at"},
	})
	rows := []map[string]any{
		{"id": "in", "kind": "flow", "observed": map[string]any{"at": "2024-06-01T11:30:00Z"}},
		{"id": "old", "kind": "flow", "observed": map[string]any{"at": "2024-06-01T10:30:00Z"}},
		{"id": "other", "kind": "process", "timestamp": "2024-06-01T11:30:00Z"},
	}
	if got := ids(q.Run(rows)); got != "in" {
		t.Errorf("TypeField and TimeFields: got %q, want in", got)
	}

	l := DefaultLogical()
	l["ip"] = nil
	if len(DefaultLogical()["ip"]) == 0 {
		t.Error("DefaultLogical must return a copy")
	}
}

// TestValueForms covers record values that JSON decoding does not produce but Go code
// building records might: integer types, []string, nested flattened keys.
func TestValueForms(t *testing.T) {
	rec := map[string]any{
		"pid":           int64(9007199254740),
		"count":         int(3),
		"tags":          []string{"Alpha", "beta"},
		"metadata.name": "flat",
		"nested":        map[string]any{"a.b": "deep-flat", "list": []any{[]any{"x", "y"}}},
		"labels":        map[string]string{"env": "prod"},
		"ts_ms":         float64(1717236000000),
		"ts_ns":         int64(1717236000000000000),
	}
	tests := []struct {
		query string
		want  bool
	}{
		{"pid = 9007199254740", true},
		{"pid > 9007199254739", true},
		{"count = 3", true},
		{"count CONTAINS '3'", true},
		{"tags = 'ALPHA'", true},
		{"tags IN ('gamma', 'BETA')", true},
		{"metadata.name = 'flat'", true},
		{"nested.a.b = 'deep-flat'", true},
		{"nested.list = 'y'", true},
		{"labels.env = 'prod'", true},
		{"labels.env IS NULL", false},
		{"ts_ms = '2024-06-01T10:00:00Z'", true},
		{"ts_ns >= '2024-06-01T10:00:00Z'", true},
		{"ts_ns > '2024-06-01T10:00:00Z'", false},
		{"missing = 'x'", false},
		{"missing != 'x'", true},
		{"missing < 1", false},
		{"pid = 'abc'", false},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.query).Match(rec); got != tt.want {
			t.Errorf("Match(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestWindow(t *testing.T) {
	tests := []struct {
		query            string
		earliest, latest string // RFC 3339; empty for an open side
	}{
		{"FROM process EARLIEST=-1d", "2024-05-31T12:00:00Z", ""},
		{"EARLIEST=-24h LATEST=0", "2024-05-31T12:00:00Z", "2024-06-01T12:00:00Z"},
		{"EARLIEST=-30m LATEST=now", "2024-06-01T11:30:00Z", "2024-06-01T12:00:00Z"},
		{"EARLIEST=-7d", "2024-05-25T12:00:00Z", ""},
		{"EARLIEST=-90s", "2024-06-01T11:58:30Z", ""},
		{"EARLIEST='2024-01-02 03:04:05'", "2024-01-02T03:04:05Z", ""},
		{"EARLIEST='2024-01-02T03:04:05+02:00'", "2024-01-02T01:04:05Z", ""},
		{"EARLIEST=2024-01-02T03:04:05Z LATEST=2024-01-03", "2024-01-02T03:04:05Z",
			"2024-01-03T00:00:00Z"},
		{"EARLIEST=1717236000", "2024-06-01T10:00:00Z", ""},
		{"EARLIEST=1717236000000", "2024-06-01T10:00:00Z", ""},
		{"LATEST=+1h", "", "2024-06-01T13:00:00Z"},
		{"status = 'OPEN'", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q := mustParse(t, tt.query)
			e, l := q.Window(fixedNow)
			if got := rfc(e); got != tt.earliest {
				t.Errorf("earliest = %q, want %q", got, tt.earliest)
			}
			if got := rfc(l); got != tt.latest {
				t.Errorf("latest = %q, want %q", got, tt.latest)
			}
		})
	}

	// The window Match applies is resolved once, at Parse, against Options.Now.
	q := mustParse(t, "EARLIEST=-1h LATEST=0", Options{Now: fixedNow.Add(-24 * time.Hour)})
	if !q.Match(map[string]any{"timestamp": "2024-05-31T11:30:00Z"}) {
		t.Error("Match should use the window resolved against Options.Now")
	}
	if q.Match(map[string]any{"timestamp": "2024-06-01T11:30:00Z"}) {
		t.Error("Match should not resolve the window against the wall clock")
	}
}

func rfc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func TestAccessors(t *testing.T) {
	q := mustParse(t, "FROM Process, netflow WHERE @ip = '1.2.3.4' AND (host_id = 'h' OR "+
		"metadata.title IS NULL) AND host_id != 'x' EARLIEST=-1d | sort -timestamp, host_id "+
		"| aggregate count by host_id, user.name | head 5")
	if got := strings.Join(q.From(), ","); got != "process,netflow" {
		t.Errorf("From = %q", got)
	}
	want := "@ip host_id metadata.title timestamp user.name"
	if got := strings.Join(q.Fields(), " "); got != want {
		t.Errorf("Fields = %q, want %q", got, want)
	}
	if !q.Aggregated() {
		t.Error("Aggregated = false, want true")
	}
	if got := len(q.Stages()); got != 3 {
		t.Errorf("Stages has %d stages, want 3", got)
	}
	if q.Earliest() == nil || !q.Earliest().Relative || q.Earliest().Offset != -24*time.Hour {
		t.Errorf("Earliest = %+v", q.Earliest())
	}
	if q.Latest() != nil {
		t.Errorf("Latest = %+v, want nil", q.Latest())
	}
	if _, ok := q.Where().(*Chain); !ok {
		t.Errorf("Where is %T, want *Chain", q.Where())
	}
	if mustParse(t, "FROM process").Aggregated() {
		t.Error("Aggregated = true for a query without aggregate")
	}

	for _, list := range [][]string{Keywords(), Operators(), Pipes()} {
		if len(list) == 0 {
			t.Fatal("empty completion list")
		}
	}
	if !reflect.DeepEqual(Pipes(), []string{"aggregate", "head", "sort", "tail"}) {
		t.Errorf("Pipes = %v", Pipes())
	}
}

func TestRunLeavesInputAlone(t *testing.T) {
	recs := loadRecords(t, "events")
	before := ids(recs)
	q := mustParse(t, "FROM process | sort -process_id | head 2")
	if got := ids(q.Run(recs)); got != "p1 p3" {
		t.Fatalf("Run = %q", got)
	}
	if ids(recs) != before {
		t.Error("Run reordered its input")
	}
}

func TestAliases(t *testing.T) {
	alerts := loadRecords(t, "alerts")
	opts := Options{Now: fixedNow, Aliases: AlertAliases()}
	tests := []struct {
		query, want string
	}{
		{"FROM alert WHERE severity >= 0.6 AND status = 'OPEN' AND investigation_ids IS NULL " +
			"EARLIEST=-1d | head 5", "al1 al3"},
		{"title = 'DNS to known bad domain'", "al3"},
		{"detector = 'app:event-filter'", "al1 al2"},
		{"entity CONTAINS 'evil'", "al3"},
		{"tenant = '22222'", "al3"},
		{"created_at < '2024-06-01T00:00:00Z'", "al2"},
		{"severity IS NULL", ""},
		{"| sort -severity", "al1 al3 al2"},
		{"resolution != 'OPEN'", "al2"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if got := ids(mustParse(t, tt.query, opts).Run(alerts)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}

	agg := mustParse(t, "| aggregate count by title", opts).Run(alerts)
	want := []map[string]any{
		{"title": "Suspicious PowerShell", "count": int64(2)},
		{"title": "DNS to known bad domain", "count": int64(1)},
	}
	if !reflect.DeepEqual(agg, want) {
		t.Errorf("aggregate by alias: got %v, want %v", agg, want)
	}
	if got := ids(mustParse(t, "severity >= 0.6").Run(alerts)); got != "" {
		t.Errorf("without aliases severity is a plain field: got %q", got)
	}
}

// TestConcurrentRun runs one query from several goroutines, as the emulator does for
// concurrent searches; -race reports any shared state.
func TestConcurrentRun(t *testing.T) {
	recs := loadRecords(t, "events")
	q := mustParse(t, `FROM process, netflow WHERE @ip IN ('10.0.0.5') OR commandline `+
		`MATCHES_REGEX 'exe' EARLIEST=-1d | sort -timestamp | aggregate count by host_id`)
	want := q.Run(recs)
	done := make(chan []map[string]any)
	for range 4 {
		go func() { done <- q.Run(recs) }()
	}
	for range 4 {
		if got := <-done; !reflect.DeepEqual(got, want) {
			t.Errorf("concurrent Run = %v, want %v", got, want)
		}
	}
}

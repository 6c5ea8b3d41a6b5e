package evidence

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// upstreamFile creates a database with taegis-magic's own statements and writes rows the way
// it does: evidence through a temporary table and INSERT OR IGNORE, a tracked query with its
// timestamp from SQLite.
func upstreamFile(t *testing.T) string {
	t.Helper()
	ddl, err := os.ReadFile(filepath.Join("testdata", "upstream_schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "taegis_magic.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, stmt := range []string{
		string(ddl),
		`CREATE TABLE temp_table (evidence_type TEXT, id TEXT, tenant_id TEXT,
			investigation_id TEXT)`,
		`INSERT INTO temp_table VALUES
			('alerts', 'alert://priv:u:50001:1:a', '50001', 'NEW'),
			('alerts', 'alert://priv:u:50001:2:b', '50001', 'NEW'),
			('events', 'event://priv:u:50002:3:c', '50002', 'NEW'),
			('alerts', 'alert://priv:u:50001:0:z', '50001', 'inv-upstream')`,
		`INSERT OR IGNORE INTO investigation_evidence SELECT * FROM temp_table`,
		`DROP TABLE temp_table`,
		`INSERT INTO investigation_evidence VALUES ('search_queries', 77, NULL, 'NEW')`,
		`INSERT INTO search_queries (id, tenant_id, query, results_returned, total_results,
			inserted_time) VALUES ('q-up', '50001', 'FROM alert', 5, 9,
			strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))`,
		`INSERT INTO llm_queries (id, query, ql, reason, types, status, inserted_time)
			VALUES ('nl-up', 'dns lookups', 'FROM dnsquery', 'dns', 'dnsquery', 'COMPLETE',
			strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return path
}

func TestUpstreamFile(t *testing.T) {
	ctx := context.Background()
	path := upstreamFile(t)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}

	// We read what upstream wrote, including an integer id and a missing tenant.
	got := show(t, db, Filter{InvestigationID: New})
	want := []Evidence{
		{Alerts, "alert://priv:u:50001:1:a", "50001", New},
		{Alerts, "alert://priv:u:50001:2:b", "50001", New},
		{Events, "event://priv:u:50002:3:c", "50002", New},
		{SearchQueries, "77", "", New},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read\n%v\nwant\n%v", got, want)
	}
	qs, err := db.Queries(ctx)
	if err != nil || len(qs) != 1 || qs[0].ID != "q-up" || qs[0].TotalResults != 9 {
		t.Errorf("queries %+v, %v", qs, err)
	}

	// We write into it: an overlapping stage, a tracked query, an attach.
	res := mustStage(t, db, alerts("50001", "alert://priv:u:50001:2:b", "alert://g:50001:3"),
		StageOptions{Type: Alerts})
	if res.Before != 2 || res.After != 3 || res.Added != 1 {
		t.Errorf("stage into the upstream file: %+v", res)
	}
	if _, err := db.Track(ctx, SearchQuery{ID: "q-go", Tenant: "50002",
		Query: "FROM process", ResultsReturned: 1, TotalResults: 1}); err != nil {
		t.Fatal(err)
	}
	staged, _ := db.Staged(ctx, "50002")
	if n, err := db.Attach(ctx, "50002", "inv-go", staged); err != nil || n != 1 {
		t.Errorf("Attach = %d, %v", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Upstream's own queries see our rows.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ids := func(query string, args ...any) []string {
		rows, err := raw.Query(query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	if got := ids(`SELECT id FROM investigation_evidence WHERE investigation_id = ? AND
		tenant_id = ? AND evidence_type = ? ORDER BY id`, "NEW", "50001", "alerts"); !reflect.
		DeepEqual(got, []string{"alert://g:50001:3", "alert://priv:u:50001:1:a",
			"alert://priv:u:50001:2:b"}) {
		t.Errorf("upstream reads NEW alerts %v", got)
	}
	attached := ids(`SELECT id FROM investigation_evidence WHERE investigation_id = 'inv-go'`)
	if !reflect.DeepEqual(attached, []string{"event://priv:u:50002:3:c"}) {
		t.Errorf("upstream reads the attached rows %v", attached)
	}
	if got := ids(`SELECT id || '|' || tenant_id || '|' || query || '|' || results_returned
		|| '|' || length(inserted_time) FROM search_queries ORDER BY id`); !reflect.DeepEqual(
		got, []string{"q-go|50002|FROM process|1|20", "q-up|50001|FROM alert|5|20"}) {
		t.Errorf("upstream reads the queries %v", got)
	}
}

// TestSchemaMatchesUpstream checks that a file we create has upstream's columns, types,
// primary keys and WITHOUT ROWID tables, so upstream's tool can open it.
func TestSchemaMatchesUpstream(t *testing.T) {
	ours := filepath.Join(t.TempDir(), "evidence.db")
	db, err := Open(ours)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	theirs := upstreamFile(t)
	for _, table := range []string{"investigation_evidence", "search_queries", "llm_queries"} {
		a, b := tableShape(t, ours, table), tableShape(t, theirs, table)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s:\nours   %v\ntheirs %v", table, a, b)
		}
	}
}

// tableShape describes a table: each column's name, type, not-null flag and primary key
// position, and whether it has a rowid.
func tableShape(t *testing.T, path, table string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var shape []string
	for rows.Next() {
		var name, typ string
		var notNull, pk int
		if err := rows.Scan(&name, &typ, &notNull, &pk); err != nil {
			t.Fatal(err)
		}
		shape = append(shape, fmt.Sprintf("%s %s notnull=%d pk=%d", name, typ, notNull, pk))
	}
	_, err = raw.Exec("SELECT rowid FROM " + table)
	shape = append(shape, fmt.Sprintf("rowid=%v", err == nil))
	return shape
}

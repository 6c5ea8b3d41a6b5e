package evidence

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestNLQueries(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	add := func(q NLQuery) bool {
		t.Helper()
		added, err := db.AddNLQuery(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return added
	}
	if !add(NLQuery{ID: "n1", Query: "high severity alerts",
		QL: "FROM alert WHERE severity >= 0.6", Reason: "severity", Types: []string{"alert"},
		Status: "COMPLETE"}) {
		t.Fatal("n1 not added")
	}
	if !add(NLQuery{ID: "n2", Query: "dns and http for evil.example",
		QL:    "FROM dnsquery, http WHERE @domain = 'evil.example'",
		Types: []string{"dnsquery", "http"}, Status: "COMPLETE"}) {
		t.Fatal("n2 not added")
	}
	if !add(NLQuery{ID: "n3", Query: "the weather", Reason: "nothing to search",
		Status: "FAILED"}) {
		t.Fatal("n3 not added")
	}
	if add(NLQuery{ID: "n1", Query: "again"}) {
		t.Error("keeping n1 twice added it twice")
	}
	got, err := db.NLQueries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	for i := range got {
		if !stamp.MatchString(got[i].InsertedTime) {
			t.Errorf("inserted_time %q", got[i].InsertedTime)
		}
		got[i].InsertedTime = ""
	}
	want := []NLQuery{
		{ID: "n1", Query: "high severity alerts", QL: "FROM alert WHERE severity >= 0.6",
			Reason: "severity", Types: []string{"alert"}, Status: "COMPLETE"},
		{ID: "n2", Query: "dns and http for evil.example",
			QL:    "FROM dnsquery, http WHERE @domain = 'evil.example'",
			Types: []string{"dnsquery", "http"}, Status: "COMPLETE"},
		{ID: "n3", Query: "the weather", Reason: "nothing to search", Status: "FAILED"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NLQueries\n%+v\nwant\n%+v", got, want)
	}
}

func TestAddNLQueryErrors(t *testing.T) {
	db := memDB(t)
	for _, tt := range []struct {
		q    NLQuery
		want string
	}{
		{NLQuery{Query: "x"}, "no id"},
		{NLQuery{ID: "1"}, "no request text"},
	} {
		if _, err := db.AddNLQuery(context.Background(), tt.q); err == nil ||
			!strings.Contains(err.Error(), tt.want) {
			t.Errorf("AddNLQuery(%+v) = %v, want %q", tt.q, err, tt.want)
		}
	}
	if qs, _ := db.NLQueries(context.Background()); len(qs) != 0 {
		t.Errorf("refused queries were kept: %v", qs)
	}
}

// TestNLQueriesInOtherFiles reads a row upstream wrote, and adds the table to a file made
// before it existed without touching the other rows.
func TestNLQueriesInOtherFiles(t *testing.T) {
	ctx := context.Background()
	db, err := Open(upstreamFile(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.NLQueries(ctx)
	if err != nil || len(got) != 1 || got[0].ID != "nl-up" || got[0].QL != "FROM dnsquery" ||
		!reflect.DeepEqual(got[0].Types, []string{"dnsquery"}) {
		t.Errorf("upstream's row: %+v, %v", got, err)
	}
	db.Close()

	old := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE investigation_evidence (evidence_type TEXT, id TEXT, tenant_id TEXT,
			investigation_id TEXT, PRIMARY KEY (id, investigation_id)) WITHOUT ROWID`,
		`CREATE TABLE search_queries (id TEXT, tenant_id TEXT, query TEXT,
			results_returned INT, total_results INT, inserted_time TEXT,
			PRIMARY KEY (id)) WITHOUT ROWID`,
		`INSERT INTO search_queries (id, tenant_id, query) VALUES ('q', 't', 'FROM alert')`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	db, err = Open(old)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddNLQuery(ctx, NLQuery{ID: "n", Query: "alerts", QL: "FROM alert"}); err != nil {
		t.Fatal(err)
	}
	if qs, err := db.Queries(ctx); err != nil || len(qs) != 1 || qs[0].ID != "q" {
		t.Errorf("the old file's queries: %+v, %v", qs, err)
	}
}

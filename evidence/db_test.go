package evidence

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultPath(t *testing.T) {
	t.Setenv("GOTAEGIS_DATA_DIR", "/srv/hunt")
	if p, err := DefaultPath(); err != nil || p != "/srv/hunt/evidence.db" {
		t.Errorf("DefaultPath() = %q, %v", p, err)
	}
	t.Setenv("GOTAEGIS_DATA_DIR", "")
	t.Setenv("HOME", "/home/hunter")
	want := "/home/hunter/.local/share/gotaegis/evidence.db"
	if p, err := DefaultPath(); err != nil || p != want {
		t.Errorf("DefaultPath() = %q, %v; want %q", p, err, want)
	}
}

func TestMemoryIsPrivate(t *testing.T) {
	a, b := memDB(t), memDB(t)
	mustStage(t, a, alerts("t", "x"), StageOptions{Type: Alerts})
	if rows := show(t, b, Filter{}); len(rows) != 0 {
		t.Errorf("a second in-memory database sees %v", rows)
	}
	if rows := show(t, a, Filter{}); len(rows) != 1 {
		t.Errorf("the in-memory database lost its row: %v", rows)
	}
	if a.Path() != Memory {
		t.Errorf("Path() = %q", a.Path())
	}
}

func TestFilePersists(t *testing.T) {
	// Characters a URI would treat specially must stay part of the file name.
	path := filepath.Join(t.TempDir(), "new dir", "hunt #1?.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustStage(t, db, alerts("t", "x", "y"), StageOptions{Type: Alerts})
	if _, err := db.Track(context.Background(), SearchQuery{ID: "q", Tenant: "t",
		Query: "FROM alert"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not at %s: %v", path, err)
	}

	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if rows := show(t, db, Filter{}); len(rows) != 2 {
		t.Errorf("reopened file has %v", rows)
	}
	if qs, _ := db.Queries(context.Background()); len(qs) != 1 {
		t.Errorf("reopened file has queries %v", qs)
	}
	var mode string
	if err := db.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q, %v; want wal", mode, err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database\n", 300)),
		0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "foreign.db")
	raw, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("CREATE TABLE investigation_evidence (name TEXT, notes TEXT)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	blocked := filepath.Join(dir, "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path string
		want       []string
	}{
		{"empty path", "", []string{"empty database path"}},
		{"not a database", garbage, []string{garbage, "not a readable SQLite database",
			"move it aside"}},
		{"other tables", foreign, []string{foreign, "table investigation_evidence lacks " +
			"columns evidence_type, id, tenant_id, investigation_id"}},
		{"directory is a file", filepath.Join(blocked, "evidence.db"),
			[]string{filepath.Join(blocked, "evidence.db"), "create its directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(tt.path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", tt.path)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	// The foreign file was refused, not altered.
	raw, _ = sql.Open("sqlite", foreign)
	defer raw.Close()
	var n int
	raw.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'search_queries'").Scan(&n)
	if n != 0 {
		t.Error("Open added tables to a file it refused")
	}
}

func TestLockedFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "evidence.db")
	db, err := open(path, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustStage(t, db, alerts("t", "a"), StageOptions{Type: Alerts})

	// Another process holds the write lock for longer than the busy timeout.
	holder, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	lock, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(`INSERT INTO search_queries (id, tenant_id, query)
		VALUES ('held', 't', 'q')`); err != nil {
		t.Fatal(err)
	}

	_, err = db.Stage(ctx, alerts("t", "b"), StageOptions{Type: Alerts})
	if err == nil {
		t.Fatal("Stage succeeded while another connection held the write lock")
	}
	for _, w := range []string{path, "stage alerts", "locked by another process"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if _, err := open(path, 50*time.Millisecond); err == nil ||
		!strings.Contains(err.Error(), path) {
		t.Errorf("Open of a locked file: %v", err)
	}

	// Once the lock is gone the same stage goes through and nothing was lost.
	if err := lock.Commit(); err != nil {
		t.Fatal(err)
	}
	res := mustStage(t, db, alerts("t", "b"), StageOptions{Type: Alerts})
	if res.Before != 1 || res.After != 2 {
		t.Errorf("after the lock: %+v", res)
	}
}

func TestCanceledContext(t *testing.T) {
	db := memDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Stage(ctx, alerts("t", "a"), StageOptions{Type: Alerts}); err == nil ||
		!strings.Contains(err.Error(), "context canceled") {
		t.Errorf("Stage with a canceled context: %v", err)
	}
	if _, err := db.Show(ctx, Filter{}); err == nil {
		t.Error("Show with a canceled context succeeded")
	}
	if rows := show(t, db, Filter{}); len(rows) != 0 {
		t.Errorf("a canceled stage left %v", rows)
	}
	// The database still works after the interrupted call.
	mustStage(t, db, alerts("t", "a"), StageOptions{Type: Alerts})
}

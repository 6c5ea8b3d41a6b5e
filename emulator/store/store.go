// Package store keeps the local emulator's mutable state in SQLite: investigations, their
// comments and evidence, query history, rule state and the other documents that clients create.
//
// Every row is a JSON document addressed by a kind (what it is), a tenant and an id, in the
// order it was first written. The emulator decides what each kind holds; the store only keeps
// the documents durable and consistent across restarts. A Store is safe for concurrent use.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned when no document has the kind, tenant and id asked for.
var ErrNotFound = errors.New("store: document not found")

// Doc is one stored document.
type Doc struct {
	Kind    string
	Tenant  string
	ID      string
	Seq     int64 // the order of first insertion, unique across the store
	Data    json.RawMessage
	Created time.Time
	Updated time.Time
}

// Store is an open SQLite database of documents.
type Store struct {
	db *sql.DB
}

const schema = `
CREATE TABLE IF NOT EXISTS docs (
	seq     INTEGER PRIMARY KEY AUTOINCREMENT,
	kind    TEXT NOT NULL,
	tenant  TEXT NOT NULL,
	id      TEXT NOT NULL,
	data    TEXT NOT NULL,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL,
	UNIQUE (kind, tenant, id)
);
CREATE INDEX IF NOT EXISTS docs_kind_tenant ON docs (kind, tenant, seq);
CREATE TABLE IF NOT EXISTS counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
`

// Open opens (creating when needed) the database at path, in WAL mode with a busy timeout so
// that concurrent writers wait instead of failing.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create directory: %w", err)
	}
	dsn := "file:" + path +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(ON)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// One writer at a time is what SQLite allows; a single connection also keeps
	// read-your-writes trivially true for the emulator's request handlers.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: create tables in %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the database.
func (s *Store) Close() error {
	return s.db.Close()
}

// Put writes a document, inserting it or replacing the data of the one with the same kind,
// tenant and id. data must be valid JSON. It returns the document as stored.
func (s *Store) Put(ctx context.Context, kind, tenant, id string, data []byte) (Doc, error) {
	if !json.Valid(data) {
		return Doc{}, fmt.Errorf("store: put %s %s: data is not valid JSON", kind, id)
	}
	now := time.Now().UTC()
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO docs (kind, tenant, id, data, created, updated) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, tenant, id) DO UPDATE SET data = excluded.data,
			updated = excluded.updated`,
		kind, tenant, id, string(data), now.UnixNano(), now.UnixNano())
	if err != nil {
		return Doc{}, fmt.Errorf("store: put %s %s: %w", kind, id, err)
	}
	return s.Get(ctx, kind, tenant, id)
}

// Get reads one document; it returns an error matching ErrNotFound when there is none.
func (s *Store) Get(ctx context.Context, kind, tenant, id string) (Doc, error) {
	row := s.db.QueryRowContext(ctx, `
		SELECT seq, kind, tenant, id, data, created, updated FROM docs
		WHERE kind = ? AND tenant = ? AND id = ?`, kind, tenant, id)
	d, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Doc{}, fmt.Errorf("%s %q: %w", kind, id, ErrNotFound)
	}
	if err != nil {
		return Doc{}, fmt.Errorf("store: get %s %s: %w", kind, id, err)
	}
	return d, nil
}

// List returns the documents of one kind for tenant in the order they were first written. An
// empty tenant lists the kind across every tenant.
func (s *Store) List(ctx context.Context, kind, tenant string) ([]Doc, error) {
	q := `SELECT seq, kind, tenant, id, data, created, updated FROM docs WHERE kind = ?`
	args := []any{kind}
	if tenant != "" {
		q += ` AND tenant = ?`
		args = append(args, tenant)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list %s: %w", kind, err)
	}
	defer rows.Close()
	var out []Doc
	for rows.Next() {
		d, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list %s: %w", kind, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list %s: %w", kind, err)
	}
	return out, nil
}

// Delete removes one document; it returns an error matching ErrNotFound when there is none.
func (s *Store) Delete(ctx context.Context, kind, tenant, id string) error {
	res, err := s.db.ExecContext(ctx,
		`DELETE FROM docs WHERE kind = ? AND tenant = ? AND id = ?`, kind, tenant, id)
	if err != nil {
		return fmt.Errorf("store: delete %s %s: %w", kind, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s %q: %w", kind, id, ErrNotFound)
	}
	return nil
}

// Next increments the named counter and returns its new value, starting at 1. The emulator
// numbers investigations' short ids with it.
func (s *Store) Next(ctx context.Context, name string) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `
		INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = value + 1
		RETURNING value`, name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: counter %s: %w", name, err)
	}
	return v, nil
}

type scanner interface{ Scan(dest ...any) error }

func scan(r scanner) (Doc, error) {
	var (
		d                Doc
		data             string
		created, updated int64
	)
	if err := r.Scan(&d.Seq, &d.Kind, &d.Tenant, &d.ID, &data, &created, &updated); err != nil {
		return Doc{}, err
	}
	d.Data = json.RawMessage(data)
	d.Created = time.Unix(0, created).UTC()
	d.Updated = time.Unix(0, updated).UTC()
	return d, nil
}

package evidence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Memory is the path that opens a database held in memory, lost when it is closed.
const Memory = ":memory:"

// FileName is the name of the staging database inside the gotaegis data directory.
const FileName = "evidence.db"

// busyTimeout is how long a change waits for another process's write to finish.
const busyTimeout = 10 * time.Second

// schema creates upstream's tables when they are missing (a file made before llm_queries
// was kept gets that table on its next open). The column types, primary keys and
// WITHOUT ROWID are upstream's, so either tool can open a file the other created.
const schema = `
CREATE TABLE IF NOT EXISTS investigation_evidence (
	evidence_type TEXT,
	id TEXT,
	tenant_id TEXT,
	investigation_id TEXT,
	PRIMARY KEY (id, investigation_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_queries (
	id TEXT,
	tenant_id TEXT,
	query TEXT,
	results_returned INT,
	total_results INT,
	inserted_time TEXT,
	PRIMARY KEY (id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS llm_queries (
	id TEXT,
	query TEXT,
	ql TEXT,
	reason TEXT,
	types TEXT,
	status TEXT,
	inserted_time TEXT,
	PRIMARY KEY (id)
) WITHOUT ROWID;
`

// requiredColumns lists, per table, the columns this package reads and writes. A file whose
// tables lack one of them was not written by either tool and is refused rather than altered.
var requiredColumns = map[string][]string{
	"investigation_evidence": {"evidence_type", "id", "tenant_id", "investigation_id"},
	"search_queries": {
		"id", "tenant_id", "query", "results_returned", "total_results", "inserted_time",
	},
	"llm_queries": {"id", "query", "ql", "reason", "types", "status", "inserted_time"},
}

// DB is an open staging database. It is safe for concurrent use by several goroutines, and
// several processes may open the same file at once.
type DB struct {
	db   *sql.DB
	path string
}

// DefaultPath returns $GOTAEGIS_DATA_DIR/evidence.db, or evidence.db under
// ~/.local/share/gotaegis when the variable is unset.
func DefaultPath() (string, error) {
	if d := os.Getenv("GOTAEGIS_DATA_DIR"); d != "" {
		return filepath.Join(d, FileName), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("evidence: find the data directory (set GOTAEGIS_DATA_DIR): %w", err)
	}
	return filepath.Join(home, ".local", "share", "gotaegis", FileName), nil
}

// Open opens the staging database at path, creating the file, its directory and the tables
// when they are missing. Path [Memory] opens a private database in memory. Existing tables are
// never altered; a file that is not an SQLite database, or whose tables lack the staging
// columns, is refused with an error naming the path.
func Open(path string) (*DB, error) {
	return open(path, busyTimeout)
}

func open(path string, busy time.Duration) (*DB, error) {
	if path == "" {
		return nil, errors.New("evidence: empty database path; pass a file path, " +
			"or :memory: for one in memory")
	}
	dsn, err := dataSource(path, busy)
	if err != nil {
		return nil, err
	}
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("evidence database %s: %w", path, err)
	}
	// One connection per process: an in-memory database exists only on the connection that
	// made it, and for a file SQLite admits one writer at a time anyway. Other processes
	// still share the file; the busy timeout makes them wait for each other.
	sdb.SetMaxOpenConns(1)
	sdb.SetConnMaxLifetime(0)
	sdb.SetConnMaxIdleTime(0)
	db := &DB{db: sdb, path: path}
	if err := db.init(context.Background()); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// dataSource builds the driver's DSN: a file URI (so that any character in the path
// survives), WAL mode, the busy timeout, and transactions that take the write lock at BEGIN.
// Taking it up front matters: a transaction that reads first and upgrades to write later can
// fail at once under concurrent writers instead of waiting.
func dataSource(path string, busy time.Duration) (string, error) {
	params := "_txlock=immediate&_busy_timeout=" + strconv.FormatInt(busy.Milliseconds(), 10)
	if path == Memory {
		return Memory + "?" + params, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("evidence database %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return "", fmt.Errorf("evidence database %s: create its directory: %w", path, err)
	}
	// Limitation: WAL needs memory shared by the processes that open the file, so the file
	// must be on a local filesystem, not a network share; it stands because the kernels and
	// fan-out runs of one hunt run on one machine.
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	return u.String() + "?" + params + "&_journal_mode=WAL", nil
}

// init creates missing tables and checks that existing ones carry the staging columns.
func (db *DB) init(ctx context.Context) error {
	return db.write(ctx, "open", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return err
		}
		for table, want := range requiredColumns {
			if err := checkColumns(ctx, tx, table, want); err != nil {
				return err
			}
		}
		return nil
	})
}

func checkColumns(ctx context.Context, tx *sql.Tx, table string, want []string) error {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		have[name] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var missing []string
	for _, c := range want {
		if !have[c] {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("table %s lacks columns %s, so the file is not a staging database "+
			"(pass another database path)", table, strings.Join(missing, ", "))
	}
	return nil
}

// Path returns the path the database was opened with.
func (db *DB) Path() string { return db.path }

// Close closes the database. Staged rows in a file stay there; an in-memory database is gone.
func (db *DB) Close() error {
	if err := db.db.Close(); err != nil {
		return fmt.Errorf("evidence database %s: close: %w", db.path, err)
	}
	return nil
}

// write runs fn in one transaction that holds the write lock from its start, and commits it
// when fn succeeds. Errors name the operation and the database path.
func (db *DB) write(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return db.fail(op, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return db.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return db.fail(op, err)
	}
	return nil
}

// fail wraps err with the operation and the path, and says what to do for the failures a
// hunter can act on: a file another process keeps locked, a file that is not a database.
func (db *DB) fail(op string, err error) error {
	var serr *sqlite.Error
	if errors.As(err, &serr) {
		switch serr.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("evidence database %s: %s: still locked by another process "+
				"after waiting; retry once it finishes, or use another database: %w",
				db.path, op, err)
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("evidence database %s: %s: the file is not a readable SQLite "+
				"database; move it aside or pass another database path: %w", db.path, op, err)
		}
	}
	return fmt.Errorf("evidence database %s: %s: %w", db.path, op, err)
}

// count returns the number of rows matching where, evaluated inside tx.
func count(ctx context.Context, tx *sql.Tx, query string, args ...any) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

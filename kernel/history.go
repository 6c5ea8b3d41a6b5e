package kernel

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// historyFile is the name of the history database inside the data directory.
const historyFile = "history.db"

const historySchema = `
CREATE TABLE IF NOT EXISTS sessions (
	session INTEGER PRIMARY KEY AUTOINCREMENT,
	started TEXT NOT NULL,
	ended   TEXT
);
CREATE TABLE IF NOT EXISTS history (
	session INTEGER NOT NULL,
	line    INTEGER NOT NULL,
	input   TEXT NOT NULL,
	output  TEXT,
	PRIMARY KEY (session, line)
);`

// history is the input (and output) history of every kernel session that used one database.
// Each kernel start is a new session; lines are execution counts. Several kernels may share one
// file: SQLite's WAL mode and a busy timeout serialize them.
type history struct {
	db      *sql.DB
	session int
}

// historyEntry is one stored cell. Output is nil when the cell had no execute_result.
type historyEntry struct {
	Session int
	Line    int
	Input   string
	Output  *string
}

// DataDir returns the directory gotaegis keeps its state in: $GOTAEGIS_DATA_DIR, else
// ~/.local/share/gotaegis.
func DataDir() (string, error) {
	if d := os.Getenv("GOTAEGIS_DATA_DIR"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the data directory (set GOTAEGIS_DATA_DIR): %w", err)
	}
	return filepath.Join(home, ".local", "share", "gotaegis"), nil
}

// openHistory opens (creating it if needed) the history database at path and starts a new
// session in it. An empty path gives a database in memory that ends with the kernel.
func openHistory(path string) (*history, error) {
	dsn := "file::memory:"
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("history: create data directory: %w", err)
		}
		dsn = "file:" + (&url.URL{Path: path}).EscapedPath() +
			"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)" +
			// WAL with NORMAL sync cannot corrupt the file; a power cut may lose the last
			// cells' history, which is worth not paying a disk sync on every execute.
			"&_pragma=synchronous(NORMAL)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("history: open %s: %w", path, err)
	}
	// One connection: an in-memory database exists per connection, and a kernel writes one
	// cell at a time anyway.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(historySchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("history: create tables in %s: %w", path, err)
	}
	res, err := db.Exec(`INSERT INTO sessions (started) VALUES (?)`, now())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("history: start a session: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("history: start a session: %w", err)
	}
	return &history{db: db, session: int(id)}, nil
}

// store records one cell of the current session; a cell stored twice under one line keeps the
// last.
func (h *history) store(line int, input string, output *string) error {
	return h.storeAll([]historyEntry{{Line: line, Input: input, Output: output}})
}

// storeAll records cells of the current session in one transaction; their Session is ignored.
func (h *history) storeAll(entries []historyEntry) (err error) {
	tx, err := h.db.Begin()
	if err != nil {
		return fmt.Errorf("history: store %d cells: %w", len(entries), err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	for _, e := range entries {
		_, err := tx.Exec(`INSERT OR REPLACE INTO history (session, line, input, output)
			VALUES (?, ?, ?, ?)`, h.session, e.Line, e.Input, e.Output)
		if err != nil {
			return fmt.Errorf("history: store line %d: %w", e.Line, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("history: store %d cells: %w", len(entries), err)
	}
	return nil
}

// tail returns the last n cells over all sessions, oldest first.
func (h *history) tail(n int) ([]historyEntry, error) {
	return h.query(`SELECT * FROM (SELECT session, line, input, output FROM history
		ORDER BY session DESC, line DESC LIMIT ?) ORDER BY session, line`, n)
}

// lineRange returns the cells of session with start <= line < stop (stop <= 0: to the end).
// A session of 0 or less counts back from the current one: 0 is this session, -1 the one before.
func (h *history) lineRange(session, start, stop int) ([]historyEntry, error) {
	if session <= 0 {
		session += h.session
	}
	if stop <= 0 {
		return h.query(`SELECT session, line, input, output FROM history
			WHERE session = ? AND line >= ? ORDER BY line`, session, start)
	}
	return h.query(`SELECT session, line, input, output FROM history
		WHERE session = ? AND line >= ? AND line < ? ORDER BY line`, session, start, stop)
}

// search returns the cells whose whole input matches the SQLite GLOB pattern (case-sensitive;
// * ? [...]), oldest first. With unique only the latest cell of each distinct input is kept;
// with n > 0 only the last n matches.
func (h *history) search(pattern string, n int, unique bool) ([]historyEntry, error) {
	from := `(SELECT session, line, input, output FROM history WHERE input GLOB ?1)`
	if unique {
		from = `(SELECT session, line, input, output FROM (SELECT session, line, input, output,
			ROW_NUMBER() OVER (PARTITION BY input ORDER BY session DESC, line DESC) AS rn
			FROM history WHERE input GLOB ?1) WHERE rn = 1)`
	}
	if n > 0 {
		return h.query(`SELECT * FROM (SELECT * FROM `+from+`
			ORDER BY session DESC, line DESC LIMIT ?2) ORDER BY session, line`, pattern, n)
	}
	return h.query(`SELECT * FROM `+from+` ORDER BY session, line`, pattern)
}

func (h *history) query(q string, args ...any) ([]historyEntry, error) {
	rows, err := h.db.Query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("history: query: %w", err)
	}
	defer rows.Close()
	out := []historyEntry{}
	for rows.Next() {
		var e historyEntry
		var output sql.NullString
		if err := rows.Scan(&e.Session, &e.Line, &e.Input, &output); err != nil {
			return nil, fmt.Errorf("history: read: %w", err)
		}
		if output.Valid {
			e.Output = &output.String
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: read: %w", err)
	}
	return out, nil
}

// close marks the session ended and closes the database.
func (h *history) close() error {
	_, err := h.db.Exec(`UPDATE sessions SET ended = ? WHERE session = ?`, now(), h.session)
	return errors.Join(err, h.db.Close())
}

// historyItems renders entries as history_reply items: [session, line, input], or with output
// [session, line, [input, output]] where output is null for a cell without a result.
func historyItems(entries []historyEntry, output bool) []json.RawMessage {
	items := make([]json.RawMessage, 0, len(entries))
	for _, e := range entries {
		var v any = e.Input
		if output {
			v = []any{e.Input, e.Output}
		}
		b, _ := json.Marshal([]any{e.Session, e.Line, v})
		items = append(items, b)
	}
	return items
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

package evidence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// NLQuery is one natural-language search kept in the llm_queries table: the request a
// hunter wrote and the query Taegis's natural-language search made of it.
type NLQuery struct {
	// ID is the translation's id in Taegis, which feedback on it names.
	ID string
	// Query is the request as written.
	Query string
	// QL is the query it was translated to.
	QL string
	// Reason is the service's explanation of the translation.
	Reason string
	// Types are the types the query reads; the table keeps them comma-joined.
	Types []string
	// Status is how far the translation got: COMPLETE, PARTIAL or FAILED.
	Status string
	// InsertedTime is when the search was kept, as 2006-01-02T15:04:05Z in UTC; set by the
	// database, ignored by [DB.AddNLQuery].
	InsertedTime string
}

// AddNLQuery keeps a natural-language search. It reports false, and changes nothing, when a
// search of that id is already kept. ID and Query are required.
func (db *DB) AddNLQuery(ctx context.Context, q NLQuery) (bool, error) {
	switch {
	case q.ID == "":
		return false, errors.New("keep natural-language query: no id (the service returned " +
			"none)")
	case q.Query == "":
		return false, fmt.Errorf("keep natural-language query %s: no request text", q.ID)
	}
	var added int64
	err := db.write(ctx, "keep natural-language query "+q.ID, func(tx *sql.Tx) error {
		out, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO llm_queries
			(id, query, ql, reason, types, status, inserted_time)
			VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))`,
			q.ID, q.Query, q.QL, q.Reason, strings.Join(q.Types, ","), q.Status)
		if err != nil {
			return err
		}
		added, err = out.RowsAffected()
		return err
	})
	return added > 0, err
}

// NLQueries lists the kept natural-language searches, oldest first.
func (db *DB) NLQueries(ctx context.Context) ([]NLQuery, error) {
	var out []NLQuery
	err := db.read(ctx, "list natural-language queries", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, query, ql, reason, types, status,
			inserted_time FROM llm_queries ORDER BY inserted_time, id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, query, ql, reason, types, status, at sql.NullString
			if err := rows.Scan(&id, &query, &ql, &reason, &types, &status, &at); err != nil {
				return err
			}
			q := NLQuery{ID: id.String, Query: query.String, QL: ql.String,
				Reason: reason.String, Status: status.String, InsertedTime: at.String}
			if types.String != "" {
				q.Types = strings.Split(types.String, ",")
			}
			out = append(out, q)
		}
		return rows.Err()
	})
	return out, err
}

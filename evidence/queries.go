package evidence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SearchQuery is one tracked search waiting in the search_queries queue.
type SearchQuery struct {
	// ID is the query's identifier in Taegis's query history.
	ID string
	// Tenant is the tenant the query ran in.
	Tenant string
	// Query is the query text.
	Query string
	// ResultsReturned is how many results the search returned.
	ResultsReturned int
	// TotalResults is how many results matched in all.
	TotalResults int
	// InsertedTime is when the query was tracked, as 2006-01-02T15:04:05Z in UTC; set by
	// the database, ignored by [DB.Track].
	InsertedTime string
}

// Track queues a search query, as a search run with --track does. It reports false, and
// changes nothing, when a query of that id is already queued. ID, Tenant and Query are
// required.
func (db *DB) Track(ctx context.Context, q SearchQuery) (bool, error) {
	switch {
	case q.ID == "":
		return false, errors.New("track search query: no query id (the search returned none, " +
			"so there is nothing to attach)")
	case q.Tenant == "":
		return false, fmt.Errorf("track search query %s: no tenant id", q.ID)
	case q.Query == "":
		return false, fmt.Errorf("track search query %s: no query text", q.ID)
	}
	var added int64
	err := db.write(ctx, "track search query "+q.ID, func(tx *sql.Tx) error {
		out, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO search_queries
			(id, tenant_id, query, results_returned, total_results, inserted_time)
			VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))`,
			q.ID, q.Tenant, q.Query, q.ResultsReturned, q.TotalResults)
		if err != nil {
			return err
		}
		added, err = out.RowsAffected()
		return err
	})
	return added > 0, err
}

// Untrack removes the queued query id and reports whether it was queued.
func (db *DB) Untrack(ctx context.Context, id string) (bool, error) {
	if id == "" {
		return false, errors.New("remove search query: no query id")
	}
	var n int64
	err := db.write(ctx, "remove search query "+id, func(tx *sql.Tx) error {
		out, err := tx.ExecContext(ctx, "DELETE FROM search_queries WHERE id = ?", id)
		if err != nil {
			return err
		}
		n, err = out.RowsAffected()
		return err
	})
	return n > 0, err
}

// ClearQueries empties the queue and returns how many queries it removed.
func (db *DB) ClearQueries(ctx context.Context) (int, error) {
	var n int64
	err := db.write(ctx, "clear search queries", func(tx *sql.Tx) error {
		out, err := tx.ExecContext(ctx, "DELETE FROM search_queries")
		if err != nil {
			return err
		}
		n, err = out.RowsAffected()
		return err
	})
	return int(n), err
}

// Queries lists the queued queries, oldest first.
func (db *DB) Queries(ctx context.Context) ([]SearchQuery, error) {
	var out []SearchQuery
	err := db.read(ctx, "list search queries", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, tenant_id, query, results_returned,
			total_results, inserted_time FROM search_queries ORDER BY inserted_time, id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, tenant, query, at sql.NullString
			var returned, total sql.NullInt64
			if err := rows.Scan(&id, &tenant, &query, &returned, &total, &at); err != nil {
				return err
			}
			out = append(out, SearchQuery{
				ID: id.String, Tenant: tenant.String, Query: query.String,
				ResultsReturned: int(returned.Int64), TotalResults: int(total.Int64),
				InsertedTime: at.String,
			})
		}
		return rows.Err()
	})
	return out, err
}

// StageQueries moves every queued query into the staged evidence as search_queries evidence
// for investigationID (empty means New), keeping each query's tenant, and empties the queue,
// in one transaction.
func (db *DB) StageQueries(ctx context.Context, investigationID string) (StageResult, error) {
	if investigationID == "" {
		investigationID = New
	}
	res := StageResult{Action: ActionStage, Type: SearchQueries, InvestigationID: investigationID}
	err := db.write(ctx, "stage search queries", func(tx *sql.Tx) error {
		var err error
		res.Before, err = count(ctx, tx, countTypeSQL, string(SearchQueries), investigationID)
		if err != nil {
			return err
		}
		out, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO investigation_evidence
			(evidence_type, id, tenant_id, investigation_id)
			SELECT ?, id, tenant_id, ? FROM search_queries WHERE id IS NOT NULL`,
			string(SearchQueries), investigationID)
		if err != nil {
			return err
		}
		n, err := out.RowsAffected()
		if err != nil {
			return err
		}
		res.Added = int(n)
		if _, err := tx.ExecContext(ctx, "DELETE FROM search_queries"); err != nil {
			return err
		}
		res.After, err = count(ctx, tx, countTypeSQL, string(SearchQueries), investigationID)
		return err
	})
	if err != nil {
		return StageResult{}, err
	}
	return res, nil
}

package evidence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Evidence is one staged row.
type Evidence struct {
	// Type is the kind of evidence.
	Type Type
	// ID is the alert, event, asset or search query id.
	ID string
	// Tenant is the tenant the evidence belongs to; empty in rows written without one.
	Tenant string
	// InvestigationID is the investigation the row is staged for, New until filed.
	InvestigationID string
}

// Record returns e as a record with the staging table's column names, which [DB.Unstage]
// and [DB.StageAll] accept back.
func (e Evidence) Record() map[string]any {
	return map[string]any{
		"evidence_type":    string(e.Type),
		"id":               e.ID,
		"tenant_id":        e.Tenant,
		"investigation_id": e.InvestigationID,
	}
}

// Action says what a change did.
type Action string

// The actions of a [StageResult].
const (
	ActionStage   Action = "stage"
	ActionUnstage Action = "unstage"
)

// StageResult reports one change to the rows of one evidence type under one investigation id:
// how many such rows there were before and after it, across all tenants.
type StageResult struct {
	Action          Action
	Type            Type
	InvestigationID string
	Before          int
	After           int
	// Added is the number of rows the change staged that were not staged already.
	Added int
	// Removed is the number of rows an unstage removed.
	Removed int
}

// Difference returns After minus Before.
func (r StageResult) Difference() int { return r.After - r.Before }

// StageOptions say what a [DB.Stage] or [DB.Unstage] of records is about.
type StageOptions struct {
	// Type is the evidence type of every record; required, and not All (see [DB.StageAll]).
	Type Type
	// InvestigationID is the investigation to stage for; empty means New.
	InvestigationID string
	// Tenant is the tenant of records that have no tenant column or an empty value in it.
	// A record's own tenant always wins.
	Tenant string
}

func (o StageOptions) investigation() string {
	if o.InvestigationID == "" {
		return New
	}
	return o.InvestigationID
}

func (o StageOptions) check() error {
	if o.Type == All {
		return errors.New("evidence type all names each record's own type; use StageAll " +
			"or UnstageAll")
	}
	_, err := ParseType(string(o.Type))
	return err
}

// Stage stages records of one evidence type, in one transaction, and reports the counts.
// Records already staged under the investigation id are kept once; as in upstream's table the
// key is the id and the investigation id, so an id staged as one type is not staged again as
// another. Each record's evidence id
// comes from the first of [IDColumns] present, its tenant from the first of [TenantColumns]
// with a value, else opts.Tenant; a record without either is an error and nothing is staged.
func (db *DB) Stage(ctx context.Context, records []map[string]any,
	opts StageOptions) (StageResult, error) {
	return db.change(ctx, "stage", records, opts, true, stageRows)
}

// change extracts records' rows for opts (needing a tenant when needTenant) and applies them
// with apply in one write transaction; verb names the change in errors.
func (db *DB) change(ctx context.Context, verb string, records []map[string]any,
	opts StageOptions, needTenant bool,
	apply func(context.Context, *sql.Tx, Type, string, []row) (StageResult, error),
) (StageResult, error) {
	if err := opts.check(); err != nil {
		return StageResult{}, fmt.Errorf("%s evidence: %w", verb, err)
	}
	var rows []row
	if len(records) > 0 {
		var err error
		rows, err = extract(records, opts.Type, opts.investigation(), opts.Tenant, needTenant)
		if err != nil {
			return StageResult{}, fmt.Errorf("%s %s: %w", verb, opts.Type, err)
		}
	}
	var res StageResult
	err := db.write(ctx, verb+" "+string(opts.Type), func(tx *sql.Tx) error {
		var err error
		res, err = apply(ctx, tx, opts.Type, opts.investigation(), rows)
		return err
	})
	return res, err
}

// StageAll stages records that each name their evidence type (taegis_magic.evidence_type or
// evidence_type) and investigation id (investigation_id), as rows from inflate_evidence or
// [DB.Show] do: one result per (type, investigation) group, all in one transaction.
func (db *DB) StageAll(ctx context.Context, records []map[string]any,
	tenant string) ([]StageResult, error) {
	groups, batches, err := extractAll(records, tenant, true)
	if err != nil {
		return nil, fmt.Errorf("stage all: %w", err)
	}
	results := make([]StageResult, len(groups))
	err = db.write(ctx, "stage all", func(tx *sql.Tx) error {
		for i, g := range groups {
			res, err := stageRows(ctx, tx, g.typ, g.inv, batches[i])
			if err != nil {
				return err
			}
			results[i] = res
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

func extractAll(records []map[string]any, tenant string, needTenant bool) ([]group,
	[][]row, error) {
	if len(records) == 0 {
		return nil, nil, nil
	}
	groups, err := groupAll(records)
	if err != nil {
		return nil, nil, err
	}
	batches := make([][]row, len(groups))
	for i, g := range groups {
		if batches[i], err = extract(g.records, g.typ, g.inv, tenant, needTenant); err != nil {
			return nil, nil, fmt.Errorf("%s for %s: %w", g.typ, g.inv, err)
		}
	}
	return groups, batches, nil
}

const countTypeSQL = `SELECT count(*) FROM investigation_evidence
	WHERE evidence_type = ? AND investigation_id = ?`

func stageRows(ctx context.Context, tx *sql.Tx, t Type, inv string,
	rows []row) (StageResult, error) {
	res := StageResult{Action: ActionStage, Type: t, InvestigationID: inv}
	var err error
	if res.Before, err = count(ctx, tx, countTypeSQL, string(t), inv); err != nil {
		return res, err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO investigation_evidence
		(evidence_type, id, tenant_id, investigation_id) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return res, err
	}
	defer stmt.Close()
	for _, r := range rows {
		out, err := stmt.ExecContext(ctx, string(r.typ), r.id, nullable(r.tenant), r.inv)
		if err != nil {
			return res, fmt.Errorf("insert %s %s: %w", r.typ, r.id, err)
		}
		n, err := out.RowsAffected()
		if err != nil {
			return res, err
		}
		res.Added += int(n)
	}
	if res.After, err = count(ctx, tx, countTypeSQL, string(t), inv); err != nil {
		return res, err
	}
	return res, nil
}

// nullable stores an empty tenant as NULL, as upstream stores a missing one.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Unstage removes the records' rows of one evidence type from the investigation id, in one
// transaction. Rows are matched by evidence id and type; no tenant column is needed.
func (db *DB) Unstage(ctx context.Context, records []map[string]any,
	opts StageOptions) (StageResult, error) {
	return db.change(ctx, "unstage", records, opts, false, unstageRows)
}

// UnstageAll removes rows that each name their evidence type and investigation id, like
// the records [DB.StageAll] takes: one result per group, all in one transaction.
func (db *DB) UnstageAll(ctx context.Context, records []map[string]any) ([]StageResult, error) {
	groups, batches, err := extractAll(records, "", false)
	if err != nil {
		return nil, fmt.Errorf("unstage all: %w", err)
	}
	results := make([]StageResult, len(groups))
	err = db.write(ctx, "unstage all", func(tx *sql.Tx) error {
		for i, g := range groups {
			res, err := unstageRows(ctx, tx, g.typ, g.inv, batches[i])
			if err != nil {
				return err
			}
			results[i] = res
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

func unstageRows(ctx context.Context, tx *sql.Tx, t Type, inv string,
	rows []row) (StageResult, error) {
	res := StageResult{Action: ActionUnstage, Type: t, InvestigationID: inv}
	var err error
	if res.Before, err = count(ctx, tx, countTypeSQL, string(t), inv); err != nil {
		return res, err
	}
	stmt, err := tx.PrepareContext(ctx, `DELETE FROM investigation_evidence
		WHERE id = ? AND investigation_id = ? AND evidence_type = ?`)
	if err != nil {
		return res, err
	}
	defer stmt.Close()
	for _, r := range rows {
		out, err := stmt.ExecContext(ctx, r.id, r.inv, string(r.typ))
		if err != nil {
			return res, fmt.Errorf("delete %s %s: %w", r.typ, r.id, err)
		}
		n, err := out.RowsAffected()
		if err != nil {
			return res, err
		}
		res.Removed += int(n)
	}
	if res.After, err = count(ctx, tx, countTypeSQL, string(t), inv); err != nil {
		return res, err
	}
	return res, nil
}

// Filter selects staged rows. A zero field matches any value.
type Filter struct {
	Tenant          string
	Type            Type
	InvestigationID string
}

func (f Filter) where() (string, []any, error) {
	var conds []string
	var args []any
	if f.Type != "" && f.Type != All {
		if _, err := ParseType(string(f.Type)); err != nil {
			return "", nil, err
		}
		conds, args = append(conds, "evidence_type = ?"), append(args, string(f.Type))
	}
	if f.Tenant != "" {
		conds, args = append(conds, "tenant_id = ?"), append(args, f.Tenant)
	}
	if f.InvestigationID != "" {
		conds, args = append(conds, "investigation_id = ?"), append(args, f.InvestigationID)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// Show lists the staged rows that match f, ordered by investigation id, type, tenant and id.
func (db *DB) Show(ctx context.Context, f Filter) ([]Evidence, error) {
	where, args, err := f.where()
	if err != nil {
		return nil, fmt.Errorf("show evidence: %w", err)
	}
	var out []Evidence
	err = db.read(ctx, "show evidence", func(tx *sql.Tx) error {
		out, err = selectEvidence(ctx, tx, where, args)
		return err
	})
	return out, err
}

func selectEvidence(ctx context.Context, tx *sql.Tx, where string,
	args []any) ([]Evidence, error) {
	rows, err := tx.QueryContext(ctx, `SELECT evidence_type, id, tenant_id, investigation_id
		FROM investigation_evidence`+where+`
		ORDER BY investigation_id, evidence_type, tenant_id, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		var typ, id, tenant, inv sql.NullString
		if err := rows.Scan(&typ, &id, &tenant, &inv); err != nil {
			return nil, err
		}
		out = append(out, Evidence{
			Type: Type(typ.String), ID: id.String, Tenant: tenant.String,
			InvestigationID: inv.String,
		})
	}
	return out, rows.Err()
}

// read runs fn in a transaction that changes nothing.
func (db *DB) read(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return db.fail(op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return db.fail(op, err)
	}
	return nil
}

// Clear removes every staged row that matches f and returns how many it removed. A zero
// Filter clears everything; Filter{InvestigationID: New, Tenant: t} clears what one tenant
// has staged for a new investigation.
func (db *DB) Clear(ctx context.Context, f Filter) (int, error) {
	where, args, err := f.where()
	if err != nil {
		return 0, fmt.Errorf("clear evidence: %w", err)
	}
	var n int64
	err = db.write(ctx, "clear evidence", func(tx *sql.Tx) error {
		out, err := tx.ExecContext(ctx, "DELETE FROM investigation_evidence"+where, args...)
		if err != nil {
			return err
		}
		n, err = out.RowsAffected()
		return err
	})
	return int(n), err
}

// Staged returns what tenant has staged for a new investigation: its rows under New, of
// every type. The tenant is required, so one tenant's investigation never takes another's
// evidence.
func (db *DB) Staged(ctx context.Context, tenant string) ([]Evidence, error) {
	if tenant == "" {
		return nil, errors.New("staged evidence: a tenant is required (pass --tenant)")
	}
	return db.Show(ctx, Filter{Tenant: tenant, InvestigationID: New})
}

// Attach files evidence with investigationID after Taegis accepted it: each of the given rows
// that is still staged under New for tenant moves to investigationID, in one transaction, and
// Attach returns how many moved. Pass the rows [DB.Staged] returned and the create or append
// sent; rows staged meanwhile by another process stay under New for the next investigation.
// Call it only after the call to Taegis succeeded, so that a failed call leaves the rows
// staged.
func (db *DB) Attach(ctx context.Context, tenant, investigationID string,
	filed []Evidence) (int, error) {
	if tenant == "" {
		return 0, errors.New("attach evidence: a tenant is required (pass --tenant)")
	}
	if investigationID == "" || investigationID == New {
		return 0, fmt.Errorf("attach evidence: investigation id %q is not an investigation; "+
			"pass the id Taegis returned", investigationID)
	}
	moved := 0
	err := db.write(ctx, "attach evidence to "+investigationID, func(tx *sql.Tx) error {
		for _, e := range filed {
			out, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO investigation_evidence
				(evidence_type, id, tenant_id, investigation_id)
				SELECT evidence_type, id, tenant_id, ? FROM investigation_evidence
				WHERE id = ? AND investigation_id = ? AND tenant_id = ?`,
				investigationID, e.ID, New, tenant)
			if err != nil {
				return fmt.Errorf("copy %s %s: %w", e.Type, e.ID, err)
			}
			if _, err := out.RowsAffected(); err != nil {
				return err
			}
			out, err = tx.ExecContext(ctx, `DELETE FROM investigation_evidence
				WHERE id = ? AND investigation_id = ? AND tenant_id = ?`, e.ID, New, tenant)
			if err != nil {
				return fmt.Errorf("unstage %s %s from %s: %w", e.Type, e.ID, New, err)
			}
			n, err := out.RowsAffected()
			if err != nil {
				return err
			}
			moved += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return moved, nil
}

// Detach removes the given rows from investigationID after Taegis removed them from that
// investigation, in one transaction, and returns how many it removed.
func (db *DB) Detach(ctx context.Context, investigationID string, removed []Evidence) (int,
	error) {
	if investigationID == "" {
		return 0, errors.New("detach evidence: an investigation id is required")
	}
	n := 0
	err := db.write(ctx, "detach evidence from "+investigationID, func(tx *sql.Tx) error {
		for _, e := range removed {
			out, err := tx.ExecContext(ctx, `DELETE FROM investigation_evidence
				WHERE id = ? AND investigation_id = ?`, e.ID, investigationID)
			if err != nil {
				return fmt.Errorf("delete %s %s: %w", e.Type, e.ID, err)
			}
			k, err := out.RowsAffected()
			if err != nil {
				return err
			}
			n += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// IDs groups rows by type into id lists, the shape the investigation mutations take.
func IDs(rows []Evidence) map[Type][]string {
	out := map[Type][]string{}
	for _, e := range rows {
		out[e.Type] = append(out[e.Type], e.ID)
	}
	return out
}

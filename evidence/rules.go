package evidence

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Type is the kind of a piece of evidence, as stored in the evidence_type column.
type Type string

// The evidence types. All is not stored: it stages records that each name their own type.
const (
	Alerts        Type = "alerts"
	Events        Type = "events"
	Assets        Type = "assets"
	SearchQueries Type = "search_queries"
	All           Type = "all"
)

// New is the investigation id of evidence staged for an investigation not yet created.
const New = "NEW"

// Types lists the stored evidence types, in display order.
var Types = []Type{Alerts, Events, Assets, SearchQueries}

// ParseType returns the Type named s: one of the stored types, or all.
func ParseType(s string) (Type, error) {
	t := Type(s)
	if t == All {
		return All, nil
	}
	for _, k := range Types {
		if k == t {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown evidence type %q; use one of alerts, events, assets, "+
		"search_queries, all", s)
}

// TypeColumns are the columns, first present wins, that name each record's evidence type when
// staging with type all: the column taegis-magic's inflate_evidence writes, then the column
// name of the staging table itself, so rows listed by [DB.Show] can be passed back.
var TypeColumns = []string{"taegis_magic.evidence_type", "evidence_type"}

// InvestigationColumn names each record's investigation id when staging with type all.
const InvestigationColumn = "investigation_id"

// IDColumns returns the columns, first present wins, that hold the evidence id of records of
// type t. Alerts, events and search queries follow taegis-magic: taegis_magic.evidence_id,
// then resource_id (events), then id (alerts, tracked queries). Assets use
// taegis_magic.evidence_id, then id (an asset's id, not its host id).
//
// For alerts and events one refinement keeps wrong ids out: when an earlier column's values
// are not all ids of the type (alert://..., event://...) and a later column's are, the later
// column wins. Taegis events carry their id in resource_id; sources that put an asset's
// resource name there and the event id in id still stage the event.
func IDColumns(t Type) []string {
	if t == Assets {
		return []string{"taegis_magic.evidence_id", "id"}
	}
	return []string{"taegis_magic.evidence_id", "resource_id", "id"}
}

// TenantColumns are the columns that hold a record's tenant id: taegis-magic's tenant_id,
// tenant.id and event_data.tenant_id, then tenantId, the field name of GraphQL records such
// as assets. Each record takes the first of them that has a value in it, so a row whose
// tenant_id is empty still finds its tenant.id.
var TenantColumns = []string{"tenant_id", "tenant.id", "event_data.tenant_id", "tenantId"}

// idScheme is the prefix every id of a type carries in Taegis, where there is one.
func idScheme(t Type) string {
	switch t {
	case Alerts:
		return "alert://"
	case Events:
		return "event://"
	}
	return ""
}

// lookup returns the value of column col in record r. A dotted column matches a key of that
// name, as in a flattened DataFrame, or the same path through nested objects, as in the
// CLI's JSON.
func lookup(r map[string]any, col string) (any, bool) {
	if v, ok := r[col]; ok {
		return v, true
	}
	for i := strings.IndexByte(col, '.'); i > 0; {
		if m, ok := r[col[:i]].(map[string]any); ok {
			if v, ok := lookup(m, col[i+1:]); ok {
				return v, true
			}
		}
		next := strings.IndexByte(col[i+1:], '.')
		if next < 0 {
			break
		}
		i += next + 1
	}
	return nil, false
}

// text returns v as the text stored in the database, and false when v is a missing value
// (nil, NaN, the empty string). Numbers are written without a fraction when they are whole,
// as pandas writes integer ids.
func text(v any) (string, bool, error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, x != "", nil
	case json.Number:
		if !strings.ContainsAny(x.String(), ".eE") {
			return x.String(), true, nil
		}
		f, err := x.Float64()
		if err != nil {
			return x.String(), true, nil
		}
		return text(f)
	case float64:
		if math.IsNaN(x) {
			return "", false, nil
		}
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return strconv.FormatInt(int64(x), 10), true, nil
		}
		return strconv.FormatFloat(x, 'g', -1, 64), true, nil
	case float32:
		return text(float64(x))
	case int:
		return strconv.Itoa(x), true, nil
	case int64:
		return strconv.FormatInt(x, 10), true, nil
	case int32:
		return strconv.FormatInt(int64(x), 10), true, nil
	case uint64:
		return strconv.FormatUint(x, 10), true, nil
	case bool:
		return "", false, fmt.Errorf("holds the boolean %v, not an id", x)
	case fmt.Stringer:
		s := x.String()
		return s, s != "", nil
	}
	return "", false, fmt.Errorf("holds a %T, not an id", v)
}

// present reports whether any record has column col.
func present(records []map[string]any, col string) bool {
	for _, r := range records {
		if _, ok := lookup(r, col); ok {
			return true
		}
	}
	return false
}

// firstPresent returns the first of cols that some record has, or "".
func firstPresent(records []map[string]any, cols []string) string {
	for _, c := range cols {
		if present(records, c) {
			return c
		}
	}
	return ""
}

// idColumn picks the column holding the evidence id of records of type t.
func idColumn(records []map[string]any, t Type) (string, error) {
	cols := IDColumns(t)
	var found []string
	for _, c := range cols {
		if present(records, c) {
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		return "", fmt.Errorf("no evidence id column for %s: looked for %s; the records "+
			"have %s (keep the id column when filtering)", t, strings.Join(cols, ", "),
			columnList(records))
	}
	if scheme := idScheme(t); scheme != "" && !allHave(records, found[0], scheme) {
		for _, c := range found[1:] {
			if allHave(records, c, scheme) {
				return c, nil
			}
		}
	}
	return found[0], nil
}

// allHave reports whether every value of col is text starting with prefix, and there is one.
func allHave(records []map[string]any, col, prefix string) bool {
	seen := false
	for _, r := range records {
		v, ok := lookup(r, col)
		if !ok || v == nil {
			continue
		}
		s, isText := v.(string)
		if !isText || !strings.HasPrefix(s, prefix) {
			return false
		}
		seen = true
	}
	return seen
}

// columnList names the columns of records, sorted, for error messages.
func columnList(records []map[string]any) string {
	set := map[string]bool{}
	for _, r := range records {
		for k := range r {
			set[k] = true
		}
	}
	if len(set) == 0 {
		return "no columns"
	}
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	sort.Strings(names)
	const most = 20
	if len(names) > most {
		return "columns " + strings.Join(names[:most], ", ") +
			fmt.Sprintf(" and %d more", len(names)-most)
	}
	return "columns " + strings.Join(names, ", ")
}

// row is one piece of evidence extracted from a record, before it is written.
type row struct {
	typ    Type
	id     string
	tenant string
	inv    string
}

// extract turns records of one type into rows for investigation inv, taking each record's
// tenant from its tenant column, else fallbackTenant. needTenant is false for unstaging,
// which matches rows by id alone.
func extract(records []map[string]any, t Type, inv, fallbackTenant string,
	needTenant bool) ([]row, error) {
	idCol, err := idColumn(records, t)
	if err != nil {
		return nil, err
	}
	rows := make([]row, 0, len(records))
	for i, r := range records {
		v, _ := lookup(r, idCol)
		id, ok, err := text(v)
		if err != nil {
			return nil, fmt.Errorf("record %d: column %s %w", i, idCol, err)
		}
		if !ok {
			return nil, fmt.Errorf("record %d has no value in %s, the evidence id column for "+
				"%s; drop rows without an id before staging", i, idCol, t)
		}
		tenant, err := recordTenant(r)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		if tenant == "" {
			tenant = fallbackTenant
		}
		if tenant == "" && needTenant {
			return nil, fmt.Errorf("record %d (id %s) has no tenant: looked for %s; the "+
				"records have %s (pass a tenant)", i, id, strings.Join(TenantColumns, ", "),
				columnList(records))
		}
		rows = append(rows, row{typ: t, id: id, tenant: tenant, inv: inv})
	}
	return rows, nil
}

// recordTenant returns the first value of [TenantColumns] that r has, or "".
func recordTenant(r map[string]any) (string, error) {
	for _, c := range TenantColumns {
		v, ok := lookup(r, c)
		if !ok {
			continue
		}
		s, ok, err := text(v)
		if err != nil {
			return "", fmt.Errorf("column %s %w", c, err)
		}
		if ok {
			return s, nil
		}
	}
	return "", nil
}

// group is the records of one (type, investigation) pair of a type-all staging.
type group struct {
	typ     Type
	inv     string
	records []map[string]any
}

// groupAll splits records that each name their type and investigation into groups, in the
// order the groups first appear.
func groupAll(records []map[string]any) ([]group, error) {
	typeCol := firstPresent(records, TypeColumns)
	if typeCol == "" || !present(records, InvestigationColumn) {
		return nil, fmt.Errorf("staging type all needs columns %s and %s, as "+
			"inflate_evidence writes; the records have %s", strings.Join(TypeColumns, " or "),
			InvestigationColumn, columnList(records))
	}
	var groups []group
	index := map[[2]string]int{}
	for i, r := range records {
		tv, _ := lookup(r, typeCol)
		ts, ok, err := text(tv)
		if err != nil || !ok {
			return nil, fmt.Errorf("record %d has no evidence type in %s", i, typeCol)
		}
		t, err := ParseType(ts)
		if err != nil || t == All {
			return nil, fmt.Errorf("record %d: %s %q is not a stored evidence type",
				i, typeCol, ts)
		}
		iv, _ := lookup(r, InvestigationColumn)
		inv, ok, err := text(iv)
		if err != nil || !ok {
			return nil, fmt.Errorf("record %d has no investigation id in %s",
				i, InvestigationColumn)
		}
		key := [2]string{ts, inv}
		g, ok := index[key]
		if !ok {
			g = len(groups)
			index[key] = g
			groups = append(groups, group{typ: t, inv: inv})
		}
		groups[g].records = append(groups[g].records, r)
	}
	return groups, nil
}

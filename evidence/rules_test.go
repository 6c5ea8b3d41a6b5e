package evidence

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

func memDB(t testing.TB) *DB {
	t.Helper()
	db, err := Open(Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

type rec = map[string]any

func TestStageRules(t *testing.T) {
	tests := []struct {
		name    string
		records []map[string]any
		opts    StageOptions
		want    []Evidence
		wantErr []string
	}{
		{
			name:    "alerts use id and tenant_id",
			records: []map[string]any{{"id": "alert://a1", "tenant_id": "50001", "x": 1}},
			opts:    StageOptions{Type: Alerts},
			want:    []Evidence{{Alerts, "alert://a1", "50001", New}},
		},
		{
			name: "events use resource_id before id",
			records: []map[string]any{
				{"resource_id": "event://e1", "id": "other", "tenant_id": "50001"},
			},
			opts: StageOptions{Type: Events},
			want: []Evidence{{Events, "event://e1", "50001", New}},
		},
		{
			name: "events take id when resource_id holds no event ids",
			records: []map[string]any{
				{"resource_id": "rn:asset:50001:h1", "id": "event://e1", "tenant_id": "50001"},
				{"resource_id": nil, "id": "event://e2", "tenant_id": "50001"},
			},
			opts: StageOptions{Type: Events},
			want: []Evidence{
				{Events, "event://e1", "50001", New}, {Events, "event://e2", "50001", New},
			},
		},
		{
			name: "taegis_magic.evidence_id wins over resource_id and id",
			records: []map[string]any{{
				"taegis_magic.evidence_id": "E", "resource_id": "R", "id": "I",
				"tenant_id": "t",
			}},
			opts: StageOptions{Type: Events},
			want: []Evidence{{Events, "E", "t", New}},
		},
		{
			name: "nested taegis_magic evidence id, as the CLI's JSON nests it",
			records: []map[string]any{{
				"taegis_magic": rec{"evidence_id": "E"}, "id": "I", "tenant": rec{"id": "t"},
			}},
			opts: StageOptions{Type: Alerts},
			want: []Evidence{{Alerts, "E", "t", New}},
		},
		{
			name:    "flattened tenant.id",
			records: []map[string]any{{"id": "a", "tenant.id": "t2"}},
			opts:    StageOptions{Type: Alerts},
			want:    []Evidence{{Alerts, "a", "t2", New}},
		},
		{
			name:    "event_data.tenant_id",
			records: []map[string]any{{"id": "a", "event_data": rec{"tenant_id": "t3"}}},
			opts:    StageOptions{Type: Alerts},
			want:    []Evidence{{Alerts, "a", "t3", New}},
		},
		{
			name: "tenant_id wins over tenant.id",
			records: []map[string]any{
				{"id": "a", "tenant.id": "other", "tenant_id": "t1"},
			},
			opts: StageOptions{Type: Alerts},
			want: []Evidence{{Alerts, "a", "t1", New}},
		},
		{
			name: "assets use id, not hostId, and GraphQL tenantId",
			records: []map[string]any{
				{"id": "asset-1", "hostId": "host-1", "tenantId": "50002"},
			},
			opts: StageOptions{Type: Assets},
			want: []Evidence{{Assets, "asset-1", "50002", New}},
		},
		{
			name: "tenant option fills records without a tenant; a record's own wins",
			records: []map[string]any{
				{"id": "a", "tenant_id": "own"}, {"id": "b", "tenant_id": nil}, {"id": "c"},
			},
			opts: StageOptions{Type: Alerts, Tenant: "given"},
			want: []Evidence{
				{Alerts, "b", "given", New}, {Alerts, "c", "given", New},
				{Alerts, "a", "own", New},
			},
		},
		{
			name:    "investigation id",
			records: []map[string]any{{"id": "a", "tenant_id": "t"}},
			opts:    StageOptions{Type: Alerts, InvestigationID: "inv-1"},
			want:    []Evidence{{Alerts, "a", "t", "inv-1"}},
		},
		{
			name: "numeric ids are stored as whole numbers",
			records: []map[string]any{
				{"id": json.Number("123456789012345678901"), "tenant_id": json.Number("50001")},
				{"id": float64(42), "tenant_id": 50001},
				{"id": 1.5, "tenant_id": "t"},
			},
			opts: StageOptions{Type: SearchQueries},
			want: []Evidence{
				{SearchQueries, "123456789012345678901", "50001", New},
				{SearchQueries, "42", "50001", New},
				{SearchQueries, "1.5", "t", New},
			},
		},
		{
			name: "duplicates in the input are kept once",
			records: []map[string]any{
				{"id": "a", "tenant_id": "t"}, {"id": "a", "tenant_id": "t"},
				{"id": "b", "tenant_id": "t"},
			},
			opts: StageOptions{Type: Alerts},
			want: []Evidence{{Alerts, "a", "t", New}, {Alerts, "b", "t", New}},
		},
		{
			name:    "no id column names the columns looked for and present",
			records: []map[string]any{{"title": "x", "tenant_id": "t"}},
			opts:    StageOptions{Type: Alerts},
			wantErr: []string{
				"no evidence id column for alerts",
				"taegis_magic.evidence_id, resource_id, id", "columns tenant_id, title",
			},
		},
		{
			name:    "no tenant names the tenant columns",
			records: []map[string]any{{"id": "a"}},
			opts:    StageOptions{Type: Alerts},
			wantErr: []string{
				"record 0 (id a) has no tenant",
				"tenant_id, tenant.id, event_data.tenant_id, tenantId", "pass a tenant",
			},
		},
		{
			name: "a missing id value stages nothing",
			records: []map[string]any{
				{"id": "a", "tenant_id": "t"}, {"id": math.NaN(), "tenant_id": "t"},
			},
			opts:    StageOptions{Type: Alerts},
			wantErr: []string{"record 1 has no value in id"},
		},
		{
			name:    "an id that is not a scalar",
			records: []map[string]any{{"id": []any{"a"}, "tenant_id": "t"}},
			opts:    StageOptions{Type: Alerts},
			wantErr: []string{"record 0: column id holds a []interface {}, not an id"},
		},
		{
			name:    "type all is refused by Stage",
			records: []map[string]any{{"id": "a", "tenant_id": "t"}},
			opts:    StageOptions{Type: All},
			wantErr: []string{"use StageAll"},
		},
		{
			name:    "unknown type",
			records: []map[string]any{{"id": "a", "tenant_id": "t"}},
			opts:    StageOptions{Type: "alert"},
			wantErr: []string{`unknown evidence type "alert"`},
		},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := memDB(t)
			_, err := db.Stage(ctx, tt.records, tt.opts)
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("Stage succeeded, want an error with %q", tt.wantErr)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				if rows := show(t, db, Filter{}); len(rows) != 0 {
					t.Errorf("a failed stage left rows: %v", rows)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := show(t, db, Filter{}); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("staged\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func show(t *testing.T, db *DB, f Filter) []Evidence {
	t.Helper()
	rows, err := db.Show(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestParseType(t *testing.T) {
	for _, s := range []string{"alerts", "events", "assets", "search_queries", "all"} {
		if got, err := ParseType(s); err != nil || string(got) != s {
			t.Errorf("ParseType(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "Alerts", "alert", "queries"} {
		if _, err := ParseType(s); err == nil {
			t.Errorf("ParseType(%q) succeeded", s)
		}
	}
}

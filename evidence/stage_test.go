package evidence

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func alerts(tenant string, ids ...string) []map[string]any {
	out := make([]map[string]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"id": id, "tenant_id": tenant}
	}
	return out
}

func TestStageCounts(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	steps := []struct {
		name    string
		records []map[string]any
		opts    StageOptions
		want    StageResult
	}{
		{
			name: "first stage", records: alerts("t1", "a", "b", "c"),
			opts: StageOptions{Type: Alerts},
			want: StageResult{Action: ActionStage, Type: Alerts, InvestigationID: New,
				Before: 0, After: 3, Added: 3},
		},
		{
			name: "overlap adds only the new", records: alerts("t1", "b", "c", "d", "d"),
			opts: StageOptions{Type: Alerts},
			want: StageResult{Action: ActionStage, Type: Alerts, InvestigationID: New,
				Before: 3, After: 4, Added: 1},
		},
		{
			name: "same again adds nothing", records: alerts("t1", "a", "d"),
			opts: StageOptions{Type: Alerts},
			want: StageResult{Action: ActionStage, Type: Alerts, InvestigationID: New,
				Before: 4, After: 4, Added: 0},
		},
		{
			name: "counts are per type", records: alerts("t1", "e1", "e2"),
			opts: StageOptions{Type: Events},
			want: StageResult{Action: ActionStage, Type: Events, InvestigationID: New,
				Before: 0, After: 2, Added: 2},
		},
		{
			name: "counts span tenants", records: alerts("t2", "x"),
			opts: StageOptions{Type: Alerts},
			want: StageResult{Action: ActionStage, Type: Alerts, InvestigationID: New,
				Before: 4, After: 5, Added: 1},
		},
		{
			name:    "same ids under another investigation are other rows",
			records: alerts("t1", "a", "b"),
			opts:    StageOptions{Type: Alerts, InvestigationID: "inv-9"},
			want: StageResult{Action: ActionStage, Type: Alerts, InvestigationID: "inv-9",
				Before: 0, After: 2, Added: 2},
		},
		{
			name:    "an id staged as another type is not staged again",
			records: alerts("t1", "e1"), opts: StageOptions{Type: Alerts},
			want: StageResult{Action: ActionStage, Type: Alerts, InvestigationID: New,
				Before: 5, After: 5, Added: 0},
		},
		{
			name: "nothing to stage", records: nil, opts: StageOptions{Type: Alerts},
			want: StageResult{Action: ActionStage, Type: Alerts, InvestigationID: New,
				Before: 5, After: 5},
		},
	}
	for _, s := range steps {
		got, err := db.Stage(ctx, s.records, s.opts)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: got %+v, want %+v", s.name, got, s.want)
		}
		if got.Difference() != got.Added {
			t.Errorf("%s: difference %d, added %d", s.name, got.Difference(), got.Added)
		}
	}
}

func TestUnstage(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	mustStage(t, db, alerts("t1", "a", "b", "c"), StageOptions{Type: Alerts})
	mustStage(t, db, alerts("t1", "a"), StageOptions{Type: Alerts, InvestigationID: "inv"})
	mustStage(t, db, alerts("t1", "e"), StageOptions{Type: Events})

	// No tenant column is needed to unstage, and a type mismatch removes nothing.
	got, err := db.Unstage(ctx, []map[string]any{{"id": "a"}, {"id": "e"}, {"id": "zz"}},
		StageOptions{Type: Alerts})
	if err != nil {
		t.Fatal(err)
	}
	want := StageResult{Action: ActionUnstage, Type: Alerts, InvestigationID: New,
		Before: 3, After: 2, Removed: 1}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	rest := show(t, db, Filter{})
	wantRest := []Evidence{
		{Alerts, "b", "t1", New}, {Alerts, "c", "t1", New}, {Events, "e", "t1", New},
		{Alerts, "a", "t1", "inv"},
	}
	if !reflect.DeepEqual(rest, wantRest) {
		t.Errorf("left\n%v\nwant\n%v", rest, wantRest)
	}
	if _, err := db.Unstage(ctx, []map[string]any{{"title": "x"}},
		StageOptions{Type: Alerts}); err == nil || !strings.Contains(err.Error(), "looked for") {
		t.Errorf("unstage without an id column: %v", err)
	}
}

func mustStage(t *testing.T, db *DB, records []map[string]any, opts StageOptions) StageResult {
	t.Helper()
	res, err := db.Stage(context.Background(), records, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestStageAll(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	records := []map[string]any{
		{"taegis_magic.evidence_type": "alerts", "taegis_magic.evidence_id": "a1",
			"investigation_id": "inv-1", "tenant_id": "t1"},
		{"taegis_magic.evidence_type": "events", "taegis_magic.evidence_id": "e1",
			"investigation_id": "inv-1", "tenant_id": "t1"},
		{"taegis_magic.evidence_type": "alerts", "taegis_magic.evidence_id": "a2",
			"investigation_id": "inv-1", "tenant_id": "t1"},
		{"taegis_magic.evidence_type": "search_queries", "taegis_magic.evidence_id": "q1",
			"investigation_id": "inv-2"},
	}
	got, err := db.StageAll(ctx, records, "t9")
	if err != nil {
		t.Fatal(err)
	}
	want := []StageResult{
		{Action: ActionStage, Type: Alerts, InvestigationID: "inv-1", After: 2, Added: 2},
		{Action: ActionStage, Type: Events, InvestigationID: "inv-1", After: 1, Added: 1},
		{Action: ActionStage, Type: SearchQueries, InvestigationID: "inv-2", After: 1, Added: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if rows := show(t, db, Filter{InvestigationID: "inv-2"}); len(rows) != 1 ||
		rows[0].Tenant != "t9" {
		t.Errorf("search query row %v, want tenant t9 from the fallback", rows)
	}

	// Rows listed by Show go back through UnstageAll.
	var back []map[string]any
	for _, e := range show(t, db, Filter{InvestigationID: "inv-1"}) {
		back = append(back, e.Record())
	}
	res, err := db.UnstageAll(ctx, back)
	if err != nil {
		t.Fatal(err)
	}
	removed := 0
	for _, r := range res {
		removed += r.Removed
	}
	if removed != 3 {
		t.Errorf("UnstageAll removed %d, want 3 (%+v)", removed, res)
	}
	if rows := show(t, db, Filter{}); len(rows) != 1 || rows[0].ID != "q1" {
		t.Errorf("left %v, want only q1", rows)
	}

	_, err = db.StageAll(ctx, alerts("t1", "a"), "")
	if err == nil || !strings.Contains(err.Error(), "needs columns") {
		t.Errorf("StageAll without type columns: %v", err)
	}
	_, err = db.StageAll(ctx, []map[string]any{
		{"evidence_type": "widgets", "id": "a", "investigation_id": "i", "tenant_id": "t"},
	}, "")
	if err == nil || !strings.Contains(err.Error(), `"widgets" is not a stored evidence type`) {
		t.Errorf("StageAll with an unknown type: %v", err)
	}
}

func TestShowAndClear(t *testing.T) {
	ctx := context.Background()
	fill := func(t *testing.T) *DB {
		db := memDB(t)
		mustStage(t, db, alerts("t1", "a1", "a2"), StageOptions{Type: Alerts})
		mustStage(t, db, alerts("t1", "e1"), StageOptions{Type: Events})
		mustStage(t, db, alerts("t2", "a3"), StageOptions{Type: Alerts})
		mustStage(t, db, alerts("t2", "s1"), StageOptions{Type: Assets})
		mustStage(t, db, alerts("t1", "a4"), StageOptions{Type: Alerts, InvestigationID: "i"})
		return db
	}
	tests := []struct {
		name   string
		filter Filter
		want   []string
	}{
		{"all", Filter{}, []string{"a1", "a2", "a3", "s1", "e1", "a4"}},
		{"type all is any type", Filter{Type: All}, []string{"a1", "a2", "a3", "s1", "e1",
			"a4"}},
		{"tenant", Filter{Tenant: "t2"}, []string{"a3", "s1"}},
		{"type", Filter{Type: Alerts}, []string{"a1", "a2", "a3", "a4"}},
		{"new", Filter{InvestigationID: New}, []string{"a1", "a2", "a3", "s1", "e1"}},
		{"tenant and type and new", Filter{Tenant: "t1", Type: Alerts, InvestigationID: New},
			[]string{"a1", "a2"}},
		{"nothing", Filter{Tenant: "t3"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := fill(t)
			var got []string
			for _, e := range show(t, db, tt.filter) {
				got = append(got, e.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Show = %v, want %v", got, tt.want)
			}
			n, err := db.Clear(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(tt.want) {
				t.Errorf("Clear removed %d, want %d", n, len(tt.want))
			}
			if left := show(t, db, Filter{}); len(left) != 6-len(tt.want) {
				t.Errorf("after Clear %d rows left, want %d", len(left), 6-len(tt.want))
			}
		})
	}
	db := memDB(t)
	if _, err := db.Show(ctx, Filter{Type: "widgets"}); err == nil {
		t.Error("Show with an unknown type succeeded")
	}
}

func TestStagedAndAttach(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	mustStage(t, db, alerts("t1", "a1", "a2"), StageOptions{Type: Alerts})
	mustStage(t, db, alerts("t1", "e1"), StageOptions{Type: Events})
	mustStage(t, db, alerts("t2", "a9"), StageOptions{Type: Alerts})
	mustStage(t, db, alerts("t1", "old"), StageOptions{Type: Alerts, InvestigationID: "inv-0"})

	if _, err := db.Staged(ctx, ""); err == nil {
		t.Fatal("Staged without a tenant succeeded; it must not take every tenant's evidence")
	}
	staged, err := db.Staged(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	want := []Evidence{
		{Alerts, "a1", "t1", New}, {Alerts, "a2", "t1", New}, {Events, "e1", "t1", New},
	}
	if !reflect.DeepEqual(staged, want) {
		t.Fatalf("Staged(t1) = %v, want %v", staged, want)
	}
	ids := IDs(staged)
	if !reflect.DeepEqual(ids[Alerts], []string{"a1", "a2"}) ||
		!reflect.DeepEqual(ids[Events], []string{"e1"}) {
		t.Errorf("IDs = %v", ids)
	}

	// A create that failed calls no Attach: everything stays staged.
	if again, _ := db.Staged(ctx, "t1"); !reflect.DeepEqual(again, want) {
		t.Errorf("staged after a failed create: %v", again)
	}

	// Between Staged and Attach another process stages one more row for t1.
	mustStage(t, db, alerts("t1", "late"), StageOptions{Type: Alerts})

	moved, err := db.Attach(ctx, "t1", "inv-1", staged)
	if err != nil {
		t.Fatal(err)
	}
	if moved != 3 {
		t.Errorf("Attach moved %d, want 3", moved)
	}
	left, _ := db.Staged(ctx, "t1")
	if !reflect.DeepEqual(left, []Evidence{{Alerts, "late", "t1", New}}) {
		t.Errorf("t1 still staged %v, want only the row staged after Staged", left)
	}
	if other, _ := db.Staged(ctx, "t2"); len(other) != 1 || other[0].ID != "a9" {
		t.Errorf("t2's evidence changed: %v", other)
	}
	filed := show(t, db, Filter{InvestigationID: "inv-1"})
	wantFiled := []Evidence{
		{Alerts, "a1", "t1", "inv-1"}, {Alerts, "a2", "t1", "inv-1"},
		{Events, "e1", "t1", "inv-1"},
	}
	if !reflect.DeepEqual(filed, wantFiled) {
		t.Errorf("filed %v, want %v", filed, wantFiled)
	}

	// Attaching the same rows again moves nothing: nothing is filed twice.
	if moved, err := db.Attach(ctx, "t1", "inv-2", staged); err != nil || moved != 0 {
		t.Errorf("second Attach moved %d, %v; want 0", moved, err)
	}
	// Another tenant's Attach cannot take t1's rows.
	if moved, _ := db.Attach(ctx, "t2", "inv-3", left); moved != 0 {
		t.Errorf("t2 attached %d of t1's rows", moved)
	}
	for _, bad := range []string{"", New} {
		if _, err := db.Attach(ctx, "t1", bad, left); err == nil {
			t.Errorf("Attach to %q succeeded", bad)
		}
	}
	if _, err := db.Attach(ctx, "", "inv-1", left); err == nil {
		t.Error("Attach without a tenant succeeded")
	}
}

func TestAttachToExisting(t *testing.T) {
	// Appending NEW rows to an investigation that already has some of them keeps one row each.
	ctx := context.Background()
	db := memDB(t)
	mustStage(t, db, alerts("t1", "a1"), StageOptions{Type: Alerts, InvestigationID: "inv"})
	mustStage(t, db, alerts("t1", "a1", "a2"), StageOptions{Type: Alerts})
	staged, _ := db.Staged(ctx, "t1")
	if moved, err := db.Attach(ctx, "t1", "inv", staged); err != nil || moved != 2 {
		t.Fatalf("Attach moved %d, %v; want 2", moved, err)
	}
	got := show(t, db, Filter{})
	want := []Evidence{{Alerts, "a1", "t1", "inv"}, {Alerts, "a2", "t1", "inv"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}

	n, err := db.Detach(ctx, "inv", []Evidence{{Alerts, "a1", "t1", "inv"}, {ID: "zz"}})
	if err != nil || n != 1 {
		t.Fatalf("Detach removed %d, %v; want 1", n, err)
	}
	if got := show(t, db, Filter{}); len(got) != 1 || got[0].ID != "a2" {
		t.Errorf("after Detach %v", got)
	}
	if _, err := db.Detach(ctx, "", nil); err == nil {
		t.Error("Detach without an investigation id succeeded")
	}
}

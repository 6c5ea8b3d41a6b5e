package evidence

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/go-gota/gota/dataframe"
)

// TestStageFrameRows stages the rows of a gota DataFrame, as the magics pass them: flattened
// column names, missing values as nil.
func TestStageFrameRows(t *testing.T) {
	df := dataframe.LoadRecords([][]string{
		{"id", "tenant.id", "metadata.title", "metadata.severity"},
		{"alert://priv:d:50001:1:a", "50001", "Encoded PowerShell", "0.8"},
		{"alert://priv:d:50002:2:b", "NaN", "Beaconing", "NaN"},
		{"alert://priv:d:50001:1:a", "50001", "Encoded PowerShell", "0.8"},
	})
	if df.Err != nil {
		t.Fatal(df.Err)
	}
	db := memDB(t)
	res, err := db.Stage(context.Background(), df.Maps(),
		StageOptions{Type: Alerts, Tenant: "50002"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 {
		t.Errorf("added %d, want 2", res.Added)
	}
	want := []Evidence{
		{Alerts, "alert://priv:d:50001:1:a", "50001", New},
		{Alerts, "alert://priv:d:50002:2:b", "50002", New},
	}
	if got := show(t, db, Filter{}); !reflect.DeepEqual(got, want) {
		t.Errorf("staged %v, want %v", got, want)
	}

	// A frame filtered down to columns without an id says what it looked for.
	_, err = db.Stage(context.Background(), df.Select([]string{"metadata.title"}).Maps(),
		StageOptions{Type: Alerts})
	if err == nil {
		t.Fatal("staging a frame without an id column succeeded")
	}
	const msg = "stage alerts: no evidence id column for alerts: looked for " +
		"taegis_magic.evidence_id, resource_id, id; the records have columns metadata.title " +
		"(keep the id column when filtering)"
	if err.Error() != msg {
		t.Errorf("error\n%s\nwant\n%s", err, msg)
	}
}

func BenchmarkStage(b *testing.B) {
	records := make([]map[string]any, 10000)
	for i := range records {
		records[i] = map[string]any{
			"id":          fmt.Sprintf("event://priv:process:50001:%d:b%d", i, i),
			"resource_id": "rn:asset:50001:h1", "tenant_id": "50001",
		}
	}
	db := memDB(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if _, err := db.Clear(ctx, Filter{}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Stage(ctx, records, StageOptions{Type: Events}); err != nil {
			b.Fatal(err)
		}
	}
}

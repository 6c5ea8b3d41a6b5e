package evidence

import (
	"context"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestTrackErrors(t *testing.T) {
	db := memDB(t)
	tests := []struct {
		q    SearchQuery
		want string
	}{
		{SearchQuery{Tenant: "t", Query: "q"}, "no query id"},
		{SearchQuery{ID: "1", Query: "q"}, "no tenant id"},
		{SearchQuery{ID: "1", Tenant: "t"}, "no query text"},
	}
	for _, tt := range tests {
		_, err := db.Track(context.Background(), tt.q)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Track(%+v) = %v, want %q", tt.q, err, tt.want)
		}
	}
	if qs, _ := db.Queries(context.Background()); len(qs) != 0 {
		t.Errorf("refused queries were queued: %v", qs)
	}
}

func TestSearchQueryQueue(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	track := func(q SearchQuery) bool {
		t.Helper()
		added, err := db.Track(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return added
	}
	if !track(SearchQuery{ID: "q1", Tenant: "t1", Query: "FROM alert", ResultsReturned: 10,
		TotalResults: 120}) {
		t.Fatal("q1 not added")
	}
	if !track(SearchQuery{ID: "q2", Tenant: "t2", Query: "FROM process"}) {
		t.Fatal("q2 not added")
	}
	if track(SearchQuery{ID: "q1", Tenant: "t1", Query: "FROM alert again"}) {
		t.Error("tracking q1 twice added it twice")
	}
	if !track(SearchQuery{ID: "q3", Tenant: "t1", Query: "FROM netflow"}) {
		t.Fatal("q3 not added")
	}

	qs, err := db.Queries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 3 {
		t.Fatalf("queued %v, want 3", qs)
	}
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	for _, q := range qs {
		if !stamp.MatchString(q.InsertedTime) {
			t.Errorf("inserted time %q is not upstream's format", q.InsertedTime)
		}
	}
	q1 := qs[0]
	q1.InsertedTime = ""
	if q1 != (SearchQuery{ID: "q1", Tenant: "t1", Query: "FROM alert", ResultsReturned: 10,
		TotalResults: 120}) {
		t.Errorf("q1 read back as %+v", q1)
	}

	if ok, err := db.Untrack(ctx, "q3"); err != nil || !ok {
		t.Errorf("Untrack(q3) = %v, %v", ok, err)
	}
	if ok, _ := db.Untrack(ctx, "q3"); ok {
		t.Error("Untrack(q3) twice reported a removal")
	}

	// Staging moves the whole queue into the evidence, keeping each tenant, and empties it.
	res, err := db.StageQueries(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := StageResult{Action: ActionStage, Type: SearchQueries, InvestigationID: New,
		After: 2, Added: 2}
	if res != want {
		t.Errorf("StageQueries = %+v, want %+v", res, want)
	}
	if qs, _ := db.Queries(ctx); len(qs) != 0 {
		t.Errorf("queue not emptied: %v", qs)
	}
	staged, _ := db.Staged(ctx, "t1")
	if !reflect.DeepEqual(staged, []Evidence{{SearchQueries, "q1", "t1", New}}) {
		t.Errorf("t1 staged %v", staged)
	}

	// A query tracked again after staging is staged once.
	track(SearchQuery{ID: "q1", Tenant: "t1", Query: "FROM alert"})
	track(SearchQuery{ID: "q4", Tenant: "t1", Query: "FROM dnsquery"})
	res, err = db.StageQueries(ctx, New)
	if err != nil {
		t.Fatal(err)
	}
	if res.Before != 2 || res.After != 3 || res.Added != 1 {
		t.Errorf("second StageQueries = %+v", res)
	}

	// The tenant's queries go with its other evidence when an investigation is created.
	staged, _ = db.Staged(ctx, "t1")
	if n, err := db.Attach(ctx, "t1", "inv-1", staged); err != nil || n != 2 {
		t.Errorf("Attach = %d, %v", n, err)
	}
	if got := IDs(show(t, db, Filter{InvestigationID: "inv-1"}))[SearchQueries]; !reflect.
		DeepEqual(got, []string{"q1", "q4"}) {
		t.Errorf("filed queries %v", got)
	}

	track(SearchQuery{ID: "q5", Tenant: "t1", Query: "q"})
	track(SearchQuery{ID: "q6", Tenant: "t1", Query: "q"})
	if n, err := db.ClearQueries(ctx); err != nil || n != 2 {
		t.Errorf("ClearQueries = %d, %v", n, err)
	}
}

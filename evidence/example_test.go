package evidence_test

import (
	"context"
	"fmt"
	"log"

	"gotaegis/evidence"
)

// The flow of an investigation create: stage, read what one tenant staged, call Taegis, and
// attach only once Taegis accepted it.
func Example() {
	ctx := context.Background()
	db, err := evidence.Open(evidence.Memory)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	alerts := []map[string]any{
		{"id": "alert://priv:det:50001:1:a", "tenant.id": "50001", "metadata.title": "x"},
		{"id": "alert://priv:det:50001:2:b", "tenant.id": "50001", "metadata.title": "y"},
	}
	res, err := db.Stage(ctx, alerts, evidence.StageOptions{Type: evidence.Alerts})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %s: before %d, after %d, difference %d\n",
		res.Action, res.Type, res.Before, res.After, res.Difference())

	if _, err := db.Track(ctx, evidence.SearchQuery{
		ID: "query-1", Tenant: "50001", Query: "FROM alert EARLIEST=-1d",
	}); err != nil {
		log.Fatal(err)
	}
	if _, err := db.StageQueries(ctx, evidence.New); err != nil {
		log.Fatal(err)
	}

	staged, err := db.Staged(ctx, "50001")
	if err != nil {
		log.Fatal(err)
	}
	ids := evidence.IDs(staged)
	fmt.Println("alerts:", ids[evidence.Alerts])
	fmt.Println("search queries:", ids[evidence.SearchQueries])

	// ... createInvestigationV2 with those ids returned the investigation id "inv-1" ...
	moved, err := db.Attach(ctx, "50001", "inv-1", staged)
	if err != nil {
		log.Fatal(err)
	}
	left, _ := db.Staged(ctx, "50001")
	fmt.Printf("attached %d, still staged %d\n", moved, len(left))
	// Output:
	// stage alerts: before 0, after 2, difference 2
	// alerts: [alert://priv:det:50001:1:a alert://priv:det:50001:2:b]
	// search queries: [query-1]
	// attached 3, still staged 0
}

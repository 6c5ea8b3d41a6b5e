package magics

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/emulator"
	"gotaegis/evidence"
)

// stageAlerts searches n alerts of tenant and stages them for a new investigation in db.
func stageAlerts(t *testing.T, e *testEnv, tenant, db string, n int) []map[string]any {
	t.Helper()
	found := e.run(t, "alerts search --tenant "+tenant, "--limit", fmt.Sprint(n), "--cell",
		"FROM alert EARLIEST=-30d")
	if len(found.Records) != n {
		t.Fatalf("found %d alerts of tenant %s, want %d", len(found.Records), tenant, n)
	}
	e.Frame = func(name string) ([]map[string]any, error) {
		if name != "alerts" {
			return nil, fmt.Errorf("no DataFrame %s", name)
		}
		return found.Records, nil
	}
	r := e.run(t, "investigations evidence stage alerts alerts --database "+db)
	if r.Records[0]["difference"] != n {
		t.Fatalf("staged: %v", r.Records)
	}
	return found.Records
}

func TestInvestigationsCreateFilesStagedEvidence(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	db := filepath.Join(t.TempDir(), "evidence.db")
	stageAlerts(t, e, ids[0], db, 4)
	stageAlerts(t, e, ids[1], db, 2) // another tenant's rows stay out of ids[0]'s investigation

	findings := filepath.Join(t.TempDir(), "report.md")
	if err := os.WriteFile(findings, []byte("# Findings\n\nFour alerts."), 0o600); err != nil {
		t.Fatal(err)
	}
	line := "investigations create --tenant " + ids[0] + " --title Hunt --priority HIGH" +
		" --type THREAT_HUNT --assignee @me --database " + db + " --key-findings " + findings

	dry := e.run(t, line+" --dry-run")
	if len(dry.Records[0]["alerts"].([]any)) != 4 || !strings.Contains(dry.Message, "dry run") {
		t.Fatalf("dry run: %v %s", dry.Records, dry.Message)
	}

	// A create that Taegis refuses keeps the staged rows.
	if err := srv.InjectFault(emulator.Fault{Status: 500,
		Operation: "createInvestigationV2"}); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), e.Env, strings.Fields(line))
	if err == nil || !strings.Contains(err.Error(), "stays staged") {
		t.Fatalf("failed create: %v", err)
	}
	staged := show(t, e, db, ids[0], evidence.New)
	if len(staged) != 4 {
		t.Fatalf("after a failed create %d rows are staged, want 4", len(staged))
	}

	r := e.run(t, line)
	rec := r.Records[0]
	id, _ := rec["id"].(string)
	if id == "" || rec["alertsEvidenceCount"] != float64(4) || rec["priority"] != float64(3) ||
		rec["keyFindings"] != "# Findings\n\nFour alerts." || rec["type"] != "THREAT_HUNT" {
		t.Fatalf("created %v", rec)
	}
	if got := show(t, e, db, ids[0], evidence.New); len(got) != 0 {
		t.Fatalf("%d rows still staged under NEW after create", len(got))
	}
	if got := show(t, e, db, ids[0], id); len(got) != 4 {
		t.Fatalf("%d rows filed under %s, want 4", len(got), id)
	}
	if got := show(t, e, db, ids[1], evidence.New); len(got) != 2 {
		t.Fatalf("the other tenant has %d rows staged, want its 2", len(got))
	}

	// The new investigation is found by search, and takes comments.
	found := e.run(t, "investigations search --tenant "+ids[0], "--cell",
		"title = 'Hunt' | head 5")
	if len(found.Records) == 0 || found.Records[0]["title"] != "Hunt" {
		t.Fatalf("search: %v", found.Records)
	}
	e.Cell = "Looked at all four."
	e.run(t, "investigations comment add --tenant "+ids[0]+" --investigation-id "+id+
		" --mention @customer")
	e.Cell = ""
	comments := e.run(t, "investigations comment list --tenant "+ids[0]+
		" --investigation-id "+id)
	if len(comments.Records) != 1 ||
		!strings.Contains(fmt.Sprint(comments.Records[0]), "Looked at all four.\n\n@customer") {
		t.Fatalf("comments: %v", comments.Records)
	}
}

func show(t *testing.T, e *testEnv, db, tenant, investigation string) []map[string]any {
	t.Helper()
	return e.run(t, "investigations evidence show --database "+db+" --tenant "+tenant+
		" --investigation-id "+investigation).Records
}

func TestInvestigationsMerge(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	db := filepath.Join(t.TempDir(), "evidence.db")
	create := func(title string) string {
		r := e.run(t, "investigations create --tenant "+ids[2]+" --title "+title+
			" --key-findings text --assignee @customer --database "+db)
		return r.Records[0]["id"].(string)
	}
	stageAlerts(t, e, ids[2], db, 3)
	source := create("Source")
	target := create("Target")
	r := e.run(t, "investigations merge --tenant "+ids[2]+" --source "+source+
		" --target "+target)
	if r.Records[0]["id"] != target || r.Records[0]["alertsEvidenceCount"] != float64(3) {
		t.Fatalf("merged target: %v", r.Records[0])
	}
	_, err := Run(context.Background(), e.Env, strings.Fields("investigations merge --tenant "+
		ids[2]+" --source "+source+" --target "+target))
	if err == nil || !strings.Contains(err.Error(), "source") {
		t.Fatalf("merging an archived source again: %v", err)
	}
}

// TestNoTrack: --no-track undoes a --track before it, and the last of the two wins.
func TestNoTrack(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	db := filepath.Join(t.TempDir(), "evidence.db")
	for _, tt := range []struct {
		flags  string
		queued int
	}{{"--track --no-track", 0}, {"--no-track --track", 1}, {"--no-track", 1}} {
		e.run(t, "alerts search "+tt.flags+" --database "+db+" --tenant "+ids[0], "--limit",
			"1", "--cell", "FROM alert EARLIEST=-30d")
		list := e.run(t, "investigations search-queries list --database "+db)
		if len(list.Records) != tt.queued {
			t.Errorf("after %s: %d queries queued, want %d", tt.flags, len(list.Records),
				tt.queued)
		}
	}
	e.run(t, "events search --save --no-save --limit 1 --tenant "+ids[0], "--cell",
		"FROM process EARLIEST=-1d")
}

func TestEvidenceAndSearchQueries(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	db := ":memory:"
	e.run(t, "alerts search --track --database "+db+" --tenant "+ids[0], "--limit", "2",
		"--cell", "FROM alert EARLIEST=-30d")
	list := e.run(t, "investigations search-queries list --database "+db)
	if len(list.Records) != 1 || list.Records[0]["tenant_id"] != ids[0] {
		t.Fatalf("queue: %v", list.Records)
	}
	e.run(t, "investigations search-queries add --database "+db+" --query-id q2 --tenant-id "+
		ids[0], "--query", "FROM process")
	st := e.run(t, "investigations search-queries stage --database "+db)
	if st.Records[0]["after"] != 2 {
		t.Fatalf("stage queries: %v", st.Records)
	}
	if got := e.run(t, "investigations search-queries list --database "+db); len(got.Records) != 0 {
		t.Fatalf("queue after stage: %v", got.Records)
	}
	recs := stageAlerts(t, e, ids[0], db, 3)
	shown := e.run(t, "investigations evidence show --evidence-type alerts --database "+db)
	if len(shown.Records) != 3 {
		t.Fatalf("show: %v", shown.Records)
	}
	e.Frame = func(string) ([]map[string]any, error) { return recs[:1], nil }
	un := e.run(t, "investigations evidence unstage alerts first --database "+db)
	if un.Records[0]["after"] != 2 {
		t.Fatalf("unstage: %v", un.Records)
	}
	cl := e.run(t, "investigations evidence clear --database "+db+" --tenant "+ids[0])
	if len(cl.Records) != 0 || !strings.Contains(cl.Message, "cleared 4") {
		t.Fatalf("clear: %v %s", cl.Records, cl.Message)
	}
	for _, tt := range []struct{ line, want string }{
		{"investigations evidence stage widgets x --database :memory:", "unknown evidence type"},
		{"investigations evidence stage alerts", "accepts 2 arg(s)"},
		{"investigations search-queries remove --query-id nope --database :memory:",
			"not queued"},
		{"investigations create --title x --key-findings missing.md --database :memory:",
			"missing.md"},
		{"investigations create --title x --key-findings y --priority urgent", "priority"},
		{"investigations create --title x --key-findings y --priorty HIGH",
			"did you mean --priority?"},
	} {
		if _, err := Run(context.Background(), e.Env, strings.Fields(tt.line)); err == nil ||
			!strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.line, err, tt.want)
		}
	}
}

func TestEvidenceAppendAndRemove(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	db := filepath.Join(t.TempDir(), "evidence.db")
	created := e.run(t, "investigations create --tenant "+ids[1]+" --title Empty"+
		" --key-findings none --assignee @customer --database "+db)
	id := created.Records[0]["id"].(string)
	if created.Records[0]["alertsEvidenceCount"] != nil &&
		created.Records[0]["alertsEvidenceCount"] != float64(0) {
		t.Fatalf("created with evidence: %v", created.Records[0])
	}

	recs := stageAlerts(t, e, ids[1], db, 3)
	got := e.run(t, "investigations evidence append --use-new --tenant "+ids[1]+
		" --investigation-id "+id+" --database "+db)
	if got.Records[0]["alertsEvidenceCount"] != float64(3) {
		t.Fatalf("after append: %v", got.Records[0])
	}
	if len(show(t, e, db, ids[1], id)) != 3 || len(show(t, e, db, ids[1], evidence.New)) != 0 {
		t.Fatal("appended rows were not filed under the investigation")
	}

	// Removing one: stage it under the investigation's id, then remove.
	e.Frame = func(string) ([]map[string]any, error) { return recs[:1], nil }
	e.run(t, "investigations evidence unstage alerts one --investigation-id "+id+
		" --database "+db)
	e.run(t, "investigations evidence stage alerts one --investigation-id "+id+
		" --database "+db)
	all := show(t, e, db, ids[1], id)
	if len(all) != 3 {
		t.Fatalf("%d rows under %s", len(all), id)
	}
	e.run(t, "investigations evidence unstage alerts one --investigation-id "+id+
		" --database "+db)
	// Now the two others are staged under the id: remove them from Taegis.
	got = e.run(t, "investigations evidence remove --tenant "+ids[1]+
		" --investigation-id "+id+" --database "+db)
	if got.Records[0]["alertsEvidenceCount"] != float64(1) {
		t.Fatalf("after remove: %v", got.Records[0])
	}
	if left := show(t, e, db, ids[1], id); len(left) != 0 {
		t.Fatalf("%d rows still under %s after remove", len(left), id)
	}
	_, err := Run(context.Background(), e.Env, strings.Fields("investigations evidence remove"+
		" --tenant "+ids[1]+" --investigation-id "+id+" --database "+db))
	if err == nil || !strings.Contains(err.Error(), "no evidence staged") {
		t.Fatalf("remove with nothing staged: %v", err)
	}
}

func TestEventsByID(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	found := e.run(t, "events search --tenant "+ids[0], "--limit", "2", "--cell",
		"FROM process EARLIEST=-7d")
	if len(found.Records) != 2 || found.Total != -1 || found.Provenance.Pages < 1 {
		t.Fatalf("events search: %d records, total %d", len(found.Records), found.Total)
	}
	rid, _ := found.Records[0]["id"].(string)
	got := e.run(t, "events events --tenant "+ids[0]+" --resource-id "+rid)
	if len(got.Records) != 1 || got.Records[0]["id"] != rid {
		t.Fatalf("events by id %s: %v", rid, got.Records)
	}
	many := e.run(t, "events search --tenant "+ids[0], "--page-size", "7", "--limit", "20",
		"--cell", "FROM process EARLIEST=-7d")
	if len(many.Records) != 20 || !many.Provenance.Truncated || many.Provenance.Pages < 3 {
		t.Fatalf("paged events: %d records, truncated %v, %d pages", len(many.Records),
			many.Provenance.Truncated, many.Provenance.Pages)
	}
}

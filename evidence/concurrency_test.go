package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestConcurrentProcesses starts eight processes that stage into one new file at once, each
// its own events and a set all of them share, a few records per transaction, tracking a
// query per transaction. Nothing may be lost, nothing doubled, and the counts the processes
// report must add up to what the file holds.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a helper program")
	}
	const (
		procs    = 8
		distinct = 60
		shared   = 40
		chunk    = 7
	)
	dir := t.TempDir()
	bin := buildStager(t, dir)
	dbPath := filepath.Join(dir, "shared", "evidence.db")
	start := filepath.Join(dir, "start")

	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for p := range procs {
		tenant := fmt.Sprintf("5000%d", p%2)
		var records []map[string]any
		for i := range distinct {
			records = append(records, map[string]any{
				"id":          fmt.Sprintf("event://priv:process:%s:%d:p%d", tenant, i, p),
				"resource_id": "rn:asset:" + tenant + ":h1", "tenant_id": tenant,
			})
		}
		for i := range shared {
			records = append(records, map[string]any{
				"id":          fmt.Sprintf("event://priv:process:shared:%d:s", i),
				"resource_id": "rn:asset:shared:h1", "tenant_id": "shared",
			})
		}
		rng := rand.New(rand.NewPCG(uint64(p), 1))
		rng.Shuffle(len(records), func(i, j int) { records[i], records[j] = records[j], records[i] })
		file := filepath.Join(dir, fmt.Sprintf("records-%d.json", p))
		writeJSON(t, file, records)

		cmd := exec.Command(bin, "-db", dbPath, "-type", "events", "-chunk", fmt.Sprint(chunk),
			"-track", fmt.Sprintf("q-%d", p), "-tenant", tenant, "-wait", start, file)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if cmd.ProcessState == nil {
				cmd.Process.Kill()
				cmd.Wait()
			}
		})
		cmds, outs = append(cmds, cmd), append(outs, &out)
		defer func() {
			if t.Failed() && errOut.Len() > 0 {
				t.Logf("stager %d: %s", p, errOut.String())
			}
		}()
	}
	if err := os.WriteFile(start, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	added, tracked, stages := 0, 0, 0
	for p, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("stager %d: %v", p, err)
		}
		var rep struct{ Added, Stages, Tracked int }
		if err := json.Unmarshal(outs[p].Bytes(), &rep); err != nil {
			t.Fatalf("stager %d printed %q: %v", p, outs[p].String(), err)
		}
		added, tracked, stages = added+rep.Added, tracked+rep.Tracked, stages+rep.Stages
	}

	db, err := Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows := show(t, db, Filter{})
	want := procs*distinct + shared
	if len(rows) != want {
		t.Errorf("the file holds %d rows, want %d", len(rows), want)
	}
	if added != want {
		t.Errorf("the processes reported %d added, want %d (a row counted twice or lost)",
			added, want)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.ID] {
			t.Errorf("%s staged twice", r.ID)
		}
		seen[r.ID] = true
		if r.Type != Events || r.InvestigationID != New {
			t.Errorf("row %+v", r)
		}
	}
	for p := range procs {
		for i := range distinct {
			id := fmt.Sprintf("event://priv:process:5000%d:%d:p%d", p%2, i, p)
			if !seen[id] {
				t.Errorf("%s lost", id)
			}
		}
	}
	qs, err := db.Queries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != stages || tracked != stages {
		t.Errorf("%d queries queued, %d reported tracked, want %d", len(qs), tracked, stages)
	}
}

func buildStager(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the helper program: %v", err)
	}
	bin := filepath.Join(dir, "stager")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command(goBin, append(args, "./internal/stager")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./internal/stager: %v\n%s", err, out)
	}
	return bin
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gotaegis/emulator"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGoldenResponses checks whole responses, data and errors, against
// testdata/*.golden.json. They are the emulator's own answers, not the generated dataset's.
func TestGoldenResponses(t *testing.T) {
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: t.TempDir(),
		Tenants: 2, Seed: 42, Now: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]
	tests := []struct {
		name, path, tenant, query string
	}{
		{"investigation_types", emulator.PathGraphQL, tenant,
			`{ investigationV2Types { type description } }`},
		{"investigation_statuses", emulator.PathGraphQL, tenant,
			`{ investigationV2Statuses(arguments: {type: THREAT_HUNT}) { status } }`},
		{"application_events", emulator.PathGraphQL, tenant,
			`{ applicationEvents { application event_name description } }`},
		{"error_not_found", emulator.PathGraphQL, tenant,
			`{ investigationV2(arguments: {id: "0000"}) { id } }`},
		{"error_poll_unknown", emulator.PathGraphQL, tenant, `{ alertsServicePoll(in:
			{search_id: "nope", part_id: 2}) { status } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv.URL()+tt.path, tok, tt.tenant, tt.query, nil)
			got, _ := json.MarshalIndent(map[string]any{"data": r.Data, "errors": r.Errors},
				"", "  ")
			got = append(got, '\n')
			path := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenResponses -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("response differs from %s (rerun with -update if the change is "+
					"intended):\n%s", path, got)
			}
		})
	}
}

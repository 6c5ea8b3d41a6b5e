package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestReadFileGolden reads each layout in testdata/records, stages it, and compares the
// records and the staged rows with the golden file beside it.
func TestReadFileGolden(t *testing.T) {
	tests := []struct {
		file string
		typ  Type
	}{
		{"records.json", Alerts},
		{"lines.json", Events},
		{"columns.json", Events},
		{"split.json", Alerts},
		{"table.json", Assets},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "records", tt.file)
			records, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			db := memDB(t)
			res, err := db.Stage(context.Background(), records, StageOptions{Type: tt.typ})
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(map[string]any{
				"records": records, "result": res, "staged": show(t, db, Filter{}),
			}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(path, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", tt.file, golden, got)
			}
		})
	}
}

func TestReadRecordsErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "the input is empty"},
		{"blank", "  \n", "the input is empty"},
		{"not json", "id,tenant_id\na,t\n", "read records"},
		{"a string", `"alerts"`, "the input is a JSON string"},
		{"array of numbers", `[{"id": "a"}, 3]`, "element 2 is a JSON number, not an object"},
		{"one record", `{"id": "a", "tenant_id": "t"}`, `whose "id" is a string`},
		{"lines with an array", "{\"id\": 1}\n[1]\n", "line 2 is a JSON array"},
		{"trailing", `[{"id": "a"}]]`, "after the first JSON value"},
		{"split with short rows", `{"columns": ["id", "x"], "data": [["a"]]}`,
			"row 1 of a split layout does not have 2 values"},
		{"split columns not strings", `{"columns": [1], "data": [[1]]}`, "is not a string"},
		{"table data not an array", `{"schema": {}, "data": {}}`, "is not an array"},
		{"truncated", `[{"id": "a"`, "read records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadRecords(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadRecords(%q) = %v, want an error with %q", tt.in, err, tt.want)
			}
		})
	}
	_, err := ReadFile(filepath.Join(t.TempDir(), "missing.json"))
	if err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("ReadFile of a missing file: %v", err)
	}
}

func TestReadRecordsLayouts(t *testing.T) {
	// Every layout of the same two rows reads to the same records.
	layouts := map[string]string{
		"records": `[{"id": "a", "n": 1}, {"id": "b", "n": 2}]`,
		"lines":   "{\"id\": \"a\", \"n\": 1}\n{\"id\": \"b\", \"n\": 2}\n",
		"columns": `{"id": {"1": "b", "0": "a"}, "n": {"0": 1, "1": 2}}`,
		"split":   `{"columns": ["id", "n"], "index": [0, 1], "data": [["a", 1], ["b", 2]]}`,
		"table":   `{"schema": {"fields": []}, "data": [{"id": "a", "n": 1}, {"id": "b", "n": 2}]}`,
	}
	want := `[{"id":"a","n":1},{"id":"b","n":2}]`
	for name, in := range layouts {
		records, err := ReadRecords(strings.NewReader(in))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got, _ := json.Marshal(records)
		if string(got) != want {
			t.Errorf("%s: read %s, want %s", name, got, want)
		}
	}
}

// FuzzReadRecords feeds arbitrary JSON to the file reader and stages what it reads: neither
// may panic, a failed stage leaves nothing behind, and a stage never adds more rows than
// there are records.
func FuzzReadRecords(f *testing.F) {
	for _, name := range []string{"records", "lines", "columns", "split", "table"} {
		data, err := os.ReadFile(filepath.Join("testdata", "records", name+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`[{"id": 1e400, "tenant_id": true}]`))
	f.Add([]byte(`{"taegis_magic": {"evidence_id": "x"}, "tenant": {"id": {"0": "t"}}}`))
	db, err := Open(Memory)
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		records, err := ReadRecords(bytes.NewReader(data))
		if err != nil {
			return
		}
		if _, err := db.Clear(ctx, Filter{}); err != nil {
			t.Fatal(err)
		}
		res, err := db.Stage(ctx, records, StageOptions{Type: Events, Tenant: "fallback"})
		rows, showErr := db.Show(ctx, Filter{})
		if showErr != nil {
			t.Fatal(showErr)
		}
		if err != nil {
			if len(rows) != 0 {
				t.Fatalf("failed stage (%v) left %d rows", err, len(rows))
			}
			return
		}
		if res.Added > len(records) || len(rows) != res.Added || res.After != res.Added {
			t.Fatalf("%d records gave %+v and %d rows", len(records), res, len(rows))
		}
	})
}

package notebook

import (
	"testing"

	"gotaegis/magics"
)

func TestCacheListAndResultRows(t *testing.T) {
	payload, err := magics.EncodeCache(&magics.Result{Command: "alerts search", Region: "local",
		Tenants: []string{"50003"}, Records: []map[string]any{{"id": "a"}, {"id": "b"}}})
	if err != nil {
		t.Fatal(err)
	}
	nb := &Notebook{Cells: []*Cell{
		{Type: "markdown", Source: "# x"},
		{Type: "code", Outputs: []map[string]any{
			{"output_type": "stream", "name": "stdout", "text": "hi"},
			{"output_type": "display_data", "data": map[string]any{}, "metadata": map[string]any{
				"name": "alerts", "hash": "abc", "data": payload, "created": "2026-12-03T10:00:00Z",
				"taegis": map[string]any{"rows": 2.0}}},
		}},
		{Type: "code", Outputs: []map[string]any{
			{"output_type": "display_data", "data": map[string]any{}, "metadata": map[string]any{
				"name": "old", "hash": "def", "data": "gAR9lC4=",
				"taegis": map[string]any{"rows": 5}}},
			{"output_type": "display_data", "data": map[string]any{}, "metadata": map[string]any{
				"taegis": map[string]any{"rows": 0, "command": "events search"}}},
			// Staging and filing report rows too, but they are not findings.
			{"output_type": "display_data", "data": map[string]any{}, "metadata": map[string]any{
				"taegis": map[string]any{"rows": 4, "command": "investigations evidence stage"}}},
			{"output_type": "display_data", "data": map[string]any{}, "metadata": map[string]any{
				"taegis": map[string]any{"rows": 1, "command": "investigations create"}}},
		}},
	}}
	entries := CacheList(nb)
	if len(entries) != 2 {
		t.Fatalf("entries %v", entries)
	}
	e := entries[0]
	if e.Cell != 1 || e.Name != "alerts" || e.Hash != "abc" || e.Rows != 2 || e.Size != len(payload) ||
		e.Command != "alerts search" || e.Created == "" || e.Err != "" {
		t.Errorf("entry %+v", e)
	}
	if entries[1].Err == "" {
		t.Errorf("a foreign payload decoded: %+v", entries[1])
	}
	if rows, results := ResultRows(nb); rows != 7 || results != 3 {
		t.Errorf("ResultRows = %d rows in %d results, want 7 in 3", rows, results)
	}
}

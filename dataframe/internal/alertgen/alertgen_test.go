package alertgen

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestWriteIsDeterministicJSON(t *testing.T) {
	for _, n := range []int{0, 1, 250} {
		var a, b bytes.Buffer
		if err := Write(&a, n); err != nil {
			t.Fatal(err)
		}
		if err := Write(&b, n); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("n=%d: two runs differ", n)
		}
		var recs []map[string]any
		if err := json.Unmarshal(a.Bytes(), &recs); err != nil {
			t.Fatalf("n=%d: not JSON: %v", n, err)
		}
		if len(recs) != n {
			t.Fatalf("n=%d: %d records", n, len(recs))
		}
		for i, r := range recs {
			if _, ok := r["metadata"].(map[string]any); !ok || r["id"] == nil {
				t.Fatalf("record %d lacks id or metadata: %v", i, r)
			}
		}
	}
}

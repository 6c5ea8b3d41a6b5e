package magics

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/dataframe"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Fatalf("%s differs:\n%s\nwant\n%s", name, got, want)
	}
}

func TestResultBundle(t *testing.T) {
	r := sampleResult()
	r.Provenance.Truncated = true
	r.Provenance.Partial = true
	r.Provenance.Errors = []string{"tenant 12: <b>forbidden</b>"}
	table, err := dataframe.TableFromRecords(r.Records)
	if err != nil {
		t.Fatal(err)
	}
	b, err := resultBundle(r, table, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "result.txt", b.String())
	h := b.Data["text/html"].(string)
	for _, bad := range []string{"<script>", "<b>forbidden"} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML holds %q unescaped:\n%s", bad, h)
		}
	}
	for _, want := range []string{"truncated by limit", "partial: tenant 12: &lt;b&gt;",
		"2 rows × ", "first 1 shown", "2026-01-02T03:04:05Z to 2026-01-03T03:04:05Z"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q:\n%s", want, h)
		}
	}
	meta, ok := b.Metadata["taegis"].(map[string]any)
	if !ok || meta["query"] != "FROM alert" || meta["earliest"] != "2026-01-02T03:04:05Z" {
		t.Errorf("provenance metadata: %v", b.Metadata)
	}
}

func TestResultBundleMessage(t *testing.T) {
	r := &Result{Command: "investigations evidence stage", Service: "investigations",
		Total: -1, Message: "staged 3 alerts for NEW (3 now)"}
	b, err := resultBundle(r, nil, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "message.txt", b.String())
}

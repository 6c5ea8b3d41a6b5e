package kernel_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"gotaegis/kernel"
	"gotaegis/kernel/display"
	"gotaegis/magics/symbols"
)

// streamRecorder is an Output that keeps the cell's stdout.
type streamRecorder struct {
	mu     sync.Mutex
	stdout strings.Builder
}

func (r *streamRecorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "stdout" {
		r.stdout.WriteString(text)
	}
}

func (r *streamRecorder) Display(display.Bundle, string, bool) {}
func (r *streamRecorder) Clear(bool)                           {}
func (r *streamRecorder) Input(string, bool) (string, error) {
	return "", kernel.ErrStdinNotAllowed
}

// TestCorpusDataFrames runs the gota code hunters write on a %taegis result, with the
// dataframe and series packages the kernel binary gives every cell.
func TestCorpusDataFrames(t *testing.T) {
	e, err := kernel.NewGoEngine(kernel.EngineOptions{Exports: symbols.Symbols,
		Imports: symbols.Imports})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = e.Close() }()
	cells := []struct{ code, result, stdout string }{
		{"df := dataframe.LoadRecords([][]string{\n\t{\"host\", \"severity\", \"count\"},\n" +
			"\t{\"web\", \"0.9\", \"3\"},\n\t{\"db\", \"0.2\", \"7\"},\n" +
			"\t{\"mail\", \"0.6\", \"1\"},\n})", "<no result>", ""},
		{"df.Nrow()", "3", ""},
		{`df.Col("host").Records()[0]`, "web", ""},
		{`first := df.Col("host").Records()[0]` + "\nfirst + \"!\"", "web!", ""},
		{"high := df.Filter(dataframe.F{Colname: \"severity\", Comparator: series.Greater, " +
			"Comparando: 0.5})\nhigh.Col(\"host\").Records()", "[web mail]", ""},
		{"sorted := df.Arrange(dataframe.RevSort(\"count\"))\nsorted.Col(\"host\").Records()",
			"[db web mail]", ""},
		{"df.Subset([]int{0, 2}).Col(\"host\").Records()", "[web mail]", ""},
		{"total := 0.0\nfor _, v := range df.Col(\"count\").Float() {\n\ttotal += v\n}\ntotal",
			"11", ""},
		{"for i, h := range df.Col(\"host\").Records() {\n\tfmt.Println(i, h)\n}", "<no result>",
			"0 web\n1 db\n2 mail\n"},
		{"counts, err := df.Col(\"count\").Int()\nfmt.Println(counts, err)", "<no result>",
			"[3 7 1] <nil>\n"},
		{"maps := dataframe.LoadMaps([]map[string]any{\n\t{\"ip\": \"10.0.0.1\", \"n\": 2},\n" +
			"\t{\"ip\": \"10.0.0.2\", \"n\": 5},\n})\nmaps.Col(\"n\").Records()", "[2 5]", ""},
		{"maps.Nrow() + df.Ncol()", "5", ""},
		{"df.Dims()", "3 3", ""},
		{"hostCol := df.Col(\"host\")", "<no result>", ""},
		{"hostCol.Int()", "[] strconv.Atoi: parsing \"web\": invalid syntax", ""},
		{"rows := df.Maps()\nn := 0\nfor _, r := range rows {\n\tif r[\"host\"] != \"db\" {\n" +
			"\t\tn += r[\"count\"].(int)\n\t}\n}\nn", "4", ""},
		{"first := rows[0]\nfirst[\"host\"]", "web", ""},
		{"for i := 0; i < df.Nrow(); i++ {\n\tfmt.Println(df.Elem(i, 0).String())\n}",
			"<no result>", "web\ndb\nmail\n"},
		{"g := df.GroupBy(\"host\")\nagg := g.Aggregation([]dataframe.AggregationType{" +
			"dataframe.Aggregation_SUM}, []string{\"count\"})\nagg.Nrow()", "3", ""},
		{"type Ev struct {\n\tHost string\n\tN    int\n}\n" +
			"edf := dataframe.LoadStructs([]Ev{{\"a\", 1}, {\"b\", 2}})\nedf.Col(\"N\").Records()",
			"[1 2]", ""},
		{"df.Mutate(series.New([]string{\"x\", \"y\", \"z\"}, series.String, \"tag\")).Ncol()",
			"4", ""},
	}
	for i, c := range cells {
		r := &streamRecorder{}
		rep := e.Execute(context.Background(), c.code, r)
		if rep.Err != nil {
			t.Errorf("cell %d %q: %s: %s", i+1, c.code, rep.Err.Name, rep.Err.Value)
			continue
		}
		got := "<no result>"
		if rep.Result != nil {
			got, _ = rep.Result.Data["text/plain"].(string)
		}
		if got != c.result {
			t.Errorf("cell %d %q: result %q, want %q", i+1, c.code, got, c.result)
		}
		if s := r.stdout.String(); s != c.stdout {
			t.Errorf("cell %d %q: stdout %q, want %q", i+1, c.code, s, c.stdout)
		}
	}
}

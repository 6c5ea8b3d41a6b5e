package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// docsOutput is an output of the executed docs-magics notebook with the provenance the
// %taegis magics keep in its metadata.
type docsOutput struct {
	output
	Metadata struct {
		Taegis *struct {
			Command string `json:"command"`
			Rows    int    `json:"rows"`
			QueryID string `json:"query_id"`
		} `json:"taegis"`
	} `json:"metadata"`
}

// docsCell is a code cell of the executed docs-magics notebook.
type docsCell struct {
	ID       string       `json:"id"`
	CellType string       `json:"cell_type"`
	Source   multiline    `json:"source"`
	Outputs  []docsOutput `json:"outputs"`
}

// html is the text/html of the cell's displayed results, joined.
func (c docsCell) html() string {
	var sb strings.Builder
	for _, o := range c.Outputs {
		sb.WriteString(o.text("text/html"))
	}
	return sb.String()
}

// streams is what the cell wrote to its stream name.
func (c docsCell) streams(name string) string {
	var sb strings.Builder
	for _, o := range c.Outputs {
		if o.OutputType == "stream" && o.Name == name {
			sb.WriteString(string(o.Text))
		}
	}
	return sb.String()
}

// result is the provenance of the cell's one displayed %taegis result, or nil.
func (c docsCell) result(t *testing.T) *docsOutput {
	t.Helper()
	var found *docsOutput
	for i, o := range c.Outputs {
		if o.Metadata.Taegis == nil {
			continue
		}
		if found != nil {
			t.Errorf("cell %s displayed more than one %%taegis result", c.ID)
		}
		found = &c.Outputs[i]
	}
	return found
}

// magicLine matches a line of a cell that runs %taegis or %%taegis.
var magicLine = regexp.MustCompile(`(?m)^\s*%%?taegis\s`)

// docsMagics says, for each cell of testdata/docs-magics.ipynb with a %taegis line, which
// command its displayed result came from and the fewest rows it holds. An empty command means
// the cell displays no result: help, or --disable-return-display all.
var docsMagics = map[string]struct {
	command string
	rows    int
}{
	"help-all":                 {"", 0},
	"current-user":             {"users current-user", 1},
	"help":                     {"", 0},
	"alerts-severity":          {"alerts search", 1},
	"alerts-recent":            {"alerts search", 5},
	"alerts-aggregate":         {"alerts search", 1},
	"alerts-history":           {"alerts history", 1},
	"alerts-third-party":       {"alerts search", 0},
	"alerts-ai":                {"alerts search", 1},
	"events-search":            {"events search", 5},
	"events-cell":              {"events search", 1},
	"events-aggregate":         {"events search", 1},
	"stage-alerts":             {"investigations evidence stage", 1},
	"stage-events":             {"investigations evidence stage", 1},
	"evidence-show":            {"investigations evidence show", 1},
	"queries-list":             {"investigations search-queries list", 2},
	"queries-stage":            {"investigations search-queries stage", 1},
	"create-dry-run":           {"investigations create", 1},
	"create":                   {"investigations create", 1},
	"evidence-filed":           {"investigations evidence show", 1},
	"rules-type":               {"rules type", 1},
	"rules-all":                {"rules all", 1},
	"rules-suppression":        {"rules suppression", 1},
	"rules-suppression-tenant": {"rules suppression", 1},
	"rules-rule":               {"rules rule", 1},
	"rules-deleted":            {"rules deleted", 0},
	"rules-filters":            {"rules filters", 0},
	"rules-changes-since":      {"rules changes-since", 0},
	"rules-search":             {"rules search", 1},
	"threat-search":            {"threat publications search", 0},
	"threat-latest":            {"threat publications latest", 5},
	"threat-loop":              {"", 0},
	"tenants":                  {"tenants search", 2},
	"current-user-assign":      {"users current-user", 1},
	"subjects":                 {"subjects current-subject", 1},
}

// TestDocsMagics executes testdata/docs-magics.ipynb, the upstream documentation notebooks'
// magic lines in Go, with nbconvert against region local, and checks what each line showed,
// what the staging and the investigation did to the evidence database, and that no script from
// the data is live in the HTML.
func TestDocsMagics(t *testing.T) {
	setup(t)
	py := python(t, "nbconvert", "nbformat", "nbclient")
	nbconvert := tool(t, "/usr/bin/jupyter-nbconvert", "jupyter-nbconvert")

	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(harness.root, "e2e", "testdata", "docs-magics.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	// The notebook writes its key findings beside itself, so it runs from a copy.
	if err := os.WriteFile(filepath.Join(dir, "docs-magics.ipynb"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	env := withEnv(harness.env, "GOTAEGIS_DATA_DIR", data)
	runEnv(t, env, 2*time.Minute, dir, nbconvert, "--to", "notebook", "--execute",
		"docs-magics.ipynb", "--ExecutePreprocessor.kernel_name=gotaegis",
		"--ExecutePreprocessor.timeout=60", "--output", "docs-magics.executed.ipynb")
	executed := filepath.Join(dir, "docs-magics.executed.ipynb")
	validate(t, py, executed)

	b, err := os.ReadFile(executed)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []docsCell `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: %v", executed, err)
	}
	cells := map[string]docsCell{}
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		cells[c.ID] = c
		for _, o := range c.Outputs {
			if o.OutputType == "error" {
				t.Errorf("cell %s failed: %s: %s", c.ID, o.Ename, o.Evalue)
			}
			if h := strings.ToLower(o.text("text/html")); strings.Contains(h, "<script") {
				t.Errorf("cell %s: a <script> is live in its HTML:\n%s", c.ID, h)
			}
		}
		if _, ok := docsMagics[c.ID]; magicLine.MatchString(string(c.Source)) && !ok {
			t.Errorf("cell %s runs %%taegis but has no entry in docsMagics", c.ID)
		}
	}

	for id, want := range docsMagics {
		t.Run(id, func(t *testing.T) {
			c, ok := cells[id]
			if !ok {
				t.Fatalf("no code cell %s in the notebook", id)
			}
			res := c.result(t)
			if want.command == "" {
				if res != nil {
					t.Errorf("displayed a %s result, want none", res.Metadata.Taegis.Command)
				}
				return
			}
			if res == nil {
				t.Fatalf("displayed no %%taegis result; outputs: %+v", c.Outputs)
			}
			p := res.Metadata.Taegis
			if p.Command != want.command || p.Rows < want.rows {
				t.Errorf("result of %q with %d rows, want %q with at least %d", p.Command,
					p.Rows, want.command, want.rows)
			}
			h, plain := res.text("text/html"), res.text("text/plain")
			summary := strings.Contains(h, "gotaegis-summary") &&
				strings.Contains(h, "<th>Returned</th>")
			if !summary && !strings.Contains(h, "gotaegis-frame") {
				t.Errorf("text/html holds neither a summary nor a frame:\n%s", h)
			}
			if p.Rows > 0 && !strings.Contains(h, tableShape(p.Rows)) {
				t.Errorf("text/html does not say %q:\n%s", tableShape(p.Rows), h)
			}
			if plain == "" {
				t.Error("no text/plain fallback")
			}
			if want.command == "alerts search" || want.command == "events search" {
				if p.QueryID == "" || !strings.Contains(plain, p.QueryID) {
					t.Errorf("query id %q missing from the summary:\n%s", p.QueryID, plain)
				}
			}
		})
	}

	if help := cells["help-all"].streams("stdout"); !strings.Contains(help, "--assign NAME") ||
		!strings.Contains(help, "investigations") || !strings.Contains(help, "threat") {
		t.Errorf("%%taegis --help printed:\n%s", help)
	}
	if help := cells["help"].streams("stdout"); !strings.Contains(help, "--assign NAME") ||
		!strings.Contains(help, "taegis rules suppression [flags]") {
		t.Errorf("%%taegis rules suppression --help printed:\n%s", help)
	}

	// Staging reported the rows it staged: the high-severity alerts and the process events.
	staged := 0
	for id, search := range map[string]string{"stage-alerts": "alerts-severity",
		"stage-events": "events-search"} {
		want := cells[search].result(t)
		m := regexp.MustCompile(`staged (\d+) (alerts|events) for NEW`).FindStringSubmatch(
			cells[id].html())
		if m == nil || want == nil {
			t.Errorf("cell %s reported no rows staged:\n%s", id, cells[id].html())
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n != want.Metadata.Taegis.Rows || n == 0 {
			t.Errorf("cell %s staged %s %s, want the %d rows of cell %s", id, m[1], m[2],
				want.Metadata.Taegis.Rows, search)
		}
		staged += want.Metadata.Taegis.Rows
	}
	staged += 2 // the two --track searches, staged by search-queries stage

	// The create cell named the new investigation and filed everything staged under it.
	m := regexp.MustCompile(`created investigation ([0-9a-f-]{36}) with \d+ alerts, \d+ events, ` +
		`2 search queries \((\d+) staged rows filed\)`).FindStringSubmatch(
		cells["create"].streams("stderr"))
	if m == nil {
		t.Fatalf("the create cell reported no investigation id:\n%s",
			cells["create"].streams("stderr"))
	}
	id := m[1]
	if m[2] != strconv.Itoa(staged) {
		t.Errorf("create filed %s staged rows, want %d", m[2], staged)
	}
	if h := cells["create"].html(); !strings.Contains(h, id) {
		t.Errorf("the create cell's table does not show investigation %s", id)
	}
	for _, cell := range []string{"create-dry-run", "create"} {
		if !strings.Contains(cells[cell].html(), "&lt;script&gt;document.title") {
			t.Errorf("cell %s: the key findings' script is not shown as text", cell)
		}
	}
	db := filepath.Join(data, "evidence.db")
	for investigation, want := range map[string]int{id: staged, "NEW": 0} {
		// In ndjson each staged row is an object; no rows at all is one message string.
		out := runEnv(t, env, time.Minute, dir, harness.bin, "investigations", "evidence",
			"show", "--database", db, "--investigation-id", investigation, "--format", "ndjson")
		var rows []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var v any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("evidence show: %v\n%s", err, out)
			}
			if row, ok := v.(map[string]any); ok {
				rows = append(rows, row)
			}
		}
		if len(rows) != want {
			t.Errorf("%s holds %d rows for investigation %s, want %d:\n%s", db, len(rows),
				investigation, want, out)
		}
	}
}

// tableShape is how a rendered table states its number of rows.
func tableShape(rows int) string {
	if rows == 1 {
		return "1 row × "
	}
	return strconv.Itoa(rows) + " rows × "
}

package dataframe

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-gota/gota/dataframe"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the render golden files in testdata/render")

func renderInput(t *testing.T) *Table {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "render-input.json"))
	if err != nil {
		t.Fatal(err)
	}
	tb, err := ParseTable(b)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestRenderGolden(t *testing.T) {
	tb := renderInput(t)
	tests := []struct {
		name   string
		format Format
		opts   RenderOptions
	}{
		{"all.html", HTML, RenderOptions{Class: "t1"}},
		{"head2.html", HTML, RenderOptions{Class: "t2", Head: 2}},
		{"all.md", Markdown, RenderOptions{}},
		{"width20.md", Markdown, RenderOptions{MaxWidth: 20}},
		{"all.txt", Text, RenderOptions{}},
		{"head1-nocut.txt", Text, RenderOptions{Head: 1, MaxWidth: -1}},
		{"all.csv", CSV, RenderOptions{}},
		{"all.json", JSONRecs, RenderOptions{}},
		{"head2.json", JSONRecs, RenderOptions{Head: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tb.Render(&buf, tt.format, tt.opts); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "render", tt.name)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./dataframe -run TestRenderGolden -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from %s:\n%s", tt.name, path, buf.String())
			}
		})
	}
}

// hostile holds the markup an attacker may put in alert titles, command lines and even keys.
const hostile = `[
 {"metadata": {"title": "<script>alert('xss')</script>"},
  "<img src=x onerror=alert(1)>": "key",
  "cmd": "\"</td></tr></table><script>document.cookie</script><table><tr><td>",
  "style": "</style><style>body{display:none}</style>",
  "amp": "&lt;b&gt; stays escaped"}
]`

// TestHTMLInjection parses the HTML a browser would and checks that hostile values are text,
// not elements.
func TestHTMLInjection(t *testing.T) {
	tb, err := ParseTable([]byte(hostile))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tb.WriteHTML(&buf, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var texts []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			count[n.Data]++
		}
		if n.Type == html.ElementNode && (n.Data == "td" || n.Data == "th") && n.FirstChild != nil {
			texts = append(texts, n.FirstChild.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, el := range []string{"script", "img"} {
		if count[el] != 0 {
			t.Errorf("%d <%s> elements in the rendering", count[el], el)
		}
	}
	if count["style"] != 1 || count["table"] != 1 || count["tr"] != 2 {
		t.Errorf("elements: %v; want one style, one table, two rows", count)
	}
	want := []string{
		"<img src=x onerror=alert(1)>", "cmd", "style", "amp", "metadata.title",
		"0", "key", `"</td></tr></table><script>document.cookie</script><table><tr><td>`,
		"</style><style>body{display:none}</style>", "&lt;b&gt; stays escaped",
		"<script>alert('xss')</script>",
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("cell texts:\n%q\nwant\n%q", texts, want)
	}
}

func TestHTMLClass(t *testing.T) {
	tb := renderInput(t)
	var a, b bytes.Buffer
	if err := tb.WriteHTML(&a, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := tb.WriteHTML(&b, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`<div class="(gotaegis-df-[0-9a-f]{16})">`)
	ma, mb := re.FindStringSubmatch(a.String()), re.FindStringSubmatch(b.String())
	if ma == nil || mb == nil || ma[1] == mb[1] {
		t.Fatalf("classes %v and %v: want two different generated classes", ma, mb)
	}
	style := a.String()[strings.Index(a.String(), "<style>")+8 : strings.Index(a.String(), "</style>")]
	for _, line := range strings.Split(strings.TrimSpace(style), "\n") {
		for _, sel := range strings.Split(line[:strings.Index(line, "{")], ",") {
			if !strings.HasPrefix(strings.TrimSpace(sel), "."+ma[1]) {
				t.Errorf("selector %q is not scoped to the table's class", sel)
			}
		}
	}
	for _, bad := range []string{"1x", "a b", `x"><script>`, "é"} {
		if err := tb.WriteHTML(&a, RenderOptions{Class: bad}); err == nil {
			t.Errorf("class %q: want an error", bad)
		}
	}
}

func TestTextEscapesControls(t *testing.T) {
	tb, err := ParseTable([]byte(`[{"t": "\u001b[2J\u001b]0;pwned\u0007 ok\u200b"}]`))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{Text, Markdown} {
		var buf bytes.Buffer
		if err := tb.Render(&buf, f, RenderOptions{}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.ContainsAny(out, "\x1b\x07\u200b") {
			t.Errorf("%s rendering holds raw control characters: %q", f, out)
		}
		if !strings.Contains(out, `\u001b`) {
			t.Errorf("%s rendering does not show the escape: %q", f, out)
		}
	}
}

func TestCSVAndJSONRoundTrip(t *testing.T) {
	tb := renderInput(t)
	var buf bytes.Buffer
	if err := tb.WriteCSV(&buf, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != tb.Rows()+1 || strings.Join(rows[0], ",") != strings.Join(tb.Columns(), ",") {
		t.Fatalf("CSV: %d rows, header %q", len(rows), rows[0])
	}
	if rows[2][1] != tb.Value(1, 1).Text() {
		t.Errorf("CSV title %q, want %q", rows[2][1], tb.Value(1, 1).Text())
	}
	buf.Reset()
	if err := tb.WriteJSON(&buf, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &recs); err != nil {
		t.Fatalf("JSON output does not parse: %v\n%s", err, buf.String())
	}
	back, err := ParseTable(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(back.Columns(), ",") != strings.Join(tb.Columns(), ",") {
		t.Fatalf("JSON round trip columns %q, want %q", back.Columns(), tb.Columns())
	}
	for r := range tb.Rows() {
		for c := range tb.Width() {
			if g, w := back.Value(r, c).String(), tb.Value(r, c).String(); g != w {
				t.Errorf("row %d col %d: %q after round trip, want %q", r, c, g, w)
			}
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		got, err := ParseFormat(strings.ToUpper(string(f)))
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("xlsx"); err == nil || !strings.Contains(err.Error(), "html, csv") {
		t.Errorf("ParseFormat(xlsx): %v", err)
	}
	if err := renderInput(t).Render(&bytes.Buffer{}, Format("pdf"), RenderOptions{}); err == nil {
		t.Error("Render with an unknown format: want an error")
	}
}

func TestRenderEmpty(t *testing.T) {
	tb, err := ParseTable([]byte(`[{}, {}]`))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := tb.Render(&buf, f, RenderOptions{Class: "e"}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if f != CSV && f != JSONRecs && !strings.Contains(buf.String(), "2 rows × 0 columns") {
			t.Errorf("%s: no shape in %q", f, buf.String())
		}
	}
}

func TestRenderNil(t *testing.T) {
	var tb *Table
	for _, f := range Formats {
		if err := tb.Render(&bytes.Buffer{}, f, RenderOptions{}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if h := tb.Head(3); h.Rows() != 0 || h.Width() != 0 || tb.DataFrame().Ncol() != 0 {
		t.Error("nil table: want an empty head and DataFrame")
	}
}

func TestFromDataFrame(t *testing.T) {
	tb := renderInput(t)
	back, err := FromDataFrame(tb.DataFrame())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(back.Columns(), ",") != strings.Join(tb.Columns(), ",") ||
		back.Rows() != tb.Rows() {
		t.Fatalf("columns %q rows %d, want %q rows %d", back.Columns(), back.Rows(),
			tb.Columns(), tb.Rows())
	}
	for c := range tb.Width() {
		if back.Type(c) != tb.Type(c) {
			t.Errorf("column %q: type %s, want %s", tb.Columns()[c], back.Type(c), tb.Type(c))
		}
		for r := range tb.Rows() {
			if g, w := back.Value(r, c).String(), tb.Value(r, c).String(); g != w {
				t.Errorf("row %d column %q: %q, want %q", r, tb.Columns()[c], g, w)
			}
		}
	}
	var a, b bytes.Buffer
	if err := tb.WriteHTML(&a, RenderOptions{Class: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := back.WriteHTML(&b, RenderOptions{Class: "x"}); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("HTML of the DataFrame differs from the table's:\n%s\n%s", a.String(), b.String())
	}
	if _, err := FromDataFrame(dataframe.DataFrame{Err: errors.New("bad")}); err == nil {
		t.Error("DataFrame with an error: want an error")
	}
}

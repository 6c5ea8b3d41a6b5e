package notebook

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestReportGolden(t *testing.T) {
	nb, err := Read(filepath.Join("testdata", "exec", "report.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Report(nb)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("testdata", "exec", "report.md"), []byte(got))
	for _, absent := range []string{"TENANT_ID", "hunter only", "source is removed",
		"progress: page 1", "not in the report", "raw text", "#region", "%%taegis", "ignored"} {
		if strings.Contains(got, absent) {
			t.Errorf("the report holds %q", absent)
		}
	}
}

func TestHTMLToMarkdown(t *testing.T) {
	for _, tc := range []struct{ name, html, want string }{
		{"table", "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td>" +
			"<td>x|y</td></tr><tr><td>2</td></tr></tbody></table>",
			"| a | b |\n| --- | --- |\n| 1 | x\\|y |\n| 2 |  |"},
		{"headless table", "<table><tr><td>k</td><td>v</td></tr><tr><td>1</td><td>2</td></tr>" +
			"</table>", "| k | v |\n| --- | --- |\n| 1 | 2 |"},
		{"text", "<p>Hello <em>there</em> &amp; <code>x</code></p><p>next</p>",
			"Hello *there* & `x`\n\nnext"},
		{"style dropped", "<style>td{}</style><script>alert(1)</script>kept", "kept"},
		{"ordered list", "<ol><li>one</li><li>two</li></ol>", "1. one\n2. two"},
		{"heading", "<h2>Title  here</h2>", "## Title here"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HTMLToMarkdown(tc.html)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestReportPath(t *testing.T) {
	if got := ReportPath("/h/hunt_local_1.ipynb"); got != "/h/hunt_local_1.report.md" {
		t.Errorf("ReportPath = %q", got)
	}
}

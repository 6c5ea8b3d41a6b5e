package notebook

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Tags a report honours, as nbconvert's TagRemovePreprocessor names them.
const (
	TagRemoveCell   = "remove_cell"
	TagRemoveInput  = "remove_input"
	TagRemoveOutput = "remove_output"
)

// ReportPath is where a notebook's report goes by default: <stem>.report.md beside it.
func ReportPath(notebookPath string) string {
	dir, base := filepath.Split(notebookPath)
	return filepath.Join(dir, strings.TrimSuffix(base, filepath.Ext(base))+".report.md")
}

// regionTag matches the jupytext region comments a saved notebook may carry in its text.
var regionTag = regexp.MustCompile(`(?m)^[ \t]*<!?-- #(end)?region[^>]*-->[ \t]*\n?`)

// Report returns the markdown report of nb: its markdown cells and the rich outputs of its
// code cells, in order, separated by blank lines. Code, streams and raw cells are left out;
// remove_cell drops a cell, remove_input its source (markdown cells included), remove_output
// its outputs. HTML tables become markdown tables (a text/markdown representation is preferred
// when the output has one), SVG charts are inlined and PNG or JPEG images become data URIs.
// Error outputs are kept as one line, "ename: evalue", so a failed step is not hidden.
func Report(nb *Notebook) (string, error) {
	var parts []string
	for i, c := range nb.Cells {
		if c.HasTag(TagRemoveCell) {
			continue
		}
		switch c.Type {
		case "markdown":
			if c.HasTag(TagRemoveInput) {
				continue
			}
			if s := strings.TrimSpace(c.Source); s != "" {
				parts = append(parts, s)
			}
		case "code":
			if c.HasTag(TagRemoveOutput) {
				continue
			}
			for j, o := range c.Outputs {
				s, err := outputMarkdown(o)
				if err != nil {
					return "", fmt.Errorf("report: cell %d output %d: %w", i, j, err)
				}
				if s = strings.TrimSpace(s); s != "" {
					parts = append(parts, s)
				}
			}
		}
	}
	text := strings.Join(parts, "\n\n")
	text = regionTag.ReplaceAllString(text, "")
	if text == "" {
		return "", nil
	}
	return text + "\n", nil
}

// outputMarkdown renders one output, or "" for the ones a report leaves out.
func outputMarkdown(o map[string]any) (string, error) {
	switch o["output_type"] {
	case "display_data", "execute_result":
	case "error":
		name, _ := o["ename"].(string)
		value, _ := o["evalue"].(string)
		return "**Error:** `" + strings.ReplaceAll(name+": "+value, "`", "'") + "`", nil
	default:
		return "", nil
	}
	data, _ := o["data"].(map[string]any)
	if s, ok := mimeText(data, "text/markdown"); ok {
		return s, nil
	}
	if s, ok := mimeText(data, "image/svg+xml"); ok {
		return s, nil
	}
	for _, mt := range []string{"image/png", "image/jpeg", "image/gif"} {
		if s, ok := mimeText(data, mt); ok {
			b64 := strings.Join(strings.Fields(s), "")
			return "![" + strings.TrimPrefix(mt, "image/") + " chart](data:" + mt + ";base64," +
				b64 + ")", nil
		}
	}
	if s, ok := mimeText(data, "text/html"); ok {
		return HTMLToMarkdown(s)
	}
	if s, ok := mimeText(data, "text/latex"); ok {
		return s, nil
	}
	if s, ok := mimeText(data, "text/plain"); ok {
		return "```\n" + strings.TrimRight(s, "\n") + "\n```", nil
	}
	return "", nil
}

// mimeText is a bundle's text for mime type mt, joined when stored as a list of lines.
func mimeText(data map[string]any, mt string) (string, bool) {
	switch v := data[mt].(type) {
	case string:
		return v, true
	case []any:
		var b strings.Builder
		for _, l := range v {
			s, _ := l.(string)
			b.WriteString(s)
		}
		return b.String(), true
	}
	return "", false
}

// HTMLToMarkdown converts the HTML of a rich output to markdown: tables become markdown tables
// (a caption as an italic line above), headings, paragraphs, line breaks, lists, emphasis, code
// and links their markdown forms; style and script elements are dropped, other tags unwrapped.
func HTMLToMarkdown(s string) (string, error) {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode,
		Data: "body", DataAtom: atom.Body})
	if err != nil {
		return "", fmt.Errorf("read html: %w", err)
	}
	var w mdWriter
	for _, n := range nodes {
		w.node(n)
	}
	return w.String(), nil
}

// mdWriter accumulates blocks of markdown; inline text goes into the current block.
type mdWriter struct {
	blocks []string
	inline strings.Builder
}

func (w *mdWriter) String() string {
	w.flush()
	return strings.Join(w.blocks, "\n\n")
}

func (w *mdWriter) flush() {
	s := strings.TrimSpace(w.inline.String())
	w.inline.Reset()
	if s != "" {
		w.blocks = append(w.blocks, s)
	}
}

func (w *mdWriter) block(s string) {
	w.flush()
	if s = strings.TrimSpace(s); s != "" {
		w.blocks = append(w.blocks, s)
	}
}

func (w *mdWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

func (w *mdWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.inline.WriteString(collapseSpace(n.Data))
		return
	case html.ElementNode:
	default:
		w.children(n)
		return
	}
	switch n.DataAtom {
	case atom.Style, atom.Script, atom.Head:
	case atom.Table:
		w.block(tableMarkdown(n))
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		level := int(n.Data[1] - '0')
		w.block(strings.Repeat("#", level) + " " + inlineText(n))
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Blockquote, atom.Pre:
		w.flush()
		w.children(n)
		w.flush()
	case atom.Br:
		w.inline.WriteString("  \n")
	case atom.Ul, atom.Ol:
		var items []string
		k := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom != atom.Li {
				continue
			}
			k++
			mark := "-"
			if n.DataAtom == atom.Ol {
				mark = fmt.Sprintf("%d.", k)
			}
			items = append(items, mark+" "+inlineText(c))
		}
		w.block(strings.Join(items, "\n"))
	case atom.Strong, atom.B:
		if t := inlineText(n); t != "" {
			w.inline.WriteString("**" + t + "**")
		}
	case atom.Em, atom.I:
		if t := inlineText(n); t != "" {
			w.inline.WriteString("*" + t + "*")
		}
	case atom.Code:
		w.inline.WriteString("`" + inlineText(n) + "`")
	case atom.A:
		href := attr(n, "href")
		t := inlineText(n)
		if href == "" || strings.HasPrefix(href, "javascript:") {
			w.inline.WriteString(t)
		} else {
			w.inline.WriteString("[" + t + "](" + href + ")")
		}
	case atom.Img:
		w.inline.WriteString("![" + attr(n, "alt") + "](" + attr(n, "src") + ")")
	case atom.Svg:
		var b strings.Builder
		_ = html.Render(&b, n)
		w.block(b.String())
	default:
		w.children(n)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// inlineText is the text of n's subtree on one line, with emphasis kept.
func inlineText(n *html.Node) string {
	var w mdWriter
	w.children(n)
	return strings.Join(strings.Fields(strings.ReplaceAll(w.String(), "\n", " ")), " ")
}

func collapseSpace(s string) string {
	if strings.TrimSpace(s) == "" {
		if s == "" {
			return ""
		}
		return " "
	}
	lead := s[0] == ' ' || s[0] == '\n' || s[0] == '\t'
	trail := strings.ContainsAny(s[len(s)-1:], " \n\t")
	out := strings.Join(strings.Fields(s), " ")
	if lead {
		out = " " + out
	}
	if trail {
		out += " "
	}
	return out
}

// tableMarkdown renders an HTML table as a GitHub markdown table: the header row is the thead's
// last row, else the first row; rows are padded to the widest row; pipes in cells are escaped.
func tableMarkdown(t *html.Node) string {
	var caption string
	var head []string
	var rows [][]string
	var walk func(n *html.Node, inHead bool)
	walk = func(n *html.Node, inHead bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Caption:
				caption = inlineText(c)
			case atom.Thead:
				walk(c, true)
			case atom.Tbody, atom.Tfoot:
				walk(c, false)
			case atom.Tr:
				var cells []string
				for d := c.FirstChild; d != nil; d = d.NextSibling {
					if d.DataAtom == atom.Td || d.DataAtom == atom.Th {
						cells = append(cells, cellText(d))
					}
				}
				if inHead {
					head = cells
				} else {
					rows = append(rows, cells)
				}
			}
		}
	}
	walk(t, false)
	if head == nil && len(rows) > 0 {
		head, rows = rows[0], rows[1:]
	}
	width := len(head)
	for _, r := range rows {
		width = max(width, len(r))
	}
	if width == 0 {
		return ""
	}
	var b strings.Builder
	if caption != "" {
		b.WriteString("*" + caption + "*\n\n")
	}
	writeRow(&b, pad(head, width))
	b.WriteString("|" + strings.Repeat(" --- |", width) + "\n")
	for _, r := range rows {
		writeRow(&b, pad(r, width))
	}
	return b.String()
}

func cellText(n *html.Node) string {
	s := inlineText(n)
	s = strings.ReplaceAll(s, "|", `\|`)
	return s
}

func pad(r []string, n int) []string {
	r = slices.Clone(r)
	for len(r) < n {
		r = append(r, "")
	}
	return r
}

func writeRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + c + " |")
	}
	b.WriteString("\n")
}

package dataframe

import (
	"bufio"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Format is a rendering of a Table.
type Format string

// The formats a Table renders to.
const (
	HTML     Format = "html"     // a <table> with its own scoped style, for text/html
	Markdown Format = "markdown" // a pipe table, for text/markdown
	Text     Format = "text"     // an aligned plain table, for text/plain
	CSV      Format = "csv"      // a header row and one row per record
	JSONRecs Format = "json"     // an array of flat record objects
)

// Formats lists every Format, in the order help texts show them.
var Formats = []Format{HTML, CSV, JSONRecs, Markdown, Text}

// ParseFormat returns the Format named s (html, csv, json, markdown or md, text or txt).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "html":
		return HTML, nil
	case "csv":
		return CSV, nil
	case "json":
		return JSONRecs, nil
	case "markdown", "md":
		return Markdown, nil
	case "text", "txt", "plain":
		return Text, nil
	}
	return "", fmt.Errorf("unknown table format %q; use one of html, csv, json, markdown, text", s)
}

// RenderOptions says how much of a Table to render, and how.
type RenderOptions struct {
	// Head renders only the first Head rows; 0 (or less) renders every row. The row and
	// column counts shown are always those of the whole table.
	Head int
	// Class is the CSS class of an HTML rendering, which scopes its style. Empty gives a
	// random class, so that two tables in one notebook never style each other. It may hold
	// only ASCII letters, digits, '-' and '_', and must start with a letter.
	Class string
	// MaxWidth cuts cells of a text or markdown rendering to this many characters, ending
	// them with "…"; 0 means 50, as in pandas, and a negative value never cuts.
	MaxWidth int
}

func (o RenderOptions) rows(t *Table) int {
	if o.Head <= 0 || o.Head > t.Rows() {
		return t.Rows()
	}
	return o.Head
}

func (o RenderOptions) maxWidth() int {
	if o.MaxWidth == 0 {
		return 50
	}
	return o.MaxWidth
}

// Render writes the table to w in format f. A nil table renders as an empty one.
func (t *Table) Render(w io.Writer, f Format, o RenderOptions) error {
	if t == nil {
		t = &Table{}
	}
	switch f {
	case HTML:
		return t.WriteHTML(w, o)
	case Markdown:
		return t.WriteMarkdown(w, o)
	case Text:
		return t.WriteText(w, o)
	case CSV:
		return t.WriteCSV(w, o)
	case JSONRecs:
		return t.WriteJSON(w, o)
	}
	return fmt.Errorf("render table: unknown format %q", string(f))
}

// Shape returns the "N rows × M columns" line that renderings end with.
func (t *Table) Shape() string {
	return plural(t.Rows(), "row") + " × " + plural(t.Width(), "column")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func (t *Table) caption(shown int) string {
	if shown < t.Rows() {
		return fmt.Sprintf("%s (first %d shown)", t.Shape(), shown)
	}
	return t.Shape()
}

func validClass(s string) bool {
	if s == "" || !('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z') {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// WriteHTML writes the table as an HTML fragment: a <div> holding a <style> scoped to the
// table's class, and a <table> with a header row, an index column and a caption with the
// shape. Every column name and value is HTML-escaped, so markup in the data shows as text.
func (t *Table) WriteHTML(w io.Writer, o RenderOptions) error {
	if t == nil {
		t = &Table{}
	}
	class := o.Class
	if class == "" {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
		class = "gotaegis-df-" + hex.EncodeToString(b[:])
	} else if !validClass(class) {
		return fmt.Errorf("render HTML: invalid CSS class %q: use letters, digits, '-' and '_', "+
			"starting with a letter", class)
	}
	bw := bufio.NewWriter(w)
	c := "." + class
	fmt.Fprintf(bw, "<div class=\"%s\">\n<style>\n", class)
	fmt.Fprintf(bw, "%s { overflow-x: auto; }\n", c)
	fmt.Fprintf(bw, "%s table { border-collapse: collapse; font-size: 12px; }\n", c)
	fmt.Fprintf(bw, "%s th, %s td { border: 1px solid #ddd; padding: 2px 6px; "+
		"text-align: left; vertical-align: top; white-space: pre-wrap; }\n", c, c)
	fmt.Fprintf(bw, "%s td { max-width: 40em; overflow-wrap: break-word; }\n", c)
	fmt.Fprintf(bw, "%s thead th { background: #f3f3f3; position: sticky; top: 0; }\n", c)
	fmt.Fprintf(bw, "%s tbody th { color: #666; font-weight: normal; }\n", c)
	fmt.Fprintf(bw, "%s td.num { text-align: right; }\n", c)
	fmt.Fprintf(bw, "%s td.na { color: #999; }\n", c)
	fmt.Fprintf(bw, "%s caption { caption-side: bottom; text-align: left; color: #666; }\n", c)
	bw.WriteString("</style>\n<table>\n")

	n := o.rows(t)
	fmt.Fprintf(bw, "<caption>%s</caption>\n", html.EscapeString(t.caption(n)))
	bw.WriteString("<thead><tr><th></th>")
	for _, col := range t.cols {
		bw.WriteString("<th>")
		bw.WriteString(html.EscapeString(col.name))
		bw.WriteString("</th>")
	}
	bw.WriteString("</tr></thead>\n<tbody>\n")
	numeric := t.numericColumns()
	for r := range n {
		fmt.Fprintf(bw, "<tr><th>%d</th>", r)
		for ci := range t.cols {
			v := t.Value(r, ci)
			switch {
			case v.IsNull():
				bw.WriteString(`<td class="na">NaN</td>`)
				continue
			case numeric[ci]:
				bw.WriteString(`<td class="num">`)
			default:
				bw.WriteString("<td>")
			}
			bw.WriteString(html.EscapeString(v.String()))
			bw.WriteString("</td>")
		}
		bw.WriteString("</tr>\n")
	}
	bw.WriteString("</tbody>\n</table>\n</div>\n")
	return bw.Flush()
}

func (t *Table) numericColumns() []bool {
	num := make([]bool, len(t.cols))
	for i := range t.cols {
		typ := t.Type(i)
		num[i] = typ == TypeInt || typ == TypeFloat
	}
	return num
}

// displayText makes a cell safe and short for a terminal or a markdown cell: control
// characters (which could drive a terminal) are shown escaped, and the text is cut to max
// characters when limit > 0.
func displayText(s string, limit int) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ' {
			clean = false
			break
		}
	}
	if !clean {
		var b strings.Builder
		for i, r := range s {
			switch {
			case r == utf8.RuneError:
				if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
					fmt.Fprintf(&b, `\x%02x`, s[i])
				} else {
					b.WriteRune(r)
				}
			case r == '\n':
				b.WriteString(`\n`)
			case r == '\t':
				b.WriteString(`\t`)
			case r == '\r':
				b.WriteString(`\r`)
			case !unicode.IsPrint(r) && r != ' ':
				if r < 0x10000 {
					fmt.Fprintf(&b, `\u%04x`, r)
				} else {
					fmt.Fprintf(&b, `\U%08x`, r)
				}
			default:
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	if limit > 0 && utf8.RuneCountInString(s) > limit {
		cut := 0
		for i := range s {
			if cut == limit-1 {
				return s[:i] + "…"
			}
			cut++
		}
	}
	return s
}

// textWidth is how many terminal columns s takes: wide and full-width characters (CJK) take
// two, combining marks none.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r < 0x300:
			n++
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		default:
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				n += 2
			default:
				n++
			}
		}
	}
	return n
}

// WriteText writes the table as aligned plain text, as pandas prints a DataFrame: an index
// column, a header row, numbers aligned right, and a last line with the shape.
func (t *Table) WriteText(w io.Writer, o RenderOptions) error {
	if t == nil {
		t = &Table{}
	}
	n := o.rows(t)
	limit := o.maxWidth()
	numeric := t.numericColumns()
	cells := make([][]string, len(t.cols)+1)
	widths := make([]int, len(t.cols)+1)
	cells[0] = make([]string, n+1)
	for r := range n {
		cells[0][r+1] = strconv.Itoa(r)
	}
	for ci, col := range t.cols {
		cs := make([]string, n+1)
		cs[0] = displayText(col.name, limit)
		for r := range n {
			cs[r+1] = displayText(t.Value(r, ci).String(), limit)
		}
		cells[ci+1] = cs
	}
	for ci, cs := range cells {
		for _, s := range cs {
			widths[ci] = max(widths[ci], textWidth(s))
		}
	}
	bw := bufio.NewWriter(w)
	for r := 0; r <= n; r++ {
		var line strings.Builder
		for ci, cs := range cells {
			if ci > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[ci]-textWidth(cs[r]))
			if ci == 0 || numeric[ci-1] {
				line.WriteString(pad)
				line.WriteString(cs[r])
			} else {
				line.WriteString(cs[r])
				line.WriteString(pad)
			}
		}
		bw.WriteString(strings.TrimRight(line.String(), " "))
		bw.WriteByte('\n')
	}
	if t.Width() > 0 || n > 0 {
		bw.WriteByte('\n')
	}
	fmt.Fprintf(bw, "[%s]\n", t.caption(n))
	return bw.Flush()
}

// markdownEscaper escapes what could break a pipe-table cell or turn into markup; HTML
// specials become entities, so a markdown renderer shows them as text.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;", "#", `\#`,
)

// WriteMarkdown writes the table as a markdown pipe table followed by its shape. Cell text is
// escaped so that pipes, markup and HTML in the data show as text.
func (t *Table) WriteMarkdown(w io.Writer, o RenderOptions) error {
	if t == nil {
		t = &Table{}
	}
	n := o.rows(t)
	limit := o.maxWidth()
	numeric := t.numericColumns()
	bw := bufio.NewWriter(w)
	cell := func(s string) string {
		return markdownEscaper.Replace(displayText(s, limit))
	}
	if t.Width() > 0 {
		bw.WriteString("| |")
		for _, col := range t.cols {
			bw.WriteString(" " + cell(col.name) + " |")
		}
		bw.WriteString("\n|---:|")
		for ci := range t.cols {
			if numeric[ci] {
				bw.WriteString("---:|")
			} else {
				bw.WriteString(":---|")
			}
		}
		bw.WriteByte('\n')
		for r := range n {
			fmt.Fprintf(bw, "| %d |", r)
			for ci := range t.cols {
				bw.WriteString(" " + cell(t.Value(r, ci).String()) + " |")
			}
			bw.WriteByte('\n')
		}
		bw.WriteByte('\n')
	}
	fmt.Fprintf(bw, "%s\n", t.caption(n))
	return bw.Flush()
}

// WriteCSV writes a header row with the column names and one row per record; missing values
// are empty fields. Values are written as they are: a spreadsheet may read a cell starting
// with "=" as a formula.
func (t *Table) WriteCSV(w io.Writer, o RenderOptions) error {
	if t == nil {
		t = &Table{}
	}
	n := o.rows(t)
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns()); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	rec := make([]string, t.Width())
	for r := range n {
		for ci := range t.cols {
			v := t.Value(r, ci)
			if v.IsNull() {
				rec[ci] = ""
			} else {
				rec[ci] = v.String()
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// WriteJSON writes the rows as a JSON array of flat objects, one a line, keys in column order.
// Missing values are null (and so are infinite floats, which JSON cannot hold); lists and
// objects left in cells are written as JSON, not as strings.
func (t *Table) WriteJSON(w io.Writer, o RenderOptions) error {
	if t == nil {
		t = &Table{}
	}
	n := o.rows(t)
	bw := bufio.NewWriter(w)
	keys := make([][]byte, t.Width())
	for i, col := range t.cols {
		keys[i] = appendJSONString(nil, col.name)
	}
	var buf []byte
	bw.WriteString("[")
	for r := range n {
		buf = buf[:0]
		if r > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n{"...)
		for ci := range t.cols {
			if ci > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, keys[ci]...)
			buf = append(buf, ':')
			buf = appendJSONValue(buf, t.Value(r, ci))
		}
		buf = append(buf, '}')
		bw.Write(buf)
	}
	if n > 0 {
		bw.WriteByte('\n')
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

func appendJSONValue(dst []byte, v Value) []byte {
	switch v.Kind() {
	case Null:
		return append(dst, "null"...)
	case Bool, Int, BigInt, JSON:
		if v.Kind() == JSON || v.Kind() == BigInt {
			return append(dst, v.Text()...)
		}
		return append(dst, v.String()...)
	case Float:
		f := v.Float()
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return append(dst, "null"...)
		}
		return appendPyFloat(dst, f)
	}
	return appendJSONString(dst, v.Text())
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

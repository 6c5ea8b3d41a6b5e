package magics

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"gotaegis/dataframe"
	"gotaegis/kernel/display"
)

// summaryRow is one labelled value of a result's summary.
type summaryRow struct{ label, value string }

// summary returns the rows that describe r: where it came from, how much, and whether it is
// complete.
func summary(r *Result) []summaryRow {
	rows := []summaryRow{
		{"Region", orNA(r.Region)},
		{"Tenant", orNA(strings.Join(r.Tenants, ", "))},
		{"Service", orNA(r.Service)},
		{"Command", orNA(r.Command)},
	}
	if r.Message != "" {
		rows = append(rows, summaryRow{"Message", r.Message})
	}
	total := "N/A"
	if r.Total >= 0 {
		total = strconv.Itoa(r.Total)
	}
	rows = append(rows, summaryRow{"Total Results", total},
		summaryRow{"Returned", strconv.Itoa(len(r.Records))})
	if r.QueryID != "" {
		rows = append(rows, summaryRow{"Query ID", r.QueryID})
	}
	p := r.Provenance
	if !p.Earliest.IsZero() || !p.Latest.IsZero() {
		rows = append(rows, summaryRow{"Window", windowText(p.Earliest, p.Latest)})
	}
	if p.Truncated {
		rows = append(rows, summaryRow{"Note", "truncated by limit"})
	}
	if p.Partial {
		rows = append(rows, summaryRow{"Note", "partial: " + strings.Join(p.Errors, "; ")})
	}
	return rows
}

func orNA(s string) string {
	if s == "" {
		return "N/A"
	}
	return s
}

func windowText(from, to time.Time) string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return "…"
		}
		return t.UTC().Format(time.RFC3339)
	}
	return f(from) + " to " + f(to)
}

// summaryHTML renders the summary as a one-row HTML table; every value is escaped.
func summaryHTML(rows []summaryRow, title string) string {
	var b strings.Builder
	b.WriteString("<div class=\"gotaegis-summary\"><strong>" + html.EscapeString(title) +
		"</strong>\n<table>\n<thead><tr>")
	for _, r := range rows {
		b.WriteString("<th>" + html.EscapeString(r.label) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody><tr>")
	for _, r := range rows {
		b.WriteString("<td>" + html.EscapeString(r.value) + "</td>")
	}
	b.WriteString("</tr></tbody>\n</table></div>\n")
	return b.String()
}

func summaryText(rows []summaryRow, title string) string {
	var b strings.Builder
	b.WriteString(title + "\n")
	width := 0
	for _, r := range rows {
		width = max(width, len(r.label))
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, r.label, r.value)
	}
	return b.String()
}

// resultBundle returns what a magic shows for r: the summary, then, when there is a table,
// the first rows of it, as text/html with a text/plain fallback. The bundle's metadata holds
// r's provenance under "taegis". Nothing here calls the network.
func resultBundle(r *Result, table *dataframe.Table, rows int, withTable bool) (
	display.Bundle, error) {
	title := "Taegis Results"
	if r.QueryID != "" {
		title = "Taegis Search Results"
	}
	sum := summary(r)
	var h, t strings.Builder
	h.WriteString(summaryHTML(sum, title))
	t.WriteString(summaryText(sum, title))
	if withTable && table != nil && (table.Rows() > 0 || table.Width() > 0) {
		if err := writeTable(&h, &t, table, rows); err != nil {
			return display.Bundle{}, err
		}
	}
	b := display.New(display.MIMEHTML, h.String(), t.String())
	b.Metadata["taegis"] = provenanceMeta(r)
	return b, nil
}

// frameBundle shows a DataFrame variable (--display NAME): its table alone.
func frameBundle(name string, table *dataframe.Table, rows int) (display.Bundle, error) {
	var h, t strings.Builder
	h.WriteString("<div class=\"gotaegis-frame\"><strong>" + html.EscapeString(name) +
		"</strong>\n")
	t.WriteString(name + "\n")
	if err := writeTable(&h, &t, table, rows); err != nil {
		return display.Bundle{}, err
	}
	h.WriteString("</div>\n")
	return display.New(display.MIMEHTML, h.String(), t.String()), nil
}

func writeTable(h, t *strings.Builder, table *dataframe.Table, rows int) error {
	if rows <= 0 {
		rows = defaultDisplayRows
	}
	o := dataframe.RenderOptions{Head: rows}
	if err := table.WriteHTML(h, o); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	if err := table.WriteText(t, o); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	return nil
}

// provenanceMeta is the JSON form of r's provenance kept in the output's metadata, so a saved
// notebook says where each table came from.
func provenanceMeta(r *Result) map[string]any {
	p := r.Provenance
	m := map[string]any{
		"command":   r.Command,
		"service":   r.Service,
		"region":    p.Region,
		"tenants":   nonNilStrings(p.Tenants),
		"total":     r.Total,
		"query_id":  r.QueryID,
		"query":     p.Query,
		"rows":      p.Rows,
		"pages":     p.Pages,
		"truncated": p.Truncated,
		"partial":   p.Partial,
		"errors":    nonNilStrings(p.Errors),
		"hash":      p.Hash,
	}
	if !p.Earliest.IsZero() {
		m["earliest"] = p.Earliest.UTC().Format(time.RFC3339Nano)
	}
	if !p.Latest.IsZero() {
		m["latest"] = p.Latest.UTC().Format(time.RFC3339Nano)
	}
	return m
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

package notebook

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Notebook is an nbformat 4 notebook held in memory. Fields the model does not name are kept in
// Extra and written back unchanged, so a read followed by a write loses nothing.
type Notebook struct {
	// Metadata is the notebook metadata (kernelspec, language_info, hunting, ...), kept as is.
	Metadata map[string]any
	// NBFormat is the major version; always 4 for a notebook this package reads.
	NBFormat int
	// NBFormatMinor is the minor version: 5 when cells carry ids.
	NBFormatMinor int
	// Cells are the notebook's cells in order.
	Cells []*Cell
	// Extra holds unknown top-level fields, kept for writing.
	Extra map[string]json.RawMessage
}

// Cell is one notebook cell. Outputs are kept as JSON objects so that every output type,
// including ones this package does not know, survives a round trip.
type Cell struct {
	// ID is the cell id (nbformat 4.5); empty when the notebook has none.
	ID string
	// Type is "code", "markdown" or "raw".
	Type string
	// Source is the cell's text, its lines joined.
	Source string
	// Metadata is the cell metadata (tags, jupyter, ...), kept as is.
	Metadata map[string]any
	// Outputs are the outputs of a code cell.
	Outputs []map[string]any
	// ExecutionCount is the execution count of a code cell; nil when never run.
	ExecutionCount *int
	// Attachments are a markdown or raw cell's attachments; nil when the cell has none.
	Attachments map[string]any
	// Extra holds unknown cell fields, kept for writing.
	Extra map[string]json.RawMessage
}

// Format names accepted by Parse.
const (
	FormatIPYNB = "ipynb"
	FormatMyST  = "myst"
)

// New returns an empty nbformat 4.5 notebook with the gotaegis kernelspec.
func New() *Notebook {
	return &Notebook{
		Metadata: map[string]any{
			"kernelspec": map[string]any{
				"display_name": "Go (Taegis)",
				"language":     "go",
				"name":         "gotaegis",
			},
			"language_info": map[string]any{"name": "go"},
		},
		NBFormat:      4,
		NBFormatMinor: 5,
	}
}

// Read reads a notebook file: nbformat JSON or MyST markdown, chosen by the extension (.ipynb,
// .md) and, for any other extension, by the content.
func Read(path string) (*Notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read notebook: %w", err)
	}
	nb, err := Parse(data, FormatOf(path))
	if err != nil {
		return nil, fmt.Errorf("read notebook %s: %w", path, err)
	}
	return nb, nil
}

// FormatOf names the format a path's extension implies: FormatIPYNB for .ipynb, FormatMyST for
// .md, .myst and .mystnb, and "" (decide by content) otherwise.
func FormatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".ipynb":
		return FormatIPYNB
	case ".md", ".myst", ".mystnb", ".markdown":
		return FormatMyST
	}
	return ""
}

// Parse decodes a notebook from data in format FormatIPYNB or FormatMyST; an empty format picks
// by content (JSON starts with '{').
func Parse(data []byte, format string) (*Notebook, error) {
	if format == "" {
		format = FormatMyST
		if t := bytes.TrimLeft(data, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
			format = FormatIPYNB
		}
	}
	switch format {
	case FormatIPYNB:
		return parseIPYNB(data)
	case FormatMyST:
		return ParseMyST(data)
	}
	return nil, fmt.Errorf("unknown notebook format %q; use %q or %q", format, FormatIPYNB,
		FormatMyST)
}

func decodeJSON(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func parseIPYNB(data []byte) (*Notebook, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var top map[string]json.RawMessage
	if err := decodeJSON(data, &top); err != nil {
		return nil, fmt.Errorf("not notebook JSON: %w", err)
	}
	if top == nil {
		return nil, errors.New("not notebook JSON: the top level must be an object")
	}
	nb := &Notebook{}
	for key, raw := range top {
		var err error
		switch key {
		case "nbformat":
			err = json.Unmarshal(raw, &nb.NBFormat)
		case "nbformat_minor":
			err = json.Unmarshal(raw, &nb.NBFormatMinor)
		case "metadata":
			err = decodeJSON(raw, &nb.Metadata)
		case "cells":
			var cells []json.RawMessage
			if err = json.Unmarshal(raw, &cells); err == nil {
				for i, rc := range cells {
					c, cerr := parseCell(rc)
					if cerr != nil {
						return nil, fmt.Errorf("cell %d: %w", i+1, cerr)
					}
					nb.Cells = append(nb.Cells, c)
				}
			}
		default:
			if nb.Extra == nil {
				nb.Extra = map[string]json.RawMessage{}
			}
			nb.Extra[key] = compact(raw)
		}
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", key, err)
		}
	}
	if _, ok := top["nbformat"]; !ok {
		return nil, errors.New("not a notebook: the JSON has no nbformat field")
	}
	if nb.NBFormat != 4 {
		return nil, fmt.Errorf("nbformat %d is not supported; convert the notebook to "+
			"nbformat 4 first (jupyter nbconvert --to notebook)", nb.NBFormat)
	}
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	return nb, nil
}

func parseCell(raw json.RawMessage) (*Cell, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, errors.New("a cell must be a JSON object")
	}
	c := &Cell{}
	for key, v := range fields {
		var err error
		switch key {
		case "id":
			err = json.Unmarshal(v, &c.ID)
		case "cell_type":
			err = json.Unmarshal(v, &c.Type)
		case "source":
			c.Source, err = joinText(v)
		case "metadata":
			err = decodeJSON(v, &c.Metadata)
		case "outputs":
			if err = decodeJSON(v, &c.Outputs); err == nil {
				for _, o := range c.Outputs {
					joinOutput(o)
				}
			}
		case "execution_count":
			err = json.Unmarshal(v, &c.ExecutionCount)
		case "attachments":
			if err = decodeJSON(v, &c.Attachments); err == nil {
				for _, b := range c.Attachments {
					if bundle, ok := b.(map[string]any); ok {
						joinMime(bundle)
					}
				}
			}
		default:
			if c.Extra == nil {
				c.Extra = map[string]json.RawMessage{}
			}
			c.Extra[key] = compact(v)
		}
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", key, err)
		}
	}
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	return c, nil
}

// compact returns raw without insignificant space, so equal values compare equal.
func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

// joinOutput joins, in place, the line lists nbformat writes for stream text and textual mime
// data, as nbformat's reader does.
func joinOutput(o map[string]any) {
	switch o["output_type"] {
	case "stream":
		if s, ok := joinLines(o["text"]); ok {
			o["text"] = s
		}
	case "execute_result", "display_data":
		if data, ok := o["data"].(map[string]any); ok {
			joinMime(data)
		}
	}
}

func joinMime(data map[string]any) {
	for mime, v := range data {
		if isJSONMime(mime) {
			continue
		}
		if s, ok := joinLines(v); ok {
			data[mime] = s
		}
	}
}

// joinLines joins a list of strings; ok is false for anything else.
func joinLines(v any) (string, bool) {
	list, ok := v.([]any)
	if !ok {
		return "", false
	}
	var b strings.Builder
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return "", false
		}
		b.WriteString(s)
	}
	return b.String(), true
}

// joinText decodes nbformat multiline text: a string or a list of strings.
func joinText(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var lines []string
	if err := json.Unmarshal(raw, &lines); err != nil {
		return "", errors.New("want a string or a list of strings")
	}
	return strings.Join(lines, ""), nil
}

// splitLines splits text the way nbformat's writer does: Python's str.splitlines(True), which
// ends a line at \n, \r, \r\n, \v, \f, \x1c-\x1e, U+0085, U+2028 and U+2029.
func splitLines(s string) []any {
	out := []any{}
	start := 0
	for i, r := range s {
		switch r {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			end := i + utf8.RuneLen(r)
			out = append(out, s[start:end])
			start = end
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			out = append(out, s[start:i+1])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// Tags returns the cell's metadata.tags, or nil when it has none.
func (c *Cell) Tags() []string {
	list, _ := c.Metadata["tags"].([]any)
	var tags []string
	for _, t := range list {
		if s, ok := t.(string); ok {
			tags = append(tags, s)
		}
	}
	if strs, ok := c.Metadata["tags"].([]string); ok {
		tags = append(tags, strs...)
	}
	return tags
}

// HasTag reports whether the cell is tagged tag.
func (c *Cell) HasTag(tag string) bool {
	return slices.Contains(c.Tags(), tag)
}

// SetTags replaces the cell's tags; an empty list removes metadata.tags.
func (c *Cell) SetTags(tags []string) {
	if len(tags) == 0 {
		delete(c.Metadata, "tags")
		return
	}
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	list := make([]any, len(tags))
	for i, t := range tags {
		list[i] = t
	}
	c.Metadata["tags"] = list
}

// NewCellID returns a random cell id that matches nbformat's pattern.
func NewCellID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// EnsureCellIDs gives every cell without one a fresh id and raises the minor version to 5, so
// the notebook validates as nbformat 4.5.
func (nb *Notebook) EnsureCellIDs() {
	seen := map[string]bool{}
	for _, c := range nb.Cells {
		for c.ID == "" || seen[c.ID] {
			c.ID = NewCellID()
		}
		seen[c.ID] = true
	}
	if nb.NBFormatMinor < 5 {
		nb.NBFormatMinor = 5
	}
}

// WriteIPYNB writes the notebook as nbformat JSON the way nbformat's own writer lays it out:
// one-space indent, sorted keys, non-ASCII text as is, multiline text as lists of lines and a
// final newline.
func (nb *Notebook) WriteIPYNB(w io.Writer) error {
	var b bytes.Buffer
	if err := encodeValue(&b, nb.jsonValue(), 0); err != nil {
		return fmt.Errorf("write notebook: %w", err)
	}
	b.WriteByte('\n')
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write notebook: %w", err)
	}
	return nil
}

// MarshalIPYNB returns the notebook as WriteIPYNB writes it.
func (nb *Notebook) MarshalIPYNB() ([]byte, error) {
	var b bytes.Buffer
	err := nb.WriteIPYNB(&b)
	return b.Bytes(), err
}

// WriteFile writes the notebook to path atomically (a temporary file beside it, then a rename),
// as MyST markdown when the extension says so (.md) and as nbformat JSON otherwise.
func (nb *Notebook) WriteFile(path string) error {
	var b bytes.Buffer
	var err error
	if FormatOf(path) == FormatMyST {
		err = nb.WriteMyST(&b)
	} else {
		err = nb.WriteIPYNB(&b)
	}
	if err != nil {
		return err
	}
	return writeFileAtomic(path, b.Bytes())
}

func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		mode := os.FileMode(0o644)
		if st, serr := os.Stat(path); serr == nil {
			mode = st.Mode().Perm()
		}
		err = os.Chmod(tmp, mode)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// jsonValue builds the generic JSON value of the notebook, multiline text split into lines.
func (nb *Notebook) jsonValue() map[string]any {
	top := map[string]any{}
	for k, v := range nb.Extra {
		top[k] = v
	}
	// Like nbformat, leave out the values its schema says are never written to a file.
	top["metadata"] = without(nb.Metadata, "orig_nbformat", "orig_nbformat_minor", "signature")
	top["nbformat"] = nb.NBFormat
	top["nbformat_minor"] = nb.NBFormatMinor
	cells := make([]any, 0, len(nb.Cells))
	for _, c := range nb.Cells {
		cells = append(cells, c.jsonValue())
	}
	top["cells"] = cells
	return top
}

// without returns m less keys, copying it only when it holds one of them.
func without(m map[string]any, keys ...string) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	found := false
	for _, k := range keys {
		if _, ok := m[k]; ok {
			found = true
		}
	}
	if !found {
		return m
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !slices.Contains(keys, k) {
			out[k] = v
		}
	}
	return out
}

func (c *Cell) jsonValue() map[string]any {
	m := map[string]any{}
	for k, v := range c.Extra {
		m[k] = v
	}
	if c.ID != "" {
		m["id"] = c.ID
	}
	m["cell_type"] = c.Type
	m["metadata"] = without(c.Metadata, "trusted")
	m["source"] = splitLines(c.Source)
	if c.Type == "code" {
		if c.ExecutionCount != nil {
			m["execution_count"] = *c.ExecutionCount
		} else {
			m["execution_count"] = nil
		}
		outs := make([]any, 0, len(c.Outputs))
		for _, o := range c.Outputs {
			outs = append(outs, splitOutput(o))
		}
		m["outputs"] = outs
	}
	if c.Attachments != nil {
		m["attachments"] = splitBundles(c.Attachments)
	}
	return m
}

// splitOutput copies an output with its stream text and textual mime data split into lines,
// as nbformat writes them.
func splitOutput(o map[string]any) map[string]any {
	out := make(map[string]any, len(o))
	for k, v := range o {
		out[k] = v
	}
	switch out["output_type"] {
	case "stream":
		if s, ok := out["text"].(string); ok {
			out["text"] = splitLines(s)
		}
	case "execute_result", "display_data":
		if data, ok := out["data"].(map[string]any); ok {
			out["data"] = splitMime(data)
		}
	}
	return out
}

func splitBundles(att map[string]any) map[string]any {
	out := make(map[string]any, len(att))
	for name, v := range att {
		if bundle, ok := v.(map[string]any); ok {
			v = splitMime(bundle)
		}
		out[name] = v
	}
	return out
}

func splitMime(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for mime, v := range data {
		if s, ok := v.(string); ok && (strings.HasPrefix(mime, "text/") ||
			mime == "application/javascript" || mime == "image/svg+xml") {
			v = splitLines(s)
		}
		out[mime] = v
	}
	return out
}

func isJSONMime(mime string) bool {
	return mime == "application/json" ||
		strings.HasPrefix(mime, "application/") && strings.HasSuffix(mime, "+json")
}

// encodeValue writes v as Python's json.dumps(v, indent=1, sort_keys=True,
// ensure_ascii=False) would.
func encodeValue(b *bytes.Buffer, v any, depth int) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case string:
		encodeString(b, x)
	case json.Number:
		b.WriteString(x.String())
	case int:
		fmt.Fprintf(b, "%d", x)
	case int64:
		fmt.Fprintf(b, "%d", x)
	case json.RawMessage:
		var g any
		if err := decodeJSON(x, &g); err != nil {
			return err
		}
		return encodeValue(b, g, depth)
	case map[string]any:
		if len(x) == 0 {
			b.WriteString("{}")
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(b, depth+1)
			encodeString(b, k)
			b.WriteString(": ")
			if err := encodeValue(b, x[k], depth+1); err != nil {
				return err
			}
		}
		newline(b, depth)
		b.WriteString("}")
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(b, depth+1)
			if err := encodeValue(b, e, depth+1); err != nil {
				return err
			}
		}
		newline(b, depth)
		b.WriteString("]")
	default:
		// Any other Go value (a struct, []string, float64, ...) goes through encoding/json
		// and back to the generic form, so it is laid out like the rest.
		raw, err := json.Marshal(x)
		if err != nil {
			return err
		}
		return encodeValue(b, json.RawMessage(raw), depth)
	}
	return nil
}

func newline(b *bytes.Buffer, depth int) {
	b.WriteByte('\n')
	for range depth {
		b.WriteByte(' ')
	}
}

func encodeString(b *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[r>>4])
				b.WriteByte(hexDigits[r&0xf])
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// MyST layout constants, as jupytext's MyST format names them.
const (
	mystFormatVersion = "0.13"
	jupytextVersion   = "1.16.4"
	codeDirective     = "{code-cell}"
	rawDirective      = "{raw-cell}"
)

var (
	blockBreak = regexp.MustCompile(`^\+\+\+\s*(.*)$`)
	fenceOpen  = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})(.*)$")
)

// ParseMyST reads a MyST markdown notebook as jupytext writes it: YAML front matter holding the
// notebook metadata, ```{code-cell} and ```{raw-cell} fences with their options (":key: value"
// lines or a "---" YAML block), and "+++" breaks between markdown cells, optionally followed by
// the next markdown cell's metadata as JSON. The jupytext text_representation is dropped from
// the metadata (WriteMyST writes it anew) and cells get ids "cell-1", "cell-2", ... since MyST
// keeps none.
func ParseMyST(data []byte) (*Notebook, error) {
	// Lines end at \n; a \r before it stays in the source (lossless), and is ignored where the
	// layout is read (fences, breaks, front matter).
	text := string(bytes.TrimPrefix(data, []byte("\ufeff")))
	lines := strings.Split(text, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	nb := &Notebook{Metadata: map[string]any{}, NBFormat: 4, NBFormatMinor: 5}

	i := 0
	if len(lines) > 0 && strings.TrimRight(lines[0], " \r") == "---" {
		end := -1
		for j := 1; j < len(lines); j++ {
			if strings.TrimRight(lines[j], " \r") == "---" {
				end = j
				break
			}
		}
		if end < 0 {
			return nil, errors.New("front matter: no closing --- line")
		}
		md, err := decodeYAMLMap(strings.Join(lines[1:end], "\n"))
		if err != nil {
			return nil, fmt.Errorf("front matter (line 1): %w", err)
		}
		nb.Metadata = md
		dropTextRepresentation(nb.Metadata)
		i = end + 1
	}

	var md []string
	var mdMeta map[string]any
	flush := func() {
		src := strings.Join(md, "\n")
		src = strings.TrimRightFunc(src, unicode.IsSpace)
		for strings.HasPrefix(src, "\n") {
			src = src[1:]
		}
		if src != "" || len(mdMeta) > 0 {
			meta := mdMeta
			if meta == nil {
				meta = map[string]any{}
			}
			nb.Cells = append(nb.Cells, &Cell{Type: "markdown", Source: src, Metadata: meta})
		}
		md, mdMeta = nil, nil
	}

	for i < len(lines) {
		line := lines[i]
		if m := blockBreak.FindStringSubmatch(line); m != nil {
			flush()
			if rest := strings.TrimSpace(m[1]); rest != "" {
				var meta map[string]any
				if err := decodeJSON([]byte(rest), &meta); err != nil || meta == nil {
					return nil, fmt.Errorf("line %d: the metadata after +++ must be a JSON "+
						"object, as in +++ {\"tags\": [\"x\"]}", i+1)
				}
				mdMeta = meta
			} else {
				mdMeta = nil
			}
			i++
			continue
		}
		m := fenceOpen.FindStringSubmatch(line)
		if m == nil {
			md = append(md, line)
			i++
			continue
		}
		fence, info := m[1], strings.TrimSpace(m[2])
		end := closingFence(lines, i+1, fence)
		cellType := ""
		switch {
		case strings.HasPrefix(info, codeDirective) && fence[0] == '`' && line[0] == '`':
			cellType = "code"
		case strings.HasPrefix(info, rawDirective) && fence[0] == '`' && line[0] == '`':
			cellType = "raw"
		}
		if cellType == "" {
			// An ordinary fenced block inside a markdown cell: keep it whole, so that a
			// "+++" inside it is not read as a break.
			md = append(md, lines[i:min(end+1, len(lines))]...)
			i = end + 1
			continue
		}
		flush()
		body := lines[i+1 : min(end, len(lines))]
		c, err := readFencedCell(cellType, body)
		if err != nil {
			return nil, fmt.Errorf("%s cell at line %d: %w", cellType, i+1, err)
		}
		nb.Cells = append(nb.Cells, c)
		i = end + 1
	}
	flush()

	for n, c := range nb.Cells {
		c.ID = fmt.Sprintf("cell-%d", n+1)
	}
	return nb, nil
}

// closingFence returns the index of the line closing fence at or after from, or len(lines).
func closingFence(lines []string, from int, fence string) int {
	for j := from; j < len(lines); j++ {
		t := strings.TrimLeft(lines[j], " ")
		if len(lines[j])-len(t) > 3 {
			continue
		}
		t = strings.TrimRight(t, " \t\r")
		if len(t) >= len(fence) && strings.Trim(t, fence[:1]) == "" {
			return j
		}
	}
	return len(lines)
}

func readFencedCell(cellType string, body []string) (*Cell, error) {
	meta := map[string]any{}
	switch {
	case len(body) > 0 && strings.TrimRight(body[0], " \r") == "---":
		end := -1
		for j := 1; j < len(body); j++ {
			if strings.HasPrefix(body[j], "---") {
				end = j
				break
			}
		}
		if end < 0 {
			return nil, errors.New("the --- options block has no closing --- line")
		}
		m, err := decodeYAMLMap(strings.Join(body[1:end], "\n"))
		if err != nil {
			return nil, fmt.Errorf("options: %w", err)
		}
		meta = m
		body = body[end+1:]
	case len(body) > 0 && strings.HasPrefix(strings.TrimLeft(body[0], " "), ":"):
		var opts []string
		for len(body) > 0 && strings.HasPrefix(strings.TrimLeft(body[0], " "), ":") {
			opts = append(opts, strings.TrimLeft(body[0], " ")[1:])
			body = body[1:]
		}
		m, err := decodeYAMLMap(strings.Join(opts, "\n"))
		if err != nil {
			return nil, fmt.Errorf("options (:key: value lines): %w", err)
		}
		meta = m
	}
	// As in jupytext, one blank line between the options (or the fence) and the source is
	// layout, not source.
	if len(body) > 0 && strings.TrimSpace(body[0]) == "" {
		body = body[1:]
	}
	c := &Cell{Type: cellType, Source: strings.Join(body, "\n"), Metadata: meta}
	if cellType == "code" {
		c.Outputs = []map[string]any{}
	}
	return c, nil
}

func dropTextRepresentation(md map[string]any) {
	v, present := md["jupytext"]
	if !present {
		return
	}
	jt, ok := v.(map[string]any)
	if !ok {
		// Not jupytext's settings (a mapping): WriteMyST writes its own there.
		delete(md, "jupytext")
		return
	}
	delete(jt, "text_representation")
	if len(jt) == 0 {
		delete(md, "jupytext")
	}
}

// decodeYAMLMap decodes a YAML mapping into JSON-shaped values (json.Number for numbers), so
// that it writes back to nbformat JSON as it would have been written there.
func decodeYAMLMap(text string) (map[string]any, error) {
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		return nil, err
	}
	if v == nil {
		return map[string]any{}, nil
	}
	j, err := jsonShape(v)
	if err != nil {
		return nil, err
	}
	m, ok := j.(map[string]any)
	if !ok {
		return nil, errors.New("want a YAML mapping of key: value")
	}
	return m, nil
}

func jsonShape(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			j, err := jsonShape(e)
			if err != nil {
				return nil, err
			}
			out[k] = j
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			j, err := jsonShape(e)
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(k)] = j
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			j, err := jsonShape(e)
			if err != nil {
				return nil, err
			}
			out[i] = j
		}
		return out, nil
	case int:
		return json.Number(strconv.Itoa(x)), nil
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), nil
	case uint64:
		return json.Number(strconv.FormatUint(x, 10)), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("%v is not a JSON number", x)
		}
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		return json.Number(s), nil
	case string, bool, nil:
		return x, nil
	}
	// Timestamps and other YAML types become their text.
	return fmt.Sprint(v), nil
}

// WriteMyST writes the notebook as MyST markdown in jupytext's layout. Outputs, execution
// counts and cell ids are not written, as jupytext does; sources, cell types and cell and
// notebook metadata are, so ParseMyST gives them back unchanged.
func (nb *Notebook) WriteMyST(w io.Writer) error {
	var b strings.Builder
	meta := map[string]any{}
	for k, v := range nb.Metadata {
		meta[k] = v
	}
	jt := map[string]any{}
	if old, ok := meta["jupytext"].(map[string]any); ok {
		for k, v := range old {
			jt[k] = v
		}
	}
	jt["text_representation"] = map[string]any{
		"extension":        ".md",
		"format_name":      "myst",
		"format_version":   json.Number(mystFormatVersion),
		"jupytext_version": jupytextVersion,
	}
	meta["jupytext"] = jt
	front, err := yamlText(meta, true)
	if err != nil {
		return fmt.Errorf("write myst: notebook metadata: %w", err)
	}
	b.WriteString("---\n" + front + "---\n")
	lexer := codeLexer(nb.Metadata)

	lastMarkdown := false
	for n, c := range nb.Cells {
		switch c.Type {
		case "markdown":
			if len(c.Metadata) > 0 {
				var mb bytes.Buffer
				if err := encodeInline(&mb, c.Metadata); err != nil {
					return fmt.Errorf("write myst: cell %d metadata: %w", n+1, err)
				}
				b.WriteString("\n+++ " + mb.String() + "\n")
			} else if lastMarkdown {
				b.WriteString("\n+++\n")
			}
			b.WriteString("\n" + c.Source)
			if !strings.HasSuffix(c.Source, "\n") {
				b.WriteString("\n")
			}
			lastMarkdown = true
		case "code", "raw":
			fence := fenceFor(c.Source)
			b.WriteString("\n" + fence)
			if c.Type == "code" {
				b.WriteString(codeDirective)
				if lexer != "" {
					b.WriteString(" " + lexer)
				}
			} else {
				b.WriteString(rawDirective)
			}
			b.WriteString("\n")
			firstBlank := c.Source != "" &&
				strings.TrimSpace(strings.SplitN(c.Source, "\n", 2)[0]) == ""
			if len(c.Metadata) > 0 {
				opts, err := cellOptions(c.Metadata)
				if err != nil {
					return fmt.Errorf("write myst: cell %d metadata: %w", n+1, err)
				}
				b.WriteString(opts)
				// A reader drops one blank line after the options; ":key:" options end
				// with it already.
				if firstBlank && strings.HasPrefix(opts, "---") {
					b.WriteString("\n")
				}
			} else if firstBlank || strings.HasPrefix(c.Source, "---") ||
				strings.HasPrefix(strings.TrimLeft(c.Source, " "), ":") {
				b.WriteString("\n")
			}
			b.WriteString(c.Source + "\n" + fence + "\n")
			lastMarkdown = false
		default:
			return fmt.Errorf("write myst: cell %d has type %q; MyST holds code, markdown "+
				"and raw cells only", n+1, c.Type)
		}
	}
	_, err = io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("write myst: %w", err)
	}
	return nil
}

// MarshalMyST returns the notebook as WriteMyST writes it.
func (nb *Notebook) MarshalMyST() ([]byte, error) {
	var b bytes.Buffer
	err := nb.WriteMyST(&b)
	return b.Bytes(), err
}

// codeLexer is the language named after {code-cell}: the pygments lexer, else the kernel's
// language.
func codeLexer(md map[string]any) string {
	if li, ok := md["language_info"].(map[string]any); ok {
		if s, ok := li["pygments_lexer"].(string); ok && s != "" {
			return s
		}
	}
	if ks, ok := md["kernelspec"].(map[string]any); ok {
		if s, ok := ks["language"].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// fenceFor returns a backtick fence longer than any backtick run that starts a source line.
func fenceFor(src string) string {
	n := 3
	for _, l := range strings.Split(src, "\n") {
		t := strings.TrimLeft(l, " ")
		k := len(t) - len(strings.TrimLeft(t, "`"))
		if k >= n {
			n = k + 1
		}
		k = len(t) - len(strings.TrimLeft(t, "~"))
		if k >= n {
			n = k + 1
		}
	}
	return strings.Repeat("`", n)
}

// cellOptions writes cell metadata as ":key: value" lines followed by a blank line when every
// line of its YAML starts with a letter, and as a "---" YAML block otherwise.
func cellOptions(md map[string]any) (string, error) {
	text, err := yamlText(md, true)
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	compact := true
	for _, l := range lines {
		if l == "" || !isLetter(l[0]) {
			compact = false
			break
		}
	}
	if compact {
		return ":" + strings.Join(lines, "\n:") + "\n\n", nil
	}
	return "---\n" + text + "---\n", nil
}

func isLetter(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// yamlText encodes v as block YAML with sorted keys; lists of scalars in flow style when
// flowLists is set ("tags: [a, b]").
func yamlText(v map[string]any, flowLists bool) (string, error) {
	node, err := yamlNode(v, flowLists)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(node); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

func yamlNode(v any, flowLists bool) (*yaml.Node, error) {
	switch x := v.(type) {
	case json.RawMessage:
		var g any
		if err := decodeJSON(x, &g); err != nil {
			return nil, err
		}
		return yamlNode(g, flowLists)
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			kn := &yaml.Node{}
			if err := kn.Encode(k); err != nil {
				return nil, err
			}
			vn, err := yamlNode(x[k], flowLists)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, kn, vn)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		flow := flowLists
		for _, e := range x {
			en, err := yamlNode(e, flowLists)
			if err != nil {
				return nil, err
			}
			if en.Kind != yaml.ScalarNode {
				flow = false
			}
			n.Content = append(n.Content, en)
		}
		if flow {
			n.Style = yaml.FlowStyle
		}
		return n, nil
	case json.Number:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: numberTag(x), Value: x.String()}, nil
	case string, bool, nil, int, int64, float64:
		n := &yaml.Node{}
		if err := n.Encode(x); err != nil {
			return nil, err
		}
		return n, nil
	}
	// Other Go values (structs, typed slices) go through JSON to the generic form.
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return yamlNode(json.RawMessage(raw), flowLists)
}

func numberTag(n json.Number) string {
	if _, err := n.Int64(); err == nil {
		return "!!int"
	}
	return "!!float"
}

// encodeInline writes v as one line of JSON with ", " and ": " separators, sorted keys.
func encodeInline(b *bytes.Buffer, v any) error {
	var full bytes.Buffer
	if err := encodeValue(&full, v, 0); err != nil {
		return err
	}
	var g any
	if err := decodeJSON(full.Bytes(), &g); err != nil {
		return err
	}
	return inline(b, g)
}

func inline(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			encodeString(b, k)
			b.WriteString(": ")
			if err := inline(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := inline(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		return encodeValue(b, x, 0)
	}
	return nil
}

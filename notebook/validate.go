package notebook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Problem is one way a notebook breaks the nbformat schema.
type Problem struct {
	// Path locates the value, as in "cells[2].outputs[0].text".
	Path string
	// Message says what is wrong with it.
	Message string
}

// ValidationError lists every problem Validate found.
type ValidationError struct {
	Problems []Problem
}

// Error lists the problems, one a line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the notebook is not valid nbformat 4 (%d problems)", len(e.Problems))
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s: %s", p.Path, p.Message)
	}
	return b.String()
}

// Validate checks the notebook, as WriteIPYNB would write it, against the nbformat 4 schema of
// its minor version (4.0 to 4.5). It returns nil or a *ValidationError.
func (nb *Notebook) Validate() error {
	data, err := nb.MarshalIPYNB()
	if err != nil {
		return err
	}
	return ValidateJSON(data)
}

// ValidateJSON checks nbformat JSON against the nbformat 4 schema of the minor version it
// declares, with the rules of nbformat's own validator: the 4.0-4.5 schemas, cell ids required,
// well formed and unique from 4.5 on, and a notebook from a later minor version checked against
// the 4.5 schema with unknown fields, cell types and output types allowed. It returns nil or a
// *ValidationError.
func ValidateJSON(data []byte) error {
	var doc any
	if err := decodeJSON(bytes.TrimPrefix(data, []byte("\ufeff")), &doc); err != nil {
		return &ValidationError{Problems: []Problem{{Path: "(file)",
			Message: "not JSON: " + err.Error()}}}
	}
	v := &validator{}
	v.notebook(doc)
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

type validator struct {
	minor    int
	future   bool // a minor version past 4.5: unknown fields and types allowed
	problems []Problem
}

func (v *validator) fail(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// The schema's patterns; nbformat's validator reads "$" as the end of the text, as Go does.
var (
	cellIDPattern = regexp.MustCompile(`^[a-zA-Z0-9\-_]+$`)
	namePattern   = regexp.MustCompile(`^[^\n]+$`)
	jsonMime      = regexp.MustCompile(`^application/(.*\+)?json$`)
)

func jsonType(x any) string {
	switch n := x.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if isInteger(n) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", x)
}

// isInteger reports whether a JSON number is an integer in draft 4's sense: written without a
// fraction or an exponent.
func isInteger(n json.Number) bool {
	return !strings.ContainsAny(string(n), ".eE")
}

func (v *validator) object(path string, x any) (map[string]any, bool) {
	m, ok := x.(map[string]any)
	if !ok {
		v.fail(path, "want an object, got %s", jsonType(x))
	}
	return m, ok
}

func (v *validator) str(path string, x any) {
	if _, ok := x.(string); !ok {
		v.fail(path, "want a string, got %s", jsonType(x))
	}
}

// integer checks an integer of at least lo; nullable allows null.
func (v *validator) integer(path string, x any, lo int64, nullable bool) {
	if x == nil && nullable {
		return
	}
	n, ok := x.(json.Number)
	if !ok || !isInteger(n) {
		v.fail(path, "want an integer, got %s", jsonType(x))
		return
	}
	if i, err := n.Int64(); err == nil && i < lo {
		v.fail(path, "want at least %d, got %d", lo, i)
	}
}

func (v *validator) multiline(path string, x any) {
	switch t := x.(type) {
	case string:
	case []any:
		for i, e := range t {
			if _, ok := e.(string); !ok {
				v.fail(fmt.Sprintf("%s[%d]", path, i), "want a string, got %s", jsonType(e))
			}
		}
	default:
		v.fail(path, "want a string or a list of strings, got %s", jsonType(x))
	}
}

func (v *validator) required(path string, m map[string]any, keys ...string) {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			v.fail(path, "missing required field %q", k)
		}
	}
}

func (v *validator) closed(path string, m map[string]any, allowed ...string) {
	if v.future {
		return
	}
	for k := range m {
		if !contains(allowed, k) {
			v.fail(path, "unknown field %q (nbformat 4.%d allows %s)", k, v.minor,
				strings.Join(allowed, ", "))
		}
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func (v *validator) notebook(doc any) {
	top, ok := v.object("(notebook)", doc)
	if !ok {
		return
	}
	major, ok := top["nbformat"].(json.Number)
	if !ok || string(major) != "4" {
		v.fail("nbformat", "want 4, got %v; only nbformat 4 notebooks are validated",
			top["nbformat"])
		return
	}
	minorNum, ok := top["nbformat_minor"].(json.Number)
	if mi, err := minorNum.Int64(); ok && err == nil && isInteger(minorNum) && mi >= 0 {
		v.minor = int(min(mi, 1<<20))
	} else if _, present := top["nbformat_minor"]; present {
		v.fail("nbformat_minor", "want an integer from 0, got %s", jsonType(top["nbformat_minor"]))
	}
	v.future = v.minor > 5
	v.required("(notebook)", top, "metadata", "nbformat_minor", "nbformat", "cells")
	v.closed("(notebook)", top, "metadata", "nbformat_minor", "nbformat", "cells")

	if md, ok := top["metadata"]; ok {
		v.notebookMetadata(md)
	}
	cells, ok := top["cells"]
	if !ok {
		return
	}
	list, isList := cells.([]any)
	if !isList {
		v.fail("cells", "want an array, got %s", jsonType(cells))
		return
	}
	seen := map[string]int{}
	for i, c := range list {
		path := fmt.Sprintf("cells[%d]", i)
		v.cell(path, c)
		if m, ok := c.(map[string]any); ok && v.minor >= 5 {
			if id, ok := m["id"].(string); ok {
				if j, dup := seen[id]; dup {
					v.fail(path+".id", "cell id %q is also the id of cells[%d]; cell ids "+
						"must be unique", id, j)
				} else {
					seen[id] = i
				}
			}
		}
	}
}

func (v *validator) notebookMetadata(x any) {
	md, ok := v.object("metadata", x)
	if !ok {
		return
	}
	if ks, present := md["kernelspec"]; present {
		if m, ok := v.object("metadata.kernelspec", ks); ok {
			v.required("metadata.kernelspec", m, "name", "display_name")
			for _, k := range []string{"name", "display_name"} {
				if s, ok := m[k]; ok {
					v.str("metadata.kernelspec."+k, s)
				}
			}
		}
	}
	if li, present := md["language_info"]; present {
		if m, ok := v.object("metadata.language_info", li); ok {
			v.required("metadata.language_info", m, "name")
			for _, k := range []string{"name", "file_extension", "mimetype", "pygments_lexer"} {
				if s, ok := m[k]; ok {
					v.str("metadata.language_info."+k, s)
				}
			}
			if cm, ok := m["codemirror_mode"]; ok {
				switch cm.(type) {
				case string, map[string]any:
				default:
					v.fail("metadata.language_info.codemirror_mode",
						"want a string or an object, got %s", jsonType(cm))
				}
			}
		}
	}
	if o, present := md["orig_nbformat"]; present {
		v.integer("metadata.orig_nbformat", o, 1, false)
	}
	if v.minor >= 2 {
		if t, present := md["title"]; present {
			v.str("metadata.title", t)
		}
		if a, present := md["authors"]; present {
			if _, ok := a.([]any); !ok {
				v.fail("metadata.authors", "want an array, got %s", jsonType(a))
			}
		}
	}
}

func (v *validator) cell(path string, x any) {
	c, ok := v.object(path, x)
	if !ok {
		return
	}
	typ, _ := c["cell_type"].(string)
	fields := []string{"cell_type", "metadata", "source"}
	switch typ {
	case "markdown", "raw":
		fields = append(fields, "attachments")
	case "code":
		fields = append(fields, "outputs", "execution_count")
	default:
		if v.future {
			v.required(path, c, "cell_type", "metadata")
			if md, ok := c["metadata"]; ok {
				v.cellMetadata(path+".metadata", md, "")
			}
			return
		}
		v.fail(path+".cell_type", "want \"code\", \"markdown\" or \"raw\", got %v",
			c["cell_type"])
		return
	}
	if v.minor >= 5 {
		fields = append(fields, "id")
	}
	required := fields
	if typ != "code" {
		required = slicesWithout(fields, "attachments")
	}
	v.required(path, c, required...)
	v.closed(path, c, fields...)

	if id, ok := c["id"]; ok && v.minor >= 5 {
		s, isStr := id.(string)
		n := len([]rune(s))
		switch {
		case !isStr:
			v.fail(path+".id", "want a string, got %s", jsonType(id))
		case n < 1 || n > 64:
			v.fail(path+".id", "cell id %q must be 1 to 64 characters long", s)
		case !cellIDPattern.MatchString(s):
			v.fail(path+".id", "cell id %q may hold only letters, digits, - and _", s)
		}
	}
	if md, ok := c["metadata"]; ok {
		v.cellMetadata(path+".metadata", md, typ)
	}
	if src, ok := c["source"]; ok {
		v.multiline(path+".source", src)
	}
	if att, ok := c["attachments"]; ok && typ != "code" {
		if m, ok := v.object(path+".attachments", att); ok {
			for name, b := range m {
				v.mimebundle(path+".attachments."+name, b)
			}
		}
	}
	if typ != "code" {
		return
	}
	if ec, ok := c["execution_count"]; ok {
		v.integer(path+".execution_count", ec, 0, true)
	}
	if outs, ok := c["outputs"]; ok {
		list, isList := outs.([]any)
		if !isList {
			v.fail(path+".outputs", "want an array, got %s", jsonType(outs))
			return
		}
		for i, o := range list {
			v.output(fmt.Sprintf("%s.outputs[%d]", path, i), o)
		}
	}
}

func slicesWithout(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

func (v *validator) cellMetadata(path string, x any, typ string) {
	md, ok := v.object(path, x)
	if !ok {
		return
	}
	if n, ok := md["name"]; ok {
		s, isStr := n.(string)
		if !isStr || !namePattern.MatchString(s) {
			v.fail(path+".name", "want a non-empty one-line string, got %s", jsonType(n))
		}
	}
	if t, ok := md["tags"]; ok {
		v.tags(path+".tags", t)
	}
	if typ == "" {
		return
	}
	if j, ok := md["jupyter"]; ok && v.minor >= 3 {
		v.object(path+".jupyter", j)
	}
	switch typ {
	case "raw":
		if f, ok := md["format"]; ok {
			v.str(path+".format", f)
		}
	case "code":
		if c, ok := md["collapsed"]; ok {
			if _, isBool := c.(bool); !isBool {
				v.fail(path+".collapsed", "want a boolean, got %s", jsonType(c))
			}
		}
		if s, ok := md["scrolled"]; ok {
			if _, isBool := s.(bool); !isBool && s != "auto" {
				v.fail(path+".scrolled", "want true, false or \"auto\", got %v", s)
			}
		}
		if e, ok := md["execution"]; ok && v.minor >= 4 {
			if m, ok := v.object(path+".execution", e); ok {
				for k, t := range m {
					v.str(path+".execution."+k, t)
				}
			}
		}
	}
}

func (v *validator) tags(path string, x any) {
	list, ok := x.([]any)
	if !ok {
		v.fail(path, "want an array of strings, got %s", jsonType(x))
		return
	}
	seen := map[string]bool{}
	for i, t := range list {
		s, isStr := t.(string)
		switch {
		case !isStr:
			v.fail(fmt.Sprintf("%s[%d]", path, i), "want a string, got %s", jsonType(t))
		case s == "" || strings.Contains(s, ","):
			v.fail(fmt.Sprintf("%s[%d]", path, i), "tag %q must be non-empty and hold no comma", s)
		case seen[s]:
			v.fail(fmt.Sprintf("%s[%d]", path, i), "tag %q appears twice; tags must be unique", s)
		}
		seen[s] = true
	}
}

func (v *validator) mimebundle(path string, x any) {
	m, ok := v.object(path, x)
	if !ok {
		return
	}
	for mime, d := range m {
		if jsonMime.MatchString(mime) {
			continue
		}
		v.multiline(path+"."+mime, d)
	}
}

func (v *validator) output(path string, x any) {
	o, ok := v.object(path, x)
	if !ok {
		return
	}
	typ, _ := o["output_type"].(string)
	var fields []string
	switch typ {
	case "execute_result":
		fields = []string{"output_type", "data", "metadata", "execution_count"}
	case "display_data":
		fields = []string{"output_type", "data", "metadata"}
	case "stream":
		fields = []string{"output_type", "name", "text"}
	case "error":
		fields = []string{"output_type", "ename", "evalue", "traceback"}
	default:
		if v.future {
			v.required(path, o, "output_type")
			return
		}
		v.fail(path+".output_type", "want execute_result, display_data, stream or error, "+
			"got %v", o["output_type"])
		return
	}
	v.required(path, o, fields...)
	v.closed(path, o, fields...)
	if d, ok := o["data"]; ok {
		v.mimebundle(path+".data", d)
	}
	if md, ok := o["metadata"]; ok {
		v.object(path+".metadata", md)
	}
	if ec, ok := o["execution_count"]; ok {
		v.integer(path+".execution_count", ec, 0, true)
	}
	for _, k := range []string{"name", "ename", "evalue"} {
		if s, ok := o[k]; ok {
			v.str(path+"."+k, s)
		}
	}
	if t, ok := o["text"]; ok {
		v.multiline(path+".text", t)
	}
	if tb, ok := o["traceback"]; ok {
		list, isList := tb.([]any)
		if !isList {
			v.fail(path+".traceback", "want an array of strings, got %s", jsonType(tb))
		}
		for i, e := range list {
			if _, isStr := e.(string); !isStr {
				v.fail(fmt.Sprintf("%s.traceback[%d]", path, i), "want a string, got %s",
					jsonType(e))
			}
		}
	}
}

package magics

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"text/template"
	"text/template/parse"
)

// VarGetter reads session variables by name; kernel.Vars satisfies it.
type VarGetter interface {
	Get(name string) (any, bool)
}

// RenderTemplate renders a query written as a Go text/template. The template's data is the
// session's variables: {{ .hosts }} is the variable hosts, and a variable the template names
// that does not exist is an error naming it. Besides the text/template builtins it has the
// CQL filters, each taking the list last so that it reads as a pipe:
//
//	{{ .ips | in "@ip" }}                  @ip IN ('1.1.1.1','8.8.8.8')
//	{{ .ips | not_in "@ip" }}              @ip !IN ('1.1.1.1','8.8.8.8')
//	{{ .hosts | or "host" }}               host = 'a' OR host = 'b'
//	{{ .hosts | and "host" "!=" }}         host != 'a' AND host != 'b'
//	{{ .domains | regex "@domain" }}       @domain MATCHES_REGEX 'a\.com|b\.com'
//	{{ .domains | not_regex "@domain" }}   @domain !MATCHES_REGEX 'a\.com|b\.com'
//
// matches_regex and not_matches_regex are the same as regex and not_regex, whose optional
// second argument is the separator ("|"). A list is any slice or array, or a value with a
// Records() []string method such as a gota series.Series; a single value is a list of one.
// Strings are quoted as CQL strings ('value', or e'…' with \' and \\ when the value holds a
// '); other values are written as fmt.Sprint writes them. q quotes one value. or and and
// keep their builtin meaning when their last argument is not a list ({{ if or .a .b }}).
//
// With file set, the template is read from that file and body may only define the blocks
// the file uses ({{ define "where" }}…{{ end }}), which is how a notebook fills in a shared
// query; without file, body is the template.
func RenderTemplate(body, file string, vars VarGetter) (string, error) {
	t := template.New("cell").Funcs(templateFuncs).Option("missingkey=error")
	root := t
	if file != "" {
		src, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("cell template: %w", err)
		}
		if root, err = t.New(file).Parse(string(src)); err != nil {
			return "", fmt.Errorf("cell template %s: %w", file, err)
		}
		if strings.TrimSpace(body) != "" {
			if _, err := t.New("cell").Parse(body); err != nil {
				return "", fmt.Errorf("cell template (cell body): %w", err)
			}
		}
	} else if _, err := t.Parse(body); err != nil {
		return "", fmt.Errorf("cell template: %w", err)
	}
	data := map[string]any{}
	for _, name := range templateNames(t) {
		v, ok := vars.Get(name)
		if !ok {
			return "", fmt.Errorf("cell template: .%s: no variable %s in this session; define "+
				"it in a cell first", name, name)
		}
		data[name] = v
	}
	var b bytes.Buffer
	if err := root.Execute(&b, data); err != nil {
		return "", fmt.Errorf("cell template: %w", err)
	}
	return b.String(), nil
}

// templateFuncs are the CQL filters cell templates have.
var templateFuncs = template.FuncMap{
	"in":                inFilter("IN"),
	"not_in":            inFilter("!IN"),
	"or":                func(args ...any) (any, error) { return joinOr(" OR ", args) },
	"and":               func(args ...any) (any, error) { return joinOr(" AND ", args) },
	"regex":             regexFilter("MATCHES_REGEX"),
	"matches_regex":     regexFilter("MATCHES_REGEX"),
	"not_regex":         regexFilter("!MATCHES_REGEX"),
	"not_matches_regex": regexFilter("!MATCHES_REGEX"),
	"q":                 QuoteCQL,
}

// QuoteCQL writes v as a CQL value: a string in single quotes, or as e'…' with \' and \\
// (and \n, \t, \r) escaped when it holds a '; any other value as fmt.Sprint writes it.
func QuoteCQL(v any) string {
	s, ok := v.(string)
	if !ok {
		if st, isStringer := v.(fmt.Stringer); isStringer && v != nil {
			return QuoteCQL(st.String())
		}
		return fmt.Sprint(v)
	}
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\t", `\t`, "\r", `\r`)
	return "e'" + r.Replace(s) + "'"
}

func inFilter(op string) func(field string, v any) (string, error) {
	return func(field string, v any) (string, error) { return inList(field, op, v) }
}

func inList(field, op string, v any) (string, error) {
	items, err := listOf(v)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", strings.ToLower(op), field, err)
	}
	quoted := make([]string, len(items))
	for i, x := range items {
		quoted[i] = QuoteCQL(x)
	}
	return field + " " + op + " (" + strings.Join(quoted, ",") + ")", nil
}

// joinOr is the or and and functions: the CQL filter when called as FIELD [OPERATOR] LIST,
// else text/template's builtin of the same name.
func joinOr(sep string, args []any) (any, error) {
	if len(args) >= 2 && len(args) <= 3 && isList(args[len(args)-1]) {
		field, ok := args[0].(string)
		op, opOK := "=", true
		if len(args) == 3 {
			op, opOK = args[1].(string)
		}
		if ok && opOK {
			items, _ := listOf(args[len(args)-1])
			parts := make([]string, len(items))
			for i, x := range items {
				parts[i] = field + " " + op + " " + QuoteCQL(x)
			}
			return strings.Join(parts, sep), nil
		}
	}
	if len(args) == 0 {
		return nil, errors.New(strings.ToLower(strings.TrimSpace(sep)) +
			": give a field and a list, as in {{ .hosts | or \"host\" }}")
	}
	for _, a := range args {
		if truth(a) == (sep == " OR ") {
			return a, nil
		}
	}
	return args[len(args)-1], nil
}

func regexFilter(op string) func(field string, args ...any) (string, error) {
	return func(field string, args ...any) (string, error) {
		sep := "|"
		switch len(args) {
		case 1:
		case 2:
			s, ok := args[0].(string)
			if !ok {
				return "", fmt.Errorf("regex %s: the separator must be a string", field)
			}
			sep = s
		default:
			return "", fmt.Errorf("regex %s: give a field, an optional separator and a list, "+
				"as in {{ .domains | regex \"@domain\" }}", field)
		}
		items, err := listOf(args[len(args)-1])
		if err != nil {
			return "", fmt.Errorf("regex %s: %w", field, err)
		}
		parts := make([]string, len(items))
		for i, x := range items {
			parts[i] = regexp.QuoteMeta(fmt.Sprint(x))
		}
		return field + " " + op + " " + QuoteCQL(strings.Join(parts, sep)), nil
	}
}

// recorder is a value that lists its values as text, such as a gota series.Series.
type recorder interface{ Records() []string }

func isList(v any) bool {
	if _, ok := v.(recorder); ok {
		return true
	}
	if v == nil {
		return false
	}
	k := reflect.TypeOf(v).Kind()
	return k == reflect.Slice || k == reflect.Array
}

// listOf returns the items of a list value; a single value is a list of one.
func listOf(v any) ([]any, error) {
	if r, ok := v.(recorder); ok {
		recs := r.Records()
		out := make([]any, len(recs))
		for i, s := range recs {
			out[i] = s
		}
		return out, nil
	}
	if v == nil {
		return nil, errors.New("the list is nil; give a slice of values")
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return []any{v}, nil
	}
	if rv.Len() == 0 {
		return nil, errors.New("the list is empty, which would make the query match nothing; " +
			"give at least one value")
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, nil
}

// truth is text/template's notion of a true value.
func truth(v any) bool {
	if v == nil {
		return false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return rv.Len() > 0
	case reflect.Bool:
		return rv.Bool()
	case reflect.Complex64, reflect.Complex128:
		return rv.Complex() != 0
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.Interface:
		return !rv.IsNil()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int() != 0
	case reflect.Float32, reflect.Float64:
		return rv.Float() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Uintptr:
		return rv.Uint() != 0
	}
	return true
}

// templateNames returns the top-level names the templates read from their data: .name in
// {{ .name }}, {{ .name.Field }} or {{ $.name }}, in order of first use.
func templateNames(t *template.Template) []string {
	var out []string
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Root == nil {
			continue
		}
		walkNames(tt.Root, add)
	}
	return out
}

// walkNames calls add for each top-level data field n reads. Fields inside {{ with }} and
// {{ range }} read the dot those set, not the data; they are not data names, and a template
// that means the data there writes $.name.
func walkNames(n parse.Node, add func(string)) {
	walkNamesDot(n, add, true)
}

func walkNamesDot(n parse.Node, add func(string), dotIsData bool) {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			walkNamesDot(c, add, dotIsData)
		}
	case *parse.ActionNode:
		walkNamesDot(x.Pipe, add, dotIsData)
	case *parse.PipeNode:
		if x == nil {
			return
		}
		for _, c := range x.Cmds {
			walkNamesDot(c, add, dotIsData)
		}
	case *parse.CommandNode:
		for _, a := range x.Args {
			walkNamesDot(a, add, dotIsData)
		}
	case *parse.FieldNode:
		if dotIsData && len(x.Ident) > 0 {
			add(x.Ident[0])
		}
	case *parse.ChainNode:
		walkNamesDot(x.Node, add, dotIsData)
	case *parse.VariableNode:
		if len(x.Ident) > 1 && x.Ident[0] == "$" {
			add(x.Ident[1])
		}
	case *parse.IfNode:
		walkNamesDot(x.Pipe, add, dotIsData)
		walkNamesDot(x.List, add, dotIsData)
		walkNamesDot(x.ElseList, add, dotIsData)
	case *parse.RangeNode:
		walkNamesDot(x.Pipe, add, dotIsData)
		walkNamesDot(x.List, add, false)
		walkNamesDot(x.ElseList, add, dotIsData)
	case *parse.WithNode:
		walkNamesDot(x.Pipe, add, dotIsData)
		walkNamesDot(x.List, add, false)
		walkNamesDot(x.ElseList, add, dotIsData)
	case *parse.TemplateNode:
		walkNamesDot(x.Pipe, add, dotIsData)
	}
}

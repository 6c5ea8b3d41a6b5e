package notebook

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Params are the values a run injects, by name, in the order they were first given. Values are
// what YAML decodes to: string, int, float64, bool, nil, []any and map[string]any.
type Params struct {
	names  []string
	values map[string]any
}

// Set gives name the value v, replacing an earlier value but keeping its place.
func (p *Params) Set(name string, v any) {
	if p.values == nil {
		p.values = map[string]any{}
	}
	if _, ok := p.values[name]; !ok {
		p.names = append(p.names, name)
	}
	p.values[name] = v
}

// Names returns the parameter names in the order they were first set.
func (p *Params) Names() []string { return slices.Clone(p.names) }

// Get returns the value of name and whether it is set.
func (p *Params) Get(name string) (any, bool) {
	v, ok := p.values[name]
	return v, ok
}

// Len returns the number of parameters.
func (p *Params) Len() int { return len(p.names) }

// Map returns the parameters as a map, for the notebook's metadata.
func (p *Params) Map() map[string]any {
	m := make(map[string]any, len(p.values))
	maps.Copy(m, p.values)
	return m
}

// Merge sets every parameter of q on p, in q's order.
func (p *Params) Merge(q *Params) {
	for _, n := range q.names {
		p.Set(n, q.values[n])
	}
}

// SetArg parses one NAME=VALUE argument, as -p gives it. The value is typed like a YAML scalar
// (42 is an int, 1.5 a float, true a bool, anything else the string as written); a parameters
// cell that declares the name as a string still receives the text.
func (p *Params) SetArg(arg string) error {
	name, val, ok := strings.Cut(arg, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("parameter %q: want NAME=VALUE, such as -p TENANT_ID=11772", arg)
	}
	if !token.IsIdentifier(name) {
		return fmt.Errorf("parameter %q: %q is not a Go identifier", arg, name)
	}
	p.Set(name, scalar(val))
	return nil
}

// scalar types one -p value the way YAML types a plain scalar, keeping the text otherwise.
func scalar(s string) any {
	if i, err := strconv.Atoi(s); err == nil {
		return i
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "xXpP_") &&
		!math.IsInf(f, 0) && !math.IsNaN(f) {
		return f
	}
	switch s {
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	}
	return s
}

// SetYAML sets every key of a YAML mapping, as -f and -y give them, in document order.
func (p *Params) SetYAML(data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("parameters yaml: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return errors.New("parameters yaml: want a mapping of NAME: VALUE, such as " +
			"\"TENANT_ID: '11772'\"")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		name := root.Content[i].Value
		if !token.IsIdentifier(name) {
			return fmt.Errorf("parameters yaml: %q is not a Go identifier (line %d)", name,
				root.Content[i].Line)
		}
		var v any
		if err := root.Content[i+1].Decode(&v); err != nil {
			return fmt.Errorf("parameters yaml: %s: %w", name, err)
		}
		v, err := plainYAML(v)
		if err != nil {
			return fmt.Errorf("parameters yaml: %s: %w", name, err)
		}
		p.Set(name, v)
	}
	return nil
}

// plainYAML turns what yaml decodes into the JSON-like values Params hold.
func plainYAML(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, int, float64:
		return x, nil
	case int64:
		return int(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, fmt.Errorf("integer %d is too large", x)
		}
		return int(x), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			pe, err := plainYAML(e)
			if err != nil {
				return nil, err
			}
			out[i] = pe
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			pe, err := plainYAML(e)
			if err != nil {
				return nil, err
			}
			out[k] = pe
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			pe, err := plainYAML(e)
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(k)] = pe
		}
		return out, nil
	}
	return fmt.Sprint(v), nil
}

// Declared returns the Go type of each name the parameters cell declares, as written
// ("string", "[]string", "int"), or inferred from its initial value; "" when neither says.
// %-magic lines are skipped; a cell that does not parse as Go declares nothing.
func Declared(src string) map[string]string {
	var kept []string
	for _, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "%") {
			kept = append(kept, "")
			continue
		}
		kept = append(kept, l)
	}
	body := strings.Join(kept, "\n")
	out := map[string]string{}
	fset := token.NewFileSet()
	if f, err := parser.ParseFile(fset, "", "package p\n"+body, 0); err == nil {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok {
				declareGen(fset, g, out)
			}
		}
		return out
	}
	f, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+body+"\n}", 0)
	if err != nil {
		return out
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		for _, st := range fn.Body.List {
			switch s := st.(type) {
			case *ast.DeclStmt:
				if g, ok := s.Decl.(*ast.GenDecl); ok {
					declareGen(fset, g, out)
				}
			case *ast.AssignStmt:
				if s.Tok != token.DEFINE || len(s.Lhs) != len(s.Rhs) {
					continue
				}
				for i, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						out[id.Name] = inferType(fset, s.Rhs[i])
					}
				}
			}
		}
	}
	return out
}

func declareGen(fset *token.FileSet, g *ast.GenDecl, out map[string]string) {
	if g.Tok != token.VAR {
		return
	}
	for _, sp := range g.Specs {
		vs, ok := sp.(*ast.ValueSpec)
		if !ok {
			continue
		}
		for i, n := range vs.Names {
			switch {
			case vs.Type != nil:
				out[n.Name] = exprString(fset, vs.Type)
			case i < len(vs.Values):
				out[n.Name] = inferType(fset, vs.Values[i])
			default:
				out[n.Name] = ""
			}
		}
	}
}

// inferType is the type of an initial value when its literal says it.
func inferType(fset *token.FileSet, e ast.Expr) string {
	switch x := e.(type) {
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING:
			return "string"
		case token.INT:
			return "int"
		case token.FLOAT:
			return "float64"
		}
	case *ast.Ident:
		if x.Name == "true" || x.Name == "false" {
			return "bool"
		}
	case *ast.UnaryExpr:
		return inferType(fset, x.X)
	case *ast.CompositeLit:
		if x.Type != nil {
			return exprString(fset, x.Type)
		}
	case *ast.CallExpr:
		// A conversion such as int64(5) or time.Duration(0) names its type.
		if len(x.Args) == 1 {
			return exprString(fset, x.Fun)
		}
	}
	return ""
}

func exprString(_ *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

// writeExpr prints the type expressions a parameters cell uses, without comments or spacing.
func writeExpr(b *strings.Builder, e ast.Expr) {
	switch x := e.(type) {
	case *ast.Ident:
		b.WriteString(x.Name)
	case *ast.SelectorExpr:
		writeExpr(b, x.X)
		b.WriteString("." + x.Sel.Name)
	case *ast.ArrayType:
		b.WriteString("[]")
		writeExpr(b, x.Elt)
	case *ast.MapType:
		b.WriteString("map[")
		writeExpr(b, x.Key)
		b.WriteString("]")
		writeExpr(b, x.Value)
	case *ast.StarExpr:
		b.WriteString("*")
		writeExpr(b, x.X)
	case *ast.InterfaceType:
		if x.Methods == nil || len(x.Methods.List) == 0 {
			b.WriteString("any")
			return
		}
		b.WriteString("interface{...}")
	default:
		b.WriteString("?")
	}
}

// Assignment is one line of the injected-parameters cell.
type Assignment struct {
	Name string
	// Code is the Go statement: NAME = literal for a declared parameter, var NAME = literal
	// (or var NAME T = literal) for one the parameters cell does not declare.
	Code string
	// Undeclared is true when the parameters cell does not declare Name.
	Undeclared bool
}

// Assignments renders params as Go statements compatible with the declarations of the
// parameters cell source (see Declared). It fails, naming the parameter, when a value cannot
// be given to the declared type.
func Assignments(params *Params, parametersCell string) ([]Assignment, error) {
	decl := Declared(parametersCell)
	var out []Assignment
	var errs []error
	for _, name := range params.names {
		v := params.values[name]
		typ, declared := decl[name]
		lit, err := Literal(v, typ)
		if err != nil {
			errs = append(errs, fmt.Errorf("parameter %s: %w", name, err))
			continue
		}
		a := Assignment{Name: name, Undeclared: !declared}
		switch {
		case declared:
			a.Code = name + " = " + lit
		case v == nil:
			a.Code = "var " + name + " any = nil"
		default:
			a.Code = "var " + name + " = " + lit
		}
		out = append(out, a)
	}
	return out, errors.Join(errs...)
}

// Literal renders v as a Go literal of type typ; typ "" (or any) infers the type from v:
// string, int, float64, bool, []string / []int / []float64 / []bool / []any, and
// map[string]string / map[string]any.
func Literal(v any, typ string) (string, error) {
	switch typ {
	case "", "any", "interface{}":
		return inferLiteral(v)
	case "string":
		switch x := v.(type) {
		case string:
			return strconv.Quote(x), nil
		case int, float64, bool:
			return strconv.Quote(scalarText(x)), nil
		}
	case "bool":
		switch x := v.(type) {
		case bool:
			return strconv.FormatBool(x), nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return strconv.FormatBool(b), nil
			}
		}
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
		"uint64", "time.Duration":
		switch x := v.(type) {
		case int:
			return typedNumber(typ, strconv.Itoa(x)), nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return typedNumber(typ, strconv.FormatInt(int64(x), 10)), nil
			}
		case string:
			if i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return typedNumber(typ, strconv.FormatInt(i, 10)), nil
			}
		}
	case "float64", "float32":
		switch x := v.(type) {
		case int:
			return typedNumber(typ, strconv.Itoa(x)), nil
		case float64:
			return typedNumber(typ, formatFloat(x)), nil
		case string:
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return typedNumber(typ, formatFloat(f)), nil
			}
		}
	default:
		if elem, ok := strings.CutPrefix(typ, "[]"); ok {
			return sliceLiteral(v, typ, elem)
		}
		if strings.HasPrefix(typ, "map[string]") {
			return mapLiteral(v, typ, strings.TrimPrefix(typ, "map[string]"))
		}
		return "", fmt.Errorf("the parameters cell declares type %s, which a parameter "+
			"cannot be given; declare it as a string, number, bool, slice or map[string]", typ)
	}
	return "", fmt.Errorf("the parameters cell declares a %s; %s is not one", typ, describe(v))
}

func typedNumber(typ, digits string) string {
	if typ == "int" || typ == "float64" {
		if typ == "float64" && !strings.ContainsAny(digits, ".eE") {
			return digits + ".0"
		}
		return digits
	}
	return typ + "(" + digits + ")"
}

func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

func scalarText(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	default:
		return scalarText(x)
	}
}

func sliceLiteral(v any, typ, elem string) (string, error) {
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case string:
		// A -p value for a slice parameter is a comma-separated list.
		for _, s := range strings.Split(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, scalarOrString(elem, s))
			}
		}
	case nil:
		return typ + "{}", nil
	default:
		items = []any{x}
	}
	parts := make([]string, len(items))
	for i, it := range items {
		l, err := Literal(it, elem)
		if err != nil {
			return "", fmt.Errorf("item %d: %w", i, err)
		}
		parts[i] = l
	}
	return typ + "{" + strings.Join(parts, ", ") + "}", nil
}

func scalarOrString(elem, s string) any {
	if elem == "string" {
		return s
	}
	return scalar(s)
}

func mapLiteral(v any, typ, elem string) (string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return typ + "{}", nil
		}
		return "", fmt.Errorf("the parameters cell declares a %s; %s is not a mapping", typ,
			describe(v))
	}
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		l, err := Literal(m[k], elem)
		if err != nil {
			return "", fmt.Errorf("key %s: %w", k, err)
		}
		parts[i] = strconv.Quote(k) + ": " + l
	}
	return typ + "{" + strings.Join(parts, ", ") + "}", nil
}

// inferLiteral renders v in the Go type its value suggests.
func inferLiteral(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "nil", nil
	case string:
		return strconv.Quote(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case float64:
		return formatFloat(x), nil
	case []any:
		return sliceLiteral(x, "[]"+commonType(x), commonType(x))
	case map[string]any:
		vals := make([]any, 0, len(x))
		for _, e := range x {
			vals = append(vals, e)
		}
		return mapLiteral(x, "map[string]"+commonType(vals), commonType(vals))
	}
	return "", fmt.Errorf("value %v of type %T cannot be a parameter", v, v)
}

// commonType is the element type of a list: the one scalar type every item shares, else any.
func commonType(items []any) string {
	t := ""
	for _, it := range items {
		var k string
		switch it.(type) {
		case string:
			k = "string"
		case int:
			k = "int"
		case float64:
			k = "float64"
		case bool:
			k = "bool"
		default:
			return "any"
		}
		if t != "" && t != k {
			if (t == "int" && k == "float64") || (t == "float64" && k == "int") {
				t = "float64"
				continue
			}
			return "any"
		}
		t = k
	}
	if t == "" {
		return "any"
	}
	return t
}

package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"gotaegis/schema"
)

var gatewayConsts = map[string]string{
	"graphql": "sdk.GatewayGraphQL", "events": "sdk.GatewayEvents", "tenants": "sdk.GatewayTenants",
}

var kindConsts = map[ast.Operation]string{
	ast.Query: "sdk.Query", ast.Mutation: "sdk.Mutation", ast.Subscription: "sdk.Subscription",
}

func (g *gen) writeService(b *bytes.Buffer) {
	g.use("context")
	g.use("errors")
	g.use("fmt")
	g.use("gotaegis/sdk")
	comment(b, "", fmt.Sprintf("Service calls the operations of the Taegis %s service. "+
		"It is safe for concurrent use.", g.svc.Name))
	b.WriteString("type Service struct {\n\tc *sdk.Client\n}\n\n")
	b.WriteString("// New returns a Service that sends its calls through c.\n")
	b.WriteString("func New(c *sdk.Client) *Service {\n\treturn &Service{c: c}\n}\n\n")
	b.WriteString("// errNoClient is returned by the methods of a Service made without New.\n")
	fmt.Fprintf(b, "var errNoClient = errors.New(\n\t\"%s: no client; create the service with "+
		"%s.New(client)\")\n\n", g.svc.Name, g.svc.Name)
	b.WriteString("func (s *Service) client() (*sdk.Client, error) {\n" +
		"\tif s == nil || s.c == nil {\n\t\treturn nil, errNoClient\n\t}\n\treturn s.c, nil\n}\n")
	prior := map[string]string{}
	for i, op := range g.svc.Ops {
		b.WriteString("\n")
		if g.sels[i] != "" {
			g.writeSelection(b, i, op, prior)
		}
		if g.argTypes[i] != "" {
			g.writeArgs(b, i, op)
		}
		g.writeMethod(b, i, op)
	}
}

// writeSelection writes an operation's default selection constant; an operation whose
// selection equals an earlier one's refers to that constant.
func (g *gen) writeSelection(b *bytes.Buffer, i int, op *operation, prior map[string]string) {
	docf(b, "", "%s is the default selection set of %s.", g.sels[i], g.methods[i])
	lines := g.selection(g.svc.Schema.Types[op.Field.Type.Name()], 1, map[string]bool{}, "")
	sel := strings.Join(lines, "\n")
	if first, ok := prior[sel]; ok {
		fmt.Fprintf(b, "const %s = %s\n\n", g.sels[i], first)
		return
	}
	prior[sel] = g.sels[i]
	fmt.Fprintf(b, "const %s = `%s`\n\n", g.sels[i], sel)
}

// selection lists the fields selected from def at depth (1 for the result's own fields):
// every non-deprecated scalar and enum field, and object fields down to the depth limit,
// skipping fields that need arguments and types already on the path. A type another service
// owns is selected by its key (see keySelection). A union or interface gets __typename and
// one inline fragment per member.
func (g *gen) selection(def *ast.Definition, depth int, path map[string]bool,
	indent string) []string {
	if def.Kind == ast.Union || def.Kind == ast.Interface {
		lines := []string{indent + "__typename"}
		for _, m := range members(g.svc.Schema, def) {
			sub := g.selection(m, depth, path, indent+"  ")
			if len(sub) == 0 {
				continue
			}
			lines = append(lines, indent+"... on "+m.Name+" {")
			lines = append(lines, sub...)
			lines = append(lines, indent+"}")
		}
		return lines
	}
	if depth > 1 && g.foreign(def) {
		return g.keySelection(def, indent)
	}
	path[def.Name] = true
	defer delete(path, def.Name)
	var lines []string
	for _, f := range g.fieldDefs(def) {
		if _, dep := deprecation(f.Directives); dep || requiredArgs(f) {
			continue
		}
		child := g.svc.Schema.Types[f.Type.Name()]
		if child.Kind == ast.Scalar || child.Kind == ast.Enum {
			lines = append(lines, indent+f.Name)
			continue
		}
		if depth >= g.depth || path[child.Name] {
			continue
		}
		sub := g.selection(child, depth+1, path, indent+"  ")
		if len(sub) == 0 || (len(sub) == 1 && strings.TrimSpace(sub[0]) == "__typename") {
			continue
		}
		lines = append(lines, indent+f.Name+" {")
		lines = append(lines, sub...)
		lines = append(lines, indent+"}")
	}
	return lines
}

// foreign reports whether def is declared in another service's file: such a type belongs to
// that service, and this one refers to it only by key.
func (g *gen) foreign(def *ast.Definition) bool {
	if def.Position == nil || def.Position.Src == nil {
		return false
	}
	owner := schema.Service(def.Position.Src)
	return owner != "" && owner != g.svc.Name
}

// keySelection selects a foreign type by its ID fields, or when it has none by its scalar and
// enum fields.
func (g *gen) keySelection(def *ast.Definition, indent string) []string {
	var keys, leaves []string
	for _, f := range g.fieldDefs(def) {
		if _, dep := deprecation(f.Directives); dep || requiredArgs(f) {
			continue
		}
		child := g.svc.Schema.Types[f.Type.Name()]
		if child.Kind != ast.Scalar && child.Kind != ast.Enum {
			continue
		}
		leaves = append(leaves, indent+f.Name)
		if f.Type.Name() == "ID" {
			keys = append(keys, indent+f.Name)
		}
	}
	if len(keys) > 0 {
		return keys
	}
	return leaves
}

func requiredArgs(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

func (g *gen) writeArgs(b *bytes.Buffer, i int, op *operation) {
	docf(b, "", "%s are the arguments of %s; nil fields are not sent.", g.argTypes[i],
		g.methods[i])
	fmt.Fprintf(b, "type %s struct {\n", g.argTypes[i])
	ns := newNamespace()
	for _, a := range op.Field.Arguments {
		fieldDoc(b, "\t", a.Description, a.Directives)
		fmt.Fprintf(b, "\t%s %s\n", ns.claim(goName(a.Name)), g.goType(a.Type))
	}
	b.WriteString("}\n\n")
}

// resultType is the Go type a method returns or a handler receives.
func (g *gen) resultType(op *operation) string { return g.goType(op.Field.Type) }

func (g *gen) writeMethod(b *bytes.Buffer, i int, op *operation) {
	f := op.Field
	name := g.methods[i]
	result := g.resultType(op)
	docf(b, "", "%s runs the %s %s.", name, f.Name, op.Kind)
	if f.Description != "" {
		b.WriteString("//\n")
		comment(b, "", f.Description)
	}
	if reason, ok := deprecation(f.Directives); ok {
		b.WriteString("//\n")
		comment(b, "", "Deprecated: "+reason)
	}

	// Parameters, and the Go expression that holds each argument's value.
	params := []string{"ctx context.Context"}
	values := make([]string, len(f.Arguments))
	if g.argTypes[i] != "" {
		params = append(params, "args "+g.argTypes[i])
		ns := newNamespace()
		for j, a := range f.Arguments {
			values[j] = "args." + ns.claim(goName(a.Name))
		}
	} else {
		for j, a := range f.Arguments {
			values[j] = paramName(a.Name)
			params = append(params, values[j]+" "+g.goType(a.Type))
		}
	}
	if op.Kind == ast.Subscription {
		params = append(params, "handle func("+result+") error")
	}
	params = append(params, "opts ...sdk.Option")
	ret := "(" + result + ", error)"
	if op.Kind == ast.Subscription {
		ret = "error"
	}
	sig := fmt.Sprintf("func (s *Service) %s(%s) %s {", name, strings.Join(params, ", "), ret)
	if len(sig) > 100 {
		sig = fmt.Sprintf("func (s *Service) %s(\n\t%s,\n) %s {", name,
			strings.Join(params, ",\n\t"), ret)
	}
	b.WriteString(sig + "\n")

	fail := "return nil, err"
	if op.Kind == ast.Subscription {
		fail = "return err"
	} else if !strings.HasPrefix(result, "*") && !strings.HasPrefix(result, "[]") &&
		!strings.HasPrefix(result, "map[") {
		fail = "var zero " + result + "\n\t\treturn zero, err"
	}
	fmt.Fprintf(b, "\tc, err := s.client()\n\tif err != nil {\n\t\t%s\n\t}\n", fail)

	// Variables: required ones always, optional ones only when set.
	b.WriteString("\tvars := map[string]any{}\n")
	for j, a := range f.Arguments {
		v := values[j]
		typ := g.goType(a.Type)
		optional := strings.HasPrefix(typ, "*") || strings.HasPrefix(typ, "[]") ||
			strings.HasPrefix(typ, "map[") || typ == "json.RawMessage"
		switch {
		case a.Type.NonNull && a.Type.Elem != nil:
			fmt.Fprintf(b, "\tif %s == nil {\n\t\t%s = %s{}\n\t}\n", v, v, typ)
			fmt.Fprintf(b, "\tvars[%s] = %s\n", quote(a.Name), v)
		case optional && !a.Type.NonNull:
			fmt.Fprintf(b, "\tif %s != nil {\n\t\tvars[%s] = %s\n\t}\n", v, quote(a.Name), v)
		default:
			fmt.Fprintf(b, "\tvars[%s] = %s\n", quote(a.Name), v)
		}
	}

	b.WriteString("\treq := sdk.Request{\n")
	b.WriteString("\t\tGateway: " + g.gateway() + ",\n\t\tKind: " + kindConsts[op.Kind] +
		",\n\t\tField: " + quote(f.Name) + ",\n\t\tDocument: ")
	prefix, suffix := document(op, g.sels[i] != "")
	pieces := literalPieces(prefix)
	if g.sels[i] != "" {
		pieces = append(pieces, "sdk.Options(opts).SelectionOr("+g.sels[i]+")")
	}
	if suffix != "" {
		pieces = append(pieces, quote(suffix))
	}
	b.WriteString(strings.Join(pieces, " +\n\t\t\t") + ",\n")
	b.WriteString("\t\tVariables: vars,\n\t}\n")

	outStruct := fmt.Sprintf("struct {\n\t\tData %s `json:%s`\n\t}", result, quote(f.Name))
	if op.Kind == ast.Subscription {
		g.use("encoding/json")
		// DecodeField hands a large message straight to the result type's own decoder.
		b.WriteString("\terr = c.Subscribe(ctx, req, func(data json.RawMessage) error {\n")
		fmt.Fprintf(b, "\t\tvar out %s\n", result)
		fmt.Fprintf(b, "\t\tif err := sdk.DecodeField(data, %s, &out); err != nil {\n"+
			"\t\t\treturn fmt.Errorf(\"subscription %s: decode message: %%w\", err)\n\t\t}\n",
			quote(f.Name), f.Name)
		b.WriteString("\t\treturn handle(out)\n\t}, opts...)\n")
		fmt.Fprintf(b, "\tif err != nil {\n\t\treturn fmt.Errorf(\"subscription %s: %%w\", err)\n"+
			"\t}\n\treturn nil\n}\n", f.Name)
		return
	}
	fmt.Fprintf(b, "\tvar out %s\n", outStruct)
	fmt.Fprintf(b, "\tif err := c.Do(ctx, req, &out, opts...); err != nil {\n"+
		"\t\treturn out.Data, fmt.Errorf(\"%s %s: %%w\", err)\n\t}\n", op.Kind, f.Name)
	b.WriteString("\treturn out.Data, nil\n}\n")
}

// document returns the text of an operation's document before and after its selection set:
// the operation is named after its field and declares every argument with its exact GraphQL
// type. Without a selection set (a scalar or enum result) the two parts make the whole
// document.
func document(op *operation, selected bool) (prefix, suffix string) {
	f := op.Field
	var decls, uses []string
	for _, a := range f.Arguments {
		decls = append(decls, "$"+a.Name+": "+a.Type.String())
		uses = append(uses, a.Name+": $"+a.Name)
	}
	head := string(op.Kind) + " " + f.Name
	call := f.Name
	if len(decls) > 0 {
		head += "(" + strings.Join(decls, ", ") + ")"
		call += "(" + strings.Join(uses, ", ") + ")"
	}
	if !selected {
		return head + " { " + call + " }", ""
	}
	return head + " { " + call + " {\n", "\n} }"
}

// literalPieces splits s into quoted Go strings short enough to keep generated lines under
// 100 columns, breaking after a comma, else before a space, where it can.
func literalPieces(s string) []string {
	const width = 70
	var out []string
	for len(s) > width {
		cut := strings.LastIndex(s[:width], ", ") + 2
		if cut < 2 {
			cut = strings.LastIndex(s[:width], " ")
		}
		if cut <= 0 {
			cut = width
		}
		out = append(out, quote(s[:cut]))
		s = s[cut:]
	}
	return append(out, quote(s))
}

func (g *gen) gateway() string {
	if c, ok := gatewayConsts[g.svc.Gateway]; ok {
		return c
	}
	return "sdk.Gateway(" + quote(g.svc.Gateway) + ")"
}

package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// IntrospectionQuery is the standard introspection query, without the newer arguments
// (includeDeprecated on input values, isRepeatable, specifiedByURL) that older Taegis gateways
// reject.
const IntrospectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}`

// IntrospectionQueryInputDeprecation is IntrospectionQuery that also asks for deprecated
// arguments and input fields (includeDeprecated on input values), so that their @deprecated
// survives. Taegis's graphql gateway answers it; the events and tenants gateways reject it.
var IntrospectionQueryInputDeprecation = strings.NewReplacer(
	"args { ...InputValue } type", "args(includeDeprecated: true) { ...InputValue } type",
	"inputFields { ...InputValue }", "inputFields(includeDeprecated: true) { ...InputValue }",
	"defaultValue }", "defaultValue isDeprecated deprecationReason }",
).Replace(IntrospectionQuery)

// Introspect asks gateway g of the client's region for its schema and returns it validated.
func (c *Client) Introspect(ctx context.Context, g Gateway) (*ast.Schema, error) {
	doc := IntrospectionQuery
	if g == GatewayGraphQL {
		doc = IntrospectionQueryInputDeprecation
	}
	var out json.RawMessage
	err := c.Do(ctx, Request{Gateway: g, Kind: Query, Field: "schema", Document: doc}, &out)
	if err != nil {
		return nil, fmt.Errorf("introspect the %s gateway: %w", g, err)
	}
	s, err := SchemaFromIntrospection(out)
	if err != nil {
		return nil, fmt.Errorf("introspect the %s gateway: %w", g, err)
	}
	return s, nil
}

// FormatSDL prints a schema as SDL, without the built-in scalars, directives and introspection
// types.
func FormatSDL(s *ast.Schema) string {
	var b strings.Builder
	formatter.NewFormatter(&b).FormatSchema(s)
	return b.String()
}

// The introspection result, as far as the SDL needs it.
type (
	introspection struct {
		Schema *introSchema `json:"__schema"`
	}
	introSchema struct {
		QueryType        *introName       `json:"queryType"`
		MutationType     *introName       `json:"mutationType"`
		SubscriptionType *introName       `json:"subscriptionType"`
		Types            []introType      `json:"types"`
		Directives       []introDirective `json:"directives"`
	}
	introName struct {
		Name string `json:"name"`
	}
	introType struct {
		Kind          string       `json:"kind"`
		Name          string       `json:"name"`
		Description   string       `json:"description"`
		Fields        []introField `json:"fields"`
		InputFields   []introInput `json:"inputFields"`
		Interfaces    []introRef   `json:"interfaces"`
		EnumValues    []introEnum  `json:"enumValues"`
		PossibleTypes []introRef   `json:"possibleTypes"`
	}
	introField struct {
		Name              string       `json:"name"`
		Description       string       `json:"description"`
		Args              []introInput `json:"args"`
		Type              *introRef    `json:"type"`
		IsDeprecated      bool         `json:"isDeprecated"`
		DeprecationReason *string      `json:"deprecationReason"`
	}
	introInput struct {
		Name              string    `json:"name"`
		Description       string    `json:"description"`
		Type              *introRef `json:"type"`
		DefaultValue      *string   `json:"defaultValue"`
		IsDeprecated      bool      `json:"isDeprecated"`
		DeprecationReason *string   `json:"deprecationReason"`
	}
	introEnum struct {
		Name              string  `json:"name"`
		Description       string  `json:"description"`
		IsDeprecated      bool    `json:"isDeprecated"`
		DeprecationReason *string `json:"deprecationReason"`
	}
	introRef struct {
		Kind   string    `json:"kind"`
		Name   *string   `json:"name"`
		OfType *introRef `json:"ofType"`
	}
	introDirective struct {
		Name        string       `json:"name"`
		Description string       `json:"description"`
		Locations   []string     `json:"locations"`
		Args        []introInput `json:"args"`
	}
)

var introPos = &ast.Position{Src: &ast.Source{Name: "introspection"}}

// SchemaFromIntrospection builds a validated schema from the data of an introspection query:
// the object holding __schema (the whole response's data, or that object alone).
func SchemaFromIntrospection(data []byte) (*ast.Schema, error) {
	var in introspection
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("introspection result: %w", err)
	}
	if in.Schema == nil {
		if err := json.Unmarshal(data, &in.Schema); err != nil || in.Schema == nil ||
			in.Schema.QueryType == nil {
			return nil, errors.New("introspection result: no __schema object")
		}
	}
	is := in.Schema
	if is.QueryType == nil || is.QueryType.Name == "" {
		return nil, errors.New("introspection result: the schema has no query type")
	}

	prelude := validator.PreludeDocument()
	builtin := map[string]bool{}
	for _, d := range prelude.Definitions {
		builtin[d.Name] = true
	}
	builtinDirective := map[string]bool{}
	for _, d := range prelude.Directives {
		builtinDirective[d.Name] = true
	}

	doc := &ast.SchemaDocument{
		Definitions: prelude.Definitions,
		Directives:  prelude.Directives,
	}
	sd := &ast.SchemaDefinition{Position: introPos}
	for _, op := range []struct {
		op   ast.Operation
		name *introName
	}{{ast.Query, is.QueryType}, {ast.Mutation, is.MutationType},
		{ast.Subscription, is.SubscriptionType}} {
		if op.name != nil && op.name.Name != "" {
			sd.OperationTypes = append(sd.OperationTypes, &ast.OperationTypeDefinition{
				Operation: op.op, Type: op.name.Name, Position: introPos})
		}
	}
	doc.Schema = []*ast.SchemaDefinition{sd}

	for _, t := range is.Types {
		if strings.HasPrefix(t.Name, "__") || builtin[t.Name] {
			continue
		}
		def, err := t.definition()
		if err != nil {
			return nil, err
		}
		doc.Definitions = append(doc.Definitions, def)
	}
	for _, d := range is.Directives {
		if builtinDirective[d.Name] {
			continue
		}
		if err := checkName("directive", d.Name); err != nil {
			return nil, err
		}
		dd := &ast.DirectiveDefinition{Name: d.Name, Description: d.Description,
			Position: introPos}
		args, err := arguments(d.Args)
		if err != nil {
			return nil, fmt.Errorf("directive @%s: %w", d.Name, err)
		}
		dd.Arguments = args
		for _, l := range d.Locations {
			if !directiveLocations[l] {
				return nil, fmt.Errorf("introspection result: directive @%s has unknown "+
					"location %q", d.Name, l)
			}
			dd.Locations = append(dd.Locations, ast.DirectiveLocation(l))
		}
		doc.Directives = append(doc.Directives, dd)
	}

	s, err := validator.ValidateSchemaDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("introspection result is not a valid schema: %w", err)
	}
	return s, nil
}

func (t introType) definition() (*ast.Definition, error) {
	if err := checkName("type", t.Name); err != nil {
		return nil, err
	}
	def := &ast.Definition{Name: t.Name, Description: t.Description, Position: introPos}
	switch t.Kind {
	case "SCALAR":
		def.Kind = ast.Scalar
	case "OBJECT", "INTERFACE":
		def.Kind = ast.Object
		if t.Kind == "INTERFACE" {
			def.Kind = ast.Interface
		}
		for _, f := range t.Fields {
			fd, err := f.definition()
			if err != nil {
				return nil, fmt.Errorf("type %s: %w", t.Name, err)
			}
			def.Fields = append(def.Fields, fd)
		}
		for _, i := range t.Interfaces {
			def.Interfaces = append(def.Interfaces, i.name())
		}
	case "UNION":
		def.Kind = ast.Union
		for _, p := range t.PossibleTypes {
			def.Types = append(def.Types, p.name())
		}
	case "ENUM":
		def.Kind = ast.Enum
		for _, e := range t.EnumValues {
			if err := checkName("enum value", e.Name); err != nil || e.Name == "true" ||
				e.Name == "false" || e.Name == "null" {
				return nil, fmt.Errorf("introspection result: enum %s has the bad value %q",
					t.Name, e.Name)
			}
			def.EnumValues = append(def.EnumValues, &ast.EnumValueDefinition{
				Name: e.Name, Description: e.Description, Position: introPos,
				Directives: deprecation(e.IsDeprecated, e.DeprecationReason,
					ast.LocationEnumValue)})
		}
	case "INPUT_OBJECT":
		def.Kind = ast.InputObject
		args, err := arguments(t.InputFields)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", t.Name, err)
		}
		for _, a := range args {
			for _, d := range a.Directives {
				d.Location = ast.LocationInputFieldDefinition
			}
			def.Fields = append(def.Fields, &ast.FieldDefinition{Name: a.Name,
				Description: a.Description, Type: a.Type, DefaultValue: a.DefaultValue,
				Directives: a.Directives, Position: introPos})
		}
	default:
		return nil, fmt.Errorf("introspection result: type %s has unknown kind %q", t.Name,
			t.Kind)
	}
	return def, nil
}

func (f introField) definition() (*ast.FieldDefinition, error) {
	if err := checkName("field", f.Name); err != nil {
		return nil, err
	}
	typ, err := f.Type.astType()
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", f.Name, err)
	}
	args, err := arguments(f.Args)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", f.Name, err)
	}
	return &ast.FieldDefinition{Name: f.Name, Description: f.Description, Arguments: args,
		Type: typ, Position: introPos,
		Directives: deprecation(f.IsDeprecated, f.DeprecationReason,
			ast.LocationFieldDefinition)}, nil
}

func arguments(in []introInput) (ast.ArgumentDefinitionList, error) {
	var out ast.ArgumentDefinitionList
	for _, a := range in {
		if err := checkName("argument", a.Name); err != nil {
			return nil, err
		}
		typ, err := a.Type.astType()
		if err != nil {
			return nil, fmt.Errorf("argument %s: %w", a.Name, err)
		}
		ad := &ast.ArgumentDefinition{Name: a.Name, Description: a.Description, Type: typ,
			Position: introPos, Directives: deprecation(a.IsDeprecated, a.DeprecationReason,
				ast.LocationArgumentDefinition)}
		if a.DefaultValue != nil {
			v, err := parseLiteral(*a.DefaultValue)
			if err != nil {
				return nil, fmt.Errorf("argument %s: %w", a.Name, err)
			}
			ad.DefaultValue = v
		}
		out = append(out, ad)
	}
	return out, nil
}

func deprecation(deprecated bool, reason *string, loc ast.DirectiveLocation) ast.DirectiveList {
	if !deprecated {
		return nil
	}
	d := &ast.Directive{Name: "deprecated", Position: introPos, Location: loc}
	if reason != nil && *reason != "" && *reason != "No longer supported" {
		d.Arguments = ast.ArgumentList{{Name: "reason", Position: introPos,
			Value: &ast.Value{Kind: ast.StringValue, Raw: *reason, Position: introPos}}}
	}
	return ast.DirectiveList{d}
}

// maxTypeDepth bounds the wrapping of one type reference, far beyond what any schema uses.
const maxTypeDepth = 16

func (r *introRef) astType() (*ast.Type, error) {
	return r.astTypeDepth(0)
}

func (r *introRef) astTypeDepth(depth int) (*ast.Type, error) {
	if r == nil {
		return nil, errors.New("missing type")
	}
	if depth > maxTypeDepth {
		return nil, errors.New("type reference nested too deep")
	}
	switch r.Kind {
	case "NON_NULL":
		inner, err := r.OfType.astTypeDepth(depth + 1)
		if err != nil {
			return nil, err
		}
		if inner.NonNull {
			return nil, errors.New("non-null of non-null type")
		}
		inner.NonNull = true
		return inner, nil
	case "LIST":
		inner, err := r.OfType.astTypeDepth(depth + 1)
		if err != nil {
			return nil, err
		}
		return &ast.Type{Elem: inner, Position: introPos}, nil
	}
	if r.Name == nil || *r.Name == "" {
		return nil, fmt.Errorf("a %s type reference without a name", r.Kind)
	}
	if err := checkName("type", *r.Name); err != nil {
		return nil, err
	}
	return &ast.Type{NamedType: *r.Name, Position: introPos}, nil
}

func (r introRef) name() string {
	if r.Name == nil {
		return ""
	}
	return *r.Name
}

var nameRE = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]*$`)

func checkName(what, name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("introspection result: %q is not a valid %s name", name, what)
	}
	return nil
}

// parseLiteral parses a default value, which introspection gives as GraphQL literal text, by
// parsing it as the default of a variable: the value must be a constant and nothing else.
func parseLiteral(raw string) (*ast.Value, error) {
	doc, err := parser.ParseQuery(&ast.Source{Input: "query($v: Int = " + raw + ") { a }"})
	if err != nil || len(doc.Operations) != 1 ||
		len(doc.Operations[0].VariableDefinitions) != 1 ||
		doc.Operations[0].VariableDefinitions[0].DefaultValue == nil {
		return nil, fmt.Errorf("default value %q is not a GraphQL constant", raw)
	}
	return doc.Operations[0].VariableDefinitions[0].DefaultValue, nil
}

var directiveLocations = map[string]bool{}

func init() {
	for _, l := range []ast.DirectiveLocation{ast.LocationQuery, ast.LocationMutation,
		ast.LocationSubscription, ast.LocationField, ast.LocationFragmentDefinition,
		ast.LocationFragmentSpread, ast.LocationInlineFragment, ast.LocationVariableDefinition,
		ast.LocationSchema, ast.LocationScalar, ast.LocationObject,
		ast.LocationFieldDefinition, ast.LocationArgumentDefinition, ast.LocationInterface,
		ast.LocationUnion, ast.LocationEnum, ast.LocationEnumValue, ast.LocationInputObject,
		ast.LocationInputFieldDefinition} {
		directiveLocations[string(l)] = true
	}
}

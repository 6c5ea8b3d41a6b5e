package sdk

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	gqlintro "github.com/99designs/gqlgen/graphql/introspection"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// introspectionOf answers the introspection query for s the way a gqlgen server does (the
// emulator is one), through gqlgen's own introspection types.
func introspectionOf(t testing.TB, s *ast.Schema) []byte {
	t.Helper()
	w := gqlintro.WrapSchema(s)
	is := introSchema{QueryType: nameOf(w.QueryType()), MutationType: nameOf(w.MutationType()),
		SubscriptionType: nameOf(w.SubscriptionType())}
	for _, ty := range w.Types() {
		is.Types = append(is.Types, typeOf(&ty))
	}
	for _, d := range w.Directives() {
		is.Directives = append(is.Directives, introDirective{Name: d.Name,
			Description: str(d.Description()), Locations: d.Locations, Args: inputsOf(d.Args)})
	}
	data, err := json.Marshal(map[string]any{"__schema": is})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func nameOf(ty *gqlintro.Type) *introName {
	if ty == nil {
		return nil
	}
	return &introName{Name: *ty.Name()}
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func typeOf(ty *gqlintro.Type) introType {
	out := introType{Kind: ty.Kind(), Name: str(ty.Name()), Description: str(ty.Description())}
	for _, f := range ty.Fields(true) {
		out.Fields = append(out.Fields, introField{Name: f.Name,
			Description: str(f.Description()), Args: inputsOf(f.Args), Type: refOf(f.Type),
			IsDeprecated: f.IsDeprecated(), DeprecationReason: f.DeprecationReason()})
	}
	out.InputFields = inputsOf(ty.InputFields())
	for _, i := range ty.Interfaces() {
		out.Interfaces = append(out.Interfaces, *refOf(&i))
	}
	for _, p := range ty.PossibleTypes() {
		out.PossibleTypes = append(out.PossibleTypes, *refOf(&p))
	}
	for _, e := range ty.EnumValues(true) {
		out.EnumValues = append(out.EnumValues, introEnum{Name: e.Name,
			Description: str(e.Description()), IsDeprecated: e.IsDeprecated(),
			DeprecationReason: e.DeprecationReason()})
	}
	return out
}

func inputsOf(in []gqlintro.InputValue) []introInput {
	var out []introInput
	for _, a := range in {
		out = append(out, introInput{Name: a.Name, Description: str(a.Description()),
			Type: refOf(a.Type), DefaultValue: a.DefaultValue, IsDeprecated: a.IsDeprecated(),
			DeprecationReason: a.DeprecationReason()})
	}
	return out
}

func refOf(ty *gqlintro.Type) *introRef {
	if ty == nil {
		return nil
	}
	return &introRef{Kind: ty.Kind(), Name: ty.Name(), OfType: refOf(ty.OfType())}
}

func loadTiny(t testing.TB) *ast.Schema {
	t.Helper()
	src, err := os.ReadFile("testdata/tiny.graphql")
	if err != nil {
		t.Fatal(err)
	}
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "tiny.graphql", Input: string(src)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSchemaFromIntrospectionRoundTrip(t *testing.T) {
	orig := loadTiny(t)
	got, err := SchemaFromIntrospection(introspectionOf(t, orig))
	if err != nil {
		t.Fatalf("SchemaFromIntrospection: %v", err)
	}
	sdl := FormatSDL(got)
	golden(t, "tiny.golden.graphql", []byte(sdl))
	if want := FormatSDL(orig); sdl != want {
		t.Errorf("round trip changed the schema:\n--- got\n%s\n--- want\n%s", sdl, want)
	}
	if _, err := gqlparser.LoadSchema(&ast.Source{Name: "again", Input: sdl}); err != nil {
		t.Errorf("the printed SDL does not load again: %v", err)
	}
}

func TestSchemaFromIntrospectionRejects(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"not json", `{`, "introspection result"},
		{"no schema", `{"x":1}`, "no __schema"},
		{"no query type", `{"__schema":{"types":[]}}`, "no query type"},
		{"unknown kind", `{"__schema":{"queryType":{"name":"Query"},"types":[{"kind":"BLOB",` +
			`"name":"Query"}]}}`, "unknown kind"},
		{"dangling type", `{"__schema":{"queryType":{"name":"Query"},"types":[{"kind":` +
			`"OBJECT","name":"Query","fields":[{"name":"a","type":{"kind":"OBJECT","name":` +
			`"Missing"}}]}]}}`, "not a valid schema"},
		{"nameless reference", `{"__schema":{"queryType":{"name":"Query"},"types":[{"kind":` +
			`"OBJECT","name":"Query","fields":[{"name":"a","type":{"kind":"LIST"}}]}]}}`,
			"missing type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SchemaFromIntrospection([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// Each gateway gets the introspection query it accepts; the graphql gateway's asks for
// deprecated arguments and input fields, whose @deprecated must reach the SDL.
func TestIntrospect(t *testing.T) {
	data := introspectionOf(t, loadTiny(t))
	tests := []struct {
		gateway Gateway
		query   string
		want    []string
	}{
		{GatewayEvents, IntrospectionQuery, nil},
		{GatewayGraphQL, IntrospectionQueryInputDeprecation, []string{
			`max: Int @deprecated(reason: "use limit")`,
			`note: String @deprecated(reason: "use reason")`}},
	}
	for _, tt := range tests {
		t.Run(string(tt.gateway), func(t *testing.T) {
			f := newFakeTaegis(t)
			f.graphql = func(w http.ResponseWriter, r *recordedRequest, _ int) {
				if r.Body.OperationName != "IntrospectionQuery" || r.Body.Query != tt.query {
					writeJSON(w, 400, `{"errors":[{"message":"not the introspection query"}]}`)
					return
				}
				writeJSON(w, 200, `{"data":`+string(data)+`}`)
			}
			c := newTestClient(t, f, nil)
			s, err := c.Introspect(context.Background(), tt.gateway)
			if err != nil {
				t.Fatalf("Introspect: %v", err)
			}
			if s.Subscription == nil || s.Subscription.Fields.ForName("eventQuery") == nil {
				t.Errorf("the introspected schema lacks Subscription.eventQuery")
			}
			sdl := FormatSDL(s)
			for _, w := range tt.want {
				if !strings.Contains(sdl, w) {
					t.Errorf("the SDL lacks %q:\n%s", w, sdl)
				}
			}
		})
	}
}

func FuzzSchemaFromIntrospection(f *testing.F) {
	f.Add(introspectionOf(f, loadTiny(f)))
	f.Add([]byte(`{"__schema":{"queryType":{"name":"Query"},"types":[{"kind":"OBJECT",` +
		`"name":"Query","fields":[{"name":"a","type":{"kind":"NON_NULL","ofType":{"kind":` +
		`"SCALAR","name":"String"}}}]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := SchemaFromIntrospection(data)
		if err != nil {
			return
		}
		// Whatever converts must print as SDL that parses again.
		if _, err := gqlparser.LoadSchema(&ast.Source{Input: FormatSDL(s)}); err != nil {
			t.Fatalf("printed SDL does not load: %v", err)
		}
	})
}

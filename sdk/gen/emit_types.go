package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

var kindWords = map[ast.DefinitionKind]string{
	ast.Object: "object", ast.InputObject: "input", ast.Enum: "enum", ast.Union: "union",
	ast.Interface: "interface",
}

func (g *gen) writeTypes(b *bytes.Buffer) {
	for _, def := range g.svc.Types {
		name := g.typeName[def.Name]
		docf(b, "", "%s is the GraphQL %s %s.", name, kindWords[def.Kind], def.Name)
		if def.Description != "" {
			b.WriteString("//\n")
			comment(b, "", def.Description)
		}
		switch def.Kind {
		case ast.Object, ast.InputObject:
			g.writeStruct(b, def)
		case ast.Enum:
			g.writeEnum(b, def)
		case ast.Union, ast.Interface:
			g.writeUnion(b, def)
		}
		b.WriteString("\n")
	}
}

func fieldDoc(b *bytes.Buffer, indent, desc string, dirs ast.DirectiveList) {
	if desc != "" {
		comment(b, indent, desc)
	}
	if reason, ok := deprecation(dirs); ok {
		if desc != "" {
			fmt.Fprintf(b, "%s//\n", indent)
		}
		comment(b, indent, "Deprecated: "+reason)
	}
}

func (g *gen) writeStruct(b *bytes.Buffer, def *ast.Definition) {
	name := g.typeName[def.Name]
	fmt.Fprintf(b, "type %s struct {\n", name)
	fields := g.fieldDefs(def)
	for i, f := range fields {
		fieldDoc(b, "\t", f.Description, f.Directives)
		tag := f.Name
		if !f.Type.NonNull {
			tag += ",omitempty"
		}
		fmt.Fprintf(b, "\t%s %s `json:%s`\n", g.fields[def.Name][i], g.goType(f.Type), quote(tag))
	}
	b.WriteString("}\n")
	if def.Kind != ast.Object {
		return
	}
	for i, f := range fields {
		getter := g.getters[def.Name][i]
		if getter == "" {
			continue
		}
		field := g.fields[def.Name][i]
		typ := g.goType(f.Type)
		b.WriteString("\n")
		switch {
		case strings.HasPrefix(typ, "*") && g.composite(f.Type):
			docf(b, "", "%s returns x.%s, or nil when x is nil.", getter, field)
			fmt.Fprintf(b, "func (x *%s) %s() %s {\n\tif x == nil {\n\t\treturn nil\n\t}\n"+
				"\treturn x.%s\n}\n", name, getter, typ, field)
		case strings.HasPrefix(typ, "*"):
			elem := typ[1:]
			docf(b, "", "%s returns x.%s, or the zero value when x or the field is nil.",
				getter, field)
			fmt.Fprintf(b, "func (x *%s) %s() %s {\n\tif x == nil || x.%s == nil {\n"+
				"\t\tvar zero %s\n\t\treturn zero\n\t}\n\treturn *x.%s\n}\n",
				name, getter, elem, field, elem, field)
		default:
			docf(b, "", "%s returns x.%s, or the zero value when x is nil.", getter, field)
			fmt.Fprintf(b, "func (x *%s) %s() %s {\n\tif x == nil {\n\t\tvar zero %s\n"+
				"\t\treturn zero\n\t}\n\treturn x.%s\n}\n", name, getter, typ, typ, field)
		}
	}
}

func (g *gen) writeEnum(b *bytes.Buffer, def *ast.Definition) {
	name := g.typeName[def.Name]
	b.WriteString("//\n")
	comment(b, "", "A value the server sends that this package does not know decodes "+
		"without error; IsKnown tells such values apart.")
	fmt.Fprintf(b, "type %s string\n\n", name)
	docf(b, "", "The values of %s.", name)
	b.WriteString("const (\n")
	for _, v := range def.EnumValues {
		fieldDoc(b, "\t", v.Description, v.Directives)
		fmt.Fprintf(b, "\t%s %s = %s\n", g.consts[def.Name][v.Name], name, quote(v.Name))
	}
	b.WriteString(")\n\n")
	docf(b, "", "IsKnown reports whether v is one of the values the schema declares for %s.",
		def.Name)
	fmt.Fprintf(b, "func (v %s) IsKnown() bool {\n\tswitch v {\n\tcase ", name)
	for i, v := range def.EnumValues {
		if i > 0 {
			b.WriteString(",\n\t\t")
		}
		b.WriteString(g.consts[def.Name][v.Name])
	}
	b.WriteString(":\n\t\treturn true\n\t}\n\treturn false\n}\n\n")
	docf(b, "", "Values returns the values the schema declares for %s, in schema order.", def.Name)
	fmt.Fprintf(b, "func (%s) Values() []%s {\n\treturn []%s{\n", name, name, name)
	for _, v := range def.EnumValues {
		fmt.Fprintf(b, "\t\t%s,\n", g.consts[def.Name][v.Name])
	}
	b.WriteString("\t}\n}\n")
}

func (g *gen) writeUnion(b *bytes.Buffer, def *ast.Definition) {
	g.use("encoding/json")
	g.use("fmt")
	name := g.typeName[def.Name]
	ms := members(g.svc.Schema, def)
	b.WriteString("//\n")
	comment(b, "", "Decoding reads __typename and fills the field of that type; an unknown "+
		"__typename keeps the object in Raw. Select __typename for decoding to work.")
	fmt.Fprintf(b, "type %s struct {\n", name)
	b.WriteString("\t// Typename is the concrete type the server sent.\n")
	b.WriteString("\tTypename string\n")
	for i, m := range ms {
		docf(b, "\t", "%s is set when Typename is %s.", g.members[def.Name][i], m.Name)
		fmt.Fprintf(b, "\t%s *%s\n", g.members[def.Name][i], g.typeName[m.Name])
	}
	b.WriteString("\t// Raw is the object as received when Typename names none of the types above.\n")
	b.WriteString("\tRaw json.RawMessage\n}\n\n")

	docf(b, "", "UnmarshalJSON decodes the member type that __typename names.")
	fmt.Fprintf(b, "func (u *%s) UnmarshalJSON(b []byte) error {\n", name)
	b.WriteString("\tif string(b) == \"null\" {\n\t\treturn nil\n\t}\n")
	b.WriteString("\tvar head struct {\n\t\tTypename string `json:\"__typename\"`\n\t}\n")
	fmt.Fprintf(b, "\tif err := json.Unmarshal(b, &head); err != nil {\n"+
		"\t\treturn fmt.Errorf(\"decode %s: %%w\", err)\n\t}\n", def.Name)
	fmt.Fprintf(b, "\t*u = %s{Typename: head.Typename}\n", name)
	b.WriteString("\tvar err error\n\tswitch head.Typename {\n")
	for i, m := range ms {
		f := g.members[def.Name][i]
		fmt.Fprintf(b, "\tcase %s:\n\t\tu.%s = new(%s)\n\t\terr = json.Unmarshal(b, u.%s)\n",
			quote(m.Name), f, g.typeName[m.Name], f)
	}
	b.WriteString("\tdefault:\n\t\tu.Raw = append(json.RawMessage(nil), b...)\n\t}\n")
	fmt.Fprintf(b, "\tif err != nil {\n\t\treturn fmt.Errorf(\"decode %s as %%s: %%w\", "+
		"head.Typename, err)\n\t}\n\treturn nil\n}\n\n", def.Name)

	docf(b, "", "Value returns the member that is set, or nil.")
	fmt.Fprintf(b, "func (u %s) Value() any {\n\tswitch {\n", name)
	for i := range ms {
		f := g.members[def.Name][i]
		fmt.Fprintf(b, "\tcase u.%s != nil:\n\t\treturn u.%s\n", f, f)
	}
	b.WriteString("\t}\n\treturn nil\n}\n\n")

	docf(b, "", "MarshalJSON encodes the member that is set, with its __typename, or Raw.")
	fmt.Fprintf(b, "func (u %s) MarshalJSON() ([]byte, error) {\n", name)
	b.WriteString("\tvar v any\n\tswitch {\n")
	for i, m := range ms {
		f := g.members[def.Name][i]
		fmt.Fprintf(b, "\tcase u.%s != nil:\n\t\tv = struct {\n"+
			"\t\t\tTypename string `json:\"__typename\"`\n\t\t\t*%s\n\t\t}{%s, u.%s}\n",
			f, g.typeName[m.Name], quote(m.Name), f)
	}
	b.WriteString("\tcase u.Raw != nil:\n\t\treturn u.Raw, nil\n\tdefault:\n" +
		"\t\treturn []byte(\"null\"), nil\n\t}\n\treturn json.Marshal(v)\n}\n")
}

package main

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"gotaegis/schema"
)

// service is one generated package: the operations of one "# service:" file and every type
// they reach.
type service struct {
	Name    string // the package name, e.g. alerts
	Gateway string // the gateway folder, e.g. graphql
	Summary string // the file's description, from its comment lines after "# service:"
	Schema  *ast.Schema
	Ops     []*operation
	Types   []*ast.Definition // reachable object, input, enum, union and interface types, by name
}

// operation is one root field of a service.
type operation struct {
	Kind  ast.Operation // query, mutation or subscription
	Field *ast.FieldDefinition
}

// loadServices reads every gateway folder of fsys and groups root fields into services by the
// "# service:" line of the file that declares them.
func loadServices(fsys schemaFS) ([]*service, error) {
	var out []*service
	seen := map[string]string{}
	gateways, err := gatewaysIn(fsys)
	if err != nil {
		return nil, err
	}
	for _, gw := range gateways {
		s, err := schema.Load(fsys, gw)
		if err != nil {
			return nil, err
		}
		sources, err := schema.Sources(fsys, gw)
		if err != nil {
			return nil, err
		}
		byFile := map[string]*service{}
		var order []*service
		for _, src := range sources {
			name := schema.Service(src)
			if name == "" {
				continue
			}
			if other, dup := seen[name]; dup {
				return nil, fmt.Errorf("service %q is declared by both %s and %s; "+
					"each service must live in one file", name, other, src.Name)
			}
			seen[name] = src.Name
			svc := &service{Name: name, Gateway: gw, Summary: summary(src.Input), Schema: s}
			byFile[src.Name] = svc
			order = append(order, svc)
		}
		roots := []struct {
			kind ast.Operation
			def  *ast.Definition
		}{{ast.Query, s.Query}, {ast.Mutation, s.Mutation}, {ast.Subscription, s.Subscription}}
		for _, root := range roots {
			if root.def == nil {
				continue
			}
			for _, f := range root.def.Fields {
				if strings.HasPrefix(f.Name, "__") {
					continue
				}
				svc := byFile[f.Position.Src.Name]
				if svc == nil {
					return nil, fmt.Errorf("%s: root field %s is not in a service file; "+
						"move it to a file that starts with \"# service: <name>\"",
						f.Position.Src.Name, f.Name)
				}
				svc.Ops = append(svc.Ops, &operation{Kind: root.kind, Field: f})
			}
		}
		for _, svc := range order {
			if len(svc.Ops) == 0 {
				return nil, fmt.Errorf("service %q (%s) declares no operations", svc.Name,
					seen[svc.Name])
			}
			svc.Types = reachable(s, svc.Ops)
			out = append(out, svc)
		}
	}
	return out, nil
}

// gatewaysIn lists the folders of fsys that hold .graphql files, by name.
func gatewaysIn(fsys schemaFS) ([]string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read schema folder: %w", err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		files, err := fs.Glob(fsys, e.Name()+"/*.graphql")
		if err != nil {
			return nil, fmt.Errorf("list schema files: %w", err)
		}
		if len(files) > 0 {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no gateway folders with .graphql files in the schema folder; " +
			"expected e.g. graphql/schema.graphql")
	}
	return out, nil
}

// summary returns the comment lines that follow "# service:" at the top of a service file.
func summary(input string) string {
	var lines []string
	started := false
	for line := range strings.SplitSeq(input, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "#") {
			break
		}
		text := strings.TrimSpace(strings.TrimPrefix(line, "#"))
		if strings.HasPrefix(text, "service:") {
			started = true
			continue
		}
		if started {
			lines = append(lines, text)
		}
	}
	return strings.Join(lines, " ")
}

// reachable returns the named non-scalar types the operations' arguments and results reach,
// sorted by name.
func reachable(s *ast.Schema, ops []*operation) []*ast.Definition {
	seen := map[string]bool{}
	var visit func(t *ast.Type)
	visit = func(t *ast.Type) {
		name := t.Name()
		if seen[name] {
			return
		}
		def := s.Types[name]
		if def == nil || def.Kind == ast.Scalar {
			return
		}
		seen[name] = true
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			visit(f.Type)
		}
		for _, m := range members(s, def) {
			visit(ast.NamedType(m.Name, nil))
		}
	}
	for _, op := range ops {
		for _, a := range op.Field.Arguments {
			visit(a.Type)
		}
		visit(op.Field.Type)
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	defs := make([]*ast.Definition, len(names))
	for i, n := range names {
		defs[i] = s.Types[n]
	}
	return defs
}

// members returns the object types a union or interface can hold: a union's in declaration
// order, an interface's implementations by name. Other kinds have none.
func members(s *ast.Schema, def *ast.Definition) []*ast.Definition {
	switch def.Kind {
	case ast.Union:
		out := make([]*ast.Definition, 0, len(def.Types))
		for _, n := range def.Types {
			out = append(out, s.Types[n])
		}
		return out
	case ast.Interface:
		out := append([]*ast.Definition(nil), s.GetPossibleTypes(def)...)
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out
	}
	return nil
}

// deprecation returns a field's or value's deprecation reason and whether it is deprecated.
func deprecation(dirs ast.DirectiveList) (string, bool) {
	d := dirs.ForName("deprecated")
	if d == nil {
		return "", false
	}
	if a := d.Arguments.ForName("reason"); a != nil && a.Value != nil {
		return a.Value.Raw, true
	}
	return "No longer supported.", true
}

// Package schema holds the GraphQL SDL of the Taegis gateways, one folder per gateway
// (graphql, events, tenants), and loads each gateway's files as one validated schema.
//
// Within a gateway folder, schema.graphql declares the scalars and root types; every other file
// is one service, names it on a first line "# service: <name>", and extends the root types with
// that service's operations. The SDK generator (sdk/gen) and the emulator both read these files.
// Taegis publishes no SDL; these files are reconstructed from what the public SDKs send.
package schema

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Files holds the SDL files, e.g. "graphql/alerts.graphql".
//
//go:embed graphql/*.graphql events/*.graphql tenants/*.graphql
var Files embed.FS

// Gateways lists the gateway folders, in a fixed order.
var Gateways = []string{"graphql", "events", "tenants"}

// Sources returns a gateway's SDL files in name order, read from fsys (Files, or a folder on
// disk laid out the same way).
func Sources(fsys fs.FS, gateway string) ([]*ast.Source, error) {
	names, err := fs.Glob(fsys, path.Join(gateway, "*.graphql"))
	if err != nil {
		return nil, fmt.Errorf("list schema files of gateway %q: %w", gateway, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("gateway %q has no .graphql files; known gateways: %s",
			gateway, strings.Join(Gateways, ", "))
	}
	sort.Strings(names)
	sources := make([]*ast.Source, 0, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read schema file: %w", err)
		}
		sources = append(sources, &ast.Source{Name: name, Input: string(b)})
	}
	return sources, nil
}

// Load parses and validates one gateway's files from fsys as a single schema.
func Load(fsys fs.FS, gateway string) (*ast.Schema, error) {
	sources, err := Sources(fsys, gateway)
	if err != nil {
		return nil, err
	}
	s, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		return nil, fmt.Errorf("load schema of gateway %q: %w", gateway, err)
	}
	return s, nil
}

// Service returns the service a source names on its "# service: <name>" line, or "" when it
// names none (the gateway's schema.graphql).
func Service(src *ast.Source) string {
	for line := range strings.SplitSeq(src.Input, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "#") {
			if line == "" {
				continue
			}
			return ""
		}
		rest := strings.TrimSpace(strings.TrimPrefix(line, "#"))
		if name, ok := strings.CutPrefix(rest, "service:"); ok {
			return strings.TrimSpace(name)
		}
	}
	return ""
}

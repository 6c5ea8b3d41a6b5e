package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// The committed SDK packages must be exactly what the generator makes from the committed
// schema; this is what fails CI when someone edits schema/ without running go generate.
func TestCommittedSDKIsCurrent(t *testing.T) {
	want, err := generateAll(os.DirFS("../../schema"), defaultDepth)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedKeys(want) {
		got, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Errorf("sdk/%s is missing; run go generate ./sdk/...", name)
			continue
		}
		if !bytes.Equal(got, want[name]) {
			t.Errorf("sdk/%s is stale; run go generate ./sdk/...", name)
		}
	}
	committed, err := generatedFiles("..")
	if err != nil {
		t.Fatal(err)
	}
	for name := range committed {
		if _, ok := want[name]; !ok {
			t.Errorf("sdk/%s is generated but no service produces it; run go generate ./sdk/...",
				name)
		}
	}
}

// Generating twice, into a fresh folder and over the result, gives the same bytes.
func TestGenerateIsStable(t *testing.T) {
	dir := t.TempDir()
	fsys := os.DirFS("../../schema")
	if err := run(fsys, dir, defaultDepth); err != nil {
		t.Fatal(err)
	}
	first := readTree(t, dir)
	if err := run(fsys, dir, defaultDepth); err != nil {
		t.Fatal(err)
	}
	second := readTree(t, dir)
	if len(first) == 0 || len(first) != len(second) {
		t.Fatalf("got %d files, then %d", len(first), len(second))
	}
	for name, b := range first {
		if !bytes.Equal(b, second[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

// A hand-written file in a package folder survives, and a generated file no service makes any
// more is removed.
func TestRunKeepsHandWrittenFiles(t *testing.T) {
	dir := t.TempDir()
	hand := filepath.Join(dir, "sample", "paging.go")
	stale := filepath.Join(dir, "gone", "service.go")
	for p, body := range map[string]string{hand: "package sample\n", stale: header} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(os.DirFS("testdata/schema"), dir, defaultDepth); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(hand); err != nil {
		t.Errorf("hand-written file was removed: %v", err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale generated file was kept: %v", err)
	}
}

// The sample service exercises naming, collisions, unions, enums, argument structs,
// subscriptions and selection sets; its output is compared with testdata/golden.
func TestGolden(t *testing.T) {
	files, err := generateAll(os.DirFS("testdata/schema"), 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedKeys(files) {
		golden := filepath.Join("testdata", "golden", name+".golden")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./sdk/gen -update to create it)", err)
		}
		if !bytes.Equal(files[name], want) {
			t.Errorf("%s differs from %s; review and run go test ./sdk/gen -update", name, golden)
		}
	}
}

func TestBadSchemasFailClearly(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no gateways", map[string]string{"README": "x"}, "no gateway folders"},
		{"root field outside a service", map[string]string{
			"graphql/schema.graphql": "type Query { x: Int }",
		}, "is not in a service file"},
		{"invalid SDL", map[string]string{
			"graphql/schema.graphql": "type Query",
			"graphql/a.graphql":      "# service: a\nextend type Query { x: Nope }",
		}, "Nope"},
		{"duplicate service", map[string]string{
			"graphql/schema.graphql": "type Query",
			"graphql/a.graphql":      "# service: a\nextend type Query { x: Int }",
			"graphql/b.graphql":      "# service: a\nextend type Query { y: Int }",
		}, "declared by both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, body := range tt.files {
				full := filepath.Join(dir, p)
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := generateAll(os.DirFS(dir), defaultDepth)
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tt.want)) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Every operation's default document must be valid against its gateway's schema, so a
// generated method works as is against a server of that schema.
func TestDefaultDocumentsValidate(t *testing.T) {
	for _, dir := range []string{"../../schema", "testdata/schema"} {
		services, err := loadServices(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, svc := range services {
			g := newGen(svc, defaultDepth)
			for i, op := range svc.Ops {
				t.Run(svc.Name+"/"+g.methods[i], func(t *testing.T) {
					sel := ""
					if g.sels[i] != "" {
						lines := g.selection(svc.Schema.Types[op.Field.Type.Name()], 1,
							map[string]bool{}, "")
						sel = strings.Join(lines, "\n")
					}
					prefix, suffix := document(op, g.sels[i] != "")
					doc := prefix + sel + suffix
					q, err := parser.ParseQuery(&ast.Source{Input: doc})
					if err != nil {
						t.Fatalf("parse %q: %v", doc, err)
					}
					if errs := validator.ValidateWithRules(svc.Schema, q, nil); len(errs) > 0 {
						t.Fatalf("validate %q: %v", doc, errs)
					}
				})
			}
		}
	}
}

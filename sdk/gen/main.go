package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// schemaFS is the file system the schema is read from.
type schemaFS = fs.FS

// defaultDepth is how deep default selection sets reach below an operation's result.
const defaultDepth = 6

func main() {
	schemaDir := flag.String("schema", "../schema", "the schema folder, with one folder per gateway")
	outDir := flag.String("out", ".", "the folder the service packages are written under")
	depth := flag.Int("depth", defaultDepth, "how deep default selection sets reach")
	flag.Parse()
	if err := run(os.DirFS(*schemaDir), *outDir, *depth); err != nil {
		fmt.Fprintln(os.Stderr, "sdk/gen:", err)
		os.Exit(1)
	}
}

// generateAll returns every generated file by path relative to the output folder,
// e.g. "alerts/service.go".
func generateAll(fsys schemaFS, depth int) (map[string][]byte, error) {
	services, err := loadServices(fsys)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, svc := range services {
		files, err := newGen(svc, depth).generate()
		if err != nil {
			return nil, err
		}
		for name, b := range files {
			out[filepath.Join(svc.Name, name)] = b
		}
	}
	return out, nil
}

// run writes the generated files under outDir and removes generated files no service produces
// any more; hand-written files (without the generated header) are never touched.
func run(fsys schemaFS, outDir string, depth int) error {
	files, err := generateAll(fsys, depth)
	if err != nil {
		return err
	}
	stale, err := generatedFiles(outDir)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		delete(stale, n)
		p := filepath.Join(outDir, n)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, files[n]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("create package folder: %w", err)
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return fmt.Errorf("write generated file: %w", err)
		}
	}
	for n := range stale {
		if err := os.Remove(filepath.Join(outDir, n)); err != nil {
			return fmt.Errorf("remove stale generated file: %w", err)
		}
	}
	return nil
}

// generatedFiles lists the generated .go files one level below dir, by relative path.
func generatedFiles(dir string) (map[string]bool, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*", "*.go"))
	if err != nil {
		return nil, fmt.Errorf("list generated files: %w", err)
	}
	out := map[string]bool{}
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", m, err)
		}
		if bytes.HasPrefix(b, []byte(header)) {
			rel, err := filepath.Rel(dir, m)
			if err != nil {
				return nil, fmt.Errorf("relative path of %s: %w", m, err)
			}
			out[rel] = true
		}
	}
	return out, nil
}

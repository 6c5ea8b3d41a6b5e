package kernel

import (
	"bytes"
	"embed"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/traefik/yaegi/stdlib"
)

// displaySource is package display's source, for the documentation of the display functions
// cells use; unlike the standard library's, it is not on the machine that runs the kernel.
//
//go:embed display/*.go
var displaySource embed.FS

// displayPath is the import path of package display.
const displayPath = "gotaegis/kernel/display"

// docIndex reads standard library documentation from GOROOT/src on first use, one package
// at a time.
type docIndex struct {
	once   sync.Once
	goroot string
	mu     sync.Mutex
	pkgs   map[string]*docPkg
}

type docPkg struct {
	fset *token.FileSet
	pkg  *doc.Package
}

func (d *docIndex) root(configured string) string {
	d.once.Do(func() {
		d.goroot = configured
		if d.goroot == "" {
			d.goroot = os.Getenv("GOROOT")
		}
		if d.goroot == "" {
			// The go command found on PATH lives in GOROOT/bin.
			if bin, err := exec.LookPath("go"); err == nil {
				if real, err := filepath.EvalSymlinks(bin); err == nil {
					d.goroot = filepath.Dir(filepath.Dir(real))
				}
			}
		}
		if _, err := os.Stat(filepath.Join(d.goroot, "src", "fmt")); d.goroot == "" || err != nil {
			if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
				d.goroot = strings.TrimSpace(string(out))
			}
		}
	})
	return d.goroot
}

// load returns the documentation of the standard library package ip, or nil.
func (d *docIndex) load(configured, ip string) *docPkg {
	root := d.root(configured)
	d.mu.Lock()
	defer d.mu.Unlock()
	if p, ok := d.pkgs[ip]; ok {
		return p
	}
	if d.pkgs == nil {
		d.pkgs = map[string]*docPkg{}
	}
	d.pkgs[ip] = nil
	var read func(name string) ([]byte, error)
	var entries []os.DirEntry
	var err error
	if ip == displayPath {
		entries, err = displaySource.ReadDir("display")
		read = func(n string) ([]byte, error) { return displaySource.ReadFile("display/" + n) }
	} else {
		if root == "" {
			return nil
		}
		dir := filepath.Join(root, "src", filepath.FromSlash(ip))
		entries, err = os.ReadDir(dir)
		read = func(n string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, n)) }
	}
	if err != nil {
		return nil
	}
	fset := token.NewFileSet()
	name := stdlibImportName(ip)
	var files []*ast.File
	for _, ent := range entries {
		n := ent.Name()
		if ent.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		src, err := read(n)
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(fset, n, src, parser.ParseComments)
		if err != nil || f.Name.Name != name {
			continue
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil
	}
	dp, err := doc.NewFromFiles(fset, files, ip, doc.PreserveAST)
	if err != nil {
		return nil
	}
	p := &docPkg{fset: fset, pkg: dp}
	d.pkgs[ip] = p
	return p
}

// lookup returns the declaration and doc comment of sym (Name or Type.Method) in p.
func (p *docPkg) lookup(sym string) (decl, comment string, ok bool) {
	typ, method, isMethod := strings.Cut(sym, ".")
	for _, f := range p.pkg.Funcs {
		if !isMethod && f.Name == sym {
			return p.funcDecl(f.Decl), f.Doc, true
		}
	}
	for _, t := range p.pkg.Types {
		if isMethod && t.Name == typ {
			for _, m := range t.Methods {
				if m.Name == method {
					return p.funcDecl(m.Decl), m.Doc, true
				}
			}
		}
		if isMethod {
			continue
		}
		if t.Name == sym {
			return p.node(t.Decl), t.Doc, true
		}
		for _, f := range t.Funcs {
			if f.Name == sym {
				return p.funcDecl(f.Decl), f.Doc, true
			}
		}
		for _, v := range append(t.Vars, t.Consts...) {
			if hasName(v, sym) {
				return p.node(v.Decl), v.Doc, true
			}
		}
	}
	for _, v := range append(p.pkg.Vars, p.pkg.Consts...) {
		if !isMethod && hasName(v, sym) {
			return p.node(v.Decl), v.Doc, true
		}
	}
	return "", "", false
}

func hasName(v *doc.Value, name string) bool {
	for _, n := range v.Names {
		if n == name {
			return true
		}
	}
	return false
}

func (p *docPkg) funcDecl(d *ast.FuncDecl) string {
	c := *d
	c.Body, c.Doc = nil, nil
	return p.node(&c)
}

func (p *docPkg) node(n ast.Node) string {
	var buf bytes.Buffer
	if gd, ok := n.(*ast.GenDecl); ok {
		c := *gd
		c.Doc = nil
		n = &c
	}
	if err := printer.Fprint(&buf, p.fset, n); err != nil {
		return ""
	}
	return buf.String()
}

// pagerName matches a cell that asks for documentation: NAME? or NAME??.
var pagerName = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\?\??$`)

func pagerRequest(cell string) (string, bool) {
	m := pagerName.FindStringSubmatch(cell)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// pager answers NAME? with a page payload and no execute_result.
func (e *GoEngine) pager(name string) Reply {
	text, ok := e.describe(name)
	if !ok {
		msg := fmt.Sprintf("%s: no such name in this session; import its package or run the "+
			"cell that declares it", name)
		return Reply{Err: &Error{Name: "NameError", Value: msg,
			Traceback: []string{"NameError: " + msg}}}
	}
	return Reply{Payload: []map[string]any{{
		"source": "page", "data": map[string]any{"text/plain": text}, "start": 0,
	}}}
}

// Inspect describes the name at cursor. See Engine.
func (e *GoEngine) Inspect(code string, cursor, detail int) (data map[string]any, found bool) {
	defer func() {
		if recover() != nil {
			data, found = map[string]any{}, false
		}
	}()
	at := runeToByte(code, cursor)
	// Extend over the rest of the identifier the cursor is in.
	end := at
	for end < len(code) {
		r, size := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += size
	}
	name := strings.Trim(dottedBefore(code, end), ".")
	if name == "" {
		// Between the parentheses of a call, as in strings.HasPrefix(s, |, the call's
		// function is what the user asks about.
		name = strings.Trim(dottedBefore(code, openParen(code, at)), ".")
	}
	if name == "" {
		return map[string]any{}, false
	}
	text, ok := e.describe(name)
	if !ok {
		return map[string]any{}, false
	}
	return map[string]any{"text/plain": text}, true
}

// openParen returns the offset of the innermost parenthesis still open at byte at of the
// line it is on, or 0 when there is none.
func openParen(code string, at int) int {
	depth := 0
	for i := at - 1; i >= 0 && code[i] != '\n'; i-- {
		switch code[i] {
		case ')':
			depth++
		case '(':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return 0
}

// describe returns a signature and documentation for a dotted name: a session declaration, a
// package member, a package, or a builtin.
func (e *GoEngine) describe(name string) (string, bool) {
	e.mu.Lock()
	g := e.sess.globals[name]
	pkgPath, imported := "", false
	x, sel, dotted := strings.Cut(name, ".")
	if dotted {
		pkgPath, imported = e.sess.imports[x]
	} else {
		pkgPath, imported = e.sess.imports[name]
	}
	_, xIsGlobal := e.sess.globals[x]
	e.mu.Unlock()

	if g != nil {
		var b strings.Builder
		if g.sig != "" {
			b.WriteString(g.sig + "\n")
		}
		globals, _ := e.idleGlobals()
		if v, ok := globals[name]; ok && v.IsValid() {
			fmt.Fprintf(&b, "%s %s = %v\n", name, cleanNames(v.Type().String()), valueText(v))
		}
		if g.doc != "" {
			b.WriteString("\n" + g.doc)
		}
		return b.String(), b.Len() > 0
	}
	if !dotted {
		if !imported {
			pkgPath, imported = stdPathOf(name)
		}
		if imported {
			var b strings.Builder
			fmt.Fprintf(&b, "package %s // import %q\n", stdlibImportName(pkgPath), pkgPath)
			if p := e.docs.load(e.opts.GoRoot, pkgPath); p != nil {
				b.WriteString("\n" + p.pkg.Doc)
			}
			return b.String(), true
		}
		if p := e.docs.load(e.opts.GoRoot, "builtin"); p != nil {
			if decl, comment, ok := p.lookup(name); ok {
				return decl + "\n\n" + comment, true
			}
		}
		return "", false
	}
	if !imported && !xIsGlobal {
		pkgPath, imported = stdPathOf(x)
	}
	if !imported {
		return "", false
	}
	member, _, _ := strings.Cut(sel, ".")
	syms := stdlib.Symbols[pkgPath+"/"+stdlibImportName(pkgPath)]
	sym, known := syms[member]
	if p := e.docs.load(e.opts.GoRoot, pkgPath); p != nil {
		if decl, comment, ok := p.lookup(sel); ok {
			return decl + "\n\n" + comment, true
		}
		if pkgPath == displayPath {
			// Cells call Show, ShowID, Update and Clear as functions bound to the kernel's
			// Publisher.
			if decl, comment, ok := p.lookup("Publisher." + sel); ok {
				return publisherFunc.ReplaceAllString(decl, "func ") + "\n\n" + comment, true
			}
		}
	}
	if !known {
		return "", false
	}
	return reflectSignature(x+"."+member, sym), true
}

// publisherFunc matches the receiver of a Publisher method's declaration.
var publisherFunc = regexp.MustCompile(`^func \(\w+ \*Publisher\) `)

func valueText(v reflect.Value) string {
	if !v.CanInterface() {
		return "?"
	}
	s := fmt.Sprint(v.Interface())
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// reflectSignature describes a symbol without its source: its Go type.
func reflectSignature(name string, v reflect.Value) string {
	switch {
	case v.Kind() == reflect.Func:
		return fmt.Sprintf("%s %s", name, v.Type())
	case v.Kind() == reflect.Pointer && v.IsNil():
		return fmt.Sprintf("type %s %s", name, v.Type().Elem())
	}
	return fmt.Sprintf("%s %s", name, v.Type())
}

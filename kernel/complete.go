package kernel

import (
	"go/scanner"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/traefik/yaegi/stdlib"
)

var goKeywords = []string{"break", "case", "chan", "const", "continue", "default", "defer",
	"else", "fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map",
	"package", "range", "return", "select", "struct", "switch", "type", "var"}

var goBuiltins = []string{"append", "bool", "byte", "cap", "clear", "close", "complex",
	"complex128", "complex64", "copy", "delete", "error", "false", "float32", "float64", "imag",
	"int", "int16", "int32", "int64", "int8", "iota", "len", "make", "max", "min", "new", "nil",
	"panic", "print", "println", "real", "recover", "rune", "string", "true", "uint", "uint16",
	"uint32", "uint64", "uint8", "uintptr", "any"}

var magicNames = []string{"%help", "%env", "%cd", "%time", "%taegis", "%%time",
	"%%writefile", "%%taegis"}

// runeToByte converts a cursor in code points to a byte offset in code.
func runeToByte(code string, cursor int) int {
	if cursor <= 0 {
		return 0
	}
	n := 0
	for i := range code {
		if n == cursor {
			return i
		}
		n++
	}
	return len(code)
}

func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// dottedBefore returns the dotted identifier (such as fmt.Printl) ending at byte offset at.
func dottedBefore(code string, at int) string {
	i := at
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:i])
		if !isIdentRune(r) && r != '.' {
			break
		}
		i -= size
	}
	return code[i:at]
}

// Complete returns the texts that may replace code[start:end] at cursor. See Engine.
func (e *GoEngine) Complete(code string, cursor int) (matches []string, start, end int) {
	defer func() {
		if recover() != nil {
			matches, start, end = []string{}, cursor, cursor
		}
	}()
	at := runeToByte(code, cursor)
	lineStart := strings.LastIndexByte(code[:at], '\n') + 1
	line := strings.TrimLeft(code[lineStart:at], " \t")
	if e.opts.TaegisComplete != nil && (strings.HasPrefix(strings.TrimLeft(code, " \t\r\n"),
		"%%taegis") || strings.HasPrefix(line, "%taegis ")) {
		m, s, end := e.opts.TaegisComplete(code, cursor)
		return nonNil(m), s, end
	}
	if strings.HasPrefix(line, "%") && !strings.ContainsAny(line, " \t") {
		for _, m := range magicNames {
			if strings.HasPrefix(m, line) {
				matches = append(matches, m)
			}
		}
		return nonNil(matches), cursor - utf8.RuneCountInString(line), cursor
	}
	prefix := dottedBefore(code, at)
	start = cursor - utf8.RuneCountInString(prefix)
	if dot := strings.LastIndexByte(prefix, '.'); dot >= 0 {
		return nonNil(e.memberMatches(prefix[:dot], prefix[dot+1:])), start, cursor
	}
	if prefix == "" {
		return []string{}, cursor, cursor
	}
	seen := map[string]bool{}
	add := func(s string) {
		if strings.HasPrefix(s, prefix) && !seen[s] && !strings.HasPrefix(s, "_") {
			seen[s] = true
			matches = append(matches, s)
		}
	}
	for _, k := range goKeywords {
		add(k)
	}
	for _, b := range goBuiltins {
		add(b)
	}
	e.mu.Lock()
	for name := range e.sess.imports {
		add(name)
	}
	for name := range e.sess.globals {
		add(name)
	}
	e.mu.Unlock()
	_, byName := stdlibOnce()
	for name := range byName {
		add(name)
	}
	for _, id := range codeIdents(code) {
		if id != prefix {
			add(id)
		}
	}
	sort.Strings(matches)
	return nonNil(matches), start, cursor
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// memberMatches completes x.sel: exported names of package x, or fields and methods of the
// session variable x.
func (e *GoEngine) memberMatches(x, sel string) []string {
	var out []string
	e.mu.Lock()
	ip, ok := e.sess.imports[x]
	_, isGlobal := e.sess.globals[x]
	e.mu.Unlock()
	if !ok && !isGlobal && !strings.Contains(x, ".") {
		ip, ok = stdPathOf(x)
	}
	if ok {
		syms := stdlib.Symbols[ip+"/"+stdlibImportName(ip)]
		if syms == nil {
			for k, v := range e.opts.Exports {
				if dir, _ := splitExportKey(k); dir == ip {
					syms = v
				}
			}
		}
		if ip == "gotaegis/kernel/display" {
			syms = e.displaySymbols()
		}
		for name := range syms {
			if strings.HasPrefix(name, sel) && token.IsExported(name) {
				out = append(out, x+"."+name)
			}
		}
		sort.Strings(out)
		return out
	}
	if strings.Contains(x, ".") {
		return nil
	}
	globals, idle := e.idleGlobals()
	g, found := globals[x]
	if !idle || !found || !g.IsValid() {
		return nil
	}
	seen := map[string]bool{}
	addNames := func(t reflect.Type) {
		for i := 0; i < t.NumMethod(); i++ {
			if n := t.Method(i).Name; strings.HasPrefix(n, sel) && !seen[n] {
				seen[n] = true
				out = append(out, x+"."+n)
			}
		}
		st := t
		if st.Kind() == reflect.Pointer {
			st = st.Elem()
		}
		if st.Kind() == reflect.Struct {
			for i := 0; i < st.NumField(); i++ {
				f := st.Field(i)
				if f.IsExported() && strings.HasPrefix(f.Name, sel) && !seen[f.Name] {
					seen[f.Name] = true
					out = append(out, x+"."+f.Name)
				}
			}
		}
	}
	addNames(g.Type())
	sort.Strings(out)
	return out
}

// codeIdents returns the identifiers of code, for completing names a cell declares before it
// ran.
func codeIdents(code string) []string {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var s scanner.Scanner
	s.Init(file, []byte(code), func(token.Position, string) {}, 0)
	var out []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.IDENT {
			out = append(out, lit)
		}
	}
}

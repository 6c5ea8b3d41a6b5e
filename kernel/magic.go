package kernel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"gotaegis/kernel/display"
)

// magicHelp is what %help prints.
const magicHelp = `Go cells run in the yaegi interpreter. Mix imports, declarations and
statements; standard library packages are imported on first use; the last expression is shown.
display (display.HTML, Markdown, JSON, SVG, PNG, JPEG, Image, Latex, Show, ShowID, Update,
Clear) needs no import. NAME? shows the signature and documentation of NAME.

Line magics (anywhere a statement may start, also inside loops and functions):
  %help              this text
  %env               list environment variables
  %env NAME          print one variable
  %env NAME=VALUE    set a variable (also: %env NAME VALUE)
  %cd [DIR]          change the working directory (no DIR: home directory)
  %time [STATEMENT]  time STATEMENT and the rest of the cell; the wall time is printed after it
  !COMMAND           run COMMAND with /bin/sh -c, streaming its output; end a line with \ to
                     continue the command on the next line
  %taegis ...        query Taegis (see %taegis help)
  %generate_report   write the markdown report of this notebook, as last saved, beside it

Cell magics (first line of the cell):
  %%time                  time the whole cell (Go)
  %%writefile [-a] PATH   write (-a: append) the rest of the cell to PATH
  %%taegis ...            a Taegis query with the rest of the cell as its body
`

// lineMagic runs one magic line of a running cell.
func (e *GoEngine) lineMagic(c *cellState, line string, locals map[string]any) (
	*display.Bundle, error) {
	if strings.HasPrefix(line, "!") {
		vars := &goVars{e: e, locals: locals}
		return nil, e.shell(c, expandGoVars(strings.TrimSpace(line[1:]), vars))
	}
	name, args, _ := strings.Cut(strings.TrimPrefix(line, "%"), " ")
	args = strings.TrimSpace(args)
	switch name {
	case "help":
		c.out.Stream("stdout", magicHelp)
		return nil, nil
	case "env":
		return nil, envMagic(c.out, args)
	case "cd":
		return nil, e.cd(c.out, args)
	case "time":
		c.timing, c.timeStart = true, time.Now()
		return nil, nil
	case "taegis", "generate_report":
		// Both go to the Taegis hook, which tells them apart by the line's magic name.
		return e.taegis(c, line, "", locals)
	}
	return nil, fmt.Errorf("unknown magic %%%s; %%help lists the magics this kernel knows", name)
}

// cellMagic runs a cell whose first line is a %% magic.
func (e *GoEngine) cellMagic(code string, c *cellState) Reply {
	code = strings.TrimLeft(code, " \t\r\n")
	first, body, _ := strings.Cut(code, "\n")
	first = strings.TrimSpace(first)
	name, args, _ := strings.Cut(strings.TrimPrefix(first, "%%"), " ")
	args = strings.TrimSpace(args)
	var res *display.Bundle
	var err error
	switch name {
	case "writefile":
		err = writeFile(c.out, args, body)
	case "taegis":
		res, err = e.taegis(c, first, body, nil)
	default:
		err = fmt.Errorf("unknown cell magic %%%%%s; %%help lists the magics this kernel knows",
			name)
	}
	if err != nil {
		msg := err.Error()
		return Reply{Err: &Error{Name: "MagicError", Value: msg,
			Traceback: []string{"MagicError: " + msg}}}
	}
	return Reply{Result: res}
}

func (e *GoEngine) taegis(c *cellState, line, body string, locals map[string]any) (
	*display.Bundle, error) {
	if e.opts.Taegis == nil {
		return nil, errors.New("magics not available: this kernel was started without the " +
			"Taegis magics, so %taegis cannot run (start it with gotaegis kernel)")
	}
	vars := &goVars{e: e, locals: locals}
	return e.opts.Taegis(c.ctx, line, body, vars, c.out)
}

func envMagic(out Output, args string) error {
	if args == "" {
		env := os.Environ()
		sort.Strings(env)
		out.Stream("stdout", strings.Join(env, "\n")+"\n")
		return nil
	}
	k, v, set := strings.Cut(args, "=")
	if !set {
		k, v, set = strings.Cut(args, " ")
	}
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	if k == "" {
		return errors.New("%env: missing variable name; use %env NAME=VALUE")
	}
	if !set {
		val, ok := os.LookupEnv(k)
		if !ok {
			return fmt.Errorf("%%env: %s is not set", k)
		}
		out.Stream("stdout", val+"\n")
		return nil
	}
	if err := os.Setenv(k, v); err != nil {
		return fmt.Errorf("%%env: set %s: %w", k, err)
	}
	out.Stream("stdout", "env: "+k+"="+v+"\n")
	return nil
}

func (e *GoEngine) cd(out Output, dir string) error {
	if dir == "" || dir == "~" {
		home, err := os.UserHomeDir()
		if err != nil {
			return fmt.Errorf("%%cd: %w", err)
		}
		dir = home
	} else if strings.HasPrefix(dir, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, dir[2:])
		}
	}
	dir = os.ExpandEnv(dir)
	if err := os.Chdir(dir); err != nil {
		return fmt.Errorf("%%cd: %w", err)
	}
	wd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("%%cd: %w", err)
	}
	out.Stream("stdout", wd+"\n")
	return nil
}

// expandGoVars replaces $name and ${name} in a shell command with the value of the Go
// variable name, as %v; names that are no Go variable are left for the shell.
func expandGoVars(command string, vars Vars) string {
	return magicVar.ReplaceAllStringFunc(command, func(ref string) string {
		name := magicVar.FindStringSubmatch(ref)[1]
		if v, ok := vars.Get(name); ok {
			return fmt.Sprint(v)
		}
		return ref
	})
}

// streamWriter publishes each write of a shell command as a stream message.
type streamWriter struct {
	out  Output
	name string
}

func (w streamWriter) Write(b []byte) (int, error) {
	w.out.Stream(w.name, string(b))
	return len(b), nil
}

// shellWaitDelay is how long a shell line's output is still read after the shell exited or
// was killed.
const shellWaitDelay = 200 * time.Millisecond

// shell runs a ! command at its place in the cell, streaming its output. Output the cell
// wrote before it is delivered first. A command that fails is reported on stderr; the cell
// goes on, as a shell script would.
func (e *GoEngine) shell(c *cellState, command string) error {
	if command == "" {
		return errors.New("!: missing command; write !ls -l for example")
	}
	e.stdout.sync()
	e.stderr.sync()
	cmd := exec.CommandContext(c.ctx, "/bin/sh", "-c", command)
	cmd.Stdout = streamWriter{c.out, "stdout"}
	cmd.Stderr = streamWriter{c.out, "stderr"}
	killGroupOnCancel(cmd)
	// A command left running in the background, as in "!sleep 60 &", holds the output pipes
	// open; the line ends with the shell all the same.
	cmd.WaitDelay = shellWaitDelay
	err := cmd.Run()
	if c.ctx.Err() != nil {
		return fmt.Errorf("!%s: interrupted", command)
	}
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		c.out.Stream("stderr", fmt.Sprintf("!%s: exit status %d\n", command, exit.ExitCode()))
		return nil
	}
	if err != nil {
		return fmt.Errorf("!%s: %w", command, err)
	}
	return nil
}

func writeFile(out Output, args, body string) error {
	appendMode := false
	if rest, ok := strings.CutPrefix(args, "-a "); ok {
		appendMode, args = true, strings.TrimSpace(rest)
	}
	if args == "" {
		return errors.New("%%writefile: missing file name; write %%writefile notes.txt")
	}
	p := os.ExpandEnv(args)
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	verb := "Writing"
	if appendMode {
		flags, verb = os.O_CREATE|os.O_WRONLY|os.O_APPEND, "Appending to"
	} else if _, err := os.Stat(p); err == nil {
		verb = "Overwriting"
	}
	f, err := os.OpenFile(p, flags, 0o644)
	if err != nil {
		return fmt.Errorf("%%%%writefile: %w", err)
	}
	if _, err := f.WriteString(body); err != nil {
		_ = f.Close()
		return fmt.Errorf("%%%%writefile: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%%%%writefile: %w", err)
	}
	out.Stream("stdout", verb+" "+p+"\n")
	return nil
}

// goVars implements Vars on the engine's interpreter.
type goVars struct {
	e      *GoEngine
	locals map[string]any
}

func (v *goVars) Get(name string) (any, bool) {
	if x, ok := v.locals[name]; ok {
		return x, true
	}
	g, ok := v.e.interp.Globals()[name]
	if !ok || !g.IsValid() || !g.CanInterface() {
		return nil, false
	}
	return g.Interface(), true
}

func (v *goVars) Set(name string, x any) error {
	if !isGoIdent(name) {
		return fmt.Errorf("set variable %q: not a Go identifier", name)
	}
	if g, ok := v.e.interp.Globals()[name]; ok && g.CanSet() && x != nil &&
		reflect.TypeOf(x).AssignableTo(g.Type()) {
		g.Set(reflect.ValueOf(x))
		return nil
	}
	typ := "any"
	if x != nil {
		if t, ok := v.e.typeExpr(reflect.TypeOf(x)); ok {
			typ = t
		}
	}
	if err := v.e.declareTaken(name, typ, x); err != nil {
		return fmt.Errorf("set variable %s: %w", name, err)
	}
	v.e.mu.Lock()
	v.e.sess.globals[name] = &global{kind: 0}
	v.e.mu.Unlock()
	return nil
}

func (v *goVars) Eval(expr string) (any, error) {
	if x, ok := v.locals[strings.TrimSpace(expr)]; ok {
		return x, nil
	}
	r, err := v.e.eval(context.Background(), expr)
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", expr, err)
	}
	if !r.IsValid() || !r.CanInterface() {
		return nil, nil
	}
	return r.Interface(), nil
}

func isGoIdent(s string) bool {
	if s == "" || s == "_" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' ||
			(i > 0 && r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// typeExpr writes t as Go source the interpreter understands, importing the packages of named
// types when needed.
func (e *GoEngine) typeExpr(t reflect.Type) (string, bool) {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name(), true
		}
		name, ok := e.importForType(t.PkgPath())
		if !ok {
			return "", false
		}
		return name + "." + t.Name(), true
	}
	switch t.Kind() {
	case reflect.Slice:
		el, ok := e.typeExpr(t.Elem())
		return "[]" + el, ok
	case reflect.Array:
		el, ok := e.typeExpr(t.Elem())
		return fmt.Sprintf("[%d]%s", t.Len(), el), ok
	case reflect.Pointer:
		el, ok := e.typeExpr(t.Elem())
		return "*" + el, ok
	case reflect.Map:
		k, ok1 := e.typeExpr(t.Key())
		el, ok2 := e.typeExpr(t.Elem())
		return "map[" + k + "]" + el, ok1 && ok2
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any", true
		}
	}
	return "", false
}

func (e *GoEngine) importForType(pkgPath string) (string, bool) {
	e.mu.Lock()
	for name, p := range e.sess.imports {
		if p == pkgPath && !strings.HasPrefix(name, "_") {
			e.mu.Unlock()
			return name, true
		}
	}
	e.mu.Unlock()
	name, ok := e.pkgName(pkgPath)
	if !ok {
		return "", false
	}
	e.mu.Lock()
	_, taken := e.sess.imports[name]
	e.mu.Unlock()
	if taken {
		return "", false
	}
	if _, err := e.eval(context.Background(), fmt.Sprintf("import %q", pkgPath)); err != nil {
		return "", false
	}
	e.mu.Lock()
	e.sess.imports[name] = pkgPath
	e.mu.Unlock()
	return name, true
}

package kernel

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"gotaegis/kernel/display"
)

// TaegisHook runs a %taegis line or a %%taegis cell. line is the magic line as written
// ("%taegis alerts search ..." or "%%taegis ..."), body the rest of a %%taegis cell ("" for a
// line). vars reads and writes the cell's Go variables; out is the running cell's output. A
// non-nil bundle is the magic's result: the cell's execute_result when the magic ends the cell,
// display_data otherwise. An error stops the cell and becomes its one error message.
type TaegisHook func(ctx context.Context, line, body string, vars Vars, out Output) (
	*display.Bundle, error)

// Vars gives a magic access to the interpreter's variables. It is valid only while the magic
// runs.
type Vars interface {
	// Get returns the value of a variable: a local variable the magic line names as $name,
	// ${name} or inside {...}, else a package-level variable or constant of the session.
	Get(name string) (any, bool)
	// Set assigns v to the package-level variable name, declaring it when it does not exist
	// or has a type v cannot be assigned to. The variable gets v's type when the interpreter
	// can name it, else type any.
	Set(name string, v any) error
	// Eval evaluates a Go expression in the session and returns its value. An expression that
	// is only the name of a local variable the line names (as $name, ${name} or {name}) gives
	// that variable; other expressions see package-level names only.
	Eval(expr string) (any, error)
}

// EngineOptions configures a GoEngine. The zero value is usable.
type EngineOptions struct {
	// Taegis runs %taegis and %%taegis magics; without it they fail with a clear error.
	Taegis TaegisHook
	// Exports are extra packages cells may import, as yaegi symbol tables keyed
	// "import/path/name".
	Exports interp.Exports
	// Imports are import paths among Exports that every cell sees as imported, under their
	// package names, as it sees display.
	Imports []string
	// TaegisComplete completes a %%taegis cell and a %taegis line: it gets the whole cell and
	// the cursor, and returns like Engine.Complete. Without it such code completes as Go.
	TaegisComplete func(code string, cursor int) (matches []string, start, end int)
	// GoRoot is where Inspect reads standard library documentation; empty means the Go
	// installation found at run time.
	GoRoot string
}

// GoEngine runs Go cells with the yaegi interpreter. It implements Engine.
//
// Limitation: a goroutine that outlives its cell and reads or writes package-level variables
// races with the start of later cells, because yaegi v0.16.1 reallocates its global frame
// without a lock the goroutine takes. Goroutines confined to their own variables are safe.
type GoEngine struct {
	opts   EngineOptions
	interp *interp.Interpreter
	sess   *session
	stdout *pump
	stderr *pump
	stdin  *stdinReader
	pub    display.Publisher
	bridge *bridge

	// mu guards sess for Complete and Inspect, which may run while a cell runs.
	mu sync.Mutex
	// running serialises Execute.
	running sync.Mutex

	docs docIndex

	// interrupted is raised when the running cell is cancelled; rewritten loops poll it.
	interrupted atomic.Bool
	// depth is how deeply calls of functions the cells declare nest, summed over goroutines.
	depth atomic.Int64
	leave func() // lowers depth; one value, so that entering a function allocates nothing
	// line is the cell line of the top-level statement running last; 0 before the first.
	line atomic.Int64
	// overflow is the stack overflow that ended the running cell's goroutine.
	overflow atomic.Pointer[stackOverflow]
	intrMu   sync.Mutex
	intr     chan struct{} // closed when the running cell is interrupted
	// stale is the goroutine whose abandoned yaegi run may still be ending.
	stale string
}

// bridgePath is the import path of the host functions the rewritten cell calls.
const bridgePath = "gotaegis/engine"

// NewGoEngine returns a ready interpreter with the standard library and the display package.
func NewGoEngine(opts EngineOptions) (*GoEngine, error) {
	e := &GoEngine{opts: opts, sess: newSession(), stdin: &stdinReader{}}
	var err error
	if e.stdout, err = newPump("stdout", false); err != nil {
		return nil, fmt.Errorf("engine stdout pipe: %w", err)
	}
	if e.stderr, err = newPump("stderr", true); err != nil {
		_ = e.stdout.close()
		return nil, fmt.Errorf("engine stderr pipe: %w", err)
	}
	e.interp = interp.New(interp.Options{
		Stdin: e.stdin, Stdout: e.stdout.w, Stderr: e.stderr.w, Unrestricted: true,
		Args: []string{"gotaegis"},
	})
	e.bridge = &bridge{e: e}
	e.leave = func() { e.depth.Add(-1) }
	if err := e.load(); err != nil {
		_ = e.Close()
		return nil, err
	}
	return e, nil
}

func (e *GoEngine) load() error {
	if err := e.interp.Use(stdlib.Symbols); err != nil {
		return fmt.Errorf("load standard library: %w", err)
	}
	var stdin any = e.stdin
	stdinVar := reflect.New(reflect.TypeOf((*interface{ Read([]byte) (int, error) })(nil)).Elem())
	stdinVar.Elem().Set(reflect.ValueOf(stdin))
	overrides := interp.Exports{
		"os/os": {
			"Exit":  reflect.ValueOf(exitCell),
			"Stdin": stdinVar.Elem(),
		},
		"time/time":                       {"Sleep": reflect.ValueOf(e.sleep)},
		"errors/errors":                   {"As": reflect.ValueOf(errorsAs)},
		"gotaegis/kernel/display/display": e.displaySymbols(),
		bridgePath + "/" + bridgePkg:      e.bridge.symbols(),
	}
	if err := e.interp.Use(overrides); err != nil {
		return fmt.Errorf("load engine symbols: %w", err)
	}
	if len(e.opts.Exports) > 0 {
		if err := e.interp.Use(e.opts.Exports); err != nil {
			return fmt.Errorf("load extra packages: %w", err)
		}
	}
	e.sess.pkgName = e.pkgName
	e.sess.stdPath = stdPathOf
	e.sess.funcOut = e.funcOut
	e.sess.globalKind = func(name string) reflect.Kind {
		// The planner runs in Execute, before the cell's code: reading globals is safe.
		if v, ok := e.interp.Globals()[name]; ok && v.IsValid() {
			return v.Kind()
		}
		return reflect.Invalid
	}
	if _, err := e.interp.Eval(prelude); err != nil {
		return fmt.Errorf("load engine prelude: %w", err)
	}
	e.sess.imports["display"] = "gotaegis/kernel/display"
	e.sess.imports[bridgePkg] = bridgePath
	e.sess.imports["_gotaegisfmt"] = "fmt"
	for _, ip := range e.opts.Imports {
		name, ok := e.pkgName(ip)
		if !ok {
			return fmt.Errorf("import %q for every cell: not among the engine's Exports", ip)
		}
		if _, err := e.interp.Eval(fmt.Sprintf("import %q", ip)); err != nil {
			return fmt.Errorf("import %q for every cell: %w", ip, err)
		}
		e.sess.imports[name] = ip
	}
	return nil
}

// displaySymbols is package display as cells see it, its Show functions bound to this engine.
//
// The planner routes calls of display.Show, ShowID and Update through interpreted helpers that
// see the methods of types the cells declare; a Show passed around as a function value renders
// on the host side, where those methods are invisible (yaegi v0.16.1 gives host code no way to
// call them).
func (e *GoEngine) displaySymbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		"Bundle":   reflect.ValueOf((*display.Bundle)(nil)),
		"New":      reflect.ValueOf(display.New),
		"Text":     reflect.ValueOf(display.Text),
		"HTML":     reflect.ValueOf(display.HTML),
		"Markdown": reflect.ValueOf(display.Markdown),
		"SVG":      reflect.ValueOf(display.SVG),
		"Latex":    reflect.ValueOf(display.Latex),
		"JSON":     reflect.ValueOf(display.JSON),
		"PNG":      reflect.ValueOf(display.PNG),
		"JPEG":     reflect.ValueOf(display.JPEG),
		"Image":    reflect.ValueOf(display.Image),
		"Render":   reflect.ValueOf(display.Render),
		"Show":     reflect.ValueOf(e.pub.Show),
		"ShowID":   reflect.ValueOf(e.pub.ShowID),
		"Update":   reflect.ValueOf(e.pub.Update),
		"Clear":    reflect.ValueOf(e.pub.Clear),

		"MIMEPlain":    reflect.ValueOf(display.MIMEPlain),
		"MIMEHTML":     reflect.ValueOf(display.MIMEHTML),
		"MIMEMarkdown": reflect.ValueOf(display.MIMEMarkdown),
		"MIMELatex":    reflect.ValueOf(display.MIMELatex),
		"MIMESVG":      reflect.ValueOf(display.MIMESVG),
		"MIMEPNG":      reflect.ValueOf(display.MIMEPNG),
		"MIMEJPEG":     reflect.ValueOf(display.MIMEJPEG),
		"MIMEJSON":     reflect.ValueOf(display.MIMEJSON),
	}
}

// exitSignal is the panic value of os.Exit called by a cell.
type exitSignal struct{ code int }

func exitCell(code int) { panic(exitSignal{code}) }

// cellState is the running cell's output and what its magics leave behind.
type cellState struct {
	ctx       context.Context
	out       Output
	result    *display.Bundle
	timeStart time.Time
	timing    bool
}

// syncOutput serialises calls on an Output coming from the pumps and the cell's goroutine.
type syncOutput struct {
	mu  sync.Mutex
	out Output
}

func (s *syncOutput) Stream(name, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Stream(name, text)
}

func (s *syncOutput) Display(b display.Bundle, id string, update bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Display(b, id, update)
}

func (s *syncOutput) Clear(wait bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Clear(wait)
}

func (s *syncOutput) Input(prompt string, password bool) (string, error) {
	return s.out.Input(prompt, password)
}

// Execute runs one cell. See Engine.
func (e *GoEngine) Execute(ctx context.Context, code string, out Output) Reply {
	e.running.Lock()
	defer e.running.Unlock()

	so := &syncOutput{out: out}
	cell := &cellState{ctx: ctx, out: so}
	e.resetInterrupt()
	e.bridge.setCell(cell)
	e.stdout.setSink(so.Stream)
	e.stderr.setSink(so.Stream)
	e.pub.SetSink(so)
	e.stdin.setAsk(func() (string, error) {
		// What the cell printed before it reads, such as a prompt, reaches the client first.
		e.stdout.sync()
		e.stderr.sync()
		return so.Input("", false)
	})

	reply := e.run(ctx, code, cell)

	held := drain(e.stdout, e.stderr)
	if reply.Err != nil && reply.Err.Name == "panic" {
		// The line marks of top-level statements say where in the cell the panic happened.
		at := int(e.line.Load())
		reply.Err.Traceback = append(reply.Err.Traceback, mapPanicLines(held, at)...)
		reply.Err.Traceback = append(reply.Err.Traceback, cellLine(code, at, 0)...)
	}
	if cell.timing {
		so.Stream("stdout", fmt.Sprintf("Wall time: %s\n", formatDuration(time.Since(cell.timeStart))))
	}
	e.stdin.setAsk(nil)
	e.pub.SetSink(nil)
	e.stdout.setSink(nil)
	e.stderr.setSink(nil)
	e.bridge.setCell(nil)
	if reply.Err == nil && reply.Result == nil && cell.result != nil {
		reply.Result = cell.result
	}
	return reply
}

func formatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.3fs", d.Seconds())
}

func (e *GoEngine) run(ctx context.Context, code string, cell *cellState) Reply {
	trimmed := strings.TrimSpace(code)
	if trimmed == "" {
		return Reply{}
	}
	if name, ok := pagerRequest(trimmed); ok {
		return e.pager(name)
	}
	if first, rest, _ := strings.Cut(trimmed, "\n"); strings.TrimSpace(first) == "%%time" {
		// %%time times the whole cell, which is Go.
		cell.timing, cell.timeStart = true, time.Now()
		code, trimmed = "\n"+rest, strings.TrimSpace(rest)
		if trimmed == "" {
			return Reply{}
		}
	}
	if strings.HasPrefix(trimmed, "%%") {
		return e.cellMagic(code, cell)
	}
	src := substituteMagics(code, findMagicLines(code))
	e.mu.Lock()
	plan, err := e.sess.plan(src)
	e.mu.Unlock()
	if err != nil {
		return Reply{Err: planError(err, code)}
	}
	if len(plan.imports) > 0 {
		if rep, ok := e.runImports(plan.imports); !ok {
			return rep
		}
	}
	// What the cell declares is recorded whatever its outcome: the interpreter may have
	// registered declarations of a chunk that failed later, and renaming a type is harmless.
	defer func() {
		e.mu.Lock()
		plan.commit()
		e.mu.Unlock()
	}()
	var reply Reply
	for _, c := range plan.chunks {
		c, resolved := e.resolveLast(ctx, c)
		v, err := e.evalChunk(ctx, c)
		if err != nil {
			return Reply{Err: e.evalError(ctx, err, code, c)}
		}
		if ctx.Err() != nil {
			// The code saw the interrupt only as an error it may have ignored, such as a
			// read of os.Stdin that ended.
			return Reply{Err: interruptedError()}
		}
		switch c.result {
		case resultWrapped:
			reply.Result = cell.result
			cell.result = nil
		case resultValue:
			if resolved || !e.returnsNothing(ctx, c.callee) {
				reply.Result = valueResult(v)
			}
		}
	}
	return reply
}

func (e *GoEngine) runImports(specs []importSpec) (Reply, bool) {
	var b strings.Builder
	b.WriteString("import (\n")
	for _, s := range specs {
		b.WriteString("\t" + s.source() + "\n")
	}
	b.WriteString(")")
	if _, err := e.eval(context.Background(), b.String()); err != nil {
		return Reply{Err: &Error{Name: "ImportError", Value: err.Error(),
			Traceback: []string{"ImportError: " + err.Error()}}}, false
	}
	e.mu.Lock()
	for _, s := range specs {
		e.sess.imports[s.name] = s.path
	}
	e.mu.Unlock()
	return Reply{}, true
}

// returnsNothing reports whether callee, a function or method value of the session, is a
// function without results. The interpreter's value of a call of such a function is whatever
// its frame held last, not a result.
func (e *GoEngine) returnsNothing(ctx context.Context, callee string) bool {
	if callee == "" {
		return false
	}
	fv, err := e.eval(ctx, callee)
	return err == nil && fv.IsValid() && fv.Kind() == reflect.Func && fv.Type().NumOut() == 0
}

// valueResult renders the interpreter's value of a last statement whose kind the planner
// could not tell; a statement or a call of nothing has no value of interest.
func valueResult(v reflect.Value) *display.Bundle {
	if !v.IsValid() || !v.CanInterface() {
		return nil
	}
	if v.Type() == reflect.TypeOf((*any)(nil)) {
		return nil
	}
	b := display.Render(v.Interface())
	return &b
}

// pkgName returns the package name of an import path the interpreter can load.
func (e *GoEngine) pkgName(ip string) (string, bool) {
	if name, ok := stdlibNames()[ip]; ok {
		return name, true
	}
	for k := range e.opts.Exports {
		if dir, name := splitExportKey(k); dir == ip {
			return name, true
		}
	}
	if ip == "gotaegis/kernel/display" {
		return "display", true
	}
	return "", false
}

func splitExportKey(k string) (dir, name string) {
	i := strings.LastIndexByte(k, '/')
	if i < 0 {
		return k, k
	}
	return k[:i], k[i+1:]
}

// funcOut describes a standard library or extra package function.
func (e *GoEngine) funcOut(ip, name string) (int, bool, bool) {
	syms := stdlib.Symbols[ip+"/"+stdlibImportName(ip)]
	if syms == nil {
		for k, v := range e.opts.Exports {
			if dir, _ := splitExportKey(k); dir == ip {
				syms = v
			}
		}
	}
	v, ok := syms[name]
	if !ok || v.Kind() != reflect.Func {
		return 0, false, false
	}
	t := v.Type()
	return t.NumOut(), t.NumOut() == 1 && t.Out(0).Kind() == reflect.Func, true
}

var stdlibOnce = sync.OnceValues(func() (map[string]string, map[string]string) {
	byPath := map[string]string{}
	byName := map[string]string{}
	for k := range stdlib.Symbols {
		dir, name := splitExportKey(k)
		if strings.Contains(dir, "internal") || strings.HasPrefix(dir, "vendor/") {
			continue
		}
		byPath[dir] = name
		if prev, ok := byName[name]; !ok || preferPath(dir, prev) {
			byName[name] = dir
		}
	}
	return byPath, byName
})

func stdlibNames() map[string]string {
	byPath, _ := stdlibOnce()
	return byPath
}

// preferredPaths settle package names several standard library packages share.
var preferredPaths = map[string]bool{"math/rand": true, "text/template": true,
	"encoding/json": true, "go/scanner": true, "crypto/rand": false, "html/template": false,
	"math/rand/v2": false}

// preferPath reports whether an unimported name should mean dir rather than prev.
func preferPath(dir, prev string) bool {
	if p, ok := preferredPaths[dir]; ok {
		return p
	}
	if p, ok := preferredPaths[prev]; ok {
		return !p
	}
	return len(dir) < len(prev)
}

func stdPathOf(name string) (string, bool) {
	_, byName := stdlibOnce()
	p, ok := byName[name]
	return p, ok
}

// idleGlobals returns the session's package-level variables when no cell is running; while
// one runs, reading them would race with it, and Complete and Inspect do without.
func (e *GoEngine) idleGlobals() (map[string]reflect.Value, bool) {
	if !e.running.TryLock() {
		return nil, false
	}
	defer e.running.Unlock()
	return e.interp.Globals(), true
}

// Close releases the interpreter's pipes. The engine must not be used afterwards.
func (e *GoEngine) Close() error {
	var errs []error
	if e.stdout != nil {
		errs = append(errs, e.stdout.close())
	}
	if e.stderr != nil {
		errs = append(errs, e.stderr.close())
	}
	return errors.Join(errs...)
}

var _ Engine = (*GoEngine)(nil)

package kernel

import (
	"fmt"
	"image"
	"reflect"
	"sync"

	"gotaegis/kernel/display"
)

// bridge holds the host functions rewritten cells call: magics, result capture and the
// builtins the interpreter lacks.
type bridge struct {
	e    *GoEngine
	mu   sync.Mutex
	cell *cellState
	take any   // the value Vars.Set is declaring
	kept []any // pointers to the values of a definition run inside a function
}

func (b *bridge) setCell(c *cellState) {
	b.mu.Lock()
	b.cell = c
	b.mu.Unlock()
}

func (b *bridge) current() *cellState {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cell
}

func (b *bridge) symbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		"Magic":       reflect.ValueOf(b.magic),
		"MagicResult": reflect.ValueOf(b.magicResult),
		"Result":      reflect.ValueOf(b.result),
		"Result2":     reflect.ValueOf(b.result2),
		"Bundle":      reflect.ValueOf(bundleOf),
		"Clear":       reflect.ValueOf(clearValue),
		"Take":        reflect.ValueOf(b.takeValue),
		"Keep":        reflect.ValueOf(b.keep),
		"Tick":        reflect.ValueOf(b.e.tick),
		"GoPanic":     reflect.ValueOf(b.goPanic),
		"Enter":       reflect.ValueOf(b.e.enter),
		"Line":        reflect.ValueOf(b.e.line.Store),
	}
}

// magicFailure is the panic value that stops a cell when a magic line inside it fails.
type magicFailure struct{ err error }

// magic runs a magic line where it stands in the cell and shows its result as display_data.
// vars holds the local variables the line names.
func (b *bridge) magic(line string, vars ...map[string]any) {
	c := b.current()
	if c == nil {
		panic(magicFailure{fmt.Errorf("%s: no cell is running", line)})
	}
	res, err := b.e.lineMagic(c, line, mergeVars(vars))
	if err != nil {
		panic(magicFailure{err})
	}
	if res != nil {
		c.out.Display(*res, "", false)
	}
}

// magicResult runs a magic line that ends the cell: its result is the cell's result.
func (b *bridge) magicResult(line string, vars ...map[string]any) {
	c := b.current()
	if c == nil {
		panic(magicFailure{fmt.Errorf("%s: no cell is running", line)})
	}
	res, err := b.e.lineMagic(c, line, mergeVars(vars))
	if err != nil {
		panic(magicFailure{err})
	}
	c.result = res
}

func mergeVars(vs []map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range vs {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// result records the value of a cell's last expression, with the renderings the interpreted
// helper found through methods of interpreted types.
func (b *bridge) result(v any, text, html string, hasHTML bool, md string, hasMD bool,
	svg string, hasSVG bool) {
	c := b.current()
	if c == nil {
		return
	}
	out := bundleOf(v, text, html, hasHTML, md, hasMD, svg, hasSVG)
	c.result = &out
}

// bundleOf renders v: a Bundle or an image as display.Render does, anything else as its text
// and the renderings its interpreted methods gave.
func bundleOf(v any, text, html string, hasHTML bool, md string, hasMD bool, svg string,
	hasSVG bool) display.Bundle {
	switch x := v.(type) {
	case display.Bundle, *display.Bundle, image.Image:
		return display.Render(x)
	}
	out := display.Render(v)
	out.Data[display.MIMEPlain] = text
	if hasHTML {
		out.Data[display.MIMEHTML] = html
	}
	if hasMD {
		out.Data[display.MIMEMarkdown] = md
	}
	if hasSVG {
		out.Data[display.MIMESVG] = svg
	}
	return out
}

// result2 records the value of a call of two results. A (value, nil error) pair shows the
// value alone.
func (b *bridge) result2(a any, atext string, bNil bool, btext string) {
	c := b.current()
	if c == nil {
		return
	}
	if bNil {
		out := display.Render(a)
		out.Data[display.MIMEPlain] = atext
		c.result = &out
		return
	}
	out := display.Text(atext + " " + btext)
	c.result = &out
}

// goPanic receives what recover returned in every goroutine a cell starts, and reports a
// panic on stderr instead of letting it end the kernel. An interrupt ends the goroutine
// quietly.
func (b *bridge) goPanic(r any) {
	switch v := r.(type) {
	case nil, interruptSignal:
		return
	case exitSignal:
		r = fmt.Sprintf("os.Exit(%d) called in a goroutine", v.code)
	}
	_, _ = fmt.Fprintf(b.e.stderr.w, "panic in a goroutine (recovered, the kernel keeps "+
		"running): %v\n", cleanNames(fmt.Sprint(r)))
}

func (b *bridge) keep(ptrs ...any) {
	b.mu.Lock()
	b.kept = ptrs
	b.mu.Unlock()
}

func (b *bridge) takeValue() any {
	b.mu.Lock()
	defer b.mu.Unlock()
	v := b.take
	b.take = nil
	return v
}

// clearValue is the clear builtin: it deletes a map's entries or zeroes a slice's elements.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	case reflect.Invalid:
	default:
		panic(fmt.Sprintf("invalid argument: clear(%T): argument must be a map or a slice", x))
	}
}

package kernel

import (
	"context"
	"reflect"
)

// resolveLast settles how a chunk ending in a call the planner could not classify shows its
// result, when the callee exists before the chunk runs: by the callee's result count. A call
// of two results, such as df.Dims() or col.Int(), then shows both (or the value alone beside
// a nil error), where the interpreter's value of the call would be the first result only;
// a call of none shows nothing. The callee is looked up once, before the chunk runs instead
// of after it.
func (e *GoEngine) resolveLast(ctx context.Context, c chunk) (chunk, bool) {
	if c.result != resultValue || c.pair == "" {
		return c, false
	}
	fv, err := e.eval(ctx, c.callee)
	if err != nil || !fv.IsValid() || fv.Kind() != reflect.Func {
		return c, false
	}
	switch fv.Type().NumOut() {
	case 0:
		c.result = resultNone
	case 2:
		c.src, c.spans, c.result = c.pair, c.pairSpans, resultWrapped
	}
	return c, true
}

package kernel

// prelude gives cells display without an import, the Go 1.21 builtins min, max and clear the
// interpreter lacks, and the helpers that render a cell's last value.
const prelude = `import (
	_gotaegisfmt "fmt"
	_gotaegis "gotaegis/engine"
	"gotaegis/kernel/display"
)

type _gotaegisOrdered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 |
		~uintptr | ~float32 | ~float64 | ~string
}

func min[_gotaegisT _gotaegisOrdered](x _gotaegisT, ys ..._gotaegisT) _gotaegisT {
	for _, y := range ys {
		if y < x {
			x = y
		}
	}
	return x
}

func max[_gotaegisT _gotaegisOrdered](x _gotaegisT, ys ..._gotaegisT) _gotaegisT {
	for _, y := range ys {
		if y > x {
			x = y
		}
	}
	return x
}

func clear(x any) { _gotaegis.Clear(x) }

// _gotaegisAsError hands v to the host as an error whose Error method the host can call; the
// planner passes the %w arguments of fmt.Errorf through it.
func _gotaegisAsError[_gotaegisT error](v _gotaegisT) error {
	var e error = v
	return e
}

// The helpers are generic because the interpreter loses the methods of interpreted types when
// such a value is passed as a parameter of type any, and they recover because its type
// switches may pick a case whose method the value lacks.

func _gotaegisHTML[_gotaegisT any](v _gotaegisT) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	var x any = v
	switch y := x.(type) {
	case interface{ HTML() string }:
		return y.HTML(), true
	}
	return "", false
}

func _gotaegisMarkdown[_gotaegisT any](v _gotaegisT) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	var x any = v
	switch y := x.(type) {
	case interface{ Markdown() string }:
		return y.Markdown(), true
	}
	return "", false
}

func _gotaegisSVG[_gotaegisT any](v _gotaegisT) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	var x any = v
	switch y := x.(type) {
	case interface{ SVG() string }:
		return y.SVG(), true
	}
	return "", false
}

func _gotaegisShow[_gotaegisT any](v _gotaegisT) {
	var x any = v
	text := _gotaegisfmt.Sprint(v)
	h, hok := _gotaegisHTML(v)
	m, mok := _gotaegisMarkdown(v)
	s, sok := _gotaegisSVG(v)
	_gotaegis.Result(x, text, h, hok, m, mok, s, sok)
}

// _gotaegisBundle renders v like a last expression; the planner routes display.Show, ShowID
// and Update calls through it so that they see the methods of interpreted types.
func _gotaegisBundle[_gotaegisT any](v _gotaegisT) display.Bundle {
	var x any = v
	text := _gotaegisfmt.Sprint(v)
	h, hok := _gotaegisHTML(v)
	m, mok := _gotaegisMarkdown(v)
	s, sok := _gotaegisSVG(v)
	return _gotaegis.Bundle(x, text, h, hok, m, mok, s, sok)
}

func _gotaegisDisplayShow[_gotaegisT any](v _gotaegisT) { display.Show(_gotaegisBundle(v)) }

func _gotaegisDisplayShowID[_gotaegisT any](id string, v _gotaegisT) {
	display.ShowID(id, _gotaegisBundle(v))
}

func _gotaegisDisplayUpdate[_gotaegisT any](id string, v _gotaegisT) {
	display.Update(id, _gotaegisBundle(v))
}

func _gotaegisShow2(a, b any) {
	_gotaegis.Result2(a, _gotaegisfmt.Sprint(a), b == nil, _gotaegisfmt.Sprint(b))
}
`

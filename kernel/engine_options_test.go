package kernel

import (
	"reflect"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
)

// greetExports is a package cells may use, as a generated symbol table would give it.
var greetExports = interp.Exports{
	"example.com/greet/greet": {
		"Hello": reflect.ValueOf(func(s string) string { return "hello, " + s }),
	},
}

func TestEngineImports(t *testing.T) {
	e := newTestEngine(t, EngineOptions{Exports: greetExports,
		Imports: []string{"example.com/greet"}})
	rep, _ := run(t, e, `greet.Hello("hunter")`)
	if rep.Err != nil {
		t.Fatalf("cell failed: %+v", rep.Err)
	}
	if got := plain(rep.Result); got != "hello, hunter" {
		t.Fatalf("got %q", got)
	}
	if m, _, _ := e.Complete("greet.He", 8); len(m) != 1 || m[0] != "greet.Hello" {
		t.Fatalf("completion of an imported package: %q", m)
	}
}

func TestEngineImportsUnknown(t *testing.T) {
	_, err := NewGoEngine(EngineOptions{Imports: []string{"example.com/nope"}})
	if err == nil || !strings.Contains(err.Error(), `"example.com/nope"`) {
		t.Fatalf("error %v, want one naming the package", err)
	}
}

func TestEngineTaegisComplete(t *testing.T) {
	var got []string
	e := newTestEngine(t, EngineOptions{TaegisComplete: func(code string, cursor int) (
		[]string, int, int) {
		got = append(got, code)
		return []string{"SELECT"}, cursor - 2, cursor
	}})
	tests := []struct {
		code      string
		cursor    int
		delegated bool
	}{
		{"%%taegis alerts search\nFROM alert SE", 36, true},
		{"for i := range 3 {\n\t%taegis alerts se", 38, true},
		{"x := 1\nstrings.To", 17, false},
		{"%taegis", 7, false},
	}
	for _, tt := range tests {
		got = nil
		m, start, end := e.Complete(tt.code, tt.cursor)
		if tt.delegated != (len(got) == 1) {
			t.Errorf("%q: delegated %v, want %v", tt.code, len(got) == 1, tt.delegated)
		}
		if tt.delegated && (len(m) != 1 || m[0] != "SELECT" || start != tt.cursor-2 ||
			end != tt.cursor) {
			t.Errorf("%q: got %q [%d:%d]", tt.code, m, start, end)
		}
	}
}

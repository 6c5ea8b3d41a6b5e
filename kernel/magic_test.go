package kernel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gotaegis/kernel/display"
)

func TestMagics(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	t.Cleanup(func() { _ = os.Chdir(wd) })
	e := newTestEngine(t, EngineOptions{})
	tests := []struct {
		name, code, stdout string
		check              func(t *testing.T)
	}{
		{"help", "%help", "Line magics", nil},
		{"env set", "%env GOTAEGIS_TEST_VAR=on", "GOTAEGIS_TEST_VAR=on", func(t *testing.T) {
			if os.Getenv("GOTAEGIS_TEST_VAR") != "on" {
				t.Error("variable not set")
			}
		}},
		{"env get", "%env GOTAEGIS_TEST_VAR", "on\n", nil},
		{"env list", "%env", "GOTAEGIS_TEST_VAR=on\n", nil},
		{"cd", "%cd " + dir, dir, func(t *testing.T) {
			got, _ := os.Getwd()
			if r, _ := filepath.EvalSymlinks(dir); got != r && got != dir {
				t.Errorf("cwd %s", got)
			}
		}},
		{"interpreter sees cd", "d, _ := os.Getwd()\nfmt.Println(filepath.Base(d))",
			filepath.Base(dir), nil},
		{"time", "%time\nfmt.Println(\"timed\")", "timed\nWall time: ", nil},
		{"time with a statement", "%time fmt.Println(\"same line\")\nfmt.Println(\"next\")",
			"same line\nnext\nWall time: ", nil},
		{"cell time", "%%time\nfmt.Println(\"whole\")", "whole\nWall time: ", nil},
		{"shell in order", "fmt.Println(\"a\")\n!echo b\nfmt.Println(\"c\")", "a\nb\nc\n", nil},
		{"shell in loop", "for i := 0; i < 2; i++ {\n\t!echo loop $i $HOME\n}",
			"loop 0 " + os.Getenv("HOME") + "\nloop 1 " + os.Getenv("HOME") + "\n", nil},
		{"writefile", "%%writefile out.txt\nline one\n", "Writing out.txt", func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "out.txt"))
			if err != nil || string(b) != "line one\n" {
				t.Errorf("file %q %v", b, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, r := run(t, e, tt.code)
			if rep.Err != nil {
				t.Fatalf("error %+v", rep.Err)
			}
			if got := r.stream("stdout"); !strings.Contains(got, tt.stdout) {
				t.Errorf("stdout %q lacks %q", got, tt.stdout)
			}
			if tt.check != nil {
				tt.check(t)
			}
		})
	}
}

func TestTaegisHook(t *testing.T) {
	var lines []string
	var seen []any
	hook := func(ctx context.Context, line, body string, vars Vars, out Output) (
		*display.Bundle, error) {
		lines = append(lines, line+"|"+body)
		if v, ok := vars.Get("tenant"); ok {
			seen = append(seen, v)
		}
		if strings.Contains(line, "{tenant}") {
			if v, err := vars.Eval("tenant"); err != nil || v != seen[len(seen)-1] {
				return nil, fmt.Errorf("Eval of a local: %v %v", v, err)
			}
		}
		if err := vars.Set("found", []string{"a", "b"}); err != nil {
			return nil, err
		}
		if strings.Contains(line, "fail") {
			return nil, errors.New("query failed")
		}
		b := display.Text("result of " + line)
		return &b, nil
	}
	e := newTestEngine(t, EngineOptions{Taegis: hook})
	code := "tenants := []string{\"t1\", \"t2\"}\nfor _, tenant := range tenants {\n" +
		"\t%taegis alerts search --tenant $tenant --name {tenant}\n}"
	rep, r := run(t, e, code)
	if rep.Err != nil {
		t.Fatalf("error %+v", rep.Err)
	}
	if len(lines) != 2 || !reflect.DeepEqual(seen, []any{"t1", "t2"}) {
		t.Errorf("hook saw lines %q vars %v", lines, seen)
	}
	if rep, _ := run(t, e, "len(found)"); plain(rep.Result) != "2" {
		t.Errorf("variable set by the magic: %q %+v", plain(rep.Result), rep.Err)
	}
	if len(r.events) != 2 || r.events[0].kind != "display" {
		t.Errorf("events %+v", r.events)
	}
	rep, _ = run(t, e, "%taegis last")
	if plain(rep.Result) != "result of %taegis last" {
		t.Errorf("final magic result %q", plain(rep.Result))
	}
	rep, _ = run(t, e, "%%taegis cell\nbody text")
	if plain(rep.Result) != "result of %%taegis cell" || lines[len(lines)-1] !=
		"%%taegis cell|body text" {
		t.Errorf("cell magic %q %q", plain(rep.Result), lines)
	}
	rep, _ = run(t, e, "%taegis fail")
	if rep.Err == nil || rep.Err.Value != "query failed" {
		t.Errorf("failing magic %+v", rep.Err)
	}
}

func TestVars(t *testing.T) {
	var got []any
	hook := func(ctx context.Context, line, body string, vars Vars, out Output) (
		*display.Bundle, error) {
		n, err := vars.Eval("len(items) * 10")
		if err != nil {
			return nil, err
		}
		got = append(got, n)
		if err := vars.Set("items", []string{"x", "y", "z"}); err != nil {
			return nil, err
		}
		if err := vars.Set("wait", 3*time.Second); err != nil {
			return nil, err
		}
		if err := vars.Set("not an identifier", 1); err == nil {
			return nil, errors.New("Set accepted a bad name")
		}
		v, _ := vars.Get("items")
		got = append(got, v)
		return nil, nil
	}
	e := newTestEngine(t, EngineOptions{Taegis: hook})
	rep, _ := run(t, e, "items := []string{\"a\"}\n%taegis fill")
	if rep.Err != nil {
		t.Fatalf("error %+v", rep.Err)
	}
	if !reflect.DeepEqual(got, []any{10, []string{"x", "y", "z"}}) {
		t.Errorf("hook saw %#v", got)
	}
	rep, _ = run(t, e, "fmt.Sprint(len(items), wait.Seconds())")
	if plain(rep.Result) != "3 3" {
		t.Errorf("variables after the magic: %q %+v", plain(rep.Result), rep.Err)
	}
}

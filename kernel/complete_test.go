package kernel

import (
	"context"
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	run(t, e, "myCounter := 1")
	tests := []struct {
		code       string
		cursor     int
		want       string
		start, end int
	}{
		{"fmt.Printl", 10, "fmt.Println", 0, 10},
		{"x := strings.ToUp", 17, "strings.ToUpper", 5, 17},
		{"myCo", 4, "myCounter", 0, 4},
		{"ret", 3, "return", 0, 3},
		{"%he", 3, "%help", 0, 3},
		{"é := fmt.Sprin", 14, "fmt.Sprint", 5, 14},
		{"display.HT", 10, "display.HTML", 0, 10},
	}
	for _, tt := range tests {
		m, s, en := e.Complete(tt.code, tt.cursor)
		found := false
		for _, x := range m {
			found = found || x == tt.want
		}
		if !found || s != tt.start || en != tt.end {
			t.Errorf("Complete(%q) = %v [%d,%d], want %q [%d,%d]", tt.code, m, s, en, tt.want,
				tt.start, tt.end)
		}
	}
}

// blockingInput is an Output whose Input waits until release is closed.
type blockingInput struct {
	*recorder
	asked   chan struct{}
	release chan struct{}
}

func (b *blockingInput) Input(string, bool) (string, error) {
	close(b.asked)
	<-b.release
	return "done", nil
}

func TestCompleteWhileRunning(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	run(t, e, "counter := 1")
	out := &blockingInput{recorder: &recorder{}, asked: make(chan struct{}),
		release: make(chan struct{})}
	replied := make(chan Reply)
	go func() {
		replied <- e.Execute(context.Background(), "var s string\nfmt.Scanln(&s)\ns", out)
	}()
	<-out.asked
	m, _, _ := e.Complete("fmt.Printl", 10)
	if len(m) == 0 || m[0] != "fmt.Println" {
		t.Errorf("Complete while a cell runs: %v", m)
	}
	if _, ok := e.Inspect("counter", 3, 0); !ok {
		t.Error("Inspect while a cell runs found nothing")
	}
	if s, _ := e.IsComplete("for {"); s != "incomplete" {
		t.Errorf("IsComplete while a cell runs: %s", s)
	}
	close(out.release)
	if rep := <-replied; plain(rep.Result) != "done" {
		t.Errorf("cell result %+v", rep)
	}
}

func TestInspect(t *testing.T) {
	e := newTestEngine(t, EngineOptions{})
	data, ok := e.Inspect("fmt.Println", 5, 0)
	text, _ := data["text/plain"].(string)
	if !ok || !strings.Contains(text, "func Println") {
		t.Errorf("Inspect fmt.Println = %v %q", ok, text)
	}
	for _, tt := range []struct{ code, decl, doc string }{
		{"display.HTML", "func HTML(s string) Bundle", "HTML"},
		{"display.Show", "func Show(x any)", "display_data"},
		{"display.Clear", "func Clear(wait bool)", "clear"},
		{"strings.HasPrefix(", "func HasPrefix(s, prefix string) bool", "HasPrefix"},
		{`ok := strings.HasPrefix(name, "x"`, "func HasPrefix", "HasPrefix"},
		{"fmt.Println(len(xs), ", "func Println", "Println"},
	} {
		data, ok := e.Inspect(tt.code, len(tt.code), 0)
		text, _ := data["text/plain"].(string)
		if !ok || !strings.Contains(text, tt.decl) || !strings.Contains(text, tt.doc) {
			t.Errorf("Inspect %s = %v %q, want %q and %q", tt.code, ok, text, tt.decl, tt.doc)
		}
	}
	if _, ok := e.Inspect("nosuchname", 3, 0); ok {
		t.Error("Inspect of an unknown name found something")
	}
}

func TestIsComplete(t *testing.T) {
	tests := []struct{ code, status, indent string }{
		{"1", "complete", ""},
		{`fmt.Println("x")`, "complete", ""},
		{"func f() int { return 1 }", "complete", ""},
		{"func f() {", "incomplete", "    "},
		{"x := []int{1,", "incomplete", "    "},
		{"for {\n\tif true {", "incomplete", "        "},
		{"x := 1 +", "incomplete", ""},
		{"s := `raw", "incomplete", ""},
		{"func ( {", "invalid", ""},
		{"x := )", "invalid", ""},
		{"%%writefile a.txt", "incomplete", ""},
		{"%%writefile a.txt\nbody", "complete", ""},
		{"%env", "complete", ""},
		{"!ls \\", "incomplete", ""},
		{"", "complete", ""},
	}
	for _, tt := range tests {
		s, in := isComplete(tt.code)
		if s != tt.status || in != tt.indent {
			t.Errorf("isComplete(%q) = %q %q, want %q %q", tt.code, s, in, tt.status, tt.indent)
		}
	}
}

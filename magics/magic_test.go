package magics

import (
	"context"
	"strings"
	"testing"

	"gotaegis/kernel/display"
	"gotaegis/sdk"
)

// panicVars is a session whose variables panic when read.
type panicVars struct{}

func (panicVars) Get(string) (any, bool)   { panic("broken variable") }
func (panicVars) Set(string, any) error    { return nil }
func (panicVars) Eval(string) (any, error) { return nil, nil }

// nopOutput drops what a call publishes.
type nopOutput struct{}

func (nopOutput) Stream(string, string)                {}
func (nopOutput) Display(display.Bundle, string, bool) {}
func (nopOutput) Clear(bool)                           {}
func (nopOutput) Input(string, bool) (string, error)   { return "", nil }

func TestHookRecovers(t *testing.T) {
	hook := NewHook(nil)
	_, err := hook(context.Background(), "%taegis alerts search --cell $q", "", panicVars{},
		nopOutput{})
	if err == nil || !strings.Contains(err.Error(), "internal error: broken variable") {
		t.Fatalf("error %v, want the panic as an error", err)
	}
}

// streamOutput keeps what a call writes on stderr.
type streamOutput struct {
	nopOutput
	stderr strings.Builder
}

func (o *streamOutput) Stream(name, text string) {
	if name == "stderr" {
		o.stderr.WriteString(text)
	}
}

func TestCellNotices(t *testing.T) {
	var between strings.Builder
	n := NewCellNotices(&between)
	out := &streamOutput{}
	detach := n.attach(out)
	if err := n.DeviceLogin(sdk.DeviceAuthorization{VerificationURI: "https://login.example",
		UserCode: "ABCD"}); err != nil {
		t.Fatal(err)
	}
	detach()
	if got := out.stderr.String(); !strings.Contains(got, "https://login.example") ||
		!strings.Contains(got, "ABCD") {
		t.Fatalf("the cell got %q", got)
	}
	if _, err := n.Write([]byte("later\n")); err != nil {
		t.Fatal(err)
	}
	if between.String() != "later\n" || strings.Contains(out.stderr.String(), "later") {
		t.Fatalf("after the call: fallback %q, cell %q", between.String(), out.stderr.String())
	}
}

func TestMagicText(t *testing.T) {
	tests := []struct{ line, body, text, rest string }{
		{"%taegis alerts search", "", "alerts search", ""},
		{"%%taegis alerts search", "FROM alert", "alerts search", "FROM alert"},
		{"%%taegis alerts search \\", "  --assign a\nFROM alert", "alerts search --assign a",
			"FROM alert"},
		{"%%taegis a \\", "b \\\nc\nFROM alert", "a b c", "FROM alert"},
		{"  %%taegis  ", "", "", ""},
	}
	for _, tt := range tests {
		text, rest := magicText(tt.line, tt.body)
		if text != tt.text || rest != tt.rest {
			t.Errorf("magicText(%q, %q) = %q, %q; want %q, %q", tt.line, tt.body, text, rest,
				tt.text, tt.rest)
		}
	}
}

func TestCommandName(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"alerts", "search", "--limit", "3"}, "alerts search"},
		{[]string{"alerts", "serch"}, "alerts serch"},
		{[]string{"nosuch", "x"}, "nosuch"},
		{[]string{"investigations", "evidence", "stage", "alerts", "df"},
			"investigations evidence stage"},
	}
	for _, tt := range tests {
		if got := commandName(tt.args); got != tt.want {
			t.Errorf("commandName(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestOptionValues(t *testing.T) {
	args := []string{"alerts", "search", "--tenant", "1", "--tenant=2", "--region", "delta",
		"--tenant"}
	if got := optionValues(args, "--tenant"); strings.Join(got, ",") != "1,2" {
		t.Errorf("tenants %q", got)
	}
	if got := optionValues(args, "--region"); strings.Join(got, ",") != "delta" {
		t.Errorf("region %q", got)
	}
}

package magics

import (
	"context"
	"strings"
	"testing"

	"gotaegis/kernel/display"
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

package kernel

import (
	"context"
	"fmt"
)

// BackgroundEngine returns an Engine that builds the real one with build on a goroutine of its
// own, so that the kernel binds its sockets and answers kernel_info while the interpreter
// starts. Every method waits for the build. When it failed, every cell fails with its reason
// and the kernel keeps serving, so the front end can show why and offer a restart.
func BackgroundEngine(build func() (Engine, error)) Engine {
	b := &backgroundEngine{ready: make(chan struct{})}
	go func() {
		defer close(b.ready)
		b.engine, b.err = build()
		if b.err == nil && b.engine == nil {
			b.err = fmt.Errorf("no engine was built")
		}
	}()
	return b
}

type backgroundEngine struct {
	ready  chan struct{}
	engine Engine // set before ready closes; nil when err is set
	err    error
}

func (b *backgroundEngine) wait() Engine {
	<-b.ready
	return b.engine
}

func (b *backgroundEngine) Execute(ctx context.Context, code string, out Output) Reply {
	select {
	case <-b.ready:
	case <-ctx.Done():
		return Reply{Err: &Error{Name: "KeyboardInterrupt",
			Value: "interrupted while the Go engine was starting"}}
	}
	if b.err != nil {
		msg := fmt.Sprintf("the Go engine did not start: %v; restart the kernel, and if this "+
			"persists run it with GOTAEGIS_LOG=debug and read its log", b.err)
		return Reply{Err: &Error{Name: "EngineError", Value: msg,
			Traceback: []string{"EngineError: " + msg}}}
	}
	return b.engine.Execute(ctx, code, out)
}

func (b *backgroundEngine) Complete(code string, cursor int) ([]string, int, int) {
	if e := b.wait(); e != nil {
		return e.Complete(code, cursor)
	}
	return nil, cursor, cursor
}

func (b *backgroundEngine) Inspect(code string, cursor, detail int) (map[string]any, bool) {
	if e := b.wait(); e != nil {
		return e.Inspect(code, cursor, detail)
	}
	return nil, false
}

func (b *backgroundEngine) IsComplete(code string) (string, string) {
	if e := b.wait(); e != nil {
		return e.IsComplete(code)
	}
	return "unknown", ""
}

func (b *backgroundEngine) Close() error {
	if e := b.wait(); e != nil {
		return e.Close()
	}
	return nil
}

package kernel

import (
	"context"

	"gotaegis/kernel/display"
)

// Output receives what a running cell publishes, in the order the cell produced it. The kernel
// turns each call into an IOPub message whose parent is the execute request. An Engine calls an
// Output's methods from one goroutine at a time, not necessarily the one that called Execute.
type Output interface {
	// Stream publishes text on "stdout" or "stderr".
	Stream(name, text string)
	// Display publishes b as display_data; with a non-empty id it carries transient.display_id,
	// and with update it is an update_display_data for that id.
	Display(b display.Bundle, id string, update bool)
	// Clear publishes clear_output; with wait the client clears when the next output arrives.
	Clear(wait bool)
	// Input asks the client that sent the request for one line on the stdin channel. It fails
	// with ErrStdinNotAllowed when the request did not allow stdin.
	Input(prompt string, password bool) (string, error)
}

// Reply is the outcome of one Execute.
type Reply struct {
	// Result is the execute_result of the cell's last expression, nil when there is none.
	Result *display.Bundle
	// Payload holds execute_reply payloads, such as the pager's {"source": "page", ...}.
	Payload []map[string]any
	// Err is set when the cell failed; the kernel publishes it as one error message.
	Err *Error
}

// Error is a failed cell: exception name, value, and a traceback of lines (ANSI colour allowed).
type Error struct {
	Name      string
	Value     string
	Traceback []string
}

// Engine runs cells for one kernel session. Cursor positions are offsets in Unicode code points.
// Execute is called for one cell at a time; Complete, Inspect and IsComplete may be called while
// a cell runs and must not wait for it.
type Engine interface {
	// Execute runs code, publishing its output on out as it comes. Every byte the cell wrote to
	// stdout or stderr has been passed to out before Execute returns. Cancelling ctx interrupts
	// the cell: Execute then returns promptly with an Err named "KeyboardInterrupt".
	Execute(ctx context.Context, code string, out Output) Reply
	// Complete returns the texts that may replace code[start:end] at cursor.
	Complete(code string, cursor int) (matches []string, start, end int)
	// Inspect returns a MIME bundle describing the name at cursor, and whether one was found.
	Inspect(code string, cursor, detail int) (data map[string]any, found bool)
	// IsComplete reports "complete", "incomplete", "invalid" or "unknown", and for incomplete
	// code the indent to continue with.
	IsComplete(code string) (status, indent string)
	// Close releases the interpreter and its pipes.
	Close() error
}

package kernel

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
)

// pump forwards what the interpreter writes on one of its long-lived pipes to the running
// cell's output as it comes. Execute writes a marker after each cell; when the pump reads it,
// every byte the cell wrote has been forwarded: that is the cell's drain barrier.
type pump struct {
	name   string
	r, w   *os.File
	marker []byte

	mu      sync.Mutex
	sink    func(name, text string)
	partial string   // stderr: an unfinished line that may be a panic location
	held    []string // stderr: the interpreter's panic location lines of this cell
	filter  bool
	// backlog is what was written while no cell ran.
	backlog  strings.Builder
	overflow bool

	drained chan struct{}
	done    chan struct{}
}

// panicLine matches the location lines the interpreter prints on stderr while a panic
// unwinds its frames, such as "3:5: panic" or "3:5: panic: main.f(...)".
var panicLine = regexp.MustCompile(`^\d+:\d+: panic(: .*\(\.\.\.\))?\r?\n?$`)

func newPump(name string, filter bool) (*pump, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p := &pump{name: name, r: r, w: w, filter: filter,
		marker:  []byte("\x00gotaegis-drain-" + name + "\x00"),
		drained: make(chan struct{}, 1), done: make(chan struct{})}
	go p.run()
	return p, nil
}

func (p *pump) run() {
	defer close(p.done)
	buf := make([]byte, 32*1024)
	var pending []byte
	for {
		n, err := p.r.Read(buf)
		if n > 0 {
			pending = append(pending, buf[:n]...)
			for {
				i := bytes.Index(pending, p.marker)
				if i < 0 {
					break
				}
				p.forward(string(pending[:i]))
				p.flushPartial()
				pending = pending[i+len(p.marker):]
				p.drained <- struct{}{}
			}
			keep := markerPrefixLen(pending, p.marker)
			p.forward(string(pending[:len(pending)-keep]))
			pending = append([]byte(nil), pending[len(pending)-keep:]...)
		}
		if err != nil {
			if len(pending) > 0 {
				p.forward(string(pending))
			}
			p.flushPartial()
			return
		}
	}
}

// markerPrefixLen returns the length of the longest tail of b that starts the marker.
func markerPrefixLen(b, marker []byte) int {
	for n := min(len(b), len(marker)-1); n > 0; n-- {
		if bytes.HasPrefix(marker, b[len(b)-n:]) {
			return n
		}
	}
	return 0
}

// setSink directs output to sink. Output written while no cell ran (by a goroutine a cell
// left behind) goes to the next cell first.
func (p *pump) setSink(sink func(name, text string)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sink = sink
	p.held = nil
	if sink != nil && p.backlog.Len() > 0 {
		sink(p.name, p.backlog.String())
		p.backlog.Reset()
		p.overflow = false
	}
}

// maxBacklog bounds what is kept for the next cell while no cell runs.
const maxBacklog = 1 << 20

func (p *pump) emit(text string) {
	switch {
	case text == "":
	case p.sink != nil:
		p.sink(p.name, text)
	case p.backlog.Len()+len(text) <= maxBacklog:
		p.backlog.WriteString(text)
	case !p.overflow:
		p.overflow = true
		p.backlog.WriteString("\n[more output written between cells was dropped]\n")
	}
}

func (p *pump) forward(text string) {
	if text == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.filter {
		p.emit(text)
		return
	}
	// Whole lines go out at once, except the interpreter's panic location lines, which are
	// held for the traceback. An unfinished line that could start one waits for its end.
	text = p.partial + text
	p.partial = ""
	var out strings.Builder
	for text != "" {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			if text[0] >= '0' && text[0] <= '9' {
				p.partial = text
			} else {
				out.WriteString(text)
			}
			break
		}
		line := text[:i+1]
		text = text[i+1:]
		if panicLine.MatchString(line) {
			p.emit(out.String())
			out.Reset()
			p.held = append(p.held, strings.TrimRight(line, "\r\n"))
			continue
		}
		out.WriteString(line)
	}
	p.emit(out.String())
}

func (p *pump) flushPartial() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.partial != "" {
		p.emit(p.partial)
		p.partial = ""
	}
}

// drain waits until every byte written so far to each pump is forwarded, and returns the
// panic location lines the last pump held back during the cell. The markers all go out before
// the first wait, so the pumps drain side by side.
func drain(pumps ...*pump) []string {
	marked := make([]bool, len(pumps))
	for i, p := range pumps {
		marked[i] = p.mark()
	}
	var held []string
	for i, p := range pumps {
		if marked[i] {
			p.await()
		}
		p.mu.Lock()
		held = p.held
		p.held = nil
		p.mu.Unlock()
	}
	return held
}

// sync writes the marker and waits until the pump has forwarded everything before it.
func (p *pump) sync() {
	if p.mark() {
		p.await()
	}
}

// mark writes the marker; it reports false when the pipe is closed.
func (p *pump) mark() bool {
	_, err := p.w.Write(p.marker)
	return err == nil
}

// await waits until the pump has read a marker.
func (p *pump) await() {
	select {
	case <-p.drained:
	case <-p.done:
	case <-time.After(10 * time.Second):
		// The reader is stuck in a blocked Output; give up rather than hang the kernel.
	}
}

func (p *pump) close() error {
	err := p.w.Close()
	<-p.done
	if rerr := p.r.Close(); err == nil {
		err = rerr
	}
	return err
}

// stdinReader is the interpreter's standard input: each read with nothing buffered asks the
// running cell's client for a line. When no client may answer, reads end with io.EOF at once.
type stdinReader struct {
	mu  sync.Mutex
	ask func() (string, error)
	buf string
}

func (s *stdinReader) setAsk(ask func() (string, error)) {
	s.mu.Lock()
	s.ask = ask
	s.buf = ""
	s.mu.Unlock()
}

// Read implements io.Reader. The lock is not held while the client is asked, so ending the
// cell never waits for an unanswered prompt.
func (s *stdinReader) Read(b []byte) (int, error) {
	s.mu.Lock()
	if s.buf == "" {
		ask := s.ask
		s.mu.Unlock()
		if ask == nil {
			return 0, io.EOF
		}
		line, err := ask()
		if err != nil {
			return 0, io.EOF
		}
		s.mu.Lock()
		s.buf += line + "\n"
	}
	n := copy(b, s.buf)
	s.buf = s.buf[n:]
	s.mu.Unlock()
	return n, nil
}

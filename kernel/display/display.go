package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"sync"
)

// MIME types the constructors produce.
const (
	MIMEPlain    = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMELatex    = "text/latex"
	MIMESVG      = "image/svg+xml"
	MIMEPNG      = "image/png"
	MIMEJPEG     = "image/jpeg"
	MIMEJSON     = "application/json"
)

// Bundle is a MIME bundle: data keyed by MIME type ("text/plain" always present), and metadata.
// Binary types such as image/png hold base64 text.
type Bundle struct {
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

// String returns the bundle's text/plain rendering, so a Bundle printed with fmt reads as text.
func (b Bundle) String() string {
	if s, ok := b.Data[MIMEPlain].(string); ok {
		return s
	}
	return ""
}

// New returns a bundle holding data under mime with plain as its text/plain fallback.
func New(mime string, data any, plain string) Bundle {
	b := Bundle{Data: map[string]any{MIMEPlain: plain}, Metadata: map[string]any{}}
	if mime != MIMEPlain {
		b.Data[mime] = data
	}
	return b
}

// Text returns a bundle of plain text.
func Text(s string) Bundle { return New(MIMEPlain, s, s) }

// HTML returns a bundle of HTML, with the source as its text/plain fallback.
func HTML(s string) Bundle { return New(MIMEHTML, s, s) }

// Markdown returns a bundle of Markdown, with the source as its text/plain fallback.
func Markdown(s string) Bundle { return New(MIMEMarkdown, s, s) }

// SVG returns a bundle of an SVG document, with the source as its text/plain fallback.
func SVG(s string) Bundle { return New(MIMESVG, s, s) }

// Latex returns a bundle of LaTeX math. s is wrapped in $...$ unless it already starts with $.
func Latex(s string) Bundle {
	tex := s
	if len(tex) == 0 || tex[0] != '$' {
		tex = "$" + tex + "$"
	}
	return New(MIMELatex, tex, s)
}

// JSON returns a bundle of application/json holding v. v must marshal with encoding/json; when
// it does not, the bundle is plain text describing the failure.
func JSON(v any) Bundle {
	raw, err := json.Marshal(v)
	if err != nil {
		return Text(fmt.Sprintf("display.JSON: cannot encode %T: %v", v, err))
	}
	var data any
	if err := json.Unmarshal(raw, &data); err != nil {
		return Text(fmt.Sprintf("display.JSON: cannot encode %T: %v", v, err))
	}
	pretty, _ := json.MarshalIndent(data, "", "  ")
	return New(MIMEJSON, data, string(pretty))
}

// PNG returns a bundle of PNG-encoded bytes.
func PNG(b []byte) Bundle {
	return New(MIMEPNG, base64.StdEncoding.EncodeToString(b),
		fmt.Sprintf("<PNG image, %d bytes>", len(b)))
}

// JPEG returns a bundle of JPEG-encoded bytes.
func JPEG(b []byte) Bundle {
	return New(MIMEJPEG, base64.StdEncoding.EncodeToString(b),
		fmt.Sprintf("<JPEG image, %d bytes>", len(b)))
}

// Image returns a bundle of img encoded as PNG. A nil image or one that fails to encode gives a
// plain-text bundle saying so.
func Image(img image.Image) Bundle {
	if img == nil {
		return Text("<nil image>")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Text(fmt.Sprintf("display.Image: cannot encode as PNG: %v", err))
	}
	r := img.Bounds()
	b := New(MIMEPNG, base64.StdEncoding.EncodeToString(buf.Bytes()),
		fmt.Sprintf("<image %dx%d>", r.Dx(), r.Dy()))
	b.Metadata[MIMEPNG] = map[string]any{"width": r.Dx(), "height": r.Dy()}
	return b
}

// HTMLer is a value that renders itself as HTML.
type HTMLer interface{ HTML() string }

// Markdowner is a value that renders itself as Markdown.
type Markdowner interface{ Markdown() string }

// SVGer is a value that renders itself as SVG.
type SVGer interface{ SVG() string }

// Render returns the richest bundle for x: a Bundle as itself, an image.Image as PNG, a value
// with HTML, Markdown or SVG methods as those MIME types, and always text/plain from %v.
func Render(x any) Bundle {
	switch v := x.(type) {
	case Bundle:
		return ensurePlain(v)
	case *Bundle:
		if v != nil {
			return ensurePlain(*v)
		}
	case image.Image:
		return Image(v)
	}
	b := Text(fmt.Sprintf("%v", x))
	if h, ok := x.(HTMLer); ok {
		b.Data[MIMEHTML] = h.HTML()
	}
	if m, ok := x.(Markdowner); ok {
		b.Data[MIMEMarkdown] = m.Markdown()
	}
	if s, ok := x.(SVGer); ok {
		b.Data[MIMESVG] = s.SVG()
	}
	return b
}

func ensurePlain(b Bundle) Bundle {
	out := Bundle{Data: map[string]any{}, Metadata: map[string]any{}}
	for k, v := range b.Data {
		out.Data[k] = v
	}
	for k, v := range b.Metadata {
		out.Metadata[k] = v
	}
	if _, ok := out.Data[MIMEPlain]; !ok {
		out.Data[MIMEPlain] = ""
	}
	return out
}

// Sink receives what a Publisher publishes. The kernel's per-cell output satisfies it.
type Sink interface {
	// Display publishes b as display_data, or update_display_data for id when update is set.
	Display(b Bundle, id string, update bool)
	// Clear publishes clear_output.
	Clear(wait bool)
}

// Publisher sends displays to the sink of the running cell. Its zero value is usable and drops
// everything until a sink is set; it is safe for concurrent use.
type Publisher struct {
	mu   sync.Mutex
	sink Sink
}

// SetSink makes s the destination of later calls; nil detaches the publisher.
func (p *Publisher) SetSink(s Sink) {
	p.mu.Lock()
	p.sink = s
	p.mu.Unlock()
}

func (p *Publisher) current() Sink {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sink
}

// Show publishes x, rendered as by Render, as display_data now.
func (p *Publisher) Show(x any) {
	if s := p.current(); s != nil {
		s.Display(Render(x), "", false)
	}
}

// ShowID publishes x as display_data carrying display id, so Update can replace it later.
func (p *Publisher) ShowID(id string, x any) {
	if s := p.current(); s != nil {
		s.Display(Render(x), id, false)
	}
}

// Update replaces the output published earlier under id with x.
func (p *Publisher) Update(id string, x any) {
	if s := p.current(); s != nil {
		s.Display(Render(x), id, true)
	}
}

// Clear clears the cell's output; with wait the client clears when the next output arrives.
func (p *Publisher) Clear(wait bool) {
	if s := p.current(); s != nil {
		s.Clear(wait)
	}
}

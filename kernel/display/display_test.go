package display

import (
	"encoding/base64"
	"image"
	"image/color"
	"strings"
	"testing"
)

type htmlValue struct{}

func (htmlValue) HTML() string { return "<p>v</p>" }

func TestConstructors(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	tests := []struct {
		name  string
		b     Bundle
		mime  string
		data  string // prefix of the MIME data, "" to skip
		plain string
	}{
		{"html", HTML("<b>x</b>"), MIMEHTML, "<b>x</b>", "<b>x</b>"},
		{"markdown", Markdown("*x*"), MIMEMarkdown, "*x*", "*x*"},
		{"svg", SVG("<svg/>"), MIMESVG, "<svg/>", "<svg/>"},
		{"latex", Latex(`x^2`), MIMELatex, "$x^2$", "x^2"},
		{"latex already delimited", Latex(`$$y$$`), MIMELatex, "$$y$$", "$$y$$"},
		{"png", PNG([]byte{1, 2}), MIMEPNG, "AQI=", "<PNG image, 2 bytes>"},
		{"jpeg", JPEG([]byte{3}), MIMEJPEG, "Aw==", "<JPEG image, 1 bytes>"},
		{"image", Image(img), MIMEPNG, "iVBORw0KGgo", "<image 3x2>"},
		{"text", Text("t"), MIMEPlain, "t", "t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.b.Data[tt.mime].(string)
			if !ok || !strings.HasPrefix(got, tt.data) {
				t.Errorf("%s = %q, want prefix %q", tt.mime, got, tt.data)
			}
			if p := tt.b.Data[MIMEPlain]; p != tt.plain {
				t.Errorf("text/plain = %q, want %q", p, tt.plain)
			}
			if tt.b.Metadata == nil {
				t.Error("nil metadata would marshal as null")
			}
		})
	}
}

func TestImageIsPNG(t *testing.T) {
	b := Image(image.NewGray(image.Rect(0, 0, 1, 1)))
	raw, err := base64.StdEncoding.DecodeString(b.Data[MIMEPNG].(string))
	if err != nil || !strings.HasPrefix(string(raw), "\x89PNG") {
		t.Fatalf("not a PNG: %v", err)
	}
	if Image(nil).Data[MIMEPlain] != "<nil image>" {
		t.Error("nil image")
	}
}

func TestJSON(t *testing.T) {
	b := JSON(map[string]any{"a": 1})
	m, ok := b.Data[MIMEJSON].(map[string]any)
	if !ok || m["a"] != float64(1) {
		t.Fatalf("json data %#v", b.Data[MIMEJSON])
	}
	bad := JSON(make(chan int))
	if !strings.Contains(bad.Data[MIMEPlain].(string), "cannot encode chan int") {
		t.Errorf("unencodable value: %v", bad.Data)
	}
}

func TestRender(t *testing.T) {
	if b := Render(htmlValue{}); b.Data[MIMEHTML] != "<p>v</p>" || b.Data[MIMEPlain] != "{}" {
		t.Errorf("HTMLer: %v", b.Data)
	}
	if b := Render(HTML("h")); b.Data[MIMEHTML] != "h" {
		t.Errorf("bundle: %v", b.Data)
	}
	if b := Render(Bundle{Data: map[string]any{MIMEHTML: "x"}}); b.Data[MIMEPlain] != "" {
		t.Errorf("a bundle without text/plain gets an empty one: %v", b.Data)
	}
	if b := Render(42); b.Data[MIMEPlain] != "42" || len(b.Data) != 1 {
		t.Errorf("int: %v", b.Data)
	}
}

type sink struct{ calls []string }

func (s *sink) Display(b Bundle, id string, update bool) {
	s.calls = append(s.calls, "display:"+id+":"+b.String())
	if update {
		s.calls[len(s.calls)-1] += ":update"
	}
}

func (s *sink) Clear(wait bool) {
	if wait {
		s.calls = append(s.calls, "clear:wait")
		return
	}
	s.calls = append(s.calls, "clear")
}

func TestPublisher(t *testing.T) {
	var p Publisher
	p.Show("dropped without a sink")
	s := &sink{}
	p.SetSink(s)
	p.Show("a")
	p.ShowID("bar", "10%")
	p.Update("bar", "90%")
	p.Clear(true)
	p.SetSink(nil)
	p.Show("dropped again")
	want := "display::a display:bar:10% display:bar:90%:update clear:wait"
	if got := strings.Join(s.calls, " "); got != want {
		t.Errorf("calls %q, want %q", got, want)
	}
}

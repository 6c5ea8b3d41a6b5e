package kernelspec

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the logo PNGs in logos/ from drawLogo")

func TestLogos(t *testing.T) {
	logos := Logos()
	for _, size := range []int{32, 64} {
		name := fmt.Sprintf("logo-%dx%d.png", size, size)
		t.Run(name, func(t *testing.T) {
			want, err := encodeLogo(size)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.WriteFile(filepath.Join("logos", name), want, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got := logos[name]
			if !bytes.Equal(got, want) {
				t.Fatalf("logos/%s differs from drawLogo(%d); regenerate with "+
					"go test ./kernelspec -run TestLogos -update", name, size)
			}
			img, err := png.Decode(bytes.NewReader(got))
			if err != nil {
				t.Fatalf("decode %s: %v", name, err)
			}
			if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
				t.Fatalf("%s is %dx%d", name, b.Dx(), b.Dy())
			}
			// The corner is outside the rounded square; the centre of the top edge of the
			// shield is white; the middle of the lens ring is navy.
			checks := []struct {
				x, y  float64
				r, g  uint32
				b, a  uint32
				where string
			}{
				{0, 0, 0, 0, 0, 0, "corner"},
				{32, 14, 0xffff, 0xffff, 0xffff, 0xffff, "shield"},
				{30, 22, 0x0b0b, 0x3d3d, 0x5c5c, 0xffff, "lens"},
				{6, 40, 0x0000, 0xadad, 0xd8d8, 0xffff, "background"},
			}
			for _, c := range checks {
				px, py := int(c.x*float64(size)/64), int(c.y*float64(size)/64)
				r, g, b, a := img.At(px, py).RGBA()
				if r != c.r || g != c.g || b != c.b || a != c.a {
					t.Errorf("%s at (%d,%d) = %04x %04x %04x %04x", c.where, px, py, r, g, b, a)
				}
			}
		})
	}
}

func TestLogoSVGIsWellFormed(t *testing.T) {
	svg := Logos()["logo-svg.svg"]
	var doc struct {
		XMLName xml.Name
		ViewBox string `xml:"viewBox,attr"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("logo-svg.svg: %v", err)
	}
	if doc.XMLName.Local != "svg" || doc.ViewBox != "0 0 64 64" {
		t.Fatalf("logo-svg.svg root is <%s viewBox=%q>", doc.XMLName.Local, doc.ViewBox)
	}
}

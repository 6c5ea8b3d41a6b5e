package kernelspec

import (
	"bytes"
	"embed"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// The logo is a white shield on a Go-blue rounded square with a dark magnifying glass on the
// shield: hunting (the glass) on Taegis (the aegis, a shield) in Go (the colour).
// logos/logo-svg.svg is the design; drawLogo renders the same shapes into pixels, and the PNGs
// in logos/ are its output, kept in step by TestLogos (go test -run TestLogos -update).

//go:embed logos/logo-svg.svg logos/logo-32x32.png logos/logo-64x64.png
var logoFiles embed.FS

// LogoNames are the logo files of a kernelspec, as Jupyter names them.
var LogoNames = []string{"logo-32x32.png", "logo-64x64.png", "logo-svg.svg"}

// Logos returns the logo files that Install writes, by file name. The caller may modify the
// map and the slices; each call returns fresh copies.
func Logos() map[string][]byte {
	m := make(map[string][]byte, len(LogoNames))
	for _, n := range LogoNames {
		b, err := logoFiles.ReadFile("logos/" + n)
		if err != nil {
			// The names are embedded above; a missing one is a build mistake, not bad input.
			panic(fmt.Sprintf("kernelspec: logo %s not embedded: %v", n, err))
		}
		m[n] = b
	}
	return m
}

var (
	goBlue = color.NRGBA{0x00, 0xad, 0xd8, 0xff}
	white  = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	navy   = color.NRGBA{0x0b, 0x3d, 0x5c, 0xff}
)

// shield is the shield's outline in the SVG's 64-unit coordinates, its curves flattened.
var shield = shieldOutline(32)

func shieldOutline(steps int) [][2]float64 {
	pts := [][2]float64{{16, 12}, {48, 12}, {48, 32}}
	pts = append(pts, quad([2]float64{48, 32}, [2]float64{48, 46}, [2]float64{32, 56}, steps)...)
	pts = append(pts, quad([2]float64{32, 56}, [2]float64{16, 46}, [2]float64{16, 32}, steps)...)
	return pts
}

// quad returns points of the quadratic Bézier curve p0 p1 p2, without p0.
func quad(p0, p1, p2 [2]float64, steps int) [][2]float64 {
	pts := make([][2]float64, 0, steps)
	for i := 1; i <= steps; i++ {
		t := float64(i) / float64(steps)
		u := 1 - t
		pts = append(pts, [2]float64{
			u*u*p0[0] + 2*u*t*p1[0] + t*t*p2[0],
			u*u*p0[1] + 2*u*t*p1[1] + t*t*p2[1],
		})
	}
	return pts
}

// drawLogo renders the logo at size×size pixels, averaging 8×8 samples per pixel.
func drawLogo(size int) *image.NRGBA {
	const n = 8
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	scale := 64 / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < n; sy++ {
				for sx := 0; sx < n; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/n) * scale
					y := (float64(py) + (float64(sy)+0.5)/n) * scale
					c, ok := logoAt(x, y)
					if !ok {
						continue
					}
					r += float64(c.R)
					g += float64(c.G)
					b += float64(c.B)
					a++
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a)),
				G: uint8(math.Round(g / a)),
				B: uint8(math.Round(b / a)),
				A: uint8(math.Round(a * 255 / (n * n))),
			})
		}
	}
	return img
}

// logoAt is the colour of the topmost shape at (x, y), and false outside every shape.
func logoAt(x, y float64) (color.NRGBA, bool) {
	switch {
	case segmentDist(x, y, 36, 36, 42, 42) <= 2.5:
		return navy, true
	case math.Abs(math.Hypot(x-30, y-30)-8) <= 2:
		return navy, true
	case inPolygon(x, y, shield):
		return white, true
	case inRoundRect(x, y, 2, 2, 62, 62, 12):
		return goBlue, true
	}
	return color.NRGBA{}, false
}

func inRoundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Min(math.Max(x, x0+r), x1-r)
	cy := math.Min(math.Max(y, y0+r), y1-r)
	return math.Hypot(x-cx, y-cy) <= r
}

// inPolygon is the even-odd rule: a ray to the right crosses the outline an odd number of times.
func inPolygon(x, y float64, pts [][2]float64) bool {
	in := false
	for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
		xi, yi, xj, yj := pts[i][0], pts[i][1], pts[j][0], pts[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

func segmentDist(x, y, x0, y0, x1, y1 float64) float64 {
	dx, dy := x1-x0, y1-y0
	t := ((x-x0)*dx + (y-y0)*dy) / (dx*dx + dy*dy)
	t = math.Min(math.Max(t, 0), 1)
	return math.Hypot(x-(x0+t*dx), y-(y0+t*dy))
}

// encodeLogo is the PNG file of the logo at size×size pixels.
func encodeLogo(size int) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, drawLogo(size)); err != nil {
		return nil, fmt.Errorf("encode %dx%d logo: %w", size, size, err)
	}
	return buf.Bytes(), nil
}

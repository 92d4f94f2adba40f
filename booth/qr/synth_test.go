package qr

import (
	"image"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/skip2/go-qrcode"
)

// The drawing functions below are marked go:norace: a frame belongs to the
// one goroutine that draws and decodes it, and instrumenting every pixel
// access would make the race-detector run of the package several times
// slower without checking anything of the decoder.

// scene describes one synthetic camera frame: a badge's QR code printed on
// white paper, seen in perspective in front of a busy background, with the
// faults of a cheap webcam.
type scene struct {
	w, h     int
	text     string  // empty: no code in the frame
	module   float64 // mean pixels per module
	rotate   float64 // in-plane rotation, radians
	tilt     float64 // far edge over near edge; 1 is square-on
	farSide  int     // 0..3: which edge is far (right, left, bottom, top)
	blur     float64 // Gaussian sigma in pixels
	noise    float64 // sigma of additive Gaussian noise, grey levels
	glare    bool    // a saturated ellipse over part of the code
	dark     uint8   // grey of the printed modules
	light    uint8   // grey of the paper
	quadSeen [4]pt   // set when drawn: corners of the code with quiet zone
}

// camera returns a scene with the mild blur and noise every webcam adds.
func camera(w, h int, text string, module float64, rng *rand.Rand) scene {
	return scene{
		w: w, h: h, text: text, module: module,
		rotate: rng.Float64() * 2 * math.Pi, tilt: 1,
		blur: uniform(rng, 0.5, 0.9), noise: uniform(rng, 2, 6),
		dark: uint8(20 + rng.IntN(30)), light: uint8(200 + rng.IntN(45)),
	}
}

// badgeDigits returns a random badge payload: 480–513 decimal digits, which
// encodes as a numeric QR code of version 10 at level M.
func badgeDigits(rng *rand.Rand) string {
	return digits(rng, 480+rng.IntN(34))
}

func digits(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + rng.IntN(10)))
	}
	return b.String()
}

// render draws the scene with rng; codes are made with go-qrcode at level M.
func render(sc *scene, rng *rand.Rand) (*image.Gray, error) {
	var bm [][]bool
	if sc.text != "" {
		q, err := qrcode.New(sc.text, qrcode.Medium)
		if err != nil {
			return nil, err
		}
		bm = q.Bitmap() // with a four-module quiet zone
	}
	return renderBitmap(sc, bm, rng), nil
}

// renderBitmap draws the scene with the code bm (modules with quiet zone,
// true for dark), or none if bm is nil.
func renderBitmap(sc *scene, bm [][]bool, rng *rand.Rand) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, sc.w, sc.h))
	background(img, rng)
	box := image.Rect(0, 0, sc.w, sc.h)
	if bm != nil {
		box = drawCode(img, sc, bm, rng)
		if sc.glare {
			drawGlare(img, sc, rng)
		}
	}
	if sc.blur > 0 {
		gaussianBlur(img, box, sc.blur)
	}
	if sc.noise > 0 {
		addNoise(img, sc.noise, rng)
	}
	return img
}

// background fills img with a lit gradient and clutter: boxes, bars and
// rows of small marks that look like print.
//
//go:norace
func background(img *image.Gray, rng *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	base := 60 + rng.Float64()*120
	gx, gy := (rng.Float64()-0.5)*120/float64(w), (rng.Float64()-0.5)*120/float64(h)
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		v := base + gy*float64(y)
		for x := range row {
			row[x] = byte(clampF(v, 0, 255))
			v += gx
		}
	}
	for range 25 {
		rw, rh := 10+rng.IntN(w/4), 10+rng.IntN(h/4)
		fillRect(img, image.Rect(0, 0, rw, rh).Add(image.Pt(rng.IntN(w), rng.IntN(h))), uint8(rng.IntN(256)))
	}
	for range 12 { // bars
		x, y := rng.IntN(w), rng.IntN(h)
		if rng.IntN(2) == 0 {
			fillRect(img, image.Rect(x, y, x+1+rng.IntN(6), y+20+rng.IntN(h/2)), uint8(rng.IntN(256)))
		} else {
			fillRect(img, image.Rect(x, y, x+20+rng.IntN(w/2), y+1+rng.IntN(6)), uint8(rng.IntN(256)))
		}
	}
	for range 6 { // lines of text-like marks
		x, y := rng.IntN(w), rng.IntN(h)
		size := 3 + rng.IntN(8)
		ink := uint8(rng.IntN(80))
		for range 10 + rng.IntN(30) {
			fillRect(img, image.Rect(x, y, x+size/2+rng.IntN(size), y+size), ink)
			x += size + rng.IntN(size)
		}
	}
}

// fillRect paints r of img with the grey v.
//
//go:norace
func fillRect(img *image.Gray, r image.Rectangle, v uint8) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[y*img.Stride+r.Min.X : y*img.Stride+r.Max.X]
		for x := range row {
			row[x] = v
		}
	}
}

// drawCode places the module bitmap bm (n×n with quiet zone) as the scene
// says and returns the box it covers, widened for the blur.
func drawCode(img *image.Gray, sc *scene, bm [][]bool, rng *rand.Rand) image.Rectangle {
	quad := codeQuad(sc, float64(len(bm)), rng)
	box := drawQuad(img, sc, bm, quad)
	return box.Inset(-int(4*sc.blur) - 2).Intersect(img.Rect)
}

// drawQuad warps bm onto the quadrilateral quad (corners of the code's
// top-left, top-right, bottom-right, bottom-left) with 2×2 supersampling.
//
//go:norace
func drawQuad(img *image.Gray, sc *scene, bm [][]bool, quad [4]pt) image.Rectangle {
	n := float64(len(bm))
	sc.quadSeen = quad
	inv := squareToQuad(quad).inverse()
	box := boundsOf(quad[:]).Intersect(img.Rect)
	subs := [4][2]float64{{-0.25, -0.25}, {0.25, -0.25}, {-0.25, 0.25}, {0.25, 0.25}}
	for y := box.Min.Y; y < box.Max.Y; y++ {
		// Homogeneous coordinates of each sub-sample, stepped along the row:
		// the inverse map is linear before the division.
		var hx, hy, hw [4]float64
		for k, o := range subs {
			fx, fy := float64(box.Min.X)+o[0], float64(y)+o[1]
			hx[k] = inv[0]*fx + inv[1]*fy + inv[2]
			hy[k] = inv[3]*fx + inv[4]*fy + inv[5]
			hw[k] = inv[6]*fx + inv[7]*fy + inv[8]
		}
		for x := box.Min.X; x < box.Max.X; x++ {
			sum, in := 0.0, 0
			for k := range subs {
				sx, sy := hx[k]/hw[k], hy[k]/hw[k]
				hx[k] += inv[0]
				hy[k] += inv[3]
				hw[k] += inv[6]
				if sx < 0 || sy < 0 || sx >= 1 || sy >= 1 {
					sum += float64(img.Pix[y*img.Stride+x])
					continue
				}
				in++
				if bm[int(sy*n)][int(sx*n)] {
					sum += float64(sc.dark)
				} else {
					sum += float64(sc.light)
				}
			}
			if in > 0 {
				img.Pix[y*img.Stride+x] = byte(sum/4 + 0.5)
			}
		}
	}
	return box
}

// codeQuad places the code: a square of n modules, its far edge shrunk to
// tilt and brought nearer, rotated, scaled to the wanted mean module size and
// moved to a random place where it fits in the frame.
func codeQuad(sc *scene, n float64, rng *rand.Rand) [4]pt {
	t := sc.tilt
	depth := (1 + t) / 2 * 0.95 // foreshortened distance between the edges
	// Far edge on the right, in units of the code side, centred at 0.
	q := [4]pt{{-depth / 2, -0.5}, {depth / 2, -t / 2}, {depth / 2, t / 2}, {-depth / 2, 0.5}}
	// Turned so that the wanted edge is far; the corner labels are turned
	// back at the end, so the code's own rotation stays sc.rotate.
	turn := []float64{0, math.Pi, math.Pi / 2, -math.Pi / 2}[sc.farSide]
	area := 0.0
	for i := range q {
		area += q[i].cross(q[(i+1)%4]) / 2
	}
	side := sc.module * n / math.Sqrt(math.Abs(area))
	for i := range q {
		q[i] = rot(q[i], turn+sc.rotate).scale(side)
	}
	lo, hi := q[0], q[0]
	for _, p := range q {
		lo = pt{math.Min(lo.x, p.x), math.Min(lo.y, p.y)}
		hi = pt{math.Max(hi.x, p.x), math.Max(hi.y, p.y)}
	}
	const margin = 4
	free := pt{float64(sc.w) - (hi.x - lo.x) - 2*margin, float64(sc.h) - (hi.y - lo.y) - 2*margin}
	off := pt{margin - lo.x + rng.Float64()*math.Max(free.x, 0), margin - lo.y + rng.Float64()*math.Max(free.y, 0)}
	for i := range q {
		q[i] = q[i].add(off)
	}
	// Keep the module order: corner 0 is the code's top-left whatever edge
	// is far, so the far side does not also rotate the code.
	shift := []int{0, 2, 3, 1}[sc.farSide]
	var out [4]pt
	for i := range q {
		out[i] = q[(i+shift)%4]
	}
	return out
}

func rot(p pt, a float64) pt {
	s, c := math.Sincos(a)
	return pt{c*p.x - s*p.y, s*p.x + c*p.y}
}

func boundsOf(ps []pt) image.Rectangle {
	r := image.Rect(int(ps[0].x), int(ps[0].y), int(ps[0].x)+1, int(ps[0].y)+1)
	for _, p := range ps[1:] {
		r = r.Union(image.Rect(int(math.Floor(p.x)), int(math.Floor(p.y)), int(math.Ceil(p.x))+1, int(math.Ceil(p.y))+1))
	}
	return r
}

// proj is a 3×3 projective map, written out independently of the decoder's.
type proj [9]float64

func (m proj) apply(x, y float64) pt {
	w := m[6]*x + m[7]*y + m[8]
	return pt{(m[0]*x + m[1]*y + m[2]) / w, (m[3]*x + m[4]*y + m[5]) / w}
}

func (m proj) inverse() proj {
	a, b, c, d, e, f, g, h, i := m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
	return proj{e*i - f*h, c*h - b*i, b*f - c*e, f*g - d*i, a*i - c*g, c*d - a*f, d*h - e*g, b*g - a*h, a*e - b*d}
}

// squareToQuad maps the unit square's corners (0,0), (1,0), (1,1), (0,1) to
// q (Heckbert's closed form).
func squareToQuad(q [4]pt) proj {
	x0, y0, x1, y1, x2, y2, x3, y3 := q[0].x, q[0].y, q[1].x, q[1].y, q[2].x, q[2].y, q[3].x, q[3].y
	dx3, dy3 := x0-x1+x2-x3, y0-y1+y2-y3
	dx1, dx2, dy1, dy2 := x1-x2, x3-x2, y1-y2, y3-y2
	den := dx1*dy2 - dx2*dy1
	g := (dx3*dy2 - dx2*dy3) / den
	h := (dx1*dy3 - dx3*dy1) / den
	return proj{x1 - x0 + g*x1, x3 - x0 + h*x3, x0, y1 - y0 + g*y1, y3 - y0 + h*y3, y0, g, h, 1}
}

// drawGlare brightens an ellipse over the code's data area to saturation,
// as a lamp reflected in a laminated badge does.
//
//go:norace
func drawGlare(img *image.Gray, sc *scene, rng *rand.Rand) {
	fwd := squareToQuad(sc.quadSeen)
	// Centre somewhere in the data area, away from the finder corners.
	c := fwd.apply(0.35+0.35*rng.Float64(), 0.35+0.35*rng.Float64())
	side := sc.quadSeen[0].dist(sc.quadSeen[2]) / math.Sqrt2
	a := side * (0.1 + 0.12*rng.Float64())
	b := a * (0.5 + 0.5*rng.Float64())
	ang := rng.Float64() * math.Pi
	s, co := math.Sincos(ang)
	box := image.Rect(int(c.x-a), int(c.y-a), int(c.x+a)+1, int(c.y+a)+1).Intersect(img.Rect)
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			dx, dy := float64(x)-c.x, float64(y)-c.y
			u, v := (co*dx+s*dy)/a, (-s*dx+co*dy)/b
			r2 := u*u + v*v
			if r2 >= 1 {
				continue
			}
			alpha := clampF((1-r2)*3, 0, 1)
			p := &img.Pix[y*img.Stride+x]
			*p = byte(clampF(float64(*p)+alpha*(300-float64(*p)), 0, 255))
		}
	}
}

// gaussianBlur blurs the box of img in place with a separable kernel.
//
//go:norace
func gaussianBlur(img *image.Gray, box image.Rectangle, sigma float64) {
	r := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*r+1)
	sum := float32(0)
	for i := range k {
		d := float64(i - r)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := box.Dx(), box.Dy()
	tmp := make([]float32, w*h)
	pad := make([]float32, w+2*r)
	for y := 0; y < h; y++ {
		row := img.Pix[(box.Min.Y+y)*img.Stride:]
		for i := range pad {
			pad[i] = float32(row[min(max(box.Min.X+i-r, 0), img.Rect.Dx()-1)])
		}
		dst := tmp[y*w : y*w+w]
		for x := range dst {
			s := float32(0)
			for i, kv := range k {
				s += kv * pad[x+i]
			}
			dst[x] = s
		}
	}
	acc := make([]float32, w)
	for y := 0; y < h; y++ {
		clear(acc)
		for i, kv := range k {
			yy := min(max(y+i-r, 0), h-1)
			for x, v := range tmp[yy*w : yy*w+w] {
				acc[x] += kv * v
			}
		}
		dst := img.Pix[(box.Min.Y+y)*img.Stride+box.Min.X:]
		for x, v := range acc {
			dst[x] = byte(v + 0.5)
		}
	}
}

// addNoise adds approximately Gaussian noise: a sum of four uniforms,
// tabulated so that whole frames stay cheap to make.
//
//go:norace
func addNoise(img *image.Gray, sigma float64, rng *rand.Rand) {
	// The sum of four uniforms on [0, 1) has mean 2 and variance 1/3.
	var table [4096]int16
	for i := range table {
		u := rng.Float64() + rng.Float64() + rng.Float64() + rng.Float64()
		table[i] = int16(math.Round((u - 2) * sigma * math.Sqrt(3)))
	}
	var r uint64
	for i, v := range img.Pix {
		if i%5 == 0 {
			r = rng.Uint64()
		}
		n := int(v) + int(table[r&4095])
		r >>= 12
		img.Pix[i] = byte(min(max(n, 0), 255))
	}
}

func clampF(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

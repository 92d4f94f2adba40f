package qr

import (
	"image"
	"image/color"
)

// plane is a grey image addressed without the image.Image interface, so the
// hot loops index bytes directly.
type plane struct {
	w, h, stride int
	pix          []byte
}

// planeOf wraps g without copying.
func planeOf(g *image.Gray) *plane {
	b := g.Bounds()
	return &plane{w: b.Dx(), h: b.Dy(), stride: g.Stride, pix: g.Pix[g.PixOffset(b.Min.X, b.Min.Y):]}
}

// grayOf returns the luminance of img, reusing the pixel memory where the
// format already holds a grey plane (Gray, and the Y plane of YCbCr frames).
func grayOf(img image.Image) *plane {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.Gray:
		return planeOf(m)
	case *image.YCbCr:
		return &plane{w: b.Dx(), h: b.Dy(), stride: m.YStride, pix: m.Y[m.YOffset(b.Min.X, b.Min.Y):]}
	}
	p := &plane{w: b.Dx(), h: b.Dy(), stride: b.Dx(), pix: make([]byte, b.Dx()*b.Dy())}
	switch m := img.(type) {
	case *image.RGBA:
		lumaRows(p, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, false)
	case *image.NRGBA:
		lumaRows(p, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, true)
	default:
		for y := 0; y < p.h; y++ {
			row := p.pix[y*p.stride:]
			for x := 0; x < p.w; x++ {
				row[x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
			}
		}
	}
	return p
}

// lumaRows converts 8-bit RGBA rows with the same weights as color.GrayModel;
// transparent pixels count as white paper.
func lumaRows(p *plane, pix []byte, stride int, straight bool) {
	for y := 0; y < p.h; y++ {
		src := pix[y*stride:]
		dst := p.pix[y*p.stride:]
		for x := 0; x < p.w; x++ {
			r, g, b, a := uint32(src[4*x]), uint32(src[4*x+1]), uint32(src[4*x+2]), uint32(src[4*x+3])
			l := (19595*r + 38470*g + 7471*b + 1<<15) >> 16
			if straight {
				l = (l*a + 255*(255-a)) / 255
			} else {
				l += 255 - a
				if l > 255 {
					l = 255
				}
			}
			dst[x] = byte(l)
		}
	}
}

// half returns p shrunk by two in each direction with a 2×2 box filter,
// which keeps edges usable for finding codes at a quarter of the cost.
func half(p *plane) *plane {
	w, h := p.w/2, p.h/2
	q := &plane{w: w, h: h, stride: w, pix: make([]byte, w*h)}
	for y := 0; y < h; y++ {
		a := p.pix[2*y*p.stride:]
		b := p.pix[(2*y+1)*p.stride:]
		dst := q.pix[y*w : y*w+w]
		for x := range dst {
			s := uint(a[2*x]) + uint(a[2*x+1]) + uint(b[2*x]) + uint(b[2*x+1])
			dst[x] = byte((s + 2) >> 2)
		}
	}
	return q
}

// bilinear returns the grey value at (x, y), where pixel centres lie on
// integer coordinates; points outside are clamped to the border.
func (p *plane) bilinear(x, y float64) float64 {
	if x < 0 {
		x = 0
	} else if x > float64(p.w-1) {
		x = float64(p.w - 1)
	}
	if y < 0 {
		y = 0
	} else if y > float64(p.h-1) {
		y = float64(p.h - 1)
	}
	x0, y0 := int(x), int(y)
	fx, fy := x-float64(x0), y-float64(y0)
	x1, y1 := x0+1, y0+1
	if x1 >= p.w {
		x1 = x0
	}
	if y1 >= p.h {
		y1 = y0
	}
	r0 := p.pix[y0*p.stride:]
	r1 := p.pix[y1*p.stride:]
	top := float64(r0[x0]) + fx*(float64(r0[x1])-float64(r0[x0]))
	bot := float64(r1[x0]) + fx*(float64(r1[x1])-float64(r1[x0]))
	return top + fy*(bot-top)
}

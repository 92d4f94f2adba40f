package qr

import (
	"github.com/makiuchi-d/gozxing"
)

// sampleGrid reads the grey value of every module of a d×d code mapped by
// h, averaging five points in the module's middle against sensor noise.
func sampleGrid(p *plane, h *homography, d int) []float64 {
	vals := make([]float64, d*d)
	for j := 0; j < d; j++ {
		for i := 0; i < d; i++ {
			v, ok := moduleValue(p, h, float64(i)+0.5, float64(j)+0.5)
			if !ok {
				return nil
			}
			vals[j*d+i] = v
		}
	}
	return vals
}

// moduleValue returns the mean grey of five points in the middle of the
// module centred on (u, v).
func moduleValue(p *plane, h *homography, u, v float64) (float64, bool) {
	c := h.apply(u, v)
	if !c.finite() {
		return 0, false
	}
	s := p.bilinear(c.x, c.y)
	for _, o := range [4][2]float64{{-0.2, 0}, {0.2, 0}, {0, -0.2}, {0, 0.2}} {
		q := h.apply(u+o[0], v+o[1])
		s += p.bilinear(q.x, q.y)
	}
	return s / 5, true
}

// timingSeen reports whether h lays the d×d grid over the code so that the
// timing patterns on row and column 6 alternate, as decodeBits requires;
// it costs a few dozen samples where sampling the grid costs thousands.
func timingSeen(p *plane, h *homography, d int) bool {
	var vals []float64
	sum := 0.0
	for i := 8; i < d-8; i++ {
		for _, m := range []pt{{float64(i) + 0.5, 6.5}, {6.5, float64(i) + 0.5}} {
			v, ok := moduleValue(p, h, m.x, m.y)
			if !ok {
				return false
			}
			vals = append(vals, v)
			sum += v
		}
	}
	if len(vals) == 0 {
		return false
	}
	mean := sum / float64(len(vals))
	wrong := 0
	for k, v := range vals {
		dark := (k/2)%2 == 0 // modules 8, 10, … are dark
		if (v < mean) != dark {
			wrong++
		}
	}
	return 3*wrong <= len(vals)
}

// localBits sets the modules darker than the mean of the 7×7 modules
// around them: a threshold that follows shading across the code.
func localBits(vals []float64, d int) *gozxing.BitMatrix {
	// Summed-area table over the module grid.
	sat := make([]float64, (d+1)*(d+1))
	for j := 0; j < d; j++ {
		row := 0.0
		for i := 0; i < d; i++ {
			row += vals[j*d+i]
			sat[(j+1)*(d+1)+i+1] = sat[j*(d+1)+i+1] + row
		}
	}
	bits, _ := gozxing.NewSquareBitMatrix(d)
	const r = 3
	for j := 0; j < d; j++ {
		j0, j1 := max(j-r, 0), min(j+r+1, d)
		for i := 0; i < d; i++ {
			i0, i1 := max(i-r, 0), min(i+r+1, d)
			sum := sat[j1*(d+1)+i1] - sat[j0*(d+1)+i1] - sat[j1*(d+1)+i0] + sat[j0*(d+1)+i0]
			if vals[j*d+i]*float64((j1-j0)*(i1-i0)) < sum {
				bits.Set(i, j)
			}
		}
	}
	return bits
}

// globalBits sets the modules darker than Otsu's threshold over the code.
func globalBits(vals []float64, d int) *gozxing.BitMatrix {
	var hist [256]int
	for _, v := range vals {
		hist[clamp(int(v+0.5), 0, 255)]++
	}
	t := float64(otsu(hist[:])) + 0.5
	bits, _ := gozxing.NewSquareBitMatrix(d)
	for k, v := range vals {
		if v < t {
			bits.Set(k%d, k/d)
		}
	}
	return bits
}

// glareModules marks the modules washed out by a reflection: at the top of
// the grey scale and well above the paper around them, where print and
// paper look the same. It returns nil when there are none.
func glareModules(vals []float64, d int) *gozxing.BitMatrix {
	var hist [256]int
	for _, v := range vals {
		hist[clamp(int(v+0.5), 0, 255)]++
	}
	// The paper: the three-quarter point, the light modules' middle.
	paper, n := 0, 0
	for paper < 255 && n+hist[paper] < 3*len(vals)/4 {
		n += hist[paper]
		paper++
	}
	limit := max(float64(paper)+0.5*float64(255-paper), 240)
	var m *gozxing.BitMatrix
	for k, v := range vals {
		if v >= limit {
			if m == nil {
				m, _ = gozxing.NewSquareBitMatrix(d)
			}
			m.Set(k%d, k/d)
		}
	}
	return m
}

// decodeGrid samples the code mapped by h and runs gozxing's QR decoder,
// whose Reed–Solomon check rejects a wrong grid, on two thresholdings.
func (s *search) decodeGrid(h homography, d int) bool {
	vals := sampleGrid(s.full, &h, d)
	if vals == nil {
		return false
	}
	if s.tries <= 0 {
		return false
	}
	s.tries--
	erased := glareModules(vals, d)
	for _, threshold := range []func([]float64, int) *gozxing.BitMatrix{localBits, globalBits} {
		bm := threshold(vals, d)
		text, err := decodeBits(bm, erased)
		if err != nil {
			continue
		}
		fd := float64(d)
		s.codes = append(s.codes, code{
			text:   text,
			centre: h.apply(fd/2, fd/2),
			quad:   [4]pt{h.apply(0, 0), h.apply(fd, 0), h.apply(fd, fd), h.apply(0, fd)},
		})
		return true
	}
	return false
}

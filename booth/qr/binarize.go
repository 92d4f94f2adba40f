package qr

// minRange is the grey spread below which a block is taken as flat paper
// rather than print: it keeps sensor noise on a blank wall from turning into
// speckles that look like finder patterns.
const minRange = 20

// Binarizers: how the threshold of a pixel follows its neighbourhood.
const (
	// byMean thresholds at the mean of the 5×5 block means around the
	// pixel (blocks of 8 pixels), which follows uneven lighting and glare
	// the way ZXing's hybrid binarizer does.
	byMean = iota
	// byMidrange thresholds halfway between the darkest and lightest pixel
	// of the 5×5 blocks. A faint code next to something much brighter or
	// darker pulls the mean off and thins its light or dark modules; the
	// midrange of ink and that object stays nearer the middle.
	byMidrange
)

// blockPow is log2 of the block side of the binarizers.
const blockPow = 3

// binarize marks dark pixels of p with 1, thresholded as method says;
// st are the plane's block statistics, nil if it is too small for blocks.
func binarize(p *plane, st *stats, method int) []byte {
	mask := make([]byte, p.w*p.h)
	const bs = 1 << blockPow
	if st == nil {
		globalThreshold(p, mask)
		return mask
	}
	for by := 0; by < st.sh; by++ {
		y0 := min(by<<blockPow, p.h-bs)
		for bx := 0; bx < st.sw; bx++ {
			x0 := min(bx<<blockPow, p.w-bs)
			var t byte
			if method == byMidrange {
				t = st.midrange(bx, by)
			} else {
				t = st.mean(bx, by)
			}
			for y := y0; y < y0+bs; y++ {
				src := p.pix[y*p.stride+x0 : y*p.stride+x0+bs]
				dst := mask[y*p.w+x0 : y*p.w+x0+bs]
				for i, v := range src {
					// 1 where v <= t, without a branch to mispredict.
					dst[i] = byte((int(t)-int(v))>>63 + 1)
				}
			}
		}
	}
	return mask
}

// stats holds per block of a plane its level for the mean threshold and
// its darkest and lightest pixel.
type stats struct {
	sw, sh        int
	black, lo, hi []int
}

// around returns the index range of the 5×5 blocks around block b of n,
// shifted inwards at the borders.
func around(b, n int) (int, int) {
	c := clamp(b, 2, n-3)
	return c - 2, c + 3
}

func (s *stats) mean(bx, by int) byte {
	x0, x1 := around(bx, s.sw)
	y0, y1 := around(by, s.sh)
	sum := 0
	for y := y0; y < y1; y++ {
		for _, v := range s.black[y*s.sw+x0 : y*s.sw+x1] {
			sum += v
		}
	}
	return byte(sum / 25)
}

func (s *stats) midrange(bx, by int) byte {
	x0, x1 := around(bx, s.sw)
	y0, y1 := around(by, s.sh)
	lo, hi := 255, 0
	for y := y0; y < y1; y++ {
		for i := y*s.sw + x0; i < y*s.sw+x1; i++ {
			lo = min(lo, s.lo[i])
			hi = max(hi, s.hi[i])
		}
	}
	if hi-lo <= minRange {
		return byte(lo / 2) // flat: all light
	}
	return byte((lo + hi) / 2)
}

// blockStats measures every block of p, or returns nil if p is too small
// for the 5×5 blocks. For the mean threshold a flat block counts as below
// its minimum, so that flat areas come out light.
func blockStats(p *plane) *stats {
	const bs = 1 << blockPow
	if p.w < 5*bs || p.h < 5*bs {
		return nil
	}
	sw := (p.w + bs - 1) >> blockPow
	sh := (p.h + bs - 1) >> blockPow
	st := &stats{sw: sw, sh: sh, black: make([]int, sw*sh), lo: make([]int, sw*sh), hi: make([]int, sw*sh)}
	for by := 0; by < sh; by++ {
		y0 := min(by<<blockPow, p.h-bs)
		for bx := 0; bx < sw; bx++ {
			x0 := min(bx<<blockPow, p.w-bs)
			sum, lo, hi := 0, 255, 0
			for y := y0; y < y0+bs; y++ {
				for _, v := range p.pix[y*p.stride+x0 : y*p.stride+x0+bs] {
					sum += int(v)
					lo = min(lo, int(v))
					hi = max(hi, int(v))
				}
			}
			k := by*sw + bx
			st.lo[k], st.hi[k] = lo, hi
			avg := sum >> (2 * blockPow)
			if hi-lo <= minRange {
				// Flat: most likely background. Inside a code a flat block
				// is a run of equal modules, so borrow the neighbours' level
				// when that is darker than this block.
				avg = lo / 2
				if by > 0 && bx > 0 {
					nb := (st.black[k-sw] + 2*st.black[k-1] + st.black[k-sw-1]) / 4
					if lo < nb {
						avg = nb
					}
				}
			}
			st.black[k] = avg
		}
	}
	return st
}

// globalThreshold binarizes a plane too small for blocks with Otsu's
// threshold over its histogram.
func globalThreshold(p *plane, mask []byte) {
	var hist [256]int
	for y := 0; y < p.h; y++ {
		for _, v := range p.pix[y*p.stride : y*p.stride+p.w] {
			hist[v]++
		}
	}
	t := otsu(hist[:])
	for y := 0; y < p.h; y++ {
		for x, v := range p.pix[y*p.stride : y*p.stride+p.w] {
			if int(v) <= t {
				mask[y*p.w+x] = 1
			}
		}
	}
}

// otsu returns the threshold that best separates the histogram into two
// classes; a pixel at or below it is dark.
func otsu(hist []int) int {
	total, sum := 0, 0.0
	for i, n := range hist {
		total += n
		sum += float64(i * n)
	}
	best, bestVar := -1, -1.0
	w0, sum0 := 0, 0.0
	for i, n := range hist {
		w0 += n
		sum0 += float64(i * n)
		w1 := total - w0
		if w0 == 0 || w1 == 0 {
			continue
		}
		m0 := sum0 / float64(w0)
		m1 := (sum - sum0) / float64(w1)
		v := float64(w0) * float64(w1) * (m0 - m1) * (m0 - m1)
		if v > bestVar {
			best, bestVar = i, v
		}
	}
	return best
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

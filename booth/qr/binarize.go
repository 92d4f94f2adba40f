package qr

// minRange is the grey spread below which a block is taken as flat paper
// rather than print: it keeps sensor noise on a blank wall from turning into
// speckles that look like finder patterns.
const minRange = 20

// binarize marks dark pixels of p with 1. The threshold of each pixel is the
// mean of the block means in the 5×5 blocks around it (blocks of 1<<pow
// pixels), which follows uneven lighting and glare the way ZXing's hybrid
// binarizer does, but reads the grey plane directly.
func binarize(p *plane, pow int) []byte {
	mask := make([]byte, p.w*p.h)
	bs := 1 << pow
	if p.w < 5*bs || p.h < 5*bs {
		globalThreshold(p, mask)
		return mask
	}
	sw := (p.w + bs - 1) >> pow
	sh := (p.h + bs - 1) >> pow
	black := blockMeans(p, pow, sw, sh)
	for by := 0; by < sh; by++ {
		y0 := min(by<<pow, p.h-bs)
		cy := clamp(by, 2, sh-3)
		for bx := 0; bx < sw; bx++ {
			x0 := min(bx<<pow, p.w-bs)
			cx := clamp(bx, 2, sw-3)
			sum := 0
			for z := -2; z <= 2; z++ {
				row := black[(cy+z)*sw+cx-2 : (cy+z)*sw+cx+3]
				sum += row[0] + row[1] + row[2] + row[3] + row[4]
			}
			t := byte(sum / 25)
			for y := y0; y < y0+bs; y++ {
				src := p.pix[y*p.stride+x0 : y*p.stride+x0+bs]
				dst := mask[y*p.w+x0 : y*p.w+x0+bs]
				for i, v := range src {
					if v <= t {
						dst[i] = 1
					} else {
						dst[i] = 0
					}
				}
			}
		}
	}
	return mask
}

// blockMeans returns the mean grey of every block, or for a flat block a
// value below its minimum, so that flat areas come out white.
func blockMeans(p *plane, pow, sw, sh int) []int {
	bs := 1 << pow
	black := make([]int, sw*sh)
	for by := 0; by < sh; by++ {
		y0 := min(by<<pow, p.h-bs)
		for bx := 0; bx < sw; bx++ {
			x0 := min(bx<<pow, p.w-bs)
			sum, lo, hi := 0, 255, 0
			for y := y0; y < y0+bs; y++ {
				for _, v := range p.pix[y*p.stride+x0 : y*p.stride+x0+bs] {
					sum += int(v)
					lo = min(lo, int(v))
					hi = max(hi, int(v))
				}
			}
			avg := sum >> (2 * pow)
			if hi-lo <= minRange {
				// Flat: most likely background. Inside a code a flat block
				// is a run of equal modules, so borrow the neighbours' level
				// when that is darker than this block.
				avg = lo / 2
				if by > 0 && bx > 0 {
					nb := (black[(by-1)*sw+bx] + 2*black[by*sw+bx-1] + black[(by-1)*sw+bx-1]) / 4
					if lo < nb {
						avg = nb
					}
				}
			}
			black[by*sw+bx] = avg
		}
	}
	return black
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

package qr

import (
	"bytes"
	"math"
	"slices"
)

// finder is a candidate finder pattern: the 7×7-module square in three
// corners of every QR code, seen by any line through its centre as dark,
// light, dark, light, dark runs in the ratio 1:1:3:1:1.
type finder struct {
	x, y   float64 // centre, in pixels of the plane it was found in
	module float64 // module size estimated from the run lengths
	hits   int     // rows on which it was confirmed
}

func (f finder) at() pt { return pt{f.x, f.y} }

// maxFinders bounds the candidates passed on, so that a busy or noisy frame
// cannot make the search for triples explode.
const maxFinders = 16

// minModule is the smallest module, in pixels of the scanned plane, worth
// a candidate: below it sensor noise forms 1:1:3:1:1 runs by the dozen.
// Codes that small on the halved plane are found on the full one.
const minModule = 1.6

// minRun is the shortest row window worth testing: a little under seven
// modules of minModule, as runs of a slanted pattern vary.
const minRun = 10

// finderScan finds finder patterns in a binarized plane.
type finderScan struct {
	mask  []byte
	w, h  int
	found []finder
	runs  []int
}

// findFinders scans every row of mask for 1:1:3:1:1 runs, confirms them
// across the column and the diagonal through the centre, and returns the
// best candidates, most often seen first.
func findFinders(mask []byte, w, h int) []finder {
	s := &finderScan{mask: mask, w: w, h: h, runs: make([]int, 0, 64)}
	for y := 0; y < h; y++ {
		s.scanRow(y)
	}
	return s.best()
}

// scanRow looks for the pattern in row y; runs alternate colour, the first
// one starting at x = 0.
func (s *finderScan) scanRow(y int) {
	row := s.mask[y*s.w : y*s.w+s.w]
	s.runs = s.runs[:0]
	// Run lengths, found with IndexByte: the mask holds only 0 and 1.
	for x := 0; x < s.w; {
		n := bytes.IndexByte(row[x:], 1-row[x])
		if n < 0 {
			n = s.w - x
		}
		s.runs = append(s.runs, n)
		x += n
	}
	firstDark := row[0] == 1
	end := 0 // x just past run k
	var c [5]int
	for k := 0; k < len(s.runs); k++ {
		end += s.runs[k]
		dark := (k%2 == 0) == firstDark
		if !dark || k < 4 {
			continue
		}
		copy(c[:], s.runs[k-4:k+1])
		// Cheap test first: noise makes countless windows of short runs.
		if c[2] < 3 || c[0]+c[1]+c[2]+c[3]+c[4] < minRun || !ratioOK(c, rowTol) {
			continue
		}
		cx := float64(end-c[4]-c[3]) - float64(c[2])/2 - 0.5
		s.handle(c, cx, y)
	}
}

// ratioOK reports whether five run lengths look like 1:1:3:1:1 with each
// one-module run within tol modules of its ideal length.
func ratioOK(c [5]int, tol float64) bool {
	total := 0
	for _, v := range c {
		if v == 0 {
			return false
		}
		total += v
	}
	if total < 7 {
		return false
	}
	m := float64(total) / 7
	d := m * tol
	return math.Abs(m-float64(c[0])) < d && math.Abs(m-float64(c[1])) < d &&
		math.Abs(3*m-float64(c[2])) < 3*d && math.Abs(m-float64(c[3])) < d &&
		math.Abs(m-float64(c[4])) < d
}

// handle confirms a horizontal hit at (cx, y) vertically, horizontally again
// at the corrected centre, and diagonally, then records it.
func (s *finderScan) handle(c [5]int, cx float64, y int) {
	total := c[0] + c[1] + c[2] + c[3] + c[4]
	limit := 4 * c[2]
	cy, vt, ok := s.cross(int(cx+0.5), y, 0, 1, limit, total)
	if !ok {
		return
	}
	cx2, ht, ok := s.cross(int(cx+0.5), int(cy+0.5), 1, 0, limit, total)
	if !ok {
		return
	}
	if _, _, ok := s.cross(int(cx2+0.5), int(cy+0.5), 1, 1, limit, total); !ok {
		if _, _, ok := s.cross(int(cx2+0.5), int(cy+0.5), 1, -1, limit, total); !ok {
			return
		}
	}
	m := float64(vt+ht) / 14
	for i := range s.found {
		f := &s.found[i]
		if math.Abs(f.x-cx2) <= f.module && math.Abs(f.y-cy) <= f.module && math.Abs(m-f.module) <= max(1, f.module/2) {
			n := float64(f.hits)
			f.x = (n*f.x + cx2) / (n + 1)
			f.y = (n*f.y + cy) / (n + 1)
			f.module = (n*f.module + m) / (n + 1)
			f.hits++
			return
		}
	}
	s.found = append(s.found, finder{x: cx2, y: cy, module: m, hits: 1})
}

// cross counts the five runs through (x, y) along the direction (dx, dy),
// and returns the centre coordinate along that direction (x for horizontal,
// y otherwise) and the total run length, if they fit the pattern and the
// length of the first scan.
func (s *finderScan) cross(x, y, dx, dy, limit, want int) (float64, int, bool) {
	if x < 0 || y < 0 || x >= s.w || y >= s.h || s.mask[y*s.w+x] == 0 {
		return 0, 0, false
	}
	var c [5]int
	// Backwards from the centre: runs 2, 1, 0.
	i := 0
	for state := 2; state >= 0; {
		px, py := x-i*dx, y-i*dy
		if px < 0 || py < 0 || px >= s.w || py >= s.h {
			return 0, 0, false
		}
		dark := s.mask[py*s.w+px] == 1
		if dark != (state != 1) {
			state--
			continue
		}
		c[state]++
		if c[state] > limit {
			return 0, 0, false
		}
		i++
	}
	// Forwards: rest of run 2, then 3 and 4.
	i = 1
	for state := 2; state <= 4; {
		px, py := x+i*dx, y+i*dy
		if px < 0 || py < 0 || px >= s.w || py >= s.h {
			if state == 4 && c[4] > 0 {
				break
			}
			return 0, 0, false
		}
		dark := s.mask[py*s.w+px] == 1
		if dark != (state != 3) {
			state++
			continue
		}
		c[state]++
		if c[state] > limit {
			return 0, 0, false
		}
		i++
	}
	total := c[0] + c[1] + c[2] + c[3] + c[4]
	if dx != 0 && dy != 0 {
		// Diagonal runs are √2 longer and matter only as a sanity check.
		if !ratioOK(c, diagTol) {
			return 0, 0, false
		}
		return 0, total, true
	}
	if 5*abs(total-want) >= 2*want || !ratioOK(c, crossTol) {
		return 0, 0, false
	}
	// The end of run 4 is at offset i-1 from the start point.
	end := i - 1
	centre := float64(end-c[4]-c[3]) - float64(c[2]-1)/2
	if dx != 0 {
		return float64(x) + centre, total, true
	}
	return float64(y) + centre, total, true
}

// best keeps the candidates seen on several rows, most seen first.
func (s *finderScan) best() []finder {
	out := s.found[:0]
	for _, f := range s.found {
		if f.hits >= 2 && f.module >= minModule {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b finder) int { return b.hits - a.hits })
	if len(out) > maxFinders {
		out = out[:maxFinders]
	}
	return out
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// Tolerances of the 1:1:3:1:1 test, in modules per run: loose enough for
// blurred, noisy codes of three pixels per module seen at a slant, tight
// enough that clutter rarely passes the three scans together.
const (
	rowTol   = 0.6
	crossTol = 0.7
	diagTol  = 0.75
)

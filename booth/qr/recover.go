package qr

import (
	"image"
	"math"
	"slices"
)

// maxPairs bounds the finder pairs whose missing third finder is looked for.
const maxPairs = 6

// recoverThird looks for the third finder of codes of which the scan saw
// only two. The frame-wide threshold can lose a finder of a faint code next
// to a very dark or very bright object; near the two that were seen, the
// paper and ink levels they show give a threshold that holds.
func (s *search) recoverThird(fs []finder) []finder {
	type cand struct {
		a, b  finder
		score int
	}
	var pairs []cand
	for i := range fs {
		for j := i + 1; j < len(fs); j++ {
			a, b := fs[i], fs[j]
			if max(a.module, b.module) > 1.5*min(a.module, b.module) {
				continue
			}
			n := a.at().dist(b.at()) / ((a.module + b.module) / 2)
			if n < 10 || n > 200*math.Sqrt2 {
				continue
			}
			pairs = append(pairs, cand{a, b, min(a.hits, b.hits)})
		}
	}
	slices.SortStableFunc(pairs, func(x, y cand) int { return y.score - x.score })
	var found []finder
	for k, pr := range pairs {
		if k == maxPairs {
			break
		}
		for _, c := range s.thirdPlaces(pr.a, pr.b) {
			if f, ok := s.finderNear(c, pr.a, pr.b); ok && !nearAny(found, f) && !nearAny(fs, f) {
				found = append(found, f)
			}
		}
	}
	return found
}

// thirdPlaces returns where the third finder may be: if a and b lie along
// the code's axes, beside either of them; if diagonally, in one of the
// corners between them.
func (s *search) thirdPlaces(a, b finder) []pt {
	pa, pb := a.at(), b.at()
	ux, ok := finderAxis(s.full, pa, a.module)
	if !ok {
		return nil
	}
	d := pb.sub(pa)
	along := math.Abs(d.unit().dot(ux))
	// Along an axis within 20°, or diagonal within 15°.
	switch {
	case along > 0.94 || along < 0.34:
		n := d.perp()
		return []pt{pa.add(n), pa.sub(n), pb.add(n), pb.sub(n)}
	case along > 0.5 && along < 0.87:
		m, n := mid(pa, pb), d.perp().scale(0.5)
		return []pt{m.add(n), m.sub(n)}
	}
	return nil
}

// finderAxis returns the direction of one side of the finder at c: the
// outline of a square is farthest from the centre at its corners, so the
// fourth harmonic of the edge distance over the angle points at them.
func finderAxis(p *plane, c pt, m float64) (pt, bool) {
	level, contrast := localLevel(p, c, m, pt{1, 0}, pt{0, 1})
	if contrast < 12 {
		return pt{}, false
	}
	var sx, sy float64
	n := 0
	for k := 0; k < rays; k++ {
		a := 2 * math.Pi * float64(k) / rays
		dir := pt{math.Cos(a), math.Sin(a)}
		e, ok := outerEdge(p, c, dir, m, level, contrast)
		if !ok {
			continue
		}
		r := e.dist(c)
		sx += r * math.Cos(4*a)
		sy += r * math.Sin(4*a)
		n++
	}
	if n < rays/2 {
		return pt{}, false
	}
	corner := math.Atan2(sy, sx) / 4
	side := corner + math.Pi/4
	return pt{math.Cos(side), math.Sin(side)}, true
}

// finderNear scans the neighbourhood of c, thresholded halfway between the
// ink and paper of the known finders a and b, for a finder like them.
func (s *search) finderNear(c pt, a, b finder) (finder, bool) {
	m := (a.module + b.module) / 2
	// Perspective can move the corner by a fair share of the code's side.
	r := 6*m + 0.2*a.at().dist(b.at())
	box := image.Rect(int(c.x-r), int(c.y-r), int(c.x+r)+1, int(c.y+r)+1).Intersect(image.Rect(0, 0, s.full.w, s.full.h))
	if box.Dx() < int(8*m) || box.Dy() < int(8*m) {
		return finder{}, false
	}
	la, _ := localLevel(s.full, a.at(), a.module, pt{1, 0}, pt{0, 1})
	lb, _ := localLevel(s.full, b.at(), b.module, pt{1, 0}, pt{0, 1})
	t := byte((la + lb) / 2)
	w, h := box.Dx(), box.Dy()
	mask := make([]byte, w*h)
	for y := 0; y < h; y++ {
		row := s.full.pix[(box.Min.Y+y)*s.full.stride+box.Min.X:]
		for x := 0; x < w; x++ {
			if row[x] <= t {
				mask[y*w+x] = 1
			}
		}
	}
	best, bestD := finder{}, math.Inf(1)
	for _, f := range findFinders(mask, w, h) {
		f.x += float64(box.Min.X)
		f.y += float64(box.Min.Y)
		if f.module > 1.5*m || f.module < m/1.5 {
			continue
		}
		if d := c.dist(f.at()); d < bestD {
			best, bestD = f, d
		}
	}
	return best, bestD <= r
}

// nearAny reports whether f is close to one of fs.
func nearAny(fs []finder, f finder) bool {
	for _, g := range fs {
		if g.at().dist(f.at()) < 2*g.module {
			return true
		}
	}
	return false
}

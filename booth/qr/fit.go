package qr

import "math"

// finderFit is a finder pattern measured on the full-resolution plane: the
// four outer corners of its 7×7 square, in the order of the module corners
// (0,0), (7,0), (7,7), (0,7) of an upright code.
type finderFit struct {
	centre   pt
	corners  [4]pt
	ok       bool    // corners were fitted
	level    float64 // grey threshold between its dark and light modules
	contrast float64
	mx, my   float64 // module size along the code's x and y axes
}

// rays is the number of directions cast from a finder's centre to find the
// outline of its outer dark square.
const rays = 48

// fitFinder measures the finder near c (module size m) whose rows run along
// ux and columns along uy (unit vectors). The outline's four sides are
// fitted as straight lines, so the corners carry the local perspective,
// which three centres alone cannot give.
func fitFinder(p *plane, c pt, m float64, ux, uy pt) finderFit {
	f := finderFit{centre: c, mx: m, my: m}
	f.level, f.contrast = localLevel(p, c, m, ux, uy)
	if f.contrast < 12 || p.bilinear(c.x, c.y) > f.level {
		return f
	}
	ln, ok := sideLines(outline(p, c, m, ux, uy, f.level, f.contrast), c, m)
	if !ok {
		return f
	}
	for i, pr := range [4][2]int{{0, 2}, {1, 2}, {1, 3}, {0, 3}} {
		q, ok := intersect(ln[pr[0]], ln[pr[1]])
		if !ok || q.dist(c) > 8*m {
			return f
		}
		f.corners[i] = q
	}
	k := f.corners
	mx := (k[0].dist(k[1]) + k[3].dist(k[2])) / 14
	my := (k[0].dist(k[3]) + k[1].dist(k[2])) / 14
	if mx < 0.5*m || mx > 2*m || my < 0.5*m || my > 2*m {
		return f
	}
	// The centre of a square seen in perspective is where its diagonals
	// cross, not the middle of the runs through it.
	centre, ok := intersect(through(k[0], k[2]), through(k[1], k[3]))
	if !ok || centre.dist(c) > 2*m {
		return f
	}
	f.centre, f.mx, f.my, f.ok = centre, mx, my, true
	return f
}

// outline casts rays from the centre c of a finder and returns the points
// where they leave its outer dark square, sorted by the side they hit:
// left, right, top, bottom of the code's axes ux, uy. Rays near a corner
// are dropped, as they could belong to either side.
func outline(p *plane, c pt, m float64, ux, uy pt, level, contrast float64) [4][]pt {
	var side [4][]pt
	inv := invert2(ux, uy)
	for k := 0; k < rays; k++ {
		a := 2 * math.Pi * (float64(k) + 0.5) / rays
		e, ok := outerEdge(p, c, pt{math.Cos(a), math.Sin(a)}, m, level, contrast)
		if !ok {
			continue
		}
		u, v := inv(e.sub(c))
		switch {
		case math.Abs(u) > 1.25*math.Abs(v) && u < 0:
			side[0] = append(side[0], e)
		case math.Abs(u) > 1.25*math.Abs(v):
			side[1] = append(side[1], e)
		case math.Abs(v) > 1.25*math.Abs(u) && v < 0:
			side[2] = append(side[2], e)
		case math.Abs(v) > 1.25*math.Abs(u):
			side[3] = append(side[3], e)
		}
	}
	return side
}

// sideLines fits a line to each side of the outline. One side lost to
// glare or a smudge is rebuilt by mirroring the opposite one through the
// centre c; more than one is a failure.
func sideLines(side [4][]pt, c pt, m float64) ([4]line, bool) {
	var ln [4]line
	var have [4]bool
	missing := 0
	for i := range side {
		ln[i], have[i] = robustLine(side[i], max(0.5*m, 1))
		if !have[i] {
			missing++
		}
	}
	if missing > 1 {
		return ln, false
	}
	for i := range side {
		if !have[i] {
			o := ln[i^1] // sides come in opposite pairs: 0-1, 2-3
			ln[i] = line{n: o.n, d: 2*o.n.dot(c) - o.d}
		}
	}
	return ln, true
}

// through returns the line through a and b.
func through(a, b pt) line {
	l := line{n: b.sub(a).perp().unit()}
	l.d = l.n.dot(a)
	return l
}

// invert2 returns the function giving the coordinates of r in the basis
// (a, b).
func invert2(a, b pt) func(r pt) (float64, float64) {
	det := a.cross(b)
	return func(r pt) (float64, float64) {
		if det == 0 {
			return 0, 0
		}
		return r.cross(b) / det, a.cross(r) / det
	}
}

// localLevel returns the threshold halfway between the dark and light
// quarters of the grey values over the finder and its separator, and the
// difference between them.
func localLevel(p *plane, c pt, m float64, ux, uy pt) (float64, float64) {
	var hist [256]int
	n := 0
	for j := -9; j <= 9; j++ {
		for i := -9; i <= 9; i++ {
			q := c.add(ux.scale(float64(i) * m / 2)).add(uy.scale(float64(j) * m / 2))
			hist[int(p.bilinear(q.x, q.y)+0.5)]++
			n++
		}
	}
	q := n / 4
	dark, light := quarterMean(hist[:], q, false), quarterMean(hist[:], q, true)
	return (dark + light) / 2, light - dark
}

// quarterMean averages the q darkest (or lightest) entries of a histogram.
func quarterMean(hist []int, q int, fromTop bool) float64 {
	sum, got := 0, 0
	for k := 0; k < 256 && got < q; k++ {
		i := k
		if fromTop {
			i = 255 - k
		}
		take := min(hist[i], q-got)
		sum += take * i
		got += take
	}
	return float64(sum) / float64(max(got, 1))
}

// outerEdge walks from the dark centre of a finder along dir and returns
// the point where its outer dark ring ends: the third change of colour. The
// crossing is interpolated between samples for sub-pixel precision, and a
// small hysteresis keeps noise from counting as a change.
func outerEdge(p *plane, c, dir pt, m, level, contrast float64) (pt, bool) {
	const step = 0.5
	hyst := 0.12 * contrast
	maxR := 6.5 * m
	dark := true
	crossings := 0
	var r1 float64
	prevR, prevV := 0.0, p.bilinear(c.x, c.y)
	lastSide := prevV <= level // which side of level the previous sample was on
	lastCross := 0.0           // interpolated position of the latest crossing of level
	for r := step; r <= maxR; r += step {
		q := c.add(dir.scale(r))
		if q.x < 0 || q.y < 0 || q.x > float64(p.w-1) || q.y > float64(p.h-1) {
			return pt{}, false
		}
		v := p.bilinear(q.x, q.y)
		if side := v <= level; side != lastSide {
			lastCross = prevR + step*(prevV-level)/(prevV-v)
			lastSide = side
		}
		prevR, prevV = r, v
		if dark && v > level+hyst || !dark && v < level-hyst {
			dark = !dark
			crossings++
			switch crossings {
			case 1:
				r1 = lastCross
				if r1 < 0.6*m || r1 > 3.2*m {
					return pt{}, false
				}
			case 3:
				if lastCross < 2.3*m || lastCross/r1 < 1.5 || lastCross/r1 > 4 {
					return pt{}, false
				}
				return c.add(dir.scale(lastCross)), true
			}
		}
	}
	return pt{}, false
}

// robustLine fits a line to the points that most pairs of them agree on
// (within tol), so that rays caught by a neighbouring module or by noise do
// not tilt the side.
func robustLine(ps []pt, tol float64) (line, bool) {
	if len(ps) < 3 {
		return line{}, false
	}
	best, bestN := line{}, 0
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if ps[i] == ps[j] {
				continue
			}
			l := through(ps[i], ps[j])
			n := 0
			for _, q := range ps {
				if math.Abs(l.n.dot(q)-l.d) <= tol {
					n++
				}
			}
			if n > bestN {
				best, bestN = l, n
			}
		}
	}
	if bestN < 3 {
		return line{}, false
	}
	kept := make([]pt, 0, bestN)
	for _, q := range ps {
		if math.Abs(best.n.dot(q)-best.d) <= tol {
			kept = append(kept, q)
		}
	}
	return fitLine(kept)
}

package qr

import "math"

// pt is a point in module or pixel coordinates.
type pt struct{ x, y float64 }

func (a pt) sub(b pt) pt               { return pt{a.x - b.x, a.y - b.y} }
func (a pt) add(b pt) pt               { return pt{a.x + b.x, a.y + b.y} }
func (a pt) scale(k float64) pt        { return pt{a.x * k, a.y * k} }
func (a pt) dot(b pt) float64          { return a.x*b.x + a.y*b.y }
func (a pt) cross(b pt) float64        { return a.x*b.y - a.y*b.x }
func (a pt) norm() float64             { return math.Hypot(a.x, a.y) }
func (a pt) dist(b pt) float64         { return a.sub(b).norm() }
func lerp(a, b pt, t float64) pt       { return a.add(b.sub(a).scale(t)) }
func (a pt) finite() bool              { return !math.IsNaN(a.x+a.y) && !math.IsInf(a.x+a.y, 0) }
func mid(a, b pt) pt                   { return lerp(a, b, 0.5) }
func (a pt) unit() pt                  { return a.scale(1 / a.norm()) }
func (a pt) perp() pt                  { return pt{-a.y, a.x} }
func (a pt) near(b pt, d float64) bool { return a.dist(b) <= d }

// pair ties a point of the code, in modules, to where it was seen, in pixels.
type pair struct{ m, p pt }

// homography maps module coordinates to pixel coordinates:
// x = (h0 u + h1 v + h2) / (h6 u + h7 v + 1), y likewise with h3..h5.
type homography [9]float64

// apply maps a module coordinate to a pixel coordinate.
func (h *homography) apply(u, v float64) pt {
	w := h[6]*u + h[7]*v + h[8]
	return pt{(h[0]*u + h[1]*v + h[2]) / w, (h[3]*u + h[4]*v + h[5]) / w}
}

// jacobian returns how far one module along u and along v moves in pixels
// at (u, v).
func (h *homography) jacobian(u, v float64) (pt, pt) {
	p := h.apply(u, v)
	return h.apply(u+1, v).sub(p), h.apply(u, v+1).sub(p)
}

// fitHomography solves for the homography that best maps the pairs in the
// least-squares sense (direct linear transform with Hartley normalisation).
// It needs at least four pairs not all on one line.
func fitHomography(pairs []pair) (homography, bool) {
	if len(pairs) < 4 {
		return homography{}, false
	}
	tm, sm := normaliser(pairs, func(p pair) pt { return p.m })
	tp, sp := normaliser(pairs, func(p pair) pt { return p.p })
	var a [8][9]float64 // normal equations, augmented
	for _, pr := range pairs {
		u, v := (pr.m.x-tm.x)*sm, (pr.m.y-tm.y)*sm
		x, y := (pr.p.x-tp.x)*sp, (pr.p.y-tp.y)*sp
		rows := [2][9]float64{
			{u, v, 1, 0, 0, 0, -u * x, -v * x, x},
			{0, 0, 0, u, v, 1, -u * y, -v * y, y},
		}
		for _, r := range rows {
			for i := 0; i < 8; i++ {
				for j := 0; j < 9; j++ {
					a[i][j] += r[i] * r[j]
				}
			}
		}
	}
	sol, ok := solve8(&a)
	if !ok {
		return homography{}, false
	}
	// Undo the normalisation: H = Tp⁻¹ · Hn · Tm.
	hn := [9]float64{sol[0], sol[1], sol[2], sol[3], sol[4], sol[5], sol[6], sol[7], 1}
	tmMat := [9]float64{sm, 0, -sm * tm.x, 0, sm, -sm * tm.y, 0, 0, 1}
	tpInv := [9]float64{1 / sp, 0, tp.x, 0, 1 / sp, tp.y, 0, 0, 1}
	h := homography(mul3(tpInv, mul3(hn, tmMat)))
	if h[8] == 0 || math.IsNaN(h[8]) {
		return homography{}, false
	}
	for i := range h {
		h[i] /= h[8]
	}
	return h, true
}

// normaliser returns the centroid of the points and the scale that brings
// their mean distance from it to √2.
func normaliser(pairs []pair, get func(pair) pt) (pt, float64) {
	var c pt
	for _, p := range pairs {
		c = c.add(get(p))
	}
	c = c.scale(1 / float64(len(pairs)))
	d := 0.0
	for _, p := range pairs {
		d += get(p).dist(c)
	}
	d /= float64(len(pairs))
	if d == 0 {
		return c, 1
	}
	return c, math.Sqrt2 / d
}

func mul3(a, b [9]float64) [9]float64 {
	var c [9]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			c[3*i+j] = a[3*i]*b[j] + a[3*i+1]*b[3+j] + a[3*i+2]*b[6+j]
		}
	}
	return c
}

// solve8 solves an 8×8 system given as an augmented matrix by Gaussian
// elimination with partial pivoting.
func solve8(a *[8][9]float64) ([8]float64, bool) {
	var x [8]float64
	for col := 0; col < 8; col++ {
		piv := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		if math.Abs(a[piv][col]) < 1e-12 {
			return x, false
		}
		a[col], a[piv] = a[piv], a[col]
		for r := col + 1; r < 8; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < 9; c++ {
				a[r][c] -= f * a[col][c]
			}
		}
	}
	for r := 7; r >= 0; r-- {
		s := a[r][8]
		for c := r + 1; c < 8; c++ {
			s -= a[r][c] * x[c]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}

// line is a fitted straight line: the points p with n·p = d, |n| = 1.
type line struct {
	n pt
	d float64
}

// fitLine fits a line to points by total least squares.
func fitLine(ps []pt) (line, bool) {
	if len(ps) < 2 {
		return line{}, false
	}
	var c pt
	for _, p := range ps {
		c = c.add(p)
	}
	c = c.scale(1 / float64(len(ps)))
	var sxx, sxy, syy float64
	for _, p := range ps {
		q := p.sub(c)
		sxx += q.x * q.x
		sxy += q.x * q.y
		syy += q.y * q.y
	}
	// The normal is the eigenvector of the smaller eigenvalue.
	theta := 0.5 * math.Atan2(2*sxy, sxx-syy) // direction of the line
	n := pt{-math.Sin(theta), math.Cos(theta)}
	return line{n: n, d: n.dot(c)}, true
}

// intersect returns where two lines cross.
func intersect(a, b line) (pt, bool) {
	det := a.n.x*b.n.y - a.n.y*b.n.x
	if math.Abs(det) < 1e-9 {
		return pt{}, false
	}
	return pt{(a.d*b.n.y - a.n.y*b.d) / det, (a.n.x*b.d - a.d*b.n.x) / det}, true
}

package qr

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// triple is three finder patterns that may belong to one code, named by the
// corner each would take in an upright code.
type triple struct {
	tl, tr, bl finder
	score      float64 // lower is more code-like
}

// maxTriples bounds the finder combinations tried per pass.
const maxTriples = 8

// triples pairs candidates into plausible codes, most code-like first: the
// three centres must form a roughly right, roughly isosceles triangle (a
// tilted badge skews it) and agree on the module size.
func triples(fs []finder) []triple {
	var out []triple
	for i := 0; i < len(fs); i++ {
		for j := i + 1; j < len(fs); j++ {
			for k := j + 1; k < len(fs); k++ {
				if t, ok := makeTriple(fs[i], fs[j], fs[k]); ok {
					out = append(out, t)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b triple) int {
		switch {
		case a.score < b.score:
			return -1
		case a.score > b.score:
			return 1
		}
		return 0
	})
	if len(out) > maxTriples {
		out = out[:maxTriples]
	}
	return out
}

func makeTriple(a, b, c finder) (triple, bool) {
	lo := min(a.module, b.module, c.module)
	hi := max(a.module, b.module, c.module)
	if hi > 1.8*lo {
		return triple{}, false
	}
	pa, pb, pc := a.at(), b.at(), c.at()
	dab, dbc, dac := pa.dist(pb), pb.dist(pc), pa.dist(pc)
	// The top-left finder faces the longest side.
	tl, p, q := a, b, c
	switch {
	case dac >= dab && dac >= dbc:
		tl, p, q = b, a, c
	case dab >= dbc && dab >= dac:
		tl, p, q = c, a, b
	}
	o := tl.at()
	vp, vq := p.at().sub(o), q.at().sub(o)
	lp, lq := vp.norm(), vq.norm()
	if lp == 0 || lq == 0 {
		return triple{}, false
	}
	ratio := lp / lq
	cos := vp.dot(vq) / (lp * lq)
	modules := (lp + lq) / (a.module + b.module + c.module) * 1.5
	if ratio < 0.6 || ratio > 1/0.6 || math.Abs(cos) > 0.5 || modules < 10 || modules > 200 {
		return triple{}, false
	}
	t := triple{tl: tl, tr: p, bl: q}
	if vp.cross(vq) < 0 {
		t.tr, t.bl = q, p
	}
	t.score = math.Abs(cos) + math.Abs(math.Log(ratio)) + 0.5*math.Log(hi/lo)
	return t, true
}

// locate measures the triple's finders on the full plane and tries the
// likely code dimensions; it reports whether a code was decoded.
func (s *search) locate(t triple) bool {
	tl, tr, bl := t.tl.at(), t.tr.at(), t.bl.at()
	ux, uy := tr.sub(tl).unit(), bl.sub(tl).unit()
	fits := [3]finderFit{
		fitFinder(s.full, tl, t.tl.module, ux, uy),
		fitFinder(s.full, tr, t.tr.module, ux, uy),
		fitFinder(s.full, bl, t.bl.module, ux, uy),
	}
	for i, d := range s.dimensions(fits) {
		if s.tries <= 0 {
			return false
		}
		if s.tryDimension(fits, d, i == 0) {
			return true
		}
	}
	return false
}

// dimensions returns the code sizes in modules worth trying, best first:
// the one the version information names, then the estimate from the
// distances between the finders and its neighbours.
func (s *search) dimensions(f [3]finderFit) []int {
	// Under perspective the module size changes linearly in 1/depth along
	// a side, and the number of modules between two points is their
	// distance over the geometric mean of the module sizes at the ends.
	top := f[0].centre.dist(f[1].centre) / math.Sqrt(f[0].mx*f[1].mx)
	left := f[0].centre.dist(f[2].centre) / math.Sqrt(f[0].my*f[2].my)
	if top > 1.35*left || left > 1.35*top {
		return nil
	}
	est := (top+left)/2 + 7
	var out []int
	add := func(v int) {
		if v >= 1 && v <= 40 && !slices.Contains(out, 4*v+17) {
			out = append(out, 4*v+17)
		}
	}
	if est > 40 {
		for _, v := range []int{versionAt(s.full, f[1], true), versionAt(s.full, f[2], false)} {
			if v > 0 && math.Abs(float64(4*v+17)-est) <= 12 {
				add(v)
				break
			}
		}
	}
	v := int(math.Round((est - 17) / 4))
	add(v)
	if est-float64(4*v+17) > 0 {
		add(v + 1)
		add(v - 1)
	} else {
		add(v - 1)
		add(v + 1)
	}
	return out
}

// versionAt reads the 18-bit version block beside the top-right finder (or
// the bottom-left one) using that finder's own corners, so a wrong guess of
// the overall size does not shift the samples. It returns 0 when unread.
func versionAt(p *plane, f finderFit, topRight bool) int {
	if !f.ok {
		return 0
	}
	h, ok := fitHomography(finderCorners(f, pt{}))
	if !ok {
		return 0
	}
	bits := 0
	bit := func(u, v float64) {
		q := h.apply(u+0.5, v+0.5)
		bits <<= 1
		if p.bilinear(q.x, q.y) <= f.level {
			bits |= 1
		}
	}
	// The same bit order as the reader in gozxing's BitMatrixParser; for a
	// mirrored code the other block lands here in the same order.
	for a := 5; a >= 0; a-- {
		for b := -2; b >= -4; b-- {
			if topRight {
				bit(float64(b), float64(a))
			} else {
				bit(float64(a), float64(b))
			}
		}
	}
	v, err := decoder.Version_decodeVersionInformation(bits)
	if err != nil || v == nil {
		return 0
	}
	return v.GetVersionNumber()
}

// finderCorners pairs a fitted finder's corners and centre with module
// coordinates, its top-left corner at off.
func finderCorners(f finderFit, off pt) []pair {
	local := [4]pt{{0, 0}, {7, 0}, {7, 7}, {0, 7}}
	out := make([]pair, 0, 5)
	for i, c := range f.corners {
		out = append(out, pair{local[i].add(off), c})
	}
	return append(out, pair{pt{3.5, 3.5}.add(off), f.centre})
}

// tryDimension maps the code as d×d modules, refines the map on the
// alignment patterns and decodes. Unless likely is set, a size whose
// timing patterns do not show at once is given up early.
func (s *search) tryDimension(f [3]finderFit, d int, likely bool) bool {
	offs := [3]pt{{0, 0}, {float64(d - 7), 0}, {0, float64(d - 7)}}
	var pairs []pair
	contrast := 0.0
	for i, fi := range f {
		contrast += fi.contrast / 3
		if fi.ok {
			pairs = append(pairs, finderCorners(fi, offs[i])...)
		} else {
			pairs = append(pairs, pair{pt{3.5, 3.5}.add(offs[i]), fi.centre})
		}
	}
	if len(pairs) < 4 {
		// Only the centres: assume a parallelogram, as ZXing does; the
		// alignment search below corrects moderate perspective.
		far := f[1].centre.add(f[2].centre).sub(f[0].centre)
		pairs = append(pairs, pair{pt{float64(d) - 3.5, float64(d) - 3.5}, far})
	}
	h, ok := fitHomography(pairs)
	if !ok {
		return false
	}
	ver, err := decoder.Version_GetVersionForNumber((d - 17) / 4)
	if err != nil {
		return false
	}
	allFitted := f[0].ok && f[1].ok && f[2].ok
	if !timingSeen(s.full, &h, d) {
		// A wrong size, or a map too rough to follow the timing pattern:
		// with all corners fitted it is most likely the size.
		if allFitted && !likely {
			return false
		}
		ha, ok := s.align(s.full, h, ver, pairs, contrast)
		return ok && timingSeen(s.full, &ha, d) && s.decodeGrid(ha, d)
	}
	if ha, ok := s.align(s.full, h, ver, pairs, contrast); ok && s.decodeGrid(ha, d) {
		return true
	}
	return s.decodeGrid(h, d)
}

// maxAlign bounds the alignment patterns looked for in one code.
const maxAlign = 6

// align finds the alignment patterns of version ver where h predicts them,
// nearest to the finders first, refitting h after each one so that the
// prediction for the next improves; it reports whether any was found.
func (s *search) align(p *plane, h homography, ver *decoder.Version, pairs []pair, contrast float64) (homography, bool) {
	cs := ver.GetAlignmentPatternCenters()
	if len(cs) == 0 {
		return h, false
	}
	last := cs[len(cs)-1]
	var want []pt
	for _, y := range cs {
		for _, x := range cs {
			if x == cs[0] && (y == cs[0] || y == last) || y == cs[0] && x == last {
				continue // under a finder pattern
			}
			want = append(want, pt{float64(x) + 0.5, float64(y) + 0.5})
		}
	}
	finders := []pt{{3.5, 3.5}, {float64(last) + 3.5, 3.5}, {3.5, float64(last) + 3.5}}
	nearest := func(m pt) float64 {
		return min(m.dist(finders[0]), m.dist(finders[1]), m.dist(finders[2]))
	}
	slices.SortStableFunc(want, func(a, b pt) int {
		da, db := nearest(a), nearest(b)
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return 0
	})
	ps := slices.Clone(pairs)
	found := 0
	for i, m := range want {
		if i == maxAlign || i == 2 && found == 0 {
			// Enough to pin the perspective down; or none where the
			// nearest should be, so the map or the version is wrong.
			break
		}
		q, ok := findAlignment(p, &h, m, contrast)
		if !ok {
			continue
		}
		ps = append(ps, pair{m, q})
		if nh, ok := fitHomography(ps); ok {
			h = nh
			found++
		}
	}
	return h, found > 0
}

// findAlignment searches ±2 modules around where h puts the alignment
// pattern centred on module coordinate m for the best match of its 5×5
// template: a light ring between a dark centre and a dark ring.
func findAlignment(p *plane, h *homography, m pt, contrast float64) (pt, bool) {
	ju, jv := h.jacobian(m.x, m.y)
	base := h.apply(m.x, m.y)
	if !base.finite() || ju.norm() < 0.8 || jv.norm() < 0.8 {
		return pt{}, false
	}
	score := func(du, dv float64) float64 {
		var dark, light float64
		for j := -2; j <= 2; j++ {
			for i := -2; i <= 2; i++ {
				q := base.add(ju.scale(du + float64(i))).add(jv.scale(dv + float64(j)))
				v := p.bilinear(q.x, q.y)
				if max(abs(i), abs(j)) == 1 {
					light += v
				} else {
					dark += v
				}
			}
		}
		return light/8 - dark/17
	}
	best, bu, bv := math.Inf(-1), 0.0, 0.0
	for dv := -2.0; dv <= 2; dv += 0.5 {
		for du := -2.0; du <= 2; du += 0.5 {
			if sc := score(du, dv); sc > best {
				best, bu, bv = sc, du, dv
			}
		}
	}
	cu, cv := bu, bv
	for dv := cv - 0.375; dv <= cv+0.375; dv += 0.125 {
		for du := cu - 0.375; du <= cu+0.375; du += 0.125 {
			if sc := score(du, dv); sc > best {
				best, bu, bv = sc, du, dv
			}
		}
	}
	if best < 0.4*contrast {
		return pt{}, false
	}
	return base.add(ju.scale(bu)).add(jv.scale(bv)), true
}

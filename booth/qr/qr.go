// Package qr reads the QR codes on visitors' badges from camera frames and
// image files.
//
// gozxing's own detector assumes a code seen square-on: it predicts the
// fourth corner from the other three as a parallelogram, so it misses badges
// held at a slight tilt, and it loses most codes under three pixels per
// module. This package finds the finder patterns itself, fits the outline of
// each on the grey image so that their corners carry the perspective, solves
// the perspective map from them and refines it on the alignment patterns, and
// samples the module grid from grey values. The cheap pass runs on a halved
// frame; only while nothing is read do the full frame, a search for the
// third finder beside two that were seen, and a second threshold follow,
// within a fixed budget of grids per frame.
//
// The bits go through gozxing's format, version and bit-stream parsers, with
// a Reed–Solomon decoder of its own that also takes the modules a glare spot
// has washed out as erasures. Only QR codes are looked for, so camera noise
// can never read as a 1D barcode, and a read that needs nearly all of a small
// code's error correction is refused.
//
// Decode and DecodeGray keep no state between calls and may be called from
// several goroutines at once.
package qr

import (
	"image"
	"slices"
)

// Decode returns the texts of the QR codes found in img (usually one), in a
// stable order: top to bottom, then left to right, a text repeated in the
// frame listed once. It returns nil when none is found.
func Decode(img image.Image) []string {
	if img == nil || img.Bounds().Empty() {
		return nil
	}
	if g, ok := img.(*image.Gray); ok {
		return DecodeGray(g)
	}
	return decodePlane(grayOf(img))
}

// DecodeGray is Decode for a grey plane, the form camera frames arrive in
// (no RGBA conversion).
func DecodeGray(g *image.Gray) []string {
	if g == nil || g.Bounds().Empty() {
		return nil
	}
	return decodePlane(planeOf(g))
}

// maxTries bounds the module grids sampled and decoded per frame, so that
// a frame full of finder-like clutter costs a bounded time.
const maxTries = 16

// coarsePixels is the size above which the first pass looks for finder
// patterns on a halved plane: badges fill enough of a desk camera's view to
// be found there at a quarter of the cost.
const coarsePixels = 400_000

// search holds the state of decoding one frame.
type search struct {
	full  *plane
	tries int
	codes []code
	done  [][3]pt // finder centres of the triples tried

	fullStats *stats // block statistics of full, once measured
}

// code is one decoded QR code and where it lies in the frame.
type code struct {
	text   string
	centre pt
	quad   [4]pt
}

// level is a plane the finder scan runs on, with the map from its pixel
// coordinates to the full plane's.
type level struct {
	p     *plane
	scale float64
	off   pt
}

func (l level) halved() level {
	return level{p: half(l.p), scale: 2 * l.scale, off: l.off.add(pt{l.scale / 2, l.scale / 2})}
}

func decodePlane(p *plane) []string {
	s := &search{full: p, tries: maxTries}
	s.run()
	return s.texts()
}

// run does the cheap pass first and the costlier ones only while nothing
// has been read.
func (s *search) run() {
	full := level{p: s.full, scale: 1}
	lv := full
	for lv.p.w*lv.p.h > coarsePixels && lv.p.w >= 160 && lv.p.h >= 160 {
		lv = lv.halved()
	}
	fs := s.finders(lv, byMean)
	s.tryAll(triples(fs))
	if len(s.codes) > 0 {
		return
	}
	if lv.p != s.full {
		more := s.finders(full, byMean)
		s.tryAll(triples(more))
		if len(s.codes) > 0 {
			return
		}
		// Each level may have seen a different two of a code's finders.
		for _, f := range fs {
			if !nearAny(more, f) {
				more = append(more, f)
			}
		}
		fs = more
		s.tryAll(triples(fs))
		if len(s.codes) > 0 {
			return
		}
	}
	if extra := s.recoverThird(fs); len(extra) > 0 {
		s.tryAll(triples(append(fs, extra...)))
		if len(s.codes) > 0 {
			return
		}
	}
	// Last, a threshold that a bright or dark neighbour of the code pulls
	// less far off.
	more := s.finders(full, byMidrange)
	for _, f := range fs {
		if !nearAny(more, f) {
			more = append(more, f)
		}
	}
	s.tryAll(triples(more))
}

// finders binarizes one level and returns its finder candidates in
// full-plane coordinates.
func (s *search) finders(l level, method int) []finder {
	var st *stats
	if l.p == s.full {
		// The full plane may be binarized twice; measure its blocks once.
		if s.fullStats == nil {
			s.fullStats = blockStats(l.p)
		}
		st = s.fullStats
	} else {
		st = blockStats(l.p)
	}
	mask := binarize(l.p, st, method)
	fs := findFinders(mask, l.p.w, l.p.h)
	for i := range fs {
		f := &fs[i]
		f.x = f.x*l.scale + l.off.x
		f.y = f.y*l.scale + l.off.y
		f.module *= l.scale
	}
	return fs
}

// tryAll locates and decodes the triples in turn, within the frame's budget.
func (s *search) tryAll(ts []triple) {
	for _, t := range ts {
		if s.tries <= 0 {
			return
		}
		if s.covered(t) || s.tried(t) {
			continue
		}
		s.locate(t)
	}
}

// tried reports whether t, or a triple of the same finders seen on another
// level, has been tried already, and notes it otherwise.
func (s *search) tried(t triple) bool {
	k := [3]pt{t.tl.at(), t.tr.at(), t.bl.at()}
	for _, o := range s.done {
		if o[0].near(k[0], t.tl.module) && o[1].near(k[1], t.tr.module) && o[2].near(k[2], t.bl.module) {
			return true
		}
	}
	s.done = append(s.done, k)
	return false
}

// covered reports whether a finder of t lies inside a code already read:
// finder-like patterns in its data must not start another search.
func (s *search) covered(t triple) bool {
	for _, c := range s.codes {
		for _, f := range []finder{t.tl, t.tr, t.bl} {
			if inside(c.quad, f.at()) {
				return true
			}
		}
	}
	return false
}

// inside reports whether q lies within the convex quadrilateral.
func inside(quad [4]pt, q pt) bool {
	pos, neg := false, false
	for i := range quad {
		c := quad[(i+1)%4].sub(quad[i]).cross(q.sub(quad[i]))
		pos = pos || c > 0
		neg = neg || c < 0
	}
	return !(pos && neg)
}

// texts returns the decoded texts top to bottom, then left to right.
func (s *search) texts() []string {
	if len(s.codes) == 0 {
		return nil
	}
	slices.SortStableFunc(s.codes, func(a, b code) int {
		switch {
		case a.centre.y < b.centre.y:
			return -1
		case a.centre.y > b.centre.y:
			return 1
		case a.centre.x < b.centre.x:
			return -1
		case a.centre.x > b.centre.x:
			return 1
		}
		return 0
	})
	var out []string
	for _, c := range s.codes {
		if !slices.Contains(out, c.text) {
			out = append(out, c.text)
		}
	}
	return out
}

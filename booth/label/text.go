package label

import (
	"image"
	"math"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"

	"medibooth/booth"
)

// fontKey names a font file by its bytes without copying or hashing them:
// the caller hands the same embedded slice for every badge.
type fontKey struct {
	p *byte
	n int
}

var (
	fontMu    sync.Mutex
	fontCache = map[fontKey]*sfnt.Font{}
)

// parseFont parses a TrueType/OpenType file once and keeps it, so a sheet of
// badges does not parse two 2.7 MB fonts per badge.
func parseFont(b []byte) (*sfnt.Font, error) {
	if len(b) == 0 {
		return nil, booth.Errorf(booth.EINTERNAL, "The badge font is missing.")
	}
	k := fontKey{&b[0], len(b)}
	fontMu.Lock()
	defer fontMu.Unlock()
	if f, ok := fontCache[k]; ok {
		return f, nil
	}
	f, err := opentype.Parse(b)
	if err != nil {
		return nil, booth.Errorf(booth.EINTERNAL, "The badge font cannot be read: %v.", err)
	}
	if len(fontCache) >= 8 { // callers passing fresh slices must not grow it forever
		clear(fontCache)
	}
	fontCache[k] = f
	return f, nil
}

// glyph is one rune set in one of a typesetter's two fonts. Widths are in em
// (multiples of the font size), so a text is measured once and fitted at any
// size by multiplication.
type glyph struct {
	r    rune
	font int     // 0 the setter's own font, 1 its fallback
	adv  float64 // advance
	kern float64 // kerning towards the next glyph
}

// width is the width of a line in em.
func width(gs []glyph) float64 {
	w := 0.0
	for i, g := range gs {
		w += g.adv
		if i < len(gs)-1 {
			w += g.kern
		}
	}
	return w
}

// typesetter sets text in one font with a fallback for the runes that font
// lacks. It is not safe for concurrent use.
type typesetter struct {
	fonts  [2]*sfnt.Font
	ascent float64 // em
	lineH  float64 // ascent+descent in em, the height of one line
	buf    sfnt.Buffer
}

func newTypesetter(primary, fallback *sfnt.Font) *typesetter {
	ts := &typesetter{fonts: [2]*sfnt.Font{primary, fallback}}
	upem := float64(primary.UnitsPerEm())
	m, err := primary.Metrics(&ts.buf, ts.ppem(0), font.HintingNone)
	if err != nil || m.Ascent <= 0 {
		ts.ascent, ts.lineH = 0.95, 1.2
		return ts
	}
	ts.ascent = float64(m.Ascent) / 64 / upem
	ts.lineH = float64(m.Ascent+m.Descent) / 64 / upem
	return ts
}

// ppem is font i's size at which one pixel is one font unit, so metrics come
// back exact.
func (ts *typesetter) ppem(i int) fixed.Int26_6 {
	return fixed.Int26_6(ts.fonts[i].UnitsPerEm()) << 6
}

func (ts *typesetter) index(i int, r rune) sfnt.GlyphIndex {
	gi, err := ts.fonts[i].GlyphIndex(&ts.buf, r)
	if err != nil {
		return 0
	}
	return gi
}

func (ts *typesetter) has(i int, r rune) bool { return ts.index(i, r) != 0 }

// clean normalizes text for a badge: composed (NFC, so a name typed with
// combining marks draws as whole letters), control characters and runs of
// white space turned into single spaces.
func clean(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// set shapes cleaned text into glyphs. Each word keeps one font where
// possible, so a word never switches typeface halfway; a rune neither font
// has is replaced by its base letter, or '?', rather than drawn as a box.
func (ts *typesetter) set(s string) []glyph {
	var gs []glyph
	for i, w := range strings.Fields(s) {
		if i > 0 {
			gs = append(gs, glyph{r: ' '})
		}
		rs := []rune(w)
		for j, r := range rs {
			rs[j] = ts.substitute(r)
		}
		all := [2]bool{true, true}
		for _, r := range rs {
			all[0] = all[0] && ts.has(0, r)
			all[1] = all[1] && ts.has(1, r)
		}
		for _, r := range rs {
			f := 0
			if !all[0] && (all[1] || !ts.has(0, r)) {
				f = 1
			}
			gs = append(gs, glyph{r: r, font: f})
		}
	}
	ts.measure(gs)
	return gs
}

// substitute returns r, or for a rune neither font has, the first base
// letter of its compatibility decomposition that one of them has, or '?'.
func (ts *typesetter) substitute(r rune) rune {
	if ts.has(0, r) || ts.has(1, r) {
		return r
	}
	for _, b := range norm.NFKD.String(string(r)) {
		if !unicode.Is(unicode.Mn, b) && (ts.has(0, b) || ts.has(1, b)) {
			return b
		}
	}
	return '?'
}

// measure fills in the glyphs' advances and kerning, in em.
func (ts *typesetter) measure(gs []glyph) {
	var prev sfnt.GlyphIndex
	for i := range gs {
		g := &gs[i]
		f := ts.fonts[g.font]
		upem := float64(f.UnitsPerEm()) * 64
		gi := ts.index(g.font, g.r)
		if a, err := f.GlyphAdvance(&ts.buf, gi, ts.ppem(g.font), font.HintingNone); err == nil {
			g.adv = float64(a) / upem
		}
		if i > 0 && gs[i-1].font == g.font {
			if k, err := f.Kern(&ts.buf, prev, gi, ts.ppem(g.font), font.HintingNone); err == nil {
				gs[i-1].kern = float64(k) / upem
			}
		}
		prev = gi
	}
}

// block is text fitted into a box: its lines and the font size in pixels.
type block struct {
	lines [][]glyph
	size  float64
}

// fit finds the largest size, at most maxPx, at which gs fits a w×h pixel box
// in at most maxLines (1 or 2) lines. Text wraps only when one line would be
// smaller than wrapPx. Lines break at spaces and after hyphens; only when
// that leaves the text smaller than breakPx, and breaking inside a word makes
// it clearly larger, does a line break between two letters of a word (never
// through a letter).
func (ts *typesetter) fit(gs []glyph, w, h, maxPx float64, maxLines int, wrapPx, breakPx float64) block {
	best := block{lines: [][]glyph{gs}, size: ts.size(w, h, maxPx, width(gs), 1)}
	if maxLines < 2 || best.size >= min(maxPx, wrapPx) {
		return best
	}
	if b := ts.two(gs, w, h, maxPx, wordBreak); b.size > best.size {
		best = b
	}
	if best.size < breakPx {
		if b := ts.two(gs, w, h, maxPx, letterBreak); b.size > best.size*1.25 {
			best = b
		}
	}
	return best
}

// breakKind says where two returns a break: at a space (dropped), after a
// hyphen, or between any two letters.
type breakKind func(gs []glyph, i int) (at, skip bool)

func wordBreak(gs []glyph, i int) (bool, bool) {
	if gs[i].r == ' ' {
		// A lone "/" between two words stays with the first: "Пациент /"
		// then "Patient", not a line starting with a slash.
		lone := i+2 == len(gs) || i+2 < len(gs) && gs[i+2].r == ' '
		if i+1 < len(gs) && lone && (unicode.IsPunct(gs[i+1].r) || unicode.IsSymbol(gs[i+1].r)) {
			return false, false
		}
		return true, true
	}
	return gs[i-1].r == '-' && gs[i].r != ' ', false
}

func letterBreak(gs []glyph, i int) (bool, bool) {
	return gs[i].r != ' ' && gs[i-1].r != ' ', false
}

// two returns the split of gs into two lines, at a break kind allows, with the
// largest size and, among equals, the most even lines.
func (ts *typesetter) two(gs []glyph, w, h, maxPx float64, kind breakKind) block {
	b, bw := block{}, 0.0
	for i := 1; i < len(gs); i++ {
		at, skip := kind(gs, i)
		if !at {
			continue
		}
		a, c := gs[:i], gs[i:]
		if skip {
			c = gs[i+1:]
		}
		lw := max(width(a), width(c))
		if s := ts.size(w, h, maxPx, lw, 2); s > b.size || s == b.size && lw < bw {
			b, bw = block{lines: [][]glyph{a, c}, size: s}, lw
		}
	}
	return b
}

// size is the largest font size at which n lines of the given em width fit.
func (ts *typesetter) size(w, h, maxPx, em float64, n int) float64 {
	s := min(maxPx, h/(float64(n)*ts.lineH))
	if em > 0 {
		s = min(s, w/em)
	}
	return s
}

// draw paints a fitted block into box (pixels), each line centred, in the
// grey level ink. It composites glyph masks straight into the grey image
// because font.Drawer goes through draw.DrawMask, which has no fast path for
// *image.Gray and would make text the slowest part of a badge.
func (ts *typesetter) draw(dst *image.Gray, b block, box rectPx, ink uint8) {
	if b.size <= 0 {
		return
	}
	var faces [2]font.Face
	top := box.y + (box.h-float64(len(b.lines))*ts.lineH*b.size)/2
	for i, ln := range b.lines {
		x := box.x + (box.w-width(ln)*b.size)/2
		// A whole-pixel baseline keeps the letters' flat tops and bottoms sharp.
		y := math.Round(top + (ts.ascent+float64(i)*ts.lineH)*b.size)
		for _, g := range ln {
			if g.r != ' ' {
				if faces[g.font] == nil {
					faces[g.font], _ = opentype.NewFace(ts.fonts[g.font], &opentype.FaceOptions{
						Size: b.size, DPI: 72, Hinting: font.HintingNone,
					})
				}
				dot := fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}
				if dr, mask, mp, _, ok := faces[g.font].Glyph(dot, g.r); ok {
					composite(dst, dr, mask, mp, ink)
				}
			}
			x += (g.adv + g.kern) * b.size
		}
	}
}

// composite blends ink into dst through a glyph's coverage mask.
func composite(dst *image.Gray, dr image.Rectangle, mask image.Image, mp image.Point, ink uint8) {
	a, ok := mask.(*image.Alpha)
	if !ok {
		return
	}
	r := dr.Intersect(dst.Rect)
	c := uint32(ink)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		mo := a.PixOffset(mp.X+r.Min.X-dr.Min.X, mp.Y+y-dr.Min.Y)
		do := dst.PixOffset(r.Min.X, y)
		for x := 0; x < r.Dx(); x++ {
			m := uint32(a.Pix[mo+x])
			if m == 0 {
				continue
			}
			d := uint32(dst.Pix[do+x])
			dst.Pix[do+x] = uint8((d*(255-m) + c*m + 127) / 255)
		}
	}
}

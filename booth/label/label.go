// Package label draws visitors' badges: a 62×100 mm label as PNG or PDF for a
// label printer, and A4 sheets of eight for an office printer, and sends a
// PDF to the printer through the operating system. Badges are rasters at
// 300 dpi, so what the screen shows is what the printer prints; names in any
// script are set with the fonts the caller hands in. The same fonts set the
// report's one-page summary, a PDF of text and vector charts.
package label

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"

	"medibooth/booth"
)

// Badge is what is printed on one badge.
type Badge struct {
	Name   string // as written, any script (e.g. "Айгерим Байжанова", "김민준", "Әйгерім Қалиева")
	Latin  string // Latin transliteration, shown smaller under the name ("" or equal to Name: not shown twice)
	Type   string // visitor type, already translated by the caller (e.g. "Пациент / Patient")
	Event  string // event name, e.g. "Almaty Health Consultation 2026"
	Code   string // the badge code the QR holds, digits; up to 513 still give a large, easily read QR (badges have at most 130)
	Number string // optional short human-readable number printed small under the QR ("" = none)
}

// Fonts are the TrueType/OpenType files badges and the report summary are
// set in: on a badge Regular for the event, Latin line and number, Bold for
// the name and type, each standing in for letters the other lacks. A
// missing Bold is replaced by Regular. The report embeds both; a letter
// Regular lacks prints there as its base letter or '?'.
type Fonts struct{ Regular, Bold []byte }

// dpi is the resolution of every badge raster; label and office printers
// both print 300 dpi natively.
const dpi = 300

func mmToPx(mm float64) float64 { return mm * dpi / 25.4 }
func ptToPx(pt float64) float64 { return pt * dpi / 72 }

// rect is a box in millimetres from the badge's top left corner.
type rect struct{ x, y, w, h float64 }

// rectPx is a box in pixels.
type rectPx struct{ x, y, w, h float64 }

func (r rect) px() rectPx {
	return rectPx{mmToPx(r.x), mmToPx(r.y), mmToPx(r.w), mmToPx(r.h)}
}

func (r rect) image() image.Rectangle {
	p := r.px()
	return image.Rect(int(math.Round(p.x)), int(math.Round(p.y)), int(math.Round(p.x+p.w)), int(math.Round(p.y+p.h)))
}

// textBox is where one text of the badge goes and how large it may be.
type textBox struct {
	at       rect
	maxPt    float64
	maxLines int
	wrapPt   float64 // wrap onto a second line only when one line would be smaller
	breakPt  float64 // break inside a word only when whole words would be smaller
}

// layout places everything on one badge. Boxes do not overlap, so no text
// can run into the QR code's quiet zone.
type layout struct {
	w, h                     float64 // mm
	event, name, latin, band textBox
	number                   textBox
	qr                       rect
	qrMax                    float64 // largest QR symbol, mm
}

// portrait is the 62×100 mm label: event, name, Latin name, a black band with
// the visitor type, then the QR code as large as the width allows with its
// quiet zone, and the number under it.
var portrait = layout{
	w: 62, h: 100,
	event:  textBox{rect{3, 3, 56, 5.5}, 9, 2, 7, 0},
	name:   textBox{rect{3, 9.5, 56, 16}, 26, 2, 26, 12},
	latin:  textBox{rect{3, 25.5, 56, 5}, 11, 1, 0, 0},
	band:   textBox{rect{3, 31, 56, 7}, 13, 1, 0, 0},
	qr:     rect{0, 38.5, 62, 56.5},
	qrMax:  50,
	number: textBox{rect{3, 95, 56, 3.5}, 8, 1, 0, 0},
}

// landscape is one cell of an A4 sheet of 2×4 labels of 99.1×67.7 mm
// (Avery L7165 and its equals): the QR code with the number under it on the
// left, the text on the right.
var landscape = layout{
	w: sheetCellW, h: sheetCellH,
	event:  textBox{rect{56, 5, 40.5, 7}, 9, 2, 7, 0},
	name:   textBox{rect{56, 13, 40.5, 26}, 22, 2, 22, 11},
	latin:  textBox{rect{56, 40, 40.5, 6}, 11, 1, 0, 0},
	band:   textBox{rect{56, 48, 40.5, 8}, 12, 2, 8, 0},
	qr:     rect{2, 3, 53, 53},
	qrMax:  42,
	number: textBox{rect{2, 57, 53, 4.5}, 8, 1, 0, 0},
}

// validate checks what a person could have left out.
func validate(b Badge) error {
	switch {
	case clean(b.Name) == "":
		return booth.Errorf(booth.EINVALID, "A badge needs the visitor's name.")
	case strings.TrimSpace(b.Code) == "":
		return booth.Errorf(booth.EINVALID, "A badge needs a badge code for its QR code.")
	}
	return nil
}

// renderer draws badges with one pair of fonts. It is not safe for
// concurrent use.
type renderer struct {
	regular, bold *typesetter
}

// withBold returns f with Regular standing in for a missing Bold.
func (f Fonts) withBold() Fonts {
	if len(f.Bold) == 0 {
		f.Bold = f.Regular
	}
	return f
}

func newRenderer(f Fonts) (*renderer, error) {
	f = f.withBold()
	reg, err := parseFont(f.Regular)
	if err != nil {
		return nil, err
	}
	bold, err := parseFont(f.Bold)
	if err != nil {
		return nil, err
	}
	return &renderer{regular: newTypesetter(reg, bold), bold: newTypesetter(bold, reg)}, nil
}

// render draws one badge in layout l as an 8-bit grey raster at 300 dpi.
func (rd *renderer) render(b Badge, l *layout) (*image.Gray, error) {
	if err := validate(b); err != nil {
		return nil, err
	}
	mods, err := qrModules(b.Code)
	if err != nil {
		return nil, err
	}
	img := image.NewGray(image.Rect(0, 0, int(math.Round(mmToPx(l.w))), int(math.Round(mmToPx(l.h)))))
	fill(img, img.Rect, 0xff)
	if err := drawQR(img, mods, l.qr.image(), int(mmToPx(l.qrMax))); err != nil {
		return nil, err
	}

	rd.text(img, rd.regular, clean(b.Event), l.event, 0)
	name, nameBox := clean(b.Name), l.name
	if latin := clean(b.Latin); latin != "" && !strings.EqualFold(latin, name) {
		rd.text(img, rd.regular, latin, l.latin, 0)
	} else {
		// Without a Latin line the name may use its room too.
		nameBox.at.h = l.latin.at.y + l.latin.at.h - nameBox.at.y
	}
	rd.text(img, rd.bold, name, nameBox, 0)
	if typ := clean(b.Type); typ != "" {
		// A black band with white letters tells staff the visitor type
		// from across a hall, and prints on a one-colour thermal head.
		fill(img, l.band.at.image(), 0)
		inset := l.band
		inset.at.x += 1.5
		inset.at.w -= 3
		inset.at.y += 0.5
		inset.at.h -= 1
		rd.text(img, rd.bold, typ, inset, 0xff)
	}
	rd.text(img, rd.regular, clean(b.Number), l.number, 0)
	return img, nil
}

// text sets s in box with ts, in the grey level ink.
func (rd *renderer) text(dst *image.Gray, ts *typesetter, s string, box textBox, ink uint8) {
	if s == "" {
		return
	}
	p := box.at.px()
	b := ts.fit(ts.set(s), p.w, p.h, ptToPx(box.maxPt), box.maxLines, ptToPx(box.wrapPt), ptToPx(box.breakPt))
	ts.draw(dst, b, p, ink)
}

// PNG returns one 62×100 mm portrait badge at 300 dpi (732×1181 pixels) as a
// PNG that records its resolution, so it prints at its real size.
func PNG(b Badge, f Fonts) ([]byte, error) {
	rd, err := newRenderer(f)
	if err != nil {
		return nil, err
	}
	img, err := rd.render(b, &portrait)
	if err != nil {
		return nil, err
	}
	return encodePNG(img)
}

// grey256 is a palette whose index is the grey level. A grey raster wrapped
// as a paletted image with it encodes without conversion, and image/png
// copies 8-bit paletted rows straight through instead of trying five
// filters on every row as it does for *image.Gray: about twice as fast, for
// files of some 30 KB a badge.
var grey256 = func() color.Palette {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.Gray{Y: uint8(i)}
	}
	return p
}()

func encodePNG(g *image.Gray) ([]byte, error) {
	pal := &image.Paletted{Pix: g.Pix, Stride: g.Stride, Rect: g.Rect, Palette: grey256}
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, pal); err != nil {
		return nil, booth.Errorf(booth.EINTERNAL, "The badge image could not be encoded: %v.", err)
	}
	return withDPI(buf.Bytes(), dpi), nil
}

// withDPI inserts a pHYs chunk after the IHDR chunk (which image/png always
// writes first, 25 bytes after the 8-byte signature).
func withDPI(p []byte, dpi float64) []byte {
	const at = 8 + 25
	ppm := uint32(math.Round(dpi / 0.0254))
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(p)+len(chunk))
	out = append(out, p[:at]...)
	out = append(out, chunk...)
	return append(out, p[at:]...)
}

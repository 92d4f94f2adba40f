package label

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"strings"

	"medibooth/booth"
)

// The A4 sheet is the common 8-up layout of 99.1×67.7 mm labels (Avery
// L7165, Herma 4676 and their equals): two columns 2.5 mm apart, four rows
// without gaps, 4.65 mm side and 13.1 mm top margins.
const (
	a4W, a4H      = 210.0, 297.0
	sheetCellW    = 99.1
	sheetCellH    = 67.7
	sheetLeft     = 4.65
	sheetTop      = 13.1
	sheetColPitch = sheetCellW + 2.5
	sheetCols     = 2
	sheetRows     = 4
	perSheet      = sheetCols * sheetRows
)

// pt converts millimetres to PDF points.
func pt(mm float64) float64 { return mm * 72 / 25.4 }

// LabelPDF returns a PDF with one 62×100 mm page per badge, for a label
// printer loaded with 62 mm labels.
func LabelPDF(bs []Badge, f Fonts) ([]byte, error) {
	if err := checkAll(bs); err != nil {
		return nil, err
	}
	rd, err := newRenderer(f)
	if err != nil {
		return nil, err
	}
	w := newPDF()
	for _, b := range bs {
		img, err := rd.render(b, &portrait)
		if err != nil {
			return nil, err
		}
		w.page(portrait.w, portrait.h, []placed{{img, 0, 0, portrait.w, portrait.h}}, "")
	}
	return w.finish(), nil
}

// SheetPDF returns a PDF of A4 pages with eight badges each, two columns by
// four rows of 99.1×67.7 mm, filled row by row. Short ticks in the page
// margins mark the label edges for cutting plain paper.
func SheetPDF(bs []Badge, f Fonts) ([]byte, error) {
	if err := checkAll(bs); err != nil {
		return nil, err
	}
	rd, err := newRenderer(f)
	if err != nil {
		return nil, err
	}
	w := newPDF()
	for start := 0; start < len(bs); start += perSheet {
		var imgs []placed
		for i, b := range bs[start:min(start+perSheet, len(bs))] {
			img, err := rd.render(b, &landscape)
			if err != nil {
				return nil, err
			}
			col, row := i%sheetCols, i/sheetCols
			x := sheetLeft + float64(col)*sheetColPitch
			y := sheetTop + float64(row)*sheetCellH
			imgs = append(imgs, placed{img, x, y, sheetCellW, sheetCellH})
		}
		w.page(a4W, a4H, imgs, cutMarks())
	}
	return w.finish(), nil
}

// checkAll validates every badge before any is drawn, so a bad one among
// many is reported at once, with its position.
func checkAll(bs []Badge) error {
	if len(bs) == 0 {
		return booth.Errorf(booth.EINVALID, "There are no badges to print.")
	}
	for i, b := range bs {
		if err := validate(b); err != nil && len(bs) > 1 {
			return booth.Errorf(booth.EINVALID, "Badge %d of %d: %s", i+1, len(bs), err)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// cutMarks draws thin grey ticks in the page margins in line with the label
// edges, 5 to 11 mm from the top and bottom page edges (inside most
// printers' printable area) and in the narrow side margins.
func cutMarks() string {
	var s strings.Builder
	s.WriteString("q 0.6 G 0.3 w\n")
	line := func(x0, y0, x1, y1 float64) { // mm from the top left
		fmt.Fprintf(&s, "%.2f %.2f m %.2f %.2f l S\n", pt(x0), pt(a4H-y0), pt(x1), pt(a4H-y1))
	}
	for c := range sheetCols {
		for _, x := range []float64{sheetLeft + float64(c)*sheetColPitch, sheetLeft + float64(c)*sheetColPitch + sheetCellW} {
			line(x, 5, x, sheetTop-2)
			line(x, a4H-5, x, a4H-sheetTop+2)
		}
	}
	for r := range sheetRows + 1 {
		y := sheetTop + float64(r)*sheetCellH
		line(0.5, y, sheetLeft-1, y)
		line(a4W-0.5, y, a4W-sheetLeft+1, y)
	}
	s.WriteString("Q\n")
	return s.String()
}

// placed is a raster at a position and size in millimetres from the page's
// top left corner.
type placed struct {
	img        *image.Gray
	x, y, w, h float64
}

// Badges are written as 300-dpi grey rasters through this small writer
// rather than as text: label printers and thermal heads print a bitmap at
// their native resolution dot for dot, so the badge comes out as the screen
// showed it, and neither the printer nor the computer sending the file needs
// the fonts. The report summary, which people read and copy from, is text
// (report.go).

// pdfWriter writes a minimal PDF 1.4: a catalog, a page tree, and per page
// a content stream that paints 8-bit grey Flate-compressed images.
// Object 1 is the catalog and object 2 the page tree, written last once its
// kids are known; offsets[n] is where object n starts.
type pdfWriter struct {
	buf     bytes.Buffer
	offsets []int
	kids    []int
}

func newPDF() *pdfWriter {
	w := &pdfWriter{offsets: make([]int, 3)}
	// The comment's high bytes tell transfer programs the file is binary.
	w.buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	w.object(1, "<< /Type /Catalog /Pages 2 0 R >>", nil)
	return w
}

// next reserves the next object number.
func (w *pdfWriter) next() int {
	w.offsets = append(w.offsets, 0)
	return len(w.offsets) - 1
}

// object writes object n with a dictionary and, if stream is not nil, its
// stream (whose /Length is added here).
func (w *pdfWriter) object(n int, dict string, stream []byte) {
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n", n)
	if stream == nil {
		w.buf.WriteString(dict + "\nendobj\n")
		return
	}
	fmt.Fprintf(&w.buf, "%s /Length %d >>\nstream\n", strings.TrimSuffix(dict, " >>"), len(stream))
	w.buf.Write(stream)
	w.buf.WriteString("\nendstream\nendobj\n")
}

// page adds a page of wMM×hMM with the images and extra content drawn on top.
func (w *pdfWriter) page(wMM, hMM float64, imgs []placed, extra string) {
	var content, xobjs strings.Builder
	for i, p := range imgs {
		n := w.next()
		w.object(n, fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>",
			p.img.Rect.Dx(), p.img.Rect.Dy()), deflate(p.img))
		fmt.Fprintf(&xobjs, " /Im%d %d 0 R", i, n)
		// An image fills the unit square; cm scales it to its size in
		// points, placed from the bottom left as PDF counts.
		fmt.Fprintf(&content, "q %.4f 0 0 %.4f %.4f %.4f cm /Im%d Do Q\n",
			pt(p.w), pt(p.h), pt(p.x), pt(hMM-p.y-p.h), i)
	}
	content.WriteString(extra)
	cs := w.next()
	w.object(cs, "<< >>", []byte(content.String()))
	pg := w.next()
	w.object(pg, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] /Resources << /XObject <<%s >> /ProcSet [/PDF /ImageB] >> /Contents %d 0 R >>",
		pt(wMM), pt(hMM), xobjs.String(), cs), nil)
	w.kids = append(w.kids, pg)
}

// finish writes the page tree, the cross-reference table and the trailer.
func (w *pdfWriter) finish() []byte {
	kids := make([]string, len(w.kids))
	for i, k := range w.kids {
		kids[i] = fmt.Sprintf("%d 0 R", k)
	}
	w.object(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(w.kids)), nil)
	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", len(w.offsets))
	for _, off := range w.offsets[1:] {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", off) // each entry exactly 20 bytes
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(w.offsets), xref)
	return w.buf.Bytes()
}

// deflate compresses a grey raster's rows for a FlateDecode image.
func deflate(g *image.Gray) []byte {
	var buf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	for y := g.Rect.Min.Y; y < g.Rect.Max.Y; y++ {
		o := g.PixOffset(g.Rect.Min.X, y)
		zw.Write(g.Pix[o : o+g.Rect.Dx()])
	}
	zw.Close()
	return buf.Bytes()
}

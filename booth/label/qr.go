package label

import (
	"image"

	"github.com/skip2/go-qrcode"

	"medibooth/booth"
)

// quiet is the white margin a QR symbol needs around it, in modules.
const quiet = 4

// minModulePx is the smallest module worth printing: 3 px at 300 dpi is
// 0.25 mm, about what a thermal head and a desk scanner still resolve.
const minModulePx = 3

// qrModules returns the modules of code's QR symbol at error correction M,
// without go-qrcode's border: the quiet zone is drawn here to a known size.
func qrModules(code string) ([][]bool, error) {
	q, err := qrcode.New(code, qrcode.Medium)
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "The badge code is too long to fit in a QR code.")
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// drawQR draws the modules as crisp squares of a whole number of pixels,
// as large as fits both zone (with the quiet zone inside it) and
// maxSymbol, centred in zone.
func drawQR(dst *image.Gray, mods [][]bool, zone image.Rectangle, maxSymbol int) error {
	n := len(mods)
	if n == 0 {
		return booth.Errorf(booth.EINTERNAL, "The QR code came out empty.")
	}
	scale := min(maxSymbol/n, zone.Dx()/(n+2*quiet), zone.Dy()/(n+2*quiet))
	if scale < minModulePx {
		return booth.Errorf(booth.EINVALID, "The badge code is too long for a QR code of printable size.")
	}
	side := (n + 2*quiet) * scale
	x0 := zone.Min.X + (zone.Dx()-side)/2
	y0 := zone.Min.Y + (zone.Dy()-side)/2
	block := image.Rect(x0, y0, x0+side, y0+side)
	// The quiet zone is painted white on purpose: nothing may show through.
	fill(dst, block, 0xff)
	for my, row := range mods {
		for mx, on := range row {
			if on {
				x := x0 + (quiet+mx)*scale
				y := y0 + (quiet+my)*scale
				fill(dst, image.Rect(x, y, x+scale, y+scale), 0)
			}
		}
	}
	return nil
}

// fill paints r (clipped to dst) in one grey level.
func fill(dst *image.Gray, r image.Rectangle, v uint8) {
	r = r.Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	o := dst.PixOffset(r.Min.X, r.Min.Y)
	first := dst.Pix[o : o+r.Dx()]
	for i := range first {
		first[i] = v
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		o := dst.PixOffset(r.Min.X, y)
		copy(dst.Pix[o:o+r.Dx()], first)
	}
}

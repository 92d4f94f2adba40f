package camera

import (
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	goqrcode "github.com/skip2/go-qrcode"
)

// Badge codes in the shape the desk uses: 13 digits.
const (
	codeA = "1048213370015"
	codeB = "1902734418263"
)

// badgeFrame is a 640×480 camera picture: a grey desk with a badge's QR code
// on it at x, y, or an empty desk for code "".
func badgeFrame(t testing.TB, code string, x, y int) *image.Gray {
	t.Helper()
	g := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range g.Pix {
		g.Pix[i] = 0x9c + byte(i%7) // a desk, not a flat fill
	}
	if code == "" {
		return g
	}
	q, err := goqrcode.New(code, goqrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	badge := q.Image(220) // with its white quiet zone, as printed
	r := badge.Bounds().Add(image.Pt(x, y))
	draw.Draw(g, r, badge, badge.Bounds().Min, draw.Src)
	return g
}

// writeFrames saves the frames as PNG files named in order into dir.
func writeFrames(t testing.TB, dir string, frames []*image.Gray) {
	t.Helper()
	for i, g := range frames {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("frame-%03d.png", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, g); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// sequence builds a folder of frames: runs of n frames showing code ("" for
// none), the badge moving a little from frame to frame as in a hand.
func sequence(t testing.TB, runs ...any) string {
	t.Helper()
	dir := t.TempDir()
	var frames []*image.Gray
	cache := map[[3]any]*image.Gray{}
	for i := 0; i < len(runs); i += 2 {
		code, n := runs[i].(string), runs[i+1].(int)
		for j := 0; j < n; j++ {
			key := [3]any{code, 200 + 6*(j%4), 120 + 4*(j%3)}
			if cache[key] == nil {
				cache[key] = badgeFrame(t, code, key[1].(int), key[2].(int))
			}
			frames = append(frames, cache[key])
		}
	}
	writeFrames(t, dir, frames)
	return dir
}

// zxingDecode reads the QR code in a grey frame with gozxing, straight from
// the luma plane.
func zxingDecode(g *image.Gray) []string {
	b := g.Bounds()
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.Pix, g.Stride, b.Dy(), 0, 0, b.Dx(), b.Dy(), false)
	if err != nil {
		return nil
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		return nil
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return nil
	}
	return []string{res.GetText()}
}

func TestBadgeFramesDecode(t *testing.T) {
	if got := zxingDecode(badgeFrame(t, codeA, 200, 120)); len(got) != 1 || got[0] != codeA {
		t.Fatalf("decoded %q from a frame of %s", got, codeA)
	}
	if got := zxingDecode(badgeFrame(t, "", 0, 0)); len(got) != 0 {
		t.Fatalf("decoded %q from an empty desk", got)
	}
}

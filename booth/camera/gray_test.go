package camera

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"testing"
)

// yuyvOf packs a grey plane as a YUYV frame with rows of stride bytes,
// chroma bytes set to values a decoder must ignore.
func yuyvOf(g *image.Gray, stride int) []byte {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	buf := make([]byte, stride*h)
	for i := range buf {
		buf[i] = 0x55
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			buf[y*stride+2*x] = g.Pix[y*g.Stride+x]
		}
	}
	return buf
}

func TestYUYVGrayKeepsLuma(t *testing.T) {
	want := badgeFrame(t, codeA, 100, 50)
	for _, stride := range []int{2 * 640, 2*640 + 64} {
		got, err := yuyvGray(yuyvOf(want, stride), 640, 480, stride)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Pix, want.Pix) || got.Stride != 640 {
			t.Fatalf("stride %d: the grey plane differs from the Y bytes", stride)
		}
	}
	if _, err := yuyvGray(make([]byte, 100), 640, 480, 1280); err == nil {
		t.Fatal("a short frame was accepted")
	}
}

// encodeJPEG encodes a colour picture whose luma is g, as a webcam's MJPEG frame.
func encodeJPEG(t testing.TB, g *image.Gray) []byte {
	t.Helper()
	b := g.Bounds()
	m := image.NewYCbCr(b, image.YCbCrSubsampleRatio420)
	copy(m.Y, g.Pix)
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = 100, 150
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestJPEGGrayIsTheYPlane(t *testing.T) {
	frame := encodeJPEG(t, badgeFrame(t, codeB, 300, 200))
	img, err := jpeg.Decode(bytes.NewReader(frame))
	if err != nil {
		t.Fatal(err)
	}
	want := img.(*image.YCbCr)
	got, err := jpegGray(frame)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds() != want.Rect || !bytes.Equal(got.Pix, want.Y[:len(got.Pix)]) {
		t.Fatal("the grey plane is not the decoded Y plane")
	}
	if c := zxingDecode(got); len(c) != 1 || c[0] != codeB {
		t.Fatalf("decoded %q after JPEG", c)
	}
}

// stripDHT removes the Huffman table segments, as webcams that send AVI1
// MJPEG do.
func stripDHT(t *testing.T, b []byte) []byte {
	out := []byte{0xff, 0xd8}
	for i := 2; i+4 <= len(b); {
		if b[i+1] == 0xda {
			return append(out, b[i:]...)
		}
		n := 2 + (int(b[i+2])<<8 | int(b[i+3]))
		if b[i+1] != 0xc4 {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	t.Fatal("no start of scan")
	return nil
}

func TestJPEGWithoutHuffmanTables(t *testing.T) {
	frame := encodeJPEG(t, badgeFrame(t, codeA, 40, 40))
	bare := stripDHT(t, frame)
	if _, err := jpeg.Decode(bytes.NewReader(bare)); err == nil {
		t.Fatal("Go's decoder now reads frames without tables; withHuffman may go")
	}
	want, _ := jpegGray(frame)
	got, err := jpegGray(bare)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Pix, want.Pix) {
		t.Fatal("the frame without tables decodes differently")
	}
	if w := withHuffman(frame); !bytes.Equal(w, frame) {
		t.Fatal("tables were added to a frame that has its own")
	}
}

func TestToGray(t *testing.T) {
	want := badgeFrame(t, codeA, 10, 10)
	var buf bytes.Buffer
	if err := png.Encode(&buf, want); err != nil {
		t.Fatal(err)
	}
	// An RGBA picture with a transparent corner, cropped so it does not start at 0,0.
	rgba := image.NewRGBA(image.Rect(5, 5, 645, 485))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			v := want.Pix[y*640+x]
			rgba.Pix[rgba.PixOffset(x+5, y+5)+0] = v
			rgba.Pix[rgba.PixOffset(x+5, y+5)+1] = v
			rgba.Pix[rgba.PixOffset(x+5, y+5)+2] = v
			if x >= 10 || y >= 10 {
				rgba.Pix[rgba.PixOffset(x+5, y+5)+3] = 0xff
			}
		}
	}
	g := toGray(rgba)
	if g.Bounds() != image.Rect(0, 0, 640, 480) || g.Stride != 640 {
		t.Fatalf("not compact: %v stride %d", g.Bounds(), g.Stride)
	}
	if g.Pix[0] != 0xff || g.Pix[640*479+639] != want.Pix[640*479+639] {
		t.Fatal("transparent pixels must be white, the rest kept")
	}
	sub := want.SubImage(image.Rect(100, 100, 300, 200)).(*image.Gray)
	if c := compact(sub); c.Stride != 200 || c.Pix[0] != want.Pix[100*640+100] {
		t.Fatal("a sub-image was not packed")
	}
}

// badge720 is a 1280×720 camera picture with a badge in it.
func badge720(b *testing.B) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 1280, 720))
	small := badgeFrame(b, codeA, 200, 120)
	for y := 0; y < 720; y++ {
		for x := 0; x < 1280; x++ {
			g.Pix[y*1280+x] = small.Pix[(y*2/3)*640+x/2]
		}
	}
	return g
}

func BenchmarkYUYVGray720p(b *testing.B) {
	frame := yuyvOf(badge720(b), 2560)
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := yuyvGray(frame, 1280, 720, 2560); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJPEGGray720p(b *testing.B) {
	frame := encodeJPEG(b, badge720(b))
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := jpegGray(frame); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJPEGRGBA720p is the path frames do not take, for comparison:
// decoding and converting to RGBA.
func BenchmarkJPEGRGBA720p(b *testing.B) {
	frame := encodeJPEG(b, badge720(b))
	for b.Loop() {
		img, err := jpeg.Decode(bytes.NewReader(frame))
		if err != nil {
			b.Fatal(err)
		}
		rgba := image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), img, image.Point{}, draw.Src)
	}
}

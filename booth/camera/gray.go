package camera

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"sync"
)

// yuyvGray copies the luma of a packed YUYV 4:2:2 frame (Y0 U Y1 V …) into a
// new grey plane: every other byte, no colour conversion. stride is the length
// of one row in buf, at least 2*w.
func yuyvGray(buf []byte, w, h, stride int) (*image.Gray, error) {
	if w <= 0 || h <= 0 || stride < 2*w || len(buf) < stride*(h-1)+2*w {
		return nil, errors.New("short YUYV frame")
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		src := buf[y*stride : y*stride+2*w]
		dst := g.Pix[y*w : y*w+w]
		for x := range dst {
			dst[x] = src[2*x]
		}
	}
	return g, nil
}

// jpegGray decodes one MJPEG frame and keeps only its Y plane, which the
// decoder produces anyway: no colour conversion.
func jpegGray(buf []byte) (*image.Gray, error) {
	img, err := jpeg.Decode(bytes.NewReader(withHuffman(buf)))
	if err != nil {
		return nil, err
	}
	switch m := img.(type) {
	case *image.YCbCr:
		return compact(&image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}), nil
	case *image.Gray:
		return compact(m), nil
	}
	return toGray(img), nil
}

// compact returns g itself when its rows are packed and it starts at 0,0,
// else a packed copy.
func compact(g *image.Gray) *image.Gray {
	b := g.Bounds()
	if b.Min == (image.Point{}) && g.Stride == b.Dx() && len(g.Pix) == b.Dx()*b.Dy() {
		return g
	}
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		copy(out.Pix[y*b.Dx():(y+1)*b.Dx()], g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):])
	}
	return out
}

// toGray converts any picture to a compact grey plane. Folder uses it once
// per file; live frames take the cheaper paths above.
func toGray(img image.Image) *image.Gray {
	switch m := img.(type) {
	case *image.Gray:
		return compact(m)
	case *image.YCbCr:
		return compact(&image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect})
	}
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	// A transparent pixel is background: paper white, as a badge is printed on.
	if hasAlpha(img) {
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				if _, _, _, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA(); a < 0x8000 {
					out.Pix[y*b.Dx()+x] = 0xff
				}
			}
		}
	}
	return out
}

func hasAlpha(img image.Image) bool {
	switch img.ColorModel() {
	case color.GrayModel, color.Gray16Model, color.YCbCrModel, color.CMYKModel:
		return false
	}
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return !o.Opaque()
	}
	return true
}

// Many webcams send MJPEG frames without Huffman tables (the AVI1 variant)
// and rely on the standard ones of the JPEG specification, section K.3, which
// Go's decoder does not assume. Go's encoder writes exactly those tables, so
// the segment is taken from a tiny picture it encodes.
var standardDHT = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, image.NewYCbCr(image.Rect(0, 0, 16, 16), image.YCbCrSubsampleRatio420), nil)
	b := buf.Bytes()
	for i := 2; i+4 <= len(b) && b[i] == 0xff; {
		n := int(b[i+2])<<8 | int(b[i+3])
		if b[i+1] == 0xc4 {
			return append([]byte(nil), b[i:i+2+n]...)
		}
		i += 2 + n
	}
	return nil
})

// withHuffman returns buf with the standard Huffman tables inserted before
// the start of scan when the frame has none of its own.
func withHuffman(buf []byte) []byte {
	if len(buf) < 4 || buf[0] != 0xff || buf[1] != 0xd8 {
		return buf
	}
	for i := 2; i+4 <= len(buf) && buf[i] == 0xff; {
		switch buf[i+1] {
		case 0xc4: // DHT: the frame has its own tables
			return buf
		case 0xda: // SOS: the picture data starts and no table came
			dht := standardDHT()
			out := make([]byte, 0, len(buf)+len(dht))
			out = append(out, buf[:i]...)
			out = append(out, dht...)
			return append(out, buf[i:]...)
		case 0xff: // fill byte
			i++
			continue
		}
		i += 2 + (int(buf[i+2])<<8 | int(buf[i+3]))
	}
	return buf
}

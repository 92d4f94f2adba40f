package qr

import (
	"image"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// benchSet is the frames a benchmark decodes: with a badge drawn from all
// the test sets in turn, and without.
type benchSet struct {
	badge, none []*image.Gray
}

var (
	benchOnce   sync.Once
	benchFrames map[[2]int]*benchSet
)

func framesFor(b *testing.B, w, h int) *benchSet {
	benchOnce.Do(func() {
		benchFrames = map[[2]int]*benchSet{}
		for _, size := range [][2]int{{1280, 720}, {640, 480}} {
			rng := rand.New(rand.NewPCG(99, uint64(size[0])))
			bs := &benchSet{}
			for i := range 24 {
				var sc scene
				if size[0] == 640 {
					sc = frameSets[len(frameSets)-1].scene(rng)
				} else {
					sc = frameSets[i%(len(frameSets)-1)].scene(rng)
				}
				img, err := render(&sc, rng)
				if err != nil {
					panic(err)
				}
				bs.badge = append(bs.badge, img)
				empty := camera(size[0], size[1], "", 0, rng)
				img, _ = render(&empty, rng)
				bs.none = append(bs.none, img)
			}
			benchFrames[size] = bs
		}
	})
	return benchFrames[[2]int{w, h}]
}

// run decodes the frames round robin and reports the median time per frame
// besides the mean.
func run(b *testing.B, frames []*image.Gray, decode func(*image.Gray) bool) {
	times := make([]time.Duration, 0, 1024)
	read := 0
	i := 0
	for b.Loop() {
		start := time.Now()
		if decode(frames[i%len(frames)]) {
			read++
		}
		times = append(times, time.Since(start))
		i++
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns")
	b.ReportMetric(float64(read)/float64(i), "read/op")
}

// bench runs decode on frames with a badge, without, and both mixed.
func bench(b *testing.B, w, h int, decode func(*image.Gray) bool) {
	fs := framesFor(b, w, h)
	b.Run("badge", func(b *testing.B) { run(b, fs.badge, decode) })
	b.Run("none", func(b *testing.B) { run(b, fs.none, decode) })
	b.Run("mixed", func(b *testing.B) { run(b, append(slices.Clone(fs.badge), fs.none...), decode) })
}

func ours(g *image.Gray) bool { return DecodeGray(g) != nil }

func plain(g *image.Gray) bool { return plainGozxing(g) != "" }

// gozxingRGBA is gozxing as its README shows it: the image converted
// through image.Image's At and RGBA, then the hybrid binarizer.
func gozxingRGBA(g *image.Gray) bool {
	bmp, err := gozxing.NewBinaryBitmapFromImage(g)
	if err != nil {
		return false
	}
	_, err = qrcode.NewQRCodeReader().Decode(bmp, nil)
	return err == nil
}

func BenchmarkDecodeGray1280x720(b *testing.B)   { bench(b, 1280, 720, ours) }
func BenchmarkDecodeGray640x480(b *testing.B)    { bench(b, 640, 480, ours) }
func BenchmarkPlainGozxing1280x720(b *testing.B) { bench(b, 1280, 720, plain) }
func BenchmarkPlainGozxing640x480(b *testing.B)  { bench(b, 640, 480, plain) }
func BenchmarkGozxingRGBA1280x720(b *testing.B)  { bench(b, 1280, 720, gozxingRGBA) }
func BenchmarkGozxingRGBA640x480(b *testing.B)   { bench(b, 640, 480, gozxingRGBA) }

package qr

import (
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// badgeKinds are the badge payloads printed before (a QR of version 10) and
// since (version 4 or less: booth's badge codes are 50–130 digits).
var badgeKinds = []struct {
	name   string
	digits func(*rand.Rand) string
}{
	{"v10", badgeDigits},
	{"v4", func(rng *rand.Rand) string { return digits(rng, 50+rng.IntN(81)) }},
}

// moduleFrames renders n webcam frames of badges of one kind whose modules
// are ppm pixels wide.
func moduleFrames(digits func(*rand.Rand) string, ppm float64, n int) ([]*image.Gray, []string) {
	rng := rand.New(rand.NewPCG(7, uint64(ppm*10)))
	var frames []*image.Gray
	var texts []string
	for range n {
		sc := camera(1280, 720, digits(rng), ppm, rng)
		img, err := render(&sc, rng)
		if err != nil {
			panic(err)
		}
		frames = append(frames, img)
		texts = append(texts, sc.text)
	}
	return frames, texts
}

// BenchmarkModuleSize reports the share of webcam frames read at 1.5, 2 and
// 3 pixels per module, for badges of version 10 and version 4, by this
// decoder (read/op) and by ZXing-C++ (zxing-cpp-read/op) where Debian's
// python3-zxing-cpp is installed. At the same distance a version-4 badge's
// modules are 57/33 = 1.7 times as wide as a version-10 badge's.
func BenchmarkModuleSize(b *testing.B) {
	const n = 100
	for _, kind := range badgeKinds {
		for _, ppm := range []float64{1.5, 2, 3} {
			frames, texts := moduleFrames(kind.digits, ppm, n)
			b.Run(fmt.Sprintf("%s/%gpx", kind.name, ppm), func(b *testing.B) {
				read, i := 0, 0
				for b.Loop() {
					if slices.Contains(DecodeGray(frames[i%n]), texts[i%n]) {
						read++
					}
					i++
				}
				b.ReportMetric(float64(read)/float64(i), "read/op")
				if share, err := zxingCpp(b.TempDir(), frames, texts); err == nil {
					b.ReportMetric(share, "zxing-cpp-read/op")
				} else {
					b.Logf("ZXing-C++ not run: %v", err)
				}
			})
		}
	}
}

// zxingCppScript reads raw grey frames named W_H_I.raw and prints, for
// each, the text of the first QR code ZXing-C++ finds (an empty line if none).
const zxingCppScript = `
import sys, os, numpy, zxingcpp
d = sys.argv[1]
for name in sorted(os.listdir(d), key=lambda s: int(s.split("_")[2].split(".")[0])):
    w, h = int(name.split("_")[0]), int(name.split("_")[1])
    img = numpy.fromfile(os.path.join(d, name), dtype=numpy.uint8).reshape(h, w)
    r = zxingcpp.read_barcode(img, formats=zxingcpp.BarcodeFormat.QRCode)
    print(r.text if r is not None and r.valid else "")
`

// zxingCpp returns the share of frames ZXing-C++ reads correctly.
func zxingCpp(dir string, frames []*image.Gray, texts []string) (float64, error) {
	for i, f := range frames {
		name := fmt.Sprintf("%d_%d_%d.raw", f.Rect.Dx(), f.Rect.Dy(), i)
		if err := os.WriteFile(filepath.Join(dir, name), f.Pix, 0o600); err != nil {
			return 0, err
		}
	}
	out, err := exec.Command("/usr/bin/python3", "-c", zxingCppScript, dir).Output()
	if err != nil {
		return 0, fmt.Errorf("%v (Debian: apt-get install python3-zxing-cpp python3-numpy)", err)
	}
	lines := strings.Split(string(out), "\n")
	lines = lines[:len(lines)-1] // after the last newline
	if len(lines) != len(frames) {
		return 0, fmt.Errorf("%d answers for %d frames", len(lines), len(frames))
	}
	read := 0
	for i, l := range lines {
		if l == texts[i] {
			read++
		}
	}
	return float64(read) / float64(len(frames)), nil
}

package qr

import (
	"fmt"
	"image"
	"image/color/palette"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/skip2/go-qrcode"
)

// frameSet is a family of synthetic frames (see synth_test.go) with the
// share of them that must decode: the goal for tilt and large codes, a
// little under what is reached for the others.
type frameSet struct {
	name  string
	n     int
	floor float64
	scene func(rng *rand.Rand) scene
}

// uniform returns a value in [lo, hi).
func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

var frameSets = []frameSet{
	{"tilt", 120, 0.95, func(rng *rand.Rand) scene {
		sc := camera(1280, 720, badgeDigits(rng), uniform(rng, 3.5, 7), rng)
		sc.tilt, sc.farSide = 0.75, rng.IntN(4)
		return sc
	}},
	{"rotation>=200px", 120, 0.98, func(rng *rand.Rand) scene {
		if rng.IntN(3) == 0 {
			// Short codes (version 1) can be large at any angle.
			return camera(1280, 720, digits(rng, 13), uniform(rng, 9.6, 12), rng)
		}
		return camera(1280, 720, badgeDigits(rng), uniform(rng, 3.6, 7.5), rng)
	}},
	{"small", 100, 0.95, func(rng *rand.Rand) scene {
		return camera(1280, 720, badgeDigits(rng), uniform(rng, 2.5, 3.2), rng)
	}},
	{"blur", 100, 0.95, func(rng *rand.Rand) scene {
		sc := camera(1280, 720, badgeDigits(rng), uniform(rng, 4, 7), rng)
		sc.blur = uniform(rng, 1, 0.35*sc.module)
		return sc
	}},
	{"noise", 100, 0.95, func(rng *rand.Rand) scene {
		sc := camera(1280, 720, badgeDigits(rng), uniform(rng, 3.5, 7), rng)
		sc.noise = uniform(rng, 12, 25)
		return sc
	}},
	{"glare", 100, 0.95, func(rng *rand.Rand) scene {
		sc := camera(1280, 720, badgeDigits(rng), uniform(rng, 4, 7), rng)
		sc.glare = true
		return sc
	}},
	{"low-contrast", 100, 0.95, func(rng *rand.Rand) scene {
		sc := camera(1280, 720, badgeDigits(rng), uniform(rng, 3.5, 7), rng)
		sc.dark, sc.light = uint8(90+rng.IntN(20)), uint8(150+rng.IntN(20))
		return sc
	}},
	{"hard", 100, 0.95, func(rng *rand.Rand) scene {
		// Everything at once: tilted, small, soft, grainy, sometimes glare.
		sc := camera(1280, 720, badgeDigits(rng), uniform(rng, 3, 4.5), rng)
		sc.tilt, sc.farSide = 0.75, rng.IntN(4)
		sc.blur = uniform(rng, 0.8, 1.2)
		sc.noise = uniform(rng, 6, 12)
		sc.glare = rng.IntN(3) == 0
		return sc
	}},
	{"640x480", 100, 0.95, func(rng *rand.Rand) scene {
		sc := camera(640, 480, badgeDigits(rng), uniform(rng, 2.8, 5), rng)
		if rng.IntN(2) == 0 {
			sc.tilt, sc.farSide = 0.75, rng.IntN(4)
		}
		return sc
	}},
}

// plainGozxing decodes g the ordinary way: gozxing's hybrid binarizer and
// QR reader on the grey plane.
func plainGozxing(g *image.Gray) string {
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.Pix, g.Stride, g.Rect.Dy(), 0, 0, g.Rect.Dx(), g.Rect.Dy(), false)
	if err != nil {
		return ""
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		return ""
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return ""
	}
	return res.GetText()
}

// TestDecodeRates decodes every frame set, logs the rate beside plain
// gozxing's on the same frames, and fails on any wrong text or a rate under
// the set's floor. The seeds are fixed, so runs repeat exactly.
func TestDecodeRates(t *testing.T) {
	for si, set := range frameSets {
		t.Run(set.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(si+1), 42))
			ok, plain := 0, 0
			var spent time.Duration
			for i := range set.n {
				sc := set.scene(rng)
				img, err := render(&sc, rng)
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				got := DecodeGray(img)
				spent += time.Since(start)
				switch {
				case len(got) == 1 && got[0] == sc.text:
					ok++
				case len(got) > 0:
					t.Errorf("frame %d: read %q, want %q", i, got, sc.text)
				}
				if !raceEnabled && plainGozxing(img) == sc.text {
					plain++
				}
			}
			rate := float64(ok) / float64(set.n)
			reference := "not run under the race detector"
			if !raceEnabled {
				reference = fmt.Sprintf("%5.1f%%", 100*float64(plain)/float64(set.n))
			}
			t.Logf("%-16s decoded %3d/%d = %5.1f%%  (plain gozxing %s)  mean %v/frame",
				set.name, ok, set.n, 100*rate, reference, spent/time.Duration(set.n))
			if rate < set.floor {
				t.Errorf("decoded %.1f%%, want at least %.1f%%", 100*rate, 100*set.floor)
			}
		})
	}
}

// TestNoCode checks that frames of clutter without a code read as nil.
func TestNoCode(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 42))
	for i := range 60 {
		w, h := 1280, 720
		if i%2 == 1 {
			w, h = 640, 480
		}
		sc := camera(w, h, "", 0, rng)
		img, err := render(&sc, rng)
		if err != nil {
			t.Fatal(err)
		}
		if got := DecodeGray(img); got != nil {
			t.Errorf("frame %d: read %q from a frame without a code", i, got)
		}
	}
}

// TestNoiseNeverReads feeds noise of several kinds, including grids that
// have a QR code's finder and timing patterns around random modules, the
// worst case for a wrong read: they reach the Reed–Solomon check every time.
func TestNoiseNeverReads(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 42))
	const frames = 240
	for i := range frames {
		img := noiseFrame(i%4, rng)
		if got := DecodeGray(img); got != nil {
			t.Errorf("noise frame %d (kind %d): read %q", i, i%4, got)
		}
	}
}

// noiseFrame returns a 640×480 frame of one kind of noise: uniform, grey
// Gaussian, random cells, or fake codes.
func noiseFrame(kind int, rng *rand.Rand) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 640, 480))
	switch kind {
	case 0:
		for i := range img.Pix {
			img.Pix[i] = uint8(rng.IntN(256))
		}
	case 1:
		fillRect(img, img.Rect, uint8(60+rng.IntN(140)))
		addNoise(img, uniform(rng, 20, 60), rng)
	case 2:
		cell := 1 + rng.IntN(6)
		for y := 0; y < 480; y += cell {
			for x := 0; x < 640; x += cell {
				fillRect(img, image.Rect(x, y, x+cell, y+cell), uint8(255*rng.IntN(2)))
			}
		}
		gaussianBlur(img, img.Rect, uniform(rng, 0.3, 1))
	case 3:
		fillRect(img, img.Rect, 230)
		sc := camera(640, 480, "", uniform(rng, 3, 6), rng)
		bm := fakeCode([]int{1, 2, 3, 5, 10}[rng.IntN(5)], rng)
		if rng.IntN(2) == 0 {
			sc.tilt, sc.farSide = 0.75, rng.IntN(4)
		}
		sc.module = min(sc.module, 300/float64(len(bm)))
		box := drawCode(img, &sc, bm, rng)
		gaussianBlur(img, box, sc.blur)
		addNoise(img, sc.noise, rng)
	}
	return img
}

// fakeCode returns a module grid of the given version with quiet zone,
// finder, separator and timing patterns in place and every other module
// random.
func fakeCode(version int, rng *rand.Rand) [][]bool {
	d := 4*version + 17
	bm := make([][]bool, d+8)
	for y := range bm {
		bm[y] = make([]bool, d+8)
		for x := range bm[y] {
			inside := x >= 4 && y >= 4 && x < d+4 && y < d+4
			bm[y][x] = inside && rng.IntN(2) == 0
		}
	}
	set := func(x, y int, dark bool) { bm[y+4][x+4] = dark }
	for _, o := range [][2]int{{0, 0}, {d - 7, 0}, {0, d - 7}} {
		for y := -1; y <= 7; y++ {
			for x := -1; x <= 7; x++ {
				if o[0]+x < 0 || o[1]+y < 0 || o[0]+x >= d || o[1]+y >= d {
					continue
				}
				ring := max(abs(x-3), abs(y-3))
				set(o[0]+x, o[1]+y, ring != 2 && ring != 4)
			}
		}
	}
	for i := 8; i < d-8; i++ {
		set(i, 6, i%2 == 0)
		set(6, i, i%2 == 0)
	}
	return bm
}

// The fixtures were made with Debian's qrencode 4.1.1:
//
//	qrencode -l M -s 3 -o testdata/qrencode-short.png '4903725104519'
//	qrencode -l M -s 3 -o testdata/qrencode-badge.png "$(printf '0123456789%.0s' $(seq 50))"
var qrencodeFixtures = []struct{ file, text string }{
	{"qrencode-short.png", "4903725104519"},
	{"qrencode-badge.png", strings.Repeat("0123456789", 50)},
}

// TestQrencodeFixtures reads codes made by another encoder than the one
// the synthetic frames use: as the paletted PNG itself, and redrawn from
// its modules into a tilted, noisy camera frame.
func TestQrencodeFixtures(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 42))
	for _, fx := range qrencodeFixtures {
		f, err := os.Open(filepath.Join("testdata", fx.file))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := Decode(img); !slices.Equal(got, []string{fx.text}) {
			t.Errorf("%s: read %q", fx.file, got)
		}
		// Three pixels per module, quiet zone included.
		n := img.Bounds().Dx() / 3
		bm := make([][]bool, n)
		for y := range bm {
			bm[y] = make([]bool, n)
			for x := range bm[y] {
				r, _, _, _ := img.At(3*x+1, 3*y+1).RGBA()
				bm[y][x] = r < 0x8000
			}
		}
		ok, plain := 0, 0
		for range 20 {
			sc := camera(1280, 720, fx.text, uniform(rng, 3, 6), rng)
			sc.tilt, sc.farSide = 0.75, rng.IntN(4)
			frame := renderBitmap(&sc, bm, rng)
			if got := DecodeGray(frame); slices.Equal(got, []string{fx.text}) {
				ok++
			} else if got != nil {
				t.Errorf("%s in a frame: read %q", fx.file, got)
			}
			if !raceEnabled && plainGozxing(frame) == fx.text {
				plain++
			}
		}
		t.Logf("%s in tilted frames: %d/20 read (plain gozxing %d/20)", fx.file, ok, plain)
		if ok < 19 {
			t.Errorf("%s in tilted frames: only %d/20 read", fx.file, ok)
		}
	}
}

// TestBadgePayload checks the synthetic badges are what the desk prints:
// numeric codes of version 10 at level M.
func TestBadgePayload(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 42))
	for range 50 {
		text := badgeDigits(rng)
		q, err := qrcode.New(text, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		if q.VersionNumber != 10 {
			t.Errorf("%d digits: version %d, want 10", len(text), q.VersionNumber)
		}
	}
}

// textCases are payloads beyond the badge's digits, in every QR mode;
// they also seed FuzzDecodeGray.
var textCases = []string{
	"4903725104519",
	"HELLO WORLD 42",
	"https://medibooth.example/v/8c1f2e",
	"Zürich – Ärztekongress 2026",
	strings.Repeat("9", 513),
}

func TestTexts(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 42))
	for _, text := range textCases {
		q, err := qrcode.New(text, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		if q.VersionNumber > 10 {
			t.Fatalf("%q needs version %d", text, q.VersionNumber)
		}
		for i := range 5 {
			sc := camera(1280, 720, text, uniform(rng, 4, 7), rng)
			if i%2 == 1 {
				sc.tilt, sc.farSide = 0.75, rng.IntN(4)
			}
			img, err := render(&sc, rng)
			if err != nil {
				t.Fatal(err)
			}
			if got := DecodeGray(img); !slices.Equal(got, []string{text}) {
				t.Errorf("%.20q frame %d: read %q", text, i, got)
			}
		}
	}
}

// TestImageTypes checks that every image type reads like the grey plane,
// including a sub-image whose stride is wider than its width.
func TestImageTypes(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 42))
	sc := camera(640, 480, badgeDigits(rng), 5, rng)
	g, err := render(&sc, rng)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{sc.text}
	b := g.Bounds()
	rgba := image.NewRGBA(b)
	nrgba := image.NewNRGBA(b)
	ycc := image.NewYCbCr(b, image.YCbCrSubsampleRatio420)
	pal := image.NewPaletted(b, palette.Plan9)
	big := image.NewGray(image.Rect(0, 0, 700, 500))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			v := g.GrayAt(x, y)
			rgba.Set(x, y, v)
			nrgba.Set(x, y, v)
			pal.Set(x, y, v)
			ycc.Y[ycc.YOffset(x, y)] = v.Y
			big.SetGray(x+60, y+20, v)
		}
	}
	for name, img := range map[string]image.Image{
		"Gray": g, "RGBA": rgba, "NRGBA": nrgba, "YCbCr": ycc, "Paletted": pal,
		"SubImage": big.SubImage(image.Rect(60, 20, 700, 500)),
	} {
		if got := Decode(img); !slices.Equal(got, want) {
			t.Errorf("%s: read %.30q", name, got)
		}
	}
}

// TestTwoCodes puts two badges in one frame: both are read, the upper one
// first, and a badge shown twice is listed once.
func TestTwoCodes(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 42))
	a, b := badgeDigits(rng), badgeDigits(rng)
	img := image.NewGray(image.Rect(0, 0, 1280, 720))
	fillRect(img, img.Rect, 120)
	place := func(text string, x, y float64) {
		q, err := qrcode.New(text, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		bm := q.Bitmap()
		side := 4.5 * float64(len(bm))
		sc := scene{w: 1280, h: 720, dark: 30, light: 220}
		quad := [4]pt{{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}}
		drawQuad(img, &sc, bm, quad)
	}
	place(b, 700, 380)
	place(a, 100, 20)
	if got := DecodeGray(img); !slices.Equal(got, []string{a, b}) {
		t.Errorf("read %d texts, want the upper badge then the lower", len(got))
	}
	img2 := image.NewGray(image.Rect(0, 0, 1280, 720))
	fillRect(img2, img2.Rect, 120)
	img = img2
	place(a, 100, 20)
	place(a, 700, 380)
	if got := DecodeGray(img); !slices.Equal(got, []string{a}) {
		t.Errorf("same badge twice: read %d texts, want it once", len(got))
	}
}

// TestMirrored reads a code seen through the back of a transparent holder.
func TestMirrored(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 42))
	text := badgeDigits(rng)
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	bm := q.Bitmap()
	for _, row := range bm {
		slices.Reverse(row)
	}
	sc := camera(1280, 720, text, 5, rng)
	if got := DecodeGray(renderBitmap(&sc, bm, rng)); !slices.Equal(got, []string{text}) {
		t.Errorf("mirrored: read %.30q", got)
	}
}

// TestDegenerate checks images with nothing to read in them.
func TestDegenerate(t *testing.T) {
	for _, img := range []image.Image{
		nil,
		image.NewGray(image.Rect(0, 0, 0, 0)),
		image.NewGray(image.Rect(0, 0, 1, 1)),
		image.NewGray(image.Rect(5, 5, 45, 13)),
		image.NewRGBA(image.Rect(0, 0, 3, 200)),
		image.NewGray(image.Rect(0, 0, 640, 480)), // all black
	} {
		if got := Decode(img); got != nil {
			t.Errorf("%T %v: read %q", img, img.Bounds(), got)
		}
	}
	var g *image.Gray
	if got := DecodeGray(g); got != nil {
		t.Errorf("nil *image.Gray: read %q", got)
	}
}

// FuzzDecodeGray decodes arbitrary bytes as a small grey image: nothing may
// panic, and whatever is read must come back the same on a second call.
func FuzzDecodeGray(f *testing.F) {
	for _, text := range textCases[:4] {
		q, err := qrcode.New(text, qrcode.Medium)
		if err != nil {
			f.Fatal(err)
		}
		bm := q.Bitmap()
		n := len(bm)
		seed := []byte{byte(2*n - 1), byte(2*n - 1)}
		for y := range 2 * n {
			for x := range 2 * n {
				v := byte(230)
				if bm[y/2][x/2] {
					v = 20
				}
				seed = append(seed, v)
			}
		}
		f.Add(seed)
	}
	f.Add([]byte{0, 0})
	f.Add([]byte{200, 3, 0, 255, 0, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		w, h := 1+int(data[0]), 1+int(data[1])
		g := image.NewGray(image.Rect(0, 0, w, h))
		if px := data[2:]; len(px) > 0 {
			for i := range g.Pix {
				g.Pix[i] = px[i%len(px)]
			}
		}
		first := DecodeGray(g)
		if again := DecodeGray(g); !slices.Equal(first, again) {
			t.Fatalf("read %q, then %q", first, again)
		}
	})
}

// TestImports keeps the package free of the UI and the store.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/makiuchi-d/gozxing") {
		t.Fatalf("go list -deps gave %d packages without gozxing; the check is broken", len(deps))
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "fyne.io/") || d == "database/sql" || strings.HasPrefix(d, "modernc.org/") {
			t.Errorf("qr depends on %s", d)
		}
	}
}

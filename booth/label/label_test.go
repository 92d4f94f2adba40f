package label

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	goqr "github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/math/fixed"

	"medibooth/assets"
	"medibooth/booth"
)

var fonts = Fonts{Regular: assets.FontRegular, Bold: assets.FontBold}

const (
	kazakhLetters = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
	event         = "Almaty Health Consultation 2026"
)

// code513 is the longest numeric code a version-10 QR code holds at level M.
var code513 = strings.Repeat("1234567890", 51) + "123"

var badges = map[string]Badge{
	"ko":             {Name: "김민준", Latin: "Kim Minjun", Type: "환자 / Patient", Event: event, Code: "1000000000017", Number: "A-0042"},
	"ru":             {Name: "Айгерим Байжанова", Latin: "Aigerim Baizhanova", Type: "Пациент / Patient", Event: event, Code: "1234567890128", Number: "17"},
	"kk":             {Name: "Әйгерім Қалиева", Latin: "Aigerim Qaliyeva", Type: "Сопровождающий / Companion", Event: event, Code: "1987654321098", Number: "305"},
	"latin":          {Name: "John O'Neil", Latin: "John O'Neil", Type: "Partner", Event: event, Code: "1111111111116"},
	"kazakh letters": {Name: kazakhLetters, Type: "Пациент", Event: event, Code: "1000000000024"},
	"long": {Name: "Нурсултан Абдуллаевич Жумабеков-Кайратулы Оразбеков Ерланұлы", Latin: "Nursultan Abdullaevich Zhumabekov-Kairatuly Orazbekov Erlanuly",
		Type: "Пациент / Patient", Event: event, Code: code513, Number: "99999"},
	"one long word": {Name: strings.Repeat("Жумабеков", 7), Type: "Doctor", Event: event, Code: "1000000000031"},
	"no extras":     {Name: "Ли", Code: "1"},
}

func decodePNG(t *testing.T, p []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(p))
	if err != nil {
		t.Fatalf("decode PNG: %v", err)
	}
	return img
}

// readQR decodes the one QR code in img.
func readQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("QR code not readable: %v", err)
	}
	return res.GetText()
}

// dark counts the pixels darker than mid-grey in r.
func dark(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c, _, _, _ := img.At(x, y).RGBA(); c < 0x8000 {
				n++
			}
		}
	}
	return n
}

func TestPNG(t *testing.T) {
	for name, b := range badges {
		t.Run(name, func(t *testing.T) {
			p, err := PNG(b, fonts)
			if err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, p)
			if got := img.Bounds().Size(); got != image.Pt(732, 1181) {
				t.Fatalf("size %v, want 732×1181 (62×100 mm at 300 dpi)", got)
			}
			if got := readQR(t, img); got != b.Code {
				t.Errorf("QR holds %q, want %q", got, b.Code)
			}
			if n := dark(img, portrait.name.at.image()); n < 2000 {
				t.Errorf("name area has %d dark pixels; the name was not drawn", n)
			}
			if !bytes.Contains(p[:64], []byte("pHYs")) {
				t.Error("PNG does not record its resolution")
			}
		})
	}
}

// TestQRSize checks the QR code is large, with modules of whole pixels and a
// white quiet zone of at least four modules inside the label.
func TestQRSize(t *testing.T) {
	for _, tc := range []struct {
		code           string
		minMM, maxMM   float64 // symbol width
		wantModulesMin int
	}{
		{"1000000000017", 40, 50, 21},
		{code513, 45, 50, 57},
	} {
		p, err := PNG(Badge{Name: "Test", Code: tc.code}, fonts)
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, p)
		zone := portrait.qr.image()
		box := image.Rectangle{Min: zone.Max, Max: zone.Min}
		for y := zone.Min.Y; y < zone.Max.Y; y++ {
			for x := zone.Min.X; x < zone.Max.X; x++ {
				if c, _, _, _ := img.At(x, y).RGBA(); c < 0x8000 {
					box = box.Union(image.Rect(x, y, x+1, y+1))
				}
			}
		}
		mods, _ := qrModules(tc.code)
		n := len(mods)
		if n < tc.wantModulesMin {
			t.Errorf("%d modules, want at least %d", n, tc.wantModulesMin)
		}
		module := box.Dx() / n
		if box.Dx() != box.Dy() || box.Dx()%n != 0 {
			t.Errorf("symbol %v is not %d whole-pixel modules square", box, n)
		}
		if mm := float64(box.Dx()) * 25.4 / dpi; mm < tc.minMM || mm > tc.maxMM {
			t.Errorf("symbol is %.1f mm wide, want %.0f–%.0f", mm, tc.minMM, tc.maxMM)
		}
		qz := box.Inset(-quiet * module)
		if !qz.In(img.Bounds()) {
			t.Fatalf("quiet zone %v leaves the label", qz)
		}
		if d := dark(img, qz) - dark(img, box); d != 0 {
			t.Errorf("%d dark pixels in the quiet zone", d)
		}
	}
}

// TestLayouts checks no two parts of a badge share space and all stay on it,
// a few millimetres from the edge where printers stop.
func TestLayouts(t *testing.T) {
	for name, l := range map[string]*layout{"portrait": &portrait, "landscape": &landscape} {
		parts := map[string]rect{"event": l.event.at, "name": l.name.at, "latin": l.latin.at,
			"band": l.band.at, "number": l.number.at, "qr": l.qr}
		badge := image.Rect(0, 0, int(mmToPx(l.w)), int(mmToPx(l.h)))
		for a, ra := range parts {
			if a != "qr" && !ra.image().In(badge.Inset(int(mmToPx(1.5)))) {
				t.Errorf("%s: %s %v is too close to the edge of %v", name, a, ra.image(), badge)
			}
			if !ra.image().In(badge) {
				t.Errorf("%s: %s %v leaves the badge", name, a, ra.image())
			}
			for b, rb := range parts {
				if a < b && ra.image().Overlaps(rb.image()) {
					t.Errorf("%s: %s and %s overlap", name, a, b)
				}
			}
		}
	}
}

// TestConcurrent renders badges from several goroutines, as the desk may
// while a sheet is being made; run with -race.
func TestConcurrent(t *testing.T) {
	done := make(chan error)
	for _, b := range badges {
		go func() {
			_, err := PNG(b, fonts)
			done <- err
		}()
	}
	for range badges {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestGlyphCoverage(t *testing.T) {
	rd, err := newRenderer(fonts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"김민준 이서연", "Айгерим Байжанова Ёжикова", kazakhLetters, "John O'Neil-Smith", "Zoë Łukasiewicz"} {
		for _, ts := range []*typesetter{rd.regular, rd.bold} {
			gs := ts.set(s)
			if got := len(gs); got != len([]rune(s)) {
				t.Fatalf("%q set as %d glyphs", s, got)
			}
			for i, g := range gs {
				if g.r != []rune(s)[i] {
					t.Errorf("%q: %q replaced by %q", s, []rune(s)[i], g.r)
				}
				if g.r != ' ' && !ts.has(g.font, g.r) {
					t.Errorf("%q: %q would draw as a box", s, g.r)
				}
				if g.adv <= 0 {
					t.Errorf("%q: %q has no width", s, g.r)
				}
			}
		}
	}
	// Every Kazakh letter alone: drawn, with ink.
	for _, r := range kazakhLetters {
		p, err := PNG(Badge{Name: string(r), Code: "1"}, fonts)
		if err != nil {
			t.Fatal(err)
		}
		if n := dark(decodePNG(t, p), portrait.name.at.image()); n < 500 {
			t.Errorf("%q drew only %d dark pixels", r, n)
		}
	}
}

// TestFallback sets text in a font without Hangul or Kazakh letters (Go
// Regular) with Pretendard as fallback: a word the first font cannot set
// whole goes to the fallback whole, and a rune neither has becomes '?'.
func TestFallback(t *testing.T) {
	goFont, err := parseFont(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	pre, err := parseFont(assets.FontRegular)
	if err != nil {
		t.Fatal(err)
	}
	ts := newTypesetter(goFont, pre)
	if ts.has(0, '김') || ts.has(0, 'Қ') {
		t.Fatal("Go Regular has Hangul or Қ; the test needs a font without")
	}
	gs := ts.set("Health 서울 Қалиева 😀")
	var words [][]glyph
	start := 0
	for i, g := range gs {
		if g.r == ' ' {
			words = append(words, gs[start:i])
			start = i + 1
		}
	}
	words = append(words, gs[start:])
	for i, want := range []int{0, 1, 1, 0} {
		for _, g := range words[i] {
			if g.font != want {
				t.Errorf("word %d: %q in font %d, want %d", i, g.r, g.font, want)
			}
			if !ts.has(g.font, g.r) {
				t.Errorf("%q would draw as a box", g.r)
			}
		}
	}
	if r := words[3][0].r; r != '?' {
		t.Errorf("emoji set as %q, want '?'", r)
	}
}

// inkBounds is where a fitted block's glyphs put ink, in pixels.
func inkBounds(ts *typesetter, b block, box rectPx) fixed.Rectangle26_6 {
	var all fixed.Rectangle26_6
	top := box.y + (box.h-float64(len(b.lines))*ts.lineH*b.size)/2
	for i, ln := range b.lines {
		x := box.x + (box.w-width(ln)*b.size)/2
		y := math.Round(top + (ts.ascent+float64(i)*ts.lineH)*b.size)
		for _, g := range ln {
			f := ts.fonts[g.font]
			gi := ts.index(g.font, g.r)
			bd, _, _ := f.GlyphBounds(&ts.buf, gi, fixed.Int26_6(b.size*64), font.HintingNone)
			if g.r != ' ' {
				all = all.Union(bd.Add(fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}))
			}
			x += (g.adv + g.kern) * b.size
		}
	}
	return all
}

func TestFit(t *testing.T) {
	rd, err := newRenderer(fonts)
	if err != nil {
		t.Fatal(err)
	}
	ts := rd.bold
	for _, tc := range []struct {
		name  string
		lines int
		inner bool    // broken inside a word
		minPx float64 // smallest acceptable size
	}{
		{"Ли", 1, false, 80},
		{"김민준", 1, false, 80},
		{"Айгерим Байжанова", 2, false, 60},
		{"Жумабеков-Кайратулы", 2, false, 60},
		{badges["long"].Name, 2, false, 24},
		{strings.Repeat("Жумабеков", 7), 2, true, 22},
		{strings.Repeat("가나다라마바사아자차", 6), 2, true, 16},
		{strings.Repeat("Ж", 120), 2, true, 5},
	} {
		for _, l := range []*layout{&portrait, &landscape} {
			box := l.name
			p := box.at.px()
			b := ts.fit(ts.set(tc.name), p.w, p.h, ptToPx(box.maxPt), box.maxLines, ptToPx(box.wrapPt), ptToPx(box.breakPt))
			if len(b.lines) != tc.lines {
				t.Errorf("%q: %d lines, want %d", tc.name, len(b.lines), tc.lines)
			}
			var lines []string
			for _, ln := range b.lines {
				var sb strings.Builder
				for _, g := range ln {
					sb.WriteRune(g.r)
				}
				lines = append(lines, sb.String())
			}
			nospace := func(s string) string { return strings.ReplaceAll(s, " ", "") }
			if got := strings.Join(lines, ""); nospace(got) != nospace(tc.name) || strings.TrimSpace(got) != got {
				t.Errorf("%q: lines %q", tc.name, lines)
			}
			if len(lines) == 2 {
				end, _ := utf8.DecodeLastRuneInString(lines[0])
				inner := end != '-' && !strings.Contains(tc.name, lines[0]+" ")
				if inner != tc.inner {
					t.Errorf("%q: lines %q break inside a word: %v, want %v", tc.name, lines, inner, tc.inner)
				}
			}
			if b.size < tc.minPx {
				t.Errorf("%q: %.1f px is too small to read", tc.name, b.size)
			}
			ink := inkBounds(ts, b, p)
			in := fixed.R(int(p.x)-1, int(p.y)-1, int(p.x+p.w)+2, int(p.y+p.h)+2)
			if ink.Intersect(in) != ink {
				t.Errorf("%q at %.1f px: ink %v leaves its box %v", tc.name, b.size, ink, in)
			}
		}
	}
}

func TestInvalid(t *testing.T) {
	for _, b := range []Badge{{Code: "1"}, {Name: "  ", Code: "1"}, {Name: "Ли"}, {Name: "Ли", Code: " "}} {
		if _, err := PNG(b, fonts); booth.ErrorCode(err) != booth.EINVALID {
			t.Errorf("PNG(%+v): %v, want invalid", b, err)
		}
		if _, err := LabelPDF([]Badge{badges["ru"], b}, fonts); booth.ErrorCode(err) != booth.EINVALID {
			t.Errorf("LabelPDF(%+v): %v, want invalid", b, err)
		} else if msg := booth.ErrorMessage(err); !strings.HasPrefix(msg, "Badge 2 of 2: ") {
			t.Errorf("message %q does not say which badge", msg)
		}
		if _, err := SheetPDF([]Badge{b}, fonts); booth.ErrorCode(err) != booth.EINVALID {
			t.Errorf("SheetPDF(%+v): %v, want invalid", b, err)
		}
	}
	if _, err := SheetPDF(nil, fonts); booth.ErrorCode(err) != booth.EINVALID {
		t.Errorf("SheetPDF(nil): %v", err)
	}
	if _, err := PNG(Badge{Name: "Ли", Code: strings.Repeat("9", 8000)}, fonts); booth.ErrorCode(err) != booth.EINVALID {
		t.Errorf("8000-digit code: %v", err)
	}
	if _, err := PNG(badges["ru"], Fonts{}); err == nil {
		t.Error("no fonts: no error")
	}
	if _, err := PNG(badges["ru"], Fonts{Regular: []byte("not a font")}); err == nil {
		t.Error("bad font: no error")
	}
}

// TestSamples writes sample badges for people to look at when
// LABEL_SAMPLES names a directory.
func TestSamples(t *testing.T) {
	dir := os.Getenv("LABEL_SAMPLES")
	if dir == "" {
		t.Skip("LABEL_SAMPLES not set")
	}
	for name, b := range badges {
		p, err := PNG(b, fonts)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "label-"+strings.ReplaceAll(name, " ", "-")+".png"), p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var all []Badge
	for _, k := range []string{"ru", "kk", "ko", "latin", "long", "one long word", "no extras", "kazakh letters", "ru"} {
		all = append(all, badges[k])
	}
	for name, f := range map[string]func([]Badge, Fonts) ([]byte, error){"sheet.pdf": SheetPDF, "labels.pdf": LabelPDF} {
		p, err := f(all, fonts)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// benchCode is as long as a signed badge code.
var benchCode = strings.Repeat("8", 493)

func BenchmarkPNG(b *testing.B) {
	bd := badges["ru"]
	bd.Code = benchCode
	for b.Loop() {
		if _, err := PNG(bd, fonts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSheetPDF(b *testing.B) {
	bs := make([]Badge, 8)
	for i := range bs {
		bs[i] = badges["kk"]
	}
	for b.Loop() {
		if _, err := SheetPDF(bs, fonts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGoQRCodePNG is the reference for BenchmarkPNG: go-qrcode writing
// only the QR of the same code as a PNG of the same width.
func BenchmarkGoQRCodePNG(b *testing.B) {
	for b.Loop() {
		if _, err := goqr.Encode(benchCode, goqr.Medium, 732); err != nil {
			b.Fatal(err)
		}
	}
}

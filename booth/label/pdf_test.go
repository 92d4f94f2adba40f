package label

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pdfObject is one indirect object of a parsed PDF.
type pdfObject struct {
	dict   string
	stream []byte
}

var (
	reLength   = regexp.MustCompile(`/Length (\d+)`)
	reMediaBox = regexp.MustCompile(`/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]`)
	reRef      = regexp.MustCompile(`/Im\d+ (\d+) 0 R`)
	reKids     = regexp.MustCompile(`/Kids \[([^\]]*)\]`)
	reObjRef   = regexp.MustCompile(`(\d+) 0 R`)
	reCount    = regexp.MustCompile(`/Count (\d+)`)
	reWidth    = regexp.MustCompile(`/Width (\d+) /Height (\d+)`)
	rePlace    = regexp.MustCompile(`q ([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm /Im\d+ Do Q`)
)

// parsePDF reads a PDF the way a viewer does, through the cross-reference
// table at startxref, and fails the test where the structure is wrong.
func parsePDF(t *testing.T, p []byte) map[int]pdfObject {
	t.Helper()
	if !bytes.HasPrefix(p, []byte("%PDF-1.")) || !bytes.HasSuffix(p, []byte("%%EOF\n")) {
		t.Fatal("not a PDF: the header or the end-of-file marker is missing")
	}
	i := bytes.LastIndex(p, []byte("startxref\n"))
	if i < 0 {
		t.Fatal("no startxref")
	}
	xref, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(string(p[i+10:]), "%%EOF\n")))
	if err != nil || xref >= len(p) || !bytes.HasPrefix(p[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	var n int
	if _, err := fmt.Sscanf(string(p[xref:]), "xref\n0 %d\n", &n); err != nil {
		t.Fatal(err)
	}
	table := p[xref+len(fmt.Sprintf("xref\n0 %d\n", n)):]
	if string(table[:20]) != "0000000000 65535 f \n" {
		t.Fatalf("xref entry 0 is %q", table[:20])
	}
	if !bytes.Contains(table[20*n:], []byte(fmt.Sprintf("trailer\n<< /Size %d /Root 1 0 R >>", n))) {
		t.Error("trailer missing or with a wrong /Size")
	}
	objs := map[int]pdfObject{}
	for num := 1; num < n; num++ {
		e := string(table[20*num : 20*num+20])
		if !strings.HasSuffix(e, " 00000 n \n") {
			t.Fatalf("xref entry %d is %q", num, e)
		}
		off, _ := strconv.Atoi(e[:10])
		head := fmt.Sprintf("%d 0 obj\n", num)
		if !bytes.HasPrefix(p[off:], []byte(head)) {
			t.Fatalf("xref offset %d of object %d points at %q", off, num, p[off:min(off+20, len(p))])
		}
		rest := p[off+len(head):]
		var o pdfObject
		if s := bytes.Index(rest, []byte("\nstream\n")); s >= 0 && s < bytes.Index(rest, []byte("endobj")) {
			o.dict = string(rest[:s])
			m := reLength.FindStringSubmatch(o.dict)
			if m == nil {
				t.Fatalf("object %d: stream without /Length", num)
			}
			l, _ := strconv.Atoi(m[1])
			body := rest[s+8:]
			o.stream = body[:l]
			if !bytes.HasPrefix(body[l:], []byte("\nendstream\nendobj\n")) {
				t.Fatalf("object %d: /Length %d does not end at endstream", num, l)
			}
		} else {
			end := bytes.Index(rest, []byte("\nendobj\n"))
			if end < 0 {
				t.Fatalf("object %d has no endobj", num)
			}
			o.dict = string(rest[:end])
		}
		objs[num] = o
	}
	return objs
}

// pdfPage is what a test wants to know about one page.
type pdfPage struct {
	w, h   float64 // points
	images []image.Image
	places [][4]float64 // x, y, w, h in points, as drawn
}

func pdfPages(t *testing.T, p []byte) []pdfPage {
	t.Helper()
	objs := parsePDF(t, p)
	if !strings.Contains(objs[1].dict, "/Type /Catalog /Pages 2 0 R") {
		t.Fatalf("object 1 is not the catalog: %s", objs[1].dict)
	}
	kids := reKids.FindStringSubmatch(objs[2].dict)
	count := reCount.FindStringSubmatch(objs[2].dict)
	if kids == nil || count == nil || !strings.Contains(objs[2].dict, "/Type /Pages") {
		t.Fatalf("object 2 is not the page tree: %s", objs[2].dict)
	}
	typePage := 0
	for _, o := range objs {
		if strings.Contains(o.dict, "/Type /Page ") {
			typePage++
		}
	}
	var pages []pdfPage
	for _, k := range reObjRef.FindAllStringSubmatch(kids[1], -1) {
		num, _ := strconv.Atoi(k[1])
		pg := objs[num]
		if !strings.Contains(pg.dict, "/Type /Page /Parent 2 0 R") {
			t.Fatalf("kid %d is not a page: %s", num, pg.dict)
		}
		var page pdfPage
		mb := reMediaBox.FindStringSubmatch(pg.dict)
		page.w, _ = strconv.ParseFloat(mb[1], 64)
		page.h, _ = strconv.ParseFloat(mb[2], 64)
		for _, ref := range reRef.FindAllStringSubmatch(pg.dict, -1) {
			n, _ := strconv.Atoi(ref[1])
			page.images = append(page.images, inflateImage(t, objs[n]))
		}
		var cs int
		fmt.Sscanf(pg.dict[strings.Index(pg.dict, "/Contents "):], "/Contents %d 0 R", &cs)
		for _, m := range rePlace.FindAllStringSubmatch(string(objs[cs].stream), -1) {
			var pl [4]float64
			for i := range pl {
				pl[i], _ = strconv.ParseFloat(m[[]int{3, 4, 1, 2}[i]], 64)
			}
			page.places = append(page.places, pl)
		}
		pages = append(pages, page)
	}
	if c, _ := strconv.Atoi(count[1]); c != len(pages) || typePage != len(pages) {
		t.Errorf("/Count %d, %d /Type /Page objects, %d kids", c, typePage, len(pages))
	}
	return pages
}

func inflateImage(t *testing.T, o pdfObject) image.Image {
	t.Helper()
	if !strings.Contains(o.dict, "/Subtype /Image") || !strings.Contains(o.dict, "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode") {
		t.Fatalf("not a grey Flate image: %s", o.dict)
	}
	m := reWidth.FindStringSubmatch(o.dict)
	w, _ := strconv.Atoi(m[1])
	h, _ := strconv.Atoi(m[2])
	zr, err := zlib.NewReader(bytes.NewReader(o.stream))
	if err != nil {
		t.Fatal(err)
	}
	pix, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if len(pix) != w*h {
		t.Fatalf("image %d×%d inflates to %d bytes", w, h, len(pix))
	}
	return &image.Gray{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h)}
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func TestLabelPDF(t *testing.T) {
	bs := []Badge{badges["ru"], badges["kk"], badges["long"]}
	p, err := LabelPDF(bs, fonts)
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, p)
	if len(pages) != len(bs) {
		t.Fatalf("%d pages, want %d", len(pages), len(bs))
	}
	for i, pg := range pages {
		if !near(pg.w, 62*72/25.4) || !near(pg.h, 100*72/25.4) {
			t.Errorf("page %d is %.3f×%.3f pt, want 62×100 mm", i+1, pg.w, pg.h)
		}
		if len(pg.images) != 1 || len(pg.places) != 1 {
			t.Fatalf("page %d has %d images", i+1, len(pg.images))
		}
		if got := pg.places[0]; !near(got[0], 0) || !near(got[1], 0) || !near(got[2], pg.w) || !near(got[3], pg.h) {
			t.Errorf("page %d: image placed at %v, want the whole page", i+1, got)
		}
		if sz := pg.images[0].Bounds().Size(); sz != image.Pt(732, 1181) {
			t.Errorf("page %d: image %v, want 732×1181", i+1, sz)
		}
		if got := readQR(t, pg.images[0]); got != bs[i].Code {
			t.Errorf("page %d: QR holds %q, want %q", i+1, got, bs[i].Code)
		}
	}
}

func TestSheetPDF(t *testing.T) {
	nine := make([]Badge, 9)
	for i := range nine {
		nine[i] = badges["ru"]
		nine[i].Code = fmt.Sprintf("10000000000%02d", i)
	}
	nine[4] = badges["long"]
	for _, tc := range []struct {
		bs    []Badge
		pages []int // images per page
	}{
		{nine[:1], []int{1}},
		{nine[:8], []int{8}},
		{nine, []int{8, 1}},
	} {
		p, err := SheetPDF(tc.bs, fonts)
		if err != nil {
			t.Fatal(err)
		}
		pages := pdfPages(t, p)
		if len(pages) != len(tc.pages) {
			t.Fatalf("%d badges: %d pages, want %d", len(tc.bs), len(pages), len(tc.pages))
		}
		for i, pg := range pages {
			if !near(pg.w, 595.2756) || !near(pg.h, 841.8898) {
				t.Errorf("page %d is %.3f×%.3f pt, want A4", i+1, pg.w, pg.h)
			}
			if len(pg.images) != tc.pages[i] || len(pg.places) != tc.pages[i] {
				t.Fatalf("page %d: %d images, want %d", i+1, len(pg.images), tc.pages[i])
			}
			for j, pl := range pg.places {
				// Avery L7165: 4.65 mm side margin, 101.6 mm column pitch,
				// 13.1 mm top margin, 67.7 mm rows.
				x := (4.65 + float64(j%2)*101.6) * 72 / 25.4
				y := (297 - 13.1 - float64(j/2+1)*67.7) * 72 / 25.4
				if !near(pl[0], x) || !near(pl[1], y) || !near(pl[2], 99.1*72/25.4) || !near(pl[3], 67.7*72/25.4) {
					t.Errorf("page %d cell %d at %v, want %.2f %.2f 99.1×67.7 mm", i+1, j, pl, x, y)
				}
				if sz := pg.images[j].Bounds().Size(); sz != image.Pt(1170, 800) {
					t.Errorf("cell image %v, want 1170×800", sz)
				}
				if got, want := readQR(t, pg.images[j]), tc.bs[i*8+j].Code; got != want {
					t.Errorf("page %d cell %d: QR holds %q, want %q", i+1, j, got, want)
				}
			}
		}
	}
}

// TestPDFRenders has poppler render the PDFs, when it is installed, and
// reads the QR code back from what it drew.
func TestPDFRenders(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		make func([]Badge, Fonts) ([]byte, error)
		size image.Point
	}{
		{"label", LabelPDF, image.Pt(732, 1181)},
		{"sheet", SheetPDF, image.Pt(2480, 3508)},
	} {
		p, err := tc.make([]Badge{badges["kk"]}, fonts)
		if err != nil {
			t.Fatal(err)
		}
		in := filepath.Join(dir, tc.name+".pdf")
		if err := os.WriteFile(in, p, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftoppm", "-png", "-r", "300", "-singlefile", in, filepath.Join(dir, tc.name)).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
		f, err := os.ReadFile(filepath.Join(dir, tc.name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(f))
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Bounds().Size(); got.Sub(tc.size).X*got.Sub(tc.size).X > 1 || got.Sub(tc.size).Y*got.Sub(tc.size).Y > 1 {
			t.Errorf("%s renders %v, want %v", tc.name, got, tc.size)
		}
		if got := readQR(t, img); got != badges["kk"].Code {
			t.Errorf("%s: QR holds %q", tc.name, got)
		}
	}
}

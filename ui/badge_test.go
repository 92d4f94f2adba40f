package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
	"medibooth/booth/camera"
	"medibooth/booth/label"
	"medibooth/consents"
)

// findButton returns the button labelled text inside o, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch w := o.(type) {
	case *widget.Button:
		if w.Text == text {
			return w
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	case fyne.Widget:
		r := test.WidgetRenderer(w)
		for _, c := range r.Objects() {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

// printer stands in for the system's printer.
type printer struct {
	mu   sync.Mutex
	docs [][]byte
}

// fakePrinter makes u print to a printer the test reads.
func fakePrinter(u *App) *printer {
	p := &printer{}
	u.cfg.Print = func(_ context.Context, pdf []byte) error {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.docs = append(p.docs, pdf)
		return nil
	}
	return p
}

// pdfs counts the documents printed, -1 if one is not a PDF.
func (p *printer) pdfs() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, d := range p.docs {
		if !bytes.HasPrefix(d, []byte("%PDF-")) {
			return -1
		}
	}
	return len(p.docs)
}

// From the desk: find a visitor, open the badge, print it; a second print is
// a reprint that asks first; both reach the printer and the print log.
func TestDeskPrintsAndReprintsABadge(t *testing.T) {
	u, db, _ := newTestDesk(t)
	act(func() { u.switchLanguage("en") })
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	printer := fakePrinter(u)
	d := u.desk
	act(func() { test.Type(d.search, "aigerim nurl") })
	eventually(t, "search results", func() bool { return len(d.found) == 1 })
	act(func() { d.foundList.Select(0) })
	eventually(t, "badge button", func() bool { return !d.badgeBtn.Disabled() })
	id := d.selected.ID
	act(func() { test.Tap(d.badgeBtn) })
	eventually(t, "the badge on screen", func() bool { return u.badge != nil && u.badge.printBtn != nil })
	bv := u.badge
	act(func() {
		if bv.printBtn.Text != "Print badge" {
			t.Errorf("first button: %q", bv.printBtn.Text)
		}
		test.Tap(bv.printBtn)
	})
	eventually(t, "the first print", func() bool { return bv.printBtn.Text == "Reprint badge" })
	if n := printer.pdfs(); n != 1 {
		t.Fatalf("printer got %d documents", n)
	}

	// The reprint asks first.
	act(func() { test.Tap(bv.printBtn) })
	var yes *widget.Button
	eventually(t, "the reprint question", func() bool {
		top := u.win.Canvas().Overlays().Top()
		if top == nil {
			return false
		}
		yes = findButton(top, "Yes")
		return yes != nil
	})
	act(func() { test.Tap(yes) })
	eventually(t, "the reprint", func() bool {
		return printer.pdfs() == 2
	})
	eventually(t, "the print log", func() bool {
		ps, _ := db.Prints(context.Background(), id)
		return len(ps) == 2 && !ps[0].Reprint && ps[1].Reprint
	})
}

// The webcam path: a folder of pictures stands in for the camera; badges held
// in front of it for several frames are checked in once each, by name, on
// the desk of a laptop that never saw the visitors.
func TestDeskWebcamChecksInBadges(t *testing.T) {
	u, db, _ := newTestDesk(t)
	ctx := context.Background()

	// Two visitors registered on another laptop of the demo event.
	other := openStore(t)
	if err := loadDemo(other)(ctx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	frame := 0
	write := func(b []byte, n int) {
		for range n {
			frame++
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d.png", frame)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var blank bytes.Buffer
	png.Encode(&blank, image.NewGray(image.Rect(0, 0, 640, 480)))
	ev, _ := other.Event(ctx)
	var ids []string
	for _, name := range []string{"Гүлназ Әбенова", "박지훈"} {
		v := &booth.Visitor{Name: name}
		records, err := consents.Answers{Contact: true}.Records("", "ru")
		if err != nil {
			t.Fatal(err)
		}
		if err := other.CreateVisitor(ctx, v, records); err != nil {
			t.Fatal(err)
		}
		code, _, err := other.BadgeCode(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		img, err := label.PNG(label.ForVisitor(v, ev, code), label.ShippedFonts)
		if err != nil {
			t.Fatal(err)
		}
		write(img, 6) // held in front of the camera
		write(blank.Bytes(), 2)
		ids = append(ids, v.ID)
	}
	src, err := camera.NewFolder(dir, 10, false)
	if err != nil {
		t.Fatal(err)
	}
	act(func() { u.desk.camera.start(src) })
	eventually(t, "two check-ins from the camera", func() bool {
		return scanCounts(t, db)[booth.Admitted] == 2
	})
	time.Sleep(300 * time.Millisecond)
	if c := scanCounts(t, db); c[booth.Admitted] != 2 || c[booth.Duplicate] != 0 || c[booth.Rejected] != 0 {
		t.Fatalf("scans from the camera: %v", c)
	}
	for i, name := range []string{"Гүлназ Әбенова", "박지훈"} {
		v, err := db.Visitor(ctx, ids[i])
		if err != nil || v.Name != name {
			t.Fatalf("visitor from the badge: %+v %v", v, err)
		}
	}
}

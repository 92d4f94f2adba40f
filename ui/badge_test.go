package ui

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
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

// From the desk: find a visitor, open the badge, print it; a second print is
// a reprint that asks first; both reach the printer and the print log.
func TestDeskPrintsAndReprintsABadge(t *testing.T) {
	u, db, _ := newTestDesk(t)
	act(func() { u.switchLanguage("en") })
	t.Cleanup(func() { SetLanguage(DefaultLanguage) })
	var mu sync.Mutex
	var printed [][]byte
	u.cfg.Print = func(_ context.Context, pdf []byte) error {
		mu.Lock()
		defer mu.Unlock()
		printed = append(printed, pdf)
		return nil
	}
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
	mu.Lock()
	if len(printed) != 1 || !bytes.HasPrefix(printed[0], []byte("%PDF-")) {
		t.Fatalf("printer got %d documents", len(printed))
	}
	mu.Unlock()

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
		mu.Lock()
		defer mu.Unlock()
		return len(printed) == 2
	})
	eventually(t, "the print log", func() bool {
		ps, _ := db.Prints(context.Background(), id)
		return len(ps) == 2 && !ps[0].Reprint && ps[1].Reprint
	})
}

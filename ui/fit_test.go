package ui

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// boothScreens are the windows the booth laptops give: the size medibooth
// opens with (startSize), and the whole of a netbook's 1024×600 screen and
// of a common 1366×768 one.
var boothScreens = []fyne.Size{startSize, {Width: 1024, Height: 600}, {Width: 1366, Height: 768}}

// Every screen fits the booth laptops' screens in every language: nothing
// needs a larger window, and nothing shown lies beyond the window's edge
// or is squeezed below the size its text needs.
func TestScreensFitBoothLaptops(t *testing.T) {
	u, db, demo := newTestApp(t)
	dentist := demoDoctor(t, db, demo, "Dentist — SNU Dental", "4826")
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	ev, err := db.Event(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fits := func(screen string) {
		t.Helper()
		checkFit(t, u.Window(), screen)
	}
	closeTop := func() {
		act(func() {
			c := u.Window().Canvas()
			c.Overlays().Remove(c.Overlays().Top())
		})
	}
	for i, l := range Languages {
		visitor := demo.Visitors[3+i]
		act(func() { u.switchLanguage(l.Code) })
		eventually(t, "the sign-in list", func() bool { return u.signIn != nil && len(u.signIn.who.Options) > 0 })
		fits("sign-in")

		signInAs(t, u, "Admin", testPIN)
		d := u.desk
		// A second scan of the same badge shows the fullest card: the
		// duplicate, with the note of the first check-in.
		if _, err := db.Checkin(context.Background(), booth.CheckinRequest{Raw: visitor.Code, At: eventTime.Add(-time.Hour), Late: true}); err != nil {
			t.Fatal(err)
		}
		scan(d, visitor.Code, fyne.KeyReturn)
		eventually(t, "the duplicate card", func() bool { return d.card.FillColor == colorDuplicate })
		act(func() { test.Type(d.search, "a") })
		eventually(t, "search results", func() bool { return len(d.found) > 1 })
		act(func() { d.foundList.Select(0) })
		fits("desk")
		// Queues at every demo hospital, and the note of a send.
		act(func() {
			var counts []booth.QueueCount
			for _, h := range demo.Orgs {
				if h.Kind == booth.OrgHospital {
					counts = append(counts, booth.QueueCount{OrgID: h.ID, OrgName: h.Name, Waiting: 3, Called: 1, Oldest: eventTime.Add(-20 * time.Minute)})
				}
			}
			d.waiting.show(counts, eventTime)
			d.waiting.setNote(visitor.Name)
		})
		fits("desk with queues")

		act(func() { test.Tap(d.sendBtn) })
		eventually(t, "the send-to dialog", func() bool { return d.sendDlg != nil && d.sendDlg.dlg != nil })
		fits("send to a hospital")
		closeTop()

		act(func() { u.register = nil; test.Tap(d.registerBtn) })
		eventually(t, "the registration form", func() bool { return u.register != nil && u.register.name != nil })
		fits("registration")
		act(func() { u.register.dlg.Hide() })

		act(func() { u.visitor = nil; u.showVisitor(ev, visitor.ID, nil) })
		eventually(t, "the visitor", func() bool { return u.visitor != nil })
		fits("visitor")
		act(u.visitor.confirmErase)
		fits("erase")
		closeTop()
		act(u.visitor.edit)
		fits("visitor edit")
		closeTop()
		act(func() { u.visitor.dlg.Hide(); u.badge = nil; u.showBadge(ev, visitor.ID) })
		eventually(t, "the badge", func() bool { return u.badge != nil && u.badge.pdf != nil })
		fits("badge")
		closeTop()

		act(u.showStaff)
		eventually(t, "the staff list", func() bool { return len(u.staffScr.staff) > 0 })
		fits("staff")
		act(u.showSettings)
		fits("settings")
		act(u.showMeetings)
		fits("meetings")
		act(func() { reportsOpen(u) })
		fits("reports")
		act(u.showPeople)
		fits("people")
		act(u.showSync)
		s := u.sync
		eventually(t, "the sync state", func() bool { return s.state.Text != "" })
		fits("sync")
		// The demo laptop is HQ's: show what a booth laptop shows after the
		// fair, with every sentence of it.
		act(func() {
			from := eventTime.AddDate(0, 0, 30)
			s.hqBox.Hide()
			s.after.content.Show()
			s.after.show(&booth.PurgeStatus{Ready: 120, Waiting: 40, ReadyFrom: &from, NotAtHQ: 2, Purged: 35})
		})
		fits("sync after the fair")
		act(s.after.onPurge)
		fits("purge")
		closeTop()
		act(func() {
			u.cfg.Network = &fakeNetwork{on: true, errs: map[string]error{
				"k2": booth.Errorf(booth.EUNAVAILABLE, "Cannot reach the laptop at %s (%v); check that it is on the booth network.", "192.168.8.17:47123", "i/o timeout")}}
			u.showBoothNetwork()
			last := eventTime.Add(-75 * time.Minute)
			u.boothNet.show([]booth.PeerSeen{
				{PeerIdentity: booth.PeerIdentity{KeyID: "k1", Name: "Консультации — Сеул, больница 1"}, Addr: "192.168.8.15:47123", LastOK: &last, Waiting: 12345},
				{PeerIdentity: booth.PeerIdentity{KeyID: "k2", Name: "Desk 2"}, Addr: "192.168.8.17:47123", LastOK: &last, Error: "timeout"},
			}, []string{"192.168.8.17:47123"})
		})
		fits("booth network")
		act(func() { u.cfg.Network = nil })
		act(u.showImport)
		fits("import")
		closeTop()

		act(u.show)
		act(u.showDashboard)
		eventually(t, "the dashboard's figures", func() bool { return u.dash != nil && u.dash.loaded })
		checkFit(t, u.dashWin, "dashboard")
		act(func() { u.dashWin.Close() })

		act(u.startKiosk)
		k := u.kiosk
		for _, step := range []kioskStep{stepStart, stepAbout, stepContact, stepHospitals, stepRefused} {
			act(func() { k.show(step) })
			fits(fmt.Sprintf("kiosk page %d", step))
		}
		act(func() { u.leaveKiosk(u.kioskBy) })

		act(u.lock)
		signInAs(t, u, dentist.Name, "4826")
		eventually(t, "the doctors' desk", func() bool { return u.doctor != nil })
		fits("doctors' desk")
		act(u.doctor.askPassphrase)
		fits("the notes' passphrase")
		closeTop()
		act(u.lock)
	}
}

// checkFit resizes w to each booth screen and reports what does not fit.
func checkFit(t *testing.T, w fyne.Window, screen string) {
	t.Helper()
	for _, size := range boothScreens {
		act(func() {
			w.Resize(size)
			// Word-wrapped text knows its height only once laid out at the
			// new width: a second layout shows what the screen settles to.
			w.Content().Refresh()
			if dir := os.Getenv("SCREENS_SHOTS"); dir != "" {
				saveShot(t, w, filepath.Join(dir, fmt.Sprintf("fit-%s-%s-%.0fx%.0f.png",
					strings.ReplaceAll(screen, " ", "_"), CurrentLanguage(), size.Width, size.Height)))
			}
			for _, m := range misfits(w) {
				t.Errorf("%s, %s, %v×%v: %s", screen, CurrentLanguage(), size.Width, size.Height, m)
			}
		})
	}
}

// saveShot writes what w shows to a PNG file, for people to look at.
func saveShot(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// misfits lists what does not fit in w: a content or dialog needing more
// room than the window has, and visible widgets beyond its edges or
// squeezed below their minimum size.
func misfits(w fyne.Window) []string {
	c := w.Canvas()
	size := c.Size()
	var out []string
	pad := float32(0)
	if w.Padded() {
		pad = theme.Padding()
	}
	if m := c.Content().MinSize().AddWidthHeight(2*pad, 2*pad); m.Width > size.Width+0.5 || m.Height > size.Height+0.5 {
		out = append(out, fmt.Sprintf("the screen needs %v×%v", m.Width, m.Height))
	}
	f := &fitWalk{window: size}
	f.walk(c.Content(), fyne.NewPos(0, 0), false)
	for _, o := range c.Overlays().List() {
		if m := o.MinSize(); m.Width > size.Width+0.5 || m.Height > size.Height+0.5 {
			out = append(out, fmt.Sprintf("a dialog needs %v×%v", m.Width, m.Height))
		}
		f.walk(o, fyne.NewPos(0, 0), false)
	}
	return append(out, f.found...)
}

type fitWalk struct {
	window fyne.Size
	found  []string
}

// walk checks o, at pos in its parent that lies at parent, and what it holds.
// Inside a scroll only squeezing counts: the rest is scrolled to.
func (f *fitWalk) walk(o fyne.CanvasObject, parent fyne.Position, scrolled bool) {
	if o == nil || !o.Visible() {
		return
	}
	pos := parent.Add(o.Position())
	size := o.Size()
	_, isWidget := o.(fyne.Widget)
	_, isText := o.(*canvas.Text)
	if !scrolled && (isWidget || isText) && size.Width > 0 && size.Height > 0 &&
		(pos.X < -0.5 || pos.Y < -0.5 || pos.X+size.Width > f.window.Width+0.5 || pos.Y+size.Height > f.window.Height+0.5) {
		f.found = append(f.found, fmt.Sprintf("%s lies at %v,%v size %v×%v", objectText(o), pos.X, pos.Y, size.Width, size.Height))
		return
	}
	if squeezable(o) && size.Width > 0 && size.Height > 0 {
		if m := o.MinSize(); size.Width+0.5 < m.Width || size.Height+0.5 < m.Height {
			f.found = append(f.found, fmt.Sprintf("%s is cut: %v×%v of %v×%v", objectText(o), size.Width, size.Height, m.Width, m.Height))
			return
		}
	}
	if _, ok := o.(*container.Scroll); ok {
		scrolled = true
	}
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			f.walk(c, pos, scrolled)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			f.walk(c, pos, scrolled)
		}
	}
}

// squeezable widgets show their text cut when smaller than their minimum.
func squeezable(o fyne.CanvasObject) bool {
	switch o := o.(type) {
	case *widget.Label:
		return o.Wrapping == fyne.TextWrapOff && o.Truncation == fyne.TextTruncateOff
	case *widget.Button:
		return o.Text != "" // an icon drawn a little smaller loses nothing
	case *widget.Check, *widget.Select, *widget.RadioGroup, *widget.Hyperlink:
		return true
	}
	return false
}

// objectText names o by its type and the text it shows.
func objectText(o fyne.CanvasObject) string {
	text := ""
	switch o := o.(type) {
	case *widget.Label:
		text = o.Text
	case *widget.Button:
		text = o.Text
	case *widget.Check:
		text = o.Text
	case *widget.Select:
		text = o.Selected
		if text == "" {
			text = o.PlaceHolder
		}
	case *widget.Entry:
		text = o.Text
		if text == "" {
			text = o.PlaceHolder
		}
	case *widget.Hyperlink:
		text = o.Text
	case *widget.RichText:
		text = o.String()
	case *canvas.Text:
		text = o.Text
	}
	if len(text) > 60 {
		text = text[:strings.LastIndex(text[:60], " ")+1] + "…"
	}
	return fmt.Sprintf("%T %q", o, text)
}

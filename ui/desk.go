package ui

import (
	"context"
	"fmt"
	"image/color"
	"log"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
	"medibooth/booth/qr"
)

const (
	recentScans = 20
	// scannerIdle submits a code that came without Enter or Tab.
	scannerIdle = 400 * time.Millisecond
	// refocusAfter brings the cursor back to the scan field when staff left
	// it elsewhere, so the next badge is never typed into the search box.
	refocusAfter = 15 * time.Second
	searchDelay  = 150 * time.Millisecond
	searchLimit  = 30
	countLimit   = 10001 // counting stops here: "more than 10000"
)

// desk is the check-in desk: one scan field that keeps focus, a large result
// card, the last scans, today's counters, and visitor search.
type desk struct {
	app *App
	ev  *booth.Event

	content fyne.CanvasObject
	scan    *scanEntry

	card      *canvas.Rectangle
	cardTitle *canvas.Text
	cardName  *canvas.Text
	cardInfo  *canvas.Text
	cardNote  *cardNote

	uniqueText, scansText, rejectedText *canvas.Text

	recent []booth.Scan
	// refreshes and waitings number the reloads started; a reload that
	// finishes after a later one started shows nothing, so an old answer
	// never covers a newer one.
	refreshes, waitings atomic.Int64
	recentList          *widget.List

	search      *shortcutEntry
	found       []booth.Visitor
	foundList   *widget.List
	foundStatus *widget.Label
	selected    *booth.Visitor
	detail      *widget.Label
	checkinBtn  *widget.Button
	badgeBtn    *widget.Button
	registerBtn *widget.Button
	detailBtn   *widget.Button

	// The queue: "Send to a hospital…" sends the visitor chosen last (in
	// the search list, or admitted by a scan); waiting says who waits where.
	sendBtn    *widget.Button
	sendTarget *queueVisitor
	admitted   *queueVisitor // the visitor the last scan admitted, if any
	sendDlg    *sendToDialog
	waiting    *waitingSummary

	camera *cameraPanel

	mu           sync.Mutex
	lastActivity time.Time
	searchTimer  *time.Timer
	searchSeq    int
	stopper
}

func newDesk(u *App, ev *booth.Event) *desk {
	d := &desk{app: u, ev: ev, stopper: newStopper(), lastActivity: u.cfg.Now()}
	d.content = d.build()
	// With the focus on a button the window's shortcut serves; in the scan
	// and search fields the fields pass it on (onShortcut).
	u.win.Canvas().AddShortcut(newVisitorShortcut, func(fyne.Shortcut) { d.onNewVisitor() })
	return d
}

// newVisitorShortcut opens the registration of a walk-in from the desk.
var newVisitorShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}

// onShortcut takes the desk's shortcuts typed in its fields.
func (d *desk) onShortcut(s fyne.Shortcut) bool {
	if s.ShortcutName() != newVisitorShortcut.ShortcutName() {
		return false
	}
	d.onNewVisitor()
	return true
}

// onNewVisitor opens the registration form, unless a dialog (that form
// among them) is open over the desk.
func (d *desk) onNewVisitor() {
	if d.stopped() || d.app.win.Canvas().Overlays().Top() != nil || !d.registerBtn.Visible() || d.registerBtn.Disabled() {
		return
	}
	d.app.showRegister(d.ev)
}

func (d *desk) build() fyne.CanvasObject {
	split := container.NewHSplit(d.buildScanSide(), d.buildSearchSide())
	split.Offset = 0.62
	return container.NewBorder(d.buildHeader(), nil, nil, nil, split)
}

func (d *desk) buildHeader() fyne.CanvasObject {
	title := canvas.NewText(d.ev.Name, theme.Color(theme.ColorNameForeground))
	title.TextSize = 20
	title.TextStyle.Bold = true
	sub := widget.NewLabel(fmt.Sprintf("%s · %s · %s", d.ev.City, eventDates(d.ev),
		lang.L("Laptop: {{.Name}}", map[string]any{"Name": d.app.cfg.DeviceName})))

	names := make([]string, len(Languages))
	for i, l := range Languages {
		names[i] = l.Name
	}
	langSel := widget.NewSelect(names, nil)
	for _, l := range Languages {
		if l.Code == CurrentLanguage() {
			langSel.SetSelected(l.Name)
		}
	}
	langSel.OnChanged = func(name string) {
		for _, l := range Languages {
			if l.Name == name {
				d.app.switchLanguage(l.Code)
			}
		}
	}

	d.uniqueText = counterText()
	d.scansText = counterText()
	d.rejectedText = counterText()
	counters := container.NewHBox(
		counter(d.uniqueText, lang.L("Visitors today")),
		counter(d.scansText, lang.L("Scans today")),
		counter(d.rejectedText, lang.L("Rejected today")),
	)
	left := container.NewVBox(title, sub)
	right := container.NewHBox(counters, container.NewCenter(langSel))
	return container.NewPadded(container.NewVBox(container.NewBorder(nil, nil, left, right), d.app.staffBar()))
}

func counterText() *canvas.Text {
	t := canvas.NewText("0", theme.Color(theme.ColorNameForeground))
	t.TextSize = 28
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	return t
}

func counter(value *canvas.Text, label string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(label, fyne.TextAlignCenter, fyne.TextStyle{})
	return container.NewPadded(container.NewVBox(value, l))
}

func (d *desk) buildScanSide() fyne.CanvasObject {
	d.scan = newScanEntry(d.onScan, d.app.do)
	d.scan.onShortcut = d.onShortcut
	d.scan.SetPlaceHolder(lang.L("Scan a badge (or type its code and press Enter)"))
	d.scan.OnChanged = func(string) { d.touch() }

	d.card = canvas.NewRectangle(colorIdle)
	d.card.CornerRadius = 12
	d.cardTitle = canvas.NewText(lang.L("Ready to scan"), color.White)
	d.cardTitle.TextSize = 22
	d.cardTitle.TextStyle.Bold = true
	d.cardName = canvas.NewText("", color.White)
	d.cardName.TextSize = 40
	d.cardName.TextStyle.Bold = true
	d.cardInfo = canvas.NewText("", color.White)
	d.cardInfo.TextSize = 20
	d.cardNote = newCardNote(18)
	cardBody := container.NewPadded(container.NewVBox(d.cardTitle, d.cardName, d.cardInfo, d.cardNote.box))
	card := container.NewStack(d.card, cardBody)

	d.recentList = widget.NewList(
		func() int { return len(d.recent) },
		func() fyne.CanvasObject {
			dot := canvas.NewRectangle(colorIdle)
			dot.SetMinSize(fyne.NewSize(10, 10))
			dot.CornerRadius = 5
			return container.NewBorder(nil, nil, container.NewCenter(dot), nil, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(d.recent) {
				return
			}
			s := d.recent[i]
			row := o.(*fyne.Container)
			row.Objects[1].(*fyne.Container).Objects[0].(*canvas.Rectangle).FillColor = decisionColor(s.Decision)
			row.Objects[0].(*widget.Label).SetText(d.scanLine(s))
		})
	d.recentList.OnSelected = func(widget.ListItemID) {
		d.recentList.UnselectAll()
		d.focusScan()
	}

	scanLabel := widget.NewLabelWithStyle(lang.L("Badge scan"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	recentLabel := widget.NewLabelWithStyle(lang.L("Last 20 scans on this laptop"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.waiting = newWaitingSummary()
	// A line per queue would make the desk taller than a small screen as
	// hospitals fill up: the queues take the room the last scans leave,
	// and scroll when it is not enough.
	waiting := container.NewVScroll(d.waiting.content)
	waiting.SetMinSize(fyne.NewSize(0, d.waiting.content.MinSize().Height))
	recent := container.NewBorder(recentLabel, nil, nil, nil, d.recentList)
	middle := container.New(&upToContent{content: d.waiting.content}, waiting, recent)
	// The labels sit beside their fields, not above them: the desk fits
	// a 1024×600 screen with the window's title bar and a task bar.
	top := container.NewVBox(container.NewBorder(nil, nil, scanLabel, nil, d.scan), card)

	// The webcam scans continuously beside the scanner; a code it reads is
	// handled exactly like one the scanner typed.
	d.camera = newCameraPanel(d.app, qr.DecodeGray, d.onScan)
	cameraLabel := widget.NewLabelWithStyle(lang.L("Camera"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	bottom := container.NewBorder(nil, nil, container.NewVBox(container.NewHBox(cameraLabel, d.camera.picker())), nil, d.camera.object())
	return container.NewPadded(container.NewBorder(top, bottom, nil, nil, middle))
}

// upToContent stacks two objects: the first, a scroll, as tall as its
// content where there is room, the second below it in the rest, never
// less than its minimum.
type upToContent struct{ content fyne.CanvasObject }

func (l *upToContent) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(a.Width, b.Width), a.Height+theme.Padding()+b.Height)
}

func (l *upToContent) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	room := size.Height - pad - objs[1].MinSize().Height
	h := max(min(l.content.MinSize().Height, room), objs[0].MinSize().Height)
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, h))
	objs[1].Move(fyne.NewPos(0, h+pad))
	objs[1].Resize(fyne.NewSize(size.Width, max(size.Height-h-pad, 0)))
}

// start loads the counters and recent scans and begins the focus keeper.
func (d *desk) start() {
	d.refresh()
	d.onSearchChanged("")
	d.focusScan()
	go d.keepFocus()
}

// stop ends the desk's background work; callbacks still on their way find
// it stopped and leave the widgets alone.
func (d *desk) stop() {
	d.app.win.Canvas().RemoveShortcut(newVisitorShortcut)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.searchTimer != nil {
		d.searchTimer.Stop()
	}
	if d.scan.idle != nil {
		d.scan.idle.Stop()
	}
	if d.camera != nil {
		d.camera.stop()
	}
	d.halt()
}

func (d *desk) touch() {
	d.mu.Lock()
	d.lastActivity = d.app.cfg.Now()
	d.mu.Unlock()
}

func (d *desk) focusScan() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(d.scan); c != nil {
		c.Focus(d.scan)
	} else {
		d.app.win.Canvas().Focus(d.scan)
	}
}

// keepFocus returns the cursor to the scan field after staff left it idle
// in another field.
func (d *desk) keepFocus() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	seen := d.app.cfg.Store.Changes()
	for n := 1; ; n++ {
		select {
		case <-d.done:
			return
		case <-t.C:
			if c := d.app.cfg.Store.Changes(); c != seen {
				// The booth network brought what other laptops did (or
				// this one wrote): counters, last scans and queues.
				seen = c
				d.refresh()
			} else if n%10 == 0 {
				// Waiting times grow.
				d.refreshWaiting()
			}
			d.mu.Lock()
			idle := d.app.cfg.Now().Sub(d.lastActivity)
			d.mu.Unlock()
			if idle < refocusAfter {
				continue
			}
			d.app.do(func() {
				if d.app.win.Canvas().Focused() != d.scan {
					d.focusScan()
				}
			})
		}
	}
}

// onScan records one code. The store call runs off the UI goroutine; the
// card turns green only once the scan is committed.
func (d *desk) onScan(raw string) {
	d.touch()
	req := booth.CheckinRequest{Raw: raw, Window: booth.DoubleSendWindow}
	go func() {
		s, err := d.app.cfg.Store.Checkin(context.Background(), req)
		d.app.do(func() {
			if d.stopped() {
				return
			}
			if err != nil {
				log.Printf("check-in: %v", err)
				d.showError(err)
				return
			}
			d.showScan(s)
			d.refresh()
		})
	}()
}

// badgeConsentsNote says which consents a check-in took from the badge of a
// visitor this laptop knew nothing of; "" when it took none.
func badgeConsentsNote(cs []booth.Consent) string {
	var parts []string
	hospitals := 0
	for _, c := range cs {
		if c.Purpose == booth.PurposeProvision {
			hospitals++
			continue
		}
		parts = append(parts, consentTitle(c.Purpose))
	}
	if hospitals > 0 {
		parts = append(parts, lang.L("sharing with hospitals: {{.Count}}", map[string]any{"Count": hospitals}))
	}
	if len(parts) == 0 {
		return ""
	}
	return lang.L("Consents recorded from the badge: {{.Consents}}.", map[string]any{"Consents": strings.Join(parts, "; ")})
}

func (d *desk) showScan(s *booth.Scan) {
	d.app.sound(s.Decision)
	d.card.FillColor = decisionColor(s.Decision)
	fg := color.Color(color.White)
	if s.Decision == booth.Duplicate {
		fg = colorOnLight // white on amber is hard to read
	}
	for _, t := range []*canvas.Text{d.cardTitle, d.cardName, d.cardInfo} {
		t.Color = fg
	}
	at := s.At.In(d.ev.Location()).Format("15:04")
	d.admitted = nil
	if s.Decision != booth.Rejected && s.VisitorID != "" {
		d.admitted = &queueVisitor{ID: s.VisitorID, Name: s.VisitorName}
		d.setSendTarget(d.admitted)
	} else if d.selected != nil {
		d.setSendTarget(&queueVisitor{ID: d.selected.ID, Name: d.selected.Name})
	} else {
		d.setSendTarget(nil)
	}
	switch s.Decision {
	case booth.Admitted:
		d.cardTitle.Text = lang.L("Welcome — checked in")
		d.cardName.Text = s.VisitorName
		d.cardInfo.Text = typeName(s.VisitorType) + " · " + at
		d.cardNote.set(badgeConsentsNote(s.BadgeConsents), fg)
	case booth.Duplicate:
		d.cardTitle.Text = lang.L("Already checked in today")
		d.cardName.Text = s.VisitorName
		d.cardInfo.Text = typeName(s.VisitorType) + " · " + at
		first := s.First
		if first == nil {
			first = s
		}
		d.cardNote.set(lang.L("Already checked in at {{.Time}} on {{.Device}}.", map[string]any{
			"Time": first.At.In(d.ev.Location()).Format("15:04"), "Device": first.DeviceName}), fg)
	case booth.Rejected:
		d.cardTitle.Text = lang.L("Not admitted")
		d.cardName.Text = lang.L(reasonTitle(s.Reason))
		d.cardInfo.Text = at
		d.cardNote.set(lang.L(booth.ReasonText(s.Reason)), fg)
	}
	d.card.Refresh()
	for _, t := range []*canvas.Text{d.cardTitle, d.cardName, d.cardInfo} {
		t.Refresh()
	}
}

func (d *desk) showError(err error) {
	d.card.FillColor = colorRejected
	d.cardTitle.Text = lang.L("The scan was not saved")
	d.cardName.Text = ""
	d.cardInfo.Text = ""
	d.cardNote.set(message(err), color.White)
	d.card.Refresh()
	for _, t := range []*canvas.Text{d.cardTitle, d.cardName, d.cardInfo} {
		t.Color = color.White
		t.Refresh()
	}
}

// refresh reloads the counters and the last scans.
func (d *desk) refresh() {
	store := d.app.cfg.Store
	day := d.ev.LocalDay(d.app.cfg.Now())
	gen := d.refreshes.Add(1)
	go func() {
		ctx := context.Background()
		counts, err1 := store.DayCounts(ctx, day)
		recent, err2 := store.RecentScans(ctx, recentScans)
		d.app.do(func() {
			if d.stopped() || d.refreshes.Load() != gen {
				return
			}
			if err1 != nil || err2 != nil {
				log.Printf("refresh desk: %v %v", err1, err2)
				return
			}
			d.uniqueText.Text = number(counts.Unique)
			d.scansText.Text = number(counts.Scans)
			d.rejectedText.Text = number(counts.Rejected)
			d.uniqueText.Refresh()
			d.scansText.Refresh()
			d.rejectedText.Refresh()
			d.recent = recent
			d.recentList.Refresh()
		})
	}()
	d.refreshWaiting()
}

// refreshWaiting reloads who is waiting where.
func (d *desk) refreshWaiting() {
	store := d.app.cfg.Store
	gen := d.waitings.Add(1)
	go func() {
		counts, err := store.WaitingSummary(context.Background())
		d.app.do(func() {
			if d.stopped() || d.waitings.Load() != gen {
				return
			}
			if err != nil {
				log.Printf("waiting summary: %v", err)
				return
			}
			d.waiting.show(counts, d.app.cfg.Now())
		})
	}()
}

// setSendTarget makes v the visitor "Send to a hospital…" sends; nil
// disables it.
func (d *desk) setSendTarget(v *queueVisitor) {
	d.sendTarget = v
	if v == nil {
		d.sendBtn.Disable()
	} else {
		d.sendBtn.Enable()
	}
}

func (d *desk) onSendTo() {
	d.touch()
	if d.sendTarget == nil {
		return
	}
	d.sendDlg = d.app.showSendTo(*d.sendTarget, func(text string) {
		if d.stopped() {
			return
		}
		d.waiting.setNote(text)
		d.refreshWaiting()
		d.focusScan()
	})
}

func (d *desk) scanLine(s booth.Scan) string {
	at := s.At.In(d.ev.Location()).Format("15:04:05")
	switch s.Decision {
	case booth.Admitted:
		return fmt.Sprintf("%s  %s · %s", at, s.VisitorName, typeName(s.VisitorType))
	case booth.Duplicate:
		return fmt.Sprintf("%s  %s · %s", at, s.VisitorName, lang.L("already checked in"))
	}
	return fmt.Sprintf("%s  %s", at, lang.L(reasonTitle(s.Reason)))
}

func decisionColor(dec booth.Decision) color.Color {
	switch dec {
	case booth.Admitted:
		return colorAdmitted
	case booth.Duplicate:
		return colorDuplicate
	case booth.Rejected:
		return colorRejected
	}
	return colorIdle
}

func reasonTitle(reason string) string {
	switch reason {
	case booth.ReasonMalformed:
		return "Not a badge of this event"
	case booth.ReasonUnknown:
		return "Unknown badge"
	case booth.ReasonErased:
		return "Visitor erased"
	case booth.ReasonOtherEvent:
		return "Badge of another event"
	case booth.ReasonForged:
		return "Badge not genuine"
	case booth.ReasonDamaged:
		return "Badge damaged"
	case booth.ReasonRevoked:
		return "Badge from a revoked laptop"
	case booth.ReasonNoKeys:
		return "Laptop not set up for badges"
	}
	return "Rejected"
}

// typeName is a visitor type in the interface language.
func typeName(t booth.VisitorType) string {
	switch t {
	case booth.TypePatient:
		return lang.L("Patient")
	case booth.TypeCompanion:
		return lang.L("Companion")
	case booth.TypeAgency:
		return lang.L("Agency")
	case booth.TypeMedia:
		return lang.L("Media")
	case booth.TypeOther:
		// "Other" alone is a reserved word of the translation files.
		return lang.L("Other visitor")
	}
	return string(t)
}

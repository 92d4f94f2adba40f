package ui

import (
	"context"
	"fmt"
	"image/color"
	"log"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// queueStore is what the queue needs from the database.
type queueStore interface {
	booth.QueueService
}

// queueRefreshEvery is how often a queue panel reads its queue again: other
// screens of this laptop send visitors and call them, and waiting times grow.
const queueRefreshEvery = 5 * time.Second

// queueVisitor is whom the desk would send to a hospital.
type queueVisitor struct{ ID, Name string }

// queuePanel is one hospital's queue for its doctors and coordinators:
// who waits, who was called, who is in consultation and who was seen today,
// with one-click "Call next" and a field to add a visitor by their badge.
type queuePanel struct {
	app      *App
	hospital booth.Org
	onStart  func(booth.QueueEntry)

	content fyne.CanvasObject
	dept    *widget.Select // only when the hospital has several departments
	add     *scanEntry
	addBtn  *widget.Button
	callBtn *widget.Button
	status  *widget.Label
	list    *widget.List

	startBtn, noShowBtn, backBtn, cancelBtn *widget.Button

	// Read and written on the UI goroutine only.
	entries  []booth.QueueEntry // as shown: of the chosen department
	all      []booth.QueueEntry
	selected string // entry id
	loc      *time.Location

	mu  sync.Mutex
	gen int // the latest refresh; older answers are dropped
	stopper
}

// newQueuePanel shows hospital's queue with one-click "Call next"; onStart is
// called (on the UI goroutine) with the entry when staff start a consultation.
func newQueuePanel(u *App, hospital booth.Org, onStart func(booth.QueueEntry)) *queuePanel {
	p := &queuePanel{app: u, hospital: hospital, onStart: onStart, stopper: newStopper(), loc: time.UTC}
	p.content = p.build()
	p.refresh()
	go p.tick()
	return p
}

func (p *queuePanel) build() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(p.hospital.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Truncation = fyne.TextTruncateEllipsis
	var header fyne.CanvasObject = title
	if len(p.hospital.Departments) > 1 {
		opts := []string{lang.L("All departments")}
		for _, d := range p.hospital.Departments {
			opts = append(opts, d.Name)
		}
		p.dept = widget.NewSelect(opts, nil)
		p.dept.SetSelectedIndex(0)
		p.dept.OnChanged = func(string) { p.show(p.all) }
		header = container.NewBorder(nil, nil, nil, container.NewStack(minWidth(240), p.dept), title)
	}

	p.add = newScanEntry(p.onAdd, p.app.do)
	p.add.SetPlaceHolder(lang.L("Scan a badge or type a visitor number"))
	p.addBtn = widget.NewButtonWithIcon(lang.L("Add to the queue"), theme.ContentAddIcon(), func() { p.add.flush() })

	p.callBtn = widget.NewButtonWithIcon(lang.L("Call next"), theme.MediaPlayIcon(), p.onCallNext)
	p.callBtn.Importance = widget.HighImportance
	// Whom to call is the one thing to read from across the table.
	p.status = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.status.SizeName = theme.SizeNameSubHeadingText
	p.status.Wrapping = fyne.TextWrapWord
	call := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(220, 56), p.callBtn), nil,
		container.NewVBox(layout.NewSpacer(), p.status, layout.NewSpacer()))

	p.list = widget.NewList(func() int { return len(p.entries) }, newQueueRow, p.updateRow)
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.entries) {
			p.selected = p.entries[i].ID
		}
		p.updateButtons()
	}
	p.list.OnUnselected = func(widget.ListItemID) {
		p.selected = ""
		p.updateButtons()
	}

	p.startBtn = widget.NewButtonWithIcon(lang.L("Start consultation"), theme.ConfirmIcon(), func() {
		if e := p.entry(); e != nil && e.State == booth.QueueConsulting {
			// Already in consultation (the screen was locked or reopened):
			// take the visitor back into the form.
			if p.onStart != nil {
				p.onStart(*e)
			}
			return
		}
		p.move(p.selected, booth.QueueStart, func(e *booth.QueueEntry) {
			if p.onStart != nil {
				p.onStart(*e)
			}
		})
	})
	p.startBtn.Importance = widget.SuccessImportance
	p.noShowBtn = widget.NewButtonWithIcon(lang.L("Did not come"), theme.VisibilityOffIcon(), func() { p.move(p.selected, booth.QueueMissed, nil) })
	p.backBtn = widget.NewButtonWithIcon(lang.L("Back to waiting"), theme.MediaReplayIcon(), func() { p.move(p.selected, booth.QueueBackToWaiting, nil) })
	p.cancelBtn = widget.NewButtonWithIcon(lang.L("Remove from the queue"), theme.DeleteIcon(), func() { p.move(p.selected, booth.QueueCancel, nil) })
	p.updateButtons()

	top := container.NewVBox(header, container.NewBorder(nil, nil, nil, p.addBtn, p.add), call, widget.NewSeparator())
	// The actions wrap onto a second row when the panel is narrow, as
	// beside the doctors' notes.
	actions := container.New(layout.NewRowWrapLayout(), p.startBtn, p.noShowBtn, p.backBtn, p.cancelBtn)
	bottom := container.NewVBox(widget.NewSeparator(), actions)
	return container.NewPadded(container.NewBorder(top, bottom, nil, nil, p.list))
}

// newQueueRow is one entry: a coloured dot and the state, the visitor and
// department, and how long they have waited.
func newQueueRow() fyne.CanvasObject {
	dot := canvas.NewRectangle(colorIdle)
	dot.SetMinSize(fyne.NewSize(12, 12))
	dot.CornerRadius = 6
	state := widget.NewLabel("")
	// A fixed width keeps the names in one column whatever the state's
	// length in the language shown.
	left := container.NewHBox(container.NewCenter(dot), container.NewStack(minWidth(150), state))
	name := widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyleStrong}, &widget.TextSegment{Style: widget.RichTextStyleInline})
	name.Truncation = fyne.TextTruncateEllipsis
	wait := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	return container.NewBorder(nil, nil, left, wait, name)
}

func (p *queuePanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(p.entries) {
		return
	}
	e := p.entries[i]
	row := o.(*fyne.Container)
	name := row.Objects[0].(*widget.RichText)
	left := row.Objects[1].(*fyne.Container)
	wait := row.Objects[2].(*widget.Label)
	dot := left.Objects[0].(*fyne.Container).Objects[0].(*canvas.Rectangle)
	dot.FillColor = queueStateColor(e.State)
	dot.Refresh()
	left.Objects[1].(*fyne.Container).Objects[1].(*widget.Label).SetText(queueStateName(e.State))
	name.Segments[0].(*widget.TextSegment).Text = entryName(e)
	dept := ""
	if e.Department != "" {
		dept = "  ·  " + e.Department
	}
	name.Segments[1].(*widget.TextSegment).Text = dept
	name.Refresh()
	wait.SetText(p.waitText(e))
}

// waitText is what the last column says: how long an open entry has waited,
// when a consultation started, when a closed entry closed.
func (p *queuePanel) waitText(e booth.QueueEntry) string {
	switch e.State {
	case booth.QueueWaiting, booth.QueueCalled:
		return durationText(e.Waiting(p.app.cfg.Now()))
	case booth.QueueConsulting:
		return lang.L("since {{.Time}}", map[string]any{"Time": e.StartedAt.In(p.loc).Format("15:04")})
	}
	return e.EndedAt.In(p.loc).Format("15:04")
}

// department is the department chosen above the list, "" for all.
func (p *queuePanel) department() string {
	if p.dept == nil || p.dept.SelectedIndex() <= 0 {
		return ""
	}
	return p.dept.Selected
}

// refresh re-reads the queue now.
func (p *queuePanel) refresh() {
	p.mu.Lock()
	p.gen++
	gen := p.gen
	p.mu.Unlock()
	store := p.app.cfg.Store
	go func() {
		ctx := context.Background()
		loc := time.UTC
		if ev, err := store.Event(ctx); err == nil {
			loc = ev.Location()
		}
		entries, err := store.Queue(ctx, p.hospital.ID, true)
		p.app.do(func() {
			p.mu.Lock()
			stale := gen != p.gen
			p.mu.Unlock()
			if stale || p.stopped() {
				return
			}
			if err != nil {
				log.Printf("queue of %s: %v", p.hospital.Name, err)
				p.status.SetText(message(err))
				return
			}
			p.loc = loc
			p.show(entries)
		})
	}()
}

// show puts the entries of the chosen department in the list, keeping the
// selected entry selected.
func (p *queuePanel) show(all []booth.QueueEntry) {
	p.all = all
	dept := p.department()
	p.entries = p.entries[:0:0]
	for _, e := range all {
		if dept == "" || e.Department == dept {
			p.entries = append(p.entries, e)
		}
	}
	p.list.Refresh()
	for i, e := range p.entries {
		if e.ID == p.selected {
			p.list.Select(i)
			p.updateButtons()
			return
		}
	}
	p.selected = ""
	p.list.UnselectAll()
	p.updateButtons()
}

// entry returns the selected entry as last read.
func (p *queuePanel) entry() *booth.QueueEntry {
	for i := range p.entries {
		if p.entries[i].ID == p.selected {
			return &p.entries[i]
		}
	}
	return nil
}

func (p *queuePanel) updateButtons() {
	e := p.entry()
	for _, b := range []struct {
		btn *widget.Button
		a   booth.QueueAction
	}{{p.startBtn, booth.QueueStart}, {p.noShowBtn, booth.QueueMissed}, {p.backBtn, booth.QueueBackToWaiting}, {p.cancelBtn, booth.QueueCancel}} {
		if b.btn == nil {
			continue
		}
		if e != nil && (e.State.Allows(b.a) || b.a == booth.QueueStart && e.State == booth.QueueConsulting) {
			b.btn.Enable()
		} else {
			b.btn.Disable()
		}
	}
}

// queueChangesEvery is how often a queue panel asks whether anything was
// written or merged: a visitor sent at another laptop's desk shows in the
// queue as soon as the booth network brought it.
const queueChangesEvery = 250 * time.Millisecond

// tick refreshes the queue until stop: when anything changed, and every
// queueRefreshEvery for the waiting times.
func (p *queuePanel) tick() {
	t := time.NewTicker(queueChangesEvery)
	defer t.Stop()
	store := p.app.cfg.Store
	seen, last := store.Changes(), time.Now()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			if n := store.Changes(); n != seen || time.Since(last) >= queueRefreshEvery {
				seen, last = n, time.Now()
				p.refresh()
			}
		}
	}
}

// stop ends background refreshing; answers still on their way are dropped.
func (p *queuePanel) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.add.idle != nil {
		p.add.idle.Stop()
	}
	p.halt()
}

func (p *queuePanel) onCallNext() {
	ctx, store, dept := p.app.ctx(), p.app.cfg.Store, p.department()
	go func() {
		e, err := store.CallNext(ctx, p.hospital.ID, dept)
		p.app.do(func() {
			if p.stopped() {
				return
			}
			if err != nil {
				p.status.SetText(message(err))
				return
			}
			p.selected = e.ID
			p.status.SetText(queueMoveText(booth.QueueCall, e))
			p.refresh()
		})
	}()
}

// move applies a to an entry, then calls then (on the UI goroutine) with
// the entry as it is now.
func (p *queuePanel) move(entryID string, a booth.QueueAction, then func(*booth.QueueEntry)) {
	if entryID == "" {
		return
	}
	ctx, store := p.app.ctx(), p.app.cfg.Store
	go func() {
		e, err := store.MoveQueue(ctx, entryID, a)
		p.app.do(func() {
			if p.stopped() {
				return
			}
			p.refresh()
			if err != nil {
				p.status.SetText(message(err))
				return
			}
			p.status.SetText(queueMoveText(a, e))
			if then != nil {
				then(e)
			}
		})
	}()
}

// finish marks an entry done after the consultation is saved.
func (p *queuePanel) finish(entryID string) { p.move(entryID, booth.QueueFinish, nil) }

// onAdd puts the visitor whose badge or number was scanned or typed into
// this hospital's queue. The code goes through the check-in, so the scan is
// recorded like any other; a visitor already in the queue is selected.
func (p *queuePanel) onAdd(code string) {
	ctx, store, dept := p.app.ctx(), p.app.cfg.Store, p.department()
	if dept == "" && len(p.hospital.Departments) == 1 {
		dept = p.hospital.Departments[0].Name
	}
	go func() {
		var e *booth.QueueEntry
		text := ""
		s, err := store.Checkin(ctx, booth.CheckinRequest{Raw: code, Window: booth.DoubleSendWindow})
		switch {
		case err != nil:
		case s.Decision == booth.Rejected:
			text = lang.L(booth.ReasonText(s.Reason))
		default:
			e, err = store.Enqueue(ctx, s.VisitorID, p.hospital.ID, dept)
			if booth.ErrorCode(err) == booth.ECONFLICT {
				if open, _ := store.OpenEntry(ctx, s.VisitorID, p.hospital.ID); open != nil {
					e, err, text = open, nil, queueConflictText(open)
				}
			}
		}
		p.app.do(func() {
			if p.stopped() {
				return
			}
			switch {
			case err != nil:
				text = message(err)
			case e != nil:
				p.selected = e.ID
				if text == "" {
					text = lang.L("{{.Name}} joined the queue.", map[string]any{"Name": entryName(*e)})
				}
			}
			p.status.SetText(text)
			p.refresh()
		})
	}()
}

// minWidth is an invisible object that keeps a stack at least w wide.
func minWidth(w float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 1))
	return r
}

// queueStateName is a state in the interface language.
func queueStateName(s booth.QueueState) string {
	switch s {
	case booth.QueueWaiting:
		return lang.L("Waiting")
	case booth.QueueCalled:
		return lang.L("Called")
	case booth.QueueConsulting:
		return lang.L("In consultation")
	case booth.QueueDone:
		return lang.L("Done")
	case booth.QueueNoShow:
		return lang.L("Did not come")
	case booth.QueueCancelled:
		return lang.L("Removed")
	}
	return string(s)
}

func queueStateColor(s booth.QueueState) color.Color {
	switch s {
	case booth.QueueCalled:
		return colorDuplicate
	case booth.QueueConsulting:
		return colorBrand
	case booth.QueueDone:
		return colorAdmitted
	case booth.QueueNoShow:
		return colorRejected
	case booth.QueueCancelled:
		return color.NRGBA{0x94, 0xa3, 0xb8, 0xff}
	}
	return colorIdle
}

// queueMoveText says in one sentence what a move did.
func queueMoveText(a booth.QueueAction, e *booth.QueueEntry) string {
	data := map[string]any{"Name": entryName(*e)}
	switch a {
	case booth.QueueCall:
		return lang.L("Please call {{.Name}}.", data)
	case booth.QueueStart:
		return lang.L("{{.Name}} is in consultation.", data)
	case booth.QueueFinish:
		return lang.L("The consultation with {{.Name}} is done.", data)
	case booth.QueueMissed:
		return lang.L("{{.Name}} did not come.", data)
	case booth.QueueBackToWaiting:
		return lang.L("{{.Name}} is waiting again, at the end of the queue.", data)
	case booth.QueueCancel:
		return lang.L("{{.Name}} was removed from the queue.", data)
	}
	return ""
}

// queueConflictText is booth.QueueConflict's sentence in the interface
// language.
func queueConflictText(open *booth.QueueEntry) string {
	data := map[string]any{"Name": entryName(*open), "Hospital": open.OrgName}
	switch open.State {
	case booth.QueueCalled:
		return lang.L("{{.Name}} has already been called by {{.Hospital}}.", data)
	case booth.QueueConsulting:
		return lang.L("{{.Name}} is already in consultation at {{.Hospital}}.", data)
	}
	return lang.L("{{.Name}} is already waiting for {{.Hospital}}.", data)
}

func entryName(e booth.QueueEntry) string {
	if e.VisitorName == "" {
		return lang.L("Visitor erased")
	}
	return e.VisitorName
}

// durationText is a waiting time: "12 min", "1 h 05 min".
func durationText(d time.Duration) string {
	m := int(d / time.Minute)
	if m < 60 {
		return lang.L("{{.Count}} min", map[string]any{"Count": m})
	}
	return lang.L("{{.Hours}} h {{.Minutes}} min", map[string]any{"Hours": m / 60, "Minutes": fmt.Sprintf("%02d", m%60)})
}

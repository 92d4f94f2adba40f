package ui

import (
	"context"
	"fmt"
	"image/color"
	"log"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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

// tick refreshes the queue until stop.
func (p *queuePanel) tick() {
	t := time.NewTicker(queueRefreshEvery)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			p.refresh()
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

// sendToDialog asks the desk which hospital, and which of its departments,
// a visitor goes to.
type sendToDialog struct {
	app     *App
	visitor queueVisitor
	onSent  func(text string) // the one sentence the desk shows

	orgs     []booth.Org
	counts   []booth.QueueCount // who waits where, to choose the shorter queue
	hospital *widget.Select
	dept     *widget.Select
	queue    *widget.Label
	dlg      *dialog.FormDialog
}

// showSendTo loads the hospitals and opens the dialog; onSent gets the
// sentence saying what came of it.
func (u *App) showSendTo(v queueVisitor, onSent func(string)) *sendToDialog {
	s := &sendToDialog{app: u, visitor: v, onSent: onSent}
	store := u.cfg.Store
	go func() {
		orgs, err := store.Orgs(context.Background(), booth.OrgHospital)
		var counts []booth.QueueCount
		if err == nil {
			counts, err = store.WaitingSummary(context.Background())
		}
		u.do(func() {
			if err != nil {
				log.Printf("hospitals: %v", err)
				onSent(message(err))
				return
			}
			if len(orgs) == 0 {
				onSent(lang.L("This event has no hospitals to send visitors to."))
				return
			}
			s.orgs, s.counts = orgs, counts
			s.show()
		})
	}()
	return s
}

func (s *sendToDialog) show() {
	var names []string
	for _, o := range s.orgs {
		names = append(names, o.Name)
	}
	s.dept = widget.NewSelect(nil, nil)
	s.queue = widget.NewLabel("")
	s.queue.Wrapping = fyne.TextWrapWord
	s.hospital = widget.NewSelect(names, func(string) { s.fillDepartments() })
	s.hospital.PlaceHolder = lang.L("Choose the hospital")
	s.dept.PlaceHolder = lang.L("Any department")
	if len(names) == 1 {
		s.hospital.SetSelectedIndex(0)
	}
	s.fillDepartments()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Hospital"), s.hospital),
		widget.NewFormItem(lang.L("Department"), s.dept),
		widget.NewFormItem(lang.L("Queue now"), s.queue),
	}
	title := lang.L("Send {{.Name}} to a hospital", map[string]any{"Name": s.visitor.Name})
	s.dlg = dialog.NewForm(title, lang.L("Send"), lang.L("Cancel"), items, func(ok bool) {
		if ok {
			s.send()
		}
	}, s.app.win)
	s.dlg.Resize(fyne.NewSize(640, 0)) // as high as it needs
	s.dlg.Show()
}

func (s *sendToDialog) org() *booth.Org {
	i := s.hospital.SelectedIndex()
	if i < 0 || i >= len(s.orgs) {
		return nil
	}
	return &s.orgs[i]
}

// fillDepartments offers the chosen hospital's departments; the only one
// is chosen straight away.
func (s *sendToDialog) fillDepartments() {
	o := s.org()
	if o == nil {
		s.dept.SetOptions(nil)
		s.dept.ClearSelected()
		s.dept.Disable()
		s.queue.SetText("")
		return
	}
	var lines []string
	for _, c := range s.counts {
		if c.OrgID != o.ID {
			continue
		}
		line := queueCountText(c, s.app.cfg.Now())
		if c.Department != "" {
			line = c.Department + ": " + line
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		lines = []string{lang.L("Nobody is waiting here.")}
	}
	s.queue.SetText(strings.Join(lines, "\n"))
	opts := []string{lang.L("Any department")}
	for _, d := range o.Departments {
		opts = append(opts, d.Name)
	}
	s.dept.SetOptions(opts)
	s.dept.Enable()
	if len(o.Departments) == 1 {
		s.dept.SetSelectedIndex(1)
	} else {
		s.dept.SetSelectedIndex(0)
	}
}

func (s *sendToDialog) send() {
	o := s.org()
	if o == nil {
		s.onSent(lang.L("Choose the hospital"))
		return
	}
	dept := ""
	if s.dept.SelectedIndex() > 0 {
		dept = s.dept.Selected
	}
	ctx, store, v, org := s.app.ctx(), s.app.cfg.Store, s.visitor, *o
	go func() {
		e, err := store.Enqueue(ctx, v.ID, org.ID, dept)
		var text string
		switch {
		case err == nil:
			where := e.OrgName
			if e.Department != "" {
				where += " · " + e.Department
			}
			text = lang.L("{{.Name}} is now waiting for {{.Hospital}}.", map[string]any{"Name": entryName(*e), "Hospital": where})
		case booth.ErrorCode(err) == booth.ECONFLICT:
			if open, _ := store.OpenEntry(ctx, v.ID, org.ID); open != nil {
				text = queueConflictText(open)
				break
			}
			fallthrough
		default:
			log.Printf("send %s to %s: %v", v.ID, org.Name, err)
			text = message(err)
		}
		s.app.do(func() { s.onSent(text) })
	}()
}

// waitingSummary is the desk's view of who is waiting where: one line per
// hospital department with a queue, and the result of the last send.
type waitingSummary struct {
	content fyne.CanvasObject
	lines   *widget.Label
	note    *widget.Label
}

func newWaitingSummary() *waitingSummary {
	w := &waitingSummary{
		lines: widget.NewLabel(lang.L("Nobody is waiting at the hospitals.")),
		note:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true}),
	}
	w.lines.Truncation = fyne.TextTruncateEllipsis
	w.note.Truncation = fyne.TextTruncateEllipsis
	w.note.Hide()
	title := widget.NewLabelWithStyle(lang.L("Waiting at the hospitals"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.content = container.NewVBox(title, w.lines, w.note)
	return w
}

// show puts the counts in, with waiting times as of now.
func (w *waitingSummary) show(counts []booth.QueueCount, now time.Time) {
	var names []string
	for _, c := range counts {
		names = append(names, c.OrgName)
	}
	short := shortNames(names)
	var lines []string
	for _, c := range counts {
		where := short[c.OrgName]
		if c.Department != "" {
			where += " · " + c.Department
		}
		lines = append(lines, where+": "+queueCountText(c, now))
	}
	if len(lines) == 0 {
		lines = []string{lang.L("Nobody is waiting at the hospitals.")}
	}
	w.lines.SetText(strings.Join(lines, "\n"))
}

// setNote shows the result of a send.
func (w *waitingSummary) setNote(text string) {
	w.note.SetText(text)
	w.note.Show()
}

// queueCountText is "3 waiting, longest 14 min, 1 called, 1 in consultation".
func queueCountText(c booth.QueueCount, now time.Time) string {
	var parts []string
	if c.Waiting > 0 {
		parts = append(parts, lang.L("{{.Count}} waiting, longest {{.Wait}}", map[string]any{"Count": c.Waiting, "Wait": durationText(c.LongestWait(now))}))
	} else {
		parts = append(parts, lang.L("nobody waiting"))
	}
	if c.Called > 0 {
		parts = append(parts, lang.L("{{.Count}} called", map[string]any{"Count": c.Called}))
	}
	if c.Consulting > 0 {
		parts = append(parts, lang.L("{{.Count}} in consultation", map[string]any{"Count": c.Consulting}))
	}
	return strings.Join(parts, ", ")
}

// shortNames gives each hospital name a short form for one line: its first
// two words when the name is long ("Kyung Hee University Korean Medicine
// Hospital" → "Kyung Hee"), more words for hospitals that would read alike.
func shortNames(names []string) map[string]string {
	words := map[string]int{}
	for _, name := range names {
		words[name] = 2
	}
	out := map[string]string{}
	for {
		byShort := map[string][]string{}
		for name, n := range words {
			out[name] = shortName(name, n)
			byShort[out[name]] = append(byShort[out[name]], name)
		}
		grew := false
		for _, alike := range byShort {
			if len(alike) < 2 {
				continue
			}
			for _, name := range alike {
				if out[name] != name {
					words[name]++
					grew = true
				}
			}
		}
		if !grew {
			return out
		}
	}
}

func shortName(name string, words int) string {
	f := strings.Fields(name)
	if len([]rune(name)) <= 24 || len(f) <= words {
		return name
	}
	return strings.Join(f[:words], " ")
}

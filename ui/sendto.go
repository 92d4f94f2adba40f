package ui

import (
	"context"
	"log"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

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
	s.app.showEscapable(s.dlg)
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

package ui

import (
	"context"
	"log"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// meetingStore is what the B2B meeting log needs from the database.
type meetingStore interface {
	booth.MeetingService
}

// prefMeetingFirm remembers the firm last chosen on the meetings screen: a
// laptop usually logs the meetings of one firm all day.
const prefMeetingFirm = "meetingFirm"

// agencySuggestions is how many directory entries the agency field offers.
const agencySuggestions = 8

// meetingsScreen logs B2B meetings between our firms and agencies: the form
// on the left, the counts and the latest meetings on the right. The agency
// field offers the directory's agencies as staff type; a new name joins the
// directory when the meeting is saved.
type meetingsScreen struct {
	app      *App
	ev       *booth.Event
	firms    []booth.Org
	suggest  []booth.Agency // directory entries matching the agency typed
	query    int            // the latest directory query; older answers are dropped
	matched  *booth.Agency  // the directory entry the agency typed names, if any
	filled   [2]string      // the city and contact filled in from matched
	whenAuto string         // the time the form proposed; left as it is, the meeting is now
	saving   bool
	counts   booth.MeetingCounts
	meetings []booth.Meeting

	firm       *widget.Select
	agency     *agencyEntry
	agencyHint *widget.Label
	city       *widget.Entry
	contact    *widget.Entry
	attendees  *widget.Entry
	when       *widget.Entry
	outcome    *widget.Entry
	mou        *widget.Check
	next       *widget.Entry
	saveBtn    *widget.Button
	status     *widget.Label

	totals   *widget.Label
	tabs     *container.AppTabs
	byFirm   *widget.List
	byAgency *widget.List
	latest   *widget.List
}

// showMeetings opens the B2B meeting log.
func (u *App) showMeetings() { u.openMeetings() }

// openMeetings opens the meeting log and returns it (tests drive it).
func (u *App) openMeetings() *meetingsScreen {
	if u.staff == nil {
		return nil
	}
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	s := &meetingsScreen{app: u}
	u.setContent(u.adminScreen(lang.L("B2B meetings"), s.build()))
	s.load(true)
	return s
}

func (s *meetingsScreen) build() fyne.CanvasObject {
	split := container.NewHSplit(s.buildForm(), s.buildCounts())
	split.Offset = 0.46
	return split
}

func (s *meetingsScreen) buildForm() fyne.CanvasObject {
	s.firm = widget.NewSelect(nil, func(string) { s.rememberFirm() })
	s.firm.PlaceHolder = lang.L("Choose our firm")
	s.agency = newAgencyEntry(s.pick)
	s.agency.SetPlaceHolder(lang.L("Type to search the directory, or a new name"))
	s.agency.OnChanged = s.onAgencyChanged
	s.agencyHint = widget.NewLabel("")
	s.agencyHint.SizeName = theme.SizeNameCaptionText
	s.agencyHint.Truncation = fyne.TextTruncateEllipsis
	s.city = widget.NewEntry()
	s.contact = widget.NewEntry()
	s.contact.SetPlaceHolder(lang.L("Name, phone, e-mail or messenger"))
	s.attendees = widget.NewEntry()
	s.attendees.SetPlaceHolder(lang.L("Who took part, on both sides"))
	s.when = widget.NewEntry()
	s.when.SetPlaceHolder(lang.L("HH:MM today, or 2026-09-17T10:30:00+05:00"))
	s.outcome = widget.NewMultiLineEntry()
	s.outcome.Wrapping = fyne.TextWrapWord
	s.outcome.SetMinRowsVisible(3)
	s.mou = widget.NewCheck(lang.L("MOU signed"), nil)
	s.next = widget.NewEntry()
	s.next.SetPlaceHolder(lang.L("For example: send prices by Friday"))
	for _, e := range []*widget.Entry{s.city, s.contact, s.attendees, s.when, s.next} {
		e.OnSubmitted = func(string) { s.save() }
	}
	s.agency.OnSubmitted = func(string) { s.save() }
	s.saveBtn = widget.NewButtonWithIcon(lang.L("Save the meeting"), theme.DocumentSaveIcon(), s.save)
	s.saveBtn.Importance = widget.HighImportance
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Our firm"), s.firm),
		widget.NewFormItem(lang.L("Agency"), container.NewVBox(s.agency, s.agencyHint)),
		widget.NewFormItem(lang.L("City"), s.city),
		widget.NewFormItem(lang.L("Contact"), s.contact),
		widget.NewFormItem(lang.L("Attendees"), s.attendees),
		widget.NewFormItem(lang.L("Time"), s.when),
		widget.NewFormItem(lang.L("Outcome"), s.outcome),
		widget.NewFormItem("", s.mou),
		widget.NewFormItem(lang.L("Next action"), s.next))
	heading := widget.NewLabelWithStyle(lang.L("New meeting"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVScroll(container.NewVBox(heading, form, container.NewHBox(s.saveBtn), s.status))
}

func (s *meetingsScreen) buildCounts() fyne.CanvasObject {
	s.totals = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.totals.Wrapping = fyne.TextWrapWord

	firmHead, firmCols := countHeader(lang.L("Firm"), lang.L("Meetings"), lang.L("Agencies"), lang.L("MOUs"))
	s.byFirm = widget.NewList(func() int { return len(s.counts.ByFirm) },
		func() fyne.CanvasObject { return countRow(firmCols) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			f := s.counts.ByFirm[i]
			setCountRow(o, f.Firm, f.Meetings, f.Agencies, f.MOUs)
		})
	agencyHead, agencyCols := countHeader(lang.L("Agency"), lang.L("Meetings"), lang.L("Firms"), lang.L("MOUs"))
	s.byAgency = widget.NewList(func() int { return len(s.counts.ByAgency) },
		func() fyne.CanvasObject { return countRow(agencyCols) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			a := s.counts.ByAgency[i]
			name := a.Agency
			if a.City != "" {
				name += " (" + a.City + ")"
			}
			setCountRow(o, name, a.Meetings, a.Firms, a.MOUs)
		})
	s.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Per firm"), container.NewBorder(firmHead, nil, nil, nil, s.byFirm)),
		container.NewTabItem(lang.L("Per agency"), container.NewBorder(agencyHead, nil, nil, nil, s.byAgency)))

	s.latest = widget.NewList(func() int { return len(s.meetings) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			info := widget.NewLabel("")
			title.Truncation, info.Truncation = fyne.TextTruncateEllipsis, fyne.TextTruncateEllipsis
			info.SizeName = theme.SizeNameCaptionText
			return container.NewVBox(title, info)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			rows := o.(*fyne.Container).Objects
			m := s.meetings[i]
			rows[0].(*widget.Label).SetText(m.Firm + " — " + m.Agency)
			rows[1].(*widget.Label).SetText(s.describe(m))
		})
	latestHead := widget.NewLabelWithStyle(lang.L("Latest meetings"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	split := container.NewVSplit(s.tabs, container.NewBorder(latestHead, nil, nil, nil, s.latest))
	split.Offset = 0.5
	return container.NewBorder(s.totals, nil, nil, nil, split)
}

// describe is the second line of a meeting in the list.
func (s *meetingsScreen) describe(m booth.Meeting) string {
	at := m.At
	if s.ev != nil {
		at = at.In(s.ev.Location())
	}
	when := at.Format("15:04")
	if s.ev != nil && m.Day != s.ev.LocalDay(s.app.cfg.Now()) {
		when = dateTime(at)
	}
	if m.Late {
		when += " " + lang.L("(entered later)")
	}
	parts := []string{when}
	if m.MOU {
		parts = append(parts, lang.L("MOU signed"))
	}
	if o := strings.Join(strings.Fields(m.Outcome), " "); o != "" {
		parts = append(parts, o)
	}
	if m.NextAction != "" {
		parts = append(parts, lang.L("Next: {{.Action}}", map[string]any{"Action": strings.Join(strings.Fields(m.NextAction), " ")}))
	}
	return strings.Join(parts, " · ")
}

// load reads the event and our firms (the first time), the counts and the
// meetings, and shows them.
func (s *meetingsScreen) load(first bool) {
	go func() {
		ctx := context.Background()
		st := s.app.cfg.Store
		var ev *booth.Event
		var firms []booth.Org
		var err error
		if first {
			if ev, err = st.Event(ctx); err == nil {
				firms, err = st.Orgs(ctx, booth.OrgFirm)
			}
			if err == nil { // hospitals' coordinators meet agencies too
				var hospitals []booth.Org
				hospitals, err = st.Orgs(ctx, booth.OrgHospital)
				firms = append(firms, hospitals...)
			}
		}
		var counts booth.MeetingCounts
		var list []booth.Meeting
		if err == nil {
			counts, err = st.MeetingCounts(ctx)
		}
		if err == nil {
			list, err = st.Meetings(ctx, "")
		}
		s.app.do(func() {
			if err != nil {
				log.Printf("read meetings: %v", err)
				s.say(message(err), true)
				return
			}
			if first {
				s.ev, s.firms = ev, firms
				s.showFirms()
				s.resetTime()
			}
			s.counts, s.meetings = counts, list
			s.totals.SetText(lang.L("Meetings: {{.Meetings}} · firms: {{.Firms}} · agencies: {{.Agencies}} · MOUs: {{.MOUs}}",
				map[string]any{"Meetings": counts.Meetings, "Firms": counts.Firms, "Agencies": counts.Agencies, "MOUs": counts.MOUs}))
			s.byFirm.Refresh()
			s.byAgency.Refresh()
			s.latest.Refresh()
		})
	}()
}

// showFirms offers our firms, the one chosen last time selected.
func (s *meetingsScreen) showFirms() {
	names := make([]string, len(s.firms))
	last := s.app.fyne.Preferences().String(prefMeetingFirm)
	sel := -1
	for i, f := range s.firms {
		names[i] = f.Name
		if f.ID == last {
			sel = i
		}
	}
	s.firm.SetOptions(names)
	if sel < 0 && len(s.firms) == 1 {
		sel = 0
	}
	c := s.app.win.Canvas()
	if sel >= 0 {
		s.firm.SetSelectedIndex(sel)
		c.Focus(s.agency)
	} else {
		c.Focus(s.firm)
	}
}

func (s *meetingsScreen) rememberFirm() {
	if i := s.firm.SelectedIndex(); i >= 0 && i < len(s.firms) {
		s.app.fyne.Preferences().SetString(prefMeetingFirm, s.firms[i].ID)
	}
}

// resetTime proposes the time now, event-local.
func (s *meetingsScreen) resetTime() {
	if s.ev == nil {
		return
	}
	s.whenAuto = s.app.cfg.Now().In(s.ev.Location()).Format("15:04")
	s.when.SetText(s.whenAuto)
}

// onAgencyChanged looks the typed name up in the directory in the
// background; an answer to an older query than the latest is dropped.
func (s *meetingsScreen) onAgencyChanged(text string) {
	s.match(text)
	q := strings.TrimSpace(text)
	s.query++
	if q == "" {
		s.setSuggestions(nil)
		return
	}
	n := s.query
	go func() {
		list, err := s.app.cfg.Store.Agencies(context.Background(), q, agencySuggestions)
		s.app.do(func() {
			if n != s.query {
				return
			}
			if err != nil {
				log.Printf("agency directory: %v", err)
				return
			}
			s.setSuggestions(list)
			s.match(s.agency.Text)
		})
	}()
}

func (s *meetingsScreen) setSuggestions(list []booth.Agency) {
	s.suggest = list
	names := make([]string, len(list))
	for i, a := range list {
		names[i] = a.Name
	}
	s.agency.SetOptions(names)
	s.agency.Refresh()
}

// match notes whether the agency typed is one of the directory's; when it
// becomes one, its city and contact fill the form, and when it stops being
// one, what was filled in from it (and not changed since) goes again.
func (s *meetingsScreen) match(text string) {
	var found *booth.Agency
	for i := range s.suggest {
		if sameAgencyName(s.suggest[i].Name, text) {
			found = &s.suggest[i]
		}
	}
	switch {
	case found != nil && (s.matched == nil || s.matched.ID != found.ID):
		s.unfill()
		a := *found
		s.matched = &a
		if a.City != "" {
			s.city.SetText(a.City)
		}
		if a.Contact != "" {
			s.contact.SetText(a.Contact)
		}
		s.filled = [2]string{a.City, a.Contact}
	case found == nil && s.matched != nil:
		s.unfill()
		s.matched = nil
	}
	switch {
	case strings.TrimSpace(text) == "":
		s.agencyHint.SetText("")
	case s.matched != nil:
		s.agencyHint.SetText(lang.L("In the directory; meetings so far: {{.N}}.", map[string]any{"N": s.matched.Meetings}))
	case len(s.suggest) > 0:
		s.agencyHint.SetText(lang.L("In the directory: {{.N}}; press ↓ to choose.", map[string]any{"N": len(s.suggest)}))
	default:
		s.agencyHint.SetText(lang.L("A new agency: it joins the directory when you save."))
	}
}

// unfill empties the city and contact filled in from the directory, unless
// someone changed them since.
func (s *meetingsScreen) unfill() {
	if s.filled[0] != "" && s.city.Text == s.filled[0] {
		s.city.SetText("")
	}
	if s.filled[1] != "" && s.contact.Text == s.filled[1] {
		s.contact.SetText("")
	}
	s.filled = [2]string{}
}

// pick takes a directory entry chosen from the list with the keyboard and
// moves on to the next field.
func (s *meetingsScreen) pick(name string) {
	s.agency.SetText(name)
	s.app.win.Canvas().Focus(s.city)
}

func sameAgencyName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

func (s *meetingsScreen) say(text string, bad bool) { say(s.status, text, bad) }

// save checks the form, stores the meeting in the background and, once it
// is stored, empties the form for the next meeting of the same firm.
func (s *meetingsScreen) save() {
	if s.saving || s.ev == nil {
		return
	}
	c := s.app.win.Canvas()
	i := s.firm.SelectedIndex()
	if i < 0 || i >= len(s.firms) {
		s.say(lang.L("Choose the firm that held the meeting."), true)
		c.Focus(s.firm)
		return
	}
	m := booth.Meeting{FirmID: s.firms[i].ID, Agency: s.agency.Text, City: s.city.Text, Contact: s.contact.Text,
		Attendees: s.attendees.Text, Outcome: s.outcome.Text, MOU: s.mou.Checked, NextAction: s.next.Text}
	if s.matched != nil && sameAgencyName(s.matched.Name, m.Agency) {
		m.AgencyID = s.matched.ID
	}
	if t := strings.TrimSpace(s.when.Text); t != "" && t != s.whenAuto {
		at, err := booth.ParseMeetingTime(t, s.app.cfg.Now(), s.ev.Location())
		if err != nil {
			s.say(message(err), true)
			c.Focus(s.when)
			return
		}
		m.At, m.Late = at, true
	}
	if err := m.Validate(); err != nil {
		s.say(message(err), true)
		if m.Agency == "" {
			c.Focus(s.agency)
		}
		return
	}
	isNew := m.AgencyID == ""
	s.saving = true
	s.saveBtn.Disable()
	go func() {
		err := s.app.cfg.Store.AddMeeting(s.app.ctx(), &m)
		s.app.do(func() {
			s.saving = false
			s.saveBtn.Enable()
			if err != nil {
				if booth.ErrorCode(err) == booth.EINTERNAL {
					log.Printf("save meeting: %v", err)
				}
				s.say(message(err), true)
				return
			}
			s.clear()
			done := lang.L("Saved: {{.Firm}} met {{.Agency}}.", map[string]any{"Firm": m.Firm, "Agency": m.Agency})
			if isNew {
				done = lang.L("Saved; {{.Agency}} joined the agency directory.", map[string]any{"Agency": m.Agency})
			}
			s.say(done, false)
			c.Focus(s.agency)
			s.load(false)
		})
	}()
}

// clear empties the form for the next meeting; the firm stays.
func (s *meetingsScreen) clear() {
	s.agency.SetText("")
	s.matched, s.filled = nil, [2]string{}
	for _, e := range []*widget.Entry{s.city, s.contact, s.attendees, s.outcome, s.next} {
		e.SetText("")
	}
	s.mou.SetChecked(false)
	s.resetTime()
}

// agencyEntry is the agency field: a SelectEntry whose list, the directory
// entries matching what was typed, also opens with the Down key, so a known
// agency is chosen without the mouse.
type agencyEntry struct {
	widget.SelectEntry
	options []string
	onPick  func(string)
}

func newAgencyEntry(onPick func(string)) *agencyEntry {
	e := &agencyEntry{onPick: onPick}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	return e
}

// SetOptions sets the names the list offers.
func (e *agencyEntry) SetOptions(options []string) {
	e.options = options
	e.SelectEntry.SetOptions(options)
}

// TypedKey opens the list on Down; every other key edits the text.
func (e *agencyEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name != fyne.KeyDown || len(e.options) == 0 {
		e.SelectEntry.TypedKey(k)
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(e)
	if c == nil {
		return
	}
	items := make([]*fyne.MenuItem, len(e.options))
	for i, name := range e.options {
		items[i] = fyne.NewMenuItem(name, func() { e.onPick(name) })
	}
	pop := widget.NewPopUpMenu(fyne.NewMenu("", items...), c)
	hide := pop.OnDismiss
	pop.OnDismiss = func() { // Escape: back to typing
		hide()
		c.Focus(e)
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(e)
	pop.ShowAtPosition(pos.Add(fyne.NewPos(0, e.Size().Height)))
	pop.Resize(fyne.NewSize(e.Size().Width, pop.MinSize().Height))
	pop.ActivateNext()
}

// countHeader is the header row of a table of counts, and the widths of its
// number columns (each as wide as its heading, at least as wide as 4 digits).
func countHeader(name string, cols ...string) (fyne.CanvasObject, []float32) {
	objs := []fyne.CanvasObject{widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	digits := widget.NewLabel("0000").MinSize().Width
	widths := make([]float32, len(cols))
	for i, c := range cols {
		l := widget.NewLabelWithStyle(c, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		widths[i] = max(l.MinSize().Width, digits)
		objs = append(objs, l)
	}
	return container.New(&columnsLayout{widths: widths}, objs...), widths
}

// countRow is a row of a table of counts: a name, then the numbers.
func countRow(widths []float32) fyne.CanvasObject {
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	objs := []fyne.CanvasObject{name}
	for range widths {
		objs = append(objs, widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}))
	}
	return container.New(&columnsLayout{widths: widths}, objs...)
}

func setCountRow(o fyne.CanvasObject, name string, nums ...int) {
	objs := o.(*fyne.Container).Objects
	objs[0].(*widget.Label).SetText(name)
	for i, n := range nums {
		objs[i+1].(*widget.Label).SetText(strconv.Itoa(n))
	}
}

// columnsLayout gives its first object the room its other objects, at fixed
// widths on the right, leave.
type columnsLayout struct{ widths []float32 }

func (l *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := size.Width
	for i := len(objs) - 1; i >= 1; i-- {
		w := l.widths[i-1]
		x -= w
		objs[i].Move(fyne.NewPos(x, 0))
		objs[i].Resize(fyne.NewSize(w, size.Height))
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(max(x, 0), size.Height))
}

func (l *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i, o := range objs {
		m := o.MinSize()
		h = max(h, m.Height)
		if i == 0 {
			w += m.Width
		} else {
			w += l.widths[i-1]
		}
	}
	return fyne.NewSize(w, h)
}

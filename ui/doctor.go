package ui

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// consultStore is what the doctors' desk needs from the database.
type consultStore interface {
	AddConsultation(ctx context.Context, c *booth.Consultation, note booth.NoteContent) error
	Consultations(ctx context.Context, visitorID, orgID string) ([]booth.Consultation, error)
	ConsultationCount(ctx context.Context, visitorID string) (int, error)
	Complaints(ctx context.Context, orgID, department string) ([]string, error)
	UnlockHospital(ctx context.Context, orgID, passphrase string) (*booth.NotesKey, error)
	ReadNote(ctx context.Context, key *booth.NotesKey, consultationID string) (booth.NoteContent, error)
}

// interpreterLanguages are the interpreting languages a consultation may
// note, with "" for none.
var interpreterLanguages = []string{"", "ru", "kk", "en", "ko"}

// doctorDesk is where a doctor or coordinator of one hospital works: the
// hospital's queue on the left, the consultation of the visitor in front of
// them on the right. Notes are sealed to the hospital; reading earlier notes
// needs the hospital's passphrase once per sign-in.
type doctorDesk struct {
	app      *App
	ev       *booth.Event
	hospital booth.Org
	queue    *queuePanel

	visitor  *booth.Visitor
	entryID  string // the queue entry being consulted, if any
	consents []booth.Consent

	who, consentLine *widget.Label
	consentBtn       *widget.Button // takes the consent at the table
	dept, complaint  *widget.Select
	doctor, when, by *widget.Entry
	summary          *widget.Entry
	counter          *widget.Label
	recommendation   *widget.Select
	followUp         *widget.RadioGroup
	interpreter      *widget.Select
	saveBtn          *widget.Button
	status           *widget.Label
	notesState       *widget.Label
	unlockBtn        *widget.Button
	history          *fyne.Container
	content          fyne.CanvasObject
}

// showDoctor opens the doctors' desk of the signed-in doctor's hospital.
func (u *App) showDoctor() {
	if !u.may(booth.ActConsult) {
		return
	}
	ctx := context.Background()
	ev, err := u.cfg.Store.Event(ctx)
	if err != nil {
		u.setContent(errorScreen(err))
		return
	}
	orgs, err := u.cfg.Store.Orgs(ctx, booth.OrgHospital)
	if err != nil {
		u.setContent(errorScreen(err))
		return
	}
	var h *booth.Org
	for i := range orgs {
		if orgs[i].ID == u.staff.OrgID {
			h = &orgs[i]
		}
	}
	if h == nil {
		u.setContent(errorScreen(booth.Errorf(booth.ENOTFOUND, "There is no such hospital.")))
		return
	}
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	d := &doctorDesk{app: u, ev: ev, hospital: *h}
	u.doctor = d
	d.queue = newQueuePanel(u, *h, d.start)
	d.content = d.build()
	u.setContent(d.content)
}

func (d *doctorDesk) build() fyne.CanvasObject {
	u := d.app
	title := widget.NewLabelWithStyle(d.hospital.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	d.notesState = widget.NewLabel("")
	d.unlockBtn = widget.NewButtonWithIcon(lang.L("Open the notes…"), theme.VisibilityIcon(), d.askPassphrase)
	back := widget.NewButtonWithIcon(lang.L("Check-in desk"), theme.NavigateBackIcon(), func() {
		d.stop()
		u.showDesk()
	})
	lock := widget.NewButtonWithIcon(lang.L("Lock"), theme.LogoutIcon(), u.lock)
	title.Truncation = fyne.TextTruncateEllipsis
	who := widget.NewLabel(lang.L("Signed in: {{.Name}}", map[string]any{"Name": staffLabel(*u.staff)}))
	who.Truncation = fyne.TextTruncateEllipsis
	// The hospital's name has a line of its own; the buttons share theirs
	// with who is signed in, whose name gives way on narrow screens.
	header := container.NewVBox(title, container.NewBorder(nil, nil, nil, container.NewHBox(d.notesState, d.unlockBtn, back, lock), who))
	d.refreshNotesState()

	d.who = widget.NewLabelWithStyle(lang.L("Start a consultation from the queue, or scan the visitor's badge into it."),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.who.Wrapping = fyne.TextWrapWord
	d.consentLine = widget.NewLabel("")
	d.consentLine.Wrapping = fyne.TextWrapWord
	d.consentBtn = widget.NewButtonWithIcon(lang.L("Take the consent…"), theme.DocumentCreateIcon(), d.askConsent)
	d.consentBtn.Hide()

	depts := make([]string, len(d.hospital.Departments))
	for i, dep := range d.hospital.Departments {
		depts[i] = dep.Name
	}
	d.complaint = widget.NewSelect(nil, nil)
	d.complaint.PlaceHolder = lang.L("Complaint")
	d.dept = widget.NewSelect(depts, func(string) { d.loadComplaints() })
	d.doctor = widget.NewEntry()
	if u.staff.Role == booth.RoleDoctor {
		d.doctor.SetText(u.staff.Name)
	}
	d.summary = widget.NewMultiLineEntry()
	d.summary.Wrapping = fyne.TextWrapWord
	d.summary.SetMinRowsVisible(4)
	d.summary.SetPlaceHolder(lang.L("Write only what the follow-up needs: no passport numbers, no full history."))
	d.counter = widget.NewLabel("")
	d.summary.OnChanged = func(s string) {
		n := utf8.RuneCountInString(s)
		d.counter.SetText(fmt.Sprintf("%d / %d", n, booth.MaxSummary))
		if n > booth.MaxSummary {
			d.counter.Importance = widget.DangerImportance
		} else {
			d.counter.Importance = widget.LowImportance
		}
		d.counter.Refresh()
	}
	d.summary.OnChanged("")
	recs := make([]string, len(booth.Recommendations))
	for i, r := range booth.Recommendations {
		recs[i] = recommendationName(r)
	}
	d.recommendation = widget.NewSelect(recs, nil)
	d.recommendation.PlaceHolder = lang.L("Choose…")
	follows := make([]string, len(booth.FollowUps))
	for i, f := range booth.FollowUps {
		follows[i] = followUpName(f)
	}
	d.followUp = widget.NewRadioGroup(follows, nil)
	d.followUp.Horizontal = true
	d.when = widget.NewEntry()
	d.when.SetPlaceHolder(lang.L("e.g. within a month"))
	d.by = widget.NewEntry()
	d.by.SetPlaceHolder(lang.L("e.g. the coordinator, by WhatsApp"))
	interps := make([]string, len(interpreterLanguages))
	for i, l := range interpreterLanguages {
		interps[i] = interpreterName(l)
	}
	d.interpreter = widget.NewSelect(interps, nil)
	for _, e := range []*widget.Entry{d.doctor, d.when, d.by} {
		e.OnSubmitted = func(string) { d.save() }
	}
	d.saveBtn = widget.NewButtonWithIcon(lang.L("Save the consultation"), theme.DocumentSaveIcon(), d.save)
	d.saveBtn.Importance = widget.HighImportance
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Department"), d.dept),
		widget.NewFormItem(lang.L("Doctor"), d.doctor),
		widget.NewFormItem(lang.L("Complaint"), d.complaint),
		widget.NewFormItem(lang.L("Summary"), container.NewBorder(nil, d.counter, nil, nil, d.summary)),
		widget.NewFormItem(lang.L("Recommendation"), d.recommendation),
		widget.NewFormItem(lang.L("Follow-up"), d.followUp),
		widget.NewFormItem(lang.L("When"), d.when),
		widget.NewFormItem(lang.L("Interpreter"), d.interpreter),
		widget.NewFormItem(lang.L("Who follows up"), d.by),
	)
	d.history = container.NewVBox()
	d.clear()
	right := container.NewVScroll(container.NewVBox(d.who, d.consentLine, d.consentBtn, form, d.saveBtn, d.status, widget.NewSeparator(), d.history))
	split := container.NewHSplit(d.queue.content, right)
	split.Offset = 0.4
	return container.NewBorder(container.NewPadded(header), nil, nil, nil, split)
}

// stop ends the desk's background work.
func (d *doctorDesk) stop() {
	if d.queue != nil {
		d.queue.stop()
	}
}

// start takes the visitor of a queue entry into the form.
func (d *doctorDesk) start(e booth.QueueEntry) {
	d.app.touch()
	d.entryID = e.ID
	dept := e.Department
	go func() {
		ctx := context.Background()
		v, err := d.app.cfg.Store.Visitor(ctx, e.VisitorID)
		var cs []booth.Consent
		if err == nil {
			cs, err = d.app.cfg.Store.Consents(ctx, e.VisitorID)
		}
		d.app.do(func() {
			if err != nil {
				d.status.SetText(message(err))
				return
			}
			d.clear()
			d.entryID = e.ID
			d.visitor, d.consents = v, cs
			if dept != "" {
				d.dept.SetSelected(dept)
			}
			d.showVisitor()
			d.loadHistory()
		})
	}()
}

// showVisitor names the visitor and says whether they consented to health
// information; without it nothing can be saved.
func (d *doctorDesk) showVisitor() {
	v := d.visitor
	parts := []string{v.Name}
	if v.NameLatin != "" && v.NameLatin != v.Name {
		parts = append(parts, v.NameLatin)
	}
	parts = append(parts, typeName(v.Type))
	if v.BirthYear > 0 {
		parts = append(parts, fmt.Sprint(v.BirthYear))
	}
	d.who.SetText(strings.Join(parts, " · "))
	if err := booth.CheckHealth(d.consents); err != nil {
		d.consentLine.SetText(message(err) + " " + lang.L("Ask the visitor, and record their answer here."))
		d.consentLine.Importance = widget.DangerImportance
		d.consentBtn.Show()
		d.saveBtn.Disable()
	} else {
		text := lang.L("Consent to health information: given.")
		// A laptop that never saw the registration knows it from the badge.
		if c := booth.LatestConsent(d.consents, booth.PurposeHealth, ""); c != nil && c.TextVersion == booth.BadgeTextVersion {
			text = lang.L("Consent to health information: given, as the visitor's badge says.")
		}
		d.consentLine.SetText(text)
		d.consentLine.Importance = widget.SuccessImportance
		d.consentBtn.Hide()
		d.saveBtn.Enable()
	}
	d.consentLine.Refresh()
}

// clear empties the form for the next visitor.
func (d *doctorDesk) clear() {
	d.visitor, d.entryID, d.consents = nil, "", nil
	d.consentBtn.Hide()
	if len(d.hospital.Departments) == 1 {
		d.dept.SetSelectedIndex(0)
	} else {
		d.dept.ClearSelected()
	}
	d.complaint.ClearSelected()
	d.summary.SetText("")
	d.recommendation.ClearSelected()
	d.followUp.SetSelected("")
	d.when.SetText("")
	d.by.SetText("")
	d.interpreter.SetSelectedIndex(0)
	d.who.SetText(lang.L("Start a consultation from the queue, or scan the visitor's badge into it."))
	d.consentLine.SetText("")
	d.saveBtn.Disable()
	d.history.RemoveAll()
}

func (d *doctorDesk) loadComplaints() {
	dept := d.dept.Selected
	go func() {
		list, err := d.app.cfg.Store.Complaints(context.Background(), d.hospital.ID, dept)
		d.app.do(func() {
			if err != nil {
				log.Printf("complaints: %v", err)
				return
			}
			d.complaint.SetOptions(list)
			d.complaint.ClearSelected()
		})
	}()
}

// save records the consultation; the queue entry is done once it is
// stored.
func (d *doctorDesk) save() {
	if d.visitor == nil || d.saveBtn.Disabled() {
		return
	}
	d.app.touch()
	c := &booth.Consultation{VisitorID: d.visitor.ID, OrgID: d.hospital.ID, Department: d.dept.Selected, Doctor: d.doctor.Text,
		FollowUpWhen: d.when.Text, FollowUpBy: d.by.Text}
	if i := d.recommendation.SelectedIndex(); i >= 0 {
		c.Recommendation = booth.Recommendations[i]
	}
	for i, f := range booth.FollowUps {
		if d.followUp.Selected == followUpName(f) {
			c.FollowUp = booth.FollowUps[i]
		}
	}
	if i := d.interpreter.SelectedIndex(); i > 0 {
		c.Interpreter = interpreterLanguages[i]
	}
	note := booth.NoteContent{Complaint: d.complaint.Selected, Summary: d.summary.Text}
	entry := d.entryID
	name := d.visitor.Name
	d.saveBtn.Disable()
	go func() {
		err := d.app.cfg.Store.AddConsultation(d.app.ctx(), c, note)
		d.app.do(func() {
			if err != nil {
				d.saveBtn.Enable()
				say(d.status, message(err), true)
				return
			}
			if entry != "" {
				d.queue.finish(entry)
			}
			d.clear()
			say(d.status, lang.L("Saved the consultation of {{.Name}}.", map[string]any{"Name": name}), false)
		})
	}()
}

// refreshNotesState says whether this hospital's notes are open.
func (d *doctorDesk) refreshNotesState() {
	if d.app.notesKey != nil && d.app.notesKey.OrgID == d.hospital.ID {
		d.notesState.SetText(lang.L("Notes open"))
		d.unlockBtn.Hide()
	} else {
		d.notesState.SetText(lang.L("Notes closed"))
		d.unlockBtn.Show()
	}
}

// askPassphrase opens this hospital's notes for this sign-in.
func (d *doctorDesk) askPassphrase() {
	pass := d.app.newPasswordEntry()
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	status.Importance = widget.DangerImportance
	intro := widget.NewLabel(lang.L("The notes of {{.Hospital}} open with the hospital's passphrase (not your PIN). They close again when the screen locks.",
		map[string]any{"Hospital": d.hospital.Name}))
	intro.Wrapping = fyne.TextWrapWord
	var dlg dialog.Dialog
	try := func() {
		typed := pass.Text
		go func() {
			k, err := d.app.cfg.Store.UnlockHospital(d.app.ctx(), d.hospital.ID, typed)
			d.app.do(func() {
				if err != nil {
					pass.SetText("")
					var se *booth.SignInError
					if errors.As(err, &se) && se.LockedUntil.IsZero() {
						status.SetText(lang.L("Wrong passphrase. {{.Left}} tries left before a lockout.", map[string]any{"Left": se.TriesLeft}))
					} else if errors.As(err, &se) {
						status.SetText(lang.L("Too many wrong passphrases. The notes stay closed until {{.Time}}.",
							map[string]any{"Time": se.LockedUntil.Local().Format("15:04:05")}))
					} else {
						status.SetText(message(err))
					}
					return
				}
				d.app.notesKey = k
				dlg.Hide()
				d.refreshNotesState()
				d.loadHistory()
			})
		}()
	}
	pass.OnSubmitted = func(string) { try() }
	open := widget.NewButtonWithIcon(lang.L("Open"), theme.VisibilityIcon(), try)
	open.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() })
	body := container.NewVBox(intro, pass, status, container.NewGridWithColumns(2, cancel, open))
	dlg = dialog.NewCustomWithoutButtons(lang.L("Open the notes…"), body, d.app.win)
	dlg.Resize(fyne.NewSize(520, 280))
	d.app.showEscapable(dlg)
	d.app.win.Canvas().Focus(pass)
}

// loadHistory lists the visitor's earlier consultations with this hospital,
// with their notes when the notes are open.
func (d *doctorDesk) loadHistory() {
	if d.visitor == nil {
		return
	}
	visitorID := d.visitor.ID
	key := d.app.notesKey
	go func() {
		ctx := d.app.ctx()
		list, err := d.app.cfg.Store.Consultations(ctx, visitorID, d.hospital.ID)
		notes := make([]booth.NoteContent, len(list))
		for i, c := range list {
			if err == nil && key != nil && c.HasNote() {
				notes[i], err = d.app.cfg.Store.ReadNote(ctx, key, c.ID)
			}
		}
		d.app.do(func() {
			if d.visitor == nil || d.visitor.ID != visitorID {
				return
			}
			d.history.RemoveAll()
			if err != nil {
				d.history.Add(widget.NewLabel(message(err)))
				return
			}
			if len(list) == 0 {
				d.history.Add(widget.NewLabel(lang.L("No earlier consultation with this hospital.")))
				return
			}
			d.history.Add(widget.NewLabelWithStyle(lang.L("Earlier consultations with this hospital"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			for i, c := range list {
				line := fmt.Sprintf("%s · %s · %s", dateTime(c.At.In(d.ev.Location())), c.Department, recommendationName(c.Recommendation))
				switch {
				case !c.HasNote():
				case key == nil:
					line += " · " + lang.L("note sealed")
				default:
					line += "\n" + strings.TrimSpace(notes[i].Complaint+": "+notes[i].Summary)
				}
				l := widget.NewLabel(line)
				l.Wrapping = fyne.TextWrapWord
				d.history.Add(l)
			}
		})
	}()
}

// recommendationName is a recommendation in the staff's language.
func recommendationName(r booth.Recommendation) string {
	switch r {
	case booth.RecommendTele:
		return lang.L("Tele-consultation")
	case booth.RecommendRecords:
		return lang.L("Send medical records")
	case booth.RecommendQuote:
		return lang.L("Cost estimate")
	case booth.RecommendTreatment:
		return lang.L("Treatment visit to Korea")
	case booth.RecommendNone:
		return lang.L("None")
	}
	return "—"
}

// followUpName is a follow-up intent in the staff's language.
func followUpName(f booth.FollowUp) string {
	switch f {
	case booth.FollowUpYes:
		return lang.L("Yes")
	case booth.FollowUpMaybe:
		return lang.L("Maybe")
	case booth.FollowUpNo:
		return lang.L("No")
	}
	return ""
}

// interpreterName names an interpreting language, or none.
func interpreterName(code string) string {
	if code == "" {
		return lang.L("No interpreter")
	}
	for _, l := range Languages {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

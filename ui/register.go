package ui

import (
	"context"
	"fmt"
	"log"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/consents"
)

// duplicateDelay is how long typing pauses before the duplicate check runs.
const duplicateDelay = 250 * time.Millisecond

// visitorLanguages are the languages a visitor is served in, in the order
// the form offers them: most visitors in Almaty read Russian or Kazakh.
var visitorLanguages = []Language{{"ru", "Русский"}, {"kk", "Қазақша"}, {"en", "English"}, {"ko", "한국어"}}

// registerForm registers a walk-in at the desk with the keyboard alone: the
// fields in tab order, Enter in any field registers, the Latin spelling of
// the name shows as it is typed, and a warning appears when the phone, or
// the Latin name with the birth year, matches someone registered already.
// Each consent is its own tick box, with its text in the visitor's
// language; without the consent to collection and contact nobody is stored.
// The new visitor leaves with the badge on screen and printed.
type registerForm struct {
	app *App
	ev  *booth.Event

	name, phone, email, messenger, country, city, birth *escEntry
	latin, dupes, status                                *widget.Label
	typeSel, langSel                                    *widget.Select
	contact, health, transfer, marketing                *widget.Check
	share, interests                                    *widget.CheckGroup
	hospitals                                           []booth.Org
	specialties                                         []string
	submitBtn                                           *widget.Button
	dlg                                                 dialog.Dialog

	mu        sync.Mutex
	dupeTimer *time.Timer
	dupeSeq   int
	busy      bool
	readBtns  []*widget.Button // the buttons showing the consent texts
}

// showRegister opens the registration form over the desk.
func (u *App) showRegister(ev *booth.Event) {
	go func() {
		ctx := context.Background()
		hospitals, err := u.cfg.Store.Orgs(ctx, booth.OrgHospital)
		if err != nil {
			log.Printf("hospitals: %v", err)
		}
		specialties, err := u.cfg.Store.Specialties(ctx)
		if err != nil {
			log.Printf("specialties: %v", err)
		}
		u.do(func() {
			f := &registerForm{app: u, ev: ev, hospitals: hospitals, specialties: specialties}
			u.register = f
			f.show()
		})
	}()
}

func (f *registerForm) show() {
	submitOnEnter := func(e *escEntry) *escEntry {
		e.OnSubmitted = func(string) { f.submit() }
		return e
	}
	f.name = submitOnEnter(f.app.newEntry())
	f.name.SetPlaceHolder(lang.L("As the visitor writes it, any alphabet"))
	f.latin = widget.NewLabel("")
	f.name.OnChanged = func(s string) {
		f.latin.SetText(booth.Latin(strings.TrimSpace(s)))
		f.checkDuplicates()
	}
	f.phone = submitOnEnter(f.app.newEntry())
	// Ten digits get +7, the booth's default (booth.NormalizePhone).
	f.phone.SetPlaceHolder(lang.L("701 123 45 67, or with a country code: +82 …"))
	f.phone.OnChanged = func(string) { f.checkDuplicates() }
	f.email = submitOnEnter(f.app.newEntry())
	f.messenger = submitOnEnter(f.app.newEntry())
	f.messenger.SetPlaceHolder(lang.L("WhatsApp or Telegram"))
	types := make([]string, len(booth.VisitorTypes))
	for i, t := range booth.VisitorTypes {
		types[i] = typeName(t)
	}
	f.typeSel = widget.NewSelect(types, nil)
	f.typeSel.SetSelectedIndex(0)
	langs := make([]string, len(visitorLanguages))
	for i, l := range visitorLanguages {
		langs[i] = l.Name
	}
	f.langSel = widget.NewSelect(langs, func(string) { f.relabelConsents() })
	f.country = submitOnEnter(f.app.newEntry())
	f.country.SetText(f.ev.Country)
	f.city = submitOnEnter(f.app.newEntry())
	f.city.SetText(f.ev.City)
	f.birth = submitOnEnter(f.app.newEntry())
	f.birth.SetPlaceHolder(lang.L("Year only, e.g. 1985"))
	f.birth.OnChanged = func(string) { f.checkDuplicates() }
	f.dupes = widget.NewLabel("")
	f.dupes.Wrapping = fyne.TextWrapWord
	f.dupes.Importance = widget.WarningImportance

	f.contact = widget.NewCheck("", nil)
	f.health = widget.NewCheck("", nil)
	f.transfer = widget.NewCheck("", nil)
	f.marketing = widget.NewCheck("", nil)
	names := make([]string, len(f.hospitals))
	for i, h := range f.hospitals {
		names[i] = h.Name
	}
	f.share = widget.NewCheckGroup(names, nil)
	f.interests = widget.NewCheckGroup(f.specialties, nil)
	f.langSel.SetSelectedIndex(0) // after the checks exist: it labels them

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Name"), f.name),
		widget.NewFormItem(lang.L("Latin spelling"), f.latin),
		widget.NewFormItem(lang.L("Phone"), f.phone),
		widget.NewFormItem(lang.L("Email"), f.email),
		widget.NewFormItem(lang.L("Messenger"), f.messenger),
		widget.NewFormItem(lang.L("Visitor type"), f.typeSel),
		widget.NewFormItem(lang.L("Language"), f.langSel),
		widget.NewFormItem(lang.L("Country code"), f.country),
		widget.NewFormItem(lang.L("City"), f.city),
		widget.NewFormItem(lang.L("Birth year"), f.birth),
	)
	consents := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Consents (read each to the visitor in their language)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.consentRow(f.contact, booth.PurposeContact),
		f.consentRow(f.health, booth.PurposeHealth),
		f.consentRow(f.transfer, booth.PurposeTransfer),
		f.consentRow(f.marketing, booth.PurposeMarketing),
	)
	if len(f.specialties) > 0 {
		consents.Add(widget.NewLabelWithStyle(lang.L("Specialties of interest"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		consents.Add(f.interests)
	}
	if len(f.hospitals) > 0 {
		consents.Add(widget.NewLabelWithStyle(lang.L("Hospitals the visitor's data may be given to"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		consents.Add(f.share)
	}
	f.status = widget.NewLabel("")
	f.status.Wrapping = fyne.TextWrapWord
	f.status.Importance = widget.DangerImportance
	f.submitBtn = widget.NewButtonWithIcon(lang.L("Register and print badge"), theme.ConfirmIcon(), f.submit)
	f.submitBtn.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { f.dlg.Hide() })

	// Both columns scroll: the form keeps its buttons in view on a small screen.
	body := container.NewGridWithColumns(2, container.NewVScroll(container.NewVBox(form, f.dupes)), container.NewVScroll(consents))
	content := container.NewBorder(nil, container.NewVBox(f.status, container.NewHBox(layout.NewSpacer(), cancel, f.submitBtn)), nil, nil, body)
	f.dlg = dialog.NewCustomWithoutButtons(lang.L("New visitor"), content, f.app.win)
	f.dlg.Resize(fyne.NewSize(1100, 680))
	f.app.showEscapable(f.dlg)
	f.app.win.Canvas().Focus(f.name)
}

// consentRow is a tick box and a button that shows the consent text.
func (f *registerForm) consentRow(c *widget.Check, p booth.Purpose) fyne.CanvasObject {
	read := widget.NewButtonWithIcon("", theme.InfoIcon(), func() {
		text, err := assets.ConsentText(string(p), f.visitorLang())
		if err != nil {
			text = message(err)
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		s := container.NewVScroll(l)
		s.SetMinSize(fyne.NewSize(560, 320))
		f.app.showEscapable(dialog.NewCustom(consentTitle(p), lang.L("Close"), s, f.app.win))
	})
	f.readBtns = append(f.readBtns, read)
	return container.NewBorder(nil, nil, nil, read, c)
}

// consentTitle is the short name of a consent in the staff's language.
func consentTitle(p booth.Purpose) string {
	switch p {
	case booth.PurposeContact:
		return lang.L("Collection and contact (required)")
	case booth.PurposeHealth:
		return lang.L("Health information")
	case booth.PurposeTransfer:
		return lang.L("Transfer abroad, to Korea")
	case booth.PurposeMarketing:
		return lang.L("News and offers (optional)")
	case booth.PurposeProvision:
		return lang.L("Hospitals the visitor's data may be given to")
	}
	return string(p)
}

// relabelConsents names the tick boxes; the texts follow the visitor's
// language, shown by each row's button.
func (f *registerForm) relabelConsents() {
	for _, r := range []struct {
		c *widget.Check
		p booth.Purpose
	}{{f.contact, booth.PurposeContact}, {f.health, booth.PurposeHealth}, {f.transfer, booth.PurposeTransfer}, {f.marketing, booth.PurposeMarketing}} {
		if r.c != nil {
			r.c.SetText(consentTitle(r.p))
		}
	}
}

func (f *registerForm) visitorLang() string {
	for _, l := range visitorLanguages {
		if l.Name == f.langSel.Selected {
			return l.Code
		}
	}
	return "ru"
}

// visitor reads the form into a visitor.
func (f *registerForm) visitor() (*booth.Visitor, error) {
	v := &booth.Visitor{Name: f.name.Text, Phone: f.phone.Text, Email: f.email.Text, Messenger: f.messenger.Text,
		Lang: f.visitorLang(), Country: f.country.Text, City: f.city.Text, Source: booth.SourceWalkIn,
		Interests: append([]string(nil), f.interests.Selected...)}
	v.Type = booth.VisitorTypes[max(0, f.typeSel.SelectedIndex())]
	if y := strings.TrimSpace(f.birth.Text); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return nil, booth.Errorf(booth.EINVALID, "The birth year is a year such as 1985, nothing else.")
		}
		v.BirthYear = n
	}
	v.Normalize()
	return v, v.Validate()
}

// checkDuplicates looks, once typing pauses, for people registered with the
// same phone, or the same Latin name and birth year.
func (f *registerForm) checkDuplicates() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dupeSeq++
	seq := f.dupeSeq
	if f.dupeTimer != nil {
		f.dupeTimer.Stop()
	}
	phone := booth.NormalizePhone(f.phone.Text)
	latin := booth.Latin(strings.TrimSpace(f.name.Text))
	year, _ := strconv.Atoi(strings.TrimSpace(f.birth.Text))
	f.dupeTimer = time.AfterFunc(duplicateDelay, func() {
		found := f.findDuplicates(phone, latin, year)
		f.app.do(func() {
			f.mu.Lock()
			stale := seq != f.dupeSeq
			f.mu.Unlock()
			if stale {
				return
			}
			if len(found) == 0 {
				f.dupes.SetText("")
				return
			}
			lines := []string{lang.L("Maybe registered already:")}
			for _, v := range found {
				lines = append(lines, fmt.Sprintf("• %s (%s)", v.Name, visitorLine(v)))
			}
			f.dupes.SetText(strings.Join(lines, "\n"))
		})
	})
}

func (f *registerForm) findDuplicates(phone, latin string, year int) []booth.Visitor {
	ctx := context.Background()
	seen := map[string]bool{}
	var out []booth.Visitor
	add := func(vs []booth.Visitor, keep func(booth.Visitor) bool) {
		for _, v := range vs {
			if !seen[v.ID] && !v.Erased && keep(v) {
				seen[v.ID] = true
				out = append(out, v)
			}
		}
	}
	if len(phone) >= 8 {
		vs, err := f.app.cfg.Store.FindVisitors(ctx, phone, 5)
		if err == nil {
			add(vs, func(v booth.Visitor) bool { return v.Phone == phone })
		}
	}
	if year != 0 && len(latin) >= 3 {
		vs, err := f.app.cfg.Store.FindVisitors(ctx, latin, 20)
		if err == nil {
			add(vs, func(v booth.Visitor) bool {
				return v.BirthYear == year && strings.EqualFold(v.NameLatin, latin)
			})
		}
	}
	return out
}

// submit registers the visitor with their consents, then shows and prints
// the badge. Without the consent to collection and contact it stores nothing.
func (f *registerForm) submit() {
	if f.busy {
		return
	}
	v, err := f.visitor()
	if err != nil {
		f.status.SetText(message(err))
		return
	}
	if !f.contact.Checked {
		f.status.SetText(lang.L("Without the consent to collection and contact the visitor cannot be registered."))
		return
	}
	answers := consents.Answers{Contact: true, Health: f.health.Checked, Transfer: f.transfer.Checked, Marketing: f.marketing.Checked}
	for _, h := range f.hospitals {
		if containsString(f.share.Selected, h.Name) {
			answers.Hospitals = append(answers.Hospitals, h.ID)
		}
	}
	records, err := answers.Records("", v.Lang)
	if err != nil {
		f.status.SetText(message(err))
		return
	}
	if consents.CheckShare(nil, records) != nil {
		f.status.SetText(lang.L("The hospitals are in Korea: sharing with them needs the consent to transfer abroad. Tick it, or clear the hospitals."))
		return
	}
	f.busy = true
	f.submitBtn.Disable()
	go func() {
		err := f.app.cfg.Store.CreateVisitor(f.app.ctx(), v, records)
		f.app.do(func() {
			f.busy = false
			f.submitBtn.Enable()
			if err != nil {
				log.Printf("register: %v", err)
				f.status.SetText(message(err))
				return
			}
			f.dlg.Hide()
			if d := f.app.desk; d != nil {
				d.onSearchChanged(d.search.Text) // the new visitor in the list
			}
			f.app.showBadgeThen(f.ev, v.ID, func(b *badgeView) { b.print(false) })
		})
	}()
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

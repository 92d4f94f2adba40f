package ui

import (
	"bytes"
	"context"
	"log"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
	"medibooth/booth/label"
	"medibooth/consents"
)

// kioskStep is one full-screen page of the kiosk.
type kioskStep int

// The kiosk's pages in the order a visitor meets them.
const (
	stepStart     kioskStep = iota // the event and the four languages
	stepAbout                      // name, phone, email, type, birth year, city
	stepContact                    // consent to collection and contact (required)
	stepHealth                     // consent to health information
	stepTransfer                   // consent to transfer abroad, to Korea
	stepMarketing                  // consent to news and offers
	stepHospitals                  // hospitals that may have the data; specialties
	stepDone                       // the badge
	stepRefused                    // contact refused: nothing can be stored
)

// kioskSteps is how many numbered steps a visitor goes through (About to
// Hospitals); the step indicator counts them.
const kioskSteps = int(stepHospitals)

// kioskConsents is the consent each consent page asks for.
var kioskConsents = map[kioskStep]booth.Purpose{
	stepContact:   booth.PurposeContact,
	stepHealth:    booth.PurposeHealth,
	stepTransfer:  booth.PurposeTransfer,
	stepMarketing: booth.PurposeMarketing,
}

// kioskWelcome greets a visitor on each language's button, in that language:
// nobody has chosen a language yet, so these are not translations of the
// interface but the same words said four times.
var kioskWelcome = map[string]string{
	"ru": "Добро пожаловать! Нажмите, чтобы начать.",
	"kk": "Қош келдіңіз! Бастау үшін басыңыз.",
	"en": "Welcome! Tap to start.",
	"ko": "환영합니다! 눌러서 시작하세요.",
}

// kioskRegistration names the start page in the four languages.
const kioskRegistration = "Регистрация · Тіркелу · Registration · 등록"

// Sizes of the kiosk's touch targets.
const (
	kioskButtonHeight = 76
	kioskButtonWidth  = 220
	kioskMargin       = 40
)

// kiosk is the visitors' self-registration screen. A visitor chooses their
// language, writes who they are, answers each consent on a page of its own,
// chooses the hospitals that may have their data, and leaves with their
// badge on screen and, when this laptop has a printer, on paper. Every page
// fills the screen with large text and large buttons for a touch screen at a
// noisy fair. The start page holds nothing typed: going back to it, by the
// Back button, Finish or idle, forgets the visitor, so the next one never
// sees what the last one wrote. Only an admin's PIN leaves the kiosk.
type kiosk struct {
	app     *App
	ev      *booth.Event
	content fyne.CanvasObject
	page    *fyne.Container // holds the page shown
	top     *fyne.Container // the row of the exit button, over the page
	exitBtn *widget.Button  // the staff's way out, small, in a corner

	hospitals   []booth.Org // the event's hospitals, loaded once
	specialties []string

	// gen counts visitors: it changes whenever the kiosk starts over, so
	// work finished for an earlier visitor does not reach the screen.
	gen     int
	stopped bool

	step kioskStep
	lang string // the visitor's language

	langBtns []*widget.Button // start: in visitorLanguages order

	name, phone, email, birth, city *widget.Entry
	visitorType                     booth.VisitorType
	typeBtns                        []*widget.Button // in booth.VisitorTypes order
	problem                         *widget.Label    // about: what to correct

	answers             consents.Answers
	consentText         *widget.Label // the consent page's text
	agreeBtn, refuseBtn *widget.Button
	share, interests    map[string]bool // hospital ids and specialties chosen
	hospitalBtns        []*widget.Button
	interestBtns        []*widget.Button
	backBtn, nextBtn    *widget.Button // of the page shown; nil where none
	startOverBtn        *widget.Button // refused: back to the start
	busy                bool           // the registration is being stored
	visitor             *booth.Visitor // the visitor registered, on the done page
	badge               *canvas.Image
	status              *widget.Label // hospitals: saving; done: printing
	finishBtn           *widget.Button
	printed             bool // the visitor's badge came out of the printer
}

func newKiosk(u *App, ev *booth.Event) *kiosk {
	k := &kiosk{app: u, ev: ev}
	k.exitBtn = widget.NewButtonWithIcon(lang.L("Staff"), theme.AccountIcon(), k.onExit)
	k.exitBtn.Importance = widget.LowImportance
	k.top = container.NewHBox(layout.NewSpacer(), k.exitBtn)
	k.page = container.NewStack()
	k.content = container.NewStack(k.page, container.NewBorder(k.top, nil, nil, nil))
	// While the kiosk runs it is the whole window, so its large theme is
	// the app's (stop puts the app's own back). A container.ThemeOverride
	// would not do: the labels inside widgets are measured in the small
	// theme and drawn in the large one.
	if base := u.fyne.Settings().Theme(); !isKioskTheme(base) {
		u.fyne.Settings().SetTheme(&kioskTheme{base: base, text: 22})
	}
	k.forget()
	k.showStart()
	go k.load()
	return k
}

// load reads the event's hospitals and specialties for the hospitals page.
func (k *kiosk) load() {
	ctx := context.Background()
	hospitals, err := k.app.cfg.Store.Orgs(ctx, booth.OrgHospital)
	if err != nil {
		log.Printf("kiosk hospitals: %v", err)
	}
	specialties, err := k.app.cfg.Store.Specialties(ctx)
	if err != nil {
		log.Printf("kiosk specialties: %v", err)
	}
	k.app.do(func() {
		if k.stopped {
			return
		}
		k.hospitals, k.specialties = hospitals, specialties
		if k.step == stepHospitals {
			k.show(stepHospitals)
		}
	})
}

// idle starts over from the language choice, forgetting what was typed.
func (k *kiosk) idle() {
	if k.step == stepStart || k.stopped {
		return
	}
	k.startOver()
}

// stop ends the kiosk's background work: what arrives later is dropped.
func (k *kiosk) stop() {
	if !k.stopped {
		if kt, ok := k.app.fyne.Settings().Theme().(*kioskTheme); ok && kt.base != nil {
			k.app.fyne.Settings().SetTheme(kt.base)
		}
	}
	k.stopped = true
	k.gen++
}

// stale reports whether work begun for visitor gen may no longer touch the
// screen.
func (k *kiosk) stale(gen int) bool { return k.stopped || gen != k.gen }

// startOver forgets the visitor and shows the start page, in the staff's
// language for whoever walks up next (and for the staff's PIN dialog).
func (k *kiosk) startOver() {
	k.forget()
	SetLanguage(k.app.fyne.Preferences().StringWithFallback(prefLanguage, DefaultLanguage))
	k.relabelExit()
	k.showStart()
}

// forget drops everything a visitor typed or chose; new fields replace the
// old ones, so not even their undo history stays.
func (k *kiosk) forget() {
	k.gen++
	k.lang = ""
	k.name, k.phone, k.email, k.birth, k.city = nil, nil, nil, nil, nil
	k.visitorType = booth.TypePatient
	k.answers = consents.Answers{}
	k.share, k.interests = map[string]bool{}, map[string]bool{}
	k.busy, k.visitor, k.badge = false, nil, nil
	k.printed = false
}

// tap wraps a button's action: every tap counts as someone at the kiosk.
func (k *kiosk) tap(f func()) func() {
	return func() {
		k.app.touch()
		f()
	}
}

// relabelExit names the exit button in the language now spoken.
func (k *kiosk) relabelExit() {
	k.exitBtn.SetText(lang.L("Staff"))
	k.top.Refresh() // the button's new width
}

func (k *kiosk) onExit() {
	k.app.touch()
	k.app.askAdmin(func(m *booth.Staff) { k.app.leaveKiosk(m) })
}

// show puts a page on screen.
func (k *kiosk) show(s kioskStep) {
	k.step = s
	k.backBtn, k.nextBtn, k.agreeBtn, k.refuseBtn, k.startOverBtn, k.finishBtn = nil, nil, nil, nil, nil, nil
	var page fyne.CanvasObject
	switch s {
	case stepStart:
		page = k.startPage()
	case stepAbout:
		page = k.aboutPage()
	case stepContact, stepHealth, stepTransfer, stepMarketing:
		page = k.consentPage(kioskConsents[s])
	case stepHospitals:
		page = k.hospitalsPage()
	case stepRefused:
		page = k.refusedPage()
	case stepDone:
		page = k.donePage()
	}
	k.page.Objects = []fyne.CanvasObject{page}
	k.page.Refresh()
	k.app.touch()
	if s == stepAbout && k.app.win.Canvas() != nil {
		k.app.win.Canvas().Focus(k.name)
	}
}

func (k *kiosk) showStart() { k.show(stepStart) }

// chooseLanguage starts a visitor's registration in their language.
func (k *kiosk) chooseLanguage(code string) {
	k.forget()
	k.lang = code
	SetLanguage(code)
	k.relabelExit()
	k.newFields()
	k.show(stepAbout)
}

// newFields makes empty fields for a new visitor.
func (k *kiosk) newFields() {
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = func(string) { k.app.touch() }
		return e
	}
	k.name = entry(lang.L("First name and surname"))
	k.phone = entry("")
	// The booth's visitors mostly have Kazakh or Russian numbers.
	k.phone.SetText("+7 ")
	k.phone.CursorColumn = len([]rune(k.phone.Text))
	k.email = entry("")
	k.birth = entry(lang.L("Year only, e.g. 1985"))
	k.city = entry(lang.L("For example, Almaty"))
	fields := []*widget.Entry{k.name, k.phone, k.email, k.birth, k.city}
	for i, e := range fields {
		if i+1 < len(fields) {
			next := fields[i+1]
			e.OnSubmitted = func(string) { k.app.win.Canvas().Focus(next) }
		} else {
			e.OnSubmitted = func(string) { k.app.touch(); k.onAboutNext() }
		}
	}
}

// paintTypes marks the visitor type chosen.
func (k *kiosk) paintTypes() {
	for i, b := range k.typeBtns {
		kioskPaint(b, booth.VisitorTypes[i] == k.visitorType, true)
	}
}

// onAboutNext checks what the visitor wrote and moves on to the consents.
func (k *kiosk) onAboutNext() {
	if _, problem := k.readVisitor(); problem != "" {
		k.problem.SetText(problem)
		return
	}
	k.show(stepContact)
}

// readVisitor reads the fields into a visitor, or says in one sentence, in
// the visitor's language, what to correct.
func (k *kiosk) readVisitor() (*booth.Visitor, string) {
	v := &booth.Visitor{Name: k.name.Text, Phone: kioskPhone(k.phone.Text), Email: k.email.Text,
		Type: k.visitorType, Lang: k.lang, City: k.city.Text, Source: booth.SourceKiosk}
	for _, s := range k.specialties {
		if k.interests[s] {
			v.Interests = append(v.Interests, s)
		}
	}
	year, err := booth.ParseBirthYear(k.birth.Text)
	if err != nil {
		return nil, lang.L("Please write the year you were born, such as 1985, or leave it empty.")
	}
	v.BirthYear = year
	v.Normalize()
	err = v.Validate()
	if err == nil {
		return v, ""
	}
	if v.Name == "" {
		return nil, lang.L("Please write your name.")
	}
	// Which field is wrong: the one whose clearing makes the rest valid.
	for _, f := range []struct {
		clear   func(*booth.Visitor)
		problem string
	}{
		{func(c *booth.Visitor) { c.Phone = "" }, lang.L("Please check your phone number: a country code such as +7, then the number.")},
		{func(c *booth.Visitor) { c.Email = "" }, lang.L("Please check your email address, or leave it empty.")},
		{func(c *booth.Visitor) { c.BirthYear = 0 }, lang.L("Please write the year you were born, such as 1985, or leave it empty.")},
	} {
		c := *v
		f.clear(&c)
		if c.Validate() == nil {
			return nil, f.problem
		}
	}
	return nil, message(err)
}

// kioskPhone reads the phone field: the +7 filled in alone is no number,
// and a local 8 typed after it is dropped (+7 8 701… is +7 701…).
func kioskPhone(s string) string {
	s = strings.TrimSpace(s)
	d := booth.Digits(s)
	switch {
	case strings.HasPrefix(s, "+") && d == "7":
		return ""
	case strings.HasPrefix(s, "+7") && len(d) == 12 && d[1] == '8':
		return "+7" + d[2:]
	}
	return s
}

// kioskConsentQuestion is a consent asked as a question, in the visitor's
// language.
func kioskConsentQuestion(p booth.Purpose) string {
	switch p {
	case booth.PurposeContact:
		return lang.L("May we keep your details and contact you?")
	case booth.PurposeHealth:
		return lang.L("May the doctors note your health information?")
	case booth.PurposeTransfer:
		return lang.L("May your data be sent to Korea?")
	case booth.PurposeMarketing:
		return lang.L("May we send you news and offers?")
	}
	return string(p)
}

// answer records the visitor's answer to one consent and moves on.
func (k *kiosk) answer(p booth.Purpose, yes bool) {
	switch p {
	case booth.PurposeContact:
		k.answers.Contact = yes
		if !yes {
			k.show(stepRefused)
			return
		}
	case booth.PurposeHealth:
		k.answers.Health = yes
	case booth.PurposeTransfer:
		k.answers.Transfer = yes
	case booth.PurposeMarketing:
		k.answers.Marketing = yes
	}
	k.show(k.step + 1)
}

// toggle is a large button that turns a choice on and off.
func (k *kiosk) toggle(text string, on func() bool, flip func()) *widget.Button {
	b := widget.NewButton(text, nil)
	b.Alignment = widget.ButtonAlignLeading
	b.OnTapped = k.tap(func() {
		flip()
		kioskPaint(b, on(), false)
	})
	kioskPaint(b, on(), false)
	return b
}

// kioskPaint shows whether a choice is on: a filled button with a ticked
// box, or a plain one with an empty box (a round one for a choice of one).
func kioskPaint(b *widget.Button, on, radio bool) {
	icon, imp := theme.CheckButtonIcon(), widget.MediumImportance
	if radio {
		icon = theme.RadioButtonIcon()
	}
	if on {
		icon, imp = theme.CheckButtonCheckedIcon(), widget.HighImportance
		if radio {
			icon = theme.RadioButtonCheckedIcon()
		}
	}
	b.Icon, b.Importance = icon, imp
	b.Refresh()
}

// register stores the visitor with their answers, then shows the badge and
// prints it. The registration is never lost to a printer's failure.
func (k *kiosk) register() {
	if k.busy {
		return
	}
	v, problem := k.readVisitor()
	if problem != "" {
		k.show(stepAbout)
		k.problem.SetText(problem)
		return
	}
	if !k.answers.Contact {
		k.show(stepContact)
		return
	}
	answers := k.answers
	answers.Hospitals = nil
	for _, h := range k.hospitals {
		if k.share[h.ID] && answers.Transfer {
			answers.Hospitals = append(answers.Hospitals, h.ID)
		}
	}
	records, err := answers.Records("", v.Lang)
	if err != nil {
		k.status.SetText(message(err))
		return
	}
	ctx := k.app.ctx()
	target := k.app.printer()
	printing := target != "" || k.app.cfg.Print != nil
	gen := k.gen
	k.busy = true
	k.nextBtn.Disable()
	k.backBtn.Disable()
	k.status.SetText(lang.L("Saving…"))
	go func() {
		if err := k.app.cfg.Store.CreateVisitor(ctx, v, records); err != nil {
			log.Printf("kiosk register: %v", err)
			k.app.do(func() {
				if k.stale(gen) {
					return
				}
				k.busy = false
				k.nextBtn.Enable()
				k.backBtn.Enable()
				k.status.SetText(lang.L("Your registration could not be saved. Please ask at the registration desk."))
			})
			return
		}
		img, pdf, err := k.renderBadge(ctx, v)
		if err != nil {
			log.Printf("kiosk badge of %s: %v", v.ID, err)
		}
		k.app.do(func() {
			if k.stale(gen) {
				return
			}
			k.busy, k.visitor = false, v
			if img != nil {
				k.badge = canvas.NewImageFromReader(bytes.NewReader(img), "badge.png")
			}
			k.show(stepDone)
			switch {
			case err != nil:
				k.status.SetText(lang.L("You are registered; the registration desk will print your badge."))
			case printing:
				k.status.SetText(lang.L("Printing your badge…"))
			default:
				k.status.SetText(lang.L("Take a photo of this badge with your phone, or ask at the desk for a printed one."))
			}
		})
		if err != nil || !printing {
			return
		}
		err = k.app.print(ctx, pdf)
		if err == nil {
			_, err = k.app.cfg.Store.LogPrint(ctx, v.ID, "label", target, false)
		}
		if err != nil {
			log.Printf("kiosk print badge of %s: %v", v.ID, err)
		}
		k.app.do(func() {
			if k.stale(gen) {
				return
			}
			k.printed = err == nil
			if err != nil {
				k.status.Importance = widget.WarningImportance
				k.status.SetText(lang.L("Your badge could not be printed, but you are registered: the registration desk will print it for you."))
				return
			}
			k.status.Importance = widget.SuccessImportance
			k.status.SetText(lang.L("Your badge is printed: please take it from the printer."))
		})
	}()
}

// renderBadge draws the new visitor's badge for the screen and the printer.
func (k *kiosk) renderBadge(ctx context.Context, v *booth.Visitor) (img, pdf []byte, err error) {
	code, stored, err := k.app.cfg.Store.BadgeCode(ctx, v.ID)
	if err != nil {
		return nil, nil, err
	}
	b := label.ForVisitor(stored, k.ev, code)
	if img, err = label.PNG(b, label.ShippedFonts); err != nil {
		return nil, nil, err
	}
	if pdf, err = label.LabelPDF([]label.Badge{b}, label.ShippedFonts); err != nil {
		return nil, nil, err
	}
	return img, pdf, nil
}

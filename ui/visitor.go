package ui

import (
	"context"
	"fmt"
	"log"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/consents"
)

// visitorView is one visitor's details for desk staff: their data, scan
// history and consents, with the actions a visitor may ask for at the desk:
// correct their details, withdraw a consent, reprint the badge, or erase
// everything about them.
type visitorView struct {
	app       *App
	ev        *booth.Event
	v         *booth.Visitor
	scans     []booth.Scan
	consents  []booth.Consent
	orgs      map[string]string // hospital names by id
	hospitals []booth.Org       // in the order the event lists them
	consults  int               // consultations, with every hospital
	onChange  func()            // the desk refreshes its search

	dlg    dialog.Dialog
	status *widget.Label
}

// showVisitor loads a visitor's details in the background and shows them.
func (u *App) showVisitor(ev *booth.Event, id string, onChange func()) {
	go func() {
		ctx := context.Background()
		vw := &visitorView{app: u, ev: ev, onChange: onChange, orgs: map[string]string{}}
		err := vw.load(ctx, id)
		u.do(func() {
			if err != nil {
				log.Printf("visitor %s: %v", id, err)
				u.showError(err)
				return
			}
			u.visitor = vw
			vw.show()
		})
	}()
}

func (vw *visitorView) load(ctx context.Context, id string) error {
	s := vw.app.cfg.Store
	var err error
	if vw.v, err = s.Visitor(ctx, id); err != nil {
		return err
	}
	if vw.scans, err = s.VisitorScans(ctx, id); err != nil {
		return err
	}
	if vw.consents, err = s.Consents(ctx, id); err != nil {
		return err
	}
	if vw.consults, err = s.ConsultationCount(ctx, id); err != nil {
		return err
	}
	hospitals, err := s.Orgs(ctx, booth.OrgHospital)
	for _, h := range hospitals {
		vw.orgs[h.ID] = h.Name
	}
	vw.hospitals = hospitals
	return err
}

func (vw *visitorView) show() {
	v := vw.v
	title := widget.NewLabelWithStyle(v.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	info := []string{v.NameLatin, visitorLine(*v)}
	if v.Email != "" {
		info = append(info, v.Email)
	}
	if v.Messenger != "" {
		info = append(info, v.Messenger)
	}
	if len(v.Interests) > 0 {
		info = append(info, lang.L("Specialties of interest")+": "+strings.Join(v.Interests, ", "))
	}
	if v.Code != "" {
		info = append(info, lang.L("Visitor number")+": "+booth.FormatCode(v.Code))
	}
	// How many, not what: the notes belong to each hospital.
	info = append(info, lang.L("Consultations: {{.Count}}", map[string]any{"Count": vw.consults}))
	details := widget.NewLabel(strings.Join(info, "\n"))
	details.Wrapping = fyne.TextWrapWord

	scans := container.NewVBox(widget.NewLabelWithStyle(lang.L("Scans"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if len(vw.scans) == 0 {
		scans.Add(widget.NewLabel(lang.L("No scans yet.")))
	}
	loc := vw.ev.Location()
	for _, s := range vw.scans {
		line := fmt.Sprintf("%s · %s · ", dateTime(s.At.In(loc)), s.DeviceName)
		switch s.Decision {
		case booth.Admitted:
			line += lang.L("checked in")
		case booth.Duplicate:
			line += lang.L("already checked in")
		default:
			line += lang.L(reasonTitle(s.Reason))
		}
		scans.Add(widget.NewLabel(line))
	}

	consents := container.NewVBox(widget.NewLabelWithStyle(lang.L("Consents"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	// Every consent, asked or not, and sharing with each hospital: a
	// visitor registered before the fair, or who changes their mind, gives
	// or withdraws it here.
	latest := map[string]booth.Consent{}
	for _, c := range latestConsents(vw.consents) {
		latest[string(c.Purpose)+"/"+c.OrgID] = c
	}
	type purposeRow struct {
		p   booth.Purpose
		org string
	}
	var rows []purposeRow
	for _, p := range []booth.Purpose{booth.PurposeContact, booth.PurposeHealth, booth.PurposeTransfer, booth.PurposeMarketing} {
		rows = append(rows, purposeRow{p, ""})
	}
	for _, h := range vw.hospitals {
		rows = append(rows, purposeRow{booth.PurposeProvision, h.ID})
	}
	for _, r := range rows {
		name := consentTitle(r.p)
		if r.p == booth.PurposeProvision {
			name = lang.L("Provision to {{.Hospital}}", map[string]any{"Hospital": vw.orgs[r.org]})
		}
		c, asked := latest[string(r.p)+"/"+r.org]
		state := lang.L("not asked")
		switch {
		case asked && c.Granted:
			state = lang.L("given {{.Time}}", map[string]any{"Time": dateTime(c.At.In(loc))})
		case asked:
			state = lang.L("not given or withdrawn {{.Time}}", map[string]any{"Time": dateTime(c.At.In(loc))})
		}
		row := widget.NewLabel(name + " — " + state)
		row.Wrapping = fyne.TextWrapWord
		var btn *widget.Button
		if asked && c.Granted {
			btn = widget.NewButton(lang.L("Withdraw"), func() { vw.withdraw(c) })
		} else {
			p, org, title := r.p, r.org, name
			btn = widget.NewButton(lang.L("Give…"), func() { vw.give(p, org, title) })
		}
		if v.Erased {
			btn.Disable()
		}
		consents.Add(container.NewBorder(nil, nil, nil, btn, row))
	}

	vw.status = widget.NewLabel("")
	vw.status.Wrapping = fyne.TextWrapWord
	vw.status.Importance = widget.DangerImportance
	edit := widget.NewButtonWithIcon(lang.L("Edit…"), theme.DocumentCreateIcon(), vw.edit)
	badge := widget.NewButtonWithIcon(lang.L("Badge"), theme.DocumentPrintIcon(), func() { vw.app.showBadge(vw.ev, v.ID) })
	erase := widget.NewButtonWithIcon(lang.L("Erase…"), theme.DeleteIcon(), vw.confirmErase)
	erase.Importance = widget.DangerImportance
	if v.Erased {
		edit.Disable()
		badge.Disable()
		erase.Disable()
	}
	if !vw.app.may(booth.ActErase) {
		erase.Disable() // an admin erases, after checking who asks
	}
	body := container.NewVScroll(container.NewVBox(title, details, widget.NewSeparator(), consents, widget.NewSeparator(), scans))
	body.SetMinSize(fyne.NewSize(600, 340))
	content := container.NewBorder(nil, container.NewVBox(vw.status, container.NewHBox(edit, badge, erase)), nil, nil, body)
	vw.dlg = dialog.NewCustom(lang.L("Visitor"), lang.L("Close"), content, vw.app.win)
	vw.app.showEscapable(vw.dlg)
}

// latestConsents returns the latest decision per purpose (and hospital).
func latestConsents(cs []booth.Consent) []booth.Consent {
	var out []booth.Consent
	index := map[string]int{}
	for _, c := range cs { // oldest first
		key := string(c.Purpose) + "/" + c.OrgID
		if i, ok := index[key]; ok {
			out[i] = c
			continue
		}
		index[key] = len(out)
		out = append(out, c)
	}
	return out
}

// reload shows the visitor again after a change.
func (vw *visitorView) reload() {
	vw.dlg.Hide()
	if vw.onChange != nil {
		vw.onChange()
	}
	vw.app.showVisitor(vw.ev, vw.v.ID, vw.onChange)
}

func (vw *visitorView) withdraw(c booth.Consent) {
	q := lang.L("Withdraw this consent? It stays in the record as withdrawn.")
	vw.app.showEscapable(dialog.NewConfirm(lang.L("Withdraw"), q, func(ok bool) {
		if !ok {
			return
		}
		w, err := consents.Record(vw.v.ID, c.Purpose, c.OrgID, false, vw.v.Lang)
		if err != nil {
			vw.status.SetText(message(err))
			return
		}
		go func() {
			err := vw.app.cfg.Store.AddConsent(vw.app.ctx(), &w)
			vw.app.do(func() {
				if err != nil {
					vw.status.SetText(message(err))
					return
				}
				vw.reload()
			})
		}()
	}, vw.app.win))
}

// give shows the text of one consent in the visitor's language and records
// it when the visitor agrees. Sharing with a hospital in Korea needs the
// consent to transfer abroad first, as at registration.
func (vw *visitorView) give(p booth.Purpose, org, title string) {
	c, err := consents.Record(vw.v.ID, p, org, true, vw.v.Lang)
	if err != nil {
		vw.status.SetText(message(err))
		return
	}
	if consents.CheckShare(vw.consents, []booth.Consent{c}) != nil {
		vw.status.SetText(lang.L("The hospitals are in Korea: the consent to transfer abroad comes first."))
		return
	}
	text, err := assets.ConsentText(string(p), vw.v.Lang)
	if err != nil {
		vw.status.SetText(message(err))
		return
	}
	body := widget.NewLabel(text)
	body.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(body)
	scroll.SetMinSize(fyne.NewSize(480, 240))
	d := dialog.NewCustomConfirm(title, lang.L("The visitor agrees"), lang.L("Cancel"), scroll, func(ok bool) {
		if !ok {
			return
		}
		go func() {
			err := vw.app.cfg.Store.AddConsent(vw.app.ctx(), &c)
			vw.app.do(func() {
				if err != nil {
					vw.status.SetText(message(err))
					return
				}
				vw.reload()
			})
		}()
	}, vw.app.win)
	vw.app.showEscapable(d)
}

func (vw *visitorView) confirmErase() {
	q := lang.L("Erase everything about {{.Name}}? Their name, contacts and badge texts are overwritten; only the counts keep their visits. This cannot be undone.",
		map[string]any{"Name": vw.v.Name})
	d := dialog.NewConfirm(lang.L("Erase…"), q, func(ok bool) {
		if !ok {
			return
		}
		go func() {
			err := vw.app.cfg.Store.EraseVisitor(vw.app.ctx(), vw.v.ID)
			vw.app.do(func() {
				if err != nil {
					vw.status.SetText(message(err))
					return
				}
				vw.dlg.Hide()
				if vw.onChange != nil {
					vw.onChange()
				}
			})
		}()
	}, vw.app.win)
	d.SetConfirmImportance(widget.DangerImportance)
	vw.app.showEscapable(d)
}

// edit corrects the visitor's details.
func (vw *visitorView) edit() {
	v := *vw.v
	name := vw.app.newEntry()
	name.SetText(v.Name)
	latin := vw.app.newEntry()
	latin.SetText(v.NameLatin)
	name.OnChanged = func(s string) { latin.SetText(booth.Latin(strings.TrimSpace(s))) }
	phone := vw.app.newEntry()
	phone.SetText(v.Phone)
	email := vw.app.newEntry()
	email.SetText(v.Email)
	messenger := vw.app.newEntry()
	messenger.SetText(v.Messenger)
	city := vw.app.newEntry()
	city.SetText(v.City)
	birth := vw.app.newEntry()
	if v.BirthYear != 0 {
		birth.SetText(strconv.Itoa(v.BirthYear))
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Name"), name),
		widget.NewFormItem(lang.L("Latin spelling"), latin),
		widget.NewFormItem(lang.L("Phone"), phone),
		widget.NewFormItem(lang.L("Email"), email),
		widget.NewFormItem(lang.L("Messenger"), messenger),
		widget.NewFormItem(lang.L("City"), city),
		widget.NewFormItem(lang.L("Birth year"), birth),
	}
	d := dialog.NewForm(lang.L("Edit…"), lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		v.Name, v.NameLatin, v.Phone, v.Email, v.Messenger, v.City = name.Text, latin.Text, phone.Text, email.Text, messenger.Text, city.Text
		v.BirthYear = 0
		if y := strings.TrimSpace(birth.Text); y != "" {
			n, err := strconv.Atoi(y)
			if err != nil {
				vw.status.SetText(message(booth.Errorf(booth.EINVALID, "The birth year is a year such as 1985, nothing else.")))
				return
			}
			v.BirthYear = n
		}
		vw.save(&v)
	}, vw.app.win)
	d.Resize(fyne.NewSize(560, 420))
	vw.app.showEscapable(d)
}

func (vw *visitorView) save(v *booth.Visitor) {
	go func() {
		err := vw.app.cfg.Store.UpdateVisitor(vw.app.ctx(), v)
		vw.app.do(func() {
			if err != nil {
				vw.status.SetText(message(err))
				return
			}
			vw.reload()
		})
	}()
}

package ui

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// signInScreen is the lock screen: staff pick their name and type their
// PIN. On a laptop where nobody can sign in as admin yet it creates the
// administrator instead (the first run).
type signInScreen struct {
	app        *App
	ev         *booth.Event
	firstAdmin bool

	content fyne.CanvasObject
	staff   []booth.Staff // who can sign in, in the order of who
	who     *widget.Select
	name    *widget.Entry // first run: the administrator's name
	pin     *escEntry
	repeat  *escEntry // first run: the PIN again
	button  *widget.Button
	status  *widget.Label
	busy    bool
}

func newSignInScreen(u *App, ev *booth.Event, firstAdmin bool) *signInScreen {
	s := &signInScreen{app: u, ev: ev, firstAdmin: firstAdmin}
	s.content = s.build()
	if !firstAdmin {
		s.load()
	}
	return s
}

func (s *signInScreen) build() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(s.ev.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.status.Importance = widget.DangerImportance
	s.pin = s.app.newPINEntry()
	s.pin.OnSubmitted = func(string) { s.submit() }

	var form *widget.Form
	var intro string
	if s.firstAdmin {
		intro = lang.L("Nobody can sign in on this laptop yet. Create the administrator: the administrator adds staff, changes the settings and closes the kiosk. Choose a PIN of 4 to 12 digits that others cannot guess.")
		s.name = widget.NewEntry()
		s.name.SetPlaceHolder(lang.L("Your name"))
		s.name.OnSubmitted = func(string) { s.submit() }
		s.repeat = s.app.newPINEntry()
		s.repeat.OnSubmitted = func(string) { s.submit() }
		form = widget.NewForm(
			widget.NewFormItem(lang.L("Name"), s.name),
			widget.NewFormItem(lang.L("PIN"), s.pin),
			widget.NewFormItem(lang.L("PIN again"), s.repeat))
		s.button = widget.NewButtonWithIcon(lang.L("Create the administrator"), theme.ConfirmIcon(), s.submit)
		go s.suggestAdminName()
	} else {
		intro = lang.L("Choose your name and type your PIN.")
		s.who = widget.NewSelect(nil, func(string) {
			if c := s.app.win.Canvas(); c != nil {
				c.Focus(s.pin)
			}
		})
		s.who.PlaceHolder = lang.L("Who are you?")
		form = widget.NewForm(
			widget.NewFormItem(lang.L("Name"), s.who),
			widget.NewFormItem(lang.L("PIN"), s.pin))
		s.button = widget.NewButtonWithIcon(lang.L("Sign in"), theme.LoginIcon(), s.submit)
	}
	s.button.Importance = widget.HighImportance
	text := widget.NewLabel(intro)
	text.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(languageRadio(s.app), title, text, form, s.button, s.status)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(560, 460), box))
}

// newPINEntry is a password field for a PIN; in a dialog, Escape closes it.
func (u *App) newPINEntry() *escEntry {
	e := u.newPasswordEntry()
	e.SetPlaceHolder(fmt.Sprintf("%d–%d", booth.MinPINLen, booth.MaxPINLen))
	return e
}

// focus puts the cursor where typing starts: the name on the first run, the
// PIN when a name is chosen.
func (s *signInScreen) focus() {
	switch {
	case s.firstAdmin:
		s.app.win.Canvas().Focus(s.name)
	case s.who.Selected != "":
		s.app.win.Canvas().Focus(s.pin)
	}
}

// suggestAdminName offers the name of an admin the event lists without a
// PIN (the demo event's "Admin"), so the first run gives that person a PIN.
func (s *signInScreen) suggestAdminName() {
	list, err := s.app.cfg.Store.StaffMembers(context.Background())
	if err != nil {
		log.Printf("read staff: %v", err)
		return
	}
	s.app.do(func() {
		for _, m := range list {
			if m.Role == booth.RoleAdmin && !m.Disabled && s.name.Text == "" {
				s.name.SetText(m.Name)
				return
			}
		}
	})
}

// load fills the list of who can sign in: staff with a PIN, not disabled;
// whoever signed in last comes first.
func (s *signInScreen) load() {
	go func() {
		list, err := s.app.cfg.Store.StaffMembers(context.Background())
		s.app.do(func() {
			if err != nil {
				log.Printf("read staff: %v", err)
				s.status.SetText(message(err))
				return
			}
			s.setStaff(list)
			s.focus()
		})
	}()
}

func (s *signInScreen) setStaff(list []booth.Staff) {
	s.staff = s.staff[:0]
	var names []string
	for _, m := range list {
		if !m.HasPIN || m.Disabled {
			continue
		}
		if m.ID == s.app.lastStaffID {
			s.staff = append([]booth.Staff{m}, s.staff...)
			names = append([]string{staffLabel(m)}, names...)
		} else {
			s.staff = append(s.staff, m)
			names = append(names, staffLabel(m))
		}
	}
	s.who.SetOptions(names)
	if len(names) > 0 && (s.app.lastStaffID != "" && s.staff[0].ID == s.app.lastStaffID || len(names) == 1) {
		s.who.SetSelectedIndex(0)
	}
}

// staffLabel names a staff member with their role, in the staff's language.
func staffLabel(m booth.Staff) string { return m.Name + " · " + roleName(m.Role) }

// roleName is a role in the staff's language.
func roleName(r booth.Role) string {
	switch r {
	case booth.RoleDesk:
		return lang.L("Desk")
	case booth.RoleDoctor:
		return lang.L("Doctor")
	case booth.RoleCoordinator:
		return lang.L("Coordinator")
	case booth.RoleAdmin:
		return lang.L("Admin")
	}
	return string(r)
}

func (s *signInScreen) submit() {
	if s.busy {
		return
	}
	pin := strings.TrimSpace(s.pin.Text)
	if booth.LooksLikeScan(pin) {
		// A badge scanned into the PIN field is not a wrong PIN.
		s.pin.SetText("")
		s.status.SetText(lang.L("The screen is locked. Sign in first, then scan the badge again."))
		return
	}
	if s.firstAdmin {
		s.createAdmin(pin)
		return
	}
	i := s.who.SelectedIndex()
	if i < 0 || i >= len(s.staff) {
		s.status.SetText(lang.L("Choose your name first."))
		return
	}
	id := s.staff[i].ID
	s.setBusy(true)
	go func() {
		m, err := s.app.cfg.Store.SignIn(context.Background(), id, pin)
		s.app.do(func() {
			s.setBusy(false)
			if err != nil {
				s.pin.SetText("")
				s.status.SetText(signInMessage(err))
				s.app.win.Canvas().Focus(s.pin)
				return
			}
			s.app.signedIn(m)
		})
	}()
}

func (s *signInScreen) createAdmin(pin string) {
	if pin != strings.TrimSpace(s.repeat.Text) {
		s.status.SetText(lang.L("The two PINs differ; type the same PIN twice."))
		return
	}
	name := s.name.Text
	s.setBusy(true)
	go func() {
		ctx := context.Background()
		m, err := s.adminNamed(ctx, name)
		if err == nil && m != nil {
			err = s.app.cfg.Store.SetPIN(ctx, m.ID, pin)
		} else if err == nil {
			m = &booth.Staff{Name: name, Role: booth.RoleAdmin}
			err = s.app.cfg.Store.CreateStaff(ctx, m, pin)
		}
		if err == nil {
			m, err = s.app.cfg.Store.SignIn(ctx, m.ID, pin)
		}
		s.app.do(func() {
			s.setBusy(false)
			if err != nil {
				s.status.SetText(signInMessage(err))
				return
			}
			s.app.signedIn(m)
		})
	}()
}

// adminNamed finds an admin of that name who has no PIN yet.
func (s *signInScreen) adminNamed(ctx context.Context, name string) (*booth.Staff, error) {
	list, err := s.app.cfg.Store.StaffMembers(ctx)
	if err != nil {
		return nil, err
	}
	name = strings.Join(strings.Fields(name), " ")
	for _, m := range list {
		if m.Role == booth.RoleAdmin && !m.HasPIN && strings.EqualFold(m.Name, name) {
			return &m, nil
		}
	}
	return nil, nil
}

func (s *signInScreen) setBusy(on bool) {
	s.busy = on
	if on {
		s.button.Disable()
	} else {
		s.button.Enable()
	}
}

// signInMessage is the sentence for a failed sign-in.
func signInMessage(err error) string {
	var se *booth.SignInError
	if !errors.As(err, &se) {
		return message(err)
	}
	if !se.LockedUntil.IsZero() {
		return lang.L("Too many wrong PINs. Try again after {{.Time}}, or ask an admin to set a new PIN.",
			map[string]any{"Time": se.LockedUntil.Local().Format("15:04:05")})
	}
	return lang.L("Wrong PIN. {{.Left}} tries left before a lockout.", map[string]any{"Left": se.TriesLeft})
}

// signedIn opens the app for m.
func (u *App) signedIn(m *booth.Staff) {
	if u.lastStaffID != m.ID {
		u.screen = ""
		if m.Role.OfHospital() {
			u.screen = "doctor" // doctors start at their hospital's desk
		}
	}
	u.staff = m
	u.lastStaffID = m.ID
	u.touch()
	u.show()
}

// lock signs the person out and shows the lock screen; what they were doing
// is closed, nothing of it stays on screen.
func (u *App) lock() {
	if u.staff == nil {
		return
	}
	u.staff = nil
	u.notesKey = nil // the hospital's notes close with the screen
	for _, d := range u.win.Canvas().Overlays().List() {
		u.win.Canvas().Overlays().Remove(d)
	}
	u.badge, u.register, u.visitor = nil, nil, nil
	u.show()
}

// askAdmin asks an admin to sign in over the current screen (to leave the
// kiosk) and runs then with them when the PIN is right.
func (u *App) askAdmin(then func(*booth.Staff)) {
	go func() {
		list, err := u.cfg.Store.StaffMembers(context.Background())
		u.do(func() {
			if err != nil {
				u.showError(err)
				return
			}
			var admins []booth.Staff
			var names []string
			for _, m := range list {
				if m.Role == booth.RoleAdmin && m.HasPIN && !m.Disabled {
					admins = append(admins, m)
					names = append(names, m.Name)
				}
			}
			who := widget.NewSelect(names, nil)
			if len(names) > 0 {
				who.SetSelectedIndex(0)
			}
			pin := u.newPINEntry()
			status := widget.NewLabel("")
			status.Wrapping = fyne.TextWrapWord
			status.Importance = widget.DangerImportance
			var dlg dialog.Dialog
			try := func() {
				i := who.SelectedIndex()
				if i < 0 {
					return
				}
				id, typed := admins[i].ID, pin.Text
				go func() {
					m, err := u.cfg.Store.SignIn(context.Background(), id, typed)
					u.do(func() {
						if err != nil {
							pin.SetText("")
							status.SetText(signInMessage(err))
							return
						}
						dlg.Hide()
						then(m)
					})
				}()
			}
			pin.OnSubmitted = func(string) { try() }
			signIn := widget.NewButtonWithIcon(lang.L("Sign in"), theme.LoginIcon(), try)
			signIn.Importance = widget.HighImportance
			cancel := widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() })
			form := container.NewVBox(widget.NewForm(
				widget.NewFormItem(lang.L("Admin"), who),
				widget.NewFormItem(lang.L("PIN"), pin)), status, container.NewGridWithColumns(2, cancel, signIn))
			dlg = dialog.NewCustomWithoutButtons(lang.L("An admin signs in"), form, u.win)
			dlg.Resize(fyne.NewSize(440, 260))
			u.showEscapable(dlg)
			u.win.Canvas().Focus(pin)
		})
	}()
}

// languageRadio switches the screen's language.
func languageRadio(u *App) *widget.RadioGroup {
	names := make([]string, len(Languages))
	for i, l := range Languages {
		names[i] = l.Name
	}
	r := widget.NewRadioGroup(names, nil)
	r.Horizontal = true
	for _, l := range Languages {
		if l.Code == CurrentLanguage() {
			r.SetSelected(l.Name)
		}
	}
	r.OnChanged = func(name string) {
		for _, l := range Languages {
			if l.Name == name {
				u.switchLanguage(l.Code)
			}
		}
	}
	return r
}

// staffBar names who is signed in and offers what their role may open:
// the kiosk, staff, settings, and the lock.
func (u *App) staffBar() fyne.CanvasObject {
	if u.staff == nil {
		return container.NewHBox()
	}
	who := widget.NewLabelWithStyle(lang.L("Signed in: {{.Name}}", map[string]any{"Name": staffLabel(*u.staff)}),
		fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	// The buttons keep their words; a long name gives way on narrow screens.
	who.Truncation = fyne.TextTruncateEllipsis
	buttons := container.NewHBox()
	if u.may(booth.ActConsult) {
		buttons.Add(widget.NewButtonWithIcon(lang.L("Consultations"), theme.DocumentCreateIcon(), func() {
			u.screen = "doctor"
			u.show()
		}))
	}
	buttons.Add(widget.NewButtonWithIcon(lang.L("B2B meetings"), theme.MailSendIcon(), u.showMeetings))
	buttons.Add(widget.NewButtonWithIcon(lang.L("Dashboard"), theme.GridIcon(), u.showDashboard))
	if u.may(booth.ActKiosk) {
		buttons.Add(widget.NewButtonWithIcon(lang.L("Kiosk for visitors"), theme.ComputerIcon(), u.startKiosk))
	}
	if menu := u.adminMenu(); len(menu.Items) > 0 {
		var admin *widget.Button
		admin = widget.NewButtonWithIcon(lang.L("Administration"), theme.MenuIcon(), func() {
			c := u.win.Canvas()
			widget.ShowPopUpMenuAtRelativePosition(menu, c, fyne.NewPos(0, admin.Size().Height), admin)
		})
		buttons.Add(admin)
	}
	buttons.Add(u.aboutButton())
	lock := widget.NewButtonWithIcon(lang.L("Lock"), theme.LogoutIcon(), u.lock)
	buttons.Add(lock)
	// In the middle, the name has the room the buttons leave.
	return container.NewBorder(nil, nil, nil, buttons, who)
}

// adminMenu holds what only admins open: staff, visitor import, sync,
// reports and settings.
func (u *App) adminMenu() *fyne.Menu {
	m := fyne.NewMenu("")
	add := func(a booth.Action, label string, f func()) {
		if u.may(a) {
			m.Items = append(m.Items, fyne.NewMenuItem(label, f))
		}
	}
	add(booth.ActStaff, lang.L("Staff"), u.showStaff)
	add(booth.ActImport, lang.L("Import visitors"), u.showImport)
	add(booth.ActSync, lang.L("Sync with HQ"), u.showSync)
	if u.cfg.Network != nil {
		add(booth.ActSettings, lang.L("Booth network"), u.showBoothNetwork)
	}
	add(booth.ActReport, lang.L("Reports"), u.showReports)
	add(booth.ActSettings, lang.L("Settings"), u.showSettings)
	return m
}

// adminScreen frames a screen of its own with a title and a way back to
// the desk.
func (u *App) adminScreen(title string, body fyne.CanvasObject) fyne.CanvasObject {
	back := widget.NewButtonWithIcon(lang.L("Back to the desk"), theme.NavigateBackIcon(), u.show)
	t := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.SizeName = theme.SizeNameHeadingText
	return container.NewBorder(container.NewPadded(container.NewBorder(nil, nil, t, back)), nil, nil, nil, container.NewPadded(body))
}

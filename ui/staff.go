package ui

import (
	"context"
	"log"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// staffScreen is where an admin adds staff, gives them roles and PINs, and
// disables accounts. PINs are typed twice and never shown.
type staffScreen struct {
	app       *App
	staff     []booth.Staff
	hospitals []booth.Org
	editing   *booth.Staff // nil: a new staff member

	list     *widget.List
	heading  *widget.Label
	name     *widget.Entry
	role     *widget.Select
	hospital *widget.Select
	disabled *widget.Check
	pin      *escEntry
	repeat   *escEntry
	pinLabel *widget.Label
	saveBtn  *widget.Button
	status   *widget.Label
}

// showStaff opens the staff screen (admins only).
func (u *App) showStaff() {
	if !u.may(booth.ActStaff) {
		return
	}
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	s := &staffScreen{app: u}
	u.staffScr = s
	u.setContent(u.adminScreen(lang.L("Staff"), s.build()))
	s.load("", "")
}

func (s *staffScreen) build() fyne.CanvasObject {
	s.list = widget.NewList(func() int { return len(s.staff) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			info := widget.NewLabel("")
			name.Truncation, info.Truncation = fyne.TextTruncateEllipsis, fyne.TextTruncateEllipsis
			info.SizeName = theme.SizeNameCaptionText
			return container.NewVBox(name, info)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			rows := o.(*fyne.Container).Objects
			rows[0].(*widget.Label).SetText(s.staff[i].Name)
			rows[1].(*widget.Label).SetText(s.describe(s.staff[i]))
		})
	s.list.OnSelected = func(i widget.ListItemID) { s.edit(&s.staff[i]) }
	add := widget.NewButtonWithIcon(lang.L("Add a staff member"), theme.ContentAddIcon(), func() {
		s.list.UnselectAll()
		s.edit(nil)
	})

	s.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.name = widget.NewEntry()
	roles := make([]string, len(booth.Roles))
	for i, r := range booth.Roles {
		roles[i] = roleName(r)
	}
	s.hospital = widget.NewSelect(nil, nil)
	s.hospital.PlaceHolder = lang.L("Choose the hospital")
	s.role = widget.NewSelect(roles, func(string) { s.enableHospital() })
	s.disabled = widget.NewCheck(lang.L("Disabled: cannot sign in"), nil)
	s.pin = s.app.newPINEntry()
	s.repeat = s.app.newPINEntry()
	s.pin.OnSubmitted = func(string) { s.save() }
	s.repeat.OnSubmitted = func(string) { s.save() }
	s.pinLabel = widget.NewLabel("")
	s.pinLabel.Wrapping = fyne.TextWrapWord
	s.saveBtn = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), s.save)
	s.saveBtn.Importance = widget.HighImportance
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Name"), s.name),
		widget.NewFormItem(lang.L("Role"), s.role),
		widget.NewFormItem(lang.L("Hospital"), s.hospital),
		widget.NewFormItem(lang.L("PIN"), s.pin),
		widget.NewFormItem(lang.L("PIN again"), s.repeat),
		widget.NewFormItem("", s.disabled))
	right := container.NewVBox(s.heading, form, s.pinLabel, s.saveBtn, s.status)
	split := container.NewHSplit(container.NewBorder(nil, add, nil, nil, s.list), container.NewVScroll(right))
	split.Offset = 0.45
	s.edit(nil)
	return split
}

// describe is the second line of a staff member in the list.
func (s *staffScreen) describe(m booth.Staff) string {
	parts := []string{roleName(m.Role)}
	if h := s.hospitalName(m.OrgID); h != "" {
		parts = append(parts, h)
	}
	if m.Disabled {
		parts = append(parts, lang.L("disabled"))
	} else if !m.HasPIN {
		parts = append(parts, lang.L("no PIN yet"))
	}
	return strings.Join(parts, " · ")
}

func (s *staffScreen) hospitalName(id string) string {
	for _, h := range s.hospitals {
		if h.ID == id {
			return h.Name
		}
	}
	return ""
}

// load reads the staff and hospitals, then selects the member with id and
// says done.
func (s *staffScreen) load(id, done string) {
	go func() {
		ctx := context.Background()
		list, err := s.app.cfg.Store.StaffMembers(ctx)
		var hospitals []booth.Org
		if err == nil {
			hospitals, err = s.app.cfg.Store.Orgs(ctx, booth.OrgHospital)
		}
		s.app.do(func() {
			if err != nil {
				log.Printf("read staff: %v", err)
				s.say(message(err), true)
				return
			}
			s.staff, s.hospitals = list, hospitals
			names := make([]string, len(hospitals))
			for i, h := range hospitals {
				names[i] = h.Name
			}
			s.hospital.SetOptions(names)
			s.list.Refresh()
			for i := range s.staff {
				if s.staff[i].ID == id {
					s.list.Select(i)
				}
			}
			if done != "" {
				s.say(done, false)
			}
		})
	}()
}

// edit fills the form with m, or empties it for a new staff member.
func (s *staffScreen) edit(m *booth.Staff) {
	s.editing = m
	s.say("", false)
	s.pin.SetText("")
	s.repeat.SetText("")
	if m == nil {
		s.heading.SetText(lang.L("New staff member"))
		s.name.SetText("")
		s.role.SetSelectedIndex(0)
		s.hospital.ClearSelected()
		s.disabled.SetChecked(false)
		s.pinLabel.SetText(lang.L("They sign in with this PIN: 4 to 12 digits, not 1234 or 0000. Tell it to them privately."))
	} else {
		s.heading.SetText(m.Name)
		s.name.SetText(m.Name)
		for i, r := range booth.Roles {
			if r == m.Role {
				s.role.SetSelectedIndex(i)
			}
		}
		s.hospital.ClearSelected()
		if h := s.hospitalName(m.OrgID); h != "" {
			s.hospital.SetSelected(h)
		}
		s.disabled.SetChecked(m.Disabled)
		s.pinLabel.SetText(lang.L("Leave the PIN empty to keep it; type a new one twice to replace it (this also ends a lockout)."))
	}
	s.enableHospital()
}

func (s *staffScreen) selectedRole() booth.Role {
	return booth.Roles[max(0, s.role.SelectedIndex())]
}

func (s *staffScreen) enableHospital() {
	if s.selectedRole().OfHospital() {
		s.hospital.Enable()
	} else {
		s.hospital.ClearSelected()
		s.hospital.Disable()
	}
}

func (s *staffScreen) say(text string, bad bool) { say(s.status, text, bad) }

// save stores the form: a new staff member, or the changes to one.
func (s *staffScreen) save() {
	pin, repeat := strings.TrimSpace(s.pin.Text), strings.TrimSpace(s.repeat.Text)
	if pin != repeat {
		s.say(lang.L("The two PINs differ; type the same PIN twice."), true)
		return
	}
	m := booth.Staff{Name: s.name.Text, Role: s.selectedRole(), Disabled: s.disabled.Checked}
	if i := s.hospital.SelectedIndex(); i >= 0 && i < len(s.hospitals) {
		m.OrgID = s.hospitals[i].ID
	}
	isNew := s.editing == nil
	if !isNew {
		m.ID = s.editing.ID
	} else if pin == "" {
		s.say(lang.L("Give the new staff member a PIN."), true)
		return
	}
	s.saveBtn.Disable()
	go func() {
		ctx := s.app.ctx()
		var err error
		if isNew {
			err = s.app.cfg.Store.CreateStaff(ctx, &m, pin)
		} else {
			err = s.app.cfg.Store.UpdateStaff(ctx, &m)
			if err == nil && pin != "" {
				err = s.app.cfg.Store.SetPIN(ctx, m.ID, pin)
			}
		}
		s.app.do(func() {
			s.saveBtn.Enable()
			if err != nil {
				s.say(message(err), true)
				return
			}
			s.pin.SetText("") // a PIN never stays on screen
			s.repeat.SetText("")
			if s.app.staff != nil && m.ID == s.app.staff.ID {
				me := m
				s.app.staff = &me
			}
			s.load(m.ID, lang.L("Saved."))
		})
	}()
}

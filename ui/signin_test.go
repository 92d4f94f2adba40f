package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

func TestFirstAdminPINMustMatchAndBeHardToGuess(t *testing.T) {
	a := test.NewTempApp(t)
	db := openStore(t)
	if err := loadDemo(db)(context.Background()); err != nil {
		t.Fatal(err)
	}
	var u *App
	act(func() { u = Create(a, Config{Store: db, LoadDemo: loadDemo(db)}) })
	eventually(t, "the demo's admin name offered", func() bool {
		return u.signIn != nil && u.signIn.firstAdmin && u.signIn.name.Text == "Admin"
	})
	type try struct{ pin, repeat, want string }
	for _, c := range []try{
		{"2580", "2850", lang.L("The two PINs differ; type the same PIN twice.")},
		{"1234", "1234", lang.L("This PIN is too easy to guess; avoid repeated digits and runs like 1234.")},
		{"25", "25", lang.L("A PIN has 4 to 12 digits.")},
	} {
		act(func() {
			u.signIn.pin.SetText(c.pin)
			u.signIn.repeat.SetText(c.repeat)
			test.Tap(u.signIn.button)
		})
		eventually(t, c.want, func() bool { return u.signIn.status.Text == c.want })
	}
	if ok, _ := db.HasAdmin(context.Background()); ok {
		t.Fatal("an admin was stored from a refused PIN")
	}
	act(func() {
		u.signIn.pin.SetText("739146")
		u.signIn.repeat.SetText("739146")
		test.Tap(u.signIn.button)
	})
	eventually(t, "the desk", func() bool { return u.desk != nil })
	act(func() { t.Cleanup(func() { act(u.desk.stop) }) })
	// The demo's PIN-less admin got the PIN; no second admin was made.
	list, _ := db.StaffMembers(context.Background())
	admins := 0
	for _, m := range list {
		if m.Role == booth.RoleAdmin {
			admins++
		}
	}
	if admins != 1 || u.staff.Name != "Admin" {
		t.Fatalf("%d admins, signed in as %q", admins, u.staff.Name)
	}
}

func TestSignInCountsWrongPINsButNotScans(t *testing.T) {
	u, db, demo := newTestApp(t)
	eventually(t, "the admin preselected", func() bool { return u.signIn != nil && u.signIn.who.Selected != "" })
	submit := func(text string) {
		act(func() {
			u.signIn.pin.SetText(text)
			u.signIn.pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		})
	}
	submit("0000")
	eventually(t, "wrong PIN, 4 tries left", func() bool {
		return u.signIn.status.Text == lang.L("Wrong PIN. {{.Left}} tries left before a lockout.", map[string]any{"Left": 4})
	})
	// A scanner typing a badge into the locked screen is not a wrong PIN.
	code, _, err := db.BadgeCode(context.Background(), demo.Visitors[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	submit(code)
	eventually(t, "the locked-screen hint", func() bool {
		return u.signIn.status.Text == lang.L("The screen is locked. Sign in first, then scan the badge again.")
	})
	for left := 3; left >= 1; left-- {
		submit("0000")
		want := lang.L("Wrong PIN. {{.Left}} tries left before a lockout.", map[string]any{"Left": left})
		eventually(t, want, func() bool { return u.signIn.status.Text == want })
	}
	submit("0000")
	locked := lang.L("Too many wrong PINs. Try again after {{.Time}}, or ask an admin to set a new PIN.",
		map[string]any{"Time": u.cfg.Now().Add(time.Minute).Local().Format("15:04:05")})
	eventually(t, "the lockout", func() bool { return u.signIn.status.Text == locked })
	act(func() { u.signIn.status.SetText("") })
	submit(testPIN)
	eventually(t, "still locked", func() bool { return u.signIn.status.Text == locked })
	if u.staff != nil {
		t.Fatal("signed in while locked out")
	}
	eventually(t, "the PIN field emptied after a failed sign-in", func() bool { return u.signIn.pin.Text == "" })
}

func TestAutoLockAfterIdle(t *testing.T) {
	u, _, _ := newTestDesk(t)
	start := u.cfg.Now()
	act(func() {
		test.Tap(u.desk.registerBtn)
	})
	eventually(t, "the registration form", func() bool { return u.register != nil })
	act(func() {
		test.Type(u.register.name, "Гүлназ")
		u.checkIdle(start.Add(4 * time.Minute))
	})
	if u.staff == nil {
		t.Fatal("locked after 4 minutes; the default is 5")
	}
	act(func() { u.checkIdle(start.Add(5*time.Minute + time.Second)) })
	act(func() {
		if u.staff != nil || u.signIn == nil || u.desk != nil {
			t.Fatalf("not locked after 5 idle minutes: staff %v", u.staff)
		}
		if n := len(u.Window().Canvas().Overlays().List()); n != 0 {
			t.Errorf("%d dialogs stay over the lock screen", n)
		}
	})
	eventually(t, "the admin offered first", func() bool { return strings.HasPrefix(u.signIn.who.Selected, "Admin · ") })
	// Work counts: typing in the focused field moves the idle clock.
	signInAs(t, u, "Admin", testPIN)
	clock := start
	act(func() {
		u.cfg.Now = func() time.Time { return clock }
		u.idle.last = start
		u.Window().Canvas().Focus(u.desk.search)
		u.checkIdle(start.Add(time.Minute))
		test.Type(u.desk.search, "ai")
		clock = start.Add(3 * time.Minute)
		u.checkIdle(clock) // the typing is noticed here
		u.checkIdle(start.Add(3*time.Minute + 4*time.Minute))
	})
	act(func() {
		if u.staff == nil {
			t.Error("locked although typing was seen 4 minutes ago")
		}
	})
	// A shorter lock time from the settings applies.
	act(func() { u.fyne.Preferences().SetInt(prefLockMinutes, 1) })
	act(func() { u.checkIdle(start.Add(3*time.Minute + 61*time.Second)) })
	act(func() {
		if u.staff != nil {
			t.Error("not locked after a minute with the 1-minute setting")
		}
	})
}

// buttonTexts lists the texts of the buttons under o.
func buttonTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			out = append(out, w.Text)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func TestStaffScreenAddsDeskStaffWhoSeeLess(t *testing.T) {
	u, db, _ := newTestDesk(t)
	var bar []string
	act(func() { bar = buttonTexts(u.staffBar()) })
	for _, want := range []string{lang.L("Kiosk for visitors"), lang.L("Administration"), lang.L("Lock")} {
		if !containsString(bar, want) {
			t.Errorf("the admin's bar %q has no %q", bar, want)
		}
	}
	var menu []string
	act(func() {
		for _, it := range u.adminMenu().Items {
			menu = append(menu, it.Label)
		}
	})
	for _, want := range []string{lang.L("Staff"), lang.L("Import visitors"), lang.L("Sync with HQ"), lang.L("Settings")} {
		if !containsString(menu, want) {
			t.Errorf("the admin's menu %q has no %q", menu, want)
		}
	}
	act(u.showStaff)
	s := u.staffScr
	eventually(t, "the staff list", func() bool { return len(s.staff) > 5 })
	act(func() {
		s.edit(nil)
		s.name.SetText("Aruzhan Desk")
		s.role.SetSelected(roleName(booth.RoleDoctor))
		s.pin.SetText("4826")
		s.repeat.SetText("4826")
		test.Tap(s.saveBtn)
	})
	eventually(t, "a doctor needs a hospital", func() bool {
		return s.status.Text == lang.L("A doctor or coordinator belongs to a hospital; choose it.")
	})
	act(func() {
		s.role.SetSelected(roleName(booth.RoleDesk))
		test.Tap(s.saveBtn)
	})
	eventually(t, "saved", func() bool {
		return s.status.Text == lang.L("Saved.") && len(s.staff) > 0 && s.pin.Text == "" && s.repeat.Text == ""
	})
	list, _ := db.StaffMembers(context.Background())
	var added *booth.Staff
	for i := range list {
		if list[i].Name == "Aruzhan Desk" {
			added = &list[i]
		}
	}
	if added == nil || added.Role != booth.RoleDesk || !added.HasPIN {
		t.Fatalf("added %+v", added)
	}
	act(u.lock)
	signInAs(t, u, "Aruzhan Desk", "4826")
	act(func() {
		bar = buttonTexts(u.staffBar())
		u.showStaff()
		u.showSettings()
	})
	if containsString(bar, lang.L("Administration")) || !containsString(bar, lang.L("Kiosk for visitors")) {
		t.Errorf("desk staff's bar %q", bar)
	}
	if u.staffScr != nil || u.settings != nil || u.desk == nil {
		t.Error("desk staff opened an admin screen")
	}
}

func TestSettingsApplyAtOnce(t *testing.T) {
	u, _, _ := newTestDesk(t)
	act(u.showSettings)
	s := u.settings
	act(func() {
		s.printer.SetText("Brother_QL_800")
		s.sound.SetChecked(false)
		s.kiosk.SetSelectedIndex(0)
	})
	if u.printer() != "Brother_QL_800" || u.kioskIdle() != 30*time.Second {
		t.Errorf("printer %q, kiosk idle %v", u.printer(), u.kioskIdle())
	}
	played := 0
	u.cfg.Sound = func(booth.Decision) { played++ }
	u.sound(booth.Admitted)
	if played != 0 {
		t.Error("a sound played with sounds off")
	}
}

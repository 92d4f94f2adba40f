package ui

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"medibooth/booth"
)

// openRegister opens the form from the desk's button.
func openRegister(t *testing.T, u *App) *registerForm {
	t.Helper()
	act(func() { test.Tap(u.desk.registerBtn) })
	eventually(t, "the registration form", func() bool { return u.register != nil && u.register.name != nil })
	return u.register
}

// A walk-in registered with the keyboard alone: type, tab, tick the
// consent, Enter. The visitor is stored with each consent offered, and the
// badge is shown and printed.
func TestRegisterWalkInWithTheKeyboard(t *testing.T) {
	u, db, _ := newTestDesk(t)
	printer := fakePrinter(u)
	f := openRegister(t, u)
	act(func() {
		if u.win.Canvas().Focused() != f.name {
			t.Error("the cursor is not in the name field")
		}
		test.Type(f.name, "Айгерим Тестова")
		if f.latin.Text != "Aigerim Testova" {
			t.Errorf("Latin spelling shown: %q", f.latin.Text)
		}
		test.Type(f.phone, "701 555 12 34")
		test.Type(f.birth, "1990")
		f.contact.SetChecked(true)
		f.health.SetChecked(true)
		f.share.SetSelected([]string{f.hospitals[0].Name})
		f.interests.SetSelected([]string{f.specialties[0]})
		f.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	// A hospital in Korea without the consent to transfer abroad: refused,
	// nothing stored, until the transfer is ticked.
	eventually(t, "the transfer needed for the hospital", func() bool {
		return f.status.Text == lang.L("The hospitals are in Korea: sharing with them needs the consent to transfer abroad. Tick it, or clear the hospitals.")
	})
	act(func() {
		f.transfer.SetChecked(true)
		f.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	eventually(t, "the badge after registering", func() bool { return u.badge != nil && u.badge.visitor.Name == "Айгерим Тестова" })
	eventually(t, "the badge printed", func() bool {
		return printer.pdfs() == 1
	})
	v := u.badge.visitor
	if stored, _ := db.Visitor(context.Background(), v.ID); len(stored.Interests) != 1 || stored.Interests[0] != f.specialties[0] {
		t.Fatalf("interests: %v", stored.Interests)
	}
	if v.Phone != "+77015551234" || v.BirthYear != 1990 || v.Source != booth.SourceWalkIn || v.Lang != "ru" {
		t.Fatalf("stored visitor: %+v", v)
	}
	cs, err := db.Consents(context.Background(), v.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range cs {
		key := string(c.Purpose)
		if c.Purpose == booth.PurposeProvision {
			key += ":" + c.OrgID
		}
		got[key] = c.Granted
		if c.TextHash == "" || c.Lang != "ru" || c.TextVersion == "" {
			t.Errorf("consent without its text: %+v", c)
		}
	}
	want := map[string]bool{"contact": true, "health": true, "transfer": true, "marketing": false,
		"provision:" + f.hospitals[0].ID: true}
	if len(got) != len(want) {
		t.Fatalf("consents %v, want %v", got, want)
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Fatalf("consents %v, want %v", got, want)
		}
	}
}

// Without the consent to collection and contact nothing is stored.
func TestRegisterNeedsContactConsent(t *testing.T) {
	u, db, _ := newTestDesk(t)
	before, _ := db.VisitorCount(context.Background())
	f := openRegister(t, u)
	act(func() {
		test.Type(f.name, "Ерлан Без Согласия")
		f.submit()
	})
	act(func() {
		if f.status.Text != lang.L("Without the consent to collection and contact the visitor cannot be registered.") {
			t.Errorf("status: %q", f.status.Text)
		}
		// Refused before any write started: none is on its way.
		if f.busy {
			t.Error("a registration was sent without the consent")
		}
	})
	if after, _ := db.VisitorCount(context.Background()); after != before {
		t.Fatalf("%d visitors stored without consent", after-before)
	}
	act(func() {
		f.name.SetText("")
		f.contact.SetChecked(true)
		f.submit()
		if f.status.Text == "" {
			t.Error("no sentence for a missing name")
		}
	})
}

// Typing the phone of someone registered already warns, naming them.
func TestRegisterWarnsOfDuplicates(t *testing.T) {
	u, _, demo := newTestDesk(t)
	var known booth.Visitor
	for _, v := range demo.Visitors {
		if v.Phone != "" && v.BirthYear != 0 {
			known = v
			break
		}
	}
	f := openRegister(t, u)
	act(func() { f.phone.SetText(known.Phone) })
	eventually(t, "a warning naming the visitor", func() bool { return strings.Contains(f.dupes.Text, known.Name) })

	// The Latin name with the birth year, phone left empty.
	act(func() {
		f.phone.SetText("")
		f.name.SetText(known.NameLatin)
		f.birth.SetText("")
	})
	eventually(t, "the warning gone", func() bool { return f.dupes.Text == "" })
	act(func() { f.birth.SetText(strconv.Itoa(known.BirthYear)) })
	eventually(t, "a warning by name and year", func() bool { return strings.Contains(f.dupes.Text, known.Name) })
}

// TestRegisterOpensWithCtrlN: Ctrl+N from the scan field (where the focus
// lives) or the search field opens the registration form.
func TestRegisterOpensWithCtrlN(t *testing.T) {
	u, _, _ := newTestDesk(t)
	d := u.desk
	act(func() {
		if !strings.Contains(d.registerBtn.Text, "Ctrl+N") {
			t.Errorf("the button does not show its shortcut: %q", d.registerBtn.Text)
		}
		d.scan.TypedShortcut(newVisitorShortcut)
	})
	eventually(t, "the registration form", func() bool { return u.register != nil && u.register.name != nil })
	first := u.register
	act(func() {
		first.dlg.Hide()
		d.search.TypedShortcut(newVisitorShortcut)
	})
	eventually(t, "the form again, from the search field", func() bool {
		return u.register != first && u.register != nil && u.register.name != nil
	})
}

// TestConsentTextClosesWithEscape: the consent text opened from the form
// closes with Escape, and the form stays.
func TestConsentTextClosesWithEscape(t *testing.T) {
	u, _, _ := newTestDesk(t)
	f := openRegister(t, u)
	var before int
	act(func() {
		before = len(u.win.Canvas().Overlays().List())
		test.Tap(f.readBtns[0])
	})
	eventually(t, "the consent text", func() bool { return len(u.win.Canvas().Overlays().List()) == before+1 })
	act(func() { u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	act(func() {
		if n := len(u.win.Canvas().Overlays().List()); n != before {
			t.Fatalf("%d overlays after Escape, want %d (the form)", n, before)
		}
		if u.register != f {
			t.Fatal("the form went with the consent text")
		}
	})
}

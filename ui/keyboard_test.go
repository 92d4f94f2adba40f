package ui

import (
	"context"
	"slices"
	"testing"

	"fyne.io/fyne/v2"

	"medibooth/booth"
)

// press sends a key as the window does: to the focused widget, or to the
// window when nothing has the focus; a space is also typed as a character.
func press(u *App, key fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: key}
	c := u.win.Canvas()
	f := c.Focused()
	if f == nil {
		if h := c.OnTypedKey(); h != nil {
			h(ev)
		}
		return
	}
	f.TypedKey(ev)
	if key == fyne.KeySpace {
		f.TypedRune(' ')
	}
}

// typeText types s into the focused widget, one character at a time.
func typeText(u *App, s string) {
	f := u.win.Canvas().Focused()
	for _, r := range s {
		f.TypedRune(r)
	}
}

// overlays counts the dialogs open over the window.
func overlays(u *App) int { return len(u.win.Canvas().Overlays().List()) }

// A walk-in registered with keys alone: Ctrl+N from the scan field, the
// fields in the order they are read, Tab between them, Space for the
// consent and the button; then Escape closes the badge.
func TestRegisterWithKeysAlone(t *testing.T) {
	u, db, _ := newTestDesk(t)
	printer := fakePrinter(u)
	act(func() { u.desk.scan.TypedShortcut(newVisitorShortcut) })
	eventually(t, "the registration form", func() bool { return u.register != nil && u.register.name != nil })
	f := u.register
	var order []fyne.Focusable
	act(func() {
		c := u.win.Canvas()
		if c.Focused() != f.name {
			t.Fatal("the cursor is not in the name field")
		}
		typeText(u, "Айгерим Клавишова")
		for range 60 {
			order = append(order, c.Focused())
			switch c.Focused() {
			case f.phone:
				typeText(u, "701 555 77 88")
			case f.birth:
				typeText(u, "1991")
			case f.contact:
				press(u, fyne.KeySpace)
			}
			if c.Focused() == f.submitBtn {
				break
			}
			c.FocusNext()
		}
	})
	// The order a person reads the form in.
	want := []fyne.Focusable{f.name, f.phone, f.email, f.messenger, f.typeSel, f.langSel, f.country, f.city, f.birth,
		f.contact, f.health, f.transfer, f.marketing, f.submitBtn}
	last := -1
	for _, w := range want {
		i := slices.Index(order, w)
		if i <= last {
			t.Fatalf("Tab reaches %T at %d, after %d: the focus order jumps (%d stops)", w, i, last, len(order))
		}
		last = i
	}
	act(func() {
		if !f.contact.Checked {
			t.Fatal("Space did not tick the consent")
		}
		press(u, fyne.KeySpace) // on the button
	})
	eventually(t, "the badge after registering", func() bool { return u.badge != nil && u.badge.visitor.Name == "Айгерим Клавишова" })
	eventually(t, "the badge printed", func() bool { return printer.pdfs() == 1 })
	v := u.badge.visitor
	if stored, err := db.Visitor(context.Background(), v.ID); err != nil || stored.Phone != "+77015557788" || stored.BirthYear != 1991 {
		t.Fatalf("stored: %+v %v", stored, err)
	}
	if cs, _ := db.Consents(context.Background(), v.ID); !booth.HasConsent(cs, booth.PurposeContact, "") {
		t.Fatal("the consent ticked with Space was not stored")
	}
	var before int
	act(func() {
		before = overlays(u)
		press(u, fyne.KeyEscape)
	})
	act(func() {
		if n := overlays(u); n != before-1 {
			t.Fatalf("%d dialogs after Escape, %d before: the badge stayed", n, before)
		}
	})
}

// Escape in a field closes the dialog around it, not only when nothing has
// the focus: the registration form with a name half typed, the visitor's
// edit form, and a confirmation.
func TestEscapeClosesDialogs(t *testing.T) {
	u, _, demo := newTestDesk(t)
	base := 0
	act(func() { base = overlays(u) })
	act(func() { u.desk.scan.TypedShortcut(newVisitorShortcut) })
	eventually(t, "the registration form", func() bool { return u.register != nil && u.register.name != nil })
	act(func() {
		typeText(u, "Ай")
		press(u, fyne.KeyEscape)
		if n := overlays(u); n != base {
			t.Fatalf("%d dialogs after Escape in the name field, want %d", n, base)
		}
	})
	v := demo.Visitors[4]
	act(func() { u.showVisitor(u.desk.ev, v.ID, nil) })
	eventually(t, "the visitor's details", func() bool { return u.visitor != nil && u.visitor.status != nil })
	act(func() {
		withDetails := overlays(u)
		u.visitor.edit()
		if overlays(u) != withDetails+1 {
			t.Fatal("the edit form did not open")
		}
		u.win.Canvas().FocusNext()
		if u.win.Canvas().Focused() == nil {
			t.Fatal("nothing to type in in the edit form")
		}
		press(u, fyne.KeyEscape)
		if n := overlays(u); n != withDetails {
			t.Fatalf("%d dialogs after Escape in the edit form, want %d (the details stay)", n, withDetails)
		}
		u.visitor.confirmErase()
		press(u, fyne.KeyEscape)
		if n := overlays(u); n != withDetails {
			t.Fatalf("%d dialogs after Escape on the question, want %d", n, withDetails)
		}
		press(u, fyne.KeyEscape)
		if n := overlays(u); n != base {
			t.Fatalf("%d dialogs after Escape on the details, want %d", n, base)
		}
	})
}

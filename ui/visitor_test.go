package ui

import (
	"context"
	"slices"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// tapConfirm taps the button labelled text in the dialog on top.
func tapConfirm(t *testing.T, u *App, text string) {
	t.Helper()
	var b *widget.Button
	eventually(t, "the question", func() bool {
		top := u.win.Canvas().Overlays().Top()
		if top == nil {
			return false
		}
		b = findButton(top, text)
		return b != nil
	})
	act(func() { test.Tap(b) })
}

// From the desk: open a visitor, withdraw a consent, then erase them.
func TestVisitorViewWithdrawsAndErases(t *testing.T) {
	u, db, demo := newTestDesk(t)
	act(func() { u.switchLanguage("en") })
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	ctx := context.Background()
	var v booth.Visitor
	for _, x := range freshVisitors(demo) {
		cs, _ := db.Consents(ctx, x.ID)
		if booth.HasConsent(cs, booth.PurposeHealth, "") && x.Phone != "" {
			v = x
			break
		}
	}
	if v.ID == "" {
		t.Fatal("no demo visitor with a health consent")
	}
	s, err := db.Checkin(ctx, booth.CheckinRequest{Raw: v.Code})
	if err != nil || s.Decision != booth.Admitted {
		t.Fatalf("check-in: %+v %v", s, err)
	}
	before := 0 // the visitor's scans at the demo fair
	for _, x := range demo.Scans {
		if x.VisitorID == v.ID {
			before++
		}
	}
	d := u.desk
	act(func() { test.Type(d.search, v.Phone) })
	eventually(t, "the visitor found", func() bool { return len(d.found) == 1 })
	act(func() { d.foundList.Select(0) })
	act(func() { test.Tap(d.detailBtn) })
	eventually(t, "the visitor's details", func() bool { return u.visitor != nil && u.visitor.status != nil })
	vw := u.visitor
	i := slices.IndexFunc(vw.scans, func(x booth.Scan) bool { return x.ID == s.ID })
	if len(vw.scans) != before+1 || i < 0 || vw.scans[i].Decision != booth.Admitted {
		t.Fatalf("history: %+v", vw.scans)
	}
	var health booth.Consent
	for _, c := range latestConsents(vw.consents) {
		if c.Purpose == booth.PurposeHealth {
			health = c
		}
	}
	act(func() { vw.withdraw(health) })
	tapConfirm(t, u, "Yes")
	eventually(t, "the withdrawal", func() bool {
		cs, _ := db.Consents(ctx, v.ID)
		return !booth.HasConsent(cs, booth.PurposeHealth, "") && booth.HasConsent(cs, booth.PurposeContact, "")
	})
	eventually(t, "the details again", func() bool { return u.visitor != vw && u.visitor != nil && u.visitor.status != nil })
	vw = u.visitor
	act(func() { vw.confirmErase() })
	tapConfirm(t, u, "Yes")
	eventually(t, "the erasure", func() bool {
		got, err := db.Visitor(ctx, v.ID)
		return err == nil && got.Erased && got.Name == ""
	})
	eventually(t, "the search refreshed", func() bool { return len(d.found) == 0 })
}

func TestVisitorViewEdits(t *testing.T) {
	u, db, demo := newTestDesk(t)
	ctx := context.Background()
	v := demo.Visitors[5]
	act(func() { u.showVisitor(u.desk.ev, v.ID, nil) })
	eventually(t, "the visitor's details", func() bool { return u.visitor != nil && u.visitor.status != nil })
	first := u.visitor
	edited := *first.v
	edited.City = "Turkistan"
	act(func() { first.save(&edited) })
	eventually(t, "the edit stored", func() bool {
		got, _ := db.Visitor(ctx, v.ID)
		return got.City == "Turkistan"
	})
	// The details reopen after a save; the next edit goes to the new view.
	eventually(t, "the details reopened", func() bool {
		return u.visitor != first && u.visitor != nil && u.visitor.status != nil
	})
	second := u.visitor
	edited.Name = ""
	act(func() { second.save(&edited) })
	eventually(t, "a sentence for the missing name", func() bool { return second.status.Text != "" })
}

// A consent never asked, or withdrawn, is given in the visitor's details:
// the text in the visitor's language, then the visitor agrees. Sharing with
// a hospital waits for the transfer abroad.
func TestVisitorDetailsGiveConsent(t *testing.T) {
	u, db, demo := newTestDesk(t)
	ctx := context.Background()
	var v booth.Visitor
	for _, dv := range demo.Visitors {
		cs, _ := db.Consents(ctx, dv.ID)
		if !booth.HasConsent(cs, booth.PurposeHealth, "") && !booth.HasConsent(cs, booth.PurposeTransfer, "") {
			v = dv
			break
		}
	}
	if v.ID == "" {
		t.Fatal("no demo visitor without the health consent")
	}
	act(func() { u.showVisitor(u.desk.ev, v.ID, nil) })
	eventually(t, "the visitor's details", func() bool { return u.visitor != nil && u.visitor.status != nil })
	vw := u.visitor
	act(func() {
		gives := 0
		for _, o := range test.LaidOutObjects(u.win.Canvas().Overlays().Top()) {
			if b, ok := o.(*widget.Button); ok && b.Text == lang.L("Give…") {
				gives++
			}
		}
		if gives < 2 {
			t.Errorf("%d ways to give a consent in the details, want one per consent not given", gives)
		}
		vw.give(booth.PurposeProvision, demo.Orgs[0].ID, "x")
		if vw.status.Text != lang.L("The hospitals are in Korea: the consent to transfer abroad comes first.") {
			t.Errorf("sharing without the transfer: %q", vw.status.Text)
		}
		vw.give(booth.PurposeHealth, "", consentTitle(booth.PurposeHealth))
	})
	tapConfirm(t, u, lang.L("The visitor agrees"))
	eventually(t, "the consent stored", func() bool {
		cs, _ := db.Consents(ctx, v.ID)
		return booth.HasConsent(cs, booth.PurposeHealth, "")
	})
	eventually(t, "the details again", func() bool { return u.visitor != vw && u.visitor != nil && u.visitor.status != nil })
}

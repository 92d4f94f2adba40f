package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/data"
)

// demoDoctor gives the demo staff member of that name a PIN and returns them.
func demoDoctor(t *testing.T, db *data.DB, demo *booth.Demo, name, pin string) booth.Staff {
	t.Helper()
	for _, s := range demo.Staff {
		if s.Name == name {
			if err := db.SetPIN(context.Background(), s.ID, pin); err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
	t.Fatalf("no demo staff %q", name)
	return booth.Staff{}
}

// demoVisitorWith finds a demo visitor whose latest decision on health
// information is health.
func demoVisitorWith(t *testing.T, demo *booth.Demo, health bool) booth.Visitor {
	t.Helper()
	for _, v := range demo.Visitors {
		var cs []booth.Consent
		for _, c := range demo.Consents {
			if c.VisitorID == v.ID {
				cs = append(cs, c)
			}
		}
		if booth.HasConsent(cs, booth.PurposeHealth, "") == health {
			return v
		}
	}
	t.Fatal("no such demo visitor")
	return booth.Visitor{}
}

func TestDoctorRecordsConsultationOtherHospitalCannotRead(t *testing.T) {
	u, db, demo := newTestApp(t)
	ctx := context.Background()
	dentist := demoDoctor(t, db, demo, "Dentist — SNU Dental", "4826")
	gyn := demoDoctor(t, db, demo, "Korean-medicine gynaecologist — Kyung Hee", "9173")
	v := demoVisitorWith(t, demo, true)
	act(u.show) // the lock screen lists the doctors with their new PINs

	signInAs(t, u, dentist.Name, "4826")
	eventually(t, "the doctors' desk", func() bool { return u.doctor != nil })
	d := u.doctor
	if d.hospital.ID != dentist.OrgID {
		t.Fatalf("the desk of %s, not the dentist's hospital", d.hospital.Name)
	}
	if _, err := db.Enqueue(ctx, v.ID, dentist.OrgID, "Dentistry"); err != nil {
		t.Fatal(err)
	}
	// From the queue: call next, then start the consultation.
	act(d.queue.refresh)
	eventually(t, "the visitor waiting", func() bool { return len(d.queue.entries) == 1 })
	act(func() { test.Tap(d.queue.callBtn) })
	eventually(t, "the visitor called", func() bool {
		return len(d.queue.entries) == 1 && d.queue.entries[0].State == booth.QueueCalled
	})
	act(func() {
		d.queue.list.Select(0)
		test.Tap(d.queue.startBtn)
	})
	eventually(t, "the visitor in the form", func() bool { return d.visitor != nil && d.visitor.ID == v.ID && len(d.complaint.Options) > 0 })
	act(func() {
		if d.dept.Selected != "Dentistry" || d.saveBtn.Disabled() || d.doctor.Text != dentist.Name {
			t.Fatalf("form: dept %q, save disabled %v, doctor %q", d.dept.Selected, d.saveBtn.Disabled(), d.doctor.Text)
		}
		d.complaint.SetSelected("Implants")
		test.Type(d.summary, "Нужны два импланта; прислать снимки")
		d.recommendation.SetSelectedIndex(2) // quote
		d.followUp.SetSelected(followUpName(booth.FollowUpYes))
		test.Type(d.when, "2 weeks")
		d.interpreter.SetSelectedIndex(1)
		test.Tap(d.saveBtn)
	})
	eventually(t, "saved", func() bool {
		return d.status.Text == lang.L("Saved the consultation of {{.Name}}.", map[string]any{"Name": v.Name}) && d.visitor == nil
	})
	list, err := db.Consultations(ctx, v.ID, "")
	if err != nil || len(list) != 1 {
		t.Fatalf("consultations %+v %v", list, err)
	}
	c := list[0]
	if c.Recommendation != booth.RecommendQuote || c.FollowUp != booth.FollowUpYes || c.FollowUpWhen != "2 weeks" ||
		c.Interpreter != "ru" || !c.HasNote() || c.StaffID != dentist.ID || c.OrgID != dentist.OrgID {
		t.Fatalf("stored %+v", c)
	}
	// The entry is marked done after the consultation is stored, in a
	// transaction of its own.
	eventually(t, "the queue entry done", func() bool {
		q, err := db.Queue(ctx, dentist.OrgID, true)
		return err == nil && len(q) == 1 && q[0].State == booth.QueueDone
	})
	// The dentist opens the notes with the hospital's passphrase, not the PIN.
	act(d.askPassphrase)
	act(func() {
		pass := focusedEntry(t, u)
		test.Type(pass, "4826")
		pass.TypedKey(enterKey)
	})
	eventually(t, "a wrong passphrase", func() bool { return u.notesKey == nil && overlayText(u, "4") })
	act(func() {
		pass := focusedEntry(t, u)
		test.Type(pass, booth.DemoPassphrase)
		pass.TypedKey(enterKey)
	})
	eventually(t, "the notes open", func() bool { return u.notesKey != nil && u.notesKey.OrgID == dentist.OrgID })

	// Another hospital's doctor on the same laptop: the notes close with
	// the lock, and Kyung Hee's key opens nothing of the dentist's.
	act(u.lock)
	if u.notesKey != nil {
		t.Fatal("the notes stay open after the lock")
	}
	signInAs(t, u, gyn.Name, "9173")
	eventually(t, "Kyung Hee's desk", func() bool { return u.doctor != nil && u.doctor.hospital.ID == gyn.OrgID })
	key, err := db.UnlockHospital(ctx, gyn.OrgID, booth.DemoPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.ReadNote(ctx, key, c.ID); err == nil || n.Summary != "" {
		t.Fatalf("Kyung Hee read the dentist's note: %+v", n)
	}
	if others, _ := db.Consultations(ctx, v.ID, gyn.OrgID); len(others) != 0 {
		t.Fatalf("Kyung Hee lists %d consultations of the dentist", len(others))
	}
}

func TestDoctorCannotSaveWithoutHealthConsent(t *testing.T) {
	u, db, demo := newTestApp(t)
	dentist := demoDoctor(t, db, demo, "Dentist — SNU Dental", "4826")
	v := demoVisitorWith(t, demo, false)
	act(u.show)
	signInAs(t, u, dentist.Name, "4826")
	eventually(t, "the doctors' desk", func() bool { return u.doctor != nil })
	entry, err := db.Enqueue(context.Background(), v.ID, dentist.OrgID, "")
	if err != nil {
		t.Fatal(err)
	}
	act(func() { u.doctor.start(*entry) })
	eventually(t, "the missing consent said", func() bool {
		return u.doctor.visitor != nil && strings.Contains(u.doctor.consentLine.Text, lang.L("Ask the visitor, and record their answer here."))
	})
	act(func() {
		if !u.doctor.saveBtn.Disabled() {
			t.Error("save is possible without the health consent")
		}
		if !u.doctor.consentBtn.Visible() {
			t.Error("no way to take the consent at the table")
		}
	})
}

// The doctor takes the consent at the table: the visitor reads the texts in
// their language, the answer is recorded with the text's version, and the
// consultation can be saved.
func TestDoctorTakesConsentAtTheTable(t *testing.T) {
	u, db, demo := newTestApp(t)
	ctx := context.Background()
	dentist := demoDoctor(t, db, demo, "Dentist — SNU Dental", "4826")
	v := demoVisitorWith(t, demo, false)
	act(u.show)
	signInAs(t, u, dentist.Name, "4826")
	eventually(t, "the doctors' desk", func() bool { return u.doctor != nil })
	entry, err := db.Enqueue(ctx, v.ID, dentist.OrgID, "")
	if err != nil {
		t.Fatal(err)
	}
	act(func() { u.doctor.start(*entry) })
	eventually(t, "the missing consent said", func() bool { return u.doctor.visitor != nil && u.doctor.consentBtn.Visible() })
	var record *widget.Button
	var checks []*widget.Check
	act(func() {
		before := overlays(u)
		test.Tap(u.doctor.consentBtn)
		if overlays(u) != before+1 {
			t.Fatal("no consent dialog")
		}
		top := u.win.Canvas().Overlays().Top()
		text := textUnder(top)
		want, _ := assets.ConsentText("health", v.Lang)
		if first := strings.SplitN(want, "\n", 2)[0]; !strings.Contains(text, first) {
			t.Errorf("the dialog does not show the health text in the visitor's language (%s)", v.Lang)
		}
		for _, o := range test.LaidOutObjects(top) {
			switch w := o.(type) {
			case *widget.Check:
				checks = append(checks, w)
			case *widget.Button:
				if w.Text == lang.L("Record the visitor's answer") {
					record = w
				}
			}
		}
		if len(checks) != 3 || record == nil {
			t.Fatalf("%d tick boxes, record button %v", len(checks), record != nil)
		}
		// Sharing without the transfer abroad is refused, nothing stored.
		checks[0].SetChecked(true)
		checks[2].SetChecked(true)
		test.Tap(record)
		if !strings.Contains(textUnder(top), lang.L("The hospitals are in Korea: sharing with them needs the consent to transfer abroad. Tick it, or clear the hospitals.")) {
			t.Error("sharing without the transfer was not refused")
		}
		checks[1].SetChecked(true)
		test.Tap(record)
	})
	eventually(t, "the consent recorded", func() bool { return !u.doctor.saveBtn.Disabled() })
	cs, err := db.Consents(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !booth.HasConsent(cs, booth.PurposeHealth, "") || !booth.HasConsent(cs, booth.PurposeTransfer, "") ||
		!booth.HasConsent(cs, booth.PurposeProvision, dentist.OrgID) {
		t.Fatalf("consents after the table: %+v", cs)
	}
	for _, c := range cs {
		if c.Purpose == booth.PurposeHealth && (c.TextVersion != assets.ConsentVersion || c.Lang != v.Lang || c.TextHash == "") {
			t.Errorf("health consent without its text: %+v", c)
		}
	}
}

var enterKey = &fyne.KeyEvent{Name: fyne.KeyReturn}

// focusedEntry is the entry the cursor is in.
func focusedEntry(t *testing.T, u *App) *widget.Entry {
	t.Helper()
	switch e := u.Window().Canvas().Focused().(type) {
	case *widget.Entry:
		return e
	case *escEntry:
		return &e.Entry
	}
	t.Fatalf("the cursor is in %T, not a field", u.Window().Canvas().Focused())
	return nil
}

// overlayText reports whether a dialog shows text containing s.
func overlayText(u *App, s string) bool {
	for _, o := range u.Window().Canvas().Overlays().List() {
		if strings.Contains(textUnder(o), s) {
			return true
		}
	}
	return false
}

func TestDoctorTakesUpTheConsultationAfterTheLock(t *testing.T) {
	u, db, demo := newTestApp(t)
	dentist := demoDoctor(t, db, demo, "Dentist — SNU Dental", "4826")
	v := demoVisitorWith(t, demo, true)
	act(u.show)
	signInAs(t, u, dentist.Name, "4826")
	eventually(t, "the doctors' desk", func() bool { return u.doctor != nil })
	e, err := db.Enqueue(context.Background(), v.ID, dentist.OrgID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.MoveQueue(context.Background(), e.ID, booth.QueueStart); err != nil {
		t.Fatal(err)
	}
	act(u.lock)
	signInAs(t, u, dentist.Name, "4826")
	eventually(t, "the visitor in consultation", func() bool {
		return u.doctor != nil && len(u.doctor.queue.entries) == 1 && u.doctor.queue.entries[0].State == booth.QueueConsulting
	})
	act(func() {
		u.doctor.queue.list.Select(0)
		if u.doctor.queue.startBtn.Disabled() {
			t.Fatal("the consultation cannot be taken up again")
		}
		test.Tap(u.doctor.queue.startBtn)
	})
	eventually(t, "the visitor back in the form", func() bool { return u.doctor.visitor != nil && u.doctor.visitor.ID == v.ID })
}

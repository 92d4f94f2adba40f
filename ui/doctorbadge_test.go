package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"medibooth/booth"
	"medibooth/consents"
)

// With no network: a patient registered at another laptop of the event, who
// consented to health information there, is scanned into the doctors' desk
// of a laptop that never heard of them, and the consultation is saved
// straight away on what the badge carries.
func TestDoctorDeskRecordsAConsultationOnTheBadgesConsents(t *testing.T) {
	u, db, demo := newTestApp(t)
	ctx := context.Background()
	dentist := demoDoctor(t, db, demo, "Dentist — SNU Dental", "4826")

	desk := openStore(t)
	desk.Now = func() time.Time { return eventTime.Add(-time.Hour) }
	if err := loadDemo(desk)(ctx); err != nil {
		t.Fatal(err)
	}
	v := &booth.Visitor{Name: "Динара Сапарова", Type: booth.TypePatient, Lang: "ru"}
	var cs []booth.Consent
	for _, c := range []booth.Consent{{Purpose: booth.PurposeContact}, {Purpose: booth.PurposeHealth}, {Purpose: booth.PurposeTransfer},
		{Purpose: booth.PurposeProvision, OrgID: dentist.OrgID}} {
		c.Granted, c.TextVersion, c.TextHash, c.Lang = true, "test", "test", "ru"
		cs = append(cs, c)
	}
	if err := desk.CreateVisitor(ctx, v, cs); err != nil {
		t.Fatal(err)
	}
	code, _, err := desk.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Visitor(ctx, v.ID); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("the doctors' laptop knows the visitor already: %v", err)
	}

	act(u.show)
	signInAs(t, u, dentist.Name, "4826")
	eventually(t, "the doctors' desk", func() bool { return u.doctor != nil })
	d := u.doctor
	act(func() { d.queue.onAdd(code + "\r") })
	eventually(t, "the visitor in the queue", func() bool { return len(d.queue.entries) == 1 && d.queue.entries[0].VisitorID == v.ID })
	act(func() { d.start(d.queue.entries[0]) })
	eventually(t, "the visitor in the form", func() bool { return d.visitor != nil && d.visitor.ID == v.ID })
	act(func() {
		if d.consentLine.Text != lang.L("Consent to health information: given, as the visitor's badge says.") || d.saveBtn.Disabled() {
			t.Fatalf("consent line %q, save disabled %v", d.consentLine.Text, d.saveBtn.Disabled())
		}
		d.dept.SetSelected("Dentistry")
		test.Tap(d.saveBtn)
	})
	eventually(t, "saved", func() bool {
		return d.status.Text == lang.L("Saved the consultation of {{.Name}}.", map[string]any{"Name": v.Name})
	})
	held, err := db.Consents(ctx, v.ID)
	if err != nil || len(held) != 3 || booth.CheckProvision(held, dentist.OrgID) != nil {
		t.Fatalf("consents from the badge: %+v %v", held, err)
	}
	if list, err := db.Consultations(ctx, v.ID, dentist.OrgID); err != nil || len(list) != 1 {
		t.Fatalf("consultations: %+v %v", list, err)
	}
}

// The desk of a laptop that never heard of the visitor says which consents
// it took from the badge, in the staff's language.
func TestDeskSaysWhichConsentsCameFromTheBadge(t *testing.T) {
	u, _, _ := newTestDesk(t)
	act(func() { u.switchLanguage("ru") })
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	ctx := context.Background()
	other := openStore(t)
	other.Now = func() time.Time { return eventTime.Add(-time.Hour) }
	if err := loadDemo(other)(ctx); err != nil {
		t.Fatal(err)
	}
	hospitals, err := other.Orgs(ctx, booth.OrgHospital)
	if err != nil || len(hospitals) == 0 {
		t.Fatalf("hospitals: %v %v", hospitals, err)
	}
	v := &booth.Visitor{Name: "Асель Нурова", Type: booth.TypePatient, Lang: "ru"}
	records, err := consents.Answers{Contact: true, Health: true, Transfer: true, Hospitals: []string{hospitals[0].ID}}.Records("", "ru")
	if err != nil {
		t.Fatal(err)
	}
	if err := other.CreateVisitor(ctx, v, records); err != nil {
		t.Fatal(err)
	}
	code, _, err := other.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := u.desk
	scan(d, code, fyne.KeyReturn)
	want := lang.L("Consents recorded from the badge: {{.Consents}}.", map[string]any{"Consents": "Сведения о здоровье; Передача за рубеж, в Корею; передача данных больницам: 1"})
	eventually(t, "the consents said", func() bool { return d.cardName.Text == v.Name && d.cardNote.Text == want })
}

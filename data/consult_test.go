package data_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// consultDB has an event with two hospitals, each with a notes key, and a
// visitor who consented to health information.
type consultDB struct {
	db     *data.DB
	clk    *clock
	a, b   *booth.Org
	v      *booth.Visitor
	passA  string
	passB  string
	doctor *booth.Staff
}

func mustConsultDB(t *testing.T) *consultDB {
	t.Helper()
	db, clk := MustOpenDB(t)
	db.PINCost = booth.PINCost{Time: 1, Memory: 64, Threads: 1}
	db.PassphraseCost = booth.PassphraseCost{Time: 1, Memory: 64, Threads: 1}
	MustEvent(t, db)
	ctx := context.Background()
	c := &consultDB{db: db, clk: clk, passA: "blue river seven lanterns", passB: "quiet orchard under snow"}
	c.a = &booth.Org{Kind: booth.OrgHospital, Name: "Kyung Hee", Departments: []booth.Department{{Name: "Korean-medicine gynaecology"}}}
	c.b = &booth.Org{Kind: booth.OrgHospital, Name: "SNU Dental", Departments: []booth.Department{{Name: "Dentistry"}}}
	for _, o := range []*booth.Org{c.a, c.b} {
		if err := db.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CreateHospitalKey(ctx, c.a.ID, c.passA); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateHospitalKey(ctx, c.b.ID, c.passB); err != nil {
		t.Fatal(err)
	}
	c.doctor = &booth.Staff{Name: "Dr Kim", Role: booth.RoleDoctor, OrgID: c.a.ID}
	if err := db.CreateStaff(ctx, c.doctor, "4826"); err != nil {
		t.Fatal(err)
	}
	c.v = &booth.Visitor{Name: "Айгерим Байжанова"}
	cs := append(Agreed(), booth.Consent{Purpose: booth.PurposeHealth, Granted: true, TextVersion: "t", TextHash: "t", Lang: "ru"})
	if err := db.CreateVisitor(ctx, c.v, cs); err != nil {
		t.Fatal(err)
	}
	return c
}

const secretSummary = "Эндометриоз под вопросом, боли 8 из 10"

func TestConsultationNoteIsSealedOnDisk(t *testing.T) {
	c := mustConsultDB(t)
	ctx := booth.WithStaff(context.Background(), c.doctor)
	con := &booth.Consultation{VisitorID: c.v.ID, OrgID: c.a.ID, Department: "korean-medicine GYNAECOLOGY", Doctor: "Dr Kim",
		Recommendation: booth.RecommendTele, FollowUp: booth.FollowUpYes, FollowUpWhen: "within a month", Interpreter: "ru"}
	note := booth.NoteContent{Complaint: "Menstrual pain", Summary: secretSummary}
	if err := c.db.AddConsultation(ctx, con, note); err != nil {
		t.Fatal(err)
	}
	if con.Department != "Korean-medicine gynaecology" || con.Day != "2026-09-17" || con.Late || con.StaffID != c.doctor.ID {
		t.Errorf("stored %+v", con)
	}
	// Neither the database file nor its WAL holds the note's words.
	for _, f := range []string{c.db.Path, c.db.Path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, word := range []string{secretSummary, "Эндометриоз", "Menstrual pain"} {
			if bytes.Contains(b, []byte(word)) {
				t.Fatalf("%s holds %q in clear", f, word)
			}
		}
	}
	// Hospital A's key reads it, and the reading is audited.
	keyA, err := c.db.UnlockHospital(ctx, c.a.ID, c.passA)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.db.ReadNote(ctx, keyA, con.ID)
	if err != nil || got.Summary != secretSummary || got.Complaint != "Menstrual pain" {
		t.Fatalf("ReadNote = %+v, %v", got, err)
	}
	// Hospital B's credentials open nothing of A's.
	keyB, err := c.db.UnlockHospital(ctx, c.b.ID, c.passB)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.db.ReadNote(ctx, keyB, con.ID); err == nil || got.Summary != "" {
		t.Fatalf("hospital B read A's note: %+v", got)
	}
	if _, err := c.db.UnlockHospital(ctx, c.a.ID, c.passB); err == nil {
		t.Fatal("B's passphrase opened A's key")
	}
	list, err := c.db.Consultations(ctx, c.v.ID, "")
	if err != nil || len(list) != 1 || !list[0].HasNote() || list[0].Hospital != "Kyung Hee" || list[0].VisitorName != c.v.Name {
		t.Fatalf("Consultations = %+v, %v", list, err)
	}
	if n, _ := c.db.ConsultationCount(ctx, c.v.ID); n != 1 {
		t.Errorf("count %d", n)
	}
	// The audit log holds the sign-in-less story: key unlocks, the
	// consultation, the reading, the failed unlock; the chain is whole.
	log, _ := c.db.AuditLog(ctx)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	want := "consult-add notes-unlock note-view notes-unlock notes-unlock-failed"
	if strings.Join(actions, " ") != want {
		t.Errorf("audit %q, want %q", strings.Join(actions, " "), want)
	}
	if n, err := c.db.VerifyAudit(ctx); err != nil || n != len(log) {
		t.Errorf("VerifyAudit = %d, %v", n, err)
	}
}

func TestNoHealthNoteWithoutHealthConsent(t *testing.T) {
	c := mustConsultDB(t)
	ctx := context.Background()
	v := &booth.Visitor{Name: "Ерлан Сериков"}
	if err := c.db.CreateVisitor(ctx, v, Agreed()); err != nil {
		t.Fatal(err)
	}
	con := &booth.Consultation{VisitorID: v.ID, OrgID: c.a.ID, Department: "Korean-medicine gynaecology"}
	err := c.db.AddConsultation(ctx, con, booth.NoteContent{Summary: "x"})
	if booth.ErrorCode(err) != booth.ECONFLICT || !strings.Contains(booth.ErrorMessage(err), "health") {
		t.Fatalf("consultation without health consent: %v", err)
	}
	// Withdrawn consent counts as none.
	w := &booth.Consent{VisitorID: c.v.ID, Purpose: booth.PurposeHealth, Granted: false, TextVersion: "t", TextHash: "t", Lang: "ru"}
	c.clk.advance(time.Minute)
	if err := c.db.AddConsent(ctx, w); err != nil {
		t.Fatal(err)
	}
	con = &booth.Consultation{VisitorID: c.v.ID, OrgID: c.a.ID, Department: "Korean-medicine gynaecology"}
	if err := c.db.AddConsultation(ctx, con, booth.NoteContent{}); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Fatalf("consultation after the health consent was withdrawn: %v", err)
	}
	if list, _ := c.db.Consultations(ctx, "", ""); len(list) != 0 {
		t.Fatalf("%d consultations stored", len(list))
	}
	// Wrong department, not a hospital.
	con = &booth.Consultation{VisitorID: v.ID, OrgID: c.b.ID, Department: "Cardiology"}
	if err := c.db.AddConsultation(ctx, con, booth.NoteContent{}); err == nil {
		t.Error("a department the hospital has not")
	}
}

func TestWrongPassphrasesLockTheNotes(t *testing.T) {
	c := mustConsultDB(t)
	ctx := context.Background()
	for i := 1; i <= booth.MaxPINTries; i++ {
		_, err := c.db.UnlockHospital(ctx, c.a.ID, "guess number "+string(rune('0'+i)))
		var se *booth.SignInError
		if !errors.As(err, &se) || se.TriesLeft != booth.MaxPINTries-i {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	var se *booth.SignInError
	if _, err := c.db.UnlockHospital(ctx, c.a.ID, c.passA); !errors.As(err, &se) || se.LockedUntil.IsZero() {
		t.Fatalf("the right passphrase while locked: %v", err)
	}
	// Hospital B is not locked by A's tries.
	if _, err := c.db.UnlockHospital(ctx, c.b.ID, c.passB); err != nil {
		t.Fatal(err)
	}
	c.clk.advance(61 * time.Second)
	if _, err := c.db.UnlockHospital(ctx, c.a.ID, c.passA); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
}

func TestAuditChainShowsTampering(t *testing.T) {
	c := mustConsultDB(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := c.db.Audit(ctx, data.AuditExport, "report.xlsx", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.db.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	raw := func(q string) error {
		_, err := rawExec(t, c.db, q)
		return err
	}
	if err := raw(`UPDATE audit SET detail = 'x' WHERE n = 2`); err == nil {
		t.Fatal("the audit log took an UPDATE")
	}
	if err := raw(`DELETE FROM audit WHERE n = 2`); err == nil {
		t.Fatal("the audit log took a DELETE")
	}
	// Someone with the file drops the guard and edits a line: the chain
	// shows it.
	if err := raw(`DROP TRIGGER audit_no_update`); err != nil {
		t.Fatal(err)
	}
	if err := raw(`UPDATE audit SET subject = 'other.xlsx' WHERE n = 2`); err != nil {
		t.Fatal(err)
	}
	if n, err := c.db.VerifyAudit(ctx); err == nil || n != 1 {
		t.Fatalf("VerifyAudit after an edit = %d, %v", n, err)
	}
}

func TestErasureRemovesNotesKeepsCounts(t *testing.T) {
	c := mustConsultDB(t)
	ctx := context.Background()
	con := &booth.Consultation{VisitorID: c.v.ID, OrgID: c.a.ID, Department: "Korean-medicine gynaecology"}
	if err := c.db.AddConsultation(ctx, con, booth.NoteContent{Summary: secretSummary}); err != nil {
		t.Fatal(err)
	}
	if err := c.db.EraseVisitor(ctx, c.v.ID); err != nil {
		t.Fatal(err)
	}
	list, _ := c.db.Consultations(ctx, "", c.a.ID)
	if len(list) != 1 || list[0].HasNote() {
		t.Fatalf("after erasure: %+v", list)
	}
}

func TestDemoHospitalsOpenWithTheDemoPassphrase(t *testing.T) {
	db, _ := MustOpenDB(t)
	demo, err := booth.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.LoadDemo(ctx, demo); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadDemo(ctx, demo); err != nil {
		t.Fatal(err)
	}
	for _, o := range demo.Orgs {
		if o.Kind != booth.OrgHospital {
			continue
		}
		if _, err := db.UnlockHospital(ctx, o.ID, booth.DemoPassphrase); err != nil {
			t.Errorf("%s: %v", o.Name, err)
		}
		for _, d := range o.Departments {
			list, err := db.Complaints(ctx, o.ID, d.Name)
			if err != nil || len(list) < 5 || list[len(list)-1] != "Other" {
				t.Errorf("%s / %s complaints %q %v", o.Name, d.Name, list, err)
			}
		}
	}
}

func TestConsultationEditIsAudited(t *testing.T) {
	c := mustConsultDB(t)
	ctx := booth.WithStaff(context.Background(), c.doctor)
	con := &booth.Consultation{VisitorID: c.v.ID, OrgID: c.a.ID, Department: "Korean-medicine gynaecology"}
	if err := c.db.AddConsultation(ctx, con, booth.NoteContent{Summary: "first"}); err != nil {
		t.Fatal(err)
	}
	con.Recommendation = booth.RecommendTreatment
	if err := c.db.UpdateConsultation(ctx, con, booth.NoteContent{Summary: "second"}); err != nil {
		t.Fatal(err)
	}
	other := *con
	other.OrgID = c.b.ID
	other.Department = "Dentistry"
	if err := c.db.UpdateConsultation(ctx, &other, booth.NoteContent{}); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("another hospital edited the consultation: %v", err)
	}
	key, err := c.db.UnlockHospital(ctx, c.a.ID, c.passA)
	if err != nil {
		t.Fatal(err)
	}
	n, err := c.db.ReadNote(ctx, key, con.ID)
	if err != nil || n.Summary != "second" {
		t.Fatalf("note after the edit: %+v %v", n, err)
	}
	list, _ := c.db.Consultations(ctx, c.v.ID, "")
	if len(list) != 1 || list[0].Recommendation != booth.RecommendTreatment {
		t.Fatalf("after the edit: %+v", list)
	}
	log, _ := c.db.AuditLog(ctx)
	edits := 0
	for _, e := range log {
		if e.Action == data.AuditConsultEdit && e.Subject == con.ID && e.StaffID == c.doctor.ID {
			edits++
		}
	}
	if edits != 1 {
		t.Errorf("%d audited edits, want 1", edits)
	}
}

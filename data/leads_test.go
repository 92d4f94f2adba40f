package data_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"medibooth/booth"
	"medibooth/data"
	"medibooth/leadfiles"
)

func consent(p booth.Purpose, org string, granted bool) booth.Consent {
	return booth.Consent{Purpose: p, OrgID: org, Granted: granted, TextVersion: "t", TextHash: "t", Lang: "ru"}
}

// leadsDB: hospital A has one lead with a consultation (and a note), one
// lead without, and four visitors who are not leads for different reasons;
// hospital B has one lead who never consented to health information.
type leadsDB struct {
	*consultDB
	noConsult, bLead *booth.Visitor
}

func mustLeadsDB(t *testing.T) *leadsDB {
	t.Helper()
	c := mustConsultDB(t)
	ctx := booth.WithStaff(context.Background(), c.doctor)
	l := &leadsDB{consultDB: c}
	// The consultDB's visitor: health consent; now provision to A and
	// transfer abroad too.
	for _, x := range []booth.Consent{consent(booth.PurposeProvision, c.a.ID, true), consent(booth.PurposeTransfer, "", true)} {
		x.VisitorID = c.v.ID
		if err := c.db.AddConsent(ctx, &x); err != nil {
			t.Fatal(err)
		}
	}
	for _, con := range []struct {
		org  *booth.Org
		dept string
		note string
	}{{c.a, "Korean-medicine gynaecology", secretSummary}, {c.b, "Dentistry", "Кариес 26"}} {
		if err := c.db.AddConsultation(ctx, &booth.Consultation{VisitorID: c.v.ID, OrgID: con.org.ID, Department: con.dept,
			Doctor: "Dr Kim", FollowUp: booth.FollowUpYes, FollowUpWhen: "in May"}, booth.NoteContent{Summary: con.note}); err != nil {
			t.Fatal(err)
		}
	}
	add := func(name string, cs ...booth.Consent) *booth.Visitor {
		v := &booth.Visitor{Name: name, Phone: "+7 701 555 00 0" + string(rune('0'+len(name)%10)), Interests: []string{"Dentistry"}}
		if err := c.db.CreateVisitor(ctx, v, append(Agreed(), cs...)); err != nil {
			t.Fatal(err)
		}
		return v
	}
	yesA, abroad := consent(booth.PurposeProvision, c.a.ID, true), consent(booth.PurposeTransfer, "", true)
	l.noConsult = add("Бауыржан Сейітов", yesA, abroad)
	add("Not Abroad", yesA)
	withdrawn := add("Withdrawn Later", yesA, abroad)
	w := consent(booth.PurposeProvision, c.a.ID, false)
	w.VisitorID = withdrawn.ID
	c.clk.advance(time.Second)
	if err := c.db.AddConsent(ctx, &w); err != nil {
		t.Fatal(err)
	}
	erased := add("Erased Person", yesA, abroad)
	if err := c.db.EraseVisitor(ctx, erased.ID); err != nil {
		t.Fatal(err)
	}
	add("Only Hospital B", consent(booth.PurposeProvision, c.b.ID, true), abroad)
	l.bLead = add("Дана Омарова", consent(booth.PurposeProvision, c.b.ID, true), abroad)
	// Contact withdrawn: no longer a lead of B.
	nc := consent(booth.PurposeContact, "", false)
	vs, err := c.db.FindVisitors(ctx, "Only Hospital B", 1)
	if err != nil || len(vs) != 1 {
		t.Fatal(vs, err)
	}
	nc.VisitorID = vs[0].ID
	c.clk.advance(time.Second)
	if err := c.db.AddConsent(ctx, &nc); err != nil {
		t.Fatal(err)
	}
	return l
}

func names(ls []booth.Lead) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Visitor.Name)
	}
	slices.Sort(out)
	return out
}

func TestLeadsAreOnlyConsentedVisitors(t *testing.T) {
	l := mustLeadsDB(t)
	ctx := context.Background()
	a, err := l.db.Leads(ctx, l.a.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(a), []string{l.v.Name, l.noConsult.Name}; !slices.Equal(got, want) {
		t.Errorf("hospital A's leads %q, want %q", got, want)
	}
	for _, x := range a {
		if x.Visitor.ID == l.v.ID {
			if len(x.Consultations) != 1 || x.Consultations[0].OrgID != l.a.ID || x.Consultations[0].Note.Summary != "" || x.Consultations[0].Sealed != nil {
				t.Errorf("A's lead consultations without the key: %+v", x.Consultations)
			}
		} else if len(x.Consultations) != 0 || !slices.Equal(x.Interests, []string{"Dentistry"}) {
			t.Errorf("lead without consultations: %+v", x)
		}
	}
	b, err := l.db.Leads(ctx, l.b.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The consultDB's visitor consulted at B but never consented to B.
	if got, want := names(b), []string{l.bLead.Name}; !slices.Equal(got, want) {
		t.Errorf("hospital B's leads %q, want %q", got, want)
	}

	// Withdrawing health consent keeps the lead but drops the consultation.
	h := consent(booth.PurposeHealth, "", false)
	h.VisitorID = l.v.ID
	l.clk.advance(time.Second)
	if err := l.db.AddConsent(ctx, &h); err != nil {
		t.Fatal(err)
	}
	a, err = l.db.Leads(ctx, l.a.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range a {
		if x.Visitor.ID == l.v.ID && len(x.Consultations) != 0 {
			t.Errorf("consultation listed after the health consent was withdrawn")
		}
	}
}

func TestLeadFilesCarryNotesOnlyWithTheHospitalsKey(t *testing.T) {
	l := mustLeadsDB(t)
	ctx := context.Background()
	dir := t.TempDir()
	files, err := leadfiles.Write(ctx, l.db, booth.LeadOptions{Dir: dir, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("files %+v", files)
	}
	for _, f := range files {
		if f.Notes {
			t.Errorf("%s has notes without a key", f.Hospital)
		}
		rows := readSheet(t, f.Path)
		if slices.Contains(rows[0], "Summary") || strings.Contains(flat(rows), secretSummary) {
			t.Errorf("%s carries note text without the key: %q", f.Hospital, rows)
		}
		if len(rows)-1 != max(f.Leads, f.Consultations) {
			t.Errorf("%s: %d rows for %+v", f.Hospital, len(rows)-1, f)
		}
	}

	// With A's key, A's file carries A's note; B's file still none, and
	// A's key does not open B's notes.
	key, err := l.db.UnlockHospital(ctx, l.a.ID, l.passA)
	if err != nil {
		t.Fatal(err)
	}
	files, err = leadfiles.Write(ctx, l.db, booth.LeadOptions{Dir: dir, Lang: "en", Keys: map[string]*booth.NotesKey{l.a.ID: key, l.b.ID: key}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		rows := readSheet(t, f.Path)
		text := flat(rows)
		switch f.HospitalID {
		case l.a.ID:
			if !f.Notes || !strings.Contains(text, secretSummary) || !slices.Contains(rows[0], "Summary") {
				t.Errorf("A's file with A's key: %+v %q", f, rows)
			}
			if !strings.Contains(text, l.v.Name) || !strings.Contains(text, "Korean-medicine gynaecology") || !strings.Contains(text, "in May") {
				t.Errorf("A's file misses the consultation: %q", rows)
			}
		case l.b.ID:
			if f.Notes || strings.Contains(text, "Кариес") || strings.Contains(text, l.v.Name) {
				t.Errorf("B's file: %+v %q", f, rows)
			}
		}
	}
	log, err := l.db.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exports := 0
	for _, e := range log {
		if e.Action == data.AuditExport {
			exports++
		}
	}
	if exports != 4 {
		t.Errorf("%d exports in the audit log, want 4", exports)
	}
}

func TestLeadFilesAsCSV(t *testing.T) {
	l := mustLeadsDB(t)
	dir := t.TempDir()
	files, err := leadfiles.Write(context.Background(), l.db, booth.LeadOptions{Dir: dir, Format: "csv", Lang: "ru", HospitalID: l.a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || filepath.Base(files[0].Path) != "leads-Kyung-Hee.csv" {
		t.Fatalf("files %+v", files)
	}
	b, err := os.ReadFile(files[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "\ufeff") {
		t.Error("no byte order mark")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][1] != "Имя" || len(rows) != 3 || !strings.Contains(flat(rows), "Бауыржан Сейітов") || rows[1][7] != "Русский" {
		t.Errorf("csv %q", rows)
	}
	if _, err := leadfiles.Write(context.Background(), l.db, booth.LeadOptions{Dir: dir, Format: "pdf"}); err == nil {
		t.Error("a pdf lead file was accepted")
	}
	if _, err := leadfiles.Write(context.Background(), l.db, booth.LeadOptions{Dir: dir, HospitalID: l.v.ID}); err == nil {
		t.Error("a visitor's id was taken for a hospital")
	}
}

func readSheet(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func flat(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|") + "\n")
	}
	return b.String()
}

package data_test

import (
	"context"
	"maps"
	"testing"

	"medibooth/booth"
	"medibooth/data"
)

// mustDemoDB is a database with the demo loaded.
func mustDemoDB(t *testing.T) (*data.DB, *booth.Demo) {
	t.Helper()
	db, _ := MustOpenDB(t)
	demo, err := booth.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.LoadDemo(context.Background(), demo)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 197 || res.FairAdded != res.Scans+res.Consultations+res.Meetings || res.Scans != 258 ||
		res.Consultations != 97 || res.Meetings != 150 {
		t.Fatalf("LoadDemo: %+v", res)
	}
	return db, demo
}

// The report of a laptop that loaded the demo is the seed event's, and
// loading the demo again changes nothing.
func TestLoadDemoReport(t *testing.T) {
	db, demo := mustDemoDB(t)
	ctx := context.Background()
	r, err := db.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	// The laptops admitted 238 times and found 15 duplicates; 13 of the
	// admissions were a visitor's second that day, at the other laptop.
	d := r.ScansByDecision
	if r.VisitorsUnique != 197 || r.Registered != 197 || r.Scans != 258 || len(d) != 3 || d["rejected"] != 5 ||
		d["admitted"]+d["duplicate"] != 253 || d["admitted"] < 225 || d["duplicate"] < 15 ||
		!maps.Equal(r.CheckinsByDay, map[string]int{"2026-09-17": 123, "2026-09-18": 102}) {
		t.Errorf("visitors %d of %d registered, %d scans %v, by day %v", r.VisitorsUnique, r.Registered, r.Scans, r.ScansByDecision, r.CheckinsByDay)
	}
	if r.Consultations != 97 || r.PatientsConsulted != 77 || len(r.ConsultationsByHospital) != 4 ||
		len(r.ConsultationsByDepartment) != 5 || len(r.ConsultationsByDoctor) != 5 {
		t.Errorf("%d consultations of %d patients: %v %v %v", r.Consultations, r.PatientsConsulted, r.ConsultationsByHospital,
			r.ConsultationsByDepartment, r.ConsultationsByDoctor)
	}
	if r.Meetings != 150 || r.MOUs != 17 || r.Agencies != 42 || len(r.MeetingsByFirm) != 12 {
		t.Errorf("%d meetings, %d MOUs, %d agencies, %d firms", r.Meetings, r.MOUs, r.Agencies, len(r.MeetingsByFirm))
	}

	before, err := db.StateHash(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.LoadDemo(ctx, demo)
	if err != nil || res.Added != 0 || res.FairAdded != 0 {
		t.Fatalf("loading the demo again: %+v %v", res, err)
	}
	again, _ := booth.LoadDemo()
	if res, err := db.LoadDemo(ctx, again); err != nil || res.Added != 0 || res.FairAdded != 0 {
		t.Fatalf("loading the demo a third time: %+v %v", res, err)
	}
	if after, err := db.StateHash(ctx); err != nil || after != before {
		t.Errorf("loading the demo again changed the database: %s, then %s (%v)", before, after, err)
	}
}

// Each demo note is sealed to its hospital: it opens with that hospital's
// demo passphrase and with no other hospital's.
func TestLoadDemoNotesSealed(t *testing.T) {
	db, demo := mustDemoDB(t)
	ctx := context.Background()
	keys := map[string]*booth.NotesKey{}
	for _, o := range demo.Orgs {
		if o.Kind == booth.OrgHospital {
			k, err := db.UnlockHospital(ctx, o.ID, booth.DemoPassphrase)
			if err != nil {
				t.Fatalf("%s: %v", o.Name, err)
			}
			keys[o.ID] = k
		}
	}
	for _, c := range demo.Consultations {
		for org, k := range keys {
			n, err := db.ReadNote(ctx, k, c.ID)
			switch {
			case org == c.OrgID && (err != nil || n != demo.Notes[c.ID]):
				t.Errorf("consultation %s at %s: note %+v, %v; want %+v", c.ID, c.Hospital, n, err, demo.Notes[c.ID])
			case org != c.OrgID && err == nil:
				t.Errorf("consultation %s at %s opens with the key of %s", c.ID, c.Hospital, org)
			}
		}
	}
}

// The codes the demo desk refused are refused for the same reason on a
// laptop of the demo event.
func TestLoadDemoRejectedCodes(t *testing.T) {
	db, demo := mustDemoDB(t)
	ctx := context.Background()
	n := 0
	for _, s := range demo.Scans {
		if s.Decision != booth.Rejected {
			continue
		}
		n++
		got, err := db.Checkin(ctx, booth.CheckinRequest{Raw: s.Raw})
		if err != nil || got.Decision != booth.Rejected || got.Reason != s.Reason || got.Code != s.Code {
			t.Errorf("checkin %q: %+v %v; want rejected as %s", s.Raw, got, err, s.Reason)
		}
	}
	if n != 5 {
		t.Errorf("%d refused codes", n)
	}
}

// A demo visitor erased here does not come back, nor do their scans'
// codes or their notes, when the demo is loaded again.
func TestLoadDemoKeepsErasure(t *testing.T) {
	db, demo := mustDemoDB(t)
	ctx := context.Background()
	v := demo.Consultations[0].VisitorID
	if err := db.EraseVisitor(ctx, v); err != nil {
		t.Fatal(err)
	}
	before, _ := db.StateHash(ctx)
	if res, err := db.LoadDemo(ctx, demo); err != nil || res.Added != 0 || res.FairAdded != 0 {
		t.Fatalf("loading the demo again: %+v %v", res, err)
	}
	if after, _ := db.StateHash(ctx); after != before {
		t.Error("loading the demo again changed the database of an erased visitor")
	}
	scans, err := db.VisitorScans(ctx, v)
	if err != nil || len(scans) == 0 {
		t.Fatalf("scans of the erased visitor: %v %v", scans, err)
	}
	for _, s := range scans {
		if s.Raw != "" || s.Code != "" {
			t.Errorf("scan %+v of the erased visitor", s)
		}
	}
	list, _ := db.Consultations(ctx, v, "")
	for _, c := range list {
		if c.HasNote() {
			t.Errorf("consultation %s of the erased visitor kept its note", c.ID)
		}
	}
}

// Two laptops that each loaded the demo hold the same records: exchanging
// their snapshots changes none of the fair's, and they agree after.
func TestLoadDemoOnTwoLaptopsAgrees(t *testing.T) {
	a, _ := mustDemoDB(t)
	b, _ := mustDemoDB(t)
	sa, sb := mergeSnap(t, a), mergeSnap(t, b)
	for _, m := range []struct {
		db   *data.DB
		snap string
	}{{a, sb}, {b, sa}} {
		res := mustMerge(t, m.db, m.snap)
		for _, table := range []string{"scan", "consultation", "meeting", "visitor", "consent"} {
			if res.Tables[table] != 0 {
				t.Errorf("merging the other laptop's demo changed %d rows of %s", res.Tables[table], table)
			}
		}
	}
	if mustHash(t, a) != mustHash(t, b) {
		t.Error("two laptops that loaded the demo differ after exchanging")
	}
}

package data_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
	"medibooth/leadfiles"
)

// badgeFair is a fair of 11 hospitals: HQ, a desk and a doctors' laptop
// that joined before the fair and never exchanged anything with the desk.
// The desk registers a patient who consents to health information, transfer
// and sharing with the last hospital, and prints the badge.
type badgeFair struct {
	hq, desk, doctor *data.DB
	deskClock        *clock
	hospitals        []*booth.Org
	visitor          *booth.Visitor
	code             string
}

func newBadgeFair(t *testing.T) *badgeFair {
	t.Helper()
	ctx := context.Background()
	f := &badgeFair{}
	f.hq, _ = MustOpenDB(t)
	MustEvent(t, f.hq)
	for i := range 11 {
		f.hospitals = append(f.hospitals, MustHospital(t, f.hq, fmt.Sprintf("Hospital %02d", i+1), "Health screening"))
	}
	f.desk, f.deskClock = mergeLaptop(t, f.hq, "Desk")
	f.doctor, _ = mergeLaptop(t, f.hq, "Doctors")
	f.deskClock.advance(30 * time.Minute)
	h := f.hospitals[10]
	cs := Agreed()
	for _, c := range []booth.Consent{{Purpose: booth.PurposeHealth}, {Purpose: booth.PurposeTransfer}, {Purpose: booth.PurposeProvision, OrgID: h.ID}} {
		c.Granted, c.TextVersion, c.TextHash, c.Lang = true, "test", "test", "ru"
		cs = append(cs, c)
	}
	f.visitor = &booth.Visitor{Name: "Айгерим Байжанова", Type: booth.TypePatient, Lang: "ru"}
	if err := f.desk.CreateVisitor(ctx, f.visitor, cs); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.code, _, err = f.desk.BadgeCode(ctx, f.visitor.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

// consult records the consultation of the fair's visitor at the last
// hospital, with a fixed id so that two runs of the fair record the same one.
func (f *badgeFair) consult(db *data.DB) error {
	return db.AddConsultation(context.Background(), &booth.Consultation{ID: "0199a000-0000-7000-8000-000000000001", VisitorID: f.visitor.ID,
		OrgID: f.hospitals[10].ID, Department: "Health screening", Doctor: "Dr Kim", FollowUp: booth.FollowUpYes}, booth.NoteContent{})
}

// hqView is what HQ hands out after merging: the report, without the time it
// was made, and the lead files.
func hqView(t *testing.T, hq *data.DB) (string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	r, err := hq.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	r.GeneratedAt = time.Time{}
	js, _ := json.Marshal(r)
	dir := t.TempDir()
	files, err := leadfiles.Write(ctx, hq, booth.LeadOptions{Dir: dir, Format: "csv", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	leads := map[string]string{}
	for _, lf := range files {
		b, err := os.ReadFile(lf.Path)
		if err != nil {
			t.Fatal(err)
		}
		leads[filepath.Base(lf.Path)] = string(b)
	}
	return string(js), leads
}

// A doctors' laptop that never heard of the visitor scans the badge and
// records the consultation straight away; HQ then reports exactly what it
// reports when the consent reached that laptop by merging the desk's data.
func TestBadgeConsentsOnALaptopThatNeverHeardOfTheVisitor(t *testing.T) {
	ctx := context.Background()
	f := newBadgeFair(t)
	// The same fair, from here on, on a copy of the doctors' laptop.
	byMerge := mergeCopy(t, f.doctor)
	hq2 := mergeCopy(t, f.hq)

	if err := f.consult(f.doctor); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("consultation before the scan: %v", err)
	}
	s := checkin(t, f.doctor, f.code)
	if s.Decision != booth.Admitted || s.VisitorID != f.visitor.ID || len(s.BadgeConsents) != 3 {
		t.Fatalf("scan on the doctors' laptop: %+v", s)
	}
	cs, err := f.doctor.Consents(ctx, f.visitor.ID)
	if err != nil || len(cs) != 3 {
		t.Fatalf("consents from the badge: %+v %v", cs, err)
	}
	given, _ := f.desk.Consents(ctx, f.visitor.ID)
	for _, c := range cs {
		if !c.Granted || c.TextVersion != booth.BadgeTextVersion || c.DeviceID != f.doctor.Device().ID || c.At.After(given[0].At) ||
			c.At.Before(given[0].At.Add(-time.Minute)) {
			t.Errorf("copied consent %+v; given at %v", c, given[0].At)
		}
	}
	if err := booth.CheckProvision(cs, f.hospitals[10].ID); err != nil {
		t.Errorf("sharing with the last hospital: %v", err)
	}
	if err := f.consult(f.doctor); err != nil {
		t.Fatalf("consultation straight after the scan: %v", err)
	}
	// The same fair where the consent reached the doctors' laptop with the
	// desk's data.
	desk := mergeSnap(t, f.desk)
	mustMerge(t, byMerge, desk)
	if s := checkin(t, byMerge, f.code); s.Decision != booth.Admitted || len(s.BadgeConsents) != 0 {
		t.Fatalf("scan after the merge: %+v", s)
	}
	if err := f.consult(byMerge); err != nil {
		t.Fatal(err)
	}

	mustMerge(t, f.hq, desk, mergeSnap(t, f.doctor))
	mustMerge(t, hq2, mergeSnap(t, byMerge), desk)
	report, leads := hqView(t, f.hq)
	report2, leads2 := hqView(t, hq2)
	if report != report2 {
		t.Errorf("reports differ:\nbadge %s\nmerge %s", report, report2)
	}
	if fmt.Sprint(leads) != fmt.Sprint(leads2) {
		t.Errorf("lead files differ:\nbadge %v\nmerge %v", leads, leads2)
	}
	// The badge's copies are stated at the very millisecond of the desk's
	// records (the desk's clock stood on a whole minute): the desk's stay the
	// latest decisions.
	all, _ := f.hq.Consents(ctx, f.visitor.ID)
	for _, p := range []booth.Purpose{booth.PurposeHealth, booth.PurposeTransfer} {
		if c := booth.LatestConsent(all, p, ""); c == nil || c.TextVersion != "test" || !c.At.Equal(cs[0].At) {
			t.Errorf("latest decision on %s at HQ: %+v", p, c)
		}
	}
	lf := leads["leads-Hospital-11.csv"]
	if len(leads) != 11 || !containsAll(lf, "Dr Kim", "Айгерим Байжанова") {
		t.Errorf("lead files: %v", leads)
	}

	// Scanning again adds nothing; nor does the desk's scan of its own badge.
	s, err = f.doctor.Checkin(ctx, booth.CheckinRequest{Raw: f.code + "\t"}) // a deliberate second scan, not a double send
	if err != nil || s.Decision != booth.Duplicate || len(s.BadgeConsents) != 0 {
		t.Fatalf("second scan: %+v %v", s, err)
	}
	if s := checkin(t, f.desk, f.code); s.Decision != booth.Admitted || len(s.BadgeConsents) != 0 {
		t.Fatalf("scan at the desk that printed it: %+v", s)
	}
	if cs, _ := f.doctor.Consents(ctx, f.visitor.ID); len(cs) != 3 {
		t.Fatalf("after a second scan: %d consents", len(cs))
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// The visitor withdraws the consent to health information at the desk after
// the badge was printed. The doctors' laptop, offline, still records a
// consultation on the badge's word; at HQ the withdrawal wins: the
// consultation stays out of the lead file, and the report counts no consent
// to health information.
func TestBadgeConsentWithdrawnAfterPrintingWinsAtHQ(t *testing.T) {
	ctx := context.Background()
	f := newBadgeFair(t)
	f.deskClock.advance(time.Minute)
	if err := f.desk.AddConsent(ctx, &booth.Consent{VisitorID: f.visitor.ID, Purpose: booth.PurposeHealth, Granted: false,
		TextVersion: "test", TextHash: "test", Lang: "ru"}); err != nil {
		t.Fatal(err)
	}
	if s := checkin(t, f.doctor, f.code); len(s.BadgeConsents) != 3 {
		t.Fatalf("scan: %+v", s)
	}
	if err := f.consult(f.doctor); err != nil {
		t.Fatal(err)
	}
	mustMerge(t, f.hq, mergeSnap(t, f.doctor), mergeSnap(t, f.desk))
	cs, err := f.hq.Consents(ctx, f.visitor.ID)
	if err != nil {
		t.Fatal(err)
	}
	if booth.HasConsent(cs, booth.PurposeHealth, "") || !booth.HasConsent(cs, booth.PurposeTransfer, "") {
		t.Fatalf("at HQ: %+v", cs)
	}
	r, err := f.hq.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.ConsentRates["health"].Given != 0 || r.ConsentRates["transfer"].Given != 1 {
		t.Errorf("consent rates: %+v", r.ConsentRates)
	}
	leads, err := f.hq.Leads(ctx, f.hospitals[10].ID, nil)
	if err != nil || len(leads) != 1 || len(leads[0].Consultations) != 0 {
		t.Fatalf("leads: %+v %v", leads, err)
	}
	// A badge printed after the withdrawal carries no consent to health.
	code, _, err := f.desk.BadgeCode(ctx, f.visitor.ID)
	if err != nil {
		t.Fatal(err)
	}
	later := joined(t, f.hq, "Doctors 2")
	if s := checkin(t, later, code); len(s.BadgeConsents) != 2 {
		t.Fatalf("badge printed after the withdrawal: %+v", s.BadgeConsents)
	}
	if err := f.consult(later); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Fatalf("consultation on a badge without health: %v", err)
	}
}

// A hospital added on one laptop alone is not carried: no other laptop
// could tell which hospital the bit meant.
func TestBadgeCarriesTheEventsHospitalsOnly(t *testing.T) {
	ctx := context.Background()
	f := newBadgeFair(t)
	local := MustHospital(t, f.desk, "Hospital of the desk", "Dentistry")
	if err := f.desk.AddConsent(ctx, &booth.Consent{VisitorID: f.visitor.ID, Purpose: booth.PurposeProvision, OrgID: local.ID, Granted: true,
		TextVersion: "test", TextHash: "test", Lang: "ru"}); err != nil {
		t.Fatal(err)
	}
	code, _, err := f.desk.BadgeCode(ctx, f.visitor.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := checkin(t, f.doctor, code)
	if len(s.BadgeConsents) != 3 {
		t.Fatalf("consents carried: %+v", s.BadgeConsents)
	}
	for _, c := range s.BadgeConsents {
		if c.Purpose == booth.PurposeProvision && c.OrgID != f.hospitals[10].ID {
			t.Errorf("shared with %s", c.OrgID)
		}
	}
}

package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"medibooth/booth"
)

// With no network at all: the desk registers a patient who consents to
// health information, transfer and sharing with a hospital and prints the
// badge; the doctors' laptop, which joined the event and never heard of the
// patient, checks the badge in and records the consultation straight away.
func TestCLIBadgeConsentsWithoutNetwork(t *testing.T) {
	_, pkg := syncEvent(t, "Almaty Health Consultation")
	desk := syncLaptop(t, pkg, "Desk")
	doctor := syncLaptop(t, pkg, "Doctors")

	var v struct{ ID, Code string }
	desk.mustJSON(&v, "visitor", "add", "--name", "Айгерим Байжанова", "--type", "patient", "--lang", "ru",
		"--consent", "contact,health,transfer", "--share-with", "Korea University Anam")
	exit, out, errs := desk.run("badge", v.ID)
	if exit != 0 || strings.TrimSpace(out) != v.Code || len(v.Code) > booth.MaxBadgeDigits {
		t.Fatalf("badge: exit %d %q %s", exit, out, errs)
	}
	consult := []string{"consult", "add", "--visitor", v.ID, "--hospital", "Anam", "--dept", "GI cancers",
		"--doctor", "Dr Park", "--notes", "heartburn, 2 months", "--follow-up", "yes"}
	if exit, _, errs := doctor.run(consult...); exit != exitFailure || !strings.Contains(errs, "no such visitor") {
		t.Fatalf("consultation before the scan: exit %d %s", exit, errs)
	}

	exit, r := doctor.checkin(v.Code + "\r\n")
	want := []string{"health", "transfer", "provision: Korea University Anam"}
	if exit != exitOK || r.Decision != booth.Admitted || r.VisitorID != v.ID || !slices.Equal(r.FromBadge, want) {
		t.Fatalf("checkin on the doctors' laptop: exit %d %+v", exit, r)
	}
	var c struct{ ID, Hospital, Department string }
	doctor.mustJSON(&c, consult...)
	if c.ID == "" || c.Hospital != "Korea University Anam" || c.Department != "GI cancers" {
		t.Fatalf("consult add: %+v", c)
	}
	// A second scan records nothing more, and says so in plain text too.
	exit, out, _ = doctor.run("checkin", v.Code)
	if exit != exitDuplicate || strings.Contains(out, "badge") {
		t.Fatalf("second checkin: exit %d %q", exit, out)
	}

	// The badge saved as a picture and read by a third laptop's camera
	// brings the same consents.
	png := filepath.Join(t.TempDir(), "badge.png")
	if exit, _, errs := desk.run("badge", v.ID, "--out", png); exit != 0 {
		t.Fatalf("badge --out: %s", errs)
	}
	var scanned struct{ Results []checkinResult }
	syncLaptop(t, pkg, "Doctors 2").mustJSON(&scanned, "scan", png)
	if len(scanned.Results) != 1 || !slices.Equal(scanned.Results[0].FromBadge, want) {
		t.Fatalf("scan of the badge's picture: %+v", scanned)
	}

	// A visitor who gave no consent to health information: the badge
	// carries none, and the doctors' laptop refuses the consultation.
	var w struct{ ID, Code string }
	desk.mustJSON(&w, "visitor", "add", "--name", "Ли Мин", "--consent", "contact")
	exit, out, _ = doctor.run("checkin", w.Code)
	if exit != exitOK || strings.Contains(out, "badge") {
		t.Fatalf("checkin without consents: exit %d %q", exit, out)
	}
	exit, _, errs = doctor.run("consult", "add", "--visitor", w.ID, "--hospital", "Anam", "--dept", "GI cancers")
	if exit != exitFailure || !strings.Contains(errs, "has not consented to health information") {
		t.Fatalf("consultation without consent: exit %d %s", exit, errs)
	}
}

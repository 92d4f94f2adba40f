package main

import (
	"strings"
	"testing"
)

// The same visitor registered at two laptops: HQ's duplicate report finds
// them after the merge, and once linked they count as one person while each
// record keeps its own scans and consultation.
func TestCLISamePersonOnTwoLaptops(t *testing.T) {
	hq, pkg := syncEvent(t, "Almaty Health Consultation 2026")
	d1, d2 := syncLaptop(t, pkg, "Desk 1"), syncLaptop(t, pkg, "Desk 2")
	var a, b, other syncVisitor
	d1.mustJSON(&a, "visitor", "add", "--name", "Айгерим Нурланова", "--phone", "8 701 555 12 34", "--birth-year", "1990",
		"--type", "patient", "--consent", "contact,health")
	d2.mustJSON(&b, "visitor", "add", "--name", "Aigerim Nurlanova", "--phone", "+7 701 555 12 34", "--birth-year", "1990",
		"--type", "patient", "--consent", "contact,health")
	d2.mustJSON(&other, "visitor", "add", "--name", "Aigerim Nurlanova", "--birth-year", "1975", "--type", "patient", "--consent", "contact")
	for _, x := range []struct {
		l *cli
		v syncVisitor
	}{{d1, a}, {d2, b}, {d2, other}} {
		if code, _, errs := x.l.run("checkin", x.v.Code, "--at", "2026-09-17T11:00:00+05:00"); code != 0 {
			t.Fatalf("checkin: %d %s", code, errs)
		}
	}
	d1.mustJSON(&struct{}{}, "consult", "add", "--visitor", a.ID, "--hospital", "Kyung Hee", "--dept", "Gynaecology")
	d2.mustJSON(&struct{}{}, "consult", "add", "--visitor", b.ID, "--hospital", "Anam", "--dept", "GI cancers")
	if code, _, errs := syncImportFiles(t, hq, syncExportFile(t, d1, "d1.bundle"), syncExportFile(t, d2, "d2.bundle")); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	type report struct {
		VisitorsUnique    int            `json:"visitors_unique"`
		Scans             int            `json:"scans"`
		CheckinsByDay     map[string]int `json:"checkins_by_day"`
		Consultations     int            `json:"consultations"`
		PatientsConsulted int            `json:"patients_consulted"`
	}
	var before report
	hq.mustJSON(&before, "report")
	if before.VisitorsUnique != 3 || before.PatientsConsulted != 2 {
		t.Fatalf("before: %+v", before)
	}

	var dups struct {
		Groups []struct {
			Records []struct {
				ID, Device string
				Scans      int
			}
			Reasons []string
		}
	}
	hq.mustJSON(&dups, "visitor", "duplicates")
	if len(dups.Groups) != 1 || len(dups.Groups[0].Records) != 2 || strings.Join(dups.Groups[0].Reasons, ",") != "name-year,phone" {
		t.Fatalf("duplicates: %+v", dups)
	}
	g := dups.Groups[0]
	if g.Records[0].ID != a.ID || g.Records[0].Device != "Desk 1" || g.Records[1].Device != "Desk 2" || g.Records[1].Scans != 1 {
		t.Fatalf("records: %+v", g.Records)
	}
	var merged struct {
		Person  string
		Records []string
	}
	hq.mustJSON(&merged, "visitor", "merge", a.ID, b.ID)
	if merged.Person != a.ID || len(merged.Records) != 2 {
		t.Fatalf("merge: %+v", merged)
	}
	var after report
	hq.mustJSON(&after, "report")
	if after.VisitorsUnique != 2 || after.CheckinsByDay["2026-09-17"] != 2 || after.PatientsConsulted != 1 ||
		after.Scans != before.Scans || after.Consultations != before.Consultations {
		t.Fatalf("after the merge: %+v (before %+v)", after, before)
	}
	hq.mustJSON(&dups, "visitor", "duplicates")
	if len(dups.Groups) != 0 {
		t.Fatalf("still reported: %+v", dups)
	}
	if code, _, errs := hq.run("visitor", "merge", b.ID, a.ID); code != 1 || !strings.Contains(errs, "already one person") {
		t.Errorf("merging again: %d %q", code, errs)
	}
	// Undone, the two count apart again.
	hq.mustJSON(&struct{}{}, "visitor", "separate", b.ID)
	hq.mustJSON(&after, "report")
	if after.VisitorsUnique != 3 {
		t.Fatalf("after separating: %+v", after)
	}
}

func TestCLIKeepApart(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	var a, b syncVisitor
	c.mustJSON(&a, "visitor", "add", "--name", "Асель Ким", "--phone", "+7 701 000 11 22", "--consent", "contact")
	c.mustJSON(&b, "visitor", "add", "--name", "Asel Kim", "--phone", "+7 701 000 11 22", "--consent", "contact")
	var dups struct {
		Groups []struct{ Records []struct{ ID string } }
	}
	c.mustJSON(&dups, "visitor", "duplicates")
	n := len(dups.Groups)
	c.mustJSON(&struct{}{}, "visitor", "apart", b.ID, a.ID)
	c.mustJSON(&dups, "visitor", "duplicates")
	if len(dups.Groups) != n-1 {
		t.Fatalf("%d groups after keeping one apart, %d before", len(dups.Groups), n)
	}
}

package main

import (
	"strings"
	"testing"
)

// A bundle carried to HQ on a USB stick: HQ's import names a receipt code,
// the laptop records it, and then (after the retention days, here 0) purges
// the personal data while its counts stay.
func TestCLIPurgeAfterHQsReceipt(t *testing.T) {
	hq, pkg := syncEvent(t, "Almaty Health Consultation 2026")
	desk := syncLaptop(t, pkg, "Desk 1")
	syncWork(t, desk, "Purgeable", 3)
	var before map[string]any
	desk.mustJSON(&before, "report")

	file := syncExportFile(t, desk, "desk1.bundle")
	code, res, errs := syncImportFiles(t, hq, file)
	if code != 0 || res.Imported != 1 {
		t.Fatalf("import: %d %+v %s", code, res, errs)
	}
	_, out, _ := hq.run("sync", "import", file)
	receipt := res.Results[0].Receipt
	if len(receipt) != 14 || !strings.Contains(out, receipt) {
		t.Fatalf("receipt %q in %q", receipt, out)
	}

	type purge struct {
		Status struct {
			Ready, Waiting, Purged int
			NotAtHQ                int `json:"not_at_hq"`
			RetentionDays          int `json:"retention_days"`
		}
		Purged int
	}
	var p purge
	desk.mustJSON(&p, "sync", "purge", "--yes")
	if p.Purged != 0 || p.Status.NotAtHQ != 3 {
		t.Fatalf("purge before HQ's receipt: %+v", p)
	}
	if code, _, errs := desk.run("sync", "confirm", "0000-0000-0000"); code != 1 || !strings.Contains(errs, "receipt code") {
		t.Fatalf("a wrong receipt: %d %q", code, errs)
	}
	desk.mustJSON(&struct{}{}, "sync", "confirm", strings.ToUpper(receipt))
	desk.mustJSON(&p, "sync", "purge")
	if p.Purged != 0 || p.Status.Waiting != 3 || p.Status.RetentionDays != 7 {
		t.Fatalf("within the retention days: %+v", p)
	}
	desk.mustJSON(&struct{}{}, "sync", "retention", "0")
	desk.mustJSON(&p, "sync", "purge")
	if p.Purged != 0 || p.Status.Ready != 3 {
		t.Fatalf("dry run: %+v", p)
	}
	desk.mustJSON(&p, "sync", "purge", "--yes")
	if p.Purged != 3 || p.Status.Purged != 3 || p.Status.Ready != 0 {
		t.Fatalf("purge: %+v", p)
	}
	var found struct{ Results []struct{ ID string } }
	desk.mustJSON(&found, "visitor", "find", "Purgeable")
	if len(found.Results) != 0 {
		t.Fatalf("purged visitors found: %+v", found)
	}
	hq.mustJSON(&found, "visitor", "find", "Purgeable")
	if len(found.Results) != 3 {
		t.Fatalf("HQ's visitors: %+v", found)
	}
	var after map[string]any
	desk.mustJSON(&after, "report")
	for _, k := range []string{"visitors_unique", "scans", "consultations", "meetings", "checkins_by_day", "consultations_by_hospital"} {
		if !syncSameJSON(before[k], after[k]) {
			t.Errorf("%s: %v before the purge, %v after", k, before[k], after[k])
		}
	}
	if code, _, _ := desk.run("sync", "retention", "many"); code != 2 {
		t.Errorf("retention many: exit %d", code)
	}
}

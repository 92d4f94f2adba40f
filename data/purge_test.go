package data_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

// After HQ confirmed a bundle and the retention days passed, the laptop
// purges what HQ has: names and contacts are gone from the file, the booth's
// counts stay, a visitor registered after the bundle keeps their data, and
// a later bundle leaves the purged out so that HQ keeps its copy.
func TestPurgeAfterHQConfirmed(t *testing.T) {
	ctx := context.Background()
	hq, _ := MustOpenDB(t)
	MustEvent(t, hq)
	desk := joined(t, hq, "Desk A")
	start, later := desk.Now(), time.Duration(0)
	desk.Now = func() time.Time { return start.Add(later) }
	deskWork(t, desk, "Purgeable Person", 3)
	before, err := desk.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}

	// Nothing before HQ confirms anything.
	if st, err := desk.PurgeStatus(ctx); err != nil || st.Ready != 0 || st.NotAtHQ != 3 || st.RetentionDays != 7 {
		t.Fatalf("status before any bundle: %+v %v", st, err)
	}
	file := exportTo(t, desk, "a.bundle")
	if _, err := importFile(hq, file); err != nil {
		t.Fatal(err)
	}
	hqHash := stateHash(t, hq)
	st0, _ := desk.SyncStatus(ctx)
	if err := desk.AckBundle(ctx, st0.LastExport.SHA256); err != nil {
		t.Fatal(err)
	}
	deskWork(t, desk, "Late Arrival", 1)
	st, err := desk.PurgeStatus(ctx)
	if err != nil || st.Ready != 0 || st.Waiting != 3 || st.NotAtHQ != 1 || st.ReadyFrom == nil {
		t.Fatalf("within the retention days: %+v %v", st, err)
	}
	if n, err := desk.PurgePersonalData(ctx); err != nil || n != 0 {
		t.Fatalf("purged %d within the retention days: %v", n, err)
	}
	if err := desk.SetRetentionDays(ctx, 400); booth.ErrorCode(err) != booth.EINVALID {
		t.Fatalf("400 days: %v", err)
	}
	later = 8 * 24 * time.Hour
	if st, err = desk.PurgeStatus(ctx); err != nil || st.Ready != 3 || st.Waiting != 0 || st.NotAtHQ != 1 {
		t.Fatalf("after the retention days: %+v %v", st, err)
	}
	n, err := desk.PurgePersonalData(ctx)
	if err != nil || n != 3 {
		t.Fatalf("purged %d: %v", n, err)
	}
	if st, _ = desk.PurgeStatus(ctx); st.Purged != 3 || st.Ready != 0 {
		t.Fatalf("after the purge: %+v", st)
	}

	// The names are gone from the file and its log; the late visitor stays.
	for _, f := range []string{desk.Path, desk.Path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "Purgeable Person") {
			t.Errorf("%s still holds a purged name", f)
		}
	}
	if vs, err := desk.FindVisitors(ctx, "Late Arrival", 5); err != nil || len(vs) != 1 {
		t.Fatalf("the late visitor: %v %v", vs, err)
	}
	if vs, err := desk.FindVisitors(ctx, "Purgeable", 5); err != nil || len(vs) != 0 {
		t.Fatalf("purged visitors still found: %v %v", vs, err)
	}
	after, err := desk.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if after.VisitorsUnique != before.VisitorsUnique+1 || after.Scans != before.Scans+1 || after.VisitorsByType["patient"] != before.VisitorsByType["patient"]+1 {
		t.Fatalf("the booth's counts: before %+v after %+v", before, after)
	}

	// A later bundle leaves the purged out: HQ keeps its copy.
	res, err := importFile(hq, exportTo(t, desk, "a2.bundle"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed == 0 || res.Tables["visitor"] != 1 {
		t.Fatalf("second import: %+v", res)
	}
	if vs, err := hq.FindVisitors(ctx, "Late Arrival", 5); err != nil || len(vs) != 1 {
		t.Fatalf("the late visitor at HQ: %v %v", vs, err)
	}
	vs, err := hq.FindVisitors(ctx, "Purgeable Person", 5)
	if err != nil || len(vs) != 3 {
		t.Fatalf("HQ lost purged visitors: %v %v", vs, err)
	}
	if stateHash(t, hq) == hqHash {
		t.Fatal("the late visitor did not reach HQ")
	}
}

package data_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// TestEraseLeavesNoTraceWhileOpen erases a visitor while another handle
// (the desk's window) keeps the database open: neither the file nor its
// write-ahead log holds the name or phone afterwards.
func TestEraseLeavesNoTraceWhileOpen(t *testing.T) {
	ctx := context.Background()
	_, desk, _ := hqAndDesk(t)
	window := second(t, desk)
	v := MustVisitor(t, desk, "Zhanargul Erasable")
	v.Phone = "+77019876543"
	if err := desk.UpdateVisitor(ctx, v); err != nil {
		t.Fatal(err)
	}
	if vs, err := window.FindVisitors(ctx, "Zhanargul", 5); err != nil || len(vs) != 1 {
		t.Fatalf("the window sees the visitor: %v %v", vs, err)
	}
	if err := desk.EraseVisitor(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{desk.Path, desk.Path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, s := range []string{"Zhanargul", "Erasable", "9876543"} {
			if strings.Contains(string(b), s) {
				t.Errorf("%s still holds %q after the erasure", filepath.Base(f), s)
			}
		}
	}
}

// TestLeftoverSnapshotsRemovedOnOpen: the clear-text snapshots a killed
// export or import left are removed by the next start of medibooth; those
// of a running process stay.
func TestLeftoverSnapshotsRemovedOnOpen(t *testing.T) {
	dir := t.TempDir()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skip("no process to outlive:", err)
	}
	dead := gone.Process.Pid
	names := map[string]bool{ // name → removed
		fmt.Sprintf(".snapshot-%d-1.db", dead):         true,
		fmt.Sprintf(".snapshot-%d-1.db-journal", dead): true,
		fmt.Sprintf(".import-%d-2.db", dead):           true,
		fmt.Sprintf(".import-%d-3.db", os.Getpid()):    false,
		".snapshot-1234567.db":                         false, // an older medibooth's, young
	}
	for n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("Visitor Name in clear"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := data.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for n, removed := range names {
		_, err := os.Stat(filepath.Join(dir, n))
		if removed != os.IsNotExist(err) {
			t.Errorf("%s: removed %v, want %v", n, os.IsNotExist(err), removed)
		}
	}
}

// TestPurgedVisitorComesBack: a visitor purged after HQ's receipt checks in
// again the next day; the next bundle brings that scan to HQ (the purged
// visitor's older rows stay out, HQ has them).
func TestPurgedVisitorComesBack(t *testing.T) {
	ctx := context.Background()
	hq, desk, later := hqAndDesk(t)
	v := MustVisitor(t, desk, "Returning Guest")
	code, _, err := desk.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.Checkin(ctx, booth.CheckinRequest{Raw: code}); err != nil {
		t.Fatal(err)
	}
	hqConfirms(t, hq, desk, "a.bundle")
	if err := desk.SetRetentionDays(ctx, 0); err != nil {
		t.Fatal(err)
	}
	*later = time.Hour
	if n, err := desk.PurgePersonalData(ctx); err != nil || n != 1 {
		t.Fatalf("purged %d: %v", n, err)
	}
	*later = 24 * time.Hour // the second day
	s, err := desk.Checkin(ctx, booth.CheckinRequest{Raw: code})
	if err != nil || s.Decision != booth.Admitted {
		t.Fatalf("the purged visitor's badge on day two: %+v %v", s, err)
	}
	if _, err := importFile(hq, exportTo(t, desk, "b.bundle")); err != nil {
		t.Fatal(err)
	}
	r, err := hq.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Scans != 2 || r.CheckinsByDay["2026-09-18"] != 1 {
		t.Fatalf("HQ after the second day: %d scans, by day %v", r.Scans, r.CheckinsByDay)
	}
	if vs, err := hq.FindVisitors(ctx, "Returning Guest", 5); err != nil || len(vs) != 1 {
		t.Fatalf("HQ keeps the visitor: %v %v", vs, err)
	}
}

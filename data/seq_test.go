package data_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// second opens the same database file as db would from another process
// (the desk's window and a CLI command): its own connections, its own
// memory, the same clock.
func second(t *testing.T, db *data.DB) *data.DB {
	t.Helper()
	other, err := data.Open(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	other.Now = func() time.Time { return db.Now() }
	return other
}

// TestTwoWritersStaleSequenceIsNotPurged is the loss found under faults: a
// second writer opened before the first wrote more, writes after HQ
// confirmed a bundle. Its visitor must count as not at HQ and survive the
// purge, and the next bundle must bring it to HQ.
func TestTwoWritersStaleSequenceIsNotPurged(t *testing.T) {
	ctx := context.Background()
	hq, desk, later := hqAndDesk(t)
	cli := second(t, desk) // opened now: it knows the sequence as it is
	deskWork(t, desk, "Window Visitor", 4)
	hqConfirms(t, hq, desk, "a.bundle")
	MustVisitor(t, cli, "Never At HQ")

	st, err := desk.SyncStatus(ctx)
	if err != nil || !st.Unexported {
		t.Fatalf("the second writer's visitor is not waiting for export: %+v %v", st, err)
	}
	if err := desk.SetRetentionDays(ctx, 0); err != nil {
		t.Fatal(err)
	}
	*later = time.Hour
	ps, err := desk.PurgeStatus(ctx)
	if err != nil || ps.NotAtHQ != 1 || ps.Ready != 4 {
		t.Fatalf("purge status: %+v %v", ps, err)
	}
	if n, err := desk.PurgePersonalData(ctx); err != nil || n != 4 {
		t.Fatalf("purged %d: %v", n, err)
	}
	if vs, err := desk.FindVisitors(ctx, "Never At HQ", 5); err != nil || len(vs) != 1 {
		t.Fatalf("the purge took a visitor HQ never had: %v %v", vs, err)
	}
	if _, err := importFile(hq, exportTo(t, desk, "b.bundle")); err != nil {
		t.Fatal(err)
	}
	if vs, err := hq.FindVisitors(ctx, "Never At HQ", 5); err != nil || len(vs) != 1 {
		t.Fatalf("HQ after the next bundle: %v %v", vs, err)
	}
}

// TestTwoWritersSequenceUnique writes from two handles of one file at once,
// as the desk's window and a CLI command do: every (device, seq) is used
// once, and commit order is sequence order.
func TestTwoWritersSequenceUnique(t *testing.T) {
	ctx := context.Background()
	hq, _ := MustOpenDB(t)
	MustEvent(t, hq)
	desk := joined(t, hq, "Desk A")
	cli := second(t, desk)
	const each = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for w, db := range []*data.DB{desk, cli} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				v := &booth.Visitor{Name: fmt.Sprintf("Writer%d Visitor%d", w, i)}
				if err := db.CreateVisitor(ctx, v, Agreed()); err != nil {
					errs <- err
					return
				}
				code, _, err := db.BadgeCode(ctx, v.ID)
				if err != nil {
					errs <- err
					return
				}
				if _, err := db.Checkin(ctx, booth.CheckinRequest{Raw: code}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	raw, err := sql.Open("sqlite", "file:"+desk.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var parts []string
	for _, tb := range []string{"visitor", "consent", "scan", "badge_print"} {
		parts = append(parts, "SELECT device_id, seq FROM "+tb)
	}
	var rows, distinct int
	q := "SELECT count(*), count(DISTINCT device_id || '/' || seq) FROM (" + strings.Join(parts, " UNION ALL ") + ") WHERE device_id = ?"
	if err := raw.QueryRow(q, desk.Device().ID).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows < 4*each || rows != distinct {
		t.Fatalf("%d rows, %d distinct (device, seq)", rows, distinct)
	}
	// Sequence follows commit order: scans (rowid order) have rising seq.
	var backwards int
	if err := raw.QueryRow(`SELECT count(*) FROM scan a JOIN scan b ON b.rowid > a.rowid WHERE b.seq <= a.seq`).Scan(&backwards); err != nil {
		t.Fatal(err)
	}
	if backwards != 0 {
		t.Fatalf("%d scans committed later with a lower sequence", backwards)
	}
}

// hqAndDesk is HQ with the test event and a laptop that joined it, whose
// clock runs *later after the join.
func hqAndDesk(t *testing.T) (hq, desk *data.DB, later *time.Duration) {
	t.Helper()
	hq, _ = MustOpenDB(t)
	MustEvent(t, hq)
	desk = joined(t, hq, "Desk A")
	start := desk.Now()
	later = new(time.Duration)
	desk.Now = func() time.Time { return start.Add(*later) }
	return hq, desk, later
}

// hqConfirms exports desk's bundle, imports it at HQ and records HQ's
// confirmation on the desk.
func hqConfirms(t *testing.T, hq, desk *data.DB, name string) {
	t.Helper()
	if _, err := importFile(hq, exportTo(t, desk, name)); err != nil {
		t.Fatal(err)
	}
	st, err := desk.SyncStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := desk.AckBundle(context.Background(), st.LastExport.SHA256); err != nil {
		t.Fatal(err)
	}
}

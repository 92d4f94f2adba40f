package data_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// openedBundle decrypts and checks a bundle file as HQ does, and opens its
// snapshot read-only for the test to look inside.
func openedBundle(t *testing.T, hq *data.DB, file string) (*booth.Bundle, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	id, err := hq.HQIdentity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys, revoked, err := hq.SignerCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := booth.OpenBundle(f, id, keys, revoked, 0)
	if err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(t.TempDir(), "snapshot.db")
	if err := os.WriteFile(snap, b.Snapshot, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+snap+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return b, raw
}

func count(t *testing.T, d *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// noTemps fails when a snapshot or half-written bundle was left behind.
func noTemps(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("left behind: %s", filepath.Join(d, e.Name()))
			}
		}
	}
}

// HQ holds every secret there is: the root key, the identity that opens
// bundles, a hospital's sealed note, lockouts, an audit log. Its bundle
// carries none of them.
func TestSnapshotExportIsEncryptedAndStripped(t *testing.T) {
	c := mustConsultDB(t)
	ctx := booth.WithStaff(context.Background(), c.doctor)
	if err := c.db.AddConsultation(ctx, &booth.Consultation{VisitorID: c.v.ID, OrgID: c.a.ID, Department: "Korean-medicine gynaecology"},
		booth.NoteContent{Summary: secretSummary}); err != nil {
		t.Fatal(err)
	}
	c.db.SignIn(ctx, c.doctor.ID, "0000")
	c.db.UnlockHospital(ctx, c.a.ID, "wrong passphrase entirely")
	out := filepath.Join(t.TempDir(), "hq.bundle")
	res, err := c.db.ExportBundle(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(file, []byte("SQLite format 3")) || bytes.Contains(file, []byte("Байжанова")) || int64(len(file)) != res.Bytes {
		t.Fatal("the bundle is not encrypted")
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("bundle mode %v", st.Mode())
	}
	noTemps(t, filepath.Dir(out), filepath.Dir(c.db.Path))

	b, raw := openedBundle(t, c.db, out)
	if b.FileHash != res.SHA256 || b.Manifest.DeviceID != c.db.Device().ID || b.Manifest.Tables["consultation"] != 1 ||
		b.Manifest.Tables["visitor"] != 1 || b.Manifest.Schema < 6 || b.Manifest.MaxSeq == 0 {
		t.Fatalf("manifest: %+v (file %s)", b.Manifest, b.FileHash)
	}
	for _, q := range []string{
		`SELECT count(*) FROM event_key WHERE root_private IS NOT NULL`,
		`SELECT count(*) FROM device_key WHERE private IS NOT NULL`,
		`SELECT count(*) FROM local`, `SELECT count(*) FROM hq_identity`, `SELECT count(*) FROM audit`,
		`SELECT count(*) FROM signin_state`, `SELECT count(*) FROM unlock_state`,
		`SELECT count(*) FROM bundle_export`, `SELECT count(*) FROM bundle_import`,
	} {
		if n := count(t, raw, q); n != 0 {
			t.Errorf("%s: %d in the bundle", q, n)
		}
	}
	if count(t, raw, `SELECT count(*) FROM visitor`) != 1 || count(t, raw, `SELECT count(*) FROM device_key`) != 1 ||
		count(t, raw, `SELECT count(*) FROM event_key`) != 1 || count(t, raw, `SELECT count(*) FROM consultation WHERE sealed IS NOT NULL`) != 1 {
		t.Error("the bundle lost shared data")
	}
	// Not even in free pages: the raw file holds no secret.
	id, _ := c.db.HQIdentity(ctx)
	if bytes.Contains(b.Snapshot, []byte(id.String())) || bytes.Contains(b.Snapshot, []byte(secretSummary)) {
		t.Error("the snapshot's bytes hold HQ's identity or a note in clear")
	}
	// The audit triggers came back with the emptied table.
	if count(t, raw, `SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit'`) != 2 {
		t.Error("the snapshot lost the audit log's triggers")
	}
	// The live database keeps everything, and logs the export.
	if n := count(t, rawDB(t, c.db), `SELECT count(*) FROM event_key WHERE root_private IS NOT NULL`); n != 1 {
		t.Errorf("HQ lost its root key: %d", n)
	}
	log, _ := c.db.AuditLog(ctx)
	if len(log) == 0 || log[len(log)-1].Action != data.AuditExport || log[len(log)-1].Detail != res.SHA256 {
		t.Errorf("export not audited: %+v", log)
	}
}

// rawDB opens a database's file read-only beside its own connections.
func rawDB(t *testing.T, db *data.DB) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestSnapshotExportOfALaptop(t *testing.T) {
	ctx := context.Background()
	hq, _ := MustOpenDB(t)
	MustEvent(t, hq)
	desk := joined(t, hq, "Desk 2")
	for i := range 5 {
		MustVisitor(t, desk, fmt.Sprintf("Visitor %d", i))
	}
	st, err := desk.SyncStatus(ctx)
	if err != nil || st.HQ || st.LastExport != nil || !st.Unexported {
		t.Fatalf("status before: %+v %v", st, err)
	}
	out := filepath.Join(t.TempDir(), "desk2.bundle")
	res, err := desk.ExportBundle(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	is, _ := desk.Issuer(ctx)
	m := res.Manifest
	if m.Device != "Desk 2" || m.Tables["visitor"] != 5 || m.KeyID() != booth.KeyID(is.Key.Public().(ed25519.PublicKey)) || m.Rows < 5 {
		t.Fatalf("manifest: %+v", m)
	}
	b, raw := openedBundle(t, hq, out)
	if b.Manifest.Rows != m.Rows || count(t, raw, `SELECT count(*) FROM visitor`) != 5 {
		t.Fatalf("opened at HQ: %+v", b.Manifest)
	}
	st, err = desk.SyncStatus(ctx)
	if err != nil || st.LastExport == nil || st.LastExport.SHA256 != res.SHA256 || st.LastExport.Acked != nil || st.Unexported {
		t.Fatalf("status after: %+v %v", st, err)
	}
	// HQ's server confirms it has the bundle.
	if err := desk.AckBundle(ctx, res.SHA256); err != nil {
		t.Fatal(err)
	}
	if err := desk.AckBundle(ctx, strings.Repeat("0", 64)); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("ack of an unknown bundle: %v", err)
	}
	if st, _ = desk.SyncStatus(ctx); st.LastExport.Acked == nil || !st.LastExport.Acked.Equal(desk.Now()) {
		t.Fatalf("acked: %+v", st.LastExport)
	}
	MustVisitor(t, desk, "Late Visitor")
	if st, _ = desk.SyncStatus(ctx); !st.Unexported {
		t.Fatal("a new visitor is not seen as unexported")
	}
	// A second export replaces the file in place.
	if _, err := desk.ExportBundle(ctx, out); err != nil {
		t.Fatal(err)
	}
	if b, _ := openedBundle(t, hq, out); b.Manifest.Tables["visitor"] != 6 {
		t.Fatalf("second export: %+v", b.Manifest.Tables)
	}
	noTemps(t, filepath.Dir(out), filepath.Dir(desk.Path))
}

func TestSnapshotExportRefuses(t *testing.T) {
	ctx := context.Background()
	db, _ := MustOpenDB(t)
	out := filepath.Join(t.TempDir(), "x.bundle")
	if _, err := db.ExportBundle(ctx, out); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Errorf("no event: %v", err)
	}
	MustEvent(t, db)
	if _, err := db.ExportBundle(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "x.bundle")); booth.ErrorCode(err) != booth.EINVALID ||
		!strings.Contains(booth.ErrorMessage(err), "Cannot write") {
		t.Errorf("missing folder: %v", err)
	}
	// An event set up before HQ had a key for bundles.
	w, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Exec(`DELETE FROM hq_recipient`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExportBundle(ctx, out); booth.ErrorCode(err) != booth.ECONFLICT || !strings.Contains(booth.ErrorMessage(err), "names no HQ") {
		t.Errorf("no HQ: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused export left a file")
	}
}

// The desk keeps checking visitors in while the bundle is made: the
// snapshot is one consistent view and checks out.
func TestSnapshotExportWhileTheDeskWrites(t *testing.T) {
	ctx := context.Background()
	hq, _ := MustOpenDB(t)
	MustEvent(t, hq)
	desk := joined(t, hq, "Desk 3")
	for i := range 200 {
		MustVisitor(t, desk, fmt.Sprintf("Early %d", i))
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			v := &booth.Visitor{Name: fmt.Sprintf("Walk-in %d", i)}
			if err := desk.CreateVisitor(ctx, v, Agreed()); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	dir := t.TempDir()
	for i := range 5 {
		if _, err := desk.ExportBundle(ctx, filepath.Join(dir, fmt.Sprintf("b%d.bundle", i))); err != nil {
			t.Error(err)
		}
	}
	close(stop)
	wg.Wait()
	b, raw := openedBundle(t, hq, filepath.Join(dir, "b4.bundle"))
	if n := count(t, raw, `SELECT count(*) FROM visitor`); n < 200 || n != b.Manifest.Tables["visitor"] ||
		count(t, raw, `SELECT count(*) FROM consent`) != b.Manifest.Tables["consent"] {
		t.Fatalf("snapshot has %d visitors, manifest %+v", n, b.Manifest.Tables)
	}
}

// TestSnapshotTiming20k exports a laptop with 20,000 visitors and
// imports its bundle at HQ.
// TestSnapshotOfManyVisitors exports and imports a laptop with a few
// thousand visitors; BenchmarkSnapshotRoundTrip times the fair-sized one.
func TestSnapshotOfManyVisitors(t *testing.T) {
	snapshotRoundTrip(t, 2000)
}

// BenchmarkSnapshotRoundTrip: export of a laptop with 20,000 visitors, the
// import at HQ, and the same bundle again.
func BenchmarkSnapshotRoundTrip(b *testing.B) {
	for b.Loop() {
		snapshotRoundTrip(b, 20000)
	}
}

func snapshotRoundTrip(t testing.TB, n int) {
	t.Helper()
	ctx := context.Background()
	hq, _ := MustOpenDB(t)
	MustEvent(t, hq)
	desk := joined(t, hq, "Desk 4")
	vs := make([]booth.Visitor, n)
	for i := range vs {
		vs[i] = booth.Visitor{Name: fmt.Sprintf("Айгерім Сейітқали %d", i), Phone: fmt.Sprintf("+7701%07d", i), BirthYear: 1950 + i%50}
	}
	if _, err := desk.Import(ctx, vs); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "big.bundle")
	start := time.Now()
	res, err := desk.ExportBundle(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("export of %d visitors (%d rows): %v, %d bytes", n, res.Manifest.Rows, time.Since(start), res.Bytes)
	if res.Manifest.Tables["visitor"] != n {
		t.Fatalf("manifest: %+v", res.Manifest.Tables)
	}
	start = time.Now()
	imp, err := importFile(hq, out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("import at HQ: %v, %d rows changed", time.Since(start), imp.Changed)
	if got, _ := hq.VisitorCount(ctx); got != n {
		t.Fatalf("HQ has %d visitors", got)
	}
	start = time.Now()
	if imp, err = importFile(hq, out); err != nil || imp.Decision != data.BundleAlreadyImported {
		t.Fatalf("again: %+v %v", imp, err)
	}
	t.Logf("the same bundle again: %v", time.Since(start))
}

// stateHash is HQ's merged state.
func stateHash(t *testing.T, db *data.DB) string {
	t.Helper()
	h, err := db.StateHash(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// deskWork registers n visitors on a laptop and checks each in.
func deskWork(t *testing.T, db *data.DB, prefix string, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		v := MustVisitor(t, db, fmt.Sprintf("%s %d", prefix, i))
		code, _, err := db.BadgeCode(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Checkin(ctx, booth.CheckinRequest{Raw: code}); err != nil {
			t.Fatal(err)
		}
	}
}

func exportTo(t *testing.T, db *data.DB, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	if _, err := db.ExportBundle(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	return out
}

func importFile(hq *data.DB, file string) (*data.BundleImport, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return hq.ImportBundle(context.Background(), f)
}

func TestSnapshotImportTwiceChangesNothing(t *testing.T) {
	ctx := context.Background()
	hq, _ := MustOpenDB(t)
	MustEvent(t, hq)
	a, b := joined(t, hq, "Desk A"), joined(t, hq, "Desk B")
	deskWork(t, a, "Alpha", 4)
	deskWork(t, b, "Beta", 3)
	fa, fb := exportTo(t, a, "a.bundle"), exportTo(t, b, "b.bundle")

	res, err := importFile(hq, fa)
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != data.BundleImported || res.Device != "Desk A" || res.Changed == 0 || res.Rows == 0 {
		t.Fatalf("first import: %+v", res)
	}
	h1 := stateHash(t, hq)
	again, err := importFile(hq, fa)
	if err != nil || again.Decision != data.BundleAlreadyImported || again.SHA256 != res.SHA256 {
		t.Fatalf("second import: %+v %v", again, err)
	}
	if stateHash(t, hq) != h1 {
		t.Fatal("importing a bundle twice changed HQ")
	}
	// The same data in a new file (a second export) merges to nothing new.
	fa2 := exportTo(t, a, "a2.bundle")
	res2, err := importFile(hq, fa2)
	if err != nil || res2.Decision != data.BundleImported || res2.Changed != 0 {
		t.Fatalf("re-export: %+v %v", res2, err)
	}
	if stateHash(t, hq) != h1 {
		t.Fatal("a re-export changed HQ")
	}
	if res, err := importFile(hq, fb); err != nil || res.Changed == 0 {
		t.Fatalf("desk B: %+v %v", res, err)
	}
	st, err := hq.SyncStatus(ctx)
	if err != nil || !st.HQ || len(st.Laptops) != 2 || st.Laptops[0].Device != "Desk A" || st.Laptops[0].Bundles != 2 || st.Laptops[1].Bundles != 1 {
		t.Fatalf("HQ status: %+v %v", st, err)
	}
	noTemps(t, filepath.Dir(hq.Path))
	// A laptop is not HQ: it cannot open bundles.
	if _, err := importFile(a, fb); booth.ErrorCode(err) != booth.ECONFLICT || !strings.Contains(booth.ErrorMessage(err), "not the event's HQ") {
		t.Fatalf("import on a laptop: %v", err)
	}
}

// reseal makes a bundle as desk would, from a snapshot and a manifest the
// test changed: what only a laptop's own key can sign.
func reseal(t *testing.T, hq, desk *data.DB, file string, change func(*booth.Manifest)) string {
	t.Helper()
	ctx := context.Background()
	b, _ := openedBundle(t, hq, file)
	m := b.Manifest
	change(&m)
	is, err := desk.Issuer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rcpt, _ := desk.HQRecipient(ctx)
	var buf bytes.Buffer
	if err := booth.SealBundle(&buf, &m, is, rcpt, bytes.NewReader(b.Snapshot)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "resealed.bundle")
	os.WriteFile(out, buf.Bytes(), 0o600)
	return out
}

func TestSnapshotImportRefusalsLeaveHQUnchanged(t *testing.T) {
	ctx := context.Background()
	hq, _ := MustOpenDB(t)
	MustEvent(t, hq)
	desk, lost := joined(t, hq, "Desk A"), joined(t, hq, "Desk Lost")
	deskWork(t, desk, "Alpha", 3)
	deskWork(t, lost, "Lost", 2)
	good := exportTo(t, desk, "good.bundle")
	fromLost := exportTo(t, lost, "lost.bundle")
	body, _ := os.ReadFile(good)

	// Another event, with a laptop of its own and a same-named event.
	other, _ := MustOpenDB(t)
	MustEvent(t, other)
	otherDesk := joined(t, other, "Desk A")
	deskWork(t, otherDesk, "Other", 2)
	foreign := exportTo(t, otherDesk, "foreign.bundle")

	write := func(name string, b []byte) string {
		p := filepath.Join(t.TempDir(), name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	flipped := bytes.Clone(body)
	flipped[len(flipped)/2] ^= 1
	newer := reseal(t, hq, desk, good, func(m *booth.Manifest) { m.Schema = 99 })
	otherEventID := reseal(t, hq, desk, good, func(m *booth.Manifest) { m.EventID = booth.NewID() })

	key := func(db *data.DB) string {
		is, _ := db.Issuer(ctx)
		return booth.KeyID(is.Key.Public().(ed25519.PublicKey))
	}
	if err := hq.RevokeKey(ctx, key(lost), "stolen"); err != nil {
		t.Fatal(err)
	}
	before := stateHash(t, hq)
	for _, tc := range []struct {
		name, file, want string
	}{
		{"a flipped byte", write("flipped.bundle", flipped), "damaged or cut short"},
		{"cut short", write("cut.bundle", body[:len(body)-100]), "damaged or cut short"},
		{"another event's laptop", foreign, "belongs to another event"},
		{"a revoked laptop", fromLost, "whose key was revoked"},
		{"a newer schema", newer, "made by a newer medibooth (schema 99"},
		{"another event id", otherEventID, "belongs to another event"},
		{"a database file", hq.Path, "not a medibooth bundle"},
	} {
		res, err := importFile(hq, tc.file)
		if err == nil || !strings.Contains(booth.ErrorMessage(err), tc.want) || booth.ErrorCode(err) == booth.EINTERNAL {
			t.Errorf("%s: %+v %v; want %q", tc.name, res, err, tc.want)
		}
		if strings.Count(booth.ErrorMessage(err), ". ") != 0 {
			t.Errorf("%s: more than one sentence: %q", tc.name, booth.ErrorMessage(err))
		}
	}
	if after := stateHash(t, hq); after != before {
		t.Fatal("a refused bundle changed HQ")
	}
	if st, _ := hq.SyncStatus(ctx); len(st.Laptops) != 0 {
		t.Fatalf("refused bundles recorded: %+v", st.Laptops)
	}
	noTemps(t, filepath.Dir(hq.Path))
	if _, err := importFile(hq, good); err != nil {
		t.Fatalf("the good bundle after the refusals: %v", err)
	}
}

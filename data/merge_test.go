package data_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// mergeSnap makes a snapshot of db as a laptop's export does (VACUUM INTO
// through a read-only connection of its own, while db stays open).
func mergeSnap(tb testing.TB, db *data.DB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "snapshot.db")
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`VACUUM INTO ?`, path); err != nil {
		tb.Fatal(err)
	}
	return path
}

// mergeCopy opens a copy of db: a second HQ of the same event (same device
// and keys) that can merge the same snapshots in another order.
func mergeCopy(tb testing.TB, db *data.DB) *data.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), data.FileName)
	if err := os.Rename(mergeSnap(tb, db), path); err != nil {
		tb.Fatal(err)
	}
	cp, err := data.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cp.Close() })
	cp.Now = db.Now
	return cp
}

// mergeHQ sets up HQ: the test event, a hospital, and a pre-registered
// visitor every laptop receives with the event package.
func mergeHQ(t *testing.T) (*data.DB, *clock, *booth.Visitor) {
	t.Helper()
	hq, c := MustOpenDB(t)
	MustEvent(t, hq)
	MustHospital(t, hq, "Korea Univ. Anam Hospital", "Health screening", "GI cancers")
	v := &booth.Visitor{Name: "Ольга Щербакова", Phone: "+77011234567", Source: booth.SourcePreRegister, Interests: []string{"GI cancers"}}
	if err := hq.CreateVisitor(context.Background(), v, Agreed()); err != nil {
		t.Fatal(err)
	}
	return hq, c, v
}

// mergeLaptop is a laptop that joined HQ's event, with a clock of its own.
func mergeLaptop(t *testing.T, hq *data.DB, name string) (*data.DB, *clock) {
	t.Helper()
	pkg, err := hq.Package(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p, err := booth.OpenPackage(pkg)
	if err != nil {
		t.Fatal(err)
	}
	db, c := MustOpenDB(t)
	if _, err := db.Join(context.Background(), p, name); err != nil {
		t.Fatal(err)
	}
	return db, c
}

func mustMerge(tb testing.TB, db *data.DB, snaps ...string) data.MergeResult {
	tb.Helper()
	var last data.MergeResult
	for _, s := range snaps {
		var err error
		if last, err = db.MergeSnapshot(context.Background(), s); err != nil {
			tb.Fatalf("merge %s: %v", filepath.Base(filepath.Dir(s)), err)
		}
	}
	return last
}

func mustHash(tb testing.TB, db *data.DB) string {
	tb.Helper()
	h, err := db.StateHash(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func mustEdit(t *testing.T, db *data.DB, id, city string) {
	t.Helper()
	v, err := db.Visitor(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	v.City = city
	if err := db.UpdateVisitor(context.Background(), v); err != nil {
		t.Fatal(err)
	}
}

// mergeBothWays merges a then b into hq, and b then a into a copy of hq
// made before, and returns the visitor as both see it after checking that
// their hashes agree.
func mergeBothWays(t *testing.T, hq *data.DB, id string, a, b string) *booth.Visitor {
	t.Helper()
	other := mergeCopy(t, hq)
	mustMerge(t, hq, a, b)
	mustMerge(t, other, b, a)
	if h1, h2 := mustHash(t, hq), mustHash(t, other); h1 != h2 {
		t.Fatalf("merge orders disagree: %s vs %s", h1, h2)
	}
	if id == "" {
		return nil
	}
	v, err := hq.Visitor(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMergeLastWriterWinsByTime(t *testing.T) {
	hq, _, v := mergeHQ(t)
	a, ca := mergeLaptop(t, hq, "Desk 1")
	b, cb := mergeLaptop(t, hq, "Desk 2")
	ca.t = time.Date(2026, 9, 17, 7, 0, 0, 0, time.UTC)
	cb.t = ca.t.Add(time.Minute)
	mustEdit(t, b, v.ID, "Astana") // later, though merged first below
	mustEdit(t, a, v.ID, "Almaty")
	got := mergeBothWays(t, hq, v.ID, mergeSnap(t, b), mergeSnap(t, a))
	if got.City != "Astana" || got.DeviceID != b.Device().ID {
		t.Fatalf("the later edit lost: %+v", got)
	}
	if found, _ := hq.FindVisitors(context.Background(), "Щербакова", 5); len(found) != 1 || found[0].City != "Astana" {
		t.Fatalf("search after the merge: %+v", found)
	}
}

func TestMergeTieOnTimeGoesToTheGreaterDevice(t *testing.T) {
	hq, _, v := mergeHQ(t)
	a, ca := mergeLaptop(t, hq, "Desk 1")
	b, cb := mergeLaptop(t, hq, "Desk 2")
	ca.t = time.Date(2026, 9, 17, 7, 0, 0, 0, time.UTC)
	cb.t = ca.t
	mustEdit(t, a, v.ID, "Almaty")
	mustEdit(t, b, v.ID, "Astana")
	want, wantCity := a.Device().ID, "Almaty"
	if b.Device().ID > want {
		want, wantCity = b.Device().ID, "Astana"
	}
	got := mergeBothWays(t, hq, v.ID, mergeSnap(t, a), mergeSnap(t, b))
	if got.DeviceID != want || got.City != wantCity {
		t.Fatalf("equal times: want device %s (%s), got %+v", want, wantCity, got)
	}
}

func TestMergeTieOnTimeAndDeviceGoesToSeq(t *testing.T) {
	hq, _, v := mergeHQ(t)
	a, ca := mergeLaptop(t, hq, "Desk 1")
	ca.t = time.Date(2026, 9, 17, 7, 0, 0, 0, time.UTC)
	mustEdit(t, a, v.ID, "Almaty")
	older := mergeSnap(t, a)
	mustEdit(t, a, v.ID, "Shymkent") // the same second, the next sequence number
	newer := mergeSnap(t, a)
	got := mergeBothWays(t, hq, v.ID, newer, older)
	if got.City != "Shymkent" {
		t.Fatalf("equal time and device: the higher sequence lost: %+v", got)
	}
}

func TestMergeIsIdempotent(t *testing.T) {
	ctx := context.Background()
	hq, _, v := mergeHQ(t)
	a, _ := mergeLaptop(t, hq, "Desk 1")
	MustVisitor(t, a, "Дмитрий Ким")
	mustEdit(t, a, v.ID, "Almaty")
	code, _, err := a.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkin(t, a, code)
	snap := mergeSnap(t, a)
	first := mustMerge(t, hq, snap)
	if first.Changed == 0 || first.Rows == 0 || first.Tables["scan"] != 1 || first.Tables["visitor"] != 2 {
		t.Fatalf("first merge: %+v", first)
	}
	h := mustHash(t, hq)
	again := mustMerge(t, hq, snap)
	if again.Changed != 0 || len(again.Tables) != 0 || again.Rows != first.Rows {
		t.Fatalf("merging again changed something: %+v", again)
	}
	if mustHash(t, hq) != h {
		t.Fatal("merging again changed the state hash")
	}
	// Nothing secret came along: no other laptop's badge key, no root key.
	var n int
	if err := hq.QueryRowForTest(`SELECT count(*) FROM device_key WHERE private IS NOT NULL AND device_id <> '` + hq.Device().ID + `'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("private keys of other laptops at HQ: %d %v", n, err)
	}
}

func TestMergeErasureIsNeverUndone(t *testing.T) {
	ctx := context.Background()
	hq, _, _ := mergeHQ(t)
	a, _ := mergeLaptop(t, hq, "Desk 1")
	v := &booth.Visitor{Name: "Айгерим Нурланова", Phone: "+77017654321", Email: "aigerim@example.kz", Interests: []string{"Health screening"}}
	if err := a.CreateVisitor(ctx, v, Agreed()); err != nil {
		t.Fatal(err)
	}
	code, _, err := a.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkin(t, a, code)
	if _, err := a.LogPrint(ctx, v.ID, "png", "/home/desk/badges/aigerim.png", false); err != nil {
		t.Fatal(err)
	}
	h, err := a.FindOrg(ctx, "Anam")
	if err != nil {
		t.Fatal(err)
	}
	// A consultation with a sealed note (as AddConsultation writes it).
	if _, err := rawExec(t, a, `INSERT INTO consultation (id, visitor_id, org_id, department, at, day, follow_up_by, sealed,
		created_at, updated_at, device_id, seq) VALUES ('k1', ?, ?, 'GI cancers', '2026-09-17T05:00:00.000Z', '2026-09-17',
		'Dr Park', X'a5a5a5', '2026-09-17T05:00:00.000Z', '2026-09-17T05:00:00.000Z', ?, 900)`, v.ID, h.ID, a.Device().ID); err != nil {
		t.Fatal(err)
	}
	before := mergeSnap(t, a)
	if err := a.EraseVisitor(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	after := mergeSnap(t, a)

	// HQ first sees everything, then the erasure, then the old file again.
	other := mergeCopy(t, hq)
	mustMerge(t, hq, before, after, before)
	mustMerge(t, other, after, before)
	if h1, h2 := mustHash(t, hq), mustHash(t, other); h1 != h2 {
		t.Fatal("erasure: merge orders disagree")
	}
	for _, db := range []*data.DB{hq, other} {
		got, err := db.Visitor(ctx, v.ID)
		if err != nil || !got.Erased || got.Name != "" || got.Phone != "" || got.Email != "" || got.Code != "" || len(got.Interests) != 0 {
			t.Fatalf("the erased visitor came back: %+v %v", got, err)
		}
		for _, q := range []string{"Нурланова", "aigerim", "7654321", "aigerim@example.kz"} {
			if found, _ := db.FindVisitors(ctx, q, 5); len(found) != 0 {
				t.Fatalf("%q still finds the erased visitor: %+v", q, found)
			}
		}
		var left int
		err = db.QueryRowForTest(`SELECT (SELECT count(*) FROM scan WHERE visitor_id = '` + v.ID + `' AND (raw <> X'' OR code <> ''))
			+ (SELECT count(*) FROM badge_print WHERE visitor_id = '` + v.ID + `' AND target <> '')
			+ (SELECT count(*) FROM visitor_term WHERE visitor_id = '` + v.ID + `')
			+ (SELECT count(*) FROM consultation WHERE visitor_id = '` + v.ID + `' AND (sealed IS NOT NULL OR follow_up_by <> ''))`).Scan(&left)
		if err != nil || left != 0 {
			t.Fatalf("personal data of the erased visitor left: %d %v", left, err)
		}
		if scans, _ := db.VisitorScans(ctx, v.ID); len(scans) != 1 {
			t.Fatalf("the erased visitor's scan is not counted: %+v", scans)
		}
		if n, err := db.ConsultationCount(ctx, v.ID); err != nil || n != 1 {
			t.Fatalf("the erased visitor's consultation is not counted: %d %v", n, err)
		}
	}
}

func TestMergeBadgeStubLosesToTheRegistration(t *testing.T) {
	ctx := context.Background()
	hq, _, _ := mergeHQ(t)
	a, ca := mergeLaptop(t, hq, "Desk 1")
	b, cb := mergeLaptop(t, hq, "Desk 2")
	ca.t = time.Date(2026, 9, 17, 6, 0, 0, 0, time.UTC)
	cb.t = ca.t.Add(3 * time.Hour) // the stub is newer
	v := &booth.Visitor{Name: "Ерболат Омаров", Phone: "+77019998877", City: "Almaty"}
	if err := a.CreateVisitor(ctx, v, Agreed()); err != nil {
		t.Fatal(err)
	}
	code, _, err := a.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkin(t, b, code)
	if stub, err := b.Visitor(ctx, v.ID); err != nil || stub.Source != booth.SourceBadge {
		t.Fatalf("no badge stub on the second laptop: %+v %v", stub, err)
	}
	got := mergeBothWays(t, hq, v.ID, mergeSnap(t, b), mergeSnap(t, a))
	if got.Source == booth.SourceBadge || got.Phone != v.Phone || got.City != "Almaty" || got.Code != v.Code {
		t.Fatalf("the badge stub beat the registration: %+v", got)
	}
	if found, _ := hq.FindVisitors(ctx, "9998877", 5); len(found) != 1 {
		t.Fatalf("the registration's phone is not searchable: %+v", found)
	}
}

// Two laptops each add the agency "Silk Road Travel" to the directory at a
// meeting: HQ keeps one agency (the smaller id), with both meetings.
func TestMergeAgencyAddedOnTwoLaptops(t *testing.T) {
	ctx := context.Background()
	hq, _, _ := mergeHQ(t)
	firm := &booth.Org{Kind: booth.OrgFirm, Name: "Seoul Medical Tour"}
	if err := hq.CreateOrg(ctx, firm); err != nil {
		t.Fatal(err)
	}
	a, ca := mergeLaptop(t, hq, "Desk 1")
	b, cb := mergeLaptop(t, hq, "Desk 2")
	cb.t = ca.t.Add(time.Hour)
	mustMeeting(t, a, booth.Meeting{FirmID: firm.ID, Agency: "Silk Road Travel", City: "Almaty"})
	mustMeeting(t, b, booth.Meeting{FirmID: firm.ID, Agency: "silk road  travel", Contact: "+7 701 555 0000"})
	mergeBothWays(t, hq, "", mergeSnap(t, a), mergeSnap(t, b))
	agencies, err := hq.Agencies(ctx, "silk", 0)
	if err != nil || len(agencies) != 1 {
		t.Fatalf("agencies at HQ: %+v %v", agencies, err)
	}
	ms, err := hq.Meetings(ctx, "")
	if err != nil || len(ms) != 2 || ms[0].AgencyID != ms[1].AgencyID || ms[0].AgencyID != agencies[0].ID {
		t.Fatalf("meetings at HQ: %+v %v", ms, err)
	}
	// The later directory entry (Desk 2's) gives the contact.
	if ms[0].Contact != "+7 701 555 0000" {
		t.Fatalf("agency info: %+v", ms[0])
	}
	var orgs int
	if err := hq.QueryRowForTest(`SELECT count(*) FROM org WHERE kind = 'agency'`).Scan(&orgs); err != nil || orgs != 1 {
		t.Fatalf("%d agencies stored, %v", orgs, err)
	}
}

// mergeRaw changes a snapshot file through a connection of its own.
func mergeRaw(tb testing.TB, path string, queries ...string) {
	tb.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(0)")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	for _, q := range queries {
		if _, err := raw.Exec(q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
}

func mergeCopyFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	out := filepath.Join(tb.TempDir(), "snapshot.db")
	if err := os.WriteFile(out, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestMergeRefuses(t *testing.T) {
	ctx := context.Background()
	hq, _, _ := mergeHQ(t)
	a, _ := mergeLaptop(t, hq, "Desk 1")
	MustVisitor(t, a, "Сергей Пак")
	good := mergeSnap(t, a)
	mustMerge(t, hq, good)
	want := mustHash(t, hq)

	stranger, _ := MustOpenDB(t)
	MustEvent(t, stranger) // the same name, another event
	noEvent, _ := MustOpenDB(t)
	dir := t.TempDir()
	file := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	whole, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	newer := mergeCopyFile(t, good)
	mergeRaw(t, newer, `PRAGMA user_version = 99`)
	foreignFK := mergeCopyFile(t, good)
	mergeRaw(t, foreignFK, `INSERT INTO consent (id, visitor_id, purpose, granted, text_version, text_hash, lang, at, created_at, device_id, seq)
		VALUES ('c-x', 'no-such-visitor', 'contact', 1, 't', 't', 'en', '2026-09-17T05:00:00.000Z', '2026-09-17T05:00:00.000Z', '`+a.Device().ID+`', 999)`)
	otherKeys := mergeCopyFile(t, good)
	mergeRaw(t, otherKeys, `UPDATE event_key SET root_public = zeroblob(32)`)
	noColumn := mergeCopyFile(t, good)
	mergeRaw(t, noColumn, `ALTER TABLE consent DROP COLUMN text_hash`)
	otherApp := file("other.db", nil)
	mergeRaw(t, otherApp, `CREATE TABLE notes (x TEXT)`)
	damaged := mergeCopyFile(t, good)
	mergeCorrupt(t, damaged, "visitor_name_year")
	badRow := mergeCopyFile(t, good)
	mergeRaw(t, badRow, `PRAGMA ignore_check_constraints = ON`, `UPDATE visitor SET type = 'alien', updated_at = '2026-09-18T00:00:00.000Z' WHERE source = 'walk-in'`)

	for _, c := range []struct {
		name, path, code, words string
		db                      *data.DB
	}{
		{"another event", mergeSnap(t, stranger), booth.ECONFLICT, "another event", hq},
		{"no event at HQ", good, booth.ECONFLICT, "no event yet", noEvent},
		{"no event in the snapshot", mergeSnap(t, noEvent), booth.EINVALID, "holds no event", hq},
		{"newer schema", newer, booth.EINVALID, "newer medibooth", hq},
		{"garbage", file("garbage.db", []byte(strings.Repeat("not a database\n", 500))), booth.EINVALID, "not a SQLite database", hq},
		{"empty", file("empty.db", nil), booth.EINVALID, "not a SQLite database", hq},
		{"missing", filepath.Join(dir, "missing.db"), booth.EINVALID, "cannot be read", hq},
		{"truncated", file("truncated.db", whole[:len(whole)/2]), booth.EINVALID, "truncated", hq},
		{"damaged", damaged, booth.EINVALID, "damaged", hq},
		{"another program", otherApp, booth.EINVALID, "another program", hq},
		{"broken foreign key", foreignFK, booth.EINVALID, "do not fit together", hq},
		{"other badge keys", otherKeys, booth.ECONFLICT, "other badge keys", hq},
		{"a column missing", noColumn, booth.EINVALID, "lacks its column text_hash", hq},
		{"a row breaking a rule", badRow, booth.EINVALID, "CHECK constraint failed", hq},
		{"its own file", hq.Path, booth.EINVALID, "own file", hq},
	} {
		before := mustHash(t, c.db)
		_, err := c.db.MergeSnapshot(ctx, c.path)
		msg := booth.ErrorMessage(err)
		if booth.ErrorCode(err) != c.code || !strings.Contains(msg, c.words) {
			t.Errorf("%s: want %s %q, got %v", c.name, c.code, c.words, err)
		}
		if strings.Contains(msg, "\n") || !strings.HasSuffix(msg, ".") || strings.Contains(strings.TrimSuffix(msg, "."), ". ") {
			t.Errorf("%s: not one sentence: %q", c.name, msg)
		}
		if mustHash(t, c.db) != before {
			t.Errorf("%s: the refused snapshot changed the database", c.name)
		}
	}
	if mustHash(t, hq) != want {
		t.Fatal("refusals changed HQ")
	}
	// The writer connection is sound after the refusals: a good snapshot
	// still merges, changing nothing.
	if res := mustMerge(t, hq, good); res.Changed != 0 {
		t.Fatalf("after the refusals: %+v", res)
	}
	MustVisitor(t, hq, "Анна Ли")
}

// The merge borrows HQ's writer connection: what it changes there is put
// back, and HQ's own next edit sorts after every row of its device a
// laptop brought back (copies from the event package carry HQ's device).
func TestMergeLeavesTheConnectionAsItWas(t *testing.T) {
	ctx := context.Background()
	hq, _, v := mergeHQ(t)
	a, _ := mergeLaptop(t, hq, "Desk 1")
	for _, name := range []string{"Елена Морозова", "Андрей Лебедев", "Ирина Соколова", "Алексей Волков"} {
		MustVisitor(t, a, name)
	}
	// The laptop joins again after HQ pre-registered one more visitor: its
	// copy carries HQ's device id and the laptop's (higher) sequence.
	late := &booth.Visitor{Name: "Светлана Ли", Source: booth.SourcePreRegister}
	if err := hq.CreateVisitor(ctx, late, Agreed()); err != nil {
		t.Fatal(err)
	}
	pkg, err := hq.Package(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := booth.OpenPackage(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Join(ctx, p, ""); err != nil {
		t.Fatal(err)
	}
	var trusted, cache int
	pragmas := func() (int, int) {
		t.Helper()
		if err := hq.QueryRowForTest(`SELECT (SELECT trusted_schema FROM pragma_trusted_schema), (SELECT cache_size FROM pragma_cache_size)`).Scan(&trusted, &cache); err != nil {
			t.Fatal(err)
		}
		return trusted, cache
	}
	top := func() (n int64) {
		t.Helper()
		dev := "'" + hq.Device().ID + "'"
		if err := hq.QueryRowForTest(`SELECT max(seq) FROM (SELECT seq FROM visitor WHERE device_id = ` + dev + `
			UNION ALL SELECT seq FROM consent WHERE device_id = ` + dev + ` UNION ALL SELECT seq FROM org WHERE device_id = ` + dev + `)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := top()
	t0, c0 := pragmas()
	mustMerge(t, hq, mergeSnap(t, a))
	if top() <= before {
		t.Fatal("the laptop brought no copy of HQ's rows with a higher sequence number: the test shows nothing")
	}
	if t1, c1 := pragmas(); t1 != t0 || c1 != c0 {
		t.Fatalf("trusted_schema %d → %d, cache_size %d → %d", t0, t1, c0, c1)
	}
	var dbs int
	if err := hq.QueryRowForTest(`SELECT count(*) FROM pragma_database_list WHERE name = 's'`).Scan(&dbs); err != nil || dbs != 0 {
		t.Fatalf("the snapshot is still attached (%d), %v", dbs, err)
	}
	mustEdit(t, hq, v.ID, "Taraz")
	var mine int64
	if err := hq.QueryRowForTest(`SELECT seq FROM visitor WHERE id = '` + v.ID + `'`).Scan(&mine); err != nil || mine != top() {
		t.Fatalf("HQ's edit has seq %d, its device's highest is %d (%v)", mine, top(), err)
	}
}

// StateHash covers what is merged and nothing that is not: local tables,
// the audit log and private keys do not change it.
func TestStateHashCoversMergedTablesOnly(t *testing.T) {
	ctx := context.Background()
	hq, _, v := mergeHQ(t)
	h := mustHash(t, hq)
	if err := hq.Audit(ctx, data.AuditExport, "test", ""); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`INSERT INTO bundle_import (hash, device_id, made_at, imported_at) VALUES ('x', 'd', 't', 't')`,
		`UPDATE device_key SET private = zeroblob(64)`, `INSERT INTO local (key, value) VALUES ('test', 'x')`} {
		if _, err := rawExec(t, hq, q); err != nil {
			t.Fatal(err)
		}
	}
	if mustHash(t, hq) != h {
		t.Fatal("a local change changed the state hash")
	}
	mustEdit(t, hq, v.ID, "Turkistan")
	if mustHash(t, hq) == h {
		t.Fatal("an edit left the state hash as it was")
	}
}

// mergeCorrupt breaks the b-tree page of an index in a database file, so
// that only SQLite's integrity check notices.
func mergeCorrupt(tb testing.TB, path, index string) {
	tb.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	var root, pageSize int64
	err = raw.QueryRow(`SELECT (SELECT rootpage FROM sqlite_schema WHERE name = ?), (SELECT page_size FROM pragma_page_size)`, index).Scan(&root, &pageSize)
	raw.Close()
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	// A page of an index that claims to be a page of a table.
	if _, err := f.WriteAt([]byte{0x0D}, (root-1)*pageSize); err != nil {
		tb.Fatal(err)
	}
}

func TestMergeOlderSnapshotAndUnknownColumns(t *testing.T) {
	ctx := context.Background()
	hq, _, _ := mergeHQ(t)
	a, _ := mergeLaptop(t, hq, "Desk 1")
	v := MustVisitor(t, a, "Наталья Цой")
	snap := mergeSnap(t, a)
	// As a medibooth of schema 4 would have written it, with a column a
	// later one added.
	mergeRaw(t, snap, `ALTER TABLE visitor DROP COLUMN badge_key`, `ALTER TABLE visitor DROP COLUMN messenger`,
		`DROP TABLE meeting`, `DROP TABLE agency_info`, `ALTER TABLE scan ADD COLUMN future TEXT NOT NULL DEFAULT 'x'`,
		`CREATE TABLE future_table (id TEXT PRIMARY KEY)`, `PRAGMA user_version = 4`)
	res := mustMerge(t, hq, snap)
	if res.Tables["visitor"] != 1 {
		t.Fatalf("older snapshot: %+v", res)
	}
	got, err := hq.Visitor(ctx, v.ID)
	if err != nil || got.Name != v.Name || got.Messenger != "" {
		t.Fatalf("visitor from an older snapshot: %+v %v", got, err)
	}
}

// Badge numbers are random: two laptops may give two visitors the same one.
// The smaller id keeps it, the other gets "#id" appended, and it comes back
// when the first is erased.
func TestMergeSharedBadgeNumber(t *testing.T) {
	ctx := context.Background()
	hq, _, _ := mergeHQ(t)
	a, _ := mergeLaptop(t, hq, "Desk 1")
	b, _ := mergeLaptop(t, hq, "Desk 2")
	va := MustVisitor(t, a, "Юрий Волков")
	vb := MustVisitor(t, b, "Татьяна Попова")
	if _, err := rawExec(t, b, `UPDATE visitor SET code = ? WHERE id = ?`, va.Code, vb.ID); err != nil {
		t.Fatal(err)
	}
	first, second := va, vb
	if vb.ID < va.ID {
		first, second = vb, va
	}
	fresh := mergeCopy(t, hq)
	snapA, snapB := mergeSnap(t, a), mergeSnap(t, b)
	mergeBothWays(t, hq, "", snapA, snapB)
	if got, _ := hq.Visitor(ctx, first.ID); got.Code != va.Code {
		t.Fatalf("the smaller id lost its number: %+v", got)
	}
	if got, _ := hq.Visitor(ctx, second.ID); got.Code != va.Code+"#"+second.ID {
		t.Fatalf("the other visitor's number: %+v", got)
	}
	owner := a
	if first == vb {
		owner = b
	}
	if err := owner.EraseVisitor(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	erased := mergeSnap(t, owner)
	mustMerge(t, hq, erased)
	if got, _ := hq.Visitor(ctx, second.ID); got.Code != va.Code {
		t.Fatalf("the number did not pass on after the erasure: %+v", got)
	}
	mustMerge(t, fresh, erased, snapB, snapA)
	if mustHash(t, fresh) != mustHash(t, hq) {
		t.Fatal("shared badge number: merge orders disagree")
	}
}

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

// joined returns a second laptop that joined hq's event from its package.
func joined(t testing.TB, hq *data.DB, name string) *data.DB {
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
	c.t = time.Date(2026, 9, 17, 6, 0, 0, 0, time.UTC)
	res, err := db.Join(context.Background(), p, name)
	if err != nil {
		t.Fatal(err)
	}
	if res.Device != name || res.KeyID == "" {
		t.Fatalf("join: %+v", res)
	}
	return db
}

func TestBadgeAdmittedOnALaptopThatNeverSawTheVisitor(t *testing.T) {
	ctx := context.Background()
	hq, _ := MustOpenDB(t)
	ev := MustEvent(t, hq)
	if err := hq.CreateOrg(ctx, &booth.Org{Kind: booth.OrgHospital, Name: "Seoul Clinic", Departments: []booth.Department{{Name: "Cardiology"}}}); err != nil {
		t.Fatal(err)
	}
	v := MustVisitor(t, hq, "Әйгерім Қалиева")
	code, _, err := hq.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}

	b := joined(t, hq, "Desk 2")
	if got, err := b.Event(ctx); err != nil || got.ID != ev.ID {
		t.Fatalf("joined event: %+v %v", got, err)
	}
	if orgs, _ := b.Orgs(ctx, ""); len(orgs) != 1 || len(orgs[0].Departments) != 1 {
		t.Fatalf("joined orgs: %+v", orgs)
	}
	if _, err := b.Package(ctx); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Fatalf("a joined laptop made a package: %v", err)
	}

	// Typed through the Kazakh layout with Caps Lock, as a scanner would.
	typed := strings.ToUpper(booth.Layouts[3].Type(code))
	s := checkin(t, b, typed+"\r")
	if s.Decision != booth.Admitted || s.VisitorID != v.ID || s.VisitorName != v.Name || s.VisitorType != booth.TypePatient {
		t.Fatalf("badge scan on the second laptop: %+v", s)
	}
	s, err = b.Checkin(ctx, booth.CheckinRequest{Raw: code + "\t"}) // a deliberate second scan, not a double send
	if err != nil || s.Decision != booth.Duplicate {
		t.Fatalf("second scan: %+v", s)
	}
	stub, err := b.Visitor(ctx, v.ID)
	if err != nil || stub.Source != booth.SourceBadge || stub.Name != v.Name || stub.NameLatin == "" {
		t.Fatalf("visitor known from the badge: %+v %v", stub, err)
	}
	if found, _ := b.FindVisitors(ctx, "aigerim", 10); len(found) != 1 || found[0].ID != v.ID {
		t.Fatalf("search on the second laptop: %+v", found)
	}

	// The second laptop issues badges of its own, which the first admits.
	w := MustVisitor(t, b, "김민준")
	code2, _, err := b.BadgeCode(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := checkin(t, hq, code2); s.Decision != booth.Admitted || s.VisitorName != "김민준" {
		t.Fatalf("second laptop's badge at HQ: %+v", s)
	}

	// A laptop of another event refuses both, saying why.
	other, _ := MustOpenDB(t)
	MustEvent(t, other)
	if s := checkin(t, other, code); s.Decision != booth.Rejected || s.Reason != booth.ReasonOtherEvent {
		t.Fatalf("other event: %+v", s)
	}

	// The first laptop is lost: its key is revoked on the second, and its
	// badges are refused there from then on.
	keys, err := hq.DeviceKeys(ctx)
	if err != nil || len(keys) != 1 || !keys[0].Own {
		t.Fatalf("hq keys: %+v %v", keys, err)
	}
	if err := b.RevokeKey(ctx, keys[0].KeyID, "laptop stolen"); err != nil {
		t.Fatal(err)
	}
	x := MustVisitor(t, hq, "Aigerim Nurlanova")
	code3, _, _ := hq.BadgeCode(ctx, x.ID)
	if s := checkin(t, b, code3); s.Decision != booth.Rejected || s.Reason != booth.ReasonRevoked {
		t.Fatalf("revoked key: %+v", s)
	}
	// A damaged badge: one digit changed; the check digit tells.
	damaged := []byte(code2)
	damaged[30] = '0' + (damaged[30]-'0'+3)%10
	if s := checkin(t, hq, string(damaged)); s.Decision != booth.Rejected || s.Reason != booth.ReasonDamaged {
		t.Fatalf("damaged: %+v", s)
	}
}

func TestJoinRefuses(t *testing.T) {
	ctx := context.Background()
	hq, _ := MustOpenDB(t)
	MustEvent(t, hq)
	pkg, err := hq.Package(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Tampered: the city changed inside the signed payload.
	tampered := strings.Replace(string(pkg), `"payload": "`, `"payload": "eyJ`, 1)
	for name, b := range map[string][]byte{
		"tampered":  []byte(tampered),
		"not json":  []byte("hello"),
		"empty":     nil,
		"truncated": pkg[:len(pkg)/2],
	} {
		if _, err := booth.OpenPackage(b); booth.ErrorCode(err) != booth.EINVALID {
			t.Errorf("%s package: %v", name, err)
		}
	}
	// A laptop of another event cannot join this one.
	other, _ := MustOpenDB(t)
	e := &booth.Event{Name: "Astana Fair", City: "Astana", Country: "KZ", Start: "2026-10-01", End: "2026-10-02"}
	if err := other.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	p, _ := booth.OpenPackage(pkg)
	if _, err := other.Join(ctx, p, ""); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Fatalf("joined a second event: %v", err)
	}
	// Joining twice is harmless and keeps the laptop's key.
	b := joined(t, hq, "Desk 2")
	k1, _ := b.DeviceKeys(ctx)
	if _, err := b.Join(ctx, p, ""); err != nil {
		t.Fatal(err)
	}
	k2, _ := b.DeviceKeys(ctx)
	if len(k1) != 1 || len(k2) != 1 || k1[0].KeyID != k2[0].KeyID {
		t.Fatalf("keys after joining twice: %+v %+v", k1, k2)
	}
}

// A joined laptop never stores the event's root key: a lost laptop cannot
// certify new keys.
func TestJoinedLaptopHoldsNoRootKey(t *testing.T) {
	hq, _ := MustOpenDB(t)
	MustEvent(t, hq)
	b := joined(t, hq, "Desk 2")
	b.Close()
	raw, err := sql.Open("sqlite", "file:"+b.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM event_key WHERE root_private IS NOT NULL`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("root keys stored on a joined laptop: %d %v", n, err)
	}
}

func TestPrintLog(t *testing.T) {
	ctx := context.Background()
	db, c := MustOpenDB(t)
	MustEvent(t, db)
	v := MustVisitor(t, db, "Ли")
	if _, err := db.LogPrint(ctx, v.ID, "label", "", true); err != nil {
		t.Fatal(err) // a first print asked as a reprint is simply a print
	}
	c.advance(time.Minute)
	if _, err := db.LogPrint(ctx, v.ID, "label", "", false); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Fatalf("second print without asking: %v", err)
	}
	p, err := db.LogPrint(ctx, v.ID, "sheet", "office", true)
	if err != nil || !p.Reprint {
		t.Fatalf("reprint: %+v %v", p, err)
	}
	if _, err := db.LogPrint(ctx, v.ID, "png", "/tmp/x.png", false); err != nil {
		t.Fatalf("saving an image is not a print: %v", err)
	}
	ps, _ := db.Prints(ctx, v.ID)
	if len(ps) != 3 || ps[0].Reprint || !ps[1].Reprint {
		t.Fatalf("print log: %+v", ps)
	}
	if _, err := db.LogPrint(ctx, booth.NewID(), "label", "", false); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("unknown visitor: %v", err)
	}
}

// A database of schema 1 with visitors, consents and scans opens under
// schema 2 with everything kept and every foreign key intact.
func TestMigrateFromSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), data.FileName)
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	schema1, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	now := "2026-09-17T05:00:00.000Z"
	for _, q := range []string{string(schema1), `PRAGMA application_id = 1296192584; PRAGMA user_version = 1`,
		`INSERT INTO local VALUES ('device_id', 'd1')`,
		`INSERT INTO device VALUES ('d1', 'Desk 1', '` + now + `')`,
		`INSERT INTO event VALUES ('e1', 'Fair', 'Almaty', 'KZ', '2026-09-17', '2026-09-18', 'Asia/Almaty', '` + now + `', '` + now + `', 'd1', 1)`,
		`INSERT INTO visitor (id, code, name, name_latin, type, lang, source, created_at, updated_at, device_id, seq)
			VALUES ('v1', '1000000000001', 'Айгерим', 'Aigerim', 'patient', 'ru', 'walk-in', '` + now + `', '` + now + `', 'd1', 2)`,
		`INSERT INTO visitor_term VALUES ('aigerim', 'v1')`,
		`INSERT INTO consent (id, visitor_id, purpose, granted, text_version, text_hash, lang, at, created_at, device_id, seq)
			VALUES ('c1', 'v1', 'contact', 1, '2026-1', 'h', 'ru', '` + now + `', '` + now + `', 'd1', 3)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db, err := data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	v, err := db.Visitor(ctx, "v1")
	if err != nil || v.Code != "1000000000001" || v.Name != "Айгерим" {
		t.Fatalf("visitor after migration: %+v %v", v, err)
	}
	if cs, err := db.Consents(ctx, "v1"); err != nil || len(cs) != 1 {
		t.Fatalf("consents after migration: %+v %v", cs, err)
	}
	var terms int
	if err := db.QueryRowForTest(`SELECT count(*) FROM visitor_term WHERE visitor_id = 'v1'`).Scan(&terms); err != nil || terms != 1 {
		t.Fatalf("search terms after migration: %d %v", terms, err)
	}
	var fk int
	var version int
	if err := db.QueryRowForTest(`SELECT (SELECT count(*) FROM pragma_foreign_key_check), (SELECT user_version FROM pragma_user_version), (SELECT foreign_keys FROM pragma_foreign_keys)`).Scan(&fk, &version, new(int)); err != nil || fk != 0 || version != len(migrationNames(t)) {
		t.Fatalf("after migration: %d broken keys, version %d, %v", fk, version, err)
	}
}

// A badge typed on the Kazakh layout is kept whole in the scan's raw input.
func TestBadgeScanKeepsWholeRawInput(t *testing.T) {
	ctx := context.Background()
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	v := MustVisitor(t, db, "Ли")
	code, _, err := db.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	typed := booth.Layouts[3].Type(code)
	s := checkin(t, db, typed+"\r")
	stored, err := db.RecentScans(ctx, 1)
	if err != nil || len(stored) != 1 {
		t.Fatal(err)
	}
	if s.Decision != booth.Admitted || stored[0].Raw != typed || stored[0].Code != code {
		t.Fatalf("raw of %d bytes stored as %d bytes, decision %s", len(typed), len(stored[0].Raw), s.Decision)
	}
}

// migrationNames lists the embedded migrations, to know the newest version.
func migrationNames(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(names) < 2 {
		t.Fatalf("migrations: %v %v", names, err)
	}
	return names
}

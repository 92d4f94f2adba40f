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

	_ "modernc.org/sqlite"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// MustOpenDB opens a database in a temp dir with a clock set to 10:00 in
// Almaty on the first day of the test event.
func MustOpenDB(tb testing.TB) (*data.DB, *clock) {
	tb.Helper()
	db, err := data.Open(filepath.Join(tb.TempDir(), data.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	c := &clock{t: time.Date(2026, 9, 17, 5, 0, 0, 0, time.UTC)} // 10:00 Asia/Almaty (UTC+5)
	db.Now = c.now
	return db, c
}

// MustEvent sets up the test event.
func MustEvent(tb testing.TB, db *data.DB) *booth.Event {
	tb.Helper()
	e := &booth.Event{Name: "Almaty Health Consultation", City: "Almaty", Country: "kz", Start: "2026-09-17", End: "2026-09-18", TimeZone: "Asia/Almaty"}
	if err := db.CreateEvent(context.Background(), e); err != nil {
		tb.Fatal(err)
	}
	return e
}

// Agreed is the consent every registration needs: collection and contact.
func Agreed() []booth.Consent {
	return []booth.Consent{{Purpose: booth.PurposeContact, Granted: true, TextVersion: "test", TextHash: "test", Lang: "en"}}
}

// MustVisitor registers a visitor.
func MustVisitor(tb testing.TB, db *data.DB, name string) *booth.Visitor {
	tb.Helper()
	v := &booth.Visitor{Name: name}
	if err := db.CreateVisitor(context.Background(), v, Agreed()); err != nil {
		tb.Fatal(err)
	}
	return v
}

func TestOpenSetsPragmas(t *testing.T) {
	db, _ := MustOpenDB(t)
	raw, err := sql.Open("sqlite", db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var mode string
	var appID, version int
	if err := raw.QueryRow(`SELECT (SELECT journal_mode FROM pragma_journal_mode), (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version)`).Scan(&mode, &appID, &version); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || appID != data.ApplicationID || version < 1 {
		t.Fatalf("journal_mode=%s application_id=%x user_version=%d", mode, appID, version)
	}
	if db.Device().ID == "" || db.Device().Name == "" {
		t.Fatalf("device not set up: %+v", db.Device())
	}
}

func TestReopenKeepsDevice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	id := db.Device().ID
	db.Close()
	db, err = data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Device().ID != id {
		t.Fatalf("device id changed on reopen: %s → %s", id, db.Device().ID)
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello, this is not a database at all, but it is long enough to have a header of a hundred bytes......"), 0o600)

	other := filepath.Join(dir, "other.db")
	o, _ := sql.Open("sqlite", other)
	if _, err := o.Exec(`CREATE TABLE t (x); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	o.Close()

	newer := filepath.Join(dir, "newer.db")
	n, _ := sql.Open("sqlite", newer)
	if _, err := n.Exec(`PRAGMA application_id = 1296192584; CREATE TABLE t (x); PRAGMA user_version = 9999`); err != nil {
		t.Fatal(err)
	}
	n.Close()

	for _, tc := range []struct{ path, want string }{
		{text, "is not a medibooth database"},
		{other, "another program"},
		{newer, "newer medibooth"},
	} {
		before, _ := os.ReadFile(tc.path)
		_, err := data.Open(tc.path)
		if err == nil || booth.ErrorCode(err) != booth.EINVALID || !strings.Contains(booth.ErrorMessage(err), tc.want) {
			t.Errorf("%s: got %v, want a message with %q", filepath.Base(tc.path), err, tc.want)
		}
		after, _ := os.ReadFile(tc.path)
		if string(before) != string(after) {
			t.Errorf("%s was changed by the refused open", filepath.Base(tc.path))
		}
		if _, err := os.Stat(tc.path + "-wal"); err == nil {
			t.Errorf("%s got a WAL file", filepath.Base(tc.path))
		}
	}
}

func TestEventOnlyOnce(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	if _, err := db.Event(ctx); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("event before set-up: %v", err)
	}
	MustEvent(t, db)
	ev, err := db.Event(ctx)
	if err != nil || ev.Country != "KZ" || ev.TimeZone != "Asia/Almaty" {
		t.Fatalf("event: %+v %v", ev, err)
	}
	err = db.CreateEvent(ctx, &booth.Event{Name: "KITF", City: "Almaty", Country: "KZ", Start: "2026-04-01", End: "2026-04-03"})
	if booth.ErrorCode(err) != booth.ECONFLICT {
		t.Fatalf("second event: %v", err)
	}
}

func TestEventValidation(t *testing.T) {
	db, _ := MustOpenDB(t)
	for _, e := range []booth.Event{
		{City: "Almaty", Country: "KZ", Start: "2026-09-17", End: "2026-09-18"},
		{Name: "x", City: "Almaty", Country: "Kazakhstan", Start: "2026-09-17", End: "2026-09-18"},
		{Name: "x", City: "Almaty", Country: "KZ", Start: "17.09.2026", End: "2026-09-18"},
		{Name: "x", City: "Almaty", Country: "KZ", Start: "2026-09-18", End: "2026-09-17"},
		{Name: "x", City: "Almaty", Country: "KZ", Start: "2026-09-17", End: "2026-09-18", TimeZone: "Mars/Olympus"},
	} {
		if err := db.CreateEvent(context.Background(), &e); booth.ErrorCode(err) != booth.EINVALID {
			t.Errorf("%+v: got %v, want invalid", e, err)
		}
	}
}

func TestOrgs(t *testing.T) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	o := &booth.Org{Kind: booth.OrgHospital, Name: "Korea Univ. Anam Hospital",
		Departments: []booth.Department{{Name: "GI cancers"}, {Name: "Post-COVID care"}}}
	if err := db.CreateOrg(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOrg(ctx, &booth.Org{Kind: booth.OrgHospital, Name: "korea univ. anam hospital"}); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Fatalf("same name twice: %v", err)
	}
	if err := db.CreateOrg(ctx, &booth.Org{Kind: booth.OrgAgency, Name: "Шёлковый путь"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindOrg(ctx, "ШЁЛКОВЫЙ ПУТЬ")
	if err != nil || got.Kind != booth.OrgAgency {
		t.Fatalf("find by Cyrillic name in other case: %+v %v", got, err)
	}
	h, err := db.FindOrg(ctx, o.ID)
	if err != nil || len(h.Departments) != 2 {
		t.Fatalf("find by id: %+v %v", h, err)
	}
	if _, err := db.FindOrg(ctx, "Nowhere"); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("missing org: %v", err)
	}
}

package ui

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
	"medibooth/data"
)

// joinedApp is a new laptop set up through the first-run screen from HQ's
// event package, then signed in as the admin (whose PIN came in the
// package).
func joinedApp(t *testing.T, pkg []byte, name string) (*App, *data.DB) {
	t.Helper()
	db := openStore(t)
	db.Now = func() time.Time { return eventTime }
	join := func(ctx context.Context, file []byte, name string) error {
		p, err := booth.OpenPackage(file)
		if err != nil {
			return err
		}
		_, err = db.Join(ctx, p, name)
		return err
	}
	var u *App
	act(func() {
		u = Create(test.NewTempApp(t), Config{Store: db, JoinEvent: join, DeviceName: "", Now: func() time.Time { return eventTime }})
		test.Type(u.setup.laptop, name)
		u.setup.join(pkg)
	})
	t.Cleanup(func() { stopScreens(u) })
	signInAs(t, u, "Admin", testPIN)
	eventually(t, name+"'s desk", func() bool { return u.desk != nil })
	return u, db
}

// syncExport makes a bundle through the Sync screen.
func syncExport(t *testing.T, u *App, out string) {
	t.Helper()
	act(u.showSync)
	act(func() { u.sync.exportTo(out) })
	eventually(t, "the bundle "+out, func() bool { return strings.Contains(u.sync.status.Text, out) })
	act(u.showDesk)
}

// syncImport imports bundles one by one through HQ's Sync screen and
// returns what the screen said of each.
func syncImport(t *testing.T, u *App, files ...string) []string {
	t.Helper()
	act(u.showSync)
	var said []string
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		act(func() {
			u.sync.status.SetText("")
			u.sync.importFrom(name, r)
		})
		eventually(t, "the import of "+name, func() bool {
			return strings.Contains(u.sync.status.Text, name) && u.sync.status.Importance == widget.SuccessImportance
		})
		act(func() { said = append(said, u.sync.status.Text) })
	}
	return said
}

func reportJSON(t *testing.T, db *data.DB) string {
	t.Helper()
	r, err := db.Report(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	r.GeneratedAt = time.Time{}
	b, _ := json.Marshal(r)
	return string(b)
}

// The end-to-end run from the GUI: HQ packages the event; three laptops
// join through the first-run screen, check visitors in at the desk (one
// visitor at two laptops) and export through the Sync screen; two HQs import
// the bundles through their Sync screens in two orders and report the same;
// importing everything again changes nothing.
func TestGUISyncThreeLaptopsAnyOrder(t *testing.T) {
	ctx := context.Background()
	hqA, dbA, demo := newTestApp(t)
	signInAs(t, hqA, "Admin", testPIN)
	// A second HQ: a copy of the first before any import.
	copyPath := filepath.Join(t.TempDir(), data.FileName)
	raw, err := sql.Open("sqlite", "file:"+dbA.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`VACUUM INTO ?`, copyPath); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	dbB, err := data.Open(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dbB.Close() })
	dbB.PINCost, dbB.Now = cheapPINs, dbA.Now
	var hqB *App
	act(func() { hqB = Create(test.NewTempApp(t), Config{Store: dbB, DeviceName: "HQ copy", Now: dbA.Now}) })
	t.Cleanup(func() { stopScreens(hqB) })
	signInAs(t, hqB, "Admin", testPIN)
	before := reportJSON(t, dbA)
	pkg, err := dbA.Package(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for i, name := range []string{"Desk 1", "Desk 2", "Hall"} {
		u, _ := joinedApp(t, pkg, name)
		// Visitors the demo fair did not see that day.
		fresh := freshVisitors(demo)
		visitors := fresh[i*4 : i*4+4]
		if i == 2 {
			visitors = append(visitors, fresh[0]) // desk 1's visitor walks into the hall
		}
		for n, v := range visitors {
			scan(u.desk, v.Code, fyne.KeyReturn)
			eventually(t, name+" admits "+v.Name, func() bool { return len(u.desk.recent) == n+1 && u.desk.card.FillColor == colorAdmitted })
		}
		out := filepath.Join(dir, strings.ReplaceAll(name, " ", "")+".bundle")
		syncExport(t, u, out)
		files = append(files, out)
	}

	said := syncImport(t, hqA, files...)
	reversed := slices.Clone(files)
	slices.Reverse(reversed)
	syncImport(t, hqB, reversed...)
	for _, s := range said {
		if !strings.Contains(s, lang.L("Receipt code for the laptop: {{.Code}}", map[string]any{"Code": ""})) {
			t.Errorf("no receipt code in %q", s)
		}
	}
	a, b := reportJSON(t, dbA), reportJSON(t, dbB)
	if a != b {
		t.Fatalf("two orders, two reports:\n%s\n%s", a, b)
	}
	ha, _ := dbA.StateHash(ctx)
	hb, _ := dbB.StateHash(ctx)
	if ha != hb {
		t.Fatal("two orders, two states")
	}
	r0, r1 := &booth.Report{}, &booth.Report{}
	_ = json.Unmarshal([]byte(before), r0)
	_ = json.Unmarshal([]byte(a), r1)
	// Every demo visitor came on one day of the fair at least: the twelve
	// are more visitors of the first day, not of the event.
	day := demo.Event.LocalDay(eventTime)
	if r1.CheckinsByDay[day]-r0.CheckinsByDay[day] != 12 || r1.VisitorsUnique != r0.VisitorsUnique || r1.Scans-r0.Scans != 13 {
		t.Fatalf("merged: %d visitors on %s, %d in all, %d scans more; want 12, 0 and 13",
			r1.CheckinsByDay[day]-r0.CheckinsByDay[day], day, r1.VisitorsUnique-r0.VisitorsUnique, r1.Scans-r0.Scans)
	}
	// Everything again: each is named as imported before, nothing changes.
	act(hqA.showSync)
	for _, f := range files {
		r, _ := os.Open(f)
		name := filepath.Base(f)
		act(func() { hqA.sync.importFrom(name, r) })
		eventually(t, "imported before", func() bool {
			return strings.HasPrefix(hqA.sync.status.Text, lang.L("{{.File}} was imported before; nothing changed.", map[string]any{"File": name}))
		})
	}
	if h, _ := dbA.StateHash(ctx); h != ha || reportJSON(t, dbA) != a {
		t.Fatal("importing again changed HQ")
	}
	eventually(t, "three laptops listed", func() bool { return len(hqA.sync.laptops.Objects) == 3 })
}

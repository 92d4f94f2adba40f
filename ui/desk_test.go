package ui

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"medibooth/booth"
	"medibooth/data"
)

// eventTime is 11:00 in Almaty on the demo event's first day.
var eventTime = time.Date(2026, 9, 17, 6, 0, 0, 0, time.UTC)

func openStore(t *testing.T) *data.DB {
	t.Helper()
	db, err := data.Open(filepath.Join(t.TempDir(), data.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PINCost = cheapPINs
	return db
}

func loadDemo(db *data.DB) func(context.Context) error {
	return func(ctx context.Context) error {
		demo, err := booth.LoadDemo()
		if err != nil {
			return err
		}
		_, err = db.LoadDemo(ctx, demo)
		return err
	}
}

// testPIN is the PIN of the test admin newTestDesk signs in as.
const testPIN = "2580"

// cheapPINs makes PIN hashing quick in tests; the cost is kept in each hash.
var cheapPINs = booth.PINCost{Time: 1, Memory: 64, Threads: 1}

// newTestDesk opens the desk over a real database holding the demo event,
// signed in as the demo's admin through the sign-in screen.
func newTestDesk(t *testing.T) (*App, *data.DB, *booth.Demo) {
	t.Helper()
	u, db, demo := newTestApp(t)
	signInAs(t, u, "Admin", testPIN)
	if u.desk == nil {
		t.Fatal("the desk is not shown after signing in")
	}
	return u, db, demo
}

// newTestApp opens the app over a real database holding the demo event,
// whose admin has the PIN testPIN; it shows the sign-in screen.
func newTestApp(t *testing.T) (*App, *data.DB, *booth.Demo) {
	t.Helper()
	demo, err := booth.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	return newTestAppOf(t, demo)
}

// newTestAppOf is newTestApp over the demo d, as given.
func newTestAppOf(t *testing.T, demo *booth.Demo) (*App, *data.DB, *booth.Demo) {
	t.Helper()
	a := test.NewTempApp(t)
	db := openStore(t)
	now := eventTime
	db.Now = func() time.Time { return now }
	if _, err := db.LoadDemo(context.Background(), demo); err != nil {
		t.Fatal(err)
	}
	for _, s := range demo.Staff {
		if s.Role == booth.RoleAdmin {
			if err := db.SetPIN(context.Background(), s.ID, testPIN); err != nil {
				t.Fatal(err)
			}
		}
	}
	var u *App
	act(func() {
		u = Create(a, Config{Store: db, LoadDemo: loadDemo(db), DeviceName: "Desk 1", Now: func() time.Time { return now }})
		u.Window().Resize(fyne.NewSize(1280, 800))
	})
	t.Cleanup(func() { stopScreens(u) })
	return u, db, demo
}

// stopScreens stops the background work of whatever screens u shows, so
// that nothing of a finished test reads its closed database.
func stopScreens(u *App) {
	act(func() {
		if u.desk != nil {
			u.desk.stop()
		}
		if u.kiosk != nil {
			u.kiosk.stop()
		}
		if u.doctor != nil {
			u.doctor.stop()
		}
		if u.dash != nil {
			u.dash.stop()
		}
		if u.boothNet != nil {
			u.boothNet.stop()
		}
	})
}

// createFirstAdmin fills the first-run screen that creates the administrator.
func createFirstAdmin(t *testing.T, u *App, name, pin string) {
	t.Helper()
	eventually(t, "the first-admin screen", func() bool { return u.signIn != nil && u.signIn.firstAdmin })
	act(func() {
		u.signIn.name.SetText(name)
		test.Type(u.signIn.pin, pin)
		test.Type(u.signIn.repeat, pin)
		u.signIn.repeat.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	eventually(t, name+" signed in as admin", func() bool {
		return u.staff != nil && u.staff.Name == name && u.staff.Role == booth.RoleAdmin
	})
}

// signInAs signs in on the sign-in screen as the staff member of that name.
func signInAs(t *testing.T, u *App, name, pin string) {
	t.Helper()
	eventually(t, "the sign-in screen lists "+name, func() bool {
		if u.signIn == nil || u.signIn.who == nil {
			return false
		}
		for _, o := range u.signIn.who.Options {
			if strings.HasPrefix(o, name+" · ") {
				u.signIn.who.SetSelected(o)
				return true
			}
		}
		return false
	})
	act(func() {
		test.Type(u.signIn.pin, pin)
		u.signIn.pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	eventually(t, name+" signed in", func() bool { return u.staff != nil && u.staff.Name == name })
}

// act runs f as the UI goroutine would: holding the lock that background
// work takes before it touches widgets (Fyne's test driver has no UI
// goroutine of its own).
func act(f func()) {
	uiMu.Lock()
	defer uiMu.Unlock()
	f()
}

// eventually waits for cond, which reads widgets.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // bounds a failure only: a busy machine is slow
	for time.Now().Before(deadline) {
		ok := false
		act(func() { ok = cond() })
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// scanCounts returns the scans this laptop stored, by decision: the demo
// fair's were made on the demo's laptops.
func scanCounts(t *testing.T, db *data.DB) map[booth.Decision]int {
	t.Helper()
	scans, err := db.RecentScans(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	c := map[booth.Decision]int{}
	for _, s := range scans {
		c[s.Decision]++
	}
	return c
}

// freshVisitors are the demo visitors the demo fair did not scan on the day
// of eventTime and who had registered by then, in the demo's order: the
// desk admits each of them. (The demo holds the fair as it happened: on
// that day the demo desk admitted most visitors already.)
func freshVisitors(demo *booth.Demo) []booth.Visitor {
	day := demo.Event.LocalDay(eventTime)
	seen := map[string]bool{}
	for _, s := range demo.Scans {
		if s.Day == day {
			seen[s.VisitorID] = true
		}
	}
	var out []booth.Visitor
	for _, v := range demo.Visitors {
		if !seen[v.ID] && !v.Created.After(eventTime) {
			out = append(out, v)
		}
	}
	return out
}

// demoCounts are the desk's counters of eventTime's day once the demo is
// loaded, plus the unique visitors, scans and rejected scans given.
func demoCounts(demo *booth.Demo, unique, scans, rejected int) booth.Counts {
	c := booth.Counts{Day: demo.Event.LocalDay(eventTime), Unique: unique, Scans: scans, Rejected: rejected}
	admitted := map[string]bool{}
	for _, s := range demo.Scans {
		if s.Day != c.Day {
			continue
		}
		c.Scans++
		if s.Decision == booth.Rejected {
			c.Rejected++
		} else if s.Decision == booth.Admitted && !admitted[s.VisitorID] {
			admitted[s.VisitorID] = true
			c.Unique++
		}
	}
	return c
}

// scan types a code into the scan field and presses key, as a scanner does.
func scan(d *desk, code string, key fyne.KeyName) {
	act(func() {
		test.Type(d.scan, code)
		if key != "" {
			d.scan.TypedKey(&fyne.KeyEvent{Name: key})
		}
	})
}

func TestDeskScanWithEnter(t *testing.T) {
	u, db, demo := newTestDesk(t)
	d := u.desk
	v := freshVisitors(demo)[3]
	act(func() {
		if u.Window().Canvas().Focused() != d.scan {
			t.Fatal("the scan field does not have the focus when the desk opens")
		}
	})
	scan(d, v.Code, fyne.KeyReturn)
	eventually(t, "the green card", func() bool { return d.card.FillColor == colorAdmitted })
	act(func() {
		if d.cardName.Text != v.Name {
			t.Fatalf("card shows %q, want %q", d.cardName.Text, v.Name)
		}
		if d.scan.Text != "" {
			t.Fatalf("scan field not cleared: %q", d.scan.Text)
		}
	})
	want := strconv.Itoa(demoCounts(demo, 1, 0, 0).Unique)
	eventually(t, "counters and recent scans", func() bool { return d.uniqueText.Text == want && len(d.recent) == 1 })
	if c := scanCounts(t, db); c[booth.Admitted] != 1 || len(c) != 1 {
		t.Fatalf("stored scans: %v", c)
	}
}

func TestDeskTabTerminatorAndDoubleSend(t *testing.T) {
	u, db, demo := newTestDesk(t)
	d := u.desk
	v := freshVisitors(demo)[10]
	// A scanner that sends the code twice, each ended by Tab.
	scan(d, v.Code, fyne.KeyTab)
	scan(d, v.Code, fyne.KeyTab)
	eventually(t, "the green card", func() bool { return d.card.FillColor == colorAdmitted })
	eventually(t, "both scans handled", func() bool { return len(d.recent) == 1 })
	act(func() {
		if u.Window().Canvas().Focused() != d.scan {
			t.Fatal("Tab moved the focus out of the scan field")
		}
	})
	if c := scanCounts(t, db); c[booth.Admitted] != 1 || c[booth.Duplicate] != 0 {
		t.Fatalf("a double send within 2 s must be one scan: %v", c)
	}
}

func TestDeskDuplicateAndRejected(t *testing.T) {
	u, db, demo := newTestDesk(t)
	d := u.desk
	v := freshVisitors(demo)[20]
	if _, err := db.Checkin(context.Background(), booth.CheckinRequest{Raw: v.Code}); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return eventTime.Add(time.Hour) }
	scan(d, v.Code, fyne.KeyReturn)
	eventually(t, "the amber card", func() bool { return d.card.FillColor == colorDuplicate })
	act(func() {
		if !strings.Contains(d.cardNote.Text, "11:00") {
			t.Fatalf("duplicate card does not say when: %q", d.cardNote.Text)
		}
	})
	scan(d, "hello", fyne.KeyReturn)
	eventually(t, "the red card", func() bool { return d.card.FillColor == colorRejected })
	c := demoCounts(demo, 1, 3, 1)
	eventually(t, "counters", func() bool {
		return d.rejectedText.Text == strconv.Itoa(c.Rejected) && d.scansText.Text == strconv.Itoa(c.Scans)
	})
}

func TestDeskSubmitsCodeWithoutTerminator(t *testing.T) {
	u, db, demo := newTestDesk(t)
	d := u.desk
	scan(d, freshVisitors(demo)[5].Code, "")
	eventually(t, "the idle submit", func() bool { return d.card.FillColor == colorAdmitted })
	if c := scanCounts(t, db); c[booth.Admitted] != 1 {
		t.Fatalf("stored scans: %v", c)
	}
}

func TestDeskHalfTypedTextIsNotSubmitted(t *testing.T) {
	u, db, _ := newTestDesk(t)
	d := u.desk
	scan(d, "12345", "")
	time.Sleep(3 * scannerIdle)
	if c := scanCounts(t, db); len(c) != 0 {
		t.Fatalf("a half-typed code was submitted: %v", c)
	}
	act(func() {
		if d.scan.Text != "12345" {
			t.Fatalf("the field lost what staff typed: %q", d.scan.Text)
		}
	})
}

func TestDeskSearchAndCheckinWithoutBadge(t *testing.T) {
	u, db, demo := newTestDesk(t)
	d := u.desk
	act(func() { test.Type(d.search, "aigerim") })
	eventually(t, "search results", func() bool { return len(d.found) > 1 })
	act(func() {
		for _, v := range d.found {
			if !strings.HasPrefix(strings.ToLower(v.NameLatin), "aigerim") {
				t.Errorf("%q does not match aigerim", v.NameLatin)
			}
		}
		d.search.SetText("")
		test.Type(d.search, "айгер")
	})
	eventually(t, "Cyrillic results", func() bool { return len(d.found) > 1 && strings.Contains(d.search.Text, "айгер") })
	fresh := map[string]bool{}
	for _, v := range freshVisitors(demo) {
		fresh[v.ID] = true
	}
	var want booth.Visitor
	act(func() {
		i := slices.IndexFunc(d.found, func(v booth.Visitor) bool { return fresh[v.ID] })
		if i < 0 {
			t.Fatalf("every Айгерім found was admitted today already: %v", d.found)
		}
		d.foundList.Select(i)
		if d.checkinBtn.Disabled() {
			t.Fatal("Check in stays disabled after choosing a visitor")
		}
		want = d.found[i]
		test.Tap(d.checkinBtn)
	})
	eventually(t, "the green card", func() bool { return d.card.FillColor == colorAdmitted && d.cardName.Text == want.Name })
	if c := scanCounts(t, db); c[booth.Admitted] != 1 {
		t.Fatalf("stored scans: %v", c)
	}
}

func TestDeskScanTypedIntoSearchIsStillAScan(t *testing.T) {
	u, db, demo := newTestDesk(t)
	d := u.desk
	act(func() {
		u.Window().Canvas().Focus(d.search)
		test.Type(d.search, freshVisitors(demo)[7].Code)
		d.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	eventually(t, "the green card", func() bool { return d.card.FillColor == colorAdmitted })
	if c := scanCounts(t, db); c[booth.Admitted] != 1 {
		t.Fatalf("stored scans: %v", c)
	}
	act(func() {
		if d.search.Text != "" || u.Window().Canvas().Focused() != d.scan {
			t.Fatal("after a scan in the search box, the code should be cleared and the focus back on the scan field")
		}
	})
}

func TestDeskShowsStoreFailure(t *testing.T) {
	u, db, demo := newTestDesk(t)
	d := u.desk
	db.Close() // the disk went away
	scan(d, demo.Visitors[1].Code, fyne.KeyReturn)
	want := translation(t, CurrentLanguage(), "The scan was not saved")
	eventually(t, "the error card", func() bool { return d.cardTitle.Text == want })
	act(func() {
		if d.card.FillColor != colorRejected {
			t.Fatal("a failed save must not look like a check-in")
		}
	})
}

func TestSetupLoadsDemo(t *testing.T) {
	a := test.NewTempApp(t)
	db := openStore(t)
	var u *App
	act(func() {
		u = Create(a, Config{Store: db, LoadDemo: loadDemo(db), DeviceName: "Desk 1"})
		if u.desk != nil || u.setup == nil {
			t.Fatal("the set-up screen is not shown without an event")
		}
		test.Tap(u.setup.demoBtn)
	})
	createFirstAdmin(t, u, "Park Ji-woo", testPIN)
	eventually(t, "the desk", func() bool { return u.desk != nil })
	act(func() {
		t.Cleanup(func() { act(u.desk.stop) })
		if !strings.Contains(u.Window().Title(), "Almaty") {
			t.Fatalf("title %q", u.Window().Title())
		}
	})
}

func TestSetupCreatesEventAndExplainsMistakes(t *testing.T) {
	a := test.NewTempApp(t)
	db := openStore(t)
	var u *App
	var s *setup
	act(func() {
		u = Create(a, Config{Store: db, LoadDemo: func(context.Context) error { return errors.New("unused") }})
		s = u.setup
		test.Type(s.name, "KITF 2026")
		s.end.SetText("2020-01-01")
		test.Tap(s.createBtn)
	})
	eventually(t, "a sentence about the dates", func() bool {
		return s.status.Text == message(booth.Errorf(booth.EINVALID, "The event ends (%s) before it starts (%s).", "2020-01-01", s.start.Text))
	})
	act(func() {
		s.end.SetText(s.start.Text)
		test.Tap(s.createBtn)
	})
	createFirstAdmin(t, u, "Park Ji-woo", testPIN)
	eventually(t, "the desk", func() bool { return u.desk != nil })
	act(func() { t.Cleanup(func() { act(u.desk.stop) }) })
	ev, err := db.Event(context.Background())
	if err != nil || ev.Name != "KITF 2026" || ev.Country != "KZ" {
		t.Fatalf("event: %+v %v", ev, err)
	}
}

func TestLanguageSwitchRebuildsDesk(t *testing.T) {
	u, _, _ := newTestDesk(t)
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	for _, l := range Languages {
		var got string
		act(func() {
			u.switchLanguage(l.Code)
			got = u.desk.search.PlaceHolder
		})
		if CurrentLanguage() != l.Code {
			t.Fatalf("language %s not set", l.Code)
		}
		if want := translation(t, l.Code, "Name in any alphabet, phone digits or email"); got != want {
			t.Errorf("%s: placeholder %q, want %q", l.Code, got, want)
		}
	}
	if p := u.fyne.Preferences().String(prefLanguage); p != Languages[len(Languages)-1].Code {
		t.Fatalf("language preference %q not saved", p)
	}
}

// A desk laptop joins the event from HQ's set-up file on the first-run
// screen; a file that is not one is refused with a sentence.
func TestSetupJoinsEventFromItsFile(t *testing.T) {
	ctx := context.Background()
	hq := openStore(t)
	e := &booth.Event{Name: "KITF 2026", City: "Almaty", Country: "KZ", Start: "2026-04-22", End: "2026-04-24"}
	if err := hq.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	pkg, err := hq.Package(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	db := openStore(t)
	join := func(ctx context.Context, file []byte, name string) error {
		p, err := booth.OpenPackage(file)
		if err != nil {
			return err
		}
		_, err = db.Join(ctx, p, name)
		return err
	}
	var u *App
	var s *setup
	act(func() {
		u = Create(a, Config{Store: db, JoinEvent: join, LoadDemo: func(context.Context) error { return errors.New("unused") }})
		s = u.setup
		s.join([]byte("not a package"))
	})
	eventually(t, "a sentence about the file", func() bool { return s.status.Text == lang.L("This file is not a medibooth event package.") })
	act(func() {
		test.Type(s.laptop, "Desk 2")
		s.join(pkg)
	})
	createFirstAdmin(t, u, "Park Ji-woo", testPIN)
	eventually(t, "the desk", func() bool { return u.desk != nil })
	act(func() {
		t.Cleanup(func() { act(u.desk.stop) })
		if !strings.Contains(u.Window().Title(), "KITF 2026") || u.cfg.DeviceName != "Desk 2" {
			t.Fatalf("title %q, laptop %q", u.Window().Title(), u.cfg.DeviceName)
		}
	})
	if db.Device().Name != "Desk 2" {
		t.Fatalf("laptop named %q", db.Device().Name)
	}
	if _, err := db.Issuer(ctx); err != nil {
		t.Fatalf("no badge key after joining: %v", err)
	}
}

// TestDeskSearchSaysHowManyInAll: more matches than the list shows — the
// label gives the total, which CountVisitors and an unlimited search agree
// on.
func TestDeskSearchSaysHowManyInAll(t *testing.T) {
	u, db, _ := newTestDesk(t)
	d := u.desk
	all, err := db.FindVisitors(context.Background(), "a", 500)
	if err != nil || len(all) <= searchLimit {
		t.Fatalf("the demo has %d visitors with a word starting with a (%v)", len(all), err)
	}
	if n, err := db.CountVisitors(context.Background(), "a", countLimit); err != nil || n != len(all) {
		t.Fatalf("CountVisitors = %d %v, want %d", n, err, len(all))
	}
	act(func() { test.Type(d.search, "a") })
	want := lang.L("{{.Count}} found; the first {{.Shown}} are shown. Type more to narrow it.",
		map[string]any{"Count": len(all), "Shown": searchLimit})
	eventually(t, "the total", func() bool { return d.foundStatus.Text == want && len(d.found) == searchLimit })
}

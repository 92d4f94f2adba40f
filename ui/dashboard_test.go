package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"medibooth/booth"
	"medibooth/data"
)

// openTestDashboard signs in as the demo's admin and opens the dashboard,
// waiting for its first figures; the dashboard stops when the test ends.
func openTestDashboard(t *testing.T) (*App, *data.DB, *booth.Demo, *dashboard) {
	t.Helper()
	u, db, demo := newTestDesk(t)
	return u, db, demo, openDashboardOf(t, u)
}

// openDashboardOf opens the dashboard of u, signed in.
func openDashboardOf(t *testing.T, u *App) *dashboard {
	t.Helper()
	var d *dashboard
	act(func() { d = u.openDashboard() })
	if d == nil {
		t.Fatal("the dashboard did not open")
	}
	t.Cleanup(func() { stopDashboard(t, d) })
	eventually(t, "the first figures", func() bool { return d.loaded })
	return d
}

// dashDemoTiles are the tiles once the demo is loaded and, today, the fresh
// visitors admitted were admitted and the duplicates and rejected scans
// made: today's counters and the event's figures.
func dashDemoTiles(demo *booth.Demo, admitted []booth.Visitor, duplicates, rejected int) []string {
	c := demoCounts(demo, len(admitted), len(admitted)+duplicates+rejected, rejected)
	unique := map[string]bool{}
	for _, s := range demo.Scans {
		if s.Decision == booth.Admitted {
			unique[s.VisitorID] = true
		}
	}
	for _, v := range admitted {
		unique[v.ID] = true
	}
	var out []string
	for _, n := range []int{c.Unique, c.Unique, c.Scans - c.Rejected - c.Unique, c.Rejected, len(unique), len(demo.Consultations), len(demo.Meetings)} {
		out = append(out, strconv.Itoa(n))
	}
	return out
}

// dashDemoHour is how many visitors the demo fair admitted first in the
// hour (event-local) of eventTime's day.
func dashDemoHour(demo *booth.Demo, hour int) int {
	loc := demo.Event.Location()
	day := demo.Event.LocalDay(eventTime)
	first := map[string]time.Time{}
	for _, s := range demo.Scans {
		if f, ok := first[s.VisitorID]; s.Decision == booth.Admitted && s.Day == day && (!ok || s.At.Before(f)) {
			first[s.VisitorID] = s.At
		}
	}
	n := 0
	for _, at := range first {
		if at.In(loc).Hour() == hour {
			n++
		}
	}
	return n
}

// stopDashboard stops d and waits for its polling goroutine to return.
func stopDashboard(t *testing.T, d *dashboard) {
	t.Helper()
	act(d.stop)
	select {
	case <-d.finished:
	case <-time.After(time.Minute): // bounds a failure only
		t.Fatal("the dashboard still polls after stop")
	}
}

// dashTileValues reads the big numbers: today's visitors, admitted, duplicate,
// rejected, then the event's visitors, consultations and meetings.
func dashTileValues(d *dashboard) []string {
	var out []string
	for _, t := range []*dashTile{d.visitorsToday, d.admitted, d.duplicate, d.rejected, d.visitors, d.consultations, d.meetings} {
		out = append(out, t.value.Text)
	}
	return out
}

// dashCheckin checks raw in through the store, as another screen would.
func dashCheckin(t *testing.T, db *data.DB, raw string) *booth.Scan {
	t.Helper()
	s, err := db.Checkin(context.Background(), booth.CheckinRequest{Raw: raw})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dashBarOf is the count of key in bars, and whether the key is there.
func dashBarOf(bars []dashBar, key string) (int, bool) {
	for _, b := range bars {
		if b.key == key {
			return b.n, true
		}
	}
	return 0, false
}

func TestDashboardZerosOnFreshEvent(t *testing.T) {
	// The demo's registrations, before the fair began.
	demo, err := booth.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	demo.Scans, demo.Consultations, demo.Meetings = nil, nil, nil
	u, _, _ := newTestAppOf(t, demo)
	signInAs(t, u, "Admin", testPIN)
	d := openDashboardOf(t, u)
	act(func() {
		if u.desk != nil {
			t.Error("the desk still runs under the dashboard")
		}
		if got, want := dashTileValues(d), []string{"0", "0", "0", "0", "0", "0", "0"}; !reflect.DeepEqual(got, want) {
			t.Errorf("a fresh event shows %v, want zeros", got)
		}
		if !d.note.Visible() || d.note.Text == "" {
			t.Error("a fresh event has no sentence saying nothing happened yet")
		}
		for _, c := range []*dashChart{d.hours, d.days, d.hospitals, d.types, d.languages} {
			if !c.empty.Visible() {
				t.Errorf("the chart %q shows no empty sentence", c.empty.Text)
			}
		}
		// The axes are there, empty: the fair's hours and the event's days.
		if len(d.hours.shown) != dashboardLastHour-dashboardFirstHour+1 || d.hours.shown[0].key != "9" {
			t.Errorf("hours: %v", d.hours.shown)
		}
		if want := []dashBar{{key: "2026-09-17", now: true}, {key: "2026-09-18"}}; !reflect.DeepEqual(d.days.shown, want) {
			t.Errorf("days: %v, want %v", d.days.shown, want)
		}
		if want := lang.L("Today, {{.Day}}", map[string]any{"Day": "2026-09-17"}); d.today.Text != want {
			t.Errorf("heading %q, want %q", d.today.Text, want)
		}
		if want := lang.L("Registered: {{.Count}}", map[string]any{"Count": 197}); d.visitors.sub.Text != want {
			t.Errorf("under the visitors: %q, want %q", d.visitors.sub.Text, want)
		}
		if want := lang.L("Last updated: {{.Time}}", map[string]any{"Time": "11:00:00"}); d.updated.Text != want {
			t.Errorf("updated %q, want %q", d.updated.Text, want)
		}
	})
}

// From the first start, the dashboard of the demo shows the fair as it
// happened: 197 visitors, 77 patients in 97 consultations, 150 meetings
// with 17 MOUs, and the first day's check-ins as today's.
func TestDashboardShowsTheDemoFair(t *testing.T) {
	_, _, demo, d := openTestDashboard(t)
	today := demoCounts(demo, 0, 0, 0)
	act(func() {
		if got, want := dashTileValues(d), dashDemoTiles(demo, nil, 0, 0); !reflect.DeepEqual(got, want) ||
			want[4] != "197" || want[5] != "97" || want[6] != "150" || today.Unique != 123 {
			t.Errorf("the demo shows %v, want %v", got, want)
		}
		n := func(count int) map[string]any { return map[string]any{"Count": count} }
		for _, c := range []struct{ got, want string }{
			{d.visitors.sub.Text, lang.L("Registered: {{.Count}}", n(197))},
			{d.consultations.sub.Text, lang.L("Patients: {{.Count}}", n(77))},
			{d.meetings.sub.Text, lang.L("MOUs: {{.Count}}", n(17))},
			{d.visitorsToday.sub.Text, lang.L("Scans: {{.Count}}", n(today.Scans))},
		} {
			if c.got != c.want {
				t.Errorf("%q, want %q", c.got, c.want)
			}
		}
		if d.note.Visible() {
			t.Error("the demo says nothing happened yet")
		}
		if want := []dashBar{{key: "2026-09-17", n: 123, now: true}, {key: "2026-09-18", n: 102}}; !reflect.DeepEqual(d.days.shown, want) {
			t.Errorf("days: %v, want %v", d.days.shown, want)
		}
		if len(d.hospitals.shown) != 4 || len(d.types.shown) == 0 || len(d.languages.shown) == 0 {
			t.Errorf("hospitals %v, types %v, languages %v", d.hospitals.shown, d.types.shown, d.languages.shown)
		}
		for _, c := range []*dashChart{d.hours, d.days, d.hospitals, d.types, d.languages} {
			if c.empty.Visible() {
				t.Errorf("the chart %q is empty", c.empty.Text)
			}
		}
	})
}

func TestDashboardFollowsScansWithoutAClick(t *testing.T) {
	_, db, demo, d := openTestDashboard(t)
	fresh := freshVisitors(demo)
	v := fresh[3]
	byType, byLang := 0, 0
	for _, w := range demo.Visitors {
		if w.Type == v.Type {
			byType++
		}
		if w.Lang == v.Lang {
			byLang++
		}
	}
	today := demoCounts(demo, 0, 0, 0)

	dashCheckin(t, db, v.Code)
	eventually(t, "one visitor more today, admitted", func() bool {
		return reflect.DeepEqual(dashTileValues(d), dashDemoTiles(demo, fresh[3:4], 0, 0))
	})
	act(func() {
		if d.note.Visible() {
			t.Error("the empty-state sentence stays after a check-in")
		}
		if n, _ := dashBarOf(d.hours.shown, "11"); n != dashDemoHour(demo, 11)+1 {
			t.Errorf("11:00 shows %d check-ins: %v", n, d.hours.shown)
		}
		if n, _ := dashBarOf(d.days.shown, "2026-09-17"); n != today.Unique+1 {
			t.Errorf("today shows %d check-ins: %v", n, d.days.shown)
		}
		// Every demo visitor came on one day at least.
		if n, _ := dashBarOf(d.types.shown, string(v.Type)); n != byType || d.types.empty.Visible() {
			t.Errorf("by type: %v", d.types.shown)
		}
		if n, _ := dashBarOf(d.languages.shown, v.Lang); n != byLang {
			t.Errorf("by language: %v (visitor speaks %q)", d.languages.shown, v.Lang)
		}
	})

	// The same badge again: a duplicate, still one visitor.
	if s := dashCheckin(t, db, v.Code); s.Decision != booth.Duplicate {
		t.Fatalf("second scan: %s", s.Decision)
	}
	eventually(t, "the duplicate counted", func() bool {
		return reflect.DeepEqual(dashTileValues(d), dashDemoTiles(demo, fresh[3:4], 1, 0))
	})
	dashCheckin(t, db, "hello")
	dashCheckin(t, db, fresh[4].Code)
	eventually(t, "a rejected scan and a second visitor", func() bool {
		return reflect.DeepEqual(dashTileValues(d), dashDemoTiles(demo, fresh[3:5], 1, 1))
	})
	act(func() {
		if want := lang.L("Scans: {{.Count}}", map[string]any{"Count": today.Scans + 4}); d.visitorsToday.sub.Text != want {
			t.Errorf("under today's visitors: %q, want %q", d.visitorsToday.sub.Text, want)
		}
	})
}

func TestDashboardFollowsScansAtTheDesk(t *testing.T) {
	u, db, demo := newTestDesk(t)
	var d *dashboard
	act(func() {
		// The dashboard in a window of its own, beside the desk.
		u.showDashboard()
		d = u.dash
		if d == nil || u.desk == nil {
			t.Fatal("the dashboard's window did not open beside the desk")
		}
	})
	t.Cleanup(func() { stopDashboard(t, d) })
	eventually(t, "the first figures", func() bool { return d.loaded })
	scan(u.desk, freshVisitors(demo)[7].Code, fyne.KeyReturn)
	want := strconv.Itoa(demoCounts(demo, 1, 1, 0).Unique)
	eventually(t, "the desk's check-in on the dashboard", func() bool {
		return d.visitorsToday.value.Text == want && d.admitted.value.Text == want
	})
	// Locked, the desk stops; the dashboard's counts stay up. Closed, it
	// stops polling.
	act(u.lock)
	act(func() {
		if d.stopped() {
			t.Error("the lock stopped the dashboard's window")
		}
		u.dashWin.Close()
	})
	eventually(t, "the closed dashboard stopped", func() bool { return d.stopped() && u.dash == nil })
	_ = db
}

func TestDashboardConsultationsAndMeetings(t *testing.T) {
	_, db, demo, d := openTestDashboard(t)
	ctx := context.Background()
	h := hospitalNamed(t, db, "Seoul National University Dental")
	v := demoVisitorWith(t, demo, true)
	c := &booth.Consultation{VisitorID: v.ID, OrgID: h.ID, Department: h.Departments[0].Name}
	if err := db.AddConsultation(ctx, c, booth.NoteContent{}); err != nil {
		t.Fatal(err)
	}
	firms, err := db.Orgs(ctx, booth.OrgFirm)
	if err != nil || len(firms) == 0 {
		t.Fatalf("firms: %v %v", firms, err)
	}
	if err := db.AddMeeting(ctx, &booth.Meeting{FirmID: firms[0].ID, Agency: "Koktem Travel", MOU: true}); err != nil {
		t.Fatal(err)
	}
	consults, meetings, mous := strconv.Itoa(len(demo.Consultations)+1), strconv.Itoa(len(demo.Meetings)+1), 1
	atH := 1
	for _, c := range demo.Consultations {
		if c.OrgID == h.ID {
			atH++
		}
	}
	for _, m := range demo.Meetings {
		if m.MOU {
			mous++
		}
	}
	eventually(t, "one consultation and one meeting more", func() bool {
		return d.consultations.value.Text == consults && d.meetings.value.Text == meetings
	})
	act(func() {
		if n, _ := dashBarOf(d.hospitals.shown, h.Name); n != atH || len(d.hospitals.shown) != 4 {
			t.Errorf("hospitals: %v, want %d at %s", d.hospitals.shown, atH, h.Name)
		}
		if d.hospitals.empty.Visible() || d.note.Visible() {
			t.Error("an empty sentence stays after a consultation")
		}
		if want := lang.L("MOUs: {{.Count}}", map[string]any{"Count": mous}); d.meetings.sub.Text != want {
			t.Errorf("under the meetings: %q, want %q", d.meetings.sub.Text, want)
		}
	})
}

func TestDashboardStopEndsPolling(t *testing.T) {
	_, db, demo, d := openTestDashboard(t)
	stopDashboard(t, d)
	// The polling goroutine has ended (stopDashboard waited for it): no
	// reading can come after the check-in.
	dashCheckin(t, db, freshVisitors(demo)[9].Code)
	act(func() {
		if got := d.visitorsToday.value.Text; got != strconv.Itoa(demoCounts(demo, 0, 0, 0).Unique) {
			t.Errorf("a stopped dashboard changed to %s", got)
		}
	})
	act(d.stop) // twice is fine
}

func TestDashboardBackToTheDesk(t *testing.T) {
	u, _, _ := newTestDesk(t)
	var d0 *dashboard
	act(func() { d0 = u.openDashboard() })
	t.Cleanup(func() { stopDashboard(t, d0) })
	act(func() {
		if u.desk != nil {
			t.Fatal("the desk still runs under the dashboard")
		}
		if !shows(u.Window().Content(), lang.L("Dashboard")) {
			t.Fatal("the window shows no dashboard")
		}
	})
	var d *dashboard
	act(func() { d = u.openDashboard() })
	eventually(t, "the first figures", func() bool { return d.loaded })
	act(func() {
		back := findButton(u.Window().Content(), lang.L("Back to the desk"))
		if back == nil {
			t.Fatal("no way back to the desk")
		}
		test.Tap(back)
		if u.desk == nil {
			t.Fatal("back did not open the desk")
		}
	})
	// The dashboard notices it left the window and stops by itself.
	select {
	case <-d.finished:
	case <-time.After(time.Minute): // bounds a failure only
		t.Fatal("the dashboard still polls after going back to the desk")
	}
}

func TestDashboardNeedsSomeoneSignedIn(t *testing.T) {
	u, _, _ := newTestDesk(t)
	act(u.lock)
	act(func() {
		if d := u.openDashboard(); d != nil {
			d.stop()
			t.Fatal("the dashboard opened on a locked screen")
		}
		u.showDashboard()
		if u.signIn == nil {
			t.Fatal("the lock screen went away")
		}
	})
}

// fakeDashboardStore serves fixed figures, or fails.
type fakeDashboardStore struct {
	report  func() (*booth.Report, error)
	reads   atomic.Int32
	changes atomic.Int64
}

func (s *fakeDashboardStore) Report(context.Context, string) (*booth.Report, error) {
	s.reads.Add(1)
	return s.report()
}

func (s *fakeDashboardStore) DayCounts(_ context.Context, day string) (booth.Counts, error) {
	return booth.Counts{Day: day, Unique: 3, Scans: 5, Rejected: 1}, nil
}

func (s *fakeDashboardStore) Changes() int64 { return s.changes.Load() }

func (s *fakeDashboardStore) PeersSeen(context.Context) ([]booth.PeerSeen, error) { return nil, nil }

var errDashUnplugged = errors.New("disk unplugged")

func TestDashboardReadsOnlyWhenSomethingChanged(t *testing.T) {
	u, db, _ := newTestDesk(t)
	ev, err := db.Event(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fail := atomic.Bool{}
	fail.Store(true)
	fake := &fakeDashboardStore{report: func() (*booth.Report, error) {
		if fail.Load() {
			return nil, errDashUnplugged
		}
		return &booth.Report{VisitorsUnique: 3, Scans: 5}, nil
	}}
	var d *dashboard
	act(func() {
		d = newDashboard(u, ev, fake)
		d.start()
	})
	t.Cleanup(func() { stopDashboard(t, d) })
	eventually(t, "the error said", func() bool { return d.status.Text == message(errDashUnplugged) })

	// A failed reading is tried again; then nothing changed, nothing read.
	fail.Store(false)
	eventually(t, "the figures", func() bool { return d.loaded && d.status.Text == "" })
	act(func() {
		if got, want := dashTileValues(d), []string{"3", "3", "1", "1", "3", "0", "0"}; !reflect.DeepEqual(got, want) {
			t.Errorf("tiles %v, want %v", got, want)
		}
	})
	reads := fake.reads.Load()
	time.Sleep(4 * dashboardPoll)
	if n := fake.reads.Load(); n != reads {
		t.Errorf("read %d times with nothing changed", n-reads)
	}
	fake.changes.Add(1)
	deadline := time.Now().Add(time.Minute) // bounds a failure only: a busy machine is slow
	for fake.reads.Load() == reads && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if fake.reads.Load() == reads {
		t.Error("a change was not read")
	}
}

func TestDashboardFigures(t *testing.T) {
	ev := &booth.Event{Start: "2026-09-17", End: "2026-09-19", TimeZone: "Asia/Almaty"}
	at := func(h int) time.Time { return time.Date(2026, 9, 18, h, 30, 0, 0, ev.Location()) }
	tests := []struct {
		name      string
		r         booth.Report
		c         booth.Counts
		now       time.Time
		dup       int
		hours     []string // first and last hour shown
		days      []string
		hospitals []string
		empty     bool
	}{{
		name: "nothing yet", c: booth.Counts{Day: "2026-09-18"}, now: at(11),
		hours: []string{"9", "18"}, days: []string{"2026-09-17", "2026-09-18", "2026-09-19"}, empty: true,
	}, {
		name: "early and late hours widen the axis",
		r: booth.Report{Scans: 9, CheckinsByHour: map[string]int{
			"2026-09-18 07:00": 2, "2026-09-18 21:00": 1, "2026-09-17 23:00": 5, "nonsense": 1}},
		c:   booth.Counts{Day: "2026-09-18", Unique: 3, Scans: 9, Rejected: 2},
		now: at(12), dup: 4, hours: []string{"7", "21"}, days: []string{"2026-09-17", "2026-09-18", "2026-09-19"},
	}, {
		name: "the current hour is on the axis", c: booth.Counts{Day: "2026-09-18"}, now: at(22),
		hours: []string{"9", "22"}, days: []string{"2026-09-17", "2026-09-18", "2026-09-19"}, empty: true,
	}, {
		name: "a day outside the event, hospitals largest first",
		r: booth.Report{Consultations: 6, CheckinsByDay: map[string]int{"2026-09-16": 4},
			ConsultationsByHospital: map[string]int{"Korea Univ. Anam": 1, "SNU Dental": 3, "Kyung Hee": 1, "Soonchunhyang": 0}},
		c: booth.Counts{Day: "2026-09-18"}, now: at(10), hours: []string{"9", "18"},
		days:      []string{"2026-09-16", "2026-09-17", "2026-09-18", "2026-09-19"},
		hospitals: []string{"SNU Dental", "Korea Univ. Anam", "Kyung Hee"},
	}, {
		// Two laptops that each admitted a visitor, merged: never a
		// negative duplicate count.
		name: "more admissions than scans", c: booth.Counts{Day: "2026-09-18", Unique: 3, Scans: 2}, now: at(10),
		r: booth.Report{Scans: 2}, hours: []string{"9", "18"}, days: []string{"2026-09-17", "2026-09-18", "2026-09-19"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := dashFiguresOf(ev, &tt.r, tt.c, tt.now)
			if f.duplicateToday != tt.dup || f.admittedToday != tt.c.Unique || f.rejectedToday != tt.c.Rejected {
				t.Errorf("today: admitted %d duplicate %d rejected %d", f.admittedToday, f.duplicateToday, f.rejectedToday)
			}
			if first, last := f.hours[0].key, f.hours[len(f.hours)-1].key; first != tt.hours[0] || last != tt.hours[1] {
				t.Errorf("hours %s–%s, want %v", first, last, tt.hours)
			}
			for _, b := range f.hours {
				if b.now != (b.key == strconv.Itoa(tt.now.Hour())) {
					t.Errorf("hour %s marked now=%v", b.key, b.now)
				}
			}
			var days, hospitals []string
			for _, b := range f.days {
				days = append(days, b.key)
				if b.now != (b.key == "2026-09-18") {
					t.Errorf("day %s marked now=%v", b.key, b.now)
				}
			}
			for _, b := range f.hospitals {
				hospitals = append(hospitals, b.key)
			}
			if !reflect.DeepEqual(days, tt.days) || !reflect.DeepEqual(hospitals, tt.hospitals) {
				t.Errorf("days %v hospitals %v, want %v %v", days, hospitals, tt.days, tt.hospitals)
			}
			if f.empty != tt.empty {
				t.Errorf("empty = %v", f.empty)
			}
		})
	}
	if n, _ := dashBarOf(dashFiguresOf(ev, &tests[1].r, tests[1].c, tests[1].now).hours, "7"); n != 2 {
		t.Errorf("07:00 counts %d, want 2", n)
	}
}

func TestDashboardDayChartKeepsTheLatestDays(t *testing.T) {
	ev := &booth.Event{Start: "2026-01-01", End: "2026-03-31", TimeZone: "UTC"}
	bars := dashDayBars(ev, nil, "2026-03-31")
	if len(bars) != dashboardMaxDays || bars[len(bars)-1].key != "2026-03-31" || !bars[len(bars)-1].now {
		t.Fatalf("%d days, last %v", len(bars), bars[len(bars)-1])
	}
}

// TestDashboardScreenshots renders the dashboard in every language, with a
// few check-ins, for people to look at: DASHBOARD_SHOTS=DIR go test ./ui
// -run DashboardScreenshots (the translations waiting in
// /tmp/tr/dashboard.json are added when there).
func TestDashboardScreenshots(t *testing.T) {
	dir := os.Getenv("DASHBOARD_SHOTS")
	if dir == "" {
		t.Skip("DASHBOARD_SHOTS is not set")
	}
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	for _, l := range Languages {
		u, db, demo := newTestDesk(t)
		for i := range 23 {
			dashCheckin(t, db, demo.Visitors[i*3].Code)
		}
		dashCheckin(t, db, demo.Visitors[0].Code)
		dashCheckin(t, db, "hello")
		hospitals, err := db.Orgs(context.Background(), booth.OrgHospital)
		if err != nil {
			t.Fatal(err)
		}
		v := demoVisitorWith(t, demo, true)
		for _, h := range hospitals {
			c := &booth.Consultation{VisitorID: v.ID, OrgID: h.ID, Department: h.Departments[0].Name}
			if err := db.AddConsultation(context.Background(), c, booth.NoteContent{}); err != nil {
				t.Fatal(err)
			}
		}
		act(func() { u.switchLanguage(l.Code) })
		addPendingTranslations(t, "/tmp/tr/dashboard.json", l.Code)
		var d *dashboard
		act(func() { d = u.openDashboard() })
		t.Cleanup(func() { stopDashboard(t, d) })
		eventually(t, "the figures", func() bool { return d.loaded })
		captureMeetings(t, u, filepath.Join(dir, "dashboard-"+l.Code+".png"))
	}
}

// TestDashboardWindowFollowsTheDeskLanguage: the language switched at the
// desk relabels the dashboard's own window; the old dashboard stops.
func TestDashboardWindowFollowsTheDeskLanguage(t *testing.T) {
	u, _, _ := newTestDesk(t)
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	var first *dashboard
	act(func() {
		u.showDashboard()
		first = u.dash
	})
	eventually(t, "the first figures", func() bool { return first.loaded })
	to := "ru"
	if CurrentLanguage() == "ru" {
		to = "kk"
	}
	act(func() { u.switchLanguage(to) })
	var now *dashboard
	act(func() { now = u.dash })
	t.Cleanup(func() { stopDashboard(t, now) })
	want := translation(t, to, "Visitors today")
	act(func() {
		if now == first || !first.stopped() {
			t.Fatal("the dashboard was not rebuilt")
		}
		if s := textUnder(u.dashWin.Content()); !strings.Contains(s, want) {
			t.Fatalf("the dashboard does not say %q: %q", want, s)
		}
	})
}

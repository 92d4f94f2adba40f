package ui

import (
	"context"
	"database/sql"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
	"medibooth/data"
)

// queueClock is a clock the store's and the screens' goroutines may read
// while a test moves it.
type queueClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *queueClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *queueClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newQueueTestApp is newTestApp (no desk running) with one movable clock
// for the store and the screens.
func newQueueTestApp(t *testing.T) (*App, *data.DB, *booth.Demo, *queueClock) {
	t.Helper()
	u, db, demo := newTestApp(t)
	c := &queueClock{t: eventTime}
	act(func() {
		db.Now = c.now
		u.cfg.Now = c.now
	})
	return u, db, demo, c
}

func hospitalNamed(t *testing.T, db *data.DB, prefix string) booth.Org {
	t.Helper()
	orgs, err := db.Orgs(context.Background(), booth.OrgHospital)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if strings.HasPrefix(o.Name, prefix) {
			return o
		}
	}
	t.Fatalf("no hospital %s in the demo", prefix)
	return booth.Org{}
}

func enqueue(t *testing.T, db *data.DB, v booth.Visitor, h booth.Org, dept string) *booth.QueueEntry {
	t.Helper()
	e, err := db.Enqueue(context.Background(), v.ID, h.ID, dept)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// shownTexts returns the texts of the labels and rich texts laid out in o.
func shownTexts(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range test.LaidOutObjects(o) {
		switch w := x.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.RichText:
			out = append(out, w.String())
		}
	}
	return out
}

func shows(o fyne.CanvasObject, text string) bool {
	for _, s := range shownTexts(o) {
		if s == text {
			return true
		}
	}
	return false
}

func TestQueuePanelCallStartFinish(t *testing.T) {
	u, db, demo, clock := newQueueTestApp(t)
	kh := hospitalNamed(t, db, "Kyung Hee")
	a, b, c := demo.Visitors[0], demo.Visitors[1], demo.Visitors[2]
	enqueue(t, db, a, kh, "")
	clock.advance(2 * time.Minute)
	enqueue(t, db, b, kh, "Korean-medicine gynaecology")
	clock.advance(3 * time.Minute)
	enqueue(t, db, c, kh, "")

	var started []booth.QueueEntry
	var p *queuePanel
	act(func() {
		p = newQueuePanel(u, kh, func(e booth.QueueEntry) { started = append(started, e) })
		u.Window().SetContent(p.content)
	})
	t.Cleanup(func() { act(p.stop) })
	eventually(t, "three waiting", func() bool { return len(p.entries) == 3 })
	act(func() {
		for i, v := range []booth.Visitor{a, b, c} {
			if p.entries[i].VisitorName != v.Name || p.entries[i].State != booth.QueueWaiting {
				t.Fatalf("entry %d: %s %s, want %s waiting", i, p.entries[i].VisitorName, p.entries[i].State, v.Name)
			}
		}
		if !p.startBtn.Disabled() || !p.noShowBtn.Disabled() {
			t.Fatal("actions enabled with nothing selected")
		}
	})
	// Waiting times follow the clock.
	eventually(t, "5 min shown", func() bool { return shows(p.content, durationText(5*time.Minute)) })
	clock.advance(10 * time.Minute)
	act(p.refresh)
	eventually(t, "15 min shown", func() bool {
		return shows(p.content, durationText(15*time.Minute)) && shows(p.content, durationText(13*time.Minute))
	})

	// Call next calls the one who waited longest.
	act(func() { test.Tap(p.callBtn) })
	eventually(t, "the first called", func() bool {
		e := p.entry()
		return e != nil && e.VisitorName == a.Name && e.State == booth.QueueCalled &&
			p.status.Text == lang.L("Please call {{.Name}}.", map[string]any{"Name": a.Name})
	})
	act(func() {
		if p.startBtn.Disabled() || p.noShowBtn.Disabled() || p.backBtn.Disabled() || !p.cancelBtn.Disabled() {
			t.Fatal("a called visitor's actions: start, did not come and back to waiting; not remove")
		}
		test.Tap(p.startBtn)
	})
	eventually(t, "onStart", func() bool { return len(started) == 1 })
	act(func() {
		if started[0].VisitorID != a.ID || started[0].State != booth.QueueConsulting {
			t.Fatalf("onStart got %+v", started[0])
		}
	})
	eventually(t, "in consultation", func() bool { e := p.entry(); return e != nil && e.State == booth.QueueConsulting })

	clock.advance(7 * time.Minute)
	act(func() { p.finish(started[0].ID) })
	eventually(t, "done", func() bool {
		for _, e := range p.entries {
			if e.ID == started[0].ID {
				return e.State == booth.QueueDone
			}
		}
		return false
	})
	q, err := db.Queue(context.Background(), kh.ID, true)
	if err != nil || len(q) != 3 || q[2].ID != started[0].ID || q[2].State != booth.QueueDone {
		t.Fatalf("stored queue: %+v %v", q, err)
	}
	act(func() {
		for i, e := range p.entries {
			if e.ID == started[0].ID {
				p.list.Select(i)
			}
		}
		for _, b := range []*widget.Button{p.startBtn, p.noShowBtn, p.backBtn, p.cancelBtn} {
			if !b.Disabled() {
				t.Fatalf("%q is enabled for a finished consultation", b.Text)
			}
		}
		test.Tap(p.callBtn)
	})
	eventually(t, "the second called", func() bool {
		e := p.entry()
		return e != nil && e.VisitorName == b.Name && e.State == booth.QueueCalled
	})
}

func TestQueuePanelAddsByBadge(t *testing.T) {
	u, db, demo, _ := newQueueTestApp(t)
	anam := hospitalNamed(t, db, "Korea University Anam")
	v := freshVisitors(demo)[4]
	var p *queuePanel
	act(func() {
		p = newQueuePanel(u, anam, nil)
		u.Window().SetContent(p.content)
		if p.dept == nil || len(p.dept.Options) != 3 {
			t.Fatal("a hospital with two departments offers both and all")
		}
		p.dept.SetSelected("Post-COVID care")
		test.Type(p.add, v.Code)
		p.add.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	t.Cleanup(func() { act(p.stop) })
	eventually(t, "the visitor in the queue", func() bool {
		e := p.entry()
		return e != nil && e.VisitorID == v.ID && e.Department == "Post-COVID care" &&
			p.status.Text == lang.L("{{.Name}} joined the queue.", map[string]any{"Name": v.Name})
	})
	// The badge was recorded as a check-in.
	if c := scanCounts(t, db); c[booth.Admitted] != 1 {
		t.Fatalf("scans: %v", c)
	}
	// Scanned again: selected, not queued twice.
	act(func() {
		p.list.UnselectAll()
		test.Type(p.add, v.Code)
		p.add.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	eventually(t, "already waiting", func() bool {
		e := p.entry()
		return e != nil && e.VisitorID == v.ID && strings.Contains(p.status.Text, anam.Name)
	})
	if q, _ := db.Queue(context.Background(), anam.ID, true); len(q) != 1 {
		t.Fatalf("%d entries, want 1", len(q))
	}
	// Another department's list leaves them out; Call next there finds nobody.
	act(func() {
		p.dept.SetSelected("GI cancers")
		test.Tap(p.callBtn)
	})
	eventually(t, "nobody waiting", func() bool { return len(p.entries) == 0 && p.status.Text == lang.L("Nobody is waiting.") })
	// A code that is no badge says so.
	act(func() {
		test.Type(p.add, "hello")
		p.add.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	eventually(t, "rejected", func() bool { return p.status.Text == lang.L(booth.ReasonText(booth.ReasonMalformed)) })
}

func TestSendToHospitalFromDesk(t *testing.T) {
	u, db, demo := newTestDesk(t)
	act(func() { u.switchLanguage("en") })
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	d := u.desk
	act(func() {
		if !d.sendBtn.Disabled() {
			t.Fatal("Send to a hospital is enabled with nobody chosen")
		}
		if d.waiting.lines.Text != "Nobody is waiting at the hospitals." {
			t.Fatalf("summary: %q", d.waiting.lines.Text)
		}
		test.Type(d.search, "aigerim nurl")
	})
	eventually(t, "search results", func() bool { return len(d.found) == 1 })
	act(func() { d.foundList.Select(0) })
	name := d.found[0].Name
	send := func(hospital, dept string) {
		t.Helper()
		act(func() {
			if d.sendBtn.Disabled() {
				t.Fatal("Send to a hospital is disabled")
			}
			d.sendDlg = nil
			test.Tap(d.sendBtn)
		})
		eventually(t, "the send-to dialog", func() bool { return d.sendDlg != nil && d.sendDlg.dlg != nil })
		act(func() {
			s := d.sendDlg
			for _, o := range s.hospital.Options {
				if strings.HasPrefix(o, hospital) {
					s.hospital.SetSelected(o)
				}
			}
			if dept != "" {
				s.dept.SetSelected(dept)
			}
			s.dlg.Submit()
		})
	}
	send("Kyung Hee", "")
	eventually(t, "the result and the summary", func() bool {
		return d.waiting.note.Text == "Aigerim Nurlanova is now waiting for Kyung Hee University Korean Medicine Hospital · Korean-medicine gynaecology." &&
			d.waiting.lines.Text == "Kyung Hee · Korean-medicine gynaecology: 1 waiting, longest 0 min"
	})
	if name != "Aigerim Nurlanova" {
		t.Fatalf("found %s", name)
	}

	// Sent again: said so, not queued twice.
	send("Kyung Hee", "")
	eventually(t, "already waiting", func() bool {
		return d.waiting.note.Text == "Aigerim Nurlanova is already waiting for Kyung Hee University Korean Medicine Hospital."
	})

	// A visitor just admitted by a scan is the one sent next.
	v := demo.Visitors[3]
	scan(d, v.Code, fyne.KeyReturn)
	eventually(t, "the admitted visitor to send", func() bool { return d.sendTarget != nil && d.sendTarget.ID == v.ID })
	send("Korea University Anam", "Post-COVID care")
	eventually(t, "two lines", func() bool {
		return d.waiting.lines.Text == "Korea University · Post-COVID care: 1 waiting, longest 0 min\n"+
			"Kyung Hee · Korean-medicine gynaecology: 1 waiting, longest 0 min"
	})
	q, err := db.Queue(context.Background(), hospitalNamed(t, db, "Kyung Hee").ID, true)
	if err != nil || len(q) != 1 {
		t.Fatalf("Kyung Hee's queue: %+v %v", q, err)
	}
}

func TestWaitingSummaryText(t *testing.T) {
	// The language changes under the lock screens' background work takes.
	act(func() { SetLanguage("en") })
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	now := eventTime
	w := newWaitingSummary()
	w.show([]booth.QueueCount{
		{OrgName: "Kyung Hee University Korean Medicine Hospital", Department: "Korean-medicine gynaecology", Waiting: 3, Called: 1, Oldest: now.Add(-14 * time.Minute)},
		{OrgName: "Seoul National University Dental Hospital", Consulting: 1},
		{OrgName: "Seoul National University Hospital", Waiting: 1, Oldest: now.Add(-75 * time.Minute)},
		{OrgName: "Short Name Clinic", Waiting: 1, Oldest: now},
	}, now)
	want := "Kyung Hee · Korean-medicine gynaecology: 3 waiting, longest 14 min, 1 called\n" +
		"Seoul National University Dental: nobody waiting, 1 in consultation\n" +
		"Seoul National University Hospital: 1 waiting, longest 1 h 15 min\n" +
		"Short Name Clinic: 1 waiting, longest 0 min"
	if w.lines.Text != want {
		t.Fatalf("summary:\n%s\nwant:\n%s", w.lines.Text, want)
	}
}

// TestQueueShots saves screenshots of the desk with the waiting summary,
// the send-to dialog and a queue panel, in Russian and Korean, to
// /tmp/queue-shots/ for a person to look at. Run with QUEUE_SHOTS=1.
func TestQueueShots(t *testing.T) {
	if os.Getenv("QUEUE_SHOTS") == "" {
		t.Skip("set QUEUE_SHOTS=1 to save screenshots")
	}
	dir := "/tmp/queue-shots"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	save := func(name string, w fyne.Window) {
		t.Helper()
		var f *os.File
		var err error
		act(func() {
			// Fyne's real driver lays out again whenever a minimum size
			// grows; the test canvas only on a resize.
			size := w.Canvas().Size()
			w.Resize(size.AddWidthHeight(1, 1))
			w.Resize(size)
			img := w.Canvas().Capture()
			if f, err = os.Create(filepath.Join(dir, name)); err == nil {
				err = png.Encode(f, img)
				f.Close()
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	loadPendingTranslations(t)
	for _, code := range []string{"ru", "ko"} {
		// The desk: several queues, one long wait, then the dialog.
		u, db, demo := newTestDesk(t)
		act(func() { u.switchLanguage(code) })
		seedQueues(t, db, demo)
		d := u.desk
		act(d.refresh)
		eventually(t, "the summary", func() bool { return strings.Count(d.waiting.lines.Text, "\n") >= 2 })
		eventually(t, "the latest registrations", func() bool { return len(d.found) > 0 })
		act(func() { d.foundList.Select(0) })
		act(func() { test.Tap(d.sendBtn) })
		eventually(t, "the dialog", func() bool { return d.sendDlg != nil && d.sendDlg.dlg != nil })
		act(func() {
			d.sendDlg.hospital.SetSelectedIndex(0)
			d.sendDlg.dlg.Hide()
		})
		act(func() {
			d.waiting.setNote(queueConflictText(&booth.QueueEntry{VisitorName: d.selected.Name, OrgName: d.sendDlg.orgs[0].Name}))
		})
		save("desk-"+code+".png", u.Window())
		act(func() { d.sendDlg.dlg.Show() })
		save("send-"+code+".png", u.Window())
		act(func() { d.sendDlg.dlg.Hide() })

		// A queue panel of four entries in different states.
		pu, pdb, pdemo, clock := newQueueTestApp(t)
		act(func() { SetLanguage(code) })
		anam := hospitalNamed(t, pdb, "Korea University Anam")
		var ids []string
		for i, v := range pdemo.Visitors[:5] {
			dept := "GI cancers"
			if i%2 == 1 {
				dept = "Post-COVID care"
			}
			ids = append(ids, enqueue(t, pdb, v, anam, dept).ID)
			clock.advance(4 * time.Minute)
		}
		ctx := context.Background()
		for _, m := range []struct {
			i int
			a []booth.QueueAction
		}{{0, []booth.QueueAction{booth.QueueStart, booth.QueueFinish}}, {1, []booth.QueueAction{booth.QueueStart}}, {2, []booth.QueueAction{booth.QueueCall}}} {
			for _, a := range m.a {
				if _, err := pdb.MoveQueue(ctx, ids[m.i], a); err != nil {
					t.Fatal(err)
				}
				clock.advance(3 * time.Minute)
			}
		}
		clock.advance(9 * time.Minute)
		var p *queuePanel
		w := test.NewWindow(nil)
		act(func() {
			p = newQueuePanel(pu, anam, nil)
			w.SetContent(p.content)
			w.Resize(fyne.NewSize(1280, 800))
		})
		eventually(t, "the panel's entries", func() bool { return len(p.entries) == 5 })
		act(func() {
			p.list.Select(1)
			p.status.SetText(queueMoveText(booth.QueueCall, &p.entries[1]))
		})
		save("panel-"+code+".png", w)
		act(func() { w.Resize(fyne.NewSize(620, 800)) })
		save("panel-narrow-"+code+".png", w)
		act(func() {
			p.stop()
			w.Close()
		})
	}
}

// loadPendingTranslations adds the queue's translations that wait to be
// merged into assets (QUEUE_TRANSLATIONS, a {"key": [ko, ru, kk]} file), so
// that the screenshots show the real lengths of the words.
func loadPendingTranslations(t *testing.T) {
	path := os.Getenv("QUEUE_TRANSLATIONS")
	if path == "" {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string][]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for i, code := range []string{"ko", "ru", "kk"} {
		one := map[string]string{}
		for k, v := range m {
			one[k] = v[i]
		}
		data, _ := json.Marshal(one)
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(code)); err != nil {
			t.Fatal(err)
		}
	}
}

// seedQueues sends demo visitors to several hospitals, some a while ago.
func seedQueues(t *testing.T, db *data.DB, demo *booth.Demo) {
	t.Helper()
	ctx := context.Background()
	orgs, err := db.Orgs(ctx, booth.OrgHospital)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for i, v := range demo.Visitors[5:14] {
		o := orgs[i%len(orgs)]
		dept := ""
		if len(o.Departments) > 0 {
			dept = o.Departments[i%len(o.Departments)].Name
		}
		e := enqueue(t, db, v, o, dept)
		since := booth.FormatTime(eventTime.Add(-time.Duration(3+i*7) * time.Minute))
		if _, err := raw.Exec(`UPDATE queue_entry SET since = ? WHERE id = ?`, since, e.ID); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			if _, err := db.MoveQueue(ctx, e.ID, booth.QueueStart); err != nil {
				t.Fatal(err)
			}
		}
	}
}

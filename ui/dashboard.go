package ui

import (
	"context"
	"image/color"
	"log"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// dashboardStore is what the dashboard needs from the database; *data.DB
// implements it.
type dashboardStore interface {
	// Report adds up the event's data; hospitalID "" is every hospital.
	Report(ctx context.Context, hospitalID string) (*booth.Report, error)
	// DayCounts returns the desk's counters for an event-local day.
	DayCounts(ctx context.Context, day string) (booth.Counts, error)
	// Changes grows whenever this process writes.
	Changes() int64
	// PeersSeen is the last exchange with each laptop of the booth.
	PeersSeen(ctx context.Context) ([]booth.PeerSeen, error)
}

const (
	// dashboardPoll is how often the dashboard asks whether anything was
	// written; the figures are read again only when something was.
	dashboardPoll = 500 * time.Millisecond
	// The day chart shows at most this many days, the latest ones.
	dashboardMaxDays = 14
	// Horizontal charts show at most this many rows, the largest ones (the
	// Gyeonggi booth shares one desk among 11 hospitals).
	dashboardMaxRows = 12
	// The hour chart always shows the fair's usual opening hours.
	dashboardFirstHour, dashboardLastHour = 9, 18
	// dashMaxBarWidth keeps the bars of a chart with few of them slim.
	dashMaxBarWidth = 72
)

// Text sizes, large enough to read from a step away.
const (
	dashValueSize     = 52
	dashChartTextSize = 15
)

// dashDuplicateColor is the amber of a duplicate, dark enough for text on a
// light background.
var dashDuplicateColor = color.NRGBA{0xb4, 0x53, 0x09, 0xff}

// dashboard shows the event's figures as they grow: today's visitors and
// scans, the event's visitors, consultations and meetings, and charts of
// check-ins by hour and day, consultations by hospital and visitors by type
// and language. A goroutine polls the store's change counter and reads the
// figures again only when it moved (or the hour turned).
type dashboard struct {
	app   *App
	ev    *booth.Event
	loc   *time.Location
	store dashboardStore

	content fyne.CanvasObject
	// root is the window's content while the dashboard fills the main
	// window; once the window shows something else the dashboard stops.
	root fyne.CanvasObject

	today                                        *widget.Label
	visitorsToday, admitted, duplicate, rejected *dashTile
	visitors, consultations, meetings            *dashTile
	hours, days, hospitals, types, languages     *dashChart
	note, updated, status, heard                 *widget.Label
	tiles, body                                  *fyne.Container

	// loaded is set once the first figures are on screen (UI goroutine).
	loaded bool

	stopper
	finished chan struct{} // closed when the polling goroutine has returned
}

// showDashboard opens the dashboard in a window of its own, for a second
// screen facing the booth: the desk goes on checking visitors in beside it
// and the figures follow each scan. Closing it stops it; it shows counts
// only, so it stays up while the desk is locked.
func (u *App) showDashboard() {
	if u.dashWin != nil {
		u.dashWin.RequestFocus()
		return
	}
	if !u.may(booth.ActDashboard) {
		return
	}
	ev, err := u.cfg.Store.Event(context.Background())
	if err != nil {
		log.Printf("dashboard: read event: %v", err)
		return
	}
	w := u.fyne.NewWindow("")
	u.dashWin = w
	u.fillDashboardWindow(ev)
	w.Resize(startSize)
	w.Show()
}

// fillDashboardWindow puts a new dashboard, in the current language, into
// the dashboard's window; the one there before stops.
func (u *App) fillDashboardWindow(ev *booth.Event) {
	if u.dash != nil {
		u.dash.stop()
	}
	d := newDashboard(u, ev, u.cfg.Store)
	w := u.dashWin
	w.SetTitle(lang.L("Dashboard") + " — " + ev.Name)
	w.SetContent(d.content)
	w.SetOnClosed(func() {
		d.stop()
		u.dashWin, u.dash = nil, nil
	})
	u.dash = d
	d.start()
}

// openDashboard opens the dashboard for anyone signed in and returns it
// (tests drive it); nil when it cannot open.
func (u *App) openDashboard() *dashboard {
	if !u.may(booth.ActDashboard) {
		return nil
	}
	store := u.cfg.Store
	ev, err := u.cfg.Store.Event(context.Background())
	if err != nil {
		log.Printf("dashboard: read event: %v", err)
		return nil
	}
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	if u.doctor != nil {
		u.doctor.stop()
		u.doctor = nil
	}
	d := newDashboard(u, ev, store)
	u.setContent(u.adminScreen(lang.L("Dashboard"), d.content))
	d.root = u.win.Content()
	d.start()
	return d
}

func newDashboard(u *App, ev *booth.Event, store dashboardStore) *dashboard {
	d := &dashboard{app: u, ev: ev, loc: ev.Location(), store: store, stopper: newStopper(), finished: make(chan struct{})}
	d.content = d.build()
	return d
}

func (d *dashboard) build() fyne.CanvasObject {
	d.today = dashHeading("")
	d.visitorsToday = newDashTile(lang.L("Visitors today"), colorBrand)
	d.admitted = newDashTile(lang.L("Admitted"), colorAdmitted)
	d.duplicate = newDashTile(lang.L("Already checked in"), dashDuplicateColor)
	d.rejected = newDashTile(lang.L("Rejected"), colorRejected)
	d.visitors = newDashTile(lang.L("Visitors"), colorBrand)
	fg := theme.Color(theme.ColorNameForeground)
	d.consultations = newDashTile(lang.L("Consultations"), fg)
	d.meetings = newDashTile(lang.L("B2B meetings"), fg)
	todayBox := container.NewBorder(d.today, nil, nil, nil, container.NewGridWithColumns(4,
		d.visitorsToday.content, d.admitted.content, d.duplicate.content, d.rejected.content))
	eventBox := container.NewBorder(dashHeading(lang.L("The event so far")), nil, nil, nil, container.NewGridWithColumns(3,
		d.visitors.content, d.consultations.content, d.meetings.content))
	// Seven tiles of one width: today's four beside the event's three.
	d.tiles = container.New(dashSplitLayout{4, 3}, todayBox, eventBox)

	d.note = widget.NewLabel(lang.L("Nothing has happened yet: no badge scanned, no consultation or meeting noted. The figures fill in by themselves as they come."))
	d.note.Wrapping = fyne.TextWrapWord
	d.note.SizeName = theme.SizeNameSubHeadingText
	d.note.Importance = widget.WarningImportance
	d.note.Hide()

	d.hours = newDashChart(lang.L("Check-ins per hour today"), lang.L("No check-in yet today."), false, nil)
	d.days = newDashChart(lang.L("Check-ins per day"), lang.L("No check-in yet."), false, dashShortDay)
	d.hospitals = newDashChart(lang.L("Consultations per hospital"), lang.L("No consultation yet."), true, nil)
	d.types = newDashChart(lang.L("Visitors by type"), lang.L("No check-in yet."), true, dashTypeName)
	d.languages = newDashChart(lang.L("Visitors by language"), lang.L("No check-in yet."), true, dashLanguageName)
	charts := container.NewGridWithColumns(2, d.hours.content, d.days.content, d.hospitals.content,
		container.NewGridWithColumns(2, d.types.content, d.languages.content))

	d.updated = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	d.heard = widget.NewLabel("")
	d.heard.Wrapping = fyne.TextWrapWord
	footer := container.NewVBox(d.heard, container.NewBorder(nil, nil, d.updated, nil, d.status))
	d.body = container.NewBorder(container.NewVBox(d.tiles, d.note), footer, nil, nil, charts)
	return container.NewVScroll(d.body)
}

// dashHeading is the bold title of a group of figures or of a chart.
func dashHeading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	// Long titles (Kazakh, Russian) take two lines rather than widen the
	// dashboard beyond a small screen.
	l.Wrapping = fyne.TextWrapWord
	return l
}

// start begins polling; the first figures are read at once.
func (d *dashboard) start() { go d.run() }

// stop ends the polling. A reading already on its way finds the dashboard
// stopped and leaves the widgets alone.
func (d *dashboard) stop() { d.halt() }

func (d *dashboard) run() {
	defer close(d.finished)
	tick := time.NewTicker(dashboardPoll)
	defer tick.Stop()
	seen, hour, failing := int64(-1), "", false
	var heardAt time.Time
	for {
		// The laptops heard from change without a change of figures: an
		// exchange that brought nothing new.
		if now := d.app.cfg.Now(); now.Sub(heardAt) >= dashboardHeardEvery || now.Before(heardAt) {
			heardAt = now
			d.readHeard()
		}
		// Changes is read before the figures: a write in between only
		// makes the next tick read them again.
		n, now := d.store.Changes(), d.app.cfg.Now()
		if h := booth.HourKey(now, d.loc); n != seen || h != hour {
			f, err := d.read(now)
			switch {
			case err == nil:
				seen, hour, failing = n, h, false
			case !failing:
				log.Printf("dashboard: %v", err)
				failing = true
			}
			d.deliver(f, err)
		} else if d.root != nil {
			d.app.do(func() { d.stopIfGone() })
		}
		select {
		case <-d.done:
			return
		case <-tick.C:
		}
	}
}

// dashboardHeardEvery is how often the dashboard reads which laptops it
// heard from.
const dashboardHeardEvery = 5 * time.Second

// readHeard says which laptops of the booth the figures include.
func (d *dashboard) readHeard() {
	peers, err := d.store.PeersSeen(context.Background())
	if err != nil {
		return // the figures' reading says what is wrong
	}
	text := lang.L("The figures are this laptop's own: no other laptop of the booth heard from.")
	var names []string
	for _, p := range peers {
		if p.LastOK == nil {
			continue
		}
		names = append(names, lang.L("{{.Name}} at {{.Time}}", map[string]any{"Name": p.Name, "Time": p.LastOK.In(d.loc).Format("15:04:05")}))
	}
	if len(names) > 0 {
		text = lang.L("The figures add up the whole booth: this laptop and those heard from, {{.Laptops}}.", map[string]any{"Laptops": strings.Join(names, ", ")})
	}
	d.app.do(func() {
		if !d.stopped() && d.heard.Text != text {
			d.heard.SetText(text)
			d.relayout()
		}
	})
}

// read adds up the figures as of now, off the UI goroutine.
func (d *dashboard) read(now time.Time) (*dashFigures, error) {
	ctx := context.Background()
	r, err := d.store.Report(ctx, "")
	if err != nil {
		return nil, err
	}
	c, err := d.store.DayCounts(ctx, d.ev.LocalDay(now))
	if err != nil {
		return nil, err
	}
	return dashFiguresOf(d.ev, r, c, now), nil
}

// deliver hands a reading to the widgets.
func (d *dashboard) deliver(f *dashFigures, err error) {
	d.app.do(func() {
		if d.stopIfGone() {
			return
		}
		if err != nil {
			say(d.status, message(err), true)
			return
		}
		d.status.SetText("")
		d.show(f)
	})
}

// stopIfGone stops the dashboard once its screen has left the window (back
// to the desk, the screen locked) and reports whether it is stopped. It
// runs on the UI goroutine.
func (d *dashboard) stopIfGone() bool {
	if d.root != nil && d.app.win.Content() != d.root {
		d.halt()
	}
	return d.stopped()
}

// show puts figures on screen, in the interface language.
func (d *dashboard) show(f *dashFigures) {
	n := func(count int) map[string]any { return map[string]any{"Count": count} }
	d.today.SetText(lang.L("Today, {{.Day}}", map[string]any{"Day": dayText(f.day, false)}))
	d.visitorsToday.set(f.visitorsToday, lang.L("Scans: {{.Count}}", n(f.scansToday)))
	d.admitted.set(f.admittedToday, "")
	d.duplicate.set(f.duplicateToday, "")
	d.rejected.set(f.rejectedToday, "")
	d.visitors.set(f.visitors, lang.L("Registered: {{.Count}}", n(f.registered)))
	d.consultations.set(f.consultations, lang.L("Patients: {{.Count}}", n(f.patients)))
	d.meetings.set(f.meetings, lang.L("MOUs: {{.Count}}", n(f.mous)))
	d.hours.set(f.hours)
	d.days.set(f.days)
	d.hospitals.set(f.hospitals)
	d.types.set(f.types)
	d.languages.set(f.languages)
	if f.empty {
		d.note.Show()
	} else {
		d.note.Hide()
	}
	d.updated.SetText(lang.L("Last updated: {{.Time}}", map[string]any{"Time": f.at.In(d.loc).Format("15:04:05")}))
	d.loaded = true
	d.relayout()
}

// relayout lays the screen out again, as the sentence came or went. Twice:
// text that wraps knows its height only once the first pass gave it a
// width. The tiles too, so that both groups keep one height.
func (d *dashboard) relayout() {
	d.body.Refresh()
	d.body.Refresh()
	d.tiles.Refresh()
}

// dashFigures are the dashboard's numbers at one moment, with keys not yet
// translated: they are made off the UI goroutine, words are put on it.
type dashFigures struct {
	day string // event-local today
	at  time.Time

	visitorsToday, scansToday, admittedToday, duplicateToday, rejectedToday int
	visitors, registered, consultations, patients, meetings, mous           int

	hours, days, hospitals, types, languages []dashBar
	// empty is true while nothing was recorded: no scan, consultation or
	// meeting.
	empty bool
}

// dashBar is one bar of a chart; now marks the current hour or day.
type dashBar struct {
	key string
	n   int
	now bool
}

// dashFiguresOf adds up what the dashboard shows from the event's report and
// today's desk counters, as of now.
//
// The report counts scan decisions over the whole event only, so today's
// come from the desk's counters: admitted is the visitors admitted today
// (a laptop admits a visitor once a day and records later scans as
// duplicates), and duplicates are the scans neither admitted nor rejected.
func dashFiguresOf(ev *booth.Event, r *booth.Report, c booth.Counts, now time.Time) *dashFigures {
	f := &dashFigures{day: c.Day, at: now,
		visitorsToday: c.Unique, scansToday: c.Scans, admittedToday: c.Unique, rejectedToday: c.Rejected,
		duplicateToday: max(c.Scans-c.Rejected-c.Unique, 0),
		visitors:       r.VisitorsUnique, registered: r.Registered, consultations: r.Consultations,
		patients: r.PatientsConsulted, meetings: r.Meetings, mous: r.MOUs,
		empty: r.Scans == 0 && r.Consultations == 0 && r.Meetings == 0,
	}
	f.hours = dashHourBars(r.CheckinsByHour, c.Day, now.In(ev.Location()).Hour())
	f.days = dashDayBars(ev, r.CheckinsByDay, c.Day)
	f.hospitals = dashLargest(r.ConsultationsByHospital)
	f.types = dashLargest(r.VisitorsByType)
	f.languages = dashLargest(r.VisitorsBy.Language)
	return f
}

// dashHourBars are today's check-ins by hour: the usual opening hours, widened
// to every hour with a check-in and to the current one.
func dashHourBars(byHour map[string]int, day string, current int) []dashBar {
	counts := map[int]int{}
	lo, hi := min(dashboardFirstHour, current), max(dashboardLastHour, current)
	for k, n := range byHour {
		d, h, ok := strings.Cut(k, " ")
		if !ok || d != day || len(h) < 2 {
			continue
		}
		hour, err := strconv.Atoi(h[:2])
		if err != nil {
			continue
		}
		counts[hour] += n
		lo, hi = min(lo, hour), max(hi, hour)
	}
	bars := make([]dashBar, 0, hi-lo+1)
	for h := lo; h <= hi; h++ {
		bars = append(bars, dashBar{key: strconv.Itoa(h), n: counts[h], now: h == current})
	}
	return bars
}

// dashDayBars are the unique visitors of each day: the event's days and any
// other day with check-ins, the latest dashboardMaxDays of them.
func dashDayBars(ev *booth.Event, byDay map[string]int, today string) []dashBar {
	days := map[string]bool{}
	start, err1 := time.Parse(time.DateOnly, ev.Start)
	end, err2 := time.Parse(time.DateOnly, ev.End)
	if err1 == nil && err2 == nil && !end.Before(start) && end.Sub(start) < 366*24*time.Hour {
		for t := start; !t.After(end); t = t.AddDate(0, 0, 1) {
			days[t.Format(time.DateOnly)] = true
		}
	}
	for k, n := range byDay {
		if n > 0 {
			days[k] = true
		}
	}
	keys := make([]string, 0, len(days))
	for k := range days {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > dashboardMaxDays {
		keys = keys[len(keys)-dashboardMaxDays:]
	}
	bars := make([]dashBar, len(keys))
	for i, k := range keys {
		bars[i] = dashBar{key: k, n: byDay[k], now: k == today}
	}
	return bars
}

// dashLargest lists the counts largest first, then by key, at most
// dashboardMaxRows of them.
func dashLargest(m map[string]int) []dashBar {
	bars := make([]dashBar, 0, len(m))
	for k, n := range m {
		if n > 0 {
			bars = append(bars, dashBar{key: k, n: n})
		}
	}
	sort.Slice(bars, func(i, j int) bool {
		if bars[i].n != bars[j].n {
			return bars[i].n > bars[j].n
		}
		return bars[i].key < bars[j].key
	})
	if len(bars) > dashboardMaxRows {
		bars = bars[:dashboardMaxRows]
	}
	return bars
}

// dashShortDay shows a day without its year, as the language writes it.
func dashShortDay(day string) string { return dayText(day, true) }

// dashTypeName names a report's visitor type key.
func dashTypeName(key string) string {
	if key == "(none)" {
		return lang.L("Not given")
	}
	return typeName(booth.VisitorType(key))
}

// dashLanguageName names a report's language key, in that language.
func dashLanguageName(key string) string {
	if key == "(none)" {
		return lang.L("Not given")
	}
	for _, l := range Languages {
		if l.Code == key {
			return l.Name
		}
	}
	return strings.ToUpper(key)
}

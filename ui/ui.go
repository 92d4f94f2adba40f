// Package ui is medibooth's Fyne front end: one controller struct per screen,
// each talking to the narrow store interfaces it needs, so tests can drive
// real widgets over a real or fake store.
package ui

import (
	"context"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// Store is what the screens need from the database; *data.DB implements it.
type Store interface {
	booth.EventService
	booth.CheckinService
	booth.BadgeService
	FindVisitors(ctx context.Context, query string, limit int) ([]booth.Visitor, error)
	CountVisitors(ctx context.Context, query string, upTo int) (int, error)
	RecentVisitors(ctx context.Context, limit int) ([]booth.Visitor, error)
	CreateVisitor(ctx context.Context, v *booth.Visitor, consents []booth.Consent) error
	Visitor(ctx context.Context, id string) (*booth.Visitor, error)
	UpdateVisitor(ctx context.Context, v *booth.Visitor) error
	EraseVisitor(ctx context.Context, id string) error
	VisitorScans(ctx context.Context, visitorID string) ([]booth.Scan, error)
	Consents(ctx context.Context, visitorID string) ([]booth.Consent, error)
	AddConsent(ctx context.Context, c *booth.Consent) error
	Specialties(ctx context.Context) ([]string, error)
	Orgs(ctx context.Context, kind booth.OrgKind) ([]booth.Org, error)

	Import(ctx context.Context, vs []booth.Visitor) (booth.ImportResult, error)

	HasAdmin(ctx context.Context) (bool, error)
	StaffMembers(ctx context.Context) ([]booth.Staff, error)
	CreateStaff(ctx context.Context, s *booth.Staff, pin string) error
	UpdateStaff(ctx context.Context, s *booth.Staff) error
	SetPIN(ctx context.Context, id, pin string) error
	SignIn(ctx context.Context, id, pin string) (*booth.Staff, error)

	queueStore
	meetingStore
	consultStore
	syncStore
	peopleStore
	reportsStore
	dashboardStore
	boothNetStore
}

// Config wires the screens to the rest of the app.
type Config struct {
	Store Store
	// LoadDemo loads the embedded demo event, offered on first run.
	LoadDemo func(ctx context.Context) error
	// JoinEvent sets this laptop up from an event package file (the bytes of
	// the file HQ made), naming the laptop deviceName unless it is "".
	JoinEvent func(ctx context.Context, file []byte, deviceName string) error
	// DeviceName is this laptop's name, shown in the header.
	DeviceName string
	// Printer is the printer badges go to; "" is the system's default.
	Printer string
	// Print sends a PDF to the printer; nil means through the operating
	// system (CUPS lp, or the default print handler).
	Print func(ctx context.Context, pdf []byte) error
	// Sound plays the sound of a scan result; nil means through the
	// operating system's sound player.
	Sound func(booth.Decision)
	// Now is the clock (tests set it); nil means time.Now.
	Now func() time.Time
	// Network runs this laptop on the booth network; nil leaves it off
	// (and the booth network's screen out).
	Network BoothNetwork
	// ReadOnly is true when the data could be opened for reading only (a
	// full disk, read-only media): every screen then says so at its top.
	ReadOnly bool
}

// App is the main window and the screen it shows.
type App struct {
	cfg      Config
	fyne     fyne.App
	win      fyne.Window
	desk     *desk
	setup    *setup
	badge    *badgeView    // the badge on screen, if any
	register *registerForm // the registration form, if open
	// escapable are the dialogs open that Escape closes, the last on top.
	escapable []dialog.Dialog
	visitor   *visitorView  // the visitor shown, if any
	signIn    *signInScreen // the sign-in or first-admin screen, if shown
	kiosk     *kiosk        // the visitors' kiosk, while this laptop is one
	staffScr  *staffScreen  // the staff screen, if shown
	settings  *settingsScreen
	doctor    *doctorDesk // the doctors' desk, if shown
	sync      *syncScreen
	boothNet  *boothNetScreen
	// netErr is why the laptop could not go on the booth network, if so.
	netErr atomic.Pointer[error]
	// netJoined is set once the laptop was put on the booth network.
	netJoined bool
	people    *peopleScreen
	// dash is the dashboard in its own window (dashWin), if open.
	dash    *dashboard
	dashWin fyne.Window
	// screen is the main screen chosen: "desk" (check-in) or "doctor".
	screen string
	// notesKey is the signed-in doctor's hospital key, once they opened
	// the notes with its passphrase; forgotten on lock.
	notesKey *booth.NotesKey

	// staff is who is signed in; nil while the screen is locked or the
	// kiosk runs. kioskBy is who started the kiosk: the registrations made
	// there are recorded under their name.
	staff, kioskBy *booth.Staff
	// lastStaffID is who signed in last, offered first on the lock screen.
	lastStaffID string
	idle        idleWatch
}

// startSize is the main window's size when it opens: with its title bar and
// a task bar it fits a 1024×600 netbook screen.
var startSize = fyne.NewSize(1000, 540)

// uiMu is held while background work touches widgets (see do).
var uiMu sync.Mutex

// do runs f, which touches widgets, on the UI goroutine: the one way work
// done in the background hands its result to the screen. The lock makes the
// hand-over safe in tests too, where Fyne's test driver runs f on the
// calling goroutine and the test holds the same lock while it reads or
// drives widgets.
func (u *App) do(f func()) {
	fyne.Do(func() {
		uiMu.Lock()
		defer uiMu.Unlock()
		f()
	})
}

// Create builds the main window: the check-in desk, or the set-up screen
// when this laptop has no event yet.
func Create(a fyne.App, cfg Config) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	SetLanguage(a.Preferences().StringWithFallback(prefLanguage, DefaultLanguage))
	a.Settings().SetTheme(newTheme())
	u := &App{cfg: cfg, fyne: a, win: a.NewWindow("medibooth")}
	// Closing the desk ends the app, the dashboard's window with it.
	u.win.SetMaster()
	// Fyne cannot open a window maximised: it opens at a size that fits
	// the smallest booth screen, and on Windows, what booths run, it is
	// maximised as soon as it shows.
	u.win.Resize(startSize)
	u.win.CenterOnScreen()
	a.Lifecycle().SetOnStarted(func() { maximize(u.win) })
	u.idle.last = cfg.Now()
	u.win.Canvas().SetOnTypedKey(u.onTypedKey)
	u.show()
	u.startIdleWatch()
	return u
}

// onTypedKey takes the keys no field took: Escape closes the text shown on
// top (a consent text, the badge).
func (u *App) onTypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		u.escape()
	}
}

// escape closes the dialog on top that Escape closes, and reports whether
// there was one.
func (u *App) escape() bool {
	if len(u.escapable) == 0 {
		return false
	}
	u.escapable[len(u.escapable)-1].Hide()
	return true
}

// showEscapable shows a dialog that Escape closes.
func (u *App) showEscapable(d dialog.Dialog) {
	u.escapable = append(u.escapable, d)
	d.SetOnClosed(func() {
		for i, e := range u.escapable {
			if e == d {
				u.escapable = append(u.escapable[:i], u.escapable[i+1:]...)
				break
			}
		}
	})
	d.Show()
}

// Window returns the main window.
func (u *App) Window() fyne.Window { return u.win }

// show puts the right screen into the window, in the current language.
func (u *App) show() {
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	if u.kiosk != nil {
		u.kiosk.stop()
		u.kiosk = nil
	}
	if u.doctor != nil {
		u.doctor.stop()
		u.doctor = nil
	}
	if u.boothNet != nil {
		u.boothNet.stop()
		u.boothNet = nil
	}
	u.setup, u.signIn, u.staffScr, u.settings, u.sync, u.people = nil, nil, nil, nil, nil, nil
	ctx := context.Background()
	ev, err := u.cfg.Store.Event(ctx)
	if booth.ErrorCode(err) == booth.ENOTFOUND {
		u.win.SetTitle("medibooth")
		u.setup = newSetup(u)
		u.setContent(u.setup.content)
		return
	} else if err != nil {
		log.Printf("read event: %v", err)
		u.setContent(errorScreen(err))
		return
	}
	u.win.SetTitle("medibooth — " + ev.Name)
	if !u.netJoined {
		u.netJoined = true
		u.joinBoothNetwork()
	}
	if u.staff == nil {
		hasAdmin, err := u.cfg.Store.HasAdmin(ctx)
		if err != nil {
			log.Printf("read staff: %v", err)
			u.setContent(errorScreen(err))
			return
		}
		u.signIn = newSignInScreen(u, ev, !hasAdmin)
		u.setContent(u.signIn.content)
		u.signIn.focus()
		return
	}
	if u.screen == "doctor" && u.may(booth.ActConsult) {
		u.showDoctor()
		return
	}
	u.desk = newDesk(u, ev)
	u.setContent(u.desk.content)
	u.desk.start()
}

// showDesk shows the check-in desk.
func (u *App) showDesk() {
	u.screen = "desk"
	u.show()
}

// setContent shows a screen; the activity watcher around it keeps the
// screen unlocked while someone works.
func (u *App) setContent(c fyne.CanvasObject) {
	if u.cfg.ReadOnly {
		warn := widget.NewLabel("")
		warn.Wrapping = fyne.TextWrapWord
		say(warn, lang.L("This laptop's data is open for reading only: the disk is full or cannot be written."), true)
		c = container.NewBorder(warn, nil, nil, nil, c)
	}
	u.win.SetContent(newActivityArea(u, c))
}

// ctx is the context of work done for the person signed in: the store
// records them as the staff member on consents and prints.
func (u *App) ctx() context.Context {
	s := u.staff
	if s == nil {
		s = u.kioskBy
	}
	if s == nil {
		return context.Background()
	}
	return booth.WithStaff(context.Background(), s)
}

// may reports whether the person signed in may do a.
func (u *App) may(a booth.Action) bool { return u.staff != nil && u.staff.Role.May(a) }

// switchLanguage changes the language and rebuilds the screen in it.
func (u *App) switchLanguage(code string) {
	if code == CurrentLanguage() {
		return
	}
	u.fyne.Preferences().SetString(prefLanguage, code)
	SetLanguage(code)
	u.show()
	// The dashboard's window speaks the desk's language too.
	if u.dashWin != nil && u.dash != nil {
		u.fillDashboardWindow(u.dash.ev)
	}
}

// message turns an error into the sentence shown to staff, translated when
// it is one of ours.
// translate is lang.L for one key.
func translate(key string) string { return lang.L(key) }

func message(err error) string {
	return booth.Localize(err, translate)
}

// say shows a one-sentence status on l: red when bad, green otherwise.
func say(l *widget.Label, text string, bad bool) {
	l.SetText(text)
	if bad {
		l.Importance = widget.DangerImportance
	} else {
		l.Importance = widget.SuccessImportance
	}
	l.Refresh()
}

// stopper ends a screen's background work once; callbacks that arrive
// later ask stopped and leave the widgets alone.
type stopper struct{ done chan struct{} }

func newStopper() stopper { return stopper{done: make(chan struct{})} }

// halt closes done, once.
func (s stopper) halt() {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
}

func (s stopper) stopped() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

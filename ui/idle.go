package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Preferences of this laptop, changed by an admin under Settings.
const (
	prefLockMinutes  = "lock-minutes"  // auto-lock after this many idle minutes; 0 never
	prefKioskSeconds = "kiosk-seconds" // the kiosk starts over after this many idle seconds
	prefPrinter      = "printer"       // the badge printer; "" the system's default
	prefSound        = "sound"         // scan results sound
)

const (
	defaultLockMinutes  = 5
	defaultKioskSeconds = 90
	idleTick            = 2 * time.Second
)

// lockAfter is how long the screen stays unlocked with nobody working.
func (u *App) lockAfter() time.Duration {
	return time.Duration(u.fyne.Preferences().IntWithFallback(prefLockMinutes, defaultLockMinutes)) * time.Minute
}

// kioskIdle is how long the kiosk waits for a visitor before starting over.
func (u *App) kioskIdle() time.Duration {
	return time.Duration(u.fyne.Preferences().IntWithFallback(prefKioskSeconds, defaultKioskSeconds)) * time.Second
}

// printer is the printer badges go to.
func (u *App) printer() string {
	return u.fyne.Preferences().StringWithFallback(prefPrinter, u.cfg.Printer)
}

// idleWatch notices when nobody has worked for a while. Fyne hands input to
// the widget under it, so activity is gathered three ways: the pointer
// moving over the screen (activityArea), the text or cursor of the focused
// field changing between ticks, and the screens calling touch.
type idleWatch struct {
	mu     sync.Mutex
	last   time.Time
	field  fyne.Focusable
	text   string
	cursor int
	done   chan struct{}
}

// touch records that someone is working now.
func (u *App) touch() {
	u.idle.mu.Lock()
	u.idle.last = u.cfg.Now()
	u.idle.mu.Unlock()
}

func (u *App) startIdleWatch() {
	u.idle.done = make(chan struct{})
	go func() {
		t := time.NewTicker(idleTick)
		defer t.Stop()
		for {
			select {
			case <-u.idle.done:
				return
			case <-t.C:
				u.do(func() { u.checkIdle(u.cfg.Now()) })
			}
		}
	}()
	u.win.SetOnClosed(func() { close(u.idle.done) })
}

// checkIdle locks the screen, or starts the kiosk over, when nobody has
// worked for long enough by now.
func (u *App) checkIdle(now time.Time) {
	u.noticeTyping()
	u.idle.mu.Lock()
	idle := now.Sub(u.idle.last)
	u.idle.mu.Unlock()
	switch {
	case u.kiosk != nil:
		if d := u.kioskIdle(); d > 0 && idle >= d {
			u.kiosk.idle()
		}
	case u.staff != nil:
		if d := u.lockAfter(); d > 0 && idle >= d {
			u.lock()
		}
	}
}

// noticeTyping counts a change of the focused field's text or cursor since
// the last tick as activity.
func (u *App) noticeTyping() {
	f := u.win.Canvas().Focused()
	e, ok := f.(*widget.Entry)
	if tf, isField := f.(interface{ textEntry() *widget.Entry }); isField {
		e, ok = tf.textEntry(), true
	}
	if !ok {
		u.idle.field = f
		return
	}
	if f != u.idle.field || e.Text != u.idle.text || e.CursorColumn+e.CursorRow*1e6 != u.idle.cursor {
		if f == u.idle.field {
			u.touch()
		}
		u.idle.field, u.idle.text, u.idle.cursor = f, e.Text, e.CursorColumn+e.CursorRow*1e6
	}
}

// activityArea wraps a whole screen and reports the pointer moving over it
// as activity. Widgets that take hover themselves (buttons) hide the pointer
// from it, but reaching them crosses the screen.
type activityArea struct {
	widget.BaseWidget
	app     *App
	content fyne.CanvasObject
}

var _ desktop.Hoverable = (*activityArea)(nil)

func newActivityArea(u *App, content fyne.CanvasObject) *activityArea {
	a := &activityArea{app: u, content: content}
	a.ExtendBaseWidget(a)
	return a
}

func (a *activityArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(a.content)
}

func (a *activityArea) MouseIn(*desktop.MouseEvent)    { a.app.touch() }
func (a *activityArea) MouseMoved(*desktop.MouseEvent) { a.app.touch() }
func (a *activityArea) MouseOut()                      {}

// Tapped counts a tap on an empty part of the screen.
func (a *activityArea) Tapped(*fyne.PointEvent) { a.app.touch() }

package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// scanEntry is the scan field. A keyboard-wedge scanner ends a code with
// Enter or Tab, or with nothing at all; Tab must not move the focus away, and
// a code left without a terminator is submitted once the typing stops.
type scanEntry struct {
	widget.Entry
	// onShortcut takes the screen's shortcuts (true: handled) before the
	// field's own (copy, paste …): the focus rarely leaves this field.
	onShortcut func(fyne.Shortcut) bool
	submit     func(string)
	do         func(func()) // runs a func on the UI goroutine
	idle       *time.Timer
}

func newScanEntry(submit func(string), do func(func())) *scanEntry {
	e := &scanEntry{submit: submit, do: do}
	e.ExtendBaseWidget(e)
	return e
}

// textEntry is the field itself, for noticing typing (noticeTyping).
func (e *scanEntry) textEntry() *widget.Entry { return &e.Entry }

// textEntry is the field itself, for noticing typing (noticeTyping).
func (e *shortcutEntry) textEntry() *widget.Entry { return &e.Entry }

// TypedShortcut lets the screen's shortcuts through.
func (e *scanEntry) TypedShortcut(s fyne.Shortcut) {
	if e.onShortcut != nil && e.onShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// shortcutEntry is a text field that lets the screen's shortcuts through.
type shortcutEntry struct {
	widget.Entry
	onShortcut func(fyne.Shortcut) bool
}

func newShortcutEntry(onShortcut func(fyne.Shortcut) bool) *shortcutEntry {
	e := &shortcutEntry{onShortcut: onShortcut}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut lets the screen's shortcuts through.
func (e *shortcutEntry) TypedShortcut(s fyne.Shortcut) {
	if e.onShortcut != nil && e.onShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// AcceptsTab keeps Tab in the field: scanners send it as a terminator.
func (e *scanEntry) AcceptsTab() bool { return true }

// TypedKey submits on Enter and Tab.
func (e *scanEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyTab:
		e.flush()
		return
	}
	e.Entry.TypedKey(k)
}

// TypedRune types a rune and restarts the idle timer for terminator-less
// scanners.
func (e *scanEntry) TypedRune(r rune) {
	if r == '\t' {
		e.flush()
		return
	}
	e.Entry.TypedRune(r)
	if e.idle != nil {
		e.idle.Stop()
	}
	e.idle = time.AfterFunc(scannerIdle, func() {
		e.do(func() {
			if _, err := booth.ParseCode(e.Text); err == nil {
				e.flush()
			}
		})
	})
}

func (e *scanEntry) flush() {
	if e.idle != nil {
		e.idle.Stop()
	}
	text := e.Text
	e.SetText("")
	if text != "" {
		e.submit(text)
	}
}

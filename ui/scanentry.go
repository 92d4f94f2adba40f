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
	submit func(string)
	do     func(func()) // runs a func on the UI goroutine
	idle   *time.Timer
}

func newScanEntry(submit func(string), do func(func())) *scanEntry {
	e := &scanEntry{submit: submit, do: do}
	e.ExtendBaseWidget(e)
	return e
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

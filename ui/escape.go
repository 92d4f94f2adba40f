package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Escape closes the dialog on top (showEscapable). Fyne gives a key to the
// focused widget and to the window only when nothing has the focus, so the
// fields of dialogs pass Escape on themselves: escEntry is an entry that
// does, and every dialog with fields uses it.
type escEntry struct {
	widget.Entry
	app *App
}

// newEntry returns a one-line entry whose Escape closes the dialog on top.
func (u *App) newEntry() *escEntry {
	e := &escEntry{app: u}
	e.ExtendBaseWidget(e)
	return e
}

// newPasswordEntry returns a password entry whose Escape closes the dialog
// on top.
func (u *App) newPasswordEntry() *escEntry {
	e := u.newEntry()
	e.Password = true
	return e
}

// TypedKey closes the dialog on top on Escape, and is the entry's otherwise.
func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.app.escape() {
		return
	}
	e.Entry.TypedKey(k)
}

// showError shows err's sentence in a dialog that Escape closes.
func (u *App) showError(err error) {
	u.showEscapable(dialog.NewError(errors.New(message(err)), u.win))
}

//go:build !windows

package ui

import "fyne.io/fyne/v2"

// maximize leaves the window at the size it opened with: Fyne offers no way
// to maximise a window on Linux and macOS, and the size it opens at fits the
// smallest booth screen.
func maximize(fyne.Window) {}

//go:build windows

package ui

import (
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// swMaximize is ShowWindow's command that maximises a window.
const swMaximize = 3

var showWindow = syscall.NewLazyDLL("user32.dll").NewProc("ShowWindow")

// maximize fills the screen with the window once it shows: booth laptops
// have one window open, and Fyne opens it at a size of its own.
func maximize(w fyne.Window) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(ctx any) {
		if c, ok := ctx.(driver.WindowsWindowContext); ok && c.HWND != 0 {
			showWindow.Call(c.HWND, swMaximize)
		}
	})
}

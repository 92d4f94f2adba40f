package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"medibooth/booth"
)

// Everyone at the desk finds which medibooth runs, behind the staff bar's
// information button; Escape closes it.
func TestAboutNamesTheVersion(t *testing.T) {
	u, _, _ := newTestDesk(t)
	var before int
	act(func() {
		before = overlays(u)
		test.Tap(u.aboutButton())
		if !overlayText(u, "medibooth "+booth.Version) {
			t.Fatal("the About box does not name the version")
		}
		press(u, "Escape")
		if overlays(u) != before {
			t.Fatal("Escape left the About box open")
		}
	})
}

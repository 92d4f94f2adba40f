package ui

import (
	"testing"

	"medibooth/booth"
)

// Everyone at the desk finds which medibooth runs, in the staff bar's menu;
// Escape closes it.
func TestAboutNamesTheVersion(t *testing.T) {
	u, _, _ := newTestDesk(t)
	var before int
	act(func() {
		before = overlays(u)
		m := u.adminMenu()
		last := m.Items[len(m.Items)-1]
		if last.Label != "About medibooth" && last.Label != translate("About medibooth") {
			t.Fatalf("the menu ends with %q", last.Label)
		}
		last.Action()
		if !overlayText(u, "medibooth "+booth.Version) {
			t.Fatal("the About box does not name the version")
		}
		press(u, "Escape")
		if overlays(u) != before {
			t.Fatal("Escape left the About box open")
		}
	})
}

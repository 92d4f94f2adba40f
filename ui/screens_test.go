package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
)

// TestScreenshots renders the staff screens in every language for people
// to look at: SCREENS_SHOTS=DIR go test ./ui -run Screenshots.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("SCREENS_SHOTS")
	if dir == "" {
		t.Skip("SCREENS_SHOTS is not set")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	for _, l := range Languages {
		u, db, demo := newTestApp(t)
		dentist := demoDoctor(t, db, demo, "Dentist — SNU Dental", "4826")
		shot := func(name string) {
			t.Helper()
			act(func() {
				u.Window().Resize(fyne.NewSize(1280, 800))
				f, err := os.Create(filepath.Join(dir, name+"-"+l.Code+".png"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := png.Encode(f, u.Window().Canvas().Capture()); err != nil {
					t.Fatal(err)
				}
			})
		}
		act(func() { u.switchLanguage(l.Code) })
		eventually(t, "the sign-in list", func() bool { return u.signIn != nil && len(u.signIn.who.Options) > 0 })
		shot("signin")
		signInAs(t, u, "Admin", testPIN)
		shot("desk")
		act(u.showStaff)
		eventually(t, "the staff list", func() bool { return len(u.staffScr.staff) > 0 })
		shot("staff")
		act(u.showSettings)
		shot("settings")
		act(u.showMeetings)
		shot("meetings")
		var dash *dashboard
		act(func() { dash = u.openDashboard() })
		eventually(t, "the dashboard's figures", func() bool { return dash != nil && dash.loaded })
		shot("dashboard")
		act(dash.stop)
		act(u.lock)
		signInAs(t, u, dentist.Name, "4826")
		eventually(t, "the doctors' desk", func() bool { return u.doctor != nil })
		shot("doctor")
	}
}

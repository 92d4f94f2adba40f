package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// Choices the settings offer for the idle times.
var (
	lockChoices  = []int{1, 2, 5, 10, 15, 30}  // minutes
	kioskChoices = []int{30, 60, 90, 120, 180} // seconds
)

// settingsScreen is this laptop's settings, for admins: the badge printer,
// scan sounds, and how soon the screen locks and the kiosk starts over.
// Each change applies at once.
type settingsScreen struct {
	app     *App
	printer *widget.Entry
	sound   *widget.Check
	lock    *widget.Select
	kiosk   *widget.Select
	status  *widget.Label
}

// showSettings opens the settings (admins only).
func (u *App) showSettings() {
	if !u.may(booth.ActSettings) {
		return
	}
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	s := &settingsScreen{app: u}
	u.settings = s
	u.setContent(u.adminScreen(lang.L("Settings"), s.build()))
}

func (s *settingsScreen) build() fyne.CanvasObject {
	prefs := s.app.fyne.Preferences()
	s.status = widget.NewLabel("")
	saved := func() { s.status.SetText(lang.L("Saved.")) }

	s.printer = widget.NewEntry()
	s.printer.SetText(s.app.printer())
	s.printer.SetPlaceHolder(lang.L("The system's default printer"))
	s.printer.OnChanged = func(text string) {
		prefs.SetString(prefPrinter, strings.TrimSpace(text))
		saved()
	}

	s.sound = widget.NewCheck(lang.L("Sound for each scan (admitted, already in, rejected)"), nil)
	s.sound.SetChecked(prefs.BoolWithFallback(prefSound, true))
	s.sound.OnChanged = func(on bool) {
		prefs.SetBool(prefSound, on)
		saved()
	}

	minutes := func(n int) string { return lang.L("{{.N}} min", map[string]any{"N": n}) }
	seconds := func(n int) string { return lang.L("{{.N}} s", map[string]any{"N": n}) }
	s.lock = choiceSelect(lockChoices, minutes, int(s.app.lockAfter().Minutes()), func(n int) {
		prefs.SetInt(prefLockMinutes, n)
		saved()
	})
	s.kiosk = choiceSelect(kioskChoices, seconds, int(s.app.kioskIdle().Seconds()), func(n int) {
		prefs.SetInt(prefKioskSeconds, n)
		saved()
	})

	// The version, for HQ and support: it travels in every bundle too.
	about := widget.NewLabel(fmt.Sprintf("%s: %s · %s", lang.L("This laptop"), s.app.cfg.DeviceName, booth.VersionLine()))
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Badge printer"), s.printer),
		widget.NewFormItem(lang.L("Sounds"), s.sound),
		widget.NewFormItem(lang.L("Lock the screen after idle"), s.lock),
		widget.NewFormItem(lang.L("Kiosk starts over after idle"), s.kiosk),
	)
	hint := widget.NewLabel(lang.L("Badges print on a 62 × 100 mm label printer through the system's printing (CUPS on Linux and macOS). Leave the printer empty to use the default."))
	hint.Wrapping = fyne.TextWrapWord
	return container.NewVBox(about, form, hint, s.status)
}

// choiceSelect offers the numbers in choices, named by name, with current
// selected (or the nearest choice), and calls set with the chosen number.
func choiceSelect(choices []int, name func(int) string, current int, set func(int)) *widget.Select {
	names := make([]string, len(choices))
	for i, n := range choices {
		names[i] = name(n)
	}
	sel := widget.NewSelect(names, nil)
	best := 0
	for i, n := range choices {
		if abs(n-current) < abs(choices[best]-current) {
			best = i
		}
	}
	sel.SetSelectedIndex(best)
	sel.OnChanged = func(string) { set(choices[sel.SelectedIndex()]) }
	return sel
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

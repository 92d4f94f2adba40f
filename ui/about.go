package ui

import (
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// aboutButton opens About medibooth: an icon beside Lock, for everyone.
func (u *App) aboutButton() *widget.Button {
	return widget.NewButtonWithIcon("", theme.InfoIcon(), u.showAbout)
}

// showAbout says which medibooth this is, on which laptop: what support
// asks first.
func (u *App) showAbout() {
	title := widget.NewLabelWithStyle(booth.VersionLine(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	lines := widget.NewLabel(lang.L("Laptop: {{.Name}}", map[string]any{"Name": u.cfg.DeviceName}) + "\n" +
		runtime.GOOS + "/" + runtime.GOARCH + " · " + runtime.Version() + "\n" +
		lang.L("Font: Pretendard, SIL Open Font License 1.1"))
	lines.Wrapping = fyne.TextWrapWord
	u.showEscapable(dialog.NewCustom(lang.L("About medibooth"), lang.L("Close"), container.NewVBox(title, lines), u.win))
}

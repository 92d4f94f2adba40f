package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"medibooth/assets"
)

// boothTheme is Fyne's default theme with the bundled Pretendard font, so
// Hangul, Russian and Kazakh letters render in one typeface on a laptop with
// no CJK font installed.
type boothTheme struct {
	fyne.Theme
	regular, bold fyne.Resource
}

func newTheme() fyne.Theme {
	return &boothTheme{
		Theme:   theme.DefaultTheme(),
		regular: fyne.NewStaticResource("Pretendard-Regular.ttf", assets.FontRegular),
		bold:    fyne.NewStaticResource("Pretendard-Bold.ttf", assets.FontBold),
	}
}

func (t *boothTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return t.Theme.Font(s)
	}
	if s.Bold {
		return t.bold
	}
	return t.regular
}

// Color always uses the light variant: booths stand in bright halls, and a
// light screen reads better there than the system's dark preference.
func (t *boothTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary:
		return colorBrand
	case theme.ColorNameFocus:
		// Amber, not the brand's teal: a focused teal button must stand
		// out for staff working with the keyboard alone.
		return colorFocus
	}
	return t.Theme.Color(n, theme.VariantLight)
}

// Result colours: green, amber and red read at a glance across a desk.
var (
	colorBrand     = color.NRGBA{0x0f, 0x76, 0x6e, 0xff}
	colorAdmitted  = color.NRGBA{0x15, 0x80, 0x3d, 0xff}
	colorDuplicate = color.NRGBA{0xf5, 0x9e, 0x0b, 0xff}
	colorRejected  = color.NRGBA{0xb9, 0x1c, 0x1c, 0xff}
	colorIdle      = color.NRGBA{0x47, 0x55, 0x69, 0xff}
	colorOnLight   = color.NRGBA{0x1c, 0x19, 0x17, 0xff}
	colorFocus     = color.NRGBA{0xf5, 0x9e, 0x0b, 0xa0}
)

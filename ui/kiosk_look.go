package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// frame lays out a step: its question on top with the step number, the
// body, and the buttons at the bottom: back on the left, right filling the
// rest (kioskEnd puts a button at the right end).
func (k *kiosk) frame(title string, body fyne.CanvasObject, back *widget.Button, right fyne.CanvasObject) fyne.CanvasObject {
	// The heading keeps clear of the exit button in the corner.
	head := container.NewBorder(nil, nil, nil, kioskSpace(fyne.NewSize(k.exitBtn.MinSize().Width, 0)), kioskHeading(title))
	top := container.NewVBox(head)
	if n := int(k.step); k.step >= stepAbout && n <= kioskSteps {
		step := canvas.NewText(lang.L("Step {{.Step}} of {{.Steps}}", map[string]any{"Step": n, "Steps": kioskSteps}),
			theme.Color(theme.ColorNamePlaceHolder))
		step.TextSize = theme.Size(theme.SizeNameCaptionText)
		top = container.NewVBox(container.NewHBox(kioskSpace(fyne.NewSize(theme.Padding(), 0)), step), head)
	}
	var left fyne.CanvasObject
	if back != nil {
		left = kioskTall(back)
	}
	nav := container.NewBorder(nil, nil, left, nil, right)
	return container.New(kioskMargins{kioskMargin}, container.NewBorder(top, container.NewPadded(nav), nil, nil, body))
}

// navButton is a large button whose tap counts as activity.
func (k *kiosk) navButton(text string, icon fyne.Resource, imp widget.Importance, f func()) *widget.Button {
	b := widget.NewButtonWithIcon(text, icon, k.tap(f))
	b.Importance = imp
	return b
}

// kioskHeading is a page's title.
func kioskHeading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

func kioskSubheading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// kioskPaper sets a text apart on a light background, like a printed form.
func kioskPaper(o fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 8
	return container.NewStack(bg, container.NewPadded(o))
}

// kioskEnd puts a button at the right end of the bottom row.
func kioskEnd(b *widget.Button) fyne.CanvasObject {
	return container.NewHBox(layout.NewSpacer(), kioskTall(b))
}

// kioskTall makes a button at least a comfortable touch target.
func kioskTall(b *widget.Button) fyne.CanvasObject {
	return kioskMinSize(b, fyne.NewSize(kioskButtonWidth, kioskButtonHeight))
}

// kioskSpace is empty space of a size.
func kioskSpace(s fyne.Size) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(s)
	return r
}

// kioskMinSize gives o at least size s.
func kioskMinSize(o fyne.CanvasObject, s fyne.Size) fyne.CanvasObject {
	return container.New(kioskAtLeast{s}, o)
}

// kioskAtLeast stacks its objects, no smaller than a size.
type kioskAtLeast struct{ size fyne.Size }

func (l kioskAtLeast) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(s)
	}
}

func (l kioskAtLeast) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := l.size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m
}

// kioskMargins keeps a page off the screen's edges.
type kioskMargins struct{ px float32 }

func (l kioskMargins) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(l.px, l.px/2))
		o.Resize(fyne.NewSize(s.Width-2*l.px, s.Height-l.px))
	}
}

func (l kioskMargins) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m.Add(fyne.NewSize(2*l.px, l.px))
}

func isKioskTheme(t fyne.Theme) bool {
	_, ok := t.(*kioskTheme)
	return ok
}

// kioskTheme is the app's theme with everything larger, for reading at arm's
// length and tapping with a finger.
type kioskTheme struct {
	base fyne.Theme
	text float32
}

// Color is the app's, with "I agree" in the admitted green: Fyne's own
// success green is too bright for white letters.
func (t *kioskTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameSuccess {
		return colorAdmitted
	}
	return t.base.Color(n, v)
}

func (t *kioskTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base.Font(s) }
func (t *kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t *kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return t.text
	case theme.SizeNameHeadingText:
		return t.text * 1.6
	case theme.SizeNameSubHeadingText:
		return t.text * 1.2
	case theme.SizeNameCaptionText:
		return t.text * 0.8
	case theme.SizeNameInlineIcon:
		return t.text * 1.3
	case theme.SizeNameInnerPadding:
		return 10
	case theme.SizeNamePadding:
		return 6
	case theme.SizeNameScrollBar:
		return 20
	case theme.SizeNameScrollBarSmall:
		return 8
	case theme.SizeNameInputBorder:
		return 2
	case theme.SizeNameButtonRadius, theme.SizeNameInputRadius:
		return 10
	}
	return t.base.Size(n)
}

package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// cardNoteWidth is the widest a line of the result card's note may be: the
// desk's left side at a 1024-pixel-wide screen still shows it whole.
const cardNoteWidth = 460

// cardNote is the result card's last line: a sentence that would not fit is
// broken between words over several lines, so a long reason or error never
// makes the desk wider than the screen.
type cardNote struct {
	box   *fyne.Container
	Text  string
	size  float32
	color color.Color
}

func newCardNote(size float32) *cardNote {
	return &cardNote{box: container.NewVBox(), size: size, color: color.White}
}

// set shows text in colour c.
func (n *cardNote) set(text string, c color.Color) {
	n.Text, n.color = text, c
	var objs []fyne.CanvasObject
	for _, line := range wrapWords(text, func(s string) float32 {
		return fyne.MeasureText(s, n.size, fyne.TextStyle{}).Width
	}, cardNoteWidth) {
		t := canvas.NewText(line, c)
		t.TextSize = n.size
		objs = append(objs, t)
	}
	n.box.Objects = objs
	n.box.Refresh()
}

// wrapWords breaks text between words into lines no wider than max as
// measured by width; a single word wider than max gets a line of its own.
func wrapWords(text string, width func(string) float32, max float32) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		next := w
		if line != "" {
			next = line + " " + w
		}
		if line != "" && width(next) > max {
			lines = append(lines, line)
			next = w
		}
		line = next
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

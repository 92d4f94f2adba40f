package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// dashTile is one big number with its name and a line under it.
type dashTile struct {
	value   *canvas.Text
	sub     *widget.Label
	content fyne.CanvasObject
}

func newDashTile(name string, c color.Color) *dashTile {
	t := &dashTile{value: canvas.NewText("0", c)}
	t.value.TextSize = dashValueSize
	t.value.TextStyle.Bold = true
	t.value.Alignment = fyne.TextAlignCenter
	label := widget.NewLabelWithStyle(name, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	label.Wrapping = fyne.TextWrapWord
	t.sub = widget.NewLabelWithStyle(" ", fyne.TextAlignCenter, fyne.TextStyle{})
	t.sub.Wrapping = fyne.TextWrapWord
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 10
	t.content = container.NewPadded(container.NewStack(bg, container.NewPadded(container.NewVBox(t.value, label, t.sub))))
	return t
}

func (t *dashTile) set(n int, sub string) {
	if v := number(n); t.value.Text != v {
		t.value.Text = v
		t.value.Refresh()
	}
	if sub == "" {
		sub = " " // keeps the tiles of a row the same height
	}
	t.sub.SetText(sub)
}

// dashChart is a titled bar chart drawn with rectangles and text: bars
// standing on an axis of keys, or horizontal rows of named bars.
type dashChart struct {
	horizontal bool
	name       func(string) string // the key as shown; nil shows it as it is
	bars       *fyne.Container
	layout     *dashBarLayout
	empty      *widget.Label
	content    fyne.CanvasObject

	shown []dashBar // what the chart shows, for tests
}

func newDashChart(title, empty string, horizontal bool, name func(string) string) *dashChart {
	c := &dashChart{horizontal: horizontal, name: name, layout: &dashBarLayout{horizontal: horizontal}}
	c.bars = container.New(c.layout)
	c.empty = widget.NewLabelWithStyle(empty, fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	c.empty.Wrapping = fyne.TextWrapWord
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 10
	body := container.NewStack(c.bars, container.NewVBox(layout.NewSpacer(), c.empty, layout.NewSpacer()))
	c.content = container.NewPadded(container.NewStack(bg,
		container.NewPadded(container.NewBorder(dashHeading(title), nil, nil, nil, body))))
	return c
}

// set shows bars, or the empty sentence when they add up to nothing.
func (c *dashChart) set(bars []dashBar) {
	c.shown = bars
	fg := theme.Color(theme.ColorNameForeground)
	objs := make([]fyne.CanvasObject, 0, 3*len(bars))
	values := make([]int, len(bars))
	keyW := float32(0)
	total := 0
	for i, b := range bars {
		values[i] = b.n
		total += b.n
		rect := canvas.NewRectangle(dashBarColor(b.now))
		rect.CornerRadius = 3
		value := ""
		if b.n > 0 {
			value = number(b.n)
		}
		v := canvas.NewText(value, fg)
		v.TextSize = dashChartTextSize
		v.TextStyle.Bold = true
		key := b.key
		if c.name != nil {
			key = c.name(key)
		}
		var k fyne.CanvasObject
		if c.horizontal {
			// A little room beyond the natural width: a key exactly as wide
			// as its text can still be drawn with an ellipsis.
			keyW = max(keyW, widget.NewLabel(key).MinSize().Width+theme.Padding())
			l := widget.NewLabel(key)
			l.Truncation = fyne.TextTruncateEllipsis
			k = l
		} else {
			v.Alignment = fyne.TextAlignCenter
			t := canvas.NewText(key, fg)
			t.TextSize = dashChartTextSize
			t.Alignment = fyne.TextAlignCenter
			t.TextStyle.Bold = b.now
			k = t
		}
		objs = append(objs, rect, v, k)
	}
	c.layout.values, c.layout.keyW = values, keyW
	c.bars.Objects = objs
	c.bars.Refresh()
	if total == 0 {
		c.empty.Show()
	} else {
		c.empty.Hide()
	}
}

// dashBarColor is the brand colour for the current hour or day, a lighter one
// for the others.
func dashBarColor(now bool) color.Color {
	if now {
		return colorBrand
	}
	return color.NRGBA{0x5e, 0xa8, 0xa1, 0xff}
}

// dashSplitLayout sets two objects side by side, their widths in the
// proportion left:right, as high as the higher one.
type dashSplitLayout struct{ left, right float32 }

func (l dashSplitLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s = fyne.NewSize(s.Width+m.Width, max(s.Height, m.Height))
	}
	return s.AddWidthHeight(theme.Padding()*float32(max(len(objs)-1, 0)), 0)
}

func (l dashSplitLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 2 {
		return
	}
	pad := theme.Padding()
	w := max(size.Width-pad, 0)
	leftW := w * l.left / (l.left + l.right)
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(leftW, size.Height))
	objs[1].Move(fyne.NewPos(leftW+pad, 0))
	objs[1].Resize(fyne.NewSize(w-leftW, size.Height))
}

// dashBarLayout places a chart's objects, three per bar: the rectangle, the
// value and the key.
type dashBarLayout struct {
	horizontal bool
	values     []int
	keyW       float32 // the widest key, untruncated (horizontal)
}

func (l *dashBarLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	n := float32(len(objs) / 3)
	if l.horizontal {
		row := float32(0)
		for i := 2; i < len(objs); i += 3 {
			row = max(row, objs[i].MinSize().Height)
		}
		return fyne.NewSize(200, n*row)
	}
	return fyne.NewSize(max(n*20, 200), 150)
}

func (l *dashBarLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 || len(objs) != 3*len(l.values) {
		return
	}
	top := 1
	for _, v := range l.values {
		top = max(top, v)
	}
	if l.horizontal {
		l.layoutRows(objs, size, float32(top))
	} else {
		l.layoutColumns(objs, size, float32(top))
	}
}

// layoutColumns stands the bars on the keys, each value above its bar.
func (l *dashBarLayout) layoutColumns(objs []fyne.CanvasObject, size fyne.Size, top float32) {
	valH, keyH := objs[1].MinSize().Height, objs[2].MinSize().Height
	area := max(size.Height-valH-keyH, 0)
	slot := size.Width / float32(len(l.values))
	barW := min(max(slot*0.7, 2), dashMaxBarWidth)
	for i, v := range l.values {
		rect, value, key := objs[3*i], objs[3*i+1], objs[3*i+2]
		x := slot * float32(i)
		h := area * float32(v) / top
		rect.Move(fyne.NewPos(x+(slot-barW)/2, valH+area-h))
		rect.Resize(fyne.NewSize(barW, h))
		value.Move(fyne.NewPos(x, area-h))
		value.Resize(fyne.NewSize(slot, valH))
		key.Move(fyne.NewPos(x, size.Height-keyH))
		key.Resize(fyne.NewSize(slot, keyH))
	}
}

// layoutRows puts one named bar on each row, its value after it.
func (l *dashBarLayout) layoutRows(objs []fyne.CanvasObject, size fyne.Size, top float32) {
	pad := theme.Padding()
	rowH, valW := float32(0), float32(0)
	for i := range l.values {
		rowH = max(rowH, objs[3*i+2].MinSize().Height)
		valW = max(valW, objs[3*i+1].MinSize().Width)
	}
	keyW := min(l.keyW, size.Width*0.45)
	barMax := max(size.Width-keyW-valW-2*pad, 0)
	for i, v := range l.values {
		rect, value, key := objs[3*i], objs[3*i+1], objs[3*i+2]
		y := rowH * float32(i)
		key.Move(fyne.NewPos(0, y))
		key.Resize(fyne.NewSize(keyW, rowH))
		w := barMax * float32(v) / top
		rect.Move(fyne.NewPos(keyW+pad, y+rowH*0.2))
		rect.Resize(fyne.NewSize(w, rowH*0.6))
		valH := value.MinSize().Height
		value.Move(fyne.NewPos(keyW+pad+w+pad, y+(rowH-valH)/2))
		value.Resize(fyne.NewSize(valW, valH))
	}
}

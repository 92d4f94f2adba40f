package ui

import (
	"context"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// setup is the first-run screen: load the demo event, or set up a new one.
type setup struct {
	app     *App
	content fyne.CanvasObject

	name, city, country, start, end, tz *widget.Entry
	laptop                              *widget.Entry
	status                              *widget.Label
	demoBtn, createBtn, joinBtn         *widget.Button
}

func newSetup(u *App) *setup {
	s := &setup{app: u}
	s.content = s.build()
	return s
}

func (s *setup) build() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(lang.L("Welcome to medibooth"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := widget.NewLabel(lang.L("This laptop is not set up for an event yet. Join the event with the set-up file from HQ, load the demo event to try the desk, or set up a new event."))
	intro.Wrapping = fyne.TextWrapWord

	s.joinBtn = widget.NewButtonWithIcon(lang.L("Join an event with its set-up file…"), theme.FolderOpenIcon(), s.onJoin)
	s.joinBtn.Importance = widget.HighImportance
	s.laptop = widget.NewEntry()
	s.laptop.SetPlaceHolder(lang.L("Name of this laptop, e.g. Desk 2"))
	s.demoBtn = widget.NewButtonWithIcon(lang.L("Load the demo event"), theme.MediaPlayIcon(), s.onDemo)

	s.name = widget.NewEntry()
	s.city = widget.NewEntry()
	s.city.SetText("Almaty")
	s.country = widget.NewEntry()
	s.country.SetText("KZ")
	today := time.Now().Format(time.DateOnly)
	s.start = widget.NewEntry()
	s.start.SetText(today)
	s.end = widget.NewEntry()
	s.end.SetText(today)
	s.tz = widget.NewEntry()
	s.tz.SetText("Asia/Almaty")
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Event name"), s.name),
		widget.NewFormItem(lang.L("City"), s.city),
		widget.NewFormItem(lang.L("Country code"), s.country),
		widget.NewFormItem(lang.L("First day (YYYY-MM-DD)"), s.start),
		widget.NewFormItem(lang.L("Last day (YYYY-MM-DD)"), s.end),
		widget.NewFormItem(lang.L("Time zone"), s.tz),
	)
	s.createBtn = widget.NewButtonWithIcon(lang.L("Set up this event"), theme.ConfirmIcon(), s.onCreate)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.status.Importance = widget.DangerImportance

	langSel := languageRadio(s.app)

	box := container.NewVBox(
		langSel, title, intro, container.NewBorder(nil, nil, nil, s.joinBtn, s.laptop), s.demoBtn, widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("New event"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		form, s.createBtn, s.status)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(640, 640), box))
}

func (s *setup) busy(on bool) {
	for _, b := range []*widget.Button{s.demoBtn, s.createBtn, s.joinBtn} {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

func (s *setup) onDemo() {
	s.busy(true)
	go func() {
		err := s.app.cfg.LoadDemo(context.Background())
		s.app.do(func() {
			s.busy(false)
			if err != nil {
				s.status.SetText(message(err))
				return
			}
			s.app.show()
		})
	}()
}

func (s *setup) onCreate() {
	e := &booth.Event{Name: s.name.Text, City: s.city.Text, Country: s.country.Text, Start: s.start.Text, End: s.end.Text, TimeZone: s.tz.Text}
	s.busy(true)
	go func() {
		err := s.app.cfg.Store.CreateEvent(context.Background(), e)
		s.app.do(func() {
			s.busy(false)
			if err != nil {
				s.status.SetText(message(err))
				return
			}
			s.app.show()
		})
	}()
}

func (s *setup) onJoin() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.status.SetText(message(booth.Errorf(booth.EINVALID, "Cannot read the set-up file: %v.", err)))
			return
		} else if r == nil {
			return // cancelled
		}
		b, err := io.ReadAll(io.LimitReader(r, booth.MaxPackageSize+1))
		r.Close()
		if err != nil {
			s.status.SetText(message(booth.Errorf(booth.EINVALID, "Cannot read the set-up file: %v.", err)))
			return
		}
		s.join(b)
	}, s.app.win)
	d.SetTitleText(lang.L("Open the event's set-up file"))
	s.app.showEscapable(d)
}

// join sets the laptop up from the bytes of an event package.
func (s *setup) join(file []byte) {
	s.busy(true)
	name := s.laptop.Text
	go func() {
		err := s.app.cfg.JoinEvent(context.Background(), file, name)
		s.app.do(func() {
			s.busy(false)
			if err != nil {
				s.status.SetText(message(err))
				return
			}
			if name != "" {
				s.app.cfg.DeviceName = strings.TrimSpace(name)
			}
			s.app.show()
		})
	}()
}

// errorScreen says why the desk cannot be shown.
func errorScreen(err error) fyne.CanvasObject {
	l := widget.NewLabel(lang.L("medibooth cannot read its data: {{.Error}}", map[string]any{"Error": message(err)}))
	l.Wrapping = fyne.TextWrapWord
	return container.NewPadded(l)
}

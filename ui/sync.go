package ui

import (
	"context"
	"fmt"
	"io"
	"log"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
	"medibooth/hqpush"
)

// syncStore is what the Sync screen needs from the database.
type syncStore interface {
	ExportBundle(ctx context.Context, out string) (*booth.ExportResult, error)
	ImportBundle(ctx context.Context, r io.Reader) (*booth.BundleImport, error)
	SyncStatus(ctx context.Context) (*booth.SyncStatus, error)
	hqpush.Store
	purgeStore
}

// prefHQURL is the HQ server this laptop sends its bundles to.
const prefHQURL = "hq-url"

// syncScreen sends this laptop's data to HQ: a bundle on a USB stick or to
// HQ's server, with when it last happened and whether anything is waiting.
// At HQ it also imports bundles and lists the laptops.
type syncScreen struct {
	app      *App
	ev       *booth.Event
	state    *widget.Label
	pending  *widget.Label
	progress *widget.ProgressBarInfinite
	status   *widget.Label
	url      *widget.Entry
	buttons  []*widget.Button
	laptops  *fyne.Container
	hqBox    *fyne.Container
	after    *purgeBox
}

// showSync opens the Sync screen (admins only).
func (u *App) showSync() {
	if !u.may(booth.ActSync) {
		return
	}
	ev, err := u.cfg.Store.Event(context.Background())
	if err != nil {
		return
	}
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	s := &syncScreen{app: u, ev: ev}
	u.sync = s
	u.setContent(u.adminScreen(lang.L("Sync with HQ"), s.build()))
	s.refresh()
}

func (s *syncScreen) build() fyne.CanvasObject {
	s.state = widget.NewLabel("")
	s.state.Wrapping = fyne.TextWrapWord
	s.pending = widget.NewLabel("")
	s.pending.Wrapping = fyne.TextWrapWord
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.progress.Hide()
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	export := widget.NewButtonWithIcon(lang.L("Export a bundle to a folder or USB stick…"), theme.DownloadIcon(), s.onExport)
	export.Importance = widget.HighImportance
	s.url = widget.NewEntry()
	s.url.SetPlaceHolder("http://hq.local:8080")
	s.url.SetText(s.app.fyne.Preferences().String(prefHQURL))
	push := widget.NewButtonWithIcon(lang.L("Send to HQ's server"), theme.UploadIcon(), s.onPush)
	s.url.OnSubmitted = func(string) { s.onPush() }
	importBtn := widget.NewButtonWithIcon(lang.L("Import a laptop's bundle…"), theme.FolderOpenIcon(), s.onImport)
	s.buttons = []*widget.Button{export, push, importBtn}

	intro := widget.NewLabel(lang.L("A bundle holds this laptop's data, signed by this laptop and encrypted so that only HQ can open it. Make one at the end of each day."))
	intro.Wrapping = fyne.TextWrapWord
	s.laptops = container.NewVBox()
	s.hqBox = container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("HQ: bundles received"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		importBtn, s.laptops,
		widget.NewButtonWithIcon(lang.L("Visitors registered twice…"), theme.AccountIcon(), s.app.showPeople))
	s.hqBox.Hide()
	s.after = newPurgeBox(s)
	s.after.content.Hide()
	return container.NewVScroll(container.NewVBox(intro, s.state, s.pending, export,
		container.NewBorder(nil, nil, nil, push, s.url), s.progress, s.status, s.hqBox, s.after.content))
}

// refresh reads where the data stands.
func (s *syncScreen) refresh() {
	go func() {
		st, err := s.app.cfg.Store.SyncStatus(context.Background())
		s.app.do(func() {
			if err != nil {
				say(s.status, message(err), true)
				return
			}
			s.show(st)
		})
	}()
}

func (s *syncScreen) show(st *booth.SyncStatus) {
	loc := s.ev.Location()
	at := func(t time.Time) string { return dateTime(t.In(loc)) }
	if e := st.LastExport; e == nil {
		s.state.SetText(lang.L("This laptop has made no bundle yet."))
	} else {
		has := lang.L("HQ has not confirmed it yet.")
		if e.Acked != nil {
			has = lang.L("HQ has it ({{.Time}}).", map[string]any{"Time": at(*e.Acked)})
		}
		s.state.SetText(lang.L("Last bundle: {{.Time}}, {{.Rows}} records.", map[string]any{"Time": at(e.MadeAt), "Rows": e.Rows}) + " " + has)
	}
	if st.Unexported {
		s.pending.SetText(lang.L("This laptop has new data since its last bundle."))
		s.pending.Importance = widget.WarningImportance
	} else {
		s.pending.SetText(lang.L("Everything this laptop recorded is in its last bundle."))
		s.pending.Importance = widget.SuccessImportance
	}
	s.pending.Refresh()
	s.laptops.RemoveAll()
	if !st.HQ {
		s.hqBox.Hide()
		s.after.content.Show()
		s.after.refresh()
		return
	}
	s.after.content.Hide()
	s.hqBox.Show()
	if len(st.Laptops) == 0 {
		s.laptops.Add(widget.NewLabel(lang.L("No bundle yet.")))
	}
	for _, l := range st.Laptops {
		s.laptops.Add(widget.NewLabel(lang.L("{{.Laptop}}: last bundle made {{.Made}}, imported {{.Imported}}; {{.Count}} bundles.",
			map[string]any{"Laptop": l.Device, "Made": at(l.LastMadeAt), "Imported": at(l.ImportedAt), "Count": l.Bundles})))
	}
}

// busy shows the progress bar and holds the buttons while work runs.
func (s *syncScreen) busy(on bool) {
	for _, b := range s.buttons {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if on {
		s.status.SetText("")
		s.progress.Show()
		s.progress.Start()
	} else {
		s.progress.Stop()
		s.progress.Hide()
	}
}

// bundleName names a bundle file by laptop and time, so a USB stick holds
// each day's bundles side by side.
func (s *syncScreen) bundleName() string {
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == ' ' {
			return '-'
		}
		return r
	}, s.app.cfg.DeviceName)
	return fmt.Sprintf("medibooth-%s-%s.bundle", name, s.app.cfg.Now().In(s.ev.Location()).Format("20060102-1504"))
}

func (s *syncScreen) onExport() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		s.exportTo(filepath.Join(dir.Path(), s.bundleName()))
	}, s.app.win)
	// A file dialog takes its size once shown.
	d.SetTitleText(lang.L("Choose a folder for the bundle"))
	s.app.showEscapable(d)
	d.Resize(fyne.NewSize(900, 600))
}

// exportTo writes the bundle to path.
func (s *syncScreen) exportTo(path string) {
	s.app.touch()
	s.busy(true)
	go func() {
		res, err := s.app.cfg.Store.ExportBundle(s.app.ctx(), path)
		s.app.do(func() {
			s.busy(false)
			if err != nil {
				log.Printf("export: %v", err)
				say(s.status, message(err), true)
				return
			}
			say(s.status, lang.L("Bundle written to {{.File}} ({{.Rows}} records). Take it to HQ.",
				map[string]any{"File": res.File, "Rows": res.Manifest.Rows}), false)
			s.refresh()
		})
	}()
}

func (s *syncScreen) onPush() {
	base, err := hqpush.URL(s.url.Text)
	if err != nil {
		say(s.status, lang.L("Type HQ's server address, such as http://hq.local:8080."), true)
		return
	}
	s.app.fyne.Preferences().SetString(prefHQURL, base)
	s.app.touch()
	s.busy(true)
	go func() {
		_, err := hqpush.Push(s.app.ctx(), s.app.cfg.Store, base, false)
		s.app.do(func() {
			s.busy(false)
			if err != nil {
				log.Printf("push: %v", err)
				say(s.status, message(err), true)
				return
			}
			say(s.status, lang.L("HQ has this laptop's bundle."), false)
			s.refresh()
		})
	}()
}

func (s *syncScreen) onImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		s.importFrom(r.URI().Name(), r)
	}, s.app.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".bundle"}))
	// A file dialog takes its size once shown.
	d.SetTitleText(lang.L("Open a bundle from a laptop"))
	s.app.showEscapable(d)
	d.Resize(fyne.NewSize(900, 600))
}

// importFrom merges one bundle (closed when done).
func (s *syncScreen) importFrom(name string, r io.ReadCloser) {
	s.app.touch()
	s.busy(true)
	go func() {
		defer r.Close()
		res, err := s.app.cfg.Store.ImportBundle(s.app.ctx(), r)
		s.app.do(func() {
			s.busy(false)
			if err != nil {
				log.Printf("import %s: %v", name, err)
				say(s.status, name+": "+message(err), true)
				return
			}
			if res.Decision == "already-imported" {
				say(s.status, lang.L("{{.File}} was imported before; nothing changed.", map[string]any{"File": name})+" "+receiptText(res.SHA256), false)
			} else {
				say(s.status, lang.L("{{.File}} from {{.Laptop}}: {{.Changed}} records added or changed.",
					map[string]any{"File": name, "Laptop": res.Device, "Changed": res.Changed})+" "+receiptText(res.SHA256), false)
			}
			s.refresh()
		})
	}()
}

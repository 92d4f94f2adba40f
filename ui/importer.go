package ui

import (
	"io"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
	"medibooth/booth/sheet"
)

// showImport asks an admin for a list of pre-registered visitors (CSV or
// Excel) and imports it: all rows or, when a row is wrong, none, with the
// line numbers of what to fix.
func (u *App) showImport() {
	if !u.may(booth.ActImport) {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		u.importFile(r.URI().Name(), r)
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".xlsx", ".CSV", ".XLSX", ".txt"}))
	// A file dialog takes its size once shown.
	d.SetTitleText(lang.L("Open a visitor list"))
	u.showEscapable(d)
	d.Resize(fyne.NewSize(900, 600))
}

// importFile imports the visitor list in r (closed when done) and says
// what happened.
func (u *App) importFile(name string, r io.ReadCloser) {
	ctx := u.ctx()
	go func() {
		defer r.Close()
		vs, err := sheet.Visitors(name, r)
		var res booth.ImportResult
		if err == nil {
			res, err = u.cfg.Store.Import(ctx, vs)
		}
		u.do(func() {
			if err != nil {
				log.Printf("import %s: %v", name, err)
				msg := widget.NewLabel(lang.L("Nothing was imported from {{.File}}; fix these rows and import the file again:", map[string]any{"File": name}) +
					"\n\n" + message(err))
				msg.Wrapping = fyne.TextWrapWord
				s := container.NewVScroll(msg)
				s.SetMinSize(fyne.NewSize(640, 320))
				u.showEscapable(dialog.NewCustom(lang.L("Import visitors"), lang.L("Close"), s, u.win))
				return
			}
			u.showEscapable(dialog.NewInformation(lang.L("Import visitors"), lang.L("Imported {{.Imported}} visitors from {{.File}}; {{.Skipped}} were registered already and were skipped.",
				map[string]any{"Imported": res.Imported, "Skipped": res.Skipped, "File": name}), u.win))
		})
	}()
}

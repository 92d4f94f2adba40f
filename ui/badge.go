package ui

import (
	"bytes"
	"context"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
	"medibooth/booth/label"
)

// badgeView is a visitor's badge on screen, with printing: the first print
// is one click, a reprint asks first, and every print is logged.
type badgeView struct {
	app     *App
	ev      *booth.Event
	visitor *booth.Visitor
	code    string
	prints  []booth.BadgePrint
	pdf     []byte

	dlg      dialog.Dialog
	status   *widget.Label
	printBtn *widget.Button
}

// showBadge renders a visitor's badge in the background and then shows it.
func (u *App) showBadge(ev *booth.Event, visitorID string) { u.showBadgeThen(ev, visitorID, nil) }

// showBadgeThen is showBadge, then runs then on the badge shown (after a
// registration: print it).
func (u *App) showBadgeThen(ev *booth.Event, visitorID string, then func(*badgeView)) {
	go func() {
		ctx := context.Background()
		code, v, err := u.cfg.Store.BadgeCode(ctx, visitorID)
		var prints []booth.BadgePrint
		var img []byte
		var pdf []byte
		if err == nil {
			prints, err = u.cfg.Store.Prints(ctx, visitorID)
		}
		if err == nil {
			b := label.ForVisitor(v, ev, code)
			if img, err = label.PNG(b, label.ShippedFonts); err == nil {
				pdf, err = label.LabelPDF([]label.Badge{b}, label.ShippedFonts)
			}
		}
		u.do(func() {
			if err != nil {
				log.Printf("badge of %s: %v", visitorID, err)
				u.showError(err)
				return
			}
			bv := &badgeView{app: u, ev: ev, visitor: v, code: code, prints: prints, pdf: pdf}
			u.badge = bv
			bv.show(img)
			if then != nil {
				then(bv)
			}
		})
	}()
}

func (b *badgeView) show(pngBytes []byte) {
	preview := canvas.NewImageFromReader(bytes.NewReader(pngBytes), "badge.png")
	preview.FillMode = canvas.ImageFillContain
	preview.SetMinSize(fyne.NewSize(248, 400)) // 62×100 mm at 4 px/mm

	b.status = widget.NewLabel("")
	b.status.Wrapping = fyne.TextWrapWord
	b.printBtn = widget.NewButtonWithIcon("", theme.DocumentPrintIcon(), b.onPrint)
	b.printBtn.Importance = widget.HighImportance
	save := widget.NewButtonWithIcon(lang.L("Save as PDF…"), theme.DocumentSaveIcon(), b.onSave)
	b.refresh()

	side := container.NewVBox(widget.NewLabelWithStyle(b.visitor.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if b.visitor.NameLatin != b.visitor.Name {
		side.Add(widget.NewLabel(b.visitor.NameLatin))
	}
	side.Add(b.status)
	side.Add(b.printBtn)
	side.Add(save)
	content := container.NewBorder(nil, nil, preview, nil, container.NewPadded(side))
	b.dlg = dialog.NewCustom(lang.L("Badge"), lang.L("Close"), content, b.app.win)
	b.app.showEscapable(b.dlg)
}

// paperPrints returns the visitor's prints on paper.
func (b *badgeView) paperPrints() []booth.BadgePrint {
	var out []booth.BadgePrint
	for _, p := range b.prints {
		if p.IsPaper() {
			out = append(out, p)
		}
	}
	return out
}

func (b *badgeView) refresh() {
	paper := b.paperPrints()
	if len(paper) == 0 {
		b.printBtn.SetText(lang.L("Print badge"))
		b.status.SetText(lang.L("Not printed yet."))
		return
	}
	last := paper[len(paper)-1]
	b.printBtn.SetText(lang.L("Reprint badge"))
	b.status.SetText(lang.L("Printed {{.Count}} times, last at {{.Time}}.", map[string]any{
		"Count": len(paper), "Time": dateTime(last.At.In(b.ev.Location()))}))
}

func (b *badgeView) onPrint() {
	if len(b.paperPrints()) == 0 {
		b.print(false)
		return
	}
	b.app.showEscapable(dialog.NewConfirm(lang.L("Reprint badge"), lang.L("This badge was printed before. Print it again?"), func(ok bool) {
		if ok {
			b.print(true)
		}
	}, b.app.win))
}

func (b *badgeView) print(reprint bool) {
	b.printBtn.Disable()
	b.status.SetText(lang.L("Printing…"))
	go func() {
		ctx := b.app.ctx()
		err := b.app.print(ctx, b.pdf)
		var p *booth.BadgePrint
		if err == nil {
			p, err = b.app.cfg.Store.LogPrint(ctx, b.visitor.ID, "label", b.app.printer(), reprint)
		}
		b.app.do(func() {
			b.printBtn.Enable()
			if err != nil {
				log.Printf("print badge: %v", err)
				// The printer's own words follow, as the system gave them.
				b.status.SetText(lang.L("The badge was not printed.") + " " + message(err))
				return
			}
			b.prints = append(b.prints, *p)
			b.refresh()
		})
	}()
}

func (b *badgeView) onSave() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if _, err := w.Write(b.pdf); err != nil {
			b.status.SetText(message(booth.Errorf(booth.EINVALID, "Cannot save the badge: %v.", err)))
			return
		}
		go func() {
			_, err := b.app.cfg.Store.LogPrint(b.app.ctx(), b.visitor.ID, "pdf", w.URI().Path(), false)
			if err != nil {
				log.Printf("log saved badge: %v", err)
			}
		}()
		b.status.SetText(lang.L("Saved."))
	}, b.app.win)
	d.SetFileName(b.visitor.NameLatin + ".pdf")
	d.SetTitleText(lang.L("Save the badge as a file"))
	b.app.showEscapable(d)
}

// print sends a PDF to this laptop's printer.
func (u *App) print(ctx context.Context, pdf []byte) error {
	if u.cfg.Print != nil {
		return u.cfg.Print(ctx, pdf)
	}
	return label.Print(ctx, pdf, u.printer())
}

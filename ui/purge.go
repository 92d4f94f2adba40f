package ui

import (
	"context"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// purgeStore is what the Sync screen needs to end a laptop's hold on
// personal data once HQ has it.
type purgeStore interface {
	ConfirmBundle(ctx context.Context, code string) error
	PurgeStatus(ctx context.Context) (*booth.PurgeStatus, error)
	PurgePersonalData(ctx context.Context) (int, error)
	RetentionDays(ctx context.Context) (int, error)
	SetRetentionDays(ctx context.Context, days int) error
}

// retentionChoices are the retention settings offered, in days.
var retentionChoices = []int{0, 1, 3, 7, 14, 30, 90, 365}

// purgeBox is the Sync screen's part about after the fair: HQ's receipt
// for a bundle carried on a USB stick, the retention setting, and purging
// what HQ has.
type purgeBox struct {
	s         *syncScreen
	content   *fyne.Container
	receipt   *widget.Entry
	confirm   *widget.Button
	status    *widget.Label
	retention *widget.Select
	purge     *widget.Button
	ready     int
}

func newPurgeBox(s *syncScreen) *purgeBox {
	p := &purgeBox{s: s}
	p.receipt = widget.NewEntry()
	p.receipt.SetPlaceHolder("3f2a-91c0-7be4")
	p.confirm = widget.NewButtonWithIcon(lang.L("HQ has it"), theme.ConfirmIcon(), p.onConfirm)
	p.receipt.OnSubmitted = func(string) { p.onConfirm() }
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	var options []string
	for _, d := range retentionChoices {
		options = append(options, retentionLabel(d))
	}
	p.retention = widget.NewSelect(options, nil)
	p.purge = widget.NewButtonWithIcon(lang.L("Purge personal data…"), theme.DeleteIcon(), p.onPurge)
	p.purge.Importance = widget.DangerImportance
	receiptHelp := widget.NewLabel(lang.L("Took the bundle to HQ on a USB stick? Type the receipt code HQ's import shows:"))
	receiptHelp.Wrapping = fyne.TextWrapWord
	p.content = container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("After the fair"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		receiptHelp, container.NewBorder(nil, nil, nil, p.confirm, p.receipt),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Keep personal data after HQ has it:")), nil, p.retention),
		p.status, container.NewHBox(p.purge))
	if !s.app.may(booth.ActPurge) {
		p.purge.Hide()
		p.retention.Disable()
	}
	return p
}

func retentionLabel(days int) string {
	if days == 0 {
		return lang.L("no days: purge may follow at once")
	}
	return lang.L("{{.Count}} days", map[string]any{"Count": days})
}

// refresh reads the retention setting and what a purge would do.
func (p *purgeBox) refresh() {
	store := p.s.app.cfg.Store
	go func() {
		ctx := context.Background()
		days, err := store.RetentionDays(ctx)
		var st *booth.PurgeStatus
		if err == nil {
			st, err = store.PurgeStatus(ctx)
		}
		p.s.app.do(func() {
			if err != nil {
				say(p.status, message(err), true)
				return
			}
			p.retention.OnChanged = nil
			p.retention.SetSelected(retentionLabel(days))
			p.retention.OnChanged = p.onRetention
			p.show(st)
		})
	}()
}

func (p *purgeBox) show(st *booth.PurgeStatus) {
	p.ready = st.Ready
	text := lang.L("{{.Count}} visitors' personal data can be purged now.", map[string]any{"Count": st.Ready})
	if st.Waiting > 0 && st.ReadyFrom != nil {
		text += " " + lang.L("{{.Count}} more from {{.Time}}.", map[string]any{"Count": st.Waiting,
			"Time": dateOnly(st.ReadyFrom.In(p.s.ev.Location()))})
	}
	if st.NotAtHQ > 0 {
		text += " " + lang.L("{{.Count}} visitors are not at HQ yet: export and send again first.", map[string]any{"Count": st.NotAtHQ})
	}
	if st.Purged > 0 {
		text += " " + lang.L("Purged before: {{.Count}}.", map[string]any{"Count": st.Purged})
	}
	p.status.SetText(text)
	p.status.Importance = widget.MediumImportance
	p.status.Refresh()
	if st.Ready == 0 {
		p.purge.Disable()
	} else {
		p.purge.Enable()
	}
}

func (p *purgeBox) onConfirm() {
	code := p.receipt.Text
	go func() {
		err := p.s.app.cfg.Store.ConfirmBundle(p.s.app.ctx(), code)
		p.s.app.do(func() {
			if err != nil {
				say(p.s.status, message(err), true)
				return
			}
			p.receipt.SetText("")
			say(p.s.status, lang.L("HQ's receipt recorded: this bundle is at HQ."), false)
			p.s.refresh()
		})
	}()
}

func (p *purgeBox) onRetention(label string) {
	for _, d := range retentionChoices {
		if retentionLabel(d) != label {
			continue
		}
		go func() {
			err := p.s.app.cfg.Store.SetRetentionDays(p.s.app.ctx(), d)
			if err != nil {
				log.Printf("retention: %v", err)
			}
			p.refresh()
		}()
	}
}

func (p *purgeBox) onPurge() {
	if !p.s.app.may(booth.ActPurge) || p.ready == 0 {
		return
	}
	msg := widget.NewLabel(lang.L("Purge the names, contacts, birth years, visitor numbers and consultation notes of {{.Count}} visitors from this laptop? HQ keeps them; the booth's counts stay. This cannot be undone.",
		map[string]any{"Count": p.ready}))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("Purge personal data"), lang.L("Purge"), lang.L("Cancel"), msg, func(ok bool) {
		if ok {
			p.purgeNow()
		}
	}, p.s.app.win)
	d.SetConfirmImportance(widget.DangerImportance)
	d.Resize(fyne.NewSize(520, 260))
	p.s.app.showEscapable(d)
}

// purgeNow purges what HQ has, as the confirmation asked.
func (p *purgeBox) purgeNow() {
	p.s.busy(true)
	go func() {
		n, err := p.s.app.cfg.Store.PurgePersonalData(p.s.app.ctx())
		p.s.app.do(func() {
			p.s.busy(false)
			if err != nil {
				say(p.s.status, message(err), true)
				return
			}
			say(p.s.status, lang.L("Purged the personal data of {{.Count}} visitors; the booth's counts stay.", map[string]any{"Count": n}), false)
			p.s.refresh()
		})
	}()
}

// receiptText is the line HQ shows after importing a bundle: the code the
// laptop confirms with.
func receiptText(sha string) string {
	return lang.L("Receipt code for the laptop: {{.Code}}", map[string]any{"Code": booth.ReceiptCode(sha)})
}

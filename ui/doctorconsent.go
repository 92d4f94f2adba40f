package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/consents"
)

// The doctors' desk takes a visitor's consent to health information on the
// spot, at the doctor's table: the visitor reads the texts in their own
// language, as at the kiosk, and the doctor records their answer. The
// records carry the text's version, the doctor and this laptop like those
// of the desk, and reach the other laptops like them.

// askConsent shows the consent texts the consultation needs in the
// visitor's language and records the answer.
func (d *doctorDesk) askConsent() {
	v := d.visitor
	if v == nil {
		return
	}
	vlang := v.Lang
	if vlang == "" {
		vlang = "ru"
	}
	texts := container.NewVBox()
	var missing []booth.Purpose
	for _, p := range []booth.Purpose{booth.PurposeHealth, booth.PurposeTransfer, booth.PurposeProvision} {
		t, err := assets.ConsentText(string(p), vlang)
		if err != nil {
			missing = append(missing, p)
			continue
		}
		head := widget.NewLabelWithStyle(consentTitle(p), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		body := widget.NewLabel(t)
		body.Wrapping = fyne.TextWrapWord
		texts.Add(head)
		texts.Add(body)
	}
	health := widget.NewCheck(lang.L("Health information"), nil)
	transfer := widget.NewCheck(lang.L("Transfer abroad, to Korea"), nil)
	share := widget.NewCheck(lang.L("Share with {{.Hospital}}", map[string]any{"Hospital": d.hospital.Name}), nil)
	transfer.SetChecked(booth.HasConsent(d.consents, booth.PurposeTransfer, ""))
	share.SetChecked(booth.HasConsent(d.consents, booth.PurposeProvision, d.hospital.ID))
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	status.Importance = widget.DangerImportance
	if len(missing) > 0 {
		status.SetText(message(booth.Errorf(booth.EINTERNAL, "The consent texts in this language are missing; the consent cannot be recorded here.")))
	}
	scroll := container.NewVScroll(texts)
	scroll.SetMinSize(fyne.NewSize(480, 220))
	var dlg dialog.Dialog
	record := widget.NewButtonWithIcon(lang.L("Record the visitor's answer"), theme.ConfirmIcon(), func() {
		if !health.Checked {
			status.SetText(message(booth.CheckHealth(nil)))
			return
		}
		if share.Checked && !transfer.Checked {
			status.SetText(lang.L("The hospitals are in Korea: sharing with them needs the consent to transfer abroad. Tick it, or clear the hospitals."))
			return
		}
		answers := []struct {
			p       booth.Purpose
			org     string
			granted bool
			ask     bool
		}{
			{booth.PurposeHealth, "", true, true},
			{booth.PurposeTransfer, "", transfer.Checked, transfer.Checked != booth.HasConsent(d.consents, booth.PurposeTransfer, "")},
			{booth.PurposeProvision, d.hospital.ID, share.Checked, share.Checked != booth.HasConsent(d.consents, booth.PurposeProvision, d.hospital.ID)},
		}
		var records []booth.Consent
		for _, a := range answers {
			if !a.ask {
				continue
			}
			c, err := consents.Record(v.ID, a.p, a.org, a.granted, vlang)
			if err != nil {
				status.SetText(message(err))
				return
			}
			records = append(records, c)
		}
		go func() {
			var err error
			for i := range records {
				if err = d.app.cfg.Store.AddConsent(d.app.ctx(), &records[i]); err != nil {
					break
				}
			}
			cs, lerr := d.app.cfg.Store.Consents(d.app.ctx(), v.ID)
			d.app.do(func() {
				if err != nil || lerr != nil {
					status.SetText(message(firstErr(err, lerr)))
					return
				}
				dlg.Hide()
				if d.visitor != nil && d.visitor.ID == v.ID {
					d.consents = cs
					d.showVisitor()
				}
			})
		}()
	})
	record.Importance = widget.HighImportance
	if len(missing) > 0 {
		record.Disable()
	}
	cancel := widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() })
	intro := widget.NewLabel(lang.L("Let the visitor read these texts in their language, then tick what they agree to."))
	intro.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(intro, container.NewVBox(health, transfer, share, status,
		container.NewGridWithColumns(2, cancel, record)), nil, nil, scroll)
	dlg = dialog.NewCustomWithoutButtons(lang.L("Consent at the doctor's table"), body, d.app.win)
	dlg.Resize(fyne.NewSize(620, 520))
	d.app.showEscapable(dlg)
}

// firstErr returns the first error that is not nil.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

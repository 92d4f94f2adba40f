package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// The desk's right side: finding a visitor by name, phone or email, and
// checking in someone without their badge.

func (d *desk) buildSearchSide() fyne.CanvasObject {
	d.search = newShortcutEntry(d.onShortcut)
	d.search.SetPlaceHolder(lang.L("Name in any alphabet, phone digits or email"))
	d.search.OnChanged = d.onSearchChanged
	d.search.OnSubmitted = func(s string) {
		// A badge scanned while the cursor was here is still a scan.
		_, numErr := booth.ParseCode(s)
		_, badgeErr := booth.ParseBadge(s)
		if numErr == nil || badgeErr == nil {
			d.search.SetText("")
			d.onScan(s)
			d.focusScan()
		}
	}
	d.foundStatus = widget.NewLabel("")
	d.foundList = widget.NewList(
		func() int { return len(d.found) },
		func() fyne.CanvasObject {
			return container.NewVBox(widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(d.found) {
				return
			}
			v := d.found[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(v.Name)
			box.Objects[1].(*widget.Label).SetText(visitorLine(v))
		})
	d.foundList.OnSelected = d.onSelectFound
	d.detail = widget.NewLabel(lang.L("Choose a visitor to check them in without a badge."))
	d.detail.Wrapping = fyne.TextWrapWord
	d.checkinBtn = widget.NewButtonWithIcon(lang.L("Check in"), theme.ConfirmIcon(), d.onCheckinSelected)
	d.checkinBtn.Importance = widget.HighImportance
	d.checkinBtn.Disable()
	d.badgeBtn = widget.NewButtonWithIcon(lang.L("Badge"), theme.DocumentPrintIcon(), func() {
		if d.selected != nil {
			d.app.showBadge(d.ev, d.selected.ID)
		}
	})
	d.badgeBtn.Disable()

	searchLabel := widget.NewLabelWithStyle(lang.L("Find a visitor"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// The shortcut shows on the button: staff learn it by reading it.
	d.registerBtn = widget.NewButtonWithIcon(lang.L("New visitor")+" (Ctrl+N)", theme.ContentAddIcon(), func() { d.app.showRegister(d.ev) })
	top := container.NewVBox(container.NewBorder(nil, nil, nil, d.registerBtn, searchLabel), d.search, d.foundStatus)
	d.detailBtn = widget.NewButtonWithIcon(lang.L("Details"), theme.AccountIcon(), func() {
		if d.selected != nil {
			d.app.showVisitor(d.ev, d.selected.ID, func() { d.onSearchChanged(d.search.Text) })
		}
	})
	d.detailBtn.Disable()
	d.sendBtn = widget.NewButtonWithIcon(lang.L("Send to a hospital…"), theme.MailSendIcon(), d.onSendTo)
	d.sendBtn.Disable()
	bottom := container.NewVBox(widget.NewSeparator(), d.detail,
		container.NewBorder(nil, nil, nil, container.NewHBox(d.detailBtn, d.badgeBtn), d.checkinBtn), d.sendBtn)
	return container.NewPadded(container.NewBorder(top, bottom, nil, nil, d.foundList))
}

func (d *desk) onSearchChanged(q string) {
	d.touch()
	d.mu.Lock()
	d.searchSeq++
	seq := d.searchSeq
	if d.searchTimer != nil {
		d.searchTimer.Stop()
	}
	d.searchTimer = time.AfterFunc(searchDelay, func() { d.runSearch(q, seq) })
	d.mu.Unlock()
}

func (d *desk) runSearch(q string, seq int) {
	var found []booth.Visitor
	var err error
	if strings.TrimSpace(q) == "" {
		// Nothing typed: the latest registrations, to check a walk-in's
		// details or reprint their badge.
		found, err = d.app.cfg.Store.RecentVisitors(context.Background(), searchLimit)
	} else {
		found, err = d.app.cfg.Store.FindVisitors(context.Background(), q, searchLimit)
	}
	total := len(found)
	if err == nil && total == searchLimit {
		// The list shows the first few; the label says how many in all.
		total, err = d.app.cfg.Store.CountVisitors(context.Background(), q, countLimit)
	}
	d.app.do(func() {
		d.mu.Lock()
		stale := seq != d.searchSeq
		d.mu.Unlock()
		if stale || d.stopped() {
			return // a newer query is on its way, or the screen is gone
		}
		switch {
		case err != nil:
			d.foundStatus.SetText(message(err))
		case strings.TrimSpace(q) == "":
			d.foundStatus.SetText(lang.L("Registered last:"))
		case len(found) == 0:
			d.foundStatus.SetText(lang.L("No visitor matches."))
		case total >= countLimit:
			d.foundStatus.SetText(lang.L("More than {{.Count}} found; the first {{.Shown}} are shown. Type more to narrow it.",
				map[string]any{"Count": countLimit - 1, "Shown": len(found)}))
		case total > len(found):
			d.foundStatus.SetText(lang.L("{{.Count}} found; the first {{.Shown}} are shown. Type more to narrow it.",
				map[string]any{"Count": total, "Shown": len(found)}))
		default:
			d.foundStatus.SetText(lang.L("{{.Count}} found", map[string]any{"Count": len(found)}))
		}
		d.found = found
		d.foundList.UnselectAll()
		d.foundList.Refresh()
		d.selected = nil
		d.checkinBtn.Disable()
		d.badgeBtn.Disable()
		d.detailBtn.Disable()
		d.setSendTarget(d.admitted)
	})
}

func (d *desk) onSelectFound(i widget.ListItemID) {
	d.touch()
	if i >= len(d.found) {
		return
	}
	v := d.found[i]
	d.selected = &v
	text := fmt.Sprintf("%s (%s)\n%s", v.Name, v.NameLatin, visitorLine(v))
	if v.Code != "" {
		text += fmt.Sprintf("\n%s: %s", lang.L("Visitor number"), booth.FormatCode(v.Code))
	}
	d.detail.SetText(text)
	d.checkinBtn.Enable()
	d.badgeBtn.Enable()
	d.detailBtn.Enable()
	d.setSendTarget(&queueVisitor{ID: v.ID, Name: v.Name})
}

func (d *desk) onCheckinSelected() {
	if d.selected == nil {
		return
	}
	if d.selected.Code != "" {
		d.onScan(d.selected.Code)
		d.focusScan()
		return
	}
	// Known only from another laptop's badge: check in with a badge code
	// this laptop issues.
	id := d.selected.ID
	go func() {
		code, _, err := d.app.cfg.Store.BadgeCode(context.Background(), id)
		d.app.do(func() {
			if err != nil {
				d.detail.SetText(message(err))
				return
			}
			d.onScan(code)
			d.focusScan()
		})
	}()
}

func visitorLine(v booth.Visitor) string {
	line := typeName(v.Type)
	if v.Phone != "" {
		line += " · " + v.Phone
	}
	if v.City != "" {
		line += " · " + v.City
	}
	if v.BirthYear != 0 {
		line += " · " + strconv.Itoa(v.BirthYear)
	}
	return line
}

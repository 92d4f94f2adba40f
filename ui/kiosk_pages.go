package ui

import (
	"image/color"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/assets"
	"medibooth/booth"
)

// The kiosk's pages, in the order a visitor sees them.

// startPage greets in the four languages and offers them, Russian and
// Kazakh first.
func (k *kiosk) startPage() fyne.CanvasObject {
	title := kioskHeading(k.ev.Name)
	title.Alignment = fyne.TextAlignCenter
	sub := widget.NewLabelWithStyle(kioskRegistration, fyne.TextAlignCenter, fyne.TextStyle{})
	sub.SizeName = theme.SizeNameSubHeadingText
	k.langBtns = k.langBtns[:0]
	grid := container.NewGridWithColumns(2)
	for _, l := range visitorLanguages {
		code := l.Code
		b := widget.NewButton("", k.tap(func() { k.chooseLanguage(code) }))
		b.Importance = widget.HighImportance
		k.langBtns = append(k.langBtns, b)
		name := canvas.NewText(l.Name, theme.Color(theme.ColorNameForegroundOnPrimary))
		name.TextSize = 44
		name.TextStyle.Bold = true
		name.Alignment = fyne.TextAlignCenter
		hello := canvas.NewText(kioskWelcome[code], theme.Color(theme.ColorNameForegroundOnPrimary))
		hello.TextSize = 22
		hello.Alignment = fyne.TextAlignCenter
		face := container.NewCenter(container.NewVBox(name, hello))
		grid.Add(kioskMinSize(container.NewStack(b, face), fyne.NewSize(460, 140)))
	}
	box := container.NewVBox(title, sub, kioskSpace(fyne.NewSize(0, 24)), grid)
	return container.NewCenter(box)
}

// aboutPage asks who the visitor is.
func (k *kiosk) aboutPage() fyne.CanvasObject {
	if k.name == nil {
		k.newFields()
	}
	k.typeBtns = k.typeBtns[:0]
	types := container.NewGridWithColumns(2)
	for _, t := range booth.VisitorTypes {
		b := widget.NewButton(typeName(t), nil)
		b.Alignment = widget.ButtonAlignLeading
		b.OnTapped = k.tap(func() {
			k.visitorType = t
			k.paintTypes()
		})
		k.typeBtns = append(k.typeBtns, b)
		types.Add(kioskMinSize(b, fyne.NewSize(0, kioskButtonHeight)))
	}
	k.paintTypes()
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Your name"), k.name),
		widget.NewFormItem(lang.L("Phone"), k.phone),
		widget.NewFormItem(lang.L("Email (optional)"), k.email),
		widget.NewFormItem(lang.L("Visitor type"), types),
		widget.NewFormItem(lang.L("Birth year (optional)"), k.birth),
		widget.NewFormItem(lang.L("City (optional)"), k.city),
	)
	k.problem = widget.NewLabel("")
	k.problem.Wrapping = fyne.TextWrapWord
	k.problem.Importance = widget.DangerImportance
	k.problem.TextStyle.Bold = true
	k.backBtn = k.navButton(lang.L("Back"), theme.NavigateBackIcon(), widget.MediumImportance, k.startOver)
	k.nextBtn = k.navButton(lang.L("Next"), theme.NavigateNextIcon(), widget.HighImportance, k.onAboutNext)
	k.nextBtn.IconPlacement = widget.ButtonIconTrailingText
	body := container.NewVScroll(container.NewVBox(form, k.problem))
	return k.frame(lang.L("Tell us about yourself"), body, k.backBtn, kioskEnd(k.nextBtn))
}

// consentPage asks for one consent with its full text in the visitor's
// language; neither answer is chosen for them.
func (k *kiosk) consentPage(p booth.Purpose) fyne.CanvasObject {
	text, err := assets.ConsentText(string(p), k.lang)
	if err != nil {
		log.Printf("kiosk consent text: %v", err)
		text = message(err)
	}
	k.consentText = widget.NewLabel(text)
	k.consentText.Wrapping = fyne.TextWrapWord
	k.consentText.SizeName = theme.SizeNameSubHeadingText
	note := lang.L("You may refuse and still register.")
	if p == booth.PurposeContact {
		note = lang.L("Without this consent we cannot register you.")
	}
	noteLabel := widget.NewLabelWithStyle(note, fyne.TextAlignLeading, fyne.TextStyle{Bold: p == booth.PurposeContact})
	noteLabel.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(noteLabel, nil, nil, nil, kioskPaper(container.NewVScroll(k.consentText)))

	k.backBtn = k.navButton(lang.L("Back"), theme.NavigateBackIcon(), widget.MediumImportance, func() { k.show(k.step - 1) })
	k.refuseBtn = k.navButton(lang.L("I do not agree"), theme.CancelIcon(), widget.MediumImportance, func() { k.answer(p, false) })
	k.agreeBtn = k.navButton(lang.L("I agree"), theme.ConfirmIcon(), widget.SuccessImportance, func() { k.answer(p, true) })
	answers := container.NewGridWithColumns(2, kioskTall(k.refuseBtn), kioskTall(k.agreeBtn))
	return k.frame(kioskConsentQuestion(p), body, k.backBtn, answers)
}

// refusedPage explains kindly that nobody is registered without the consent
// to contact, and that nothing was kept.
func (k *kiosk) refusedPage() fyne.CanvasObject {
	text := widget.NewLabel(lang.L("We can only register you if we may keep your details and contact you. Nothing you wrote has been saved. If you have questions, please ask at the registration desk: we are glad to help."))
	text.Wrapping = fyne.TextWrapWord
	text.SizeName = theme.SizeNameSubHeadingText
	k.backBtn = k.navButton(lang.L("Back"), theme.NavigateBackIcon(), widget.MediumImportance, func() { k.show(stepContact) })
	k.startOverBtn = k.navButton(lang.L("Back to the start"), theme.HomeIcon(), widget.HighImportance, k.startOver)
	return k.frame(lang.L("Registration is not possible without this consent"), container.NewVBox(text), k.backBtn, kioskEnd(k.startOverBtn))
}

// hospitalsPage asks which hospitals may have the visitor's data, and,
// optionally, which specialties interest them.
func (k *kiosk) hospitalsPage() fyne.CanvasObject {
	title := lang.L("Which hospitals may receive your data?")
	box := container.NewVBox()
	k.hospitalBtns = k.hospitalBtns[:0]
	if len(k.hospitals) > 0 && !k.answers.Transfer {
		// The hospitals are in Korea: without the transfer abroad none of
		// them may receive the visitor's data.
		clear(k.share)
		no := widget.NewLabel(lang.L("You did not agree to your data going to Korea, so no hospital will receive it. To change this, go back."))
		no.Wrapping = fyne.TextWrapWord
		box.Add(no)
	}
	if len(k.hospitals) > 0 && k.answers.Transfer {
		text, err := assets.ConsentText(string(booth.PurposeProvision), k.lang)
		if err != nil {
			text = message(err)
		}
		provision := widget.NewLabel(text)
		provision.Wrapping = fyne.TextWrapWord
		provision.SizeName = theme.SizeNameCaptionText
		hint := widget.NewLabel(lang.L("Tap every hospital that may receive your data. You may choose none."))
		hint.Wrapping = fyne.TextWrapWord
		hospitals := container.NewGridWithColumns(2)
		for _, h := range k.hospitals {
			id := h.ID
			b := k.toggle(h.Name, func() bool { return k.share[id] }, func() { k.share[id] = !k.share[id] })
			k.hospitalBtns = append(k.hospitalBtns, b)
			hospitals.Add(kioskTall(b))
		}
		box.Add(kioskPaper(provision))
		box.Add(hint)
		box.Add(hospitals)
	}
	k.interestBtns = k.interestBtns[:0]
	if len(k.specialties) > 0 {
		question := lang.L("Which specialties interest you? (optional)")
		if len(k.hospitals) == 0 {
			title = question
		} else {
			box.Add(kioskSubheading(question))
		}
		interests := container.NewGridWithColumns(2)
		for _, s := range k.specialties {
			b := k.toggle(s, func() bool { return k.interests[s] }, func() { k.interests[s] = !k.interests[s] })
			k.interestBtns = append(k.interestBtns, b)
			interests.Add(kioskTall(b))
		}
		box.Add(interests)
	}
	// Saving, or why it failed, shows between the buttons.
	k.status = widget.NewLabel("")
	k.status.Wrapping = fyne.TextWrapWord
	k.status.TextStyle.Bold = true
	k.status.Alignment = fyne.TextAlignCenter

	k.backBtn = k.navButton(lang.L("Back"), theme.NavigateBackIcon(), widget.MediumImportance, func() { k.show(stepMarketing) })
	k.nextBtn = k.navButton(lang.L("Complete registration"), theme.ConfirmIcon(), widget.HighImportance, k.register)
	right := container.NewBorder(nil, nil, nil, kioskTall(k.nextBtn), k.status)
	return k.frame(title, container.NewVScroll(box), k.backBtn, right)
}

// donePage shows the new visitor their badge.
func (k *kiosk) donePage() fyne.CanvasObject {
	title := kioskHeading(lang.L("Thank you, {{.Name}}!", map[string]any{"Name": k.visitor.Name}))
	text := widget.NewLabel(lang.L("You are registered. Show this badge at the entrance or at the desk."))
	text.Wrapping = fyne.TextWrapWord
	text.SizeName = theme.SizeNameSubHeadingText
	k.status = widget.NewLabel("")
	k.status.Wrapping = fyne.TextWrapWord
	k.status.TextStyle.Bold = true
	k.finishBtn = k.navButton(lang.L("Finish"), theme.ConfirmIcon(), widget.HighImportance, k.startOver)
	k.status.SizeName = theme.SizeNameSubHeadingText
	side := container.NewVBox(layout.NewSpacer(), title, text, k.status,
		kioskSpace(fyne.NewSize(0, 24)), container.NewHBox(kioskTall(k.finishBtn)), layout.NewSpacer())
	var left fyne.CanvasObject
	if k.badge != nil {
		// The badge as printed, 62×100 mm at 6 px/mm, on a white card.
		k.badge.FillMode = canvas.ImageFillContain
		k.badge.SetMinSize(fyne.NewSize(372, 600))
		card := canvas.NewRectangle(color.White)
		card.StrokeColor = theme.Color(theme.ColorNameInputBorder)
		card.StrokeWidth = 2
		card.CornerRadius = 8
		left = container.NewHBox(container.NewCenter(container.NewStack(card, container.NewPadded(k.badge))), kioskSpace(fyne.NewSize(32, 0)))
	}
	return container.New(kioskMargins{kioskMargin}, container.NewBorder(nil, nil, left, nil, side))
}

package ui

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/booth"
)

// peopleStore is what the duplicate-person screen needs.
type peopleStore interface {
	DuplicatePeople(ctx context.Context) ([]booth.DuplicateGroup, error)
	MergePeople(ctx context.Context, keepID, otherID, reason string) error
	KeepApart(ctx context.Context, ids []string) error
}

// peopleScreen lists, at HQ, records that look like one person registered
// twice (mostly on two laptops), and links them as one person or keeps them
// apart. Linked records each keep their history; reports count the person
// once.
type peopleScreen struct {
	app    *App
	status *widget.Label
	list   *fyne.Container
	groups []booth.DuplicateGroup
}

// showPeople opens the duplicate-person screen (admins).
func (u *App) showPeople() {
	if !u.may(booth.ActSync) {
		return
	}
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	p := &peopleScreen{app: u}
	u.people = p
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	p.list = container.NewVBox()
	intro := widget.NewLabel(lang.L("The same person registered twice — at two laptops, say — is counted twice until you link the records. Linked records each keep their scans, consents and consultations; reports count the person once."))
	intro.Wrapping = fyne.TextWrapWord
	u.setContent(u.adminScreen(lang.L("Visitors registered twice"),
		container.NewBorder(container.NewVBox(intro, p.status), nil, nil, nil, container.NewVScroll(p.list))))
	p.load()
}

func (p *peopleScreen) load() {
	go func() {
		groups, err := p.app.cfg.Store.DuplicatePeople(context.Background())
		p.app.do(func() {
			if err != nil {
				say(p.status, message(err), true)
				return
			}
			p.show(groups)
		})
	}()
}

func (p *peopleScreen) show(groups []booth.DuplicateGroup) {
	p.groups = groups
	p.list.RemoveAll()
	if len(groups) == 0 {
		say(p.status, lang.L("No visitor looks registered twice."), false)
		return
	}
	say(p.status, lang.L("{{.Count}} groups of records look like one person.", map[string]any{"Count": len(groups)}), false)
	for _, g := range groups {
		p.list.Add(p.card(g))
	}
}

// reasonText names why records look alike.
func reasonText(reasons []string) string {
	var out []string
	for _, r := range reasons {
		switch r {
		case booth.SameByPhone:
			out = append(out, lang.L("the same phone number"))
		case booth.SameByNameYear:
			out = append(out, lang.L("the same name and birth year"))
		}
	}
	return strings.Join(out, ", ")
}

func (p *peopleScreen) card(g booth.DuplicateGroup) fyne.CanvasObject {
	rows := container.NewVBox(widget.NewLabelWithStyle(reasonText(g.Reasons), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, r := range g.Records {
		year := ""
		if r.BirthYear > 0 {
			year = strconv.Itoa(r.BirthYear)
		}
		parts := []string{r.Name}
		if r.NameLatin != "" && r.NameLatin != r.Name {
			parts = append(parts, r.NameLatin)
		}
		for _, s := range []string{year, r.Phone, r.Device} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		parts = append(parts, lang.L("{{.Count}} scans", map[string]any{"Count": r.Scans}))
		rows.Add(widget.NewLabel("• " + strings.Join(parts, " · ")))
	}
	merge := widget.NewButtonWithIcon(lang.L("One person: link"), theme.ContentAddIcon(), func() { p.merge(g) })
	merge.Importance = widget.HighImportance
	apart := widget.NewButtonWithIcon(lang.L("Different people"), theme.CancelIcon(), func() { p.apart(g) })
	rows.Add(container.NewHBox(merge, apart))
	return widget.NewCard("", "", rows)
}

// merge links every record of the group under its first (oldest) one.
func (p *peopleScreen) merge(g booth.DuplicateGroup) {
	ctx := p.app.ctx()
	go func() {
		var err error
		for _, r := range g.Records[1:] {
			if err = p.app.cfg.Store.MergePeople(ctx, g.Records[0].ID, r.ID, strings.Join(g.Reasons, ",")); err != nil &&
				booth.ErrorCode(err) != booth.ECONFLICT {
				break
			}
			err = nil
		}
		p.app.do(func() {
			if err != nil {
				say(p.status, message(err), true)
				return
			}
			p.load()
		})
	}()
}

func (p *peopleScreen) apart(g booth.DuplicateGroup) {
	ids := make([]string, len(g.Records))
	for i, r := range g.Records {
		ids[i] = r.ID
	}
	go func() {
		err := p.app.cfg.Store.KeepApart(p.app.ctx(), ids)
		p.app.do(func() {
			if err != nil {
				say(p.status, message(err), true)
				return
			}
			p.load()
		})
	}()
}

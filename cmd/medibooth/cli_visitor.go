package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"medibooth/booth"
	"medibooth/booth/sheet"
	"medibooth/consents"
)

func (m *Main) runVisitorAdd(ctx context.Context, args []string) error {
	fs := m.flags("visitor add")
	c := m.common(fs)
	var v booth.Visitor
	fs.StringVar(&v.Name, "name", "", "name as the visitor writes it")
	fs.StringVar(&v.Phone, "phone", "", "phone number")
	fs.StringVar(&v.Email, "email", "", "email")
	fs.StringVar(&v.Messenger, "messenger", "", "WhatsApp or Telegram handle")
	typ := fs.String("type", "patient", "patient, companion, agency, media or other")
	fs.StringVar(&v.Lang, "lang", "ru", "ru, kk, en or ko")
	fs.StringVar(&v.Country, "country", "", "two-letter country code")
	fs.StringVar(&v.City, "city", "", "city")
	birth := fs.String("birth-year", "", "birth year (never a full date)")
	consent := fs.String("consent", "", "consents given: contact,health,transfer,marketing")
	var share multi
	fs.Var(&share, "share-with", "hospital the visitor allows their data to go to (repeatable)")
	var interests multi
	fs.Var(&interests, "interest", "a specialty the visitor asks about, e.g. Cardiology (repeatable)")
	print := fs.Bool("print", false, "print the new visitor's badge")
	printer := fs.String("printer", "", "the printer to use (default: the system's default printer)")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if strings.TrimSpace(v.Name) == "" {
		return usagef("\"visitor add\" needs --name.")
	}
	v.Interests = interests
	var err error
	if v.Type, err = booth.ParseVisitorType(*typ); err != nil {
		return err
	}
	if v.BirthYear, err = booth.ParseBirthYear(*birth); err != nil {
		return err
	}
	purposes, err := booth.ParsePurposes(*consent)
	if err != nil {
		return err
	}
	if !slices.Contains(purposes, booth.PurposeContact) {
		return booth.Errorf(booth.EINVALID, "Without the consent to collection and contact the visitor cannot be registered; once they agree, add --consent contact.")
	}
	v.Source = booth.SourceWalkIn
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}

	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	var records []booth.Consent
	add := func(p booth.Purpose, orgID string) error {
		c, err := consents.Record("", p, orgID, true, v.Lang)
		records = append(records, c)
		return err
	}
	for _, p := range purposes {
		if err := add(p, ""); err != nil {
			return err
		}
	}
	for _, h := range share {
		org, err := db.FindOrg(ctx, h)
		if err != nil {
			return err
		} else if org.Kind != booth.OrgHospital {
			return booth.Errorf(booth.EINVALID, "%q is a %s, not a hospital; --share-with names a hospital.", org.Name, org.Kind)
		}
		if err := add(booth.PurposeProvision, org.ID); err != nil {
			return err
		}
	}
	if consents.CheckShare(nil, records) != nil {
		return booth.Errorf(booth.EINVALID, "The hospitals are in Korea: --share-with needs the consent to transfer abroad (--consent contact,transfer).")
	}
	if err := db.CreateVisitor(ctx, &v, records); err != nil {
		return err
	}
	code, _, err := db.BadgeCode(ctx, v.ID)
	if err != nil {
		return err
	}
	if *print {
		// The visitor is registered whatever the printer does; a failed
		// print says so, and "badge ID --print" tries again.
		if err := printBadges(ctx, db, []*booth.Visitor{&v}, []string{code}, false, *printer, false); err != nil {
			return booth.Errorf(booth.ErrorCode(err), "%s was registered (id %s), but the badge was not printed: %s",
				v.Name, v.ID, booth.ErrorMessage(err))
		}
	}
	out := struct {
		booth.Visitor
		Code     string          `json:"code"`   // the signed badge code a scanner types
		Number   string          `json:"number"` // the visitor's short number
		Consents []booth.Consent `json:"consents"`
	}{v, code, v.Code, records}
	return m.print(c, out, fmt.Sprintf("Registered %s (%s), visitor number %s; id %s.\nBadge code:\n%s\n", v.Name, v.NameLatin, v.Code, v.ID, code))
}

func (m *Main) runVisitorImport(ctx context.Context, args []string) error {
	fs := m.flags("visitor import")
	c := m.common(fs)
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	vs, err := readVisitorFile(pos[0])
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.Import(ctx, vs)
	if err != nil {
		return err
	}
	return m.print(c, res, fmt.Sprintf("Imported %d visitors; %d were already registered and were skipped.\n", res.Imported, res.Skipped))
}

// readVisitorFile reads a visitor list from CSV, or from the first sheet of
// an Excel workbook (.xlsx).
func readVisitorFile(path string) ([]booth.Visitor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot open %s: %v.", path, unwrapPathError(err))
	}
	defer f.Close()
	return sheet.Visitors(path, f)
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// foundVisitor is one search result as scripts read it.
type foundVisitor struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	NameLatin string `json:"name_latin"`
	Type      string `json:"type"`
	Phone     string `json:"phone,omitempty"`
	Email     string `json:"email,omitempty"`
	Code      string `json:"code"`
}

func (m *Main) runVisitorFind(ctx context.Context, args []string) error {
	fs := m.flags("visitor find")
	c := m.common(fs)
	limit := fs.Int("limit", 50, "at most this many results")
	pos, err := parse(fs, args, 1, 20)
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	found, err := db.FindVisitors(ctx, strings.Join(pos, " "), *limit)
	if err != nil {
		return err
	}
	out := struct {
		Results []foundVisitor `json:"results"`
	}{Results: []foundVisitor{}}
	var b strings.Builder
	for _, v := range found {
		out.Results = append(out.Results, foundVisitor{v.ID, v.Name, v.NameLatin, string(v.Type), v.Phone, v.Email, v.Code})
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", v.ID, v.Name, v.NameLatin, v.Type, v.Phone)
	}
	if len(found) == 0 {
		b.WriteString("No visitor matches.\n")
	}
	return m.print(c, out, b.String())
}

// runVisitorErase erases a visitor at their request; a tombstone stays so
// that HQ's merge never brings the person back.
func (m *Main) runVisitorErase(ctx context.Context, args []string) error {
	fs := m.flags("visitor erase")
	c := m.common(fs)
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.EraseVisitor(ctx, pos[0]); err != nil {
		return err
	}
	return m.print(c, map[string]any{"erased": pos[0]}, fmt.Sprintf("Visitor %s erased: their name, contacts and badge texts are gone; the counts keep their visits.\n", pos[0]))
}

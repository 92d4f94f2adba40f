package main

import (
	"context"
	"path/filepath"
	"strings"

	"medibooth/booth"
	"medibooth/booth/label"
	"medibooth/data"
)

var badgeFonts = label.ShippedFonts

// runBadge prints badge codes, saves badges and prints them. Several
// visitors make a PDF of several pages, or sheets of 8 with --sheet, for
// printing pre-registered visitors' badges before the fair.
func (m *Main) runBadge(ctx context.Context, args []string) error {
	fs := m.flags("badge")
	c := m.common(fs)
	out := fs.String("out", "", "save the badge as FILE.png or FILE.pdf")
	sheet := fs.Bool("sheet", false, "lay the PDF out on A4 sheets of 8 instead of 62×100 mm labels")
	print := fs.Bool("print", false, "print the badge on this laptop's printer")
	printer := fs.String("printer", "", "the printer to use (default: the system's default printer)")
	reprint := fs.Bool("reprint", false, "print again a badge printed before")
	ids, err := parse(fs, args, 1, 10000)
	if err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(*out))
	if *out != "" && ext != ".png" && ext != ".pdf" {
		return usagef("--out names a .png or .pdf file.")
	} else if ext == ".png" && len(ids) > 1 {
		return usagef("A PNG holds one badge; save several as a .pdf.")
	}
	db, ev, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	var badges []label.Badge
	var visitors []*booth.Visitor
	type result struct {
		ID     string `json:"id"`
		Code   string `json:"code"`
		Number string `json:"number"`
		Name   string `json:"name"`
	}
	var res struct {
		Badges []result `json:"badges"`
		File   string   `json:"file,omitempty"`
		// The first badge's fields, for the one-visitor form.
		result
	}
	var text strings.Builder
	for _, id := range ids {
		code, v, err := db.BadgeCode(ctx, id)
		if err != nil {
			return err
		}
		if *print && !*reprint {
			prints, err := db.Prints(ctx, v.ID)
			if err != nil {
				return err
			}
			for _, p := range prints {
				if p.IsPaper() {
					return booth.Errorf(booth.ECONFLICT, "The badge of %s was printed before; add --reprint to print it again.", v.Name)
				}
			}
		}
		badges = append(badges, label.ForVisitor(v, ev, code))
		visitors = append(visitors, v)
		res.Badges = append(res.Badges, result{v.ID, code, v.Code, v.Name})
		text.WriteString(code + "\n")
	}
	res.result = res.Badges[0]
	pdf := func() ([]byte, error) {
		if *sheet {
			return label.SheetPDF(badges, badgeFonts)
		}
		return label.LabelPDF(badges, badgeFonts)
	}
	if *out != "" {
		var b []byte
		if ext == ".png" {
			b, err = label.PNG(badges[0], badgeFonts)
		} else {
			b, err = pdf()
		}
		if err != nil {
			return err
		}
		if err := writeFileAtomic(*out, b, 0o644); err != nil {
			return err
		}
		res.File = *out
		for _, v := range visitors {
			if _, err := db.LogPrint(ctx, v.ID, strings.TrimPrefix(ext, "."), *out, false); err != nil {
				return err
			}
		}
	}
	if *print {
		codes := make([]string, len(res.Badges))
		for i, b := range res.Badges {
			codes[i] = b.Code
		}
		if err := printBadges(ctx, db, visitors, codes, *sheet, *printer, *reprint); err != nil {
			return err
		}
	}
	return m.print(c, res, text.String())
}

// printBadges prints visitors' badges (codes in the same order) and logs each
// print. A reprint is asked for, never made by accident (the caller checked
// earlier prints); a print that failed is not logged.
func printBadges(ctx context.Context, db *data.DB, visitors []*booth.Visitor, codes []string, sheet bool, printer string, reprint bool) error {
	ev, err := db.Event(ctx)
	if err != nil {
		return err
	}
	badges := make([]label.Badge, len(visitors))
	for i, v := range visitors {
		badges[i] = label.ForVisitor(v, ev, codes[i])
	}
	format, pdf := "label", label.LabelPDF
	if sheet {
		format, pdf = "sheet", label.SheetPDF
	}
	data, err := pdf(badges, badgeFonts)
	if err != nil {
		return err
	}
	if err := label.Print(ctx, data, printer); err != nil {
		return err
	}
	for _, v := range visitors {
		if _, err := db.LogPrint(ctx, v.ID, format, printer, reprint); err != nil {
			return err
		}
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"

	"medibooth/booth"
	"medibooth/booth/label"
	"medibooth/booth/sheet"
)

// runReport writes the event's report: JSON (the keys HQ scripts read) or
// CSV for Excel.
func (m *Main) runReport(ctx context.Context, args []string) error {
	fs := m.flags("report")
	c := m.common(fs)
	format := fs.String("format", "json", "json, csv, xlsx or pdf")
	lang := fs.String("lang", "ko", "the language of the PDF summary: ko, en, ru or kk")
	out := fs.String("out", "", "write to this file instead of standard output")
	hosp := fs.String("hospital", "", "only this hospital's consultations and meetings")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	switch *format {
	case "json", "csv", "xlsx", "pdf":
	default:
		return usagef("--format is json, csv, xlsx or pdf, not %q.", *format)
	}
	if (*format == "xlsx" || *format == "pdf") && *out == "" {
		return usagef("An Excel or PDF report goes to a file: add --out report.%s.", *format)
	}
	switch *lang {
	case "ko", "en", "ru", "kk":
	default:
		return usagef("--lang is ko, en, ru or kk, not %q.", *lang)
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	orgID := ""
	if *hosp != "" {
		o, err := db.FindOrg(ctx, *hosp)
		if err != nil {
			return err
		}
		orgID = o.ID
	}
	r, err := db.Report(ctx, orgID)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	switch *format {
	case "json":
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	case "csv":
		err = booth.WriteReportCSV(&b, r)
	case "xlsx":
		err = sheet.WriteReport(&b, r)
	case "pdf":
		var ev *booth.Event
		if ev, err = db.Event(ctx); err == nil {
			var pdf []byte
			pdf, err = label.ReportPDF(r, ev, *lang, label.ShippedFonts)
			b.Write(pdf)
		}
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = m.Stdout.Write(b.Bytes())
		return err
	}
	return writeFileAtomic(*out, b.Bytes(), 0o644)
}

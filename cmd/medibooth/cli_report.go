package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/booth/label"
	"medibooth/booth/sheet"
	"medibooth/leadfiles"
)

// runReport writes the event's report: JSON (the keys HQ scripts read) or
// CSV for Excel.
func (m *Main) runReport(ctx context.Context, args []string) error {
	fs := m.flags("report")
	c := m.common(fs)
	format := fs.String("format", "json", "json, csv, xlsx or pdf")
	lang := fs.String("lang", "ko", "the language of the PDF summary and the Excel workbook: ko, en, ru or kk")
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
		err = sheet.WriteReport(&b, r, func(k string) string { return assets.Translate(*lang, k) })
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

// runLeads writes one lead file per hospital (or one hospital's) into a
// folder: the visitors who consented to that hospital having their data.
// With the hospital's passphrase on standard input its file carries the
// note text.
func (m *Main) runLeads(ctx context.Context, args []string) error {
	fs := m.flags("leads")
	c := m.common(fs)
	out := fs.String("out", "", "the folder the files go to")
	format := fs.String("format", "xlsx", "xlsx or csv")
	lang := fs.String("lang", "ko", "the language of the column headers: ko, en, ru or kk")
	notes := newNotesFlags(fs, "only this hospital's file", "read the hospital's passphrase from standard input: its file carries the note text")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *out == "" {
		return usagef("Name the folder for the lead files with --out.")
	}
	if *format != "xlsx" && *format != "csv" {
		return usagef("--format is xlsx or csv, not %q.", *format)
	}
	if err := notes.read(m); err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	o := booth.LeadOptions{Dir: *out, Format: *format, Lang: *lang}
	var key *booth.NotesKey
	if o.HospitalID, key, err = notes.open(ctx, db); err != nil {
		return err
	}
	if key != nil {
		o.Keys = map[string]*booth.NotesKey{o.HospitalID: key}
	}
	files, err := leadfiles.Write(ctx, db, o)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, f := range files {
		notes := "without note text"
		if f.Notes {
			notes = "with note text"
		}
		fmt.Fprintf(&b, "%s: %d leads, %d consultations, %s → %s\n", f.Hospital, f.Leads, f.Consultations, notes, f.Path)
	}
	return m.print(c, map[string]any{"files": files}, b.String())
}

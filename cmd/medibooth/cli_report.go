package main

import (
	"bytes"
	"context"
	"encoding/json"

	"medibooth/booth"
	"medibooth/booth/sheet"
)

// runReport writes the event's report: JSON (the keys HQ scripts read) or
// CSV for Excel.
func (m *Main) runReport(ctx context.Context, args []string) error {
	fs := m.flags("report")
	c := m.common(fs)
	format := fs.String("format", "json", "json, csv or xlsx")
	out := fs.String("out", "", "write to this file instead of standard output")
	hosp := fs.String("hospital", "", "only this hospital's consultations and meetings")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	switch *format {
	case "json", "csv", "xlsx":
	default:
		return usagef("--format is json, csv or xlsx, not %q.", *format)
	}
	if *format == "xlsx" && *out == "" {
		return usagef("An Excel report goes to a file: add --out report.xlsx.")
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

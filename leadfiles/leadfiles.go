// Package leadfiles writes the lead files a hospital takes home after the
// fair: one spreadsheet (or CSV) per hospital of the visitors who agreed to
// be contacted by it, written whole or not at all and readable by the user
// alone, each export in the audit log. The window's Reports screen and
// "medibooth leads" call it alike; what goes into a file is decided by the
// store (data's Leads).
package leadfiles

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/booth/sheet"
)

// Store is what writing lead files needs of the database.
type Store interface {
	Orgs(ctx context.Context, kind booth.OrgKind) ([]booth.Org, error)
	// Leads lists a hospital's leads; key, the hospital's opened notes
	// key, opens the notes.
	Leads(ctx context.Context, hospitalID string, key *booth.NotesKey) ([]booth.Lead, error)
	// LogExport records in the audit log that personal data concerning
	// subject left the laptop.
	LogExport(ctx context.Context, subject, detail string) error
}

// Write writes one lead file per hospital into o.Dir: the visitors
// who consented to being contacted, to their data going to that hospital
// and abroad; with that hospital's consultations of them while their consent
// to health information stands; with note text only when o.Keys holds the
// hospital's opened key. Each file is written whole or not at all, and each
// export is in the audit log.
func Write(ctx context.Context, st Store, o booth.LeadOptions) ([]booth.LeadFile, error) {
	if o.Format == "" {
		o.Format = "xlsx"
	}
	if o.Format != "xlsx" && o.Format != "csv" {
		return nil, booth.Errorf(booth.EINVALID, "Lead files are xlsx or csv, not %q.", o.Format)
	}
	if o.Lang == "" {
		o.Lang = "ko"
	}
	if !slices.Contains([]string{"ko", "en", "ru", "kk"}, o.Lang) {
		return nil, booth.Errorf(booth.EINVALID, "The language of lead files is ko, en, ru or kk, not %q.", o.Lang)
	}
	if strings.TrimSpace(o.Dir) == "" {
		return nil, booth.Errorf(booth.EINVALID, "Choose a folder for the lead files.")
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot write to %s: %v.", o.Dir, err)
	}
	hospitals, err := st.Orgs(ctx, booth.OrgHospital)
	if err != nil {
		return nil, err
	}
	if o.HospitalID != "" {
		i := slices.IndexFunc(hospitals, func(h booth.Org) bool { return h.ID == o.HospitalID })
		if i < 0 {
			return nil, booth.Errorf(booth.ENOTFOUND, "There is no such hospital.")
		}
		hospitals = hospitals[i : i+1]
	}
	t := func(key string) string { return assets.Translate(o.Lang, key) }
	var out []booth.LeadFile
	used := map[string]bool{}
	for i, h := range hospitals {
		key := o.Keys[h.ID]
		if key != nil && key.OrgID != h.ID {
			key = nil
		}
		leads, err := st.Leads(ctx, h.ID, key)
		if err != nil {
			return out, err
		}
		f := booth.LeadFile{HospitalID: h.ID, Hospital: h.Name, Leads: len(leads), Notes: key != nil,
			Path: filepath.Join(o.Dir, booth.LeadFileName(h.Name, o.Format))}
		// Two hospitals whose names spell one file name get two files.
		for n := 2; used[f.Path]; n++ {
			f.Path = filepath.Join(o.Dir, strings.TrimSuffix(booth.LeadFileName(h.Name, o.Format), "."+o.Format)+fmt.Sprintf("-%d.%s", n, o.Format))
		}
		used[f.Path] = true
		for _, l := range leads {
			f.Consultations += len(l.Consultations)
		}
		table := booth.LeadTable(leads, key != nil, t)
		var b bytes.Buffer
		if o.Format == "csv" {
			err = booth.WriteLeadsCSV(&b, table)
		} else {
			err = sheet.WriteLeads(&b, t("Leads"), table, booth.LeadDateColumn)
		}
		if err != nil {
			return out, err
		}
		// Personal data: readable by this user only.
		if err := booth.WriteFileAtomic(f.Path, b.Bytes(), 0o600); err != nil {
			return out, booth.Errorf(booth.EINVALID, "Cannot write %s: %v.", f.Path, err)
		}
		detail := fmt.Sprintf("lead file %s: %d leads, %d consultations", filepath.Base(f.Path), f.Leads, f.Consultations)
		if f.Notes {
			detail += ", with note text"
		}
		if err := st.LogExport(ctx, h.ID, detail); err != nil {
			return out, err
		}
		out = append(out, f)
		if o.Progress != nil {
			o.Progress(i+1, len(hospitals))
		}
	}
	return out, nil
}

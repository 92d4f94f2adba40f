package data

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/booth/sheet"
)

// WriteLeadFiles writes one lead file per hospital into o.Dir: the visitors
// who consented to being contacted, to their data going to that hospital
// and abroad; with that hospital's consultations of them while their consent
// to health information stands; with note text only when o.Keys holds the
// hospital's opened key. Each file is written whole or not at all, and each
// export is in the audit log.
func (db *DB) WriteLeadFiles(ctx context.Context, o booth.LeadOptions) ([]booth.LeadFile, error) {
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
	var hospitals []booth.Org
	if o.HospitalID != "" {
		name, err := hospital(ctx, db.r, o.HospitalID)
		if err != nil {
			return nil, err
		}
		hospitals = []booth.Org{{ID: o.HospitalID, Kind: booth.OrgHospital, Name: name}}
	} else {
		var err error
		if hospitals, err = db.Orgs(ctx, booth.OrgHospital); err != nil {
			return nil, err
		}
	}
	t := func(key string) string { return assets.Translate(o.Lang, key) }
	var out []booth.LeadFile
	used := map[string]bool{}
	for i, h := range hospitals {
		key := o.Keys[h.ID]
		if key != nil && key.OrgID != h.ID {
			key = nil
		}
		leads, err := db.Leads(ctx, h.ID, key)
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
		if err := db.Audit(ctx, AuditExport, h.ID, detail); err != nil {
			return out, err
		}
		out = append(out, f)
		if o.Progress != nil {
			o.Progress(i+1, len(hospitals))
		}
	}
	return out, nil
}

// Leads lists a hospital's leads (see WriteLeadFiles), by name. key, when
// it is the hospital's opened notes key, opens the notes.
func (db *DB) Leads(ctx context.Context, hospitalID string, key *booth.NotesKey) ([]booth.Lead, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// Everyone who ever decided about provision to this hospital; their
	// latest decisions say who is a lead.
	const asked = `(SELECT visitor_id FROM consent WHERE purpose = 'provision' AND org_id = ?1)`
	rows, err := tx.QueryContext(ctx, `SELECT visitor_id, id, purpose, coalesce(org_id, ''), granted, at FROM consent
		WHERE visitor_id IN `+asked, hospitalID)
	type vc struct {
		visitor string
		c       booth.Consent
	}
	all, err := collect(rows, err, func(rows *sql.Rows) (vc, error) {
		var x vc
		var at string
		err := rows.Scan(&x.visitor, &x.c.ID, &x.c.Purpose, &x.c.OrgID, &x.c.Granted, &at)
		x.c.At, _ = booth.ParseTime(at)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	consents := map[string][]booth.Consent{}
	for _, x := range all {
		consents[x.visitor] = append(consents[x.visitor], x.c)
	}
	rows, err = tx.QueryContext(ctx, `SELECT `+visitorColumns+` FROM visitor
		WHERE id IN `+asked+` AND erased_at IS NULL AND purged_at IS NULL`, hospitalID)
	vs, err := collect(rows, err, func(rows *sql.Rows) (*booth.Visitor, error) { return scanVisitor(rows) })
	if err != nil {
		return nil, err
	}
	byID := map[string]int{}
	var leads []booth.Lead
	for _, v := range vs {
		cs := consents[v.ID]
		if !booth.HasConsent(cs, booth.PurposeContact, "") || booth.CheckProvision(cs, hospitalID) != nil {
			continue
		}
		byID[v.ID] = len(leads)
		leads = append(leads, booth.Lead{Visitor: *v})
	}
	rows, err = tx.QueryContext(ctx, `SELECT visitor_id, specialty FROM visitor_interest
		WHERE visitor_id IN `+asked+` ORDER BY visitor_id, specialty`, hospitalID)
	interests, err := collect(rows, err, func(rows *sql.Rows) ([2]string, error) {
		var p [2]string
		err := rows.Scan(&p[0], &p[1])
		return p, err
	})
	if err != nil {
		return nil, err
	}
	for _, p := range interests {
		if i, ok := byID[p[0]]; ok {
			leads[i].Interests = append(leads[i].Interests, p[1])
		}
	}
	rows, err = tx.QueryContext(ctx, `SELECT `+consultColumns+` FROM consultation c
		JOIN visitor v ON v.id = c.visitor_id JOIN org o ON o.id = c.org_id
		WHERE c.org_id = ?1 ORDER BY c.at, c.id`, hospitalID)
	cs, err := collect(rows, err, scanConsultation)
	if err != nil {
		return nil, err
	}
	opened := 0
	for _, c := range cs {
		i, ok := byID[c.VisitorID]
		if !ok || !booth.HasConsent(consents[c.VisitorID], booth.PurposeHealth, "") {
			continue
		}
		lc := booth.LeadConsultation{Consultation: c}
		if key != nil && key.OrgID == hospitalID && len(c.Sealed) > 0 {
			if lc.Note, err = key.Open(c.Sealed); err != nil {
				return nil, err
			}
			opened++
		}
		lc.Sealed = nil
		leads[i].Consultations = append(leads[i].Consultations, lc)
	}
	slices.SortFunc(leads, func(a, b booth.Lead) int {
		if c := strings.Compare(strings.ToLower(a.Visitor.NameLatin), strings.ToLower(b.Visitor.NameLatin)); c != 0 {
			return c
		}
		return strings.Compare(a.Visitor.ID, b.Visitor.ID)
	})
	if opened > 0 {
		if err := db.Audit(ctx, AuditNoteView, hospitalID, fmt.Sprintf("%d notes read for the lead list", opened)); err != nil {
			return nil, err
		}
	}
	return leads, nil
}

package data

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"medibooth/booth"
)

// LogExport records in the audit log that personal data concerning subject
// (a hospital's lead file) left the laptop.
func (db *DB) LogExport(ctx context.Context, subject, detail string) error {
	return db.Audit(ctx, AuditExport, subject, detail)
}

// Leads lists a hospital's leads (see leadfiles.Write), by name. key, when
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

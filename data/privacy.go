package data

import (
	"context"
	"database/sql"
	"errors"

	"medibooth/booth"
)

// AddConsent records a visitor's new decision about one purpose: a consent
// given later, or a withdrawal (Granted false). Earlier records stay as
// they are; the latest decision counts (booth.HasConsent).
func (db *DB) AddConsent(ctx context.Context, c *booth.Consent) error {
	if c.TextVersion == "" || c.TextHash == "" || c.Lang == "" {
		return booth.Errorf(booth.EINVALID, "A consent record needs the version, hash and language of the text shown.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var erased bool
	err = tx.QueryRowContext(ctx, `SELECT erased_at IS NOT NULL FROM visitor WHERE id = ?`, c.VisitorID).Scan(&erased)
	if errors.Is(err, sql.ErrNoRows) {
		return booth.Errorf(booth.ENOTFOUND, "There is no visitor with the id %q.", c.VisitorID)
	} else if err != nil {
		return err
	} else if erased {
		return booth.Errorf(booth.ECONFLICT, "This visitor's data was erased at their request.")
	}
	switch c.Purpose {
	case booth.PurposeContact, booth.PurposeHealth, booth.PurposeTransfer, booth.PurposeMarketing:
		if c.OrgID != "" {
			return booth.Errorf(booth.EINVALID, "Only the consent to provision names a hospital.")
		}
	case booth.PurposeProvision:
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT kind FROM org WHERE id = ?`, c.OrgID).Scan(&kind)
		if err != nil || kind != string(booth.OrgHospital) {
			return booth.Errorf(booth.EINVALID, "The consent to provision names a hospital of this event.")
		}
	default:
		return booth.Errorf(booth.EINVALID, "The consent %q is not one of contact, health, provision, transfer or marketing.", c.Purpose)
	}
	c.ID = ""
	if err := insertConsent(ctx, tx, db, c, false); err != nil {
		return err
	}
	return tx.Commit()
}

// EraseVisitor erases a visitor at their request. The row stays as a
// tombstone (id, type, device, times, erased_at) so that merging laptops at
// HQ never brings the person back; everything personal goes: name, contact
// details, city, birth year, visitor number and search terms, the text of
// the badge codes in their scans (a badge seals the name), and the
// file names of saved badges. Scans and consent records keep only ids,
// times and decisions, which the counts need.
func (db *DB) EraseVisitor(ctx context.Context, visitorID string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := booth.FormatTime(db.Now())
	res, err := tx.ExecContext(ctx, `UPDATE visitor SET code = NULL, name = '', name_latin = '', phone = '', email = '',
		messenger = '', country = '', city = '', birth_year = NULL, badge_key = NULL,
		erased_at = coalesce(erased_at, ?), updated_at = ?, device_id = ?, seq = ? WHERE id = ?`,
		now, now, db.Device().ID, db.nextSeq(), visitorID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booth.Errorf(booth.ENOTFOUND, "There is no visitor with the id %q.", visitorID)
	}
	for _, q := range []string{
		`DELETE FROM visitor_term WHERE visitor_id = ?`,
		`DELETE FROM visitor_interest WHERE visitor_id = ?`,
		`UPDATE scan SET raw = X'', code = '' WHERE visitor_id = ?`,
		`UPDATE badge_print SET target = '' WHERE visitor_id = ?`,
		// The notes go; the consultation stays counted.
		`UPDATE consultation SET sealed = NULL, follow_up_by = '' WHERE visitor_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, visitorID); err != nil {
			return err
		}
	}
	if err := db.audit(ctx, tx, AuditErase, visitorID, ""); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	db.scrubLog(ctx)
	return nil
}

// scrubLog copies the write-ahead log into the database file and empties
// it, so that the pages that held erased or purged data leave the -wal file
// (secure_delete zeroes them in the database file) even while the desk
// keeps the database open all day. A reader of another process can hold the
// log for a moment; the checkpoint then waits for it (busy timeout), and
// the data is gone from the log at the latest when the last connection
// closes.
func (db *DB) scrubLog(ctx context.Context) bool {
	var busy, frames, done int
	err := db.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done)
	return err == nil && busy == 0
}

// UpdateVisitor stores edits of a visitor's details (id, number, source and
// creation stay). The row carries the new time, this device and its next
// sequence, so the newest edit wins when laptops are merged.
func (db *DB) UpdateVisitor(ctx context.Context, v *booth.Visitor) error {
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var by any
	if v.BirthYear != 0 {
		by = v.BirthYear
	}
	v.Updated = db.Now()
	res, err := tx.ExecContext(ctx, `UPDATE visitor SET name = ?, name_latin = ?, phone = ?, email = ?, messenger = ?, type = ?,
		lang = ?, country = ?, city = ?, birth_year = ?, updated_at = ?, device_id = ?, seq = ?
		WHERE id = ? AND erased_at IS NULL AND purged_at IS NULL`,
		v.Name, v.NameLatin, v.Phone, v.Email, v.Messenger, v.Type, v.Lang, v.Country, v.City, by,
		booth.FormatTime(v.Updated), db.Device().ID, db.nextSeq(), v.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booth.Errorf(booth.ENOTFOUND, "There is no visitor with the id %q, or their data was erased or purged.", v.ID)
	}
	if err := writeTerms(ctx, tx, v, false); err != nil {
		return err
	}
	return tx.Commit()
}

// VisitorScans lists a visitor's scans on every laptop this database knows,
// newest first.
func (db *DB) VisitorScans(ctx context.Context, visitorID string) ([]booth.Scan, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+scanColumns+scanJoins+` WHERE s.visitor_id = ? ORDER BY s.at DESC, s.seq DESC`, visitorID)
	return collect(rows, err, scanScanRow)
}

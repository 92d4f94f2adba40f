package data

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"medibooth/booth"
)

// DuplicatePeople reports records that look like one person registered
// more than once (booth.FindDuplicates): at HQ, mostly the same visitor
// registered on two laptops.
func (db *DB) DuplicatePeople(ctx context.Context) ([]booth.DuplicateGroup, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+visitorColumns+`,
		coalesce((SELECT person_id FROM same_person WHERE visitor_id = visitor.id), id),
		coalesce((SELECT name FROM device WHERE device.id = visitor.device_id), '')
		FROM visitor WHERE erased_at IS NULL AND purged_at IS NULL AND (phone <> '' OR birth_year IS NOT NULL)`)
	rs, err := collect(rows, err, func(rows *sql.Rows) (booth.PersonRecord, error) {
		var r booth.PersonRecord
		var created, updated string
		err := rows.Scan(&r.ID, &r.Code, &r.Name, &r.NameLatin, &r.Phone, &r.Email, &r.Messenger, &r.Type, &r.Lang,
			&r.Country, &r.City, &r.BirthYear, &r.Source, &created, &updated, &r.DeviceID, &r.Erased, &r.PersonID, &r.Device)
		r.Created, _ = booth.ParseTime(created)
		r.Updated, _ = booth.ParseTime(updated)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	found := booth.FindDuplicates(rs)
	rows, err = db.r.QueryContext(ctx, `SELECT key FROM local WHERE key LIKE 'apart:%'`)
	apart, err := collect(rows, err, scanString)
	if err != nil {
		return nil, err
	}
	var groups []booth.DuplicateGroup
	for _, g := range found {
		if !slices.Contains(apart, apartKey(g.Records)) {
			groups = append(groups, g)
		}
	}
	for gi := range groups {
		for ri := range groups[gi].Records {
			r := &groups[gi].Records[ri]
			if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM scan WHERE visitor_id = ?`, r.ID).Scan(&r.Scans); err != nil {
				return nil, err
			}
		}
	}
	return groups, nil
}

// apartKey names a group of records in the local settings once HQ said
// they are different people.
func apartKey(rs []booth.PersonRecord) string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	slices.Sort(ids)
	return "apart:" + strings.Join(ids, ",")
}

// KeepApart records that a reported group of records are different people:
// the report leaves exactly that group out from now on (a new look-alike
// record brings it back).
func (db *DB) KeepApart(ctx context.Context, ids []string) error {
	rs := make([]booth.PersonRecord, len(ids))
	for i, id := range ids {
		rs[i].ID = id
	}
	_, err := db.exec(ctx, `INSERT OR IGNORE INTO local (key, value) VALUES (?, ?)`, apartKey(rs), booth.FormatTime(db.Now()))
	return err
}

// personOf returns the record a visitor's person is counted under.
func personOf(ctx context.Context, tx *wtx, id string) (string, error) {
	var erased bool
	err := tx.QueryRowContext(ctx, `SELECT erased_at IS NOT NULL FROM visitor WHERE id = ?`, id).Scan(&erased)
	if errors.Is(err, sql.ErrNoRows) {
		return "", booth.Errorf(booth.ENOTFOUND, "There is no visitor with the id %q.", id)
	} else if err != nil {
		return "", err
	}
	if erased {
		return "", booth.Errorf(booth.ECONFLICT, "This visitor was erased at their request.")
	}
	var person string
	err = tx.QueryRowContext(ctx, `SELECT person_id FROM same_person WHERE visitor_id = ?`, id).Scan(&person)
	if errors.Is(err, sql.ErrNoRows) {
		return id, nil
	}
	return person, err
}

// MergePeople records that two visitor records are one person, counted
// under keepID's person from now on. Both records keep their own history
// (scans, consents, consultations): nothing is rewritten, and the link can
// be undone (SeparatePerson). The link is HQ's decision about its merged
// data: it never travels in a bundle.
func (db *DB) MergePeople(ctx context.Context, keepID, otherID, reason string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	keep, err := personOf(ctx, tx, keepID)
	if err != nil {
		return err
	}
	other, err := personOf(ctx, tx, otherID)
	if err != nil {
		return err
	}
	if keep == other {
		return booth.Errorf(booth.ECONFLICT, "These records are already one person.")
	}
	staff := ""
	if s := booth.StaffFrom(ctx); s != nil {
		staff = s.ID
	}
	if _, err := tx.ExecContext(ctx, `UPDATE same_person SET person_id = ? WHERE person_id = ?`, keep, other); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO same_person (visitor_id, person_id, reason, merged_at, staff_id) VALUES (?, ?, ?, ?, ?)`,
		other, keep, reason, booth.FormatTime(db.Now()), staff); err != nil {
		return err
	}
	if err := db.audit(ctx, tx, AuditSamePerson, other, keep); err != nil {
		return err
	}
	return tx.Commit()
}

// SeparatePerson undoes MergePeople for one record: it counts as a person
// of its own again (and records linked under it stay with it).
func (db *DB) SeparatePerson(ctx context.Context, visitorID string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM same_person WHERE visitor_id = ?`, visitorID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booth.Errorf(booth.ENOTFOUND, "This record is not linked to another person.")
	}
	if err := db.audit(ctx, tx, AuditSeparate, visitorID, ""); err != nil {
		return err
	}
	return tx.Commit()
}

// SamePerson lists the records counted as one person with visitorID's,
// the person's own record first.
func (db *DB) SamePerson(ctx context.Context, visitorID string) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `WITH p AS (SELECT coalesce((SELECT person_id FROM same_person WHERE visitor_id = ?1), ?1) AS id)
		SELECT id FROM p UNION ALL SELECT visitor_id FROM same_person WHERE person_id = (SELECT id FROM p)`, visitorID)
	return collect(rows, err, scanString)
}

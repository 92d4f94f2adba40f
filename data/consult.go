package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"medibooth/booth"
)

func (db *DB) passphraseCost() booth.PassphraseCost {
	if db.PassphraseCost != (booth.PassphraseCost{}) {
		return db.PassphraseCost
	}
	return booth.DefaultPassphraseCost
}

// hospital returns the organisation id names, which must be a hospital.
func hospital(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id string) (string, error) {
	var kind, name string
	err := q.QueryRowContext(ctx, `SELECT kind, name FROM org WHERE id = ?`, id).Scan(&kind, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", booth.Errorf(booth.ENOTFOUND, "There is no such hospital.")
	} else if err != nil {
		return "", err
	}
	if kind != string(booth.OrgHospital) {
		return "", booth.Errorf(booth.EINVALID, "%s is not a hospital.", name)
	}
	return name, nil
}

// CreateHospitalKey gives a hospital its key for sealed notes, wrapped with
// passphrase. A hospital keeps its first key: notes sealed to it must stay
// readable.
func (db *DB) CreateHospitalKey(ctx context.Context, orgID, passphrase string) (*booth.HospitalKey, error) {
	if _, err := hospital(ctx, db.r, orgID); err != nil {
		return nil, err
	}
	k, err := booth.NewHospitalKey(orgID, passphrase, db.passphraseCost())
	if err != nil {
		return nil, err
	}
	return k, db.storeHospitalKey(ctx, k, false)
}

func (db *DB) storeHospitalKey(ctx context.Context, k *booth.HospitalKey, ignore bool) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := insertHospitalKey(ctx, tx, db, k, ignore); err != nil {
		return err
	}
	return tx.Commit()
}

func insertHospitalKey(ctx context.Context, tx *wtx, db *DB, k *booth.HospitalKey, ignore bool) error {
	verb := "INSERT"
	if ignore {
		verb = "INSERT OR IGNORE"
	}
	t := booth.FormatTime(db.Now())
	_, err := tx.ExecContext(ctx, verb+` INTO hospital_key (org_id, recipient, wrapped, created_at, updated_at, device_id, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, k.OrgID, k.Recipient, k.Wrapped, t, t, db.Device().ID, db.nextSeq())
	if uniqueOn(err, "hospital_key") {
		return booth.Errorf(booth.ECONFLICT, "This hospital has a notes key already; its notes stay readable only with it.")
	}
	return err
}

// HospitalKey returns a hospital's notes key; ENOTFOUND when it has none.
func (db *DB) HospitalKey(ctx context.Context, orgID string) (*booth.HospitalKey, error) {
	k := &booth.HospitalKey{OrgID: orgID}
	err := db.r.QueryRowContext(ctx, `SELECT recipient, wrapped FROM hospital_key WHERE org_id = ?`, orgID).Scan(&k.Recipient, &k.Wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booth.Errorf(booth.ENOTFOUND, "This hospital has no key for notes yet; HQ makes one before the fair.")
	}
	return k, err
}

// UnlockError says why a hospital's notes stayed closed: a wrong
// passphrase with the tries left, or a lockout.
type UnlockError = booth.SignInError

// UnlockHospital opens a hospital's notes key with its passphrase. Wrong
// passphrases count towards a lockout on this laptop, as PINs do; every
// try is in the audit log.
func (db *DB) UnlockHospital(ctx context.Context, orgID, passphrase string) (*booth.NotesKey, error) {
	k, err := db.HospitalKey(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var failed int
	var lockedUntil string
	err = db.r.QueryRowContext(ctx, `SELECT failed, locked_until FROM unlock_state WHERE org_id = ?`, orgID).Scan(&failed, &lockedUntil)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	now := db.Now()
	if until, err := booth.ParseTime(lockedUntil); err == nil && now.Before(until) {
		return nil, &booth.SignInError{LockedUntil: until}
	}
	key, openErr := k.Unwrap(passphrase)
	if openErr != nil && !errors.Is(openErr, booth.ErrWrongPassphrase) {
		return nil, openErr
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if openErr == nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM unlock_state WHERE org_id = ?`, orgID); err != nil {
			return nil, err
		}
		if err := db.audit(ctx, tx, AuditUnlock, orgID, ""); err != nil {
			return nil, err
		}
		return key, tx.Commit()
	}
	failed++
	var until time.Time
	locked := ""
	if d := booth.LockoutAfter(failed); d > 0 {
		until = now.Add(d)
		locked = booth.FormatTime(until)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO unlock_state (org_id, failed, locked_until) VALUES (?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET failed = excluded.failed, locked_until = excluded.locked_until`,
		orgID, failed, locked); err != nil {
		return nil, err
	}
	if err := db.audit(ctx, tx, AuditUnlockFailed, orgID, fmt.Sprintf("failed %d", failed)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return nil, &booth.SignInError{TriesLeft: max(booth.MaxPINTries-failed, 0), LockedUntil: until}
}

// AddConsultation records a consultation and seals its note to the
// hospital. Refused without the visitor's consent to health information;
// a note needs the hospital's key (its public half: writing needs no
// secret). at zero means now; an earlier at is a consultation written on
// paper, entered late.
func (db *DB) AddConsultation(ctx context.Context, c *booth.Consultation, note booth.NoteContent) error {
	if err := c.Validate(&note); err != nil {
		return err
	}
	now := db.Now()
	if c.At.IsZero() {
		c.At = now
	} else {
		c.Late = c.At.Before(now.Add(-time.Minute))
	}
	c.At = c.At.UTC()
	if c.ID == "" {
		c.ID = booth.NewID()
	}
	c.DeviceID = db.Device().ID
	c.StaffID = staffID(ctx)
	c.Sealed = nil
	if !note.Empty() {
		k, err := db.HospitalKey(ctx, c.OrgID)
		if err != nil {
			return err
		}
		if c.Sealed, err = booth.SealNote(k.Recipient, note); err != nil {
			return err
		}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ev, err := readEvent(ctx, tx)
	if err != nil {
		return err
	}
	if err := db.checkConsultation(ctx, tx, c); err != nil {
		return err
	}
	c.Day = ev.LocalDay(c.At)
	t := booth.FormatTime(now)
	_, err = tx.ExecContext(ctx, `INSERT INTO consultation (id, visitor_id, org_id, department, doctor, at, day, late,
		recommendation, follow_up, follow_up_when, follow_up_by, interpreter, sealed, staff_id, created_at, updated_at, device_id, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?)`,
		c.ID, c.VisitorID, c.OrgID, c.Department, c.Doctor, booth.FormatTime(c.At), c.Day, c.Late,
		c.Recommendation, c.FollowUp, c.FollowUpWhen, c.FollowUpBy, c.Interpreter, c.Sealed, c.StaffID, t, t, c.DeviceID, db.nextSeq())
	if err != nil {
		return err
	}
	if err := db.audit(ctx, tx, AuditConsultAdd, c.ID, c.OrgID); err != nil {
		return err
	}
	return tx.Commit()
}

// checkConsultation holds the rules every stored consultation keeps: a
// visitor who is not erased and consented to health information, a
// hospital, and one of its departments.
func (db *DB) checkConsultation(ctx context.Context, tx *wtx, c *booth.Consultation) error {
	var name string
	var erased bool
	err := tx.QueryRowContext(ctx, `SELECT name, erased_at IS NOT NULL FROM visitor WHERE id = ?`, c.VisitorID).Scan(&name, &erased)
	if errors.Is(err, sql.ErrNoRows) {
		return booth.Errorf(booth.ENOTFOUND, "There is no such visitor.")
	} else if err != nil {
		return err
	}
	if erased {
		return booth.Errorf(booth.ECONFLICT, "This visitor was erased at their request.")
	}
	consents, err := consentsOf(ctx, tx, c.VisitorID)
	if err != nil {
		return err
	}
	if err := booth.CheckHealth(consents); err != nil {
		return err
	}
	if c.Hospital, err = hospital(ctx, tx, c.OrgID); err != nil {
		return err
	}
	var dept string
	err = tx.QueryRowContext(ctx, `SELECT name FROM department WHERE org_id = ? AND name_fold = ?`, c.OrgID, fold(c.Department)).Scan(&dept)
	if errors.Is(err, sql.ErrNoRows) {
		return booth.Errorf(booth.EINVALID, "%s has no department %q.", c.Hospital, c.Department)
	} else if err != nil {
		return err
	}
	c.Department = dept
	c.VisitorName = name
	return nil
}

// UpdateConsultation changes a consultation's fields and, when note is not
// empty, replaces its note. Only the same hospital's consultation changes.
func (db *DB) UpdateConsultation(ctx context.Context, c *booth.Consultation, note booth.NoteContent) error {
	if err := c.Validate(&note); err != nil {
		return err
	}
	var sealed []byte
	if !note.Empty() {
		k, err := db.HospitalKey(ctx, c.OrgID)
		if err != nil {
			return err
		}
		if sealed, err = booth.SealNote(k.Recipient, note); err != nil {
			return err
		}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var orgID string
	err = tx.QueryRowContext(ctx, `SELECT org_id FROM consultation WHERE id = ?`, c.ID).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && orgID != c.OrgID) {
		return booth.Errorf(booth.ENOTFOUND, "There is no such consultation.")
	} else if err != nil {
		return err
	}
	if err := db.checkConsultation(ctx, tx, c); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE consultation SET department = ?, doctor = ?, recommendation = ?, follow_up = ?,
		follow_up_when = ?, follow_up_by = ?, interpreter = ?, sealed = coalesce(?, sealed),
		updated_at = ?, device_id = ?, seq = ? WHERE id = ?`,
		c.Department, c.Doctor, c.Recommendation, c.FollowUp, c.FollowUpWhen, c.FollowUpBy, c.Interpreter, sealed,
		booth.FormatTime(db.Now()), db.Device().ID, db.nextSeq(), c.ID)
	if err != nil {
		return err
	}
	if err := db.audit(ctx, tx, AuditConsultEdit, c.ID, c.OrgID); err != nil {
		return err
	}
	return tx.Commit()
}

// consentsOf reads a visitor's consent records inside tx.
func consentsOf(ctx context.Context, tx *wtx, visitorID string) ([]booth.Consent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, purpose, coalesce(org_id, ''), granted, at FROM consent WHERE visitor_id = ?`, visitorID)
	return collect(rows, err, func(rows *sql.Rows) (booth.Consent, error) {
		var c booth.Consent
		var at string
		err := rows.Scan(&c.ID, &c.Purpose, &c.OrgID, &c.Granted, &at)
		c.At, _ = booth.ParseTime(at)
		return c, err
	})
}

const consultColumns = `c.id, c.visitor_id, v.name, c.org_id, o.name, c.department, c.doctor, c.at, c.day, c.late,
	c.recommendation, c.follow_up, c.follow_up_when, c.follow_up_by, c.interpreter, c.sealed, coalesce(c.staff_id, ''), c.device_id`

func scanConsultation(rows *sql.Rows) (booth.Consultation, error) {
	var c booth.Consultation
	var at string
	err := rows.Scan(&c.ID, &c.VisitorID, &c.VisitorName, &c.OrgID, &c.Hospital, &c.Department, &c.Doctor, &at, &c.Day, &c.Late,
		&c.Recommendation, &c.FollowUp, &c.FollowUpWhen, &c.FollowUpBy, &c.Interpreter, &c.Sealed, &c.StaffID, &c.DeviceID)
	c.At, _ = booth.ParseTime(at)
	return c, err
}

// Consultations lists consultations, newest first, of one visitor and/or
// one hospital ("" for any). Notes stay sealed.
func (db *DB) Consultations(ctx context.Context, visitorID, orgID string) ([]booth.Consultation, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+consultColumns+` FROM consultation c
		JOIN visitor v ON v.id = c.visitor_id JOIN org o ON o.id = c.org_id
		WHERE (? = '' OR c.visitor_id = ?) AND (? = '' OR c.org_id = ?) ORDER BY c.at DESC, c.id DESC`,
		visitorID, visitorID, orgID, orgID)
	return collect(rows, err, scanConsultation)
}

// ConsultationCount counts a visitor's consultations, with every hospital.
func (db *DB) ConsultationCount(ctx context.Context, visitorID string) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM consultation WHERE visitor_id = ?`, visitorID).Scan(&n)
	return n, err
}

// ReadNote opens a consultation's note with its hospital's key and writes
// the reading to the audit log. Another hospital's key opens nothing.
func (db *DB) ReadNote(ctx context.Context, key *booth.NotesKey, consultationID string) (booth.NoteContent, error) {
	var orgID string
	var sealed []byte
	err := db.r.QueryRowContext(ctx, `SELECT org_id, sealed FROM consultation WHERE id = ?`, consultationID).Scan(&orgID, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return booth.NoteContent{}, booth.Errorf(booth.ENOTFOUND, "There is no such consultation.")
	} else if err != nil {
		return booth.NoteContent{}, err
	}
	if key == nil || key.OrgID != orgID {
		return booth.NoteContent{}, booth.Errorf(booth.ECONFLICT, "This note belongs to another hospital; it cannot be opened with this hospital's key.")
	}
	n, err := key.Open(sealed)
	if err != nil {
		return n, err
	}
	return n, db.Audit(ctx, AuditNoteView, consultationID, orgID)
}

// Complaints lists the complaint categories of a hospital's department, in
// the event's order.
func (db *DB) Complaints(ctx context.Context, orgID, department string) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT c.name FROM complaint c JOIN department d ON d.id = c.department_id
		WHERE d.org_id = ? AND d.name_fold = ? ORDER BY c.position, c.name`, orgID, fold(department))
	return collect(rows, err, scanString)
}

// SetComplaints replaces the complaint list of a hospital's department.
func (db *DB) SetComplaints(ctx context.Context, orgID, department string, names []string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var deptID string
	err = tx.QueryRowContext(ctx, `SELECT id FROM department WHERE org_id = ? AND name_fold = ?`, orgID, fold(department)).Scan(&deptID)
	if errors.Is(err, sql.ErrNoRows) {
		return booth.Errorf(booth.EINVALID, "There is no department %q.", department)
	} else if err != nil {
		return err
	}
	if err := insertComplaints(ctx, tx, db, deptID, names, false); err != nil {
		return err
	}
	return tx.Commit()
}

func insertComplaints(ctx context.Context, tx *wtx, db *DB, deptID string, names []string, ignore bool) error {
	if !ignore {
		if _, err := tx.ExecContext(ctx, `DELETE FROM complaint WHERE department_id = ?`, deptID); err != nil {
			return err
		}
	}
	t := booth.FormatTime(db.Now())
	for i, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO complaint (id, department_id, name, position, created_at, updated_at, device_id, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, booth.NewID(), deptID, n, i, t, t, db.Device().ID, db.nextSeq()); err != nil {
			return err
		}
	}
	return nil
}

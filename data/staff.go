package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"medibooth/booth"
)

// staffID is the id of the staff member signed in on ctx, or "".
func staffID(ctx context.Context) string {
	if s := booth.StaffFrom(ctx); s != nil {
		return s.ID
	}
	return ""
}

func (db *DB) pinCost() booth.PINCost {
	if db.PINCost != (booth.PINCost{}) {
		return db.PINCost
	}
	return booth.DefaultPINCost
}

// hashNewPIN checks pin against the PIN rules and hashes it; "" stays "" (no
// PIN: the staff member cannot sign in until one is set).
func (db *DB) hashNewPIN(pin string) (string, error) {
	if pin == "" {
		return "", nil
	}
	if err := booth.CheckPINRules(pin); err != nil {
		return "", err
	}
	return booth.HashPIN(pin, db.pinCost())
}

// CreateStaff stores a staff member with pin ("" for none yet).
func (db *DB) CreateStaff(ctx context.Context, s *booth.Staff, pin string) error {
	if err := s.Normalize(); err != nil {
		return err
	}
	hash, err := db.hashNewPIN(pin)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := checkStaffOrg(ctx, tx, s); err != nil {
		return err
	}
	s.HasPIN = hash != ""
	if err := insertStaff(ctx, tx, db, s, hash, false); err != nil {
		return err
	}
	return tx.Commit()
}

// checkStaffOrg refuses a doctor or coordinator whose hospital is unknown.
func checkStaffOrg(ctx context.Context, tx *wtx, s *booth.Staff) error {
	if !s.Role.OfHospital() {
		return nil
	}
	var kind string
	err := tx.QueryRowContext(ctx, `SELECT kind FROM org WHERE id = ?`, s.OrgID).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != string(booth.OrgHospital)) {
		return booth.Errorf(booth.EINVALID, "A doctor or coordinator belongs to a hospital; choose it.")
	}
	return err
}

func insertStaff(ctx context.Context, tx *wtx, db *DB, s *booth.Staff, pinHash string, ignore bool) error {
	if s.ID == "" {
		s.ID = booth.NewID()
	}
	if s.Device == "" {
		s.Device = db.Device().ID
	}
	seq := db.nextSeq()
	verb := "INSERT"
	if ignore {
		verb = "INSERT OR IGNORE"
	}
	t := booth.FormatTime(db.Now())
	_, err := tx.ExecContext(ctx, verb+` INTO staff (id, org_id, name, role, pin_hash, disabled, created_at, updated_at, device_id, seq)
		VALUES (?, NULLIF(?, ''), ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?)`,
		s.ID, s.OrgID, s.Name, s.Role, pinHash, s.Disabled, t, t, s.Device, seq)
	return err
}

const staffColumns = `id, coalesce(org_id, ''), name, role, disabled, device_id, coalesce(pin_hash, '') != ''`

func scanStaff(row interface{ Scan(...any) error }) (booth.Staff, error) {
	var s booth.Staff
	err := row.Scan(&s.ID, &s.OrgID, &s.Name, &s.Role, &s.Disabled, &s.Device, &s.HasPIN)
	return s, err
}

// StaffMembers lists everyone on the event's staff, by name.
func (db *DB) StaffMembers(ctx context.Context) ([]booth.Staff, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+staffColumns+` FROM staff ORDER BY name, id`)
	return collect(rows, err, func(rows *sql.Rows) (booth.Staff, error) { return scanStaff(rows) })
}

// StaffMember returns one staff member; ENOTFOUND when there is none.
func (db *DB) StaffMember(ctx context.Context, id string) (*booth.Staff, error) {
	s, err := scanStaff(db.r.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM staff WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booth.Errorf(booth.ENOTFOUND, "There is no such staff member.")
	}
	return &s, err
}

// HasAdmin reports whether someone can sign in as admin: an admin who is
// not disabled and has a PIN. Until then the laptop asks for one.
func (db *DB) HasAdmin(ctx context.Context) (bool, error) {
	n, err := signInAdmins(ctx, db.r)
	return n > 0, err
}

// UpdateStaff changes a staff member's name, role, hospital and whether
// they are disabled. The last admin who can sign in stays an admin.
func (db *DB) UpdateStaff(ctx context.Context, s *booth.Staff) error {
	if err := s.Normalize(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := checkStaffOrg(ctx, tx, s); err != nil {
		return err
	}
	admins, err := signInAdmins(ctx, tx)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE staff SET org_id = NULLIF(?, ''), name = ?, role = ?, disabled = ?,
		updated_at = ?, device_id = ?, seq = ? WHERE id = ?`,
		s.OrgID, s.Name, s.Role, s.Disabled, booth.FormatTime(db.Now()), db.Device().ID, db.nextSeq(), s.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booth.Errorf(booth.ENOTFOUND, "There is no such staff member.")
	}
	if after, err := signInAdmins(ctx, tx); err != nil {
		return err
	} else if admins > 0 && after == 0 {
		return booth.Errorf(booth.ECONFLICT, "This is the last admin who can sign in; make someone else admin first.")
	}
	return tx.Commit()
}

// signInAdmins counts the admins who can sign in: not disabled, with a PIN.
func signInAdmins(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM staff
		WHERE role = 'admin' AND NOT disabled AND coalesce(pin_hash, '') != ''`).Scan(&n)
	return n, err
}

// SetPIN gives a staff member a new PIN and lifts any lockout.
func (db *DB) SetPIN(ctx context.Context, id, pin string) error {
	if pin == "" {
		return booth.Errorf(booth.EINVALID, "A PIN has 4 to 12 digits.")
	}
	hash, err := db.hashNewPIN(pin)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE staff SET pin_hash = ?, updated_at = ?, device_id = ?, seq = ? WHERE id = ?`,
		hash, booth.FormatTime(db.Now()), db.Device().ID, db.nextSeq(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return booth.Errorf(booth.ENOTFOUND, "There is no such staff member.")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_state WHERE staff_id = ?`, id); err != nil {
		return err
	}
	return tx.Commit()
}

// SignIn checks a staff member's PIN. A wrong PIN counts towards a lockout
// (booth.LockoutAfter); while locked out even the right PIN is refused. The
// errors are *booth.SignInError for a wrong PIN or a lockout, and
// booth.Error for someone who cannot sign in at all.
func (db *DB) SignIn(ctx context.Context, id, pin string) (*booth.Staff, error) {
	s, err := db.StaffMember(ctx, id)
	if err != nil {
		return nil, err
	}
	var hash, lockedUntil string
	var failed int
	err = db.r.QueryRowContext(ctx, `SELECT coalesce(s.pin_hash, ''), coalesce(g.failed, 0), coalesce(g.locked_until, '')
		FROM staff s LEFT JOIN signin_state g ON g.staff_id = s.id WHERE s.id = ?`, id).Scan(&hash, &failed, &lockedUntil)
	if err != nil {
		return nil, err
	}
	if s.Disabled {
		return nil, booth.Errorf(booth.ECONFLICT, "This staff account is disabled; ask an admin.")
	}
	if hash == "" {
		return nil, booth.Errorf(booth.ECONFLICT, "This staff member has no PIN yet; an admin sets it under Staff.")
	}
	now := db.Now()
	if until, err := booth.ParseTime(lockedUntil); err == nil && now.Before(until) {
		return nil, &booth.SignInError{LockedUntil: until}
	}
	ok := booth.CheckPIN(hash, pin)
	signed, err := db.recordSignIn(ctx, s, ok, failed, now)
	if IsStorage(err) {
		// A full or read-only disk must not lock the staff out of a
		// laptop they need to read reports on or free space from: the
		// right PIN still signs in, unrecorded; wrong ones count in
		// memory until the disk takes them again.
		return db.signInUnrecorded(s, ok, now)
	}
	if err != nil {
		return nil, err
	}
	return signed, nil
}

// recordSignIn records a sign-in or a failed try (and the lockout).
func (db *DB) recordSignIn(ctx context.Context, s *booth.Staff, ok bool, failed int, now time.Time) (*booth.Staff, error) {
	id := s.ID
	tx, err := db.begin(ctx)
	if err != nil {
		return s, err
	}
	defer tx.Rollback()
	if ok {
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_state WHERE staff_id = ?`, id); err != nil {
			return nil, err
		}
		if err := db.audit(booth.WithStaff(ctx, s), tx, AuditSignIn, s.ID, ""); err != nil {
			return nil, err
		}
		return s, tx.Commit()
	}
	failed++
	var until time.Time
	if d := booth.LockoutAfter(failed); d > 0 {
		until = now.Add(d)
	}
	locked := ""
	if !until.IsZero() {
		locked = booth.FormatTime(until)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO signin_state (staff_id, failed, locked_until) VALUES (?, ?, ?)
		ON CONFLICT (staff_id) DO UPDATE SET failed = excluded.failed, locked_until = excluded.locked_until`,
		id, failed, locked); err != nil {
		return nil, err
	}
	if err := db.audit(ctx, tx, AuditSignInFailed, s.ID, fmt.Sprintf("failed %d", failed)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return s, err
	}
	return nil, &booth.SignInError{TriesLeft: max(booth.MaxPINTries-failed, 0), LockedUntil: until}
}

// signInUnrecorded decides a sign-in the disk could not record: failed tries
// count in this process's memory, with the same lockouts.
func (db *DB) signInUnrecorded(s *booth.Staff, ok bool, now time.Time) (*booth.Staff, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.memTries == nil {
		db.memTries = map[string]memTries{}
	}
	m := db.memTries[s.ID]
	if now.Before(m.lockedUntil) {
		return nil, &booth.SignInError{LockedUntil: m.lockedUntil}
	}
	if ok {
		delete(db.memTries, s.ID)
		return s, nil
	}
	m.failed++
	if d := booth.LockoutAfter(m.failed); d > 0 {
		m.lockedUntil = now.Add(d)
	}
	db.memTries[s.ID] = m
	var until time.Time
	if !m.lockedUntil.IsZero() && now.Before(m.lockedUntil) {
		until = m.lockedUntil
	}
	return nil, &booth.SignInError{TriesLeft: max(booth.MaxPINTries-m.failed, 0), LockedUntil: until}
}

// memTries are failed sign-ins of one staff member not yet on disk.
type memTries struct {
	failed      int
	lockedUntil time.Time
}

package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"

	"medibooth/booth"
)

// Audited actions.
const (
	AuditSignIn       = "sign-in"
	AuditSignInFailed = "sign-in-failed"
	AuditUnlock       = "notes-unlock"
	AuditUnlockFailed = "notes-unlock-failed"
	AuditNoteView     = "note-view"
	AuditConsultAdd   = "consult-add"
	AuditConsultEdit  = "consult-edit"
	AuditExport       = "export"
	AuditErase        = "visitor-erase"
	AuditSamePerson   = "same-person"
	AuditSeparate     = "separate-person"
	AuditPurge        = "purge"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	N        int64  `json:"n"`
	At       string `json:"at"`
	DeviceID string `json:"device_id"`
	StaffID  string `json:"staff_id,omitempty"`
	Action   string `json:"action"`
	Subject  string `json:"subject,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Prev     string `json:"prev"`
	Hash     string `json:"hash"`
}

// auditHash chains an entry to the one before: SHA-256 over the previous
// hash and every field, each length-prefixed so no two entries hash alike.
func auditHash(e *AuditEntry) string {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(e.N))
	h.Write(n[:])
	for _, f := range []string{e.Prev, e.At, e.DeviceID, e.StaffID, e.Action, e.Subject, e.Detail} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// audit appends an entry inside the write transaction tx; the staff member
// comes from ctx.
func (db *DB) audit(ctx context.Context, tx *wtx, action, subject, detail string) error {
	e := AuditEntry{At: booth.FormatTime(db.Now()), DeviceID: db.Device().ID, StaffID: staffID(ctx),
		Action: action, Subject: subject, Detail: detail}
	err := tx.QueryRowContext(ctx, `SELECT n, hash FROM audit ORDER BY n DESC LIMIT 1`).Scan(&e.N, &e.Prev)
	if errors.Is(err, sql.ErrNoRows) {
		e.N, e.Prev = 0, ""
	} else if err != nil {
		return err
	}
	e.N++
	e.Hash = auditHash(&e)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (n, at, device_id, staff_id, action, subject, detail, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.N, e.At, e.DeviceID, e.StaffID, e.Action, e.Subject, e.Detail, e.Prev, e.Hash)
	return err
}

// Audit appends one entry in a transaction of its own (a note viewed, an
// export written).
func (db *DB) Audit(ctx context.Context, action, subject, detail string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.audit(ctx, tx, action, subject, detail); err != nil {
		return err
	}
	return tx.Commit()
}

// AuditLog lists the log, oldest first.
func (db *DB) AuditLog(ctx context.Context) ([]AuditEntry, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT n, at, device_id, staff_id, action, subject, detail, prev, hash FROM audit ORDER BY n`)
	return collect(rows, err, func(rows *sql.Rows) (AuditEntry, error) {
		var e AuditEntry
		err := rows.Scan(&e.N, &e.At, &e.DeviceID, &e.StaffID, &e.Action, &e.Subject, &e.Detail, &e.Prev, &e.Hash)
		return e, err
	})
}

// VerifyAudit walks the chain and says where it breaks: a changed entry, a
// removed or inserted one, or a gap in the numbering.
func (db *DB) VerifyAudit(ctx context.Context) (int, error) {
	log, err := db.AuditLog(ctx)
	if err != nil {
		return 0, err
	}
	prev := ""
	for i, e := range log {
		if e.N != int64(i+1) {
			return i, booth.Errorf(booth.ECONFLICT, "The audit log is broken: entry %d is missing.", i+1)
		}
		if e.Prev != prev || auditHash(&e) != e.Hash {
			return i, booth.Errorf(booth.ECONFLICT, "The audit log is broken at entry %d: it was changed after it was written.", e.N)
		}
		prev = e.Hash
	}
	return len(log), nil
}

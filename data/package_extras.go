package data

import (
	"context"
	"database/sql"
	"errors"

	"medibooth/booth"
)

// packageExtras adds to p what later versions of the package carry: HQ's
// bundle recipient, the staff with their PIN hashes, the hospitals' notes
// keys and the pre-registered visitors with their consents.
func (db *DB) packageExtras(ctx context.Context, p *booth.EventPackage) error {
	var err error
	if p.HQRecipient, err = db.HQRecipient(ctx); err != nil {
		return err
	}
	if p.HQCertPin, err = db.HQCertPin(ctx); err != nil {
		return err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+staffColumns+`, coalesce(pin_hash, '') FROM staff ORDER BY id`)
	if p.Staff, err = collect(rows, err, func(rows *sql.Rows) (booth.PackageStaff, error) {
		var s booth.PackageStaff
		err := rows.Scan(&s.ID, &s.OrgID, &s.Name, &s.Role, &s.Disabled, &s.Device, &s.HasPIN, &s.PINHash)
		return s, err
	}); err != nil {
		return err
	}
	rows, err = db.r.QueryContext(ctx, `SELECT org_id, recipient, wrapped FROM hospital_key ORDER BY org_id`)
	if p.HospitalKeys, err = collect(rows, err, func(rows *sql.Rows) (booth.HospitalKey, error) {
		var k booth.HospitalKey
		return k, rows.Scan(&k.OrgID, &k.Recipient, &k.Wrapped)
	}); err != nil {
		return err
	}
	rows, err = db.r.QueryContext(ctx, `SELECT `+visitorColumns+` FROM visitor
		WHERE source IN ('pre-registered', 'import') AND erased_at IS NULL ORDER BY id`)
	if p.Visitors, err = collect(rows, err, func(rows *sql.Rows) (booth.Visitor, error) {
		v, err := scanVisitor(rows)
		if err != nil {
			return booth.Visitor{}, err
		}
		return *v, nil
	}); err != nil {
		return err
	}
	for i := range p.Visitors {
		v := &p.Visitors[i]
		if v.Interests, err = db.interests(ctx, v.ID); err != nil {
			return err
		}
		cs, err := db.Consents(ctx, v.ID)
		if err != nil {
			return err
		}
		p.Consents = append(p.Consents, cs...)
	}
	return nil
}

// joinExtras stores what packageExtras added; records already here stay.
func (db *DB) joinExtras(ctx context.Context, tx *wtx, p *booth.EventPackage) error {
	if p.HQCertPin != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO local (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			hqCertPinKey, p.HQCertPin); err != nil {
			return err
		}
	}
	if p.HQRecipient != "" {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO hq_recipient (event_id, recipient, updated_at, device_id, seq) VALUES (?, ?, ?, ?, ?)`,
			p.Event.ID, p.HQRecipient, booth.FormatTime(p.Created), p.Event.DeviceID, db.nextSeq()); err != nil {
			return err
		}
	}
	for _, ps := range p.Staff {
		s := ps.Staff
		if err := insertStaff(ctx, tx, db, &s, ps.PINHash, true); err != nil {
			return err
		}
	}
	for i := range p.HospitalKeys {
		if err := insertHospitalKey(ctx, tx, db, &p.HospitalKeys[i], true); err != nil {
			return err
		}
	}
	for i := range p.Visitors {
		v := p.Visitors[i]
		v.Interests = append([]string(nil), v.Interests...)
		if err := insertVisitor(ctx, tx, db, &v, true); err != nil {
			return err
		}
	}
	for i := range p.Consents {
		c := p.Consents[i]
		if err := insertConsent(ctx, tx, db, &c, true); err != nil {
			return err
		}
	}
	return nil
}

// hqCertPinKey is the local setting holding the pin of HQ's server
// certificate: set at HQ by `hq serve --init`, at a laptop by joining.
const hqCertPinKey = "hq_cert_pin"

// HQCertPin is the pin of HQ's server certificate ("" when none is known).
func (db *DB) HQCertPin(ctx context.Context) (string, error) {
	var pin string
	err := db.r.QueryRowContext(ctx, `SELECT value FROM local WHERE key = ?`, hqCertPinKey).Scan(&pin)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return pin, err
}

// SetHQCertPin records the pin of HQ's server certificate; the event
// packages made from now on carry it.
func (db *DB) SetHQCertPin(ctx context.Context, pin string) error {
	if !booth.ValidPin(pin) {
		return booth.Errorf(booth.EINVALID, "This is not a certificate pin (64 hexadecimal digits).")
	}
	_, err := db.exec(ctx, `INSERT INTO local (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, hqCertPinKey, pin)
	return err
}

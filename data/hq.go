package data

import (
	"context"
	"database/sql"
	"errors"

	"filippo.io/age"

	"medibooth/booth"
)

// demoHQIdentity opens the demo event's bundles. It is published: any
// laptop that loads the demo can play HQ for it.
const demoHQIdentity = "AGE-SECRET-KEY-1W5KWUNQMS0AR0LA0GK0Y76PUVJR9ZYYYN8RWTPM9V4KJN29YEWAQJE0NPY"

// ensureHQ gives the event set up on this laptop (which keeps the root key)
// the key its bundles are encrypted to; HQ keeps the identity. The demo
// event gets its published key.
func ensureHQ(ctx context.Context, tx *wtx, db *DB, eventID string, demo bool) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM hq_recipient WHERE event_id = ?`, eventID).Scan(&n); err != nil || n > 0 {
		return err
	}
	var id *age.X25519Identity
	var err error
	if demo {
		id, err = age.ParseX25519Identity(demoHQIdentity)
	} else {
		id, err = age.GenerateX25519Identity()
	}
	if err != nil {
		return err
	}
	t := booth.FormatTime(db.Now())
	r := id.Recipient().String()
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO hq_identity (recipient, identity, created_at) VALUES (?, ?, ?)`,
		r, id.String(), t); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO hq_recipient (event_id, recipient, updated_at, device_id, seq) VALUES (?, ?, ?, ?, ?)`,
		eventID, r, t, db.Device().ID, db.nextSeq())
	return err
}

// HQRecipient returns the age recipient this event's bundles are encrypted
// to, or "" when the event names none.
func (db *DB) HQRecipient(ctx context.Context) (string, error) {
	var r string
	err := db.r.QueryRowContext(ctx, `SELECT recipient FROM hq_recipient h JOIN event e ON e.id = h.event_id`).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return r, err
}

// HQIdentity returns the identity that opens this event's bundles; only HQ
// (where the event was set up) has it.
func (db *DB) HQIdentity(ctx context.Context) (*age.X25519Identity, error) {
	var s string
	err := db.r.QueryRowContext(ctx, `SELECT i.identity FROM hq_identity i JOIN hq_recipient h ON h.recipient = i.recipient`).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booth.Errorf(booth.ECONFLICT, "This laptop is not the event's HQ: only the laptop where the event was set up opens bundles.")
	} else if err != nil {
		return nil, err
	}
	return age.ParseX25519Identity(s)
}

// SignerCheck returns what checks a laptop's signature: the event's keys
// and whether a key was revoked.
func (db *DB) SignerCheck(ctx context.Context) (booth.EventKeys, func(keyID string) bool, error) {
	keys, err := db.badgeKeys(ctx, db.r)
	if err != nil {
		return keys, nil, err
	}
	if !keys.Valid() {
		return keys, nil, booth.Errorf(booth.ECONFLICT, "This laptop has no event keys yet.")
	}
	revoked := func(keyID string) bool {
		var n int
		err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM revoked_key WHERE key_id = ?`, keyID).Scan(&n)
		return err != nil || n > 0 // when in doubt, refuse
	}
	return keys, revoked, nil
}

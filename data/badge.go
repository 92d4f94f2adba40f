package data

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"errors"
	"time"

	"medibooth/booth"
)

// storeEventKeys stores an event's keys and gives this laptop a badge key
// certified by root. root may be nil only when the laptop has a key already.
// keepRoot keeps the root private key here (the laptop that created the
// event); a laptop that joins never stores it.
func storeEventKeys(ctx context.Context, tx *wtx, db *DB, eventID string, root ed25519.PrivateKey, keys booth.EventKeys, keepRoot bool) error {
	var rootPriv any
	if keepRoot {
		rootPriv = []byte(root)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO event_key (event_id, root_public, root_private, seal) VALUES (?, ?, ?, ?)
		ON CONFLICT (event_id) DO UPDATE SET root_private = coalesce(event_key.root_private, excluded.root_private)
		WHERE event_key.root_public = excluded.root_public`,
		eventID, []byte(keys.Root), rootPriv, keys.Seal)
	if err != nil {
		return err
	}
	var stored []byte
	if err := tx.QueryRowContext(ctx, `SELECT root_public FROM event_key WHERE event_id = ?`, eventID).Scan(&stored); err != nil {
		return err
	} else if !ed25519.PublicKey(stored).Equal(keys.Root) {
		return booth.Errorf(booth.ECONFLICT, "This laptop already holds other badge keys for this event; it cannot join with this file.")
	}
	dev := db.Device().ID
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM device_key WHERE device_id = ? AND private IS NOT NULL`, dev).Scan(&have); err != nil || have > 0 {
		return err
	}
	// A badge names its laptop by the first four hex digits of the key id;
	// a key whose tag another known laptop has is drawn again, so revoking
	// that laptop does not refuse this one's badges.
	taken := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT key_id FROM device_key UNION SELECT key_id FROM revoked_key`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		taken[booth.LaptopTag(id)] = true
	}
	if err := rows.Close(); err != nil {
		return err
	}
	var pub ed25519.PublicKey
	var priv ed25519.PrivateKey
	for {
		if pub, priv, err = ed25519.GenerateKey(rand.Reader); err != nil {
			return err
		}
		if !taken[booth.LaptopTag(booth.KeyID(pub))] {
			break
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO device_key (key_id, device_id, public, cert, private, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		booth.KeyID(pub), dev, []byte(pub), booth.Certify(root, keys, pub), []byte(priv), booth.FormatTime(db.Now()))
	return err
}

// eventKeys reads the event's badge keys; ok is false before set-up.
func eventKeys(ctx context.Context, q querier) (keys booth.EventKeys, root ed25519.PrivateKey, ok bool, err error) {
	var pub, seal, priv []byte
	err = q.QueryRowContext(ctx, `SELECT root_public, seal, root_private FROM event_key LIMIT 1`).Scan(&pub, &seal, &priv)
	if errors.Is(err, sql.ErrNoRows) {
		return keys, nil, false, nil
	} else if err != nil {
		return keys, nil, false, err
	}
	keys = booth.EventKeys{Root: pub, Seal: seal}
	if len(priv) == ed25519.PrivateKeySize {
		root = priv
	}
	return keys, root, keys.Valid(), nil
}

// Issuer returns this laptop's badge issuer: the event's keys and this
// laptop's certified key.
func (db *DB) Issuer(ctx context.Context) (*booth.Issuer, error) {
	keys, _, ok, err := eventKeys(ctx, db.r)
	if err != nil {
		return nil, err
	} else if !ok {
		return nil, booth.Errorf(booth.ECONFLICT, "This laptop has no badge keys yet: set up the event (medibooth event init) or join it (medibooth event join FILE).")
	}
	var cert, priv []byte
	err = db.r.QueryRowContext(ctx, `SELECT cert, private FROM device_key WHERE device_id = ? AND private IS NOT NULL`, db.Device().ID).Scan(&cert, &priv)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booth.Errorf(booth.ECONFLICT, "This laptop has no badge key of its own; join the event again with its set-up file.")
	} else if err != nil {
		return nil, err
	}
	return &booth.Issuer{Keys: keys, Key: priv, Cert: cert}, nil
}

// BadgeCode returns the badge code of a visitor, issued by this
// laptop: what the QR holds and a scanner types. It carries the consents the
// visitor holds here now (booth.BadgeConsentsOf).
func (db *DB) BadgeCode(ctx context.Context, visitorID string) (string, *booth.Visitor, error) {
	v, err := db.Visitor(ctx, visitorID)
	if err != nil {
		return "", nil, err
	} else if v.Erased {
		return "", nil, booth.Errorf(booth.ECONFLICT, "This visitor's data was erased at their request; there is no badge to print.")
	}
	is, err := db.Issuer(ctx)
	if err != nil {
		return "", nil, err
	}
	cs, err := db.Consents(ctx, v.ID)
	if err != nil {
		return "", nil, err
	}
	hospitals, err := eventHospitals(ctx, db.r)
	if err != nil {
		return "", nil, err
	}
	code, err := is.IssueWith(v.ID, v.Type, v.Name, booth.BadgeConsentsOf(cs, hospitals))
	return code, v, err
}

// eventHospitalsSQL selects the ids of the event's hospitals in the order a
// badge's hospital bits follow: those set up where the event was created,
// which every laptop receives in the event package, oldest first. A hospital
// added on one laptop alone is not among them, so no laptop reads a bit as
// another hospital than the one it was printed for; one added later where
// the event was created comes after the others.
const eventHospitalsSQL = `SELECT o.id FROM org o JOIN event e ON e.device_id = o.device_id
	WHERE o.kind = 'hospital' ORDER BY o.created_at, o.id`

func scanID(rows *sql.Rows) (string, error) {
	var id string
	err := rows.Scan(&id)
	return id, err
}

// eventHospitals returns the ids of eventHospitalsSQL.
func eventHospitals(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, eventHospitalsSQL)
	return collect(rows, err, scanID)
}

// storeBadgeConsents records, as consent records of visitor v, the consents
// a scanned badge carries, unless this laptop holds a decision of the same
// purpose (and hospital) at or after the badge's stated time: scanning a
// badge again adds nothing, and neither does the scan of a badge on the
// laptop that printed it. The records say "badge" as their text version;
// this laptop, its signed-in staff member and the time of the scan are who
// recorded them.
func storeBadgeConsents(ctx context.Context, tx *wtx, db *DB, st *checkinStmts, v *booth.Visitor, cs *booth.BadgeConsents) ([]booth.Consent, error) {
	if cs == nil || v == nil || v.Erased {
		return nil, nil
	}
	var hospitals []string
	if cs.Share != 0 {
		rows, err := tx.StmtContext(ctx, st.hospitals).QueryContext(ctx)
		if hospitals, err = collect(rows, err, scanID); err != nil {
			return nil, err
		}
	}
	// The latest time of each decision held, by purpose and hospital.
	rows, err := tx.StmtContext(ctx, st.consentTimes).QueryContext(ctx, v.ID)
	held := map[string]string{}
	_, err = collect(rows, err, func(rows *sql.Rows) (struct{}, error) {
		var purpose, org, at string
		err := rows.Scan(&purpose, &org, &at)
		held[purpose+"/"+org] = at
		return struct{}{}, err
	})
	if err != nil {
		return nil, err
	}
	var stored []booth.Consent
	for _, c := range cs.Records(v.ID, hospitals) {
		if at, ok := held[string(c.Purpose)+"/"+c.OrgID]; ok && at >= booth.FormatTime(c.At) {
			continue
		}
		c.Lang = v.Lang
		if err := insertConsent(ctx, tx, db, &c, false); err != nil {
			return nil, err
		}
		stored = append(stored, c)
	}
	return stored, nil
}

// verifier returns the badge verifier of a check-in transaction: revoked
// keys are looked up in the same transaction, so a revocation counts from
// the moment it is committed. A failing look-up refuses the badge, and
// failed() then returns the error, so the scan is not recorded as revoked.
func (db *DB) verifier(ctx context.Context, tx *wtx, revoked *sql.Stmt) (v *booth.Verifier, failed func() error, err error) {
	keys, err := db.badgeKeys(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	var qerr error
	v = &booth.Verifier{Keys: keys, Revoked: func(laptop string) bool {
		var n int
		if err := revoked.QueryRowContext(ctx, laptop).Scan(&n); err != nil {
			qerr = err
			return true
		}
		return n > 0
	}}
	return v, func() error { return qerr }, nil
}

// badgeKeys returns the event's badge keys, read once: an event's keys never
// change once stored (storeEventKeys refuses others), so every check-in
// after the first saves the query.
func (db *DB) badgeKeys(ctx context.Context, q querier) (booth.EventKeys, error) {
	db.mu.Lock()
	keys := db.keys
	db.mu.Unlock()
	if keys.Valid() {
		return keys, nil
	}
	keys, _, ok, err := eventKeys(ctx, q)
	if err != nil || !ok {
		return keys, err
	}
	db.mu.Lock()
	db.keys = keys
	db.mu.Unlock()
	return keys, nil
}

// badgeVisitor returns the visitor a verified badge names, storing what the
// badge tells when this laptop never saw the registration, so what it records
// next attaches to the same visitor id.
func badgeVisitor(ctx context.Context, tx *wtx, db *DB, byID *sql.Stmt, c *booth.BadgeContents, at time.Time) (*booth.Visitor, error) {
	v, err := scanVisitor(byID.QueryRowContext(ctx, c.VisitorID))
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return v, err
	}
	v = &booth.Visitor{ID: c.VisitorID, Name: c.Name, Type: c.Type, Source: booth.SourceBadge,
		// The badge does not say the visitor's language; Russian is the
		// one every visitor of the seed events reads.
		Lang: "ru", Created: at, Updated: at, DeviceID: db.Device().ID}
	v.Normalize()
	seq := db.nextSeq()
	_, err = tx.ExecContext(ctx, `INSERT INTO visitor (id, code, name, name_latin, type, lang, source, created_at, updated_at, device_id, seq, badge_key)
		VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.Name, v.NameLatin, v.Type, v.Lang, v.Source, booth.FormatTime(at), booth.FormatTime(at), v.DeviceID, seq, c.Laptop)
	if err != nil {
		return nil, err
	}
	return v, writeTerms(ctx, tx, v, true)
}

// RevokeKey refuses from now on every badge the laptop key keyID issued.
func (db *DB) RevokeKey(ctx context.Context, keyID, reason string) error {
	if len(keyID) != 16 {
		return booth.Errorf(booth.EINVALID, "A key id is 16 hexadecimal digits, as \"medibooth event keys\" lists them.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := booth.FormatTime(db.Now())
	_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO revoked_key (key_id, reason, revoked_at, created_at, device_id, seq) VALUES (?, ?, ?, ?, ?, ?)`,
		keyID, reason, now, now, db.Device().ID, db.nextSeq())
	if err != nil {
		return err
	}
	return tx.Commit()
}

// DeviceKey is a laptop's badge key as this laptop knows it.
type DeviceKey struct {
	KeyID    string `json:"key_id"`
	DeviceID string `json:"device_id"`
	Device   string `json:"device"`
	Own      bool   `json:"own"`
	Revoked  bool   `json:"revoked"`
}

// DeviceKeys lists the badge keys this laptop knows: its own, and those of
// laptops whose badges it has seen.
func (db *DB) DeviceKeys(ctx context.Context) ([]DeviceKey, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT k.key_id, k.device_id, coalesce(d.name, ''), k.private IS NOT NULL,
		EXISTS (SELECT 1 FROM revoked_key r WHERE r.key_id = k.key_id)
		FROM device_key k LEFT JOIN device d ON d.id = k.device_id
		UNION ALL
		SELECT r.key_id, '', '', 0, 1 FROM revoked_key r WHERE r.key_id NOT IN (SELECT key_id FROM device_key)
		ORDER BY 1`)
	return collect(rows, err, func(rows *sql.Rows) (DeviceKey, error) {
		var k DeviceKey
		err := rows.Scan(&k.KeyID, &k.DeviceID, &k.Device, &k.Own, &k.Revoked)
		return k, err
	})
}

// LogPrint records a badge printed or saved. A visitor's second and later
// prints are reprints; the caller asks for them explicitly (reprint), and a
// first print asked as a reprint, or a reprint not asked for, is refused so
// that nothing prints twice by accident.
func (db *DB) LogPrint(ctx context.Context, visitorID, format, target string, reprint bool) (*booth.BadgePrint, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var exists, before int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM visitor WHERE id = ?`, visitorID).Scan(&exists); err != nil {
		return nil, err
	} else if exists == 0 {
		return nil, booth.Errorf(booth.ENOTFOUND, "There is no visitor with the id %q.", visitorID)
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM badge_print WHERE visitor_id = ? AND format IN ('label', 'sheet')`, visitorID).Scan(&before); err != nil {
		return nil, err
	}
	paper := format == "label" || format == "sheet"
	if paper && before > 0 && !reprint {
		return nil, booth.Errorf(booth.ECONFLICT, "This visitor's badge was printed before; choose Reprint to print it again.")
	}
	p := &booth.BadgePrint{ID: booth.NewID(), VisitorID: visitorID, Format: format, Target: target, Reprint: paper && before > 0,
		At: db.Now(), DeviceID: db.Device().ID}
	_, err = tx.ExecContext(ctx, `INSERT INTO badge_print (id, visitor_id, format, target, reprint, at, staff_id, created_at, device_id, seq)
		VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?)`, p.ID, p.VisitorID, p.Format, p.Target, p.Reprint,
		booth.FormatTime(p.At), staffID(ctx), booth.FormatTime(p.At), p.DeviceID, db.nextSeq())
	if err != nil {
		return nil, err
	}
	return p, tx.Commit()
}

// Prints lists a visitor's badge prints, oldest first.
func (db *DB) Prints(ctx context.Context, visitorID string) ([]booth.BadgePrint, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, visitor_id, format, target, reprint, at, device_id FROM badge_print
		WHERE visitor_id = ? ORDER BY at, seq`, visitorID)
	return collect(rows, err, func(rows *sql.Rows) (booth.BadgePrint, error) {
		var p booth.BadgePrint
		var at string
		err := rows.Scan(&p.ID, &p.VisitorID, &p.Format, &p.Target, &p.Reprint, &at, &p.DeviceID)
		p.At, _ = booth.ParseTime(at)
		return p, err
	})
}

var _ booth.BadgeService = (*DB)(nil)

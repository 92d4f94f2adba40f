package data

import (
	"context"
	"strings"

	"medibooth/booth"
)

// Package returns the event package of this data directory, signed, as file
// bytes. Only the laptop that holds the event's root key (where the event was
// created) can make one.
func (db *DB) Package(ctx context.Context) ([]byte, error) {
	ev, err := db.Event(ctx)
	if err != nil {
		return nil, err
	}
	keys, root, ok, err := eventKeys(ctx, db.r)
	if err != nil {
		return nil, err
	} else if !ok || root == nil {
		return nil, booth.Errorf(booth.ECONFLICT, "This laptop joined the event and does not hold its root key; make the event package where the event was set up (at HQ).")
	}
	p := &booth.EventPackage{Created: db.Now(), Event: *ev,
		Keys: booth.PackageKeys{RootPublic: keys.Root, RootPrivate: root, Seal: keys.Seal}}
	if p.Orgs, err = db.Orgs(ctx, ""); err != nil {
		return nil, err
	}
	if p.Orgs == nil {
		p.Orgs = []booth.Org{}
	}
	for i := range p.Orgs {
		for j := range p.Orgs[i].Departments {
			d := &p.Orgs[i].Departments[j]
			if d.Complaints, err = db.Complaints(ctx, p.Orgs[i].ID, d.Name); err != nil {
				return nil, err
			}
		}
	}
	if err := db.packageExtras(ctx, p); err != nil {
		return nil, err
	}
	// The devices that made what the package carries.
	rows, err := db.r.QueryContext(ctx, `SELECT id, name, created_at FROM device WHERE id IN
		(SELECT device_id FROM event UNION SELECT device_id FROM org UNION SELECT device_id FROM department
		 UNION SELECT device_id FROM staff UNION SELECT device_id FROM hq_recipient
		 UNION SELECT device_id FROM visitor WHERE source IN ('pre-registered', 'import')
		 UNION SELECT c.device_id FROM consent c JOIN visitor v ON v.id = c.visitor_id WHERE v.source IN ('pre-registered', 'import'))
		ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d booth.Device
		var created string
		if err := rows.Scan(&d.ID, &d.Name, &created); err != nil {
			return nil, err
		}
		d.Created, _ = booth.ParseTime(created)
		p.Devices = append(p.Devices, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rrows, err := db.r.QueryContext(ctx, `SELECT key_id, reason, revoked_at FROM revoked_key ORDER BY key_id`)
	if err != nil {
		return nil, err
	}
	defer rrows.Close()
	for rrows.Next() {
		var r booth.RevokedKey
		var at string
		if err := rrows.Scan(&r.KeyID, &r.Reason, &at); err != nil {
			return nil, err
		}
		r.At, _ = booth.ParseTime(at)
		p.Revoked = append(p.Revoked, r)
	}
	if err := rrows.Err(); err != nil {
		return nil, err
	}
	return booth.SealPackage(p, root)
}

// JoinResult says what joining an event did.
type JoinResult struct {
	Event  string `json:"event"`
	Orgs   int    `json:"orgs"`
	Device string `json:"device"`
	KeyID  string `json:"key_id"` // this laptop's badge key
}

// Join sets this laptop up from an event package (booth.OpenPackage checked
// it): the event, its organisations, the badge keys, revocations, and a badge
// key of this laptop's own, certified by the event's root key, which is not
// kept. Joining the same event again adds what is new; a laptop of another
// event is refused.
func (db *DB) Join(ctx context.Context, p *booth.EventPackage, deviceName string) (JoinResult, error) {
	res := JoinResult{Event: p.Event.Name, Orgs: len(p.Orgs)}
	deviceName = strings.TrimSpace(deviceName)
	if deviceName != "" && len([]rune(deviceName)) > 60 {
		return res, booth.Errorf(booth.EINVALID, "A laptop name needs 1 to 60 letters.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	if deviceName != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE device SET name = ? WHERE id = ?`, deviceName, db.Device().ID); err != nil {
			return res, err
		}
	}
	for _, d := range p.Devices {
		if d.ID == db.Device().ID {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO device (id, name, created_at) VALUES (?, ?, ?)`,
			d.ID, d.Name, booth.FormatTime(d.Created)); err != nil {
			return res, err
		}
	}
	ev := p.Event
	if err := createEvent(ctx, tx, db, &ev, &newKeys{root: p.Root(), keys: p.EventKeys()}); err != nil {
		return res, err
	}
	for i := range p.Orgs {
		o := p.Orgs[i]
		if err := insertOrg(ctx, tx, db, &o, true); err != nil {
			return res, err
		}
		for _, d := range o.Departments {
			if err := insertComplaints(ctx, tx, db, d.ID, d.Complaints, true); err != nil {
				return res, err
			}
		}
	}
	if err := db.joinExtras(ctx, tx, p); err != nil {
		return res, err
	}
	for _, r := range p.Revoked {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO revoked_key (key_id, reason, revoked_at, created_at, device_id, seq) VALUES (?, ?, ?, ?, ?, ?)`,
			r.KeyID, r.Reason, booth.FormatTime(r.At), booth.FormatTime(db.Now()), db.Device().ID, db.nextSeq()); err != nil {
			return res, err
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT key_id FROM device_key WHERE device_id = ? AND private IS NOT NULL`, db.Device().ID).Scan(&res.KeyID); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	db.mu.Lock()
	db.event = nil
	if deviceName != "" {
		db.device.Name = deviceName
	}
	res.Device = db.device.Name
	db.mu.Unlock()
	return res, nil
}

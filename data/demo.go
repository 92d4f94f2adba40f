package data

import (
	"context"

	"medibooth/booth"
)

// DemoResult says what loading the demo did.
type DemoResult struct {
	Event    string `json:"event"`
	Orgs     int    `json:"orgs"`
	Visitors int    `json:"visitors"`
	Added    int    `json:"added"` // visitors new to this database
}

// LoadDemo loads the embedded demo event. Every demo record has a fixed id,
// so loading it again adds nothing. A data directory of another event is
// refused.
func (db *DB) LoadDemo(ctx context.Context, d *booth.Demo) (DemoResult, error) {
	res := DemoResult{Event: d.Event.Name, Orgs: len(d.Orgs), Visitors: len(d.Visitors)}
	tx, err := db.begin(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO device (id, name, created_at) VALUES (?, ?, ?)`,
		booth.DemoDeviceID, booth.DemoDeviceName, booth.FormatTime(d.Event.Created)); err != nil {
		return res, err
	}
	ev := d.Event
	root, keys := booth.DemoEventKeys()
	if err := createEvent(ctx, tx, db, &ev, &newKeys{root: root, keys: keys, keepRoot: true}); err != nil {
		return res, err
	}
	if err := ensureHQ(ctx, tx, db, ev.ID, true); err != nil {
		return res, err
	}
	for i := range d.Orgs {
		o := d.Orgs[i]
		o.Departments = append([]booth.Department(nil), o.Departments...)
		if err := insertOrg(ctx, tx, db, &o, true); err != nil {
			return res, err
		}
		for _, dep := range o.Departments {
			if err := insertComplaints(ctx, tx, db, dep.ID, dep.Complaints, true); err != nil {
				return res, err
			}
		}
		if id, ok := d.NotesKeys[o.ID]; ok {
			var has int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM hospital_key WHERE org_id = ?`, o.ID).Scan(&has); err != nil {
				return res, err
			}
			if has == 0 {
				k, err := booth.WrapHospitalKey(o.ID, id, booth.DemoPassphrase, booth.DemoPassphraseCost)
				if err != nil {
					return res, err
				}
				if err := insertHospitalKey(ctx, tx, db, k, true); err != nil {
					return res, err
				}
			}
		}
	}
	for i := range d.Staff {
		s := d.Staff[i]
		if err := insertStaff(ctx, tx, db, &s, "", true); err != nil {
			return res, err
		}
	}
	var before int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM visitor`).Scan(&before); err != nil {
		return res, err
	}
	for i := range d.Visitors {
		v := d.Visitors[i]
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM visitor WHERE id = ?`, v.ID).Scan(&exists); err != nil {
			return res, err
		} else if exists > 0 {
			continue
		}
		if err := insertVisitor(ctx, tx, db, &v, false); err != nil {
			return res, err
		}
		res.Added++
	}
	for i := range d.Consents {
		c := d.Consents[i]
		if err := insertConsent(ctx, tx, db, &c, true); err != nil {
			return res, err
		}
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	db.mu.Lock()
	db.event = nil // re-read
	db.mu.Unlock()
	return res, nil
}

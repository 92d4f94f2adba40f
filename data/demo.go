package data

import (
	"context"
	"database/sql"

	"medibooth/booth"
)

// DemoResult says what loading the demo did.
type DemoResult struct {
	Event    string `json:"event"`
	Orgs     int    `json:"orgs"`
	Visitors int    `json:"visitors"`
	Added    int    `json:"added"` // visitors new to this database
	// The fair: scans, consultations and meetings in the demo, and how
	// many of them were new to this database.
	Scans         int `json:"scans"`
	Consultations int `json:"consultations"`
	Meetings      int `json:"meetings"`
	FairAdded     int `json:"fair_added"`
}

// LoadDemo loads the embedded demo event. Every demo record has a fixed id,
// so loading it again adds nothing. A data directory of another event is
// refused.
func (db *DB) LoadDemo(ctx context.Context, d *booth.Demo) (DemoResult, error) {
	res := DemoResult{Event: d.Event.Name, Orgs: len(d.Orgs), Visitors: len(d.Visitors),
		Scans: len(d.Scans), Consultations: len(d.Consultations), Meetings: len(d.Meetings)}
	tx, err := db.begin(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	devices := append([]booth.Device{{ID: booth.DemoDeviceID, Name: booth.DemoDeviceName, Created: d.Event.Created}}, d.Devices...)
	for _, dev := range devices {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO device (id, name, created_at) VALUES (?, ?, ?)`,
			dev.ID, dev.Name, booth.FormatTime(dev.Created)); err != nil {
			return res, err
		}
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
	if res.FairAdded, err = db.loadDemoFair(ctx, tx, d); err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	db.mu.Lock()
	db.event = nil // re-read
	db.mu.Unlock()
	return res, nil
}

// loadDemoFair stores the demo fair's scans, consultations (their notes
// sealed to their hospitals) and meetings that this database does not hold
// yet, and says how many it stored. The records of a visitor erased here
// are left out: an erased visitor's data never comes back.
func (db *DB) loadDemoFair(ctx context.Context, tx *wtx, d *booth.Demo) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM visitor WHERE erased_at IS NULL`)
	if err != nil {
		return 0, err
	}
	here := map[string]bool{} // the visitors this database holds, not erased
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		here[id] = true
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	added := 0
	count := func(res sql.Result, err error) error {
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		added += int(n)
		return err
	}
	for _, s := range d.Scans {
		if s.VisitorID != "" && !here[s.VisitorID] {
			continue
		}
		var visitorID any
		if s.VisitorID != "" {
			visitorID = s.VisitorID
		}
		if err := count(tx.ExecContext(ctx, `INSERT OR IGNORE INTO scan (id, at, day, raw, code, visitor_id, decision, reason, late,
			created_at, device_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, booth.FormatTime(s.At), s.Day, []byte(s.Raw), s.Code, visitorID, s.Decision, s.Reason, s.Late,
			booth.FormatTime(s.Created), s.DeviceID, db.nextSeq())); err != nil {
			return added, db.storageErr(err)
		}
	}
	for _, c := range d.Consultations {
		if !here[c.VisitorID] {
			continue
		}
		t := booth.FormatTime(c.At)
		if err := count(tx.ExecContext(ctx, `INSERT OR IGNORE INTO consultation (id, visitor_id, org_id, department, doctor, at, day,
			late, recommendation, follow_up, follow_up_when, follow_up_by, interpreter, sealed, staff_id, created_at, updated_at,
			device_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?)`,
			c.ID, c.VisitorID, c.OrgID, c.Department, c.Doctor, t, c.Day, c.Late, c.Recommendation, c.FollowUp, c.FollowUpWhen,
			c.FollowUpBy, c.Interpreter, c.Sealed, c.StaffID, t, t, c.DeviceID, db.nextSeq())); err != nil {
			return added, err
		}
	}
	for _, m := range d.Meetings {
		t := booth.FormatTime(m.Created)
		if err := count(tx.ExecContext(ctx, `INSERT OR IGNORE INTO meeting (id, firm_id, agency_id, attendees, at, day, late, outcome,
			mou, next_action, staff_id, created_at, updated_at, device_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?)`,
			m.ID, m.FirmID, m.AgencyID, m.Attendees, booth.FormatTime(m.At), m.Day, m.Late, m.Outcome, m.MOU, m.NextAction,
			m.StaffID, t, t, m.DeviceID, db.nextSeq())); err != nil {
			return added, err
		}
	}
	return added, nil
}

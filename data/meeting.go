package data

import (
	"context"
	"database/sql"
	"errors"
	"sort"

	"medibooth/booth"
)

var _ booth.MeetingService = (*DB)(nil)

// AddMeeting stores one B2B meeting in one transaction: the agency is found
// by name (case and spacing aside) or added to the directory, its city and
// contact updated when given, then the meeting written. On any error
// nothing of it is stored.
func (db *DB) AddMeeting(ctx context.Context, m *booth.Meeting) error {
	if err := m.Validate(); err != nil {
		return err
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
	firm, err := meetingFirmOrg(ctx, tx, m.FirmID)
	if booth.ErrorCode(err) == booth.ENOTFOUND {
		return booth.Errorf(booth.ENOTFOUND, "There is no firm with the id %q.", m.FirmID)
	} else if err != nil {
		return err
	}
	if err := booth.CheckMeetingFirm(firm); err != nil {
		return err
	}
	m.Firm = firm.Name
	if err := db.meetingAgency(ctx, tx, m); err != nil {
		return err
	}
	now := db.Now()
	if m.At.IsZero() {
		m.At, m.Late = now, false
	}
	m.At = m.At.UTC()
	m.Day = ev.LocalDay(m.At)
	m.ID = booth.NewID()
	m.Created = now
	m.DeviceID = db.Device().ID
	m.StaffID = staffID(ctx)
	t := booth.FormatTime(now)
	_, err = tx.ExecContext(ctx, `INSERT INTO meeting (id, firm_id, agency_id, attendees, at, day, late, outcome, mou, next_action,
		staff_id, created_at, updated_at, device_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?)`,
		m.ID, m.FirmID, m.AgencyID, m.Attendees, booth.FormatTime(m.At), m.Day, m.Late, m.Outcome, m.MOU, m.NextAction,
		m.StaffID, t, t, m.DeviceID, db.nextSeq())
	if err != nil {
		return err
	}
	return tx.Commit()
}

// meetingFirmOrg reads the kind and name of the organisation with id.
func meetingFirmOrg(ctx context.Context, tx *wtx, id string) (*booth.Org, error) {
	o := booth.Org{ID: id}
	err := tx.QueryRowContext(ctx, `SELECT kind, name FROM org WHERE id = ?`, id).Scan(&o.Kind, &o.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booth.Errorf(booth.ENOTFOUND, "There is no organisation with the id %q.", id)
	}
	return &o, err
}

// meetingAgency finds the meeting's agency (by id, else by folded name),
// adds it to the directory when it is new, and keeps its city and contact
// up to date. It fills m's agency id, name, city and contact.
func (db *DB) meetingAgency(ctx context.Context, tx *wtx, m *booth.Meeting) error {
	var id, name, city, contact string
	var hasInfo bool
	var err error
	if m.AgencyID != "" {
		err = tx.QueryRowContext(ctx, `SELECT o.id, o.name, coalesce(a.city, ''), coalesce(a.contact, ''), a.org_id IS NOT NULL
			FROM org o LEFT JOIN agency_info a ON a.org_id = o.id WHERE o.id = ? AND o.kind = 'agency'`, m.AgencyID).
			Scan(&id, &name, &city, &contact, &hasInfo)
		if errors.Is(err, sql.ErrNoRows) {
			return booth.Errorf(booth.ENOTFOUND, "There is no agency with the id %q.", m.AgencyID)
		}
	} else {
		err = tx.QueryRowContext(ctx, `SELECT o.id, o.name, coalesce(a.city, ''), coalesce(a.contact, ''), a.org_id IS NOT NULL
			FROM org o LEFT JOIN agency_info a ON a.org_id = o.id WHERE o.kind = 'agency' AND o.name_fold = ?`, fold(m.Agency)).
			Scan(&id, &name, &city, &contact, &hasInfo)
		if errors.Is(err, sql.ErrNoRows) {
			o := booth.Org{Kind: booth.OrgAgency, Name: m.Agency}
			if err := o.Validate(); err != nil {
				return err
			}
			if err := insertOrg(ctx, tx, db, &o, false); err != nil {
				return err
			}
			id, name, err = o.ID, o.Name, nil
		}
	}
	if err != nil {
		return err
	}
	m.AgencyID, m.Agency = id, name
	changed := !hasInfo
	if m.City != "" && m.City != city {
		city, changed = m.City, true
	}
	if m.Contact != "" && m.Contact != contact {
		contact, changed = m.Contact, true
	}
	m.City, m.Contact = city, contact
	if !changed {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO agency_info (org_id, city, contact, updated_at, device_id, seq) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET city = excluded.city, contact = excluded.contact,
		updated_at = excluded.updated_at, device_id = excluded.device_id, seq = excluded.seq`,
		id, city, contact, booth.FormatTime(db.Now()), db.Device().ID, db.nextSeq())
	return err
}

const meetingColumns = `m.id, m.firm_id, f.name, m.agency_id, a.name, coalesce(i.city, ''), coalesce(i.contact, ''), m.attendees,
	m.at, m.day, m.late, m.outcome, m.mou, m.next_action, coalesce(m.staff_id, ''), m.created_at, m.device_id`

const meetingJoins = ` FROM meeting m JOIN org f ON f.id = m.firm_id JOIN org a ON a.id = m.agency_id
	LEFT JOIN agency_info i ON i.org_id = m.agency_id`

func scanMeeting(rows *sql.Rows) (booth.Meeting, error) {
	var m booth.Meeting
	var at, created string
	err := rows.Scan(&m.ID, &m.FirmID, &m.Firm, &m.AgencyID, &m.Agency, &m.City, &m.Contact, &m.Attendees,
		&at, &m.Day, &m.Late, &m.Outcome, &m.MOU, &m.NextAction, &m.StaffID, &created, &m.DeviceID)
	m.At, _ = booth.ParseTime(at)
	m.Created, _ = booth.ParseTime(created)
	return m, err
}

// Meetings lists the meetings of one firm ("" for every firm), newest first.
func (db *DB) Meetings(ctx context.Context, firmID string) ([]booth.Meeting, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+meetingColumns+meetingJoins+`
		WHERE ? = '' OR m.firm_id = ? ORDER BY m.at DESC, m.created_at DESC, m.id DESC`, firmID, firmID)
	return collect(rows, err, scanMeeting)
}

// MeetingCounts counts the meetings in total, per firm (every firm, also
// those without a meeting yet) and per agency met, in one read transaction
// so the numbers agree with each other.
func (db *DB) MeetingCounts(ctx context.Context) (booth.MeetingCounts, error) {
	var c booth.MeetingCounts
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return c, err
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(mou), 0), count(DISTINCT firm_id), count(DISTINCT agency_id) FROM meeting`).
		Scan(&c.Meetings, &c.MOUs, &c.Firms, &c.Agencies)
	if err != nil {
		return c, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name, count(m.id), count(DISTINCT m.agency_id), coalesce(sum(m.mou), 0)
		FROM org o LEFT JOIN meeting m ON m.firm_id = o.id WHERE o.kind IN ('firm', 'hospital')
		GROUP BY o.id HAVING o.kind = 'firm' OR count(m.id) > 0 ORDER BY count(m.id) DESC, o.name_fold`)
	c.ByFirm, err = collect(rows, err, func(rows *sql.Rows) (booth.FirmMeetings, error) {
		var f booth.FirmMeetings
		err := rows.Scan(&f.FirmID, &f.Firm, &f.Meetings, &f.Agencies, &f.MOUs)
		return f, err
	})
	if err != nil {
		return c, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT o.id, o.name, coalesce(i.city, ''), count(*), count(DISTINCT m.firm_id), sum(m.mou)
		FROM meeting m JOIN org o ON o.id = m.agency_id LEFT JOIN agency_info i ON i.org_id = o.id
		GROUP BY o.id ORDER BY count(*) DESC, o.name_fold`)
	c.ByAgency, err = collect(rows, err, func(rows *sql.Rows) (booth.AgencyMeetings, error) {
		var a booth.AgencyMeetings
		err := rows.Scan(&a.AgencyID, &a.Agency, &a.City, &a.Meetings, &a.Firms, &a.MOUs)
		return a, err
	})
	if err != nil {
		return c, err
	}
	if c.ByFirm == nil {
		c.ByFirm = []booth.FirmMeetings{}
	}
	if c.ByAgency == nil {
		c.ByAgency = []booth.AgencyMeetings{}
	}
	return c, nil
}

// Agencies lists up to limit agencies (limit <= 0: all) whose name, or a
// word of it, starts with prefix: names that start with it first, then by
// the number of meetings held with them, then by name. The directory holds
// the event's few dozen agencies, so it is matched here rather than in SQL,
// by the same rule the domain states (booth.AgencyMatch).
func (db *DB) Agencies(ctx context.Context, prefix string, limit int) ([]booth.Agency, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT o.id, o.name, coalesce(i.city, ''), coalesce(i.contact, ''),
		(SELECT count(*) FROM meeting m WHERE m.agency_id = o.id), o.name_fold
		FROM org o LEFT JOIN agency_info i ON i.org_id = o.id WHERE o.kind = 'agency'`)
	type match struct {
		booth.Agency
		fold string
		rank int
	}
	all, err := collect(rows, err, func(rows *sql.Rows) (match, error) {
		var a match
		err := rows.Scan(&a.ID, &a.Name, &a.City, &a.Contact, &a.Meetings, &a.fold)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	var found []match
	for _, a := range all {
		if a.rank = booth.AgencyMatch(a.Name, prefix); a.rank > 0 {
			found = append(found, a)
		}
	}
	sort.Slice(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.rank != b.rank {
			return a.rank > b.rank
		} else if a.Meetings != b.Meetings {
			return a.Meetings > b.Meetings
		}
		return a.fold < b.fold
	})
	if limit > 0 && len(found) > limit {
		found = found[:limit]
	}
	out := make([]booth.Agency, len(found))
	for i, a := range found {
		out[i] = a.Agency
	}
	return out, nil
}

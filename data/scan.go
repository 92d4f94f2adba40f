package data

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"medibooth/booth"
)

var _ booth.CheckinService = (*DB)(nil)

const scanColumns = `s.id, s.at, s.day, s.raw, s.code, coalesce(s.visitor_id, ''), s.decision, s.reason, s.late, s.created_at, s.device_id,
	coalesce(v.name, ''), coalesce(v.type, ''), coalesce(d.name, '')`

const scanJoins = ` FROM scan s LEFT JOIN visitor v ON v.id = s.visitor_id LEFT JOIN device d ON d.id = s.device_id`

func scanScan(row interface{ Scan(...any) error }) (*booth.Scan, error) {
	var s booth.Scan
	var at, created string
	var raw []byte
	err := row.Scan(&s.ID, &at, &s.Day, &raw, &s.Code, &s.VisitorID, &s.Decision, &s.Reason, &s.Late, &created, &s.DeviceID,
		&s.VisitorName, &s.VisitorType, &s.DeviceName)
	if err != nil {
		return nil, err
	}
	s.Raw = string(raw)
	s.At, _ = booth.ParseTime(at)
	s.Created, _ = booth.ParseTime(created)
	return &s, nil
}

// Checkin decides on one scanned code and stores the scan. The decision and
// the insert happen in one IMMEDIATE transaction, so two laptops' worth of
// scanners on one database can never both admit the same visitor twice, and
// the returned scan is committed.
func (db *DB) Checkin(ctx context.Context, req booth.CheckinRequest) (*booth.Scan, error) {
	ev, err := db.Event(ctx)
	if err != nil {
		return nil, err
	}
	at := req.At
	if at.IsZero() {
		at = db.Now()
	}
	raw := cleanRaw(req.Raw)
	// A visitor number (13 digits, looked up here) or a badge
	// (verified, and readable on any laptop of the event).
	code, perr := booth.ParseCode(req.Raw)
	number := perr == nil
	if !number {
		code, perr = booth.ParseBadge(req.Raw)
		if perr != nil {
			code = ""
		}
	}
	dev := db.Device()
	if db.w == nil {
		return nil, ErrReadOnly
	}
	st, err := db.checkinStmts()
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	if req.Window > 0 {
		prev, err := lastScan(ctx, tx.StmtContext(ctx, st.last), dev.ID)
		if err != nil {
			return nil, err
		}
		if booth.IsDoubleSend(prev, code, raw, at, req.Window) {
			full, err := scanScan(tx.QueryRowContext(ctx, `SELECT `+scanColumns+scanJoins+` WHERE s.id = ?`, prev.ID))
			if err != nil {
				return nil, err
			}
			return full, tx.Rollback()
		}
	}
	s := &booth.Scan{ID: booth.NewID(), At: at.UTC(), Day: ev.LocalDay(at), DeviceID: dev.ID, DeviceName: dev.Name,
		Raw: raw, Code: code, Late: req.Late, Created: db.Now()}
	var facts booth.CheckinFacts
	facts.Code = code
	switch {
	case code != "" && number:
		v, err := scanVisitor(tx.StmtContext(ctx, st.visitor).QueryRowContext(ctx, code))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		facts.Visitor = v
	case code != "":
		ver, failed, err := db.verifier(ctx, tx, tx.StmtContext(ctx, st.revoked))
		if err != nil {
			return nil, err
		}
		c, verr := ver.Verify(code)
		if err := failed(); err != nil {
			return nil, err
		}
		if reason := booth.BadgeReason(verr); reason != "" {
			facts.Invalid = reason
			break
		} else if verr != nil {
			return nil, verr
		}
		if facts.Visitor, err = badgeVisitor(ctx, tx, db, tx.StmtContext(ctx, st.visitorByID), c, at); err != nil {
			return nil, err
		}
		// What the badge says the visitor consented to, so that a laptop
		// that never saw the registration can record a consultation.
		if s.BadgeConsents, err = storeBadgeConsents(ctx, tx, db, st, facts.Visitor, c.Consents); err != nil {
			return nil, err
		}
	}
	if v := facts.Visitor; v != nil {
		s.VisitorID, s.VisitorName, s.VisitorType = v.ID, v.Name, v.Type
		first, err := scanScan(tx.StmtContext(ctx, st.first).QueryRowContext(ctx, v.ID, s.Day))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		facts.FirstToday = first
		s.First = first
	}
	s.Decision, s.Reason = booth.Decide(facts)
	if s.Reason == booth.ReasonErased {
		// The badge of an erased visitor still seals their name: the scan
		// is counted, its text not kept.
		raw, s.Raw, s.Code = "", "", ""
	}
	seq := db.nextSeq()
	var visitorID any
	if s.VisitorID != "" {
		visitorID = s.VisitorID
	}
	_, err = tx.StmtContext(ctx, st.insert).ExecContext(ctx, s.ID, booth.FormatTime(s.At), s.Day, []byte(raw), s.Code, visitorID,
		s.Decision, s.Reason, s.Late, booth.FormatTime(s.Created), s.DeviceID, seq)
	if err != nil {
		return nil, db.storageErr(err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s, nil
}

// cleanRaw keeps what a scanner typed, without its terminator, cut to
// booth.MaxRawCode bytes at a character boundary. It is stored as a BLOB and
// never interpreted as SQL or markup.
func cleanRaw(raw string) string {
	raw = strings.TrimRight(raw, "\r\n\t")
	if len(raw) > booth.MaxRawCode {
		raw = raw[:booth.MaxRawCode]
		for len(raw) > 0 && !utf8.ValidString(raw) {
			raw = raw[:len(raw)-1]
		}
	}
	return raw
}

// checkinStmts are the check-in's statements, prepared once on the writer
// connection: preparing them anew on every scan would cost more than the
// queries themselves.
type checkinStmts struct {
	last, visitor, visitorByID, revoked, first, insert *sql.Stmt
	hospitals, consentTimes                            *sql.Stmt // for the consents a badge carries
}

func (db *DB) checkinStmts() (*checkinStmts, error) {
	db.stmtOnce.Do(func() {
		prep := func(q string) *sql.Stmt {
			if db.stmtErr != nil {
				return nil
			}
			st, err := db.w.Prepare(q)
			db.stmtErr = err
			return st
		}
		db.stmts = checkinStmts{
			last:        prep(`SELECT id, at, raw, code FROM scan WHERE device_id = ? ORDER BY seq DESC LIMIT 1`),
			visitor:     prep(`SELECT ` + visitorColumns + ` FROM visitor WHERE code = ?`),
			visitorByID: prep(`SELECT ` + visitorColumns + ` FROM visitor WHERE id = ?`),
			revoked:     prep(`SELECT count(*) FROM revoked_key WHERE substr(key_id, 1, 4) = ?`),
			first: prep(`SELECT ` + scanColumns + scanJoins + `
				WHERE s.visitor_id = ? AND s.day = ? AND s.decision = 'admitted' ORDER BY s.at LIMIT 1`),
			insert: prep(`INSERT INTO scan (id, at, day, raw, code, visitor_id, decision, reason, late, created_at, device_id, seq)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			hospitals:    prep(eventHospitalsSQL),
			consentTimes: prep(`SELECT purpose, coalesce(org_id, ''), max(at) FROM consent WHERE visitor_id = ? GROUP BY purpose, org_id`),
		}
	})
	return &db.stmts, db.stmtErr
}

// lastScan returns what the double-send rule needs of this device's latest
// scan, or nil.
func lastScan(ctx context.Context, st *sql.Stmt, deviceID string) (*booth.Scan, error) {
	var s booth.Scan
	var at string
	var raw []byte
	err := st.QueryRowContext(ctx, deviceID).Scan(&s.ID, &at, &raw, &s.Code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	s.At, _ = booth.ParseTime(at)
	s.Raw = string(raw)
	return &s, nil
}

// RecentScans returns this laptop's latest n scans, newest first.
func (db *DB) RecentScans(ctx context.Context, n int) ([]booth.Scan, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+scanColumns+scanJoins+` WHERE s.device_id = ? ORDER BY s.seq DESC LIMIT ?`, db.Device().ID, n)
	return collect(rows, err, scanScanRow)
}

// DayCounts returns the counters of one event-local day over every scan this
// database holds.
func (db *DB) DayCounts(ctx context.Context, day string) (booth.Counts, error) {
	c := booth.Counts{Day: day}
	err := db.r.QueryRowContext(ctx, `SELECT
		(SELECT count(DISTINCT visitor_id) FROM scan WHERE day = ?1 AND decision = 'admitted'),
		(SELECT count(*) FROM scan WHERE day = ?1),
		(SELECT count(*) FROM scan WHERE day = ?1 AND decision = 'rejected')`, day).Scan(&c.Unique, &c.Scans, &c.Rejected)
	return c, err
}

// ScanCount returns how many scans this database holds, by decision.
func (db *DB) ScanCount(ctx context.Context) (map[booth.Decision]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT decision, count(*) FROM scan GROUP BY decision`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[booth.Decision]int{}
	for rows.Next() {
		var d booth.Decision
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return nil, err
		}
		out[d] = n
	}
	return out, rows.Err()
}

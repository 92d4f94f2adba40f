package data

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"medibooth/booth"
)

var _ booth.QueueService = (*DB)(nil)

const queueColumns = `q.id, q.visitor_id, q.org_id, q.department, q.state, q.since, q.called_at, q.started_at, q.ended_at,
	coalesce(q.staff_id, ''), q.created_at, q.updated_at, q.device_id, v.name, coalesce(v.code, ''), o.name`

const queueJoins = ` FROM queue_entry q JOIN visitor v ON v.id = q.visitor_id JOIN org o ON o.id = q.org_id`

func scanQueueEntry(row interface{ Scan(...any) error }) (*booth.QueueEntry, error) {
	var e booth.QueueEntry
	var since, called, started, ended, created, updated string
	err := row.Scan(&e.ID, &e.VisitorID, &e.OrgID, &e.Department, &e.State, &since, &called, &started, &ended,
		&e.StaffID, &created, &updated, &e.DeviceID, &e.VisitorName, &e.VisitorCode, &e.OrgName)
	if err != nil {
		return nil, err
	}
	// Times not reached yet are stored empty and stay zero.
	e.Since, _ = booth.ParseTime(since)
	e.CalledAt, _ = booth.ParseTime(called)
	e.StartedAt, _ = booth.ParseTime(started)
	e.EndedAt, _ = booth.ParseTime(ended)
	e.Created, _ = booth.ParseTime(created)
	e.Updated, _ = booth.ParseTime(updated)
	return &e, nil
}

func scanQueueRow(rows *sql.Rows) (booth.QueueEntry, error) {
	e, err := scanQueueEntry(rows)
	if err != nil {
		return booth.QueueEntry{}, err
	}
	return *e, nil
}

// readQueueEntry reads one entry with its names; ENOTFOUND when there is none.
func readQueueEntry(ctx context.Context, q querier, id string) (*booth.QueueEntry, error) {
	e, err := scanQueueEntry(q.QueryRowContext(ctx, `SELECT `+queueColumns+queueJoins+` WHERE q.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booth.Errorf(booth.ENOTFOUND, "This queue entry does not exist any more.")
	}
	return e, err
}

// openEntry returns the visitor's open entry at a hospital, or nil.
func openEntry(ctx context.Context, q querier, visitorID, orgID string) (*booth.QueueEntry, error) {
	e, err := scanQueueEntry(q.QueryRowContext(ctx, `SELECT `+queueColumns+queueJoins+`
		WHERE q.visitor_id = ? AND q.org_id = ? AND q.state IN ('waiting', 'called', 'consulting')
		ORDER BY q.since, q.id LIMIT 1`, visitorID, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return e, err
}

// OpenEntry returns the visitor's open entry (waiting, called or in
// consultation) at a hospital, or nil when they are not in its queue.
func (db *DB) OpenEntry(ctx context.Context, visitorID, orgID string) (*booth.QueueEntry, error) {
	return openEntry(ctx, db.r, visitorID, orgID)
}

// Enqueue sends a visitor to a hospital's queue, to one of its departments
// unless department is "". A visitor in that hospital's queue already is
// refused (booth.QueueConflict) rather than queued twice.
func (db *DB) Enqueue(ctx context.Context, visitorID, orgID, department string) (*booth.QueueEntry, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	dept, err := queueDepartment(ctx, tx, orgID, department)
	if err != nil {
		return nil, err
	}
	var erased bool
	err = tx.QueryRowContext(ctx, `SELECT erased_at IS NOT NULL FROM visitor WHERE id = ?`, visitorID).Scan(&erased)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booth.Errorf(booth.ENOTFOUND, "There is no visitor with the id %q.", visitorID)
	} else if err != nil {
		return nil, err
	} else if erased {
		return nil, booth.Errorf(booth.ECONFLICT, "This visitor's data was erased at their request.")
	}
	if open, err := openEntry(ctx, tx, visitorID, orgID); err != nil {
		return nil, err
	} else if open != nil {
		return nil, booth.QueueConflict(open)
	}
	id := booth.NewID()
	now := booth.FormatTime(db.Now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO queue_entry (id, visitor_id, org_id, department, state, since,
		staff_id, created_at, updated_at, device_id, seq) VALUES (?, ?, ?, ?, 'waiting', ?, NULLIF(?, ''), ?, ?, ?, ?)`,
		id, visitorID, orgID, dept, now, staffID(ctx), now, now, db.Device().ID, db.nextSeq()); err != nil {
		return nil, err
	}
	e, err := readQueueEntry(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return e, tx.Commit()
}

// queueDepartment checks that orgID is a hospital and department ("" for
// any) one of its departments, and returns the department as the hospital
// names it.
func queueDepartment(ctx context.Context, tx *wtx, orgID, department string) (string, error) {
	var kind, name string
	err := tx.QueryRowContext(ctx, `SELECT kind, name FROM org WHERE id = ?`, orgID).Scan(&kind, &name)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != string(booth.OrgHospital)) {
		return "", booth.Errorf(booth.EINVALID, "Visitors can only be sent to a hospital of this event.")
	} else if err != nil {
		return "", err
	}
	if fold(department) == "" {
		return "", nil
	}
	var dept string
	err = tx.QueryRowContext(ctx, `SELECT name FROM department WHERE org_id = ? AND name_fold = ?`, orgID, fold(department)).Scan(&dept)
	if errors.Is(err, sql.ErrNoRows) {
		return "", booth.Errorf(booth.EINVALID, "%s has no department %q.", name, department)
	}
	return dept, err
}

// Queue lists a hospital's queue: in consultation, called, then waiting
// (longest-waiting first); with includeClosed, then the entries closed on
// today's event-local date, latest first.
func (db *DB) Queue(ctx context.Context, orgID string, includeClosed bool) ([]booth.QueueEntry, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+queueColumns+queueJoins+`
		WHERE q.org_id = ? AND q.state IN ('waiting', 'called', 'consulting')
		ORDER BY CASE q.state WHEN 'consulting' THEN 0 WHEN 'called' THEN 1 ELSE 2 END,
			CASE q.state WHEN 'consulting' THEN q.started_at WHEN 'called' THEN q.called_at ELSE q.since END, q.since, q.id`, orgID)
	open, err := collect(rows, err, scanQueueRow)
	if err != nil || !includeClosed {
		return open, err
	}
	from, to, err := db.today(ctx)
	if err != nil {
		return nil, err
	}
	rows, err = db.r.QueryContext(ctx, `SELECT `+queueColumns+queueJoins+`
		WHERE q.org_id = ? AND q.state IN ('done', 'no-show', 'cancelled') AND q.ended_at >= ? AND q.ended_at < ?
		ORDER BY q.ended_at DESC, q.id DESC`, orgID, from, to)
	closed, err := collect(rows, err, scanQueueRow)
	return append(open, closed...), err
}

// today returns the bounds of the event-local date of now as stored times.
func (db *DB) today(ctx context.Context) (from, to string, err error) {
	loc := time.UTC
	if ev, err := db.Event(ctx); err == nil {
		loc = ev.Location()
	} else if booth.ErrorCode(err) != booth.ENOTFOUND {
		return "", "", err
	}
	now := db.Now().In(loc)
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	return booth.FormatTime(start), booth.FormatTime(start.AddDate(0, 0, 1)), nil
}

// CallNext calls the longest-waiting visitor of a hospital, of one
// department unless department is "". ENOTFOUND when nobody is waiting.
func (db *DB) CallNext(ctx context.Context, orgID, department string) (*booth.QueueEntry, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var id string
	err = tx.QueryRowContext(ctx, `SELECT id FROM queue_entry WHERE org_id = ? AND state = 'waiting'
		AND (? = '' OR lower(department) = lower(?)) ORDER BY since, id LIMIT 1`, orgID, department, department).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booth.Errorf(booth.ENOTFOUND, "Nobody is waiting.")
	} else if err != nil {
		return nil, err
	}
	e, err := moveQueue(ctx, tx, db, id, booth.QueueCall)
	if err != nil {
		return nil, err
	}
	return e, tx.Commit()
}

// MoveQueue applies an action to a queue entry through booth's state
// machine and stamps the time it was called, started or ended. A move the
// state does not allow is refused and the entry stays as it was.
func (db *DB) MoveQueue(ctx context.Context, entryID string, a booth.QueueAction) (*booth.QueueEntry, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	e, err := moveQueue(ctx, tx, db, entryID, a)
	if err != nil {
		return nil, err
	}
	return e, tx.Commit()
}

func moveQueue(ctx context.Context, tx *wtx, db *DB, entryID string, a booth.QueueAction) (*booth.QueueEntry, error) {
	e, err := readQueueEntry(ctx, tx, entryID)
	if err != nil {
		return nil, err
	}
	next, err := e.State.Apply(a)
	if err != nil {
		return nil, err
	}
	now := db.Now()
	switch a {
	case booth.QueueCall:
		e.CalledAt = now
	case booth.QueueStart:
		e.StartedAt = now
	case booth.QueueFinish, booth.QueueMissed, booth.QueueCancel:
		e.EndedAt = now
	case booth.QueueBackToWaiting:
		// Back to the end of the line: whoever was called and is not there
		// yet, or came back after missing their turn, lets the others go
		// first, and "Call next" moves on to them.
		e.Since, e.CalledAt, e.EndedAt = now, time.Time{}, time.Time{}
	}
	e.State = next
	e.Updated = now
	e.DeviceID = db.Device().ID
	if s := staffID(ctx); s != "" {
		e.StaffID = s
	}
	if _, err := tx.ExecContext(ctx, `UPDATE queue_entry SET state = ?, since = ?, called_at = ?, started_at = ?, ended_at = ?,
		staff_id = NULLIF(?, ''), updated_at = ?, device_id = ?, seq = ? WHERE id = ?`,
		e.State, booth.FormatTime(e.Since), queueTime(e.CalledAt), queueTime(e.StartedAt), queueTime(e.EndedAt),
		e.StaffID, booth.FormatTime(now), e.DeviceID, db.nextSeq(), e.ID); err != nil {
		return nil, err
	}
	return e, nil
}

// queueTime stores a time not reached yet as the empty string.
func queueTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return booth.FormatTime(t)
}

// WaitingSummary counts the open entries of every hospital's queue per
// department, by hospital name and department.
func (db *DB) WaitingSummary(ctx context.Context) ([]booth.QueueCount, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT q.org_id, o.name, q.department,
			sum(q.state = 'waiting'), sum(q.state = 'called'), sum(q.state = 'consulting'),
			coalesce(min(CASE WHEN q.state = 'waiting' THEN q.since END), '')
		FROM queue_entry q JOIN org o ON o.id = q.org_id
		WHERE q.state IN ('waiting', 'called', 'consulting')
		GROUP BY q.org_id, q.department ORDER BY o.name_fold, o.id, q.department`)
	return collect(rows, err, func(rows *sql.Rows) (booth.QueueCount, error) {
		var c booth.QueueCount
		var oldest string
		err := rows.Scan(&c.OrgID, &c.OrgName, &c.Department, &c.Waiting, &c.Called, &c.Consulting, &oldest)
		c.Oldest, _ = booth.ParseTime(oldest)
		return c, err
	})
}

package data

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"

	"medibooth/booth"
)

var _ booth.EventService = (*DB)(nil)

// Event returns the event of this data directory; ENOTFOUND before set-up.
func (db *DB) Event(ctx context.Context) (*booth.Event, error) {
	db.mu.Lock()
	ev := db.event
	db.mu.Unlock()
	if ev != nil {
		c := *ev
		return &c, nil
	}
	ev, err := readEvent(ctx, db.r)
	if err != nil {
		return nil, err
	}
	db.mu.Lock()
	db.event = ev
	db.mu.Unlock()
	c := *ev
	return &c, nil
}

func readEvent(ctx context.Context, q querier) (*booth.Event, error) {
	var e booth.Event
	var created string
	err := q.QueryRowContext(ctx, `SELECT id, name, city, country, start_date, end_date, tz, created_at, device_id FROM event LIMIT 1`).
		Scan(&e.ID, &e.Name, &e.City, &e.Country, &e.Start, &e.End, &e.TimeZone, &created, &e.DeviceID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booth.Errorf(booth.ENOTFOUND, "This laptop is not set up for an event yet: run \"medibooth demo\" or \"medibooth event init\".")
	} else if err != nil {
		return nil, err
	}
	e.Created, _ = booth.ParseTime(created)
	return &e, nil
}

// CreateEvent stores the event; a data directory belongs to one event only.
func (db *DB) CreateEvent(ctx context.Context, e *booth.Event) error {
	e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := createEvent(ctx, tx, db, e, freshKeys()); err != nil {
		return err
	}
	if err := ensureHQ(ctx, tx, db, e.ID, false); err != nil {
		return err
	}
	return tx.Commit()
}

func createEvent(ctx context.Context, tx *wtx, db *DB, e *booth.Event, keys *newKeys) error {
	if old, err := readEvent(ctx, tx); err == nil {
		if old.ID == e.ID {
			if keys == nil {
				return nil
			}
			// The event is here already; make sure this laptop has its key.
			return storeEventKeys(ctx, tx, db, e.ID, keys.root, keys.keys, keys.keepRoot)
		}
		return booth.Errorf(booth.ECONFLICT, "This data directory already belongs to the event %q; use another --data directory for a new event.", old.Name)
	} else if booth.ErrorCode(err) != booth.ENOTFOUND {
		return err
	}
	if e.ID == "" {
		e.ID = booth.NewID()
	}
	if e.Created.IsZero() {
		e.Created = db.Now()
	}
	if e.DeviceID == "" {
		e.DeviceID = db.Device().ID
	}
	seq := db.nextSeq()
	t := booth.FormatTime(e.Created)
	_, err := tx.ExecContext(ctx, `INSERT INTO event (id, name, city, country, start_date, end_date, tz, created_at, updated_at, device_id, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.Name, e.City, e.Country, e.Start, e.End, e.TimeZone, t, t, e.DeviceID, seq)
	if err != nil || keys == nil {
		return err
	}
	return storeEventKeys(ctx, tx, db, e.ID, keys.root, keys.keys, keys.keepRoot)
}

// newKeys are the badge keys an event is created with.
type newKeys struct {
	root     ed25519.PrivateKey
	keys     booth.EventKeys
	keepRoot bool
}

// freshKeys makes the keys of an event created on this laptop, which keeps
// the root key to package the event for other laptops.
func freshKeys() *newKeys {
	root, keys := booth.NewEventKeys()
	return &newKeys{root: root, keys: keys, keepRoot: true}
}

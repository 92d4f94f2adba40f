package data

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"

	"medibooth/booth"
)

// Decisions of a bundle import.
const (
	BundleImported        = "imported"
	BundleAlreadyImported = "already-imported"
)

// ImportBundle merges a laptop's bundle into HQ's database. The bundle is
// checked completely (HQ's key, the laptop's certificate and signature, the
// snapshot's hash, the event, the schema) while its snapshot is written to
// a private temporary file beside the database; only then does SQLite open
// it. A bundle imported before (the same file) changes nothing, and says
// so; so does any bundle whose rows HQ has already, as the merge is
// idempotent. A refused bundle leaves the database as it was.
func (db *DB) ImportBundle(ctx context.Context, r io.Reader) (*BundleImport, error) {
	res, err := db.importBundle(ctx, r)
	return res, db.storageErr(err)
}

func (db *DB) importBundle(ctx context.Context, r io.Reader) (*BundleImport, error) {
	ev, err := db.Event(ctx)
	if err != nil {
		return nil, err
	}
	id, err := db.HQIdentity(ctx)
	if err != nil {
		return nil, err
	}
	keys, revoked, err := db.SignerCheck(ctx)
	if err != nil {
		return nil, err
	}
	removeStale(filepath.Dir(db.Path))
	tmp, err := os.CreateTemp(filepath.Dir(db.Path), tempPattern(importPattern))
	if err != nil {
		if se := db.storageErr(err); IsStorage(se) {
			return nil, se
		}
		return nil, booth.Errorf(booth.EINVALID, "Cannot write to %s: %v.", filepath.Dir(db.Path), err)
	}
	defer removeDBFiles(tmp.Name())
	defer tmp.Close()
	o := &booth.BundleOpener{Identity: id, Keys: keys, Revoked: revoked, MaxSize: booth.DefaultMaxBundleSize}
	b, err := o.Open(r, tmp)
	if err != nil {
		return nil, err
	}
	m := b.Manifest
	if m.EventID != ev.ID {
		return nil, booth.Errorf(booth.ECONFLICT, "This bundle belongs to another event (%s).", m.Event)
	}
	if n := len(migrations()); m.Schema > n {
		return nil, booth.Errorf(booth.EINVALID, "This bundle was made by a newer medibooth (schema %d; this one knows %d); update medibooth to import it.", m.Schema, n)
	}
	res := &BundleImport{Decision: BundleImported, SHA256: b.FileHash, DeviceID: m.DeviceID, Device: m.Device, MadeAt: m.MadeAt, Rows: m.Rows,
		AppVersion: m.AppVersion}
	var seen int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM bundle_import WHERE hash = ?`, b.FileHash).Scan(&seen); err != nil {
		return nil, err
	} else if seen > 0 {
		res.Decision = BundleAlreadyImported
		return res, nil
	}
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	mr, err := db.MergeSnapshot(ctx, tmp.Name())
	if err != nil {
		return nil, err
	}
	res.Changed, res.Tables = mr.Changed, mr.Tables
	db.merged.Add(1)
	// Recorded after the merge's own transaction: were it lost, importing
	// the file again would merge nothing new.
	_, err = db.exec(ctx, `INSERT OR IGNORE INTO bundle_import (hash, device_id, device_name, made_at, imported_at, rows, changed)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, res.SHA256, m.DeviceID, m.Device, booth.FormatTime(m.MadeAt), booth.FormatTime(db.Now()), res.Rows, res.Changed)
	return res, err
}

// SyncStatus reports the bundles made here and, at HQ, imported here.
func (db *DB) SyncStatus(ctx context.Context) (*SyncStatus, error) {
	st := &SyncStatus{}
	if _, err := db.HQIdentity(ctx); err == nil {
		st.HQ = true
	} else if booth.ErrorCode(err) != booth.ECONFLICT {
		return nil, err
	}
	var e SyncExport
	var made, acked string
	err := db.r.QueryRowContext(ctx, `SELECT hash, made_at, path, rows, max_seq, acked_at FROM bundle_export ORDER BY made_at DESC, rowid DESC LIMIT 1`).
		Scan(&e.SHA256, &made, &e.Path, &e.Rows, &e.MaxSeq, &acked)
	if err == nil {
		e.MadeAt, _ = booth.ParseTime(made)
		if t, err := booth.ParseTime(acked); err == nil {
			e.Acked = &t
		}
		st.LastExport = &e
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	seq, err := maxSeq(ctx, db.r, db.Device().ID)
	if err != nil {
		return nil, err
	}
	st.Unexported = seq > 0 && (st.LastExport == nil || seq > st.LastExport.MaxSeq)
	rows, err := db.r.QueryContext(ctx, `SELECT b.device_id, b.device_name, n, b.made_at, b.imported_at, b.rows FROM
		(SELECT *, count(*) OVER w AS n, row_number() OVER (w ORDER BY made_at DESC, imported_at DESC) AS k
		 FROM bundle_import WINDOW w AS (PARTITION BY device_id)) b WHERE k = 1 ORDER BY b.device_name, b.device_id`)
	st.Laptops, err = collect(rows, err, func(rows *sql.Rows) (SyncLaptop, error) {
		var l SyncLaptop
		var made, imported string
		err := rows.Scan(&l.DeviceID, &l.Device, &l.Bundles, &made, &imported, &l.Rows)
		l.LastMadeAt, _ = booth.ParseTime(made)
		l.ImportedAt, _ = booth.ParseTime(imported)
		return l, err
	})
	return st, err
}

// AckBundle records that HQ confirmed it holds the bundle this laptop made
// whose file hashes to hash (HQ's server answers a push with it).
func (db *DB) AckBundle(ctx context.Context, hash string) error {
	r, err := db.exec(ctx, `UPDATE bundle_export SET acked_at = ? WHERE hash = ? AND acked_at = ''`, booth.FormatTime(db.Now()), hash)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		var known int
		if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM bundle_export WHERE hash = ?`, hash).Scan(&known); err != nil {
			return err
		} else if known == 0 {
			return booth.Errorf(booth.ENOTFOUND, "This laptop made no bundle with the SHA-256 %s.", hash)
		}
	}
	return nil
}

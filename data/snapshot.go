package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"medibooth/booth"
)

// Bundles: a laptop's data on its way to HQ (booth/bundle.go has the file
// format). The live database is never copied as a file: VACUUM INTO writes a
// consistent snapshot, which is checked, stripped of what never leaves the
// laptop, signed and encrypted to HQ. HQ checks a bundle completely before
// SQLite opens its snapshot, then merges it.

// localTables never leave the laptop: every snapshot has them emptied.
// local and the lockouts are about this laptop only, hq_identity opens every
// bundle, the bundle lists are each side's bookkeeping, and the audit log is
// this laptop's own hash chain.
var localTables = []string{"local", "signin_state", "unlock_state", "hq_identity", "bundle_export", "bundle_import", "audit", "same_person"}

// The sync types live in booth, for the screens.
type (
	ExportResult = booth.ExportResult
	SyncExport   = booth.SyncExport
	SyncLaptop   = booth.SyncLaptop
	SyncStatus   = booth.SyncStatus
	BundleImport = booth.BundleImport
)

// secretColumns are set NULL in every snapshot: the event's root private key
// (HQ's) and this laptop's badge private key.
var secretColumns = []struct{ table, column string }{{"event_key", "root_private"}, {"device_key", "private"}}

// ExportBundle writes this laptop's bundle to out: a snapshot made with
// VACUUM INTO next to the database (never on the bundle's medium, which may
// be a USB stick: the snapshot is in clear), synced, checked (integrity and
// row counts), stripped of secrets and local tables, signed with this
// laptop's badge key and encrypted to HQ; the bundle is written next to out,
// synced and renamed into place, and recorded in bundle_export.
func (db *DB) ExportBundle(ctx context.Context, out string) (*ExportResult, error) {
	res, err := db.exportBundle(ctx, out)
	return res, db.storageErr(err)
}

func (db *DB) exportBundle(ctx context.Context, out string) (*ExportResult, error) {
	ev, err := db.Event(ctx)
	if err != nil {
		return nil, err
	}
	hq, err := db.HQRecipient(ctx)
	if err != nil {
		return nil, err
	}
	if err := booth.CheckHQRecipient(hq); err != nil {
		return nil, err
	}
	is, err := db.Issuer(ctx)
	if err != nil {
		return nil, err
	}
	removeStale(filepath.Dir(db.Path))
	snap, err := createTemp(filepath.Dir(db.Path), tempPattern(snapshotPattern))
	if err != nil {
		return nil, err
	}
	defer removeDBFiles(snap)
	m, err := db.snapshot(ctx, snap, false)
	if err != nil {
		return nil, err
	}
	m.EventID, m.Event = ev.ID, ev.Name
	dev := db.Device()
	m.DeviceID, m.Device = dev.ID, dev.Name
	m.MadeAt = db.Now().UTC()
	res, err := sealTo(out, m, is, hq, snap)
	if err != nil {
		return nil, err
	}
	return res, db.recordExport(ctx, res)
}

// recordExport lists a bundle written in bundle_export and, as personal
// data left the laptop (encrypted), in the audit log.
func (db *DB) recordExport(ctx context.Context, res *ExportResult) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	abs, _ := filepath.Abs(res.File)
	m := res.Manifest
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO bundle_export (hash, made_at, path, rows, max_seq) VALUES (?, ?, ?, ?, ?)`,
		res.SHA256, booth.FormatTime(m.MadeAt), abs, m.Rows, m.MaxSeq); err != nil {
		return err
	}
	if err := db.audit(ctx, tx, AuditExport, "bundle "+filepath.Base(res.File), res.SHA256); err != nil {
		return err
	}
	return tx.Commit()
}

// snapshot writes the checked, stripped snapshot to path (an empty file)
// and returns the manifest's description of it.
//
// A delta for another laptop (delta true) is made the same way, but skips
// what only a bundle needs: the integrity check of the whole copy, which
// the receiver runs on the much smaller delta, the strip's VACUUM, which
// trimming the delta repeats, and the fsync and hash of the file, which
// never leaves as it is.
func (db *DB) snapshot(ctx context.Context, path string, delta bool) (*booth.Manifest, error) {
	src, err := sql.Open("sqlite", fileDSN(db.Path, "mode=ro", "_pragma=busy_timeout(5000)"))
	if err != nil {
		return nil, err
	}
	defer src.Close()
	src.SetMaxOpenConns(1)
	before, err := countRows(ctx, src)
	if err != nil {
		return nil, err
	}
	// VACUUM INTO reads one transaction's view of the database, whatever
	// the desk writes meanwhile.
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return nil, fmt.Errorf("vacuum into %s: %w", path, err)
	}
	after, err := countRows(ctx, src)
	if err != nil {
		return nil, err
	}
	syncMode := "_pragma=synchronous(FULL)"
	if delta {
		syncMode = "_pragma=synchronous(OFF)"
	}
	s, err := sql.Open("sqlite", fileDSN(path, "_pragma=busy_timeout(5000)", "_pragma=journal_mode(DELETE)",
		syncMode, "_pragma=secure_delete(1)"))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	s.SetMaxOpenConns(1)
	got, err := countRows(ctx, s)
	if err != nil {
		return nil, err
	}
	// A table nobody wrote during the VACUUM has exactly its rows in the
	// snapshot; one written meanwhile has a count between the two.
	for t, n := range got {
		lo, hi := min(before[t], after[t]), max(before[t], after[t])
		if n < lo || n > hi || len(got) != len(before) {
			return nil, booth.Errorf(booth.ECONFLICT, "The snapshot does not match the database (table %s); nothing was exported, try again.", t)
		}
	}
	removed, err := strip(ctx, s, !delta)
	if err != nil {
		return nil, err
	}
	// One integrity check, of the file that travels (it costs a full read).
	m := &booth.Manifest{Tables: map[string]int{}}
	if !delta {
		if err := checkIntegrity(ctx, s); err != nil {
			return nil, err
		}
	}
	stripped, err := countRows(ctx, s)
	if err != nil {
		return nil, err
	}
	for t, n := range stripped {
		if isLocal(t) {
			if n != 0 {
				return nil, fmt.Errorf("snapshot: %s still has %d rows", t, n)
			}
			continue
		} else if n != got[t]-removed[t] {
			return nil, fmt.Errorf("snapshot: %s has %d rows, the database %d less %d purged", t, n, got[t], removed[t])
		}
		m.Tables[t] = n
		m.Rows += n
	}
	var appID int
	if err := s.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)`).Scan(&appID, &m.Schema); err != nil {
		return nil, err
	} else if appID != ApplicationID || m.Schema != len(migrations()) {
		return nil, fmt.Errorf("snapshot: application id %x, schema %d", appID, m.Schema)
	}
	if m.MaxSeq, err = maxSeq(ctx, s, db.Device().ID); err != nil {
		return nil, err
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	if delta {
		return m, nil
	}
	m.SnapshotSHA256, m.SnapshotSize, err = syncAndHash(path)
	return m, err
}

// purgedRows are the tables that name a visitor: a purged visitor's rows
// leave the snapshot with the visitor, children first — those HQ has
// already: rows other laptops made (they came from HQ) and this laptop's
// rows up to the highest sequence of a bundle HQ confirmed. A scan,
// consent or consultation written here after that (the visitor came back
// after the purge) stays in the snapshot, so HQ gets it.
var purgedRows = []string{"visitor_term", "visitor_interest", "scan", "consent", "queue_entry", "consultation", "badge_print"}

// strip removes from a snapshot what never leaves the laptop, and purged
// visitors with their rows (it returns how many of those per table), then
// vacuums it so that no freed page keeps a trace (secure_delete zeroes them
// too).
func strip(ctx context.Context, s *sql.DB, vacuum bool) (map[string]int, error) {
	removed, err := stripPurged(ctx, s)
	if err != nil {
		return nil, err
	}
	return removed, stripLocal(ctx, s, vacuum)
}

func stripPurged(ctx context.Context, s *sql.DB) (map[string]int, error) {
	tx, err := s.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	removed := map[string]int{}
	var me string
	var acked int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT value FROM local WHERE key = 'device_id'),
		(SELECT coalesce(max(max_seq), 0) FROM bundle_export WHERE acked_at <> '')`).Scan(&me, &acked); err != nil {
		return nil, err
	}
	const purged = `(SELECT id FROM visitor WHERE purged_at IS NOT NULL)`
	for _, t := range append(purgedRows, "visitor") {
		q := fmt.Sprintf(`DELETE FROM %q WHERE visitor_id IN `+purged+` AND NOT (device_id = ?1 AND seq > ?2)`, t)
		switch t {
		case "visitor":
			q = `DELETE FROM visitor WHERE purged_at IS NOT NULL AND ?1 = ?1 AND ?2 = ?2`
		case "visitor_term": // search keys: local, no sequence
			q = `DELETE FROM visitor_term WHERE visitor_id IN ` + purged + ` AND ?1 = ?1 AND ?2 = ?2`
		}
		res, err := tx.ExecContext(ctx, q, me, acked)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected()
		removed[t] = int(n)
	}
	return removed, tx.Commit()
}

func stripLocal(ctx context.Context, s *sql.DB, vacuum bool) error {
	tx, err := s.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, c := range secretColumns {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %q SET %q = NULL`, c.table, c.column)); err != nil {
			return err
		}
	}
	// The audit log refuses deletes by trigger; the snapshot's copy is
	// emptied with its triggers set aside and put back.
	q := `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name IN (` + strings.Repeat("?,", len(localTables)-1) + `?)`
	args := make([]any, len(localTables))
	for i, t := range localTables {
		args[i] = t
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	type trigger struct{ name, sql string }
	triggers, err := collect(rows, err, func(rows *sql.Rows) (trigger, error) {
		var t trigger
		err := rows.Scan(&t.name, &t.sql)
		return t, err
	})
	if err != nil {
		return err
	}
	for _, t := range triggers {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DROP TRIGGER %q`, t.name)); err != nil {
			return err
		}
	}
	for _, t := range localTables {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %q`, t)); err != nil {
			return err
		}
	}
	for _, t := range triggers {
		if _, err := tx.ExecContext(ctx, t.sql); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil || !vacuum {
		return err
	}
	_, err = s.ExecContext(ctx, `VACUUM`)
	return err
}

func isLocal(table string) bool {
	for _, t := range localTables {
		if t == table {
			return true
		}
	}
	return false
}

// countRows counts the rows of every table, in one read transaction.
func countRows(ctx context.Context, d *sql.DB) (map[string]int, error) {
	tx, err := d.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	names, err := collect(rows, err, scanString)
	if err != nil {
		return nil, err
	}
	counts := make(map[string]int, len(names))
	for _, t := range names {
		var n int
		if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %q`, t)).Scan(&n); err != nil {
			return nil, err
		}
		counts[t] = n
	}
	return counts, nil
}

func checkIntegrity(ctx context.Context, d *sql.DB) error {
	rows, err := d.QueryContext(ctx, `PRAGMA integrity_check`)
	msgs, err := collect(rows, err, scanString)
	if err != nil {
		return err
	}
	if len(msgs) != 1 || msgs[0] != "ok" {
		return booth.Errorf(booth.ECONFLICT, "The snapshot failed SQLite's integrity check (%s); nothing was exported.", strings.Join(msgs, "; "))
	}
	return nil
}

// maxSeq is the highest write sequence of device in d.
func maxSeq(ctx context.Context, d *sql.DB, device string) (int64, error) {
	var parts []string
	for _, t := range seqTables {
		parts = append(parts, fmt.Sprintf("SELECT max(seq) AS m FROM %s WHERE device_id = ?1", t))
	}
	var max sql.NullInt64
	err := d.QueryRowContext(ctx, "SELECT max(m) FROM ("+strings.Join(parts, " UNION ALL ")+")", device).Scan(&max)
	return max.Int64, err
}

// sealTo writes the bundle of the snapshot at snap to out, atomically.
func sealTo(out string, m *booth.Manifest, is *booth.Issuer, hq, snap string) (*ExportResult, error) {
	f, err := os.Open(snap)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dir := filepath.Dir(out)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(out)+".*")
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot write to %s: %v.", dir, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(tmp, h)}
	if err := booth.SealBundle(cw, m, is, hq, f); err != nil {
		if booth.ErrorCode(err) == booth.EINTERNAL {
			return nil, booth.Errorf(booth.EINVALID, "Cannot write %s: %v.", out, err)
		}
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot write %s: %v.", out, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot write %s: %v.", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot write %s: %v.", out, err)
	}
	syncDir(dir)
	return &ExportResult{File: out, SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: cw.n, Manifest: *m}, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// syncAndHash flushes a file to disk and returns its SHA-256 and size.
func syncAndHash(path string) (string, int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return "", 0, err
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// syncDir makes a rename in dir durable where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// createTemp creates an empty file only this user reads, and returns its
// name; VACUUM INTO fills an empty file.
func createTemp(dir, pattern string) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", booth.Errorf(booth.EINVALID, "Cannot write to %s: %v.", dir, err)
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

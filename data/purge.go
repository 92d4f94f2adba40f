package data

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"medibooth/booth"
)

// The local setting of how many days personal data stays on this laptop
// after HQ confirmed it has it.
const retentionKey = "retention_days"

// DefaultRetentionDays keeps a week's margin after HQ's confirmation.
const DefaultRetentionDays = 7

// RetentionDays is this laptop's retention setting.
func (db *DB) RetentionDays(ctx context.Context) (int, error) {
	var v string
	err := db.r.QueryRowContext(ctx, `SELECT value FROM local WHERE key = ?`, retentionKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultRetentionDays, nil
	} else if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return DefaultRetentionDays, nil
	}
	return n, nil
}

// SetRetentionDays sets how many days personal data stays after HQ's
// confirmation: 0 to MaxRetentionDays.
func (db *DB) SetRetentionDays(ctx context.Context, days int) error {
	if days < 0 || days > booth.MaxRetentionDays {
		return booth.Errorf(booth.EINVALID, "Keep personal data 0 to %d days after HQ has it.", booth.MaxRetentionDays)
	}
	_, err := db.exec(ctx, `INSERT INTO local (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		retentionKey, strconv.Itoa(days))
	return err
}

// purgeCovered is true for a visitor v (not purged, not erased) whose row
// and everything this laptop wrote about them went into a bundle HQ
// confirmed, the one whose highest sequence is ?2 (this device ?1).
const purgeCovered = `(v.device_id <> ?1 OR v.seq <= ?2)
	AND NOT EXISTS (SELECT 1 FROM scan x WHERE x.visitor_id = v.id AND x.device_id = ?1 AND x.seq > ?2)
	AND NOT EXISTS (SELECT 1 FROM consent x WHERE x.visitor_id = v.id AND x.device_id = ?1 AND x.seq > ?2)
	AND NOT EXISTS (SELECT 1 FROM consultation x WHERE x.visitor_id = v.id AND x.device_id = ?1 AND x.seq > ?2)
	AND NOT EXISTS (SELECT 1 FROM queue_entry x WHERE x.visitor_id = v.id AND x.device_id = ?1 AND x.seq > ?2)
	AND NOT EXISTS (SELECT 1 FROM visitor_interest x WHERE x.visitor_id = v.id AND x.device_id = ?1 AND x.seq > ?2)
	AND NOT EXISTS (SELECT 1 FROM badge_print x WHERE x.visitor_id = v.id AND x.device_id = ?1 AND x.seq > ?2)`

// purgeable is the visitors with personal data left.
const purgeable = `v.purged_at IS NULL AND v.erased_at IS NULL`

// ackedSeq is the highest sequence of a bundle HQ confirmed by cutoff
// ("" any time), and when it confirmed it; ok is false for none.
func (db *DB) ackedSeq(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, cutoff string) (seq int64, at time.Time, ok bool, err error) {
	var acked string
	err = q.QueryRowContext(ctx, `SELECT max_seq, acked_at FROM bundle_export WHERE acked_at <> '' AND (?1 = '' OR acked_at <= ?1)
		ORDER BY max_seq DESC, acked_at LIMIT 1`, cutoff).Scan(&seq, &acked)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, false, nil
	} else if err != nil {
		return 0, time.Time{}, false, err
	}
	at, _ = booth.ParseTime(acked)
	return seq, at, true, nil
}

// PurgeStatus says what PurgePersonalData would purge now, and what later.
func (db *DB) PurgeStatus(ctx context.Context) (*booth.PurgeStatus, error) {
	days, err := db.RetentionDays(ctx)
	if err != nil {
		return nil, err
	}
	st := &booth.PurgeStatus{RetentionDays: days}
	me := db.Device().ID
	count := func(q string, args ...any) (n int) {
		if err == nil {
			err = db.r.QueryRowContext(ctx, q, args...).Scan(&n)
		}
		return n
	}
	st.Purged = count(`SELECT count(*) FROM visitor WHERE purged_at IS NOT NULL`)
	all := count(`SELECT count(*) FROM visitor v WHERE ` + purgeable)
	if err != nil {
		return nil, err
	}
	cutoff := booth.FormatTime(db.Now().Add(-time.Duration(days) * 24 * time.Hour))
	readySeq, _, readyOK, err := db.ackedSeq(ctx, db.r, cutoff)
	if err != nil {
		return nil, err
	}
	anySeq, anyAt, anyOK, err := db.ackedSeq(ctx, db.r, "")
	if err != nil {
		return nil, err
	}
	if readyOK {
		st.Ready = count(`SELECT count(*) FROM visitor v WHERE `+purgeable+` AND `+purgeCovered, me, readySeq)
	}
	// What HQ has: everything in a bundle it confirmed, and before any
	// confirmation the visitors that came from HQ in the event package
	// and were not touched here.
	covered := count(`SELECT count(*) FROM visitor v WHERE `+purgeable+` AND `+purgeCovered, me, anySeq)
	if anyOK {
		if st.Waiting = covered - st.Ready; st.Waiting > 0 {
			t := anyAt.Add(time.Duration(days) * 24 * time.Hour)
			st.ReadyFrom = &t
		}
	}
	st.NotAtHQ = all - covered
	return st, err
}

// PurgePersonalData empties the personal data of every visitor HQ has had
// for the retention days (PurgeStatus.Ready): names, contacts, birth year,
// visitor number, search terms, interests, the text of their badge scans,
// saved badges' file names and consultation notes. What the booth's counts
// need stays: the visitor's type, language, country, city and source, their
// scans, consents and consultations. Bundles made afterwards leave purged
// visitors out, so HQ keeps its copy. It returns how many were purged.
func (db *DB) PurgePersonalData(ctx context.Context) (int, error) {
	days, err := db.RetentionDays(ctx)
	if err != nil {
		return 0, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	cutoff := booth.FormatTime(db.Now().Add(-time.Duration(days) * 24 * time.Hour))
	seq, _, ok, err := db.ackedSeq(ctx, tx, cutoff)
	if err != nil || !ok {
		return 0, err
	}
	me := db.Device().ID
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS purge_ids (id TEXT PRIMARY KEY)`); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM temp.purge_ids`); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO temp.purge_ids SELECT v.id FROM visitor v WHERE `+purgeable+` AND `+purgeCovered, me, seq)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return 0, nil
	}
	if err := purgeListed(ctx, tx, booth.FormatTime(db.Now())); err != nil {
		return 0, err
	}
	if err := db.audit(ctx, tx, AuditPurge, "", strconv.FormatInt(n, 10)+" visitors"); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	// The old pages leave the write-ahead log too (secure_delete zeroes
	// them in the database file).
	db.scrubLog(ctx)
	return int(n), nil
}

// purgeListed purges the visitors listed in temp.purge_ids (at now, or
// when they were purged before) and empties the list. The row keeps its
// version: a purge is no edit, and the merge never sees it (bundles and
// deltas leave purged visitors out).
func purgeListed(ctx context.Context, tx *wtx, now string) error {
	for _, q := range []string{
		`UPDATE visitor SET code = NULL, name = '', name_latin = '', phone = '', email = '', messenger = '', birth_year = NULL,
			badge_key = NULL, purged_at = coalesce(purged_at, ?) WHERE id IN (SELECT id FROM temp.purge_ids)`,
		`DELETE FROM visitor_term WHERE visitor_id IN (SELECT id FROM temp.purge_ids)`,
		`DELETE FROM visitor_interest WHERE visitor_id IN (SELECT id FROM temp.purge_ids)`,
		`UPDATE scan SET raw = X'', code = '' WHERE visitor_id IN (SELECT id FROM temp.purge_ids)`,
		`UPDATE badge_print SET target = '' WHERE visitor_id IN (SELECT id FROM temp.purge_ids)`,
		`UPDATE consultation SET sealed = NULL, follow_up_by = '' WHERE visitor_id IN (SELECT id FROM temp.purge_ids)`,
		`DELETE FROM temp.purge_ids`,
	} {
		var args []any
		if strings.Contains(q, "?") {
			args = append(args, now)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// ConfirmBundle records HQ's confirmation of a bundle from its receipt
// code (ReceiptCode; dashes, spaces and case do not matter).
func (db *DB) ConfirmBundle(ctx context.Context, code string) error {
	var b strings.Builder
	for _, r := range strings.ToLower(code) {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'f' {
			b.WriteRune(r)
		} else if r != '-' && r != ' ' {
			return booth.Errorf(booth.EINVALID, "A receipt code has twelve digits and letters a–f, like 3f2a-91c0-7be4.")
		}
	}
	if b.Len() != 12 {
		return booth.Errorf(booth.EINVALID, "A receipt code has twelve digits and letters a–f, like 3f2a-91c0-7be4.")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT hash FROM bundle_export WHERE substr(hash, 1, 12) = ?`, b.String())
	hashes, err := collect(rows, err, scanString)
	if err != nil {
		return err
	}
	if len(hashes) != 1 {
		return booth.Errorf(booth.ENOTFOUND, "No bundle of this laptop has the receipt code %s; check the code HQ gave.", booth.ReceiptCode(b.String()))
	}
	return db.AckBundle(ctx, hashes[0])
}

package data

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The booth network: laptops of one event on one local network exchange
// their changes with the same snapshots and merge as HQ, only smaller. Each
// laptop tells the other its version vector (PeerState: for each laptop
// that wrote anything, the highest write sequence of it held here), and the
// other answers with a delta (ExportDelta): a snapshot made and stripped
// exactly as a bundle's, from which every row the asker already covers is
// removed. MergeDelta merges it with MergeSnapshot's rules.
//
// Why leaving rows out is safe: a database's rows are always the merge of
// every write of each laptop up to some sequence (every delta carries all
// rows above the asker's vector, and merges are whole transactions). A row
// at or below the asker's sequence for its writer is therefore held there
// already, or beaten there by a newer version. What the merge needs beyond
// the rows that changed travels whole:
//
//   - the small tables (laptops, the event, its keys, organisations,
//     departments, complaint lists, staff, hospital keys, agency details,
//     revocations) always: a few dozen rows, which the merge skips when
//     unchanged. Organisations, departments and complaint lists need it: a
//     row naming an agency by an id the asker replaced by a smaller one of
//     the same name is re-pointed only when the snapshot holds that id's row
//     (mergeGroupRule); and laptop keys and names carry no sequence.
//   - a visitor's interests with the visitor's row: the winning version
//     brings its interests, whatever their own sequence.
//   - no search terms: the merge rebuilds them from the visitor rows, so a
//     delta holds no name it need not.
//
// Rows labelled with the laptop where the event was set up (HQ) always
// travel whole: joining copies HQ's organisations, staff, pre-registered
// visitors and their consents under HQ's device id but with the joining
// laptop's own sequence numbers (Join), so two laptops may hold different
// rows under one such number, and no vector entry for HQ says what a laptop
// holds of HQ's. The price is that HQ's pre-registered visitors go with
// every delta (the merge then finds nothing to change); the remedy, a
// package carrying HQ's sequence numbers, changes the package's format.
//
// Erased visitors need nothing more: the erasure is a newer version of the
// visitor's row, which beats every other version on every laptop, and the
// merge blanks what the asker holds of them. Badge stubs lose to the
// registration whichever comes first. Purged visitors leave a delta as they
// leave a bundle (a laptop never hands on the personal data HQ confirmed it
// holds), and what a delta brings back of them from a laptop that did not
// purge them is purged again (keepPurged); so laptops differ there, by
// design, and it happens after the fair.

// deltaTables are the tables whose rows a delta leaves out when the asker
// covers them: the ones that grow with the visitors.
var deltaTables = []string{"visitor", "consent", "scan", "badge_print", "queue_entry", "consultation", "meeting"}

// PeerState returns this database's version vector: for each laptop (by
// device id), the highest write sequence of it that the merged tables hold.
func (db *DB) PeerState(ctx context.Context) (map[string]int64, error) {
	var parts []string
	for _, t := range seqTables {
		parts = append(parts, fmt.Sprintf("SELECT device_id, max(seq) AS m FROM %s GROUP BY device_id", t))
	}
	rows, err := db.r.QueryContext(ctx, "SELECT device_id, max(m) FROM ("+strings.Join(parts, " UNION ALL ")+") GROUP BY device_id")
	if err != nil {
		return nil, db.storageErr(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var dev string
		var seq int64
		if err := rows.Scan(&dev, &seq); err != nil {
			return nil, err
		}
		out[dev] = seq
	}
	return out, rows.Err()
}

// DeltaResult describes a delta written.
type DeltaResult struct {
	Rows  int   `json:"rows"`  // rows of the merged tables it holds
	Bytes int64 `json:"bytes"` // the file's size
}

// PeerTempFile returns an empty file beside the database for a delta (in
// clear, like a bundle's snapshot: it never leaves the laptop's disk except
// through the booth network's encrypted link); the next start of medibooth
// removes it when a killed process left it. The caller removes it.
func (db *DB) PeerTempFile() (string, error) {
	return createTemp(filepath.Dir(db.Path), tempPattern(snapshotPattern))
}

// RemovePeerFile removes a delta file and whatever SQLite left beside it.
func RemovePeerFile(path string) { removeDBFiles(path) }

// ExportDelta writes to out (an empty file) a snapshot of this database,
// made and stripped as a bundle's is, holding only what a laptop whose
// version vector is since does not cover (see above).
func (db *DB) ExportDelta(ctx context.Context, since map[string]int64, out string) (DeltaResult, error) {
	ev, err := db.Event(ctx)
	if err != nil {
		return DeltaResult{}, err
	}
	if _, err := db.snapshot(ctx, out, true); err != nil {
		return DeltaResult{}, db.storageErr(err)
	}
	s, err := sql.Open("sqlite", fileDSN(out, "_pragma=busy_timeout(5000)", "_pragma=journal_mode(DELETE)",
		"_pragma=synchronous(OFF)", "_pragma=secure_delete(1)"))
	if err != nil {
		return DeltaResult{}, err
	}
	defer s.Close()
	s.SetMaxOpenConns(1)
	if err := trimDelta(ctx, s, since, ev.DeviceID); err != nil {
		return DeltaResult{}, fmt.Errorf("delta: %w", err)
	}
	var res DeltaResult
	counts, err := countRows(ctx, s)
	if err != nil {
		return res, err
	}
	for _, t := range mergeTables {
		res.Rows += counts[t.name]
	}
	if err := s.Close(); err != nil {
		return res, err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return res, err
	}
	res.Bytes = fi.Size()
	return res, nil
}

// trimDelta removes from the snapshot s what since covers, except the rows
// labelled with hq, the event's first laptop; then it vacuums s.
func trimDelta(ctx context.Context, s *sql.DB, since map[string]int64, hq string) error {
	conn, err := s.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE since (device_id TEXT PRIMARY KEY, seq INTEGER NOT NULL)`); err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for dev, seq := range since {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO temp.since (device_id, seq) VALUES (?, ?)`, dev, seq); err != nil {
			return err
		}
	}
	for _, t := range deltaTables {
		q := fmt.Sprintf(`DELETE FROM main.%q AS x WHERE x.device_id <> ? AND x.seq <= coalesce((SELECT seq FROM temp.since AS c WHERE c.device_id = x.device_id), 0)`, t)
		if _, err := tx.ExecContext(ctx, q, hq); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`DELETE FROM main.visitor_interest WHERE visitor_id NOT IN (SELECT id FROM main.visitor)`,
		`DELETE FROM main.visitor_term`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `DROP TABLE temp.since`); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `VACUUM`)
	return err
}

// MergeDelta merges a delta another laptop of the event wrote
// (ExportDelta) with MergeSnapshot's rules, and then, as EraseVisitor
// does, empties the write-ahead log when the delta changed anything (it
// may have erased a visitor here).
func (db *DB) MergeDelta(ctx context.Context, path string) (MergeResult, error) {
	res, err := db.MergeSnapshot(ctx, path)
	if err != nil {
		return res, err
	}
	if res.Changed > 0 {
		db.merged.Add(1)
		if err := db.keepPurged(ctx); err != nil {
			return res, db.storageErr(err)
		}
		db.scrubLog(ctx)
	}
	return res, nil
}

// unpurged lists the visitors purged here of whom something personal is
// back: a newer version of the row from a laptop that did not purge them,
// or a scan of their badge made elsewhere after the purge.
const unpurged = `SELECT v.id FROM visitor v WHERE v.purged_at IS NOT NULL AND (v.name <> '' OR v.name_latin <> '' OR v.phone <> ''
	OR v.email <> '' OR v.messenger <> '' OR v.code IS NOT NULL OR v.birth_year IS NOT NULL OR v.badge_key IS NOT NULL
	OR EXISTS (SELECT 1 FROM visitor_term x WHERE x.visitor_id = v.id)
	OR EXISTS (SELECT 1 FROM visitor_interest x WHERE x.visitor_id = v.id)
	OR EXISTS (SELECT 1 FROM scan x WHERE x.visitor_id = v.id AND (x.raw <> X'' OR x.code <> ''))
	OR EXISTS (SELECT 1 FROM badge_print x WHERE x.visitor_id = v.id AND x.target <> '')
	OR EXISTS (SELECT 1 FROM consultation x WHERE x.visitor_id = v.id AND (x.sealed IS NOT NULL OR x.follow_up_by <> '')))`

// keepPurged purges again what a delta brought back of visitors purged
// here: HQ holds them, and this laptop keeps nothing personal of them.
func (db *DB) keepPurged(ctx context.Context) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS purge_ids (id TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO temp.purge_ids `+unpurged)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if err := purgeListed(ctx, tx, ""); err != nil {
		return err
	}
	return tx.Commit()
}

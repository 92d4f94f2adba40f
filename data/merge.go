package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"

	"medibooth/booth"
)

// Merging at HQ. Every laptop's snapshot (a VACUUM INTO copy, already
// decrypted and checked against its signature) is merged into HQ's database
// so that the result depends only on the set of snapshots merged: importing
// one twice changes nothing (idempotent), and any order or grouping of
// imports gives the same rows (commutative, associative). Each table's rule
// is a "join" that keeps the greater of two versions by a total order:
//
//   - editable records (mergeLWW): the last writer wins by (updated_at,
//     device_id, seq) compared as a tuple; times are fixed-width UTC text, so
//     text order is time order.
//   - records written once (mergeFirst): the same id can arrive in several
//     copies (a package copies HQ's consents to every laptop with the
//     laptop's own seq), so the oldest copy by (created_at, device_id, seq)
//     stays.
//   - records the same everywhere (mergeSame): the first copy stays.
//   - visitors: an erased version beats any version that is not, a badge
//     stub (source 'badge') loses to any registration, and then the last
//     writer wins. An erased visitor's personal data is blanked everywhere
//     as EraseVisitor does, so an older snapshot imported later brings
//     nothing back.
//   - organisations, departments and complaint lists (mergeGroupRule) carry a
//     unique name besides their id: two laptops may each add the agency "Silk
//     Road" with ids of their own. Of the ids of one name the smallest is
//     kept, the newest version of any of them gives its fields, and every
//     row naming a larger id is re-pointed to the smallest in the same
//     transaction (rows of later snapshots as they are read). The smallest id
//     of a set does not depend on the order the set was seen in, so this
//     stays commutative, and nothing is lost but the duplicate id.
//
// Tables marked local (local, lockouts, HQ's identity, bundle bookkeeping)
// and the audit log (each laptop's own hash chain) are never read, and the
// private keys in event_key and device_key are never copied.

// MergeResult says what merging one snapshot did.
type MergeResult struct {
	Rows    int `json:"rows"`    // rows read from the snapshot's merged tables
	Changed int `json:"changed"` // rows of this database inserted, replaced or re-pointed
	// Tables counts the changed rows per table; tables without a change are
	// left out.
	Tables map[string]int `json:"tables"`
}

type mergeRuleKind int

const (
	mergeLWW       mergeRuleKind = iota // editable: the newest (updated_at, device_id, seq) wins
	mergeFirst                          // written once: the oldest copy (by version) wins
	mergeSame                           // identical wherever it is: the first copy stays
	mergeGroupRule                      // an id and a unique name: mergeGroup
	mergeOwn                            // device, visitor, visitor_interest, visitor_term: their own code
)

// mergeCol is one column of a merged table, in the fixed order merges and
// StateHash use.
type mergeCol struct {
	name string
	// gone is the SQL value of the column once the row's visitor is erased
	// ("" when erasure leaves it).
	gone string
	// secret columns are never copied from a snapshot nor hashed.
	secret bool
	// expr, when set, reads the column from the snapshot row x.
	expr string
}

// mergeTable is a merged table: its rule, primary key (also the order
// StateHash reads it in) and columns, named explicitly so that columns a
// snapshot has and this version does not are ignored, and columns an older
// snapshot lacks get their default.
type mergeTable struct {
	name string
	key  string
	rule mergeRuleKind
	cols []mergeCol
	// event names the column holding the event id: rows of other events
	// are skipped.
	event string
	// version is the order of mergeFirst (smallest wins).
	version string
	// erased is the SQL condition, on snapshot row x, that the row's
	// visitor is erased; the gone values apply then.
	erased string
	// group is the unique name of a mergeGroupRule table, besides its id.
	group []string
	// small tables (a few dozen rows) are skipped when the snapshot brings
	// nothing new (count).
	small bool
}

// mergeErasedVisitor is true for a snapshot row x whose visitor is erased here;
// visitors are merged before the rows naming them.
const mergeErasedVisitor = `EXISTS (SELECT 1 FROM main.visitor AS ev WHERE ev.id = x.visitor_id AND ev.erased_at IS NOT NULL)`

// mergeCodeExpr reads a visitor's badge number. Numbers are random (10^11), so
// two laptops' visitors can share one: the one with the smaller id keeps it,
// the other's gets "#id" appended (normalizeCodes), which keeps UNIQUE and
// loses nothing.
const mergeCodeExpr = `CASE WHEN x.code IS NULL THEN NULL
	WHEN EXISTS (SELECT 1 FROM main.visitor AS cv WHERE cv.code = x.code AND cv.id <> x.id) THEN ` + mergeCodeBase + ` || '#' || x.id
	ELSE x.code END`

// mergeCodeBase is a stored badge number without the "#id" suffix.
const mergeCodeBase = `CASE WHEN instr(x.code, '#') > 0 THEN substr(x.code, 1, instr(x.code, '#') - 1) ELSE x.code END`

func mergeCols(names ...string) []mergeCol {
	out := make([]mergeCol, len(names))
	for i, n := range names {
		out[i] = mergeCol{name: n}
	}
	return out
}

func mergeGone(name, value string) mergeCol { return mergeCol{name: name, gone: value} }

func mergeJoin(parts ...[]mergeCol) []mergeCol {
	var out []mergeCol
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var mergeVersionCols = mergeCols("updated_at", "device_id", "seq")

// mergeTables are merged in this order: a table after those it names.
var mergeTables = []mergeTable{
	{name: "device", small: true, key: "id", rule: mergeOwn, cols: mergeCols("id", "name", "created_at")},
	{name: "event", small: true, key: "id", rule: mergeLWW, event: "id",
		cols: mergeJoin(mergeCols("id", "name", "city", "country", "start_date", "end_date", "tz", "created_at"), mergeVersionCols)},
	{name: "event_key", small: true, key: "event_id", rule: mergeSame, event: "event_id",
		cols: mergeJoin(mergeCols("event_id", "root_public"), []mergeCol{{name: "root_private", secret: true}}, mergeCols("seal"))},
	{name: "hq_recipient", small: true, key: "event_id", rule: mergeLWW, event: "event_id", cols: mergeJoin(mergeCols("event_id", "recipient"), mergeVersionCols)},
	{name: "org", small: true, key: "id", rule: mergeGroupRule, group: []string{"kind", "name_fold"},
		cols: mergeJoin(mergeCols("id", "kind", "name", "name_fold", "created_at"), mergeVersionCols)},
	{name: "department", small: true, key: "id", rule: mergeGroupRule, group: []string{"org_id", "name_fold"},
		cols: mergeJoin(mergeCols("id", "org_id", "name", "name_fold", "created_at"), mergeVersionCols)},
	{name: "staff", small: true, key: "id", rule: mergeLWW,
		cols: mergeJoin(mergeCols("id", "org_id", "name", "role", "pin_hash", "disabled", "created_at"), mergeVersionCols)},
	{name: "device_key", small: true, key: "key_id", rule: mergeSame,
		cols: mergeJoin(mergeCols("key_id", "device_id", "public", "cert"), []mergeCol{{name: "private", secret: true}}, mergeCols("created_at"))},
	// The earliest revocation of a key stands.
	{name: "revoked_key", small: true, key: "key_id", rule: mergeFirst, version: "revoked_at, device_id, seq",
		cols: mergeCols("key_id", "reason", "revoked_at", "created_at", "device_id", "seq")},
	{name: "visitor", key: "id", rule: mergeOwn, erased: "x.erased_at IS NOT NULL", cols: []mergeCol{
		{name: "id"}, {name: "code", gone: "NULL", expr: mergeCodeExpr}, mergeGone("name", "''"), mergeGone("name_latin", "''"),
		mergeGone("phone", "''"), mergeGone("email", "''"), mergeGone("messenger", "''"), {name: "type"}, {name: "lang"},
		mergeGone("country", "''"), mergeGone("city", "''"), mergeGone("birth_year", "NULL"), {name: "source"}, {name: "created_at"},
		{name: "updated_at"}, {name: "device_id"}, {name: "seq"}, {name: "erased_at"}, mergeGone("badge_key", "NULL")}},
	{name: "visitor_interest", key: "visitor_id, specialty", rule: mergeOwn,
		cols: mergeCols("visitor_id", "specialty", "created_at", "device_id", "seq")},
	// Derived from visitor rows (booth.SearchTerms): rebuilt, never read
	// from a snapshot, but hashed.
	{name: "visitor_term", key: "visitor_id, term", rule: mergeOwn, cols: mergeCols("term", "visitor_id")},
	{name: "consent", key: "id", rule: mergeFirst, version: "created_at, device_id, seq",
		cols: mergeCols("id", "visitor_id", "purpose", "org_id", "granted", "text_version", "text_hash", "lang", "at", "staff_id",
			"created_at", "device_id", "seq")},
	{name: "scan", key: "id", rule: mergeFirst, version: "created_at, device_id, seq", erased: mergeErasedVisitor,
		cols: mergeJoin(mergeCols("id", "at", "day"), []mergeCol{mergeGone("raw", "X''"), mergeGone("code", "''")},
			mergeCols("visitor_id", "decision", "reason", "late", "created_at", "device_id", "seq"))},
	{name: "badge_print", key: "id", rule: mergeFirst, version: "created_at, device_id, seq", erased: mergeErasedVisitor,
		cols: mergeJoin(mergeCols("id", "visitor_id", "format"), []mergeCol{mergeGone("target", "''")},
			mergeCols("reprint", "at", "staff_id", "created_at", "device_id", "seq"))},
	{name: "hospital_key", small: true, key: "org_id", rule: mergeLWW, cols: mergeJoin(mergeCols("org_id", "recipient", "wrapped", "created_at"), mergeVersionCols)},
	{name: "complaint", small: true, key: "id", rule: mergeGroupRule, group: []string{"department_id", "name"},
		cols: mergeJoin(mergeCols("id", "department_id", "name", "position", "created_at"), mergeVersionCols)},
	{name: "queue_entry", key: "id", rule: mergeLWW,
		cols: mergeJoin(mergeCols("id", "visitor_id", "org_id", "department", "state", "since", "called_at", "started_at", "ended_at",
			"staff_id", "created_at"), mergeVersionCols)},
	{name: "consultation", key: "id", rule: mergeLWW, erased: mergeErasedVisitor,
		cols: mergeJoin(mergeCols("id", "visitor_id", "org_id", "department", "doctor", "at", "day", "late", "recommendation", "follow_up",
			"follow_up_when"), []mergeCol{mergeGone("follow_up_by", "''")}, mergeCols("interpreter"), []mergeCol{mergeGone("sealed", "NULL")},
			mergeCols("staff_id", "created_at"), mergeVersionCols)},
	{name: "agency_info", small: true, key: "org_id", rule: mergeLWW, cols: mergeJoin(mergeCols("org_id", "city", "contact"), mergeVersionCols)},
	{name: "meeting", key: "id", rule: mergeLWW,
		cols: mergeJoin(mergeCols("id", "firm_id", "agency_id", "attendees", "at", "day", "late", "outcome", "mou", "next_action",
			"staff_id", "created_at"), mergeVersionCols)},
}

// mergeHooks let tests break the tie-break on purpose (the property test
// must then fail) and see every statement (to replay it in the sqlite3
// CLI). They travel in the context, so tests running side by side do not
// share them.
type mergeHooks struct {
	brokenTieBreak bool                           // on equal times, the snapshot merged last wins
	trace          func(query string, args []any) // sees every statement run
}

type mergeHooksKey struct{}

// mergeCacheSize is the writer's page cache while it merges (negative:
// KiB), 64 MiB.
const mergeCacheSize = -65536

// MergeSnapshot merges the snapshot SQLite file at path (a VACUUM INTO copy
// of a laptop's database, already verified) into db in one write
// transaction. The snapshot is opened read-only (mode=ro, immutable=1,
// trusted_schema off), integrity_check'ed, and must be a medibooth database
// of the same event with a schema no newer than this one; refusals are
// EINVALID or ECONFLICT with one sentence and leave db unchanged.
func (db *DB) MergeSnapshot(ctx context.Context, path string) (MergeResult, error) {
	if err := db.checkSnapshotFile(path); err != nil {
		return MergeResult{}, err
	}
	hooks, _ := ctx.Value(mergeHooksKey{}).(*mergeHooks)
	if hooks == nil {
		hooks = &mergeHooks{}
	}
	if db.w == nil {
		return MergeResult{}, ErrReadOnly
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return MergeResult{}, db.storageErr(err)
	}
	defer conn.Close()
	// Two settings of the connection, put back afterwards: trusted_schema
	// off while the snapshot is attached, so that nothing in its schema may
	// call a function with side effects; and a bigger page cache, as a big
	// bundle writes more pages (search terms all over their index) than the
	// default 2 MiB holds, and spilling them cost a third of the time.
	var trusted, cache int
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT trusted_schema FROM pragma_trusted_schema), (SELECT cache_size FROM pragma_cache_size)`).Scan(&trusted, &cache); err != nil {
		return MergeResult{}, err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA trusted_schema = OFF; PRAGMA cache_size = %d`, mergeCacheSize)); err != nil {
		return MergeResult{}, err
	}
	defer conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA trusted_schema = %d; PRAGMA cache_size = %d`, trusted, cache))
	// ATTACH is refused inside a transaction, so it comes first, on the
	// writer connection held for the whole merge.
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS s`, mergeURI(path)); err != nil {
		return MergeResult{}, booth.Errorf(booth.EINVALID, "The snapshot cannot be opened (%v); nothing was merged.", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.Background(), `DETACH DATABASE s`); err != nil {
			// A connection that still holds the snapshot is not reused.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	ev, err := checkAttachedSnapshot(ctx, conn)
	if err != nil {
		return MergeResult{}, err
	}
	tx, err := conn.BeginTx(ctx, nil) // IMMEDIATE: the writer's DSN sets _txlock
	if err != nil {
		return MergeResult{}, db.storageErr(err)
	}
	defer tx.Rollback()
	if err := db.syncSeq(ctx, tx); err != nil {
		return MergeResult{}, db.storageErr(err)
	}
	m := &merger{ctx: ctx, tx: &wtx{Tx: tx, stmts: map[string]*sql.Stmt{}, db: db}, db: db, hooks: hooks, event: ev,
		res: MergeResult{Tables: map[string]int{}}, mapped: map[string]bool{}}
	if err := m.run(); err != nil {
		return MergeResult{}, mergeError(db.storageErr(err))
	}
	if err := tx.Commit(); err != nil {
		// A failed COMMIT (a deferred foreign key) leaves the transaction
		// open on the connection; end it before the connection is reused.
		conn.ExecContext(context.Background(), `ROLLBACK`)
		return MergeResult{}, mergeError(db.storageErr(err))
	}
	db.mu.Lock()
	db.event = nil // its fields may have changed
	db.mu.Unlock()
	return m.res, nil
}

// mergeError turns a constraint a snapshot's rows break into one sentence.
func mergeError(err error) error {
	if IsStorage(err) || booth.ErrorCode(err) != booth.EINTERNAL {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "FOREIGN KEY") {
		return booth.Errorf(booth.EINVALID, "The snapshot's records do not fit together (a record names one that is missing); nothing was merged.")
	} else if c := mergeConstraint.FindString(msg); c != "" {
		return booth.Errorf(booth.EINVALID, "The snapshot's records break a rule of the database (%s); nothing was merged.", c)
	}
	return err
}

// mergeConstraint finds SQLite's words for a constraint failing.
var mergeConstraint = regexp.MustCompile(`\w+ constraint failed(: [\w.]+(, [\w.]+)*)?`)

// mergeURI opens a snapshot read-only; immutable, because nothing
// writes it while it is merged (SQLite then takes no locks).
func mergeURI(path string) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath()}
	return u.String() + "?mode=ro&immutable=1"
}

// checkSnapshotFile refuses, before SQLite opens it, a file that is not a
// whole medibooth database of a schema this version knows.
func (db *DB) checkSnapshotFile(path string) error {
	hdr, size, err := readSnapshotHeader(path)
	if err != nil {
		return err
	}
	if own, err := os.Stat(db.Path); err == nil {
		if fi, err := os.Stat(path); err == nil && os.SameFile(fi, own) {
			return booth.Errorf(booth.EINVALID, "The snapshot is this database's own file; there is nothing to merge.")
		}
	}
	return checkSnapshotHeader(hdr, size)
}

// checkAttachedSnapshot runs SQLite's integrity check on the attached snapshot and
// refuses one of another event; it returns the event's id.
func checkAttachedSnapshot(ctx context.Context, conn *sql.Conn) (string, error) {
	rows, err := conn.QueryContext(ctx, `PRAGMA s.integrity_check(3)`)
	msgs, err := collect(rows, err, scanString)
	if err != nil || len(msgs) != 1 || msgs[0] != "ok" {
		why := strings.Join(msgs, "; ")
		if err != nil {
			why = err.Error()
		}
		return "", booth.Errorf(booth.EINVALID, "The snapshot is damaged (%s); make a new bundle on the laptop.", why)
	}
	var n int
	var theirs, ours, name sql.NullString
	err = conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM s.event), (SELECT id FROM s.event),
		(SELECT id FROM main.event), (SELECT name FROM main.event)`).Scan(&n, &theirs, &ours, &name)
	switch {
	case err != nil && strings.Contains(err.Error(), "no such table"):
		return "", booth.Errorf(booth.EINVALID, "The snapshot holds no event, so it is not a laptop's medibooth data.")
	case err != nil:
		return "", err
	case n != 1:
		return "", booth.Errorf(booth.EINVALID, "The snapshot holds no event, so it is not a laptop's medibooth data.")
	case !ours.Valid:
		return "", booth.Errorf(booth.ECONFLICT, "This database has no event yet; set the event up here (or join it) before merging laptops' data.")
	case theirs.String != ours.String:
		return "", booth.Errorf(booth.ECONFLICT, "The snapshot belongs to another event, not to %q; nothing was merged.", name.String)
	}
	return ours.String, nil
}

func readSnapshotHeader(path string) ([]byte, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, booth.Errorf(booth.EINVALID, "The snapshot cannot be read (%v).", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, 0, booth.Errorf(booth.EINVALID, "The snapshot is not a file.")
	}
	hdr := make([]byte, 100)
	if _, err := io.ReadFull(f, hdr); err != nil || string(hdr[:16]) != "SQLite format 3\x00" {
		return nil, 0, booth.Errorf(booth.EINVALID, "The snapshot is not a SQLite database, so not a laptop's medibooth data.")
	}
	return hdr, fi.Size(), nil
}

// checkSnapshotHeader reads what the 100-byte header of a SQLite file says
// (https://sqlite.org/fileformat.html#the_database_header).
func checkSnapshotHeader(hdr []byte, size int64) error {
	be := binary.BigEndian
	if be.Uint32(hdr[68:]) != ApplicationID {
		return booth.Errorf(booth.EINVALID, "The snapshot is a SQLite file of another program, not a laptop's medibooth data.")
	}
	v, known := int(be.Uint32(hdr[60:])), len(migrations())
	if v > known {
		return booth.Errorf(booth.EINVALID, "The snapshot was written by a newer medibooth (schema %d; this one knows %d); update medibooth here and import it again.", v, known)
	} else if v < 1 {
		return booth.Errorf(booth.EINVALID, "The snapshot has no medibooth schema, so it is not a laptop's medibooth data.")
	}
	pageSize := int64(be.Uint16(hdr[16:]))
	if pageSize == 1 {
		pageSize = 65536
	}
	// The page count is valid when the "version valid for" number matches
	// the change counter (SQLite 3.7.0 and later).
	if pages := int64(be.Uint32(hdr[28:])); pages > 0 && be.Uint32(hdr[24:]) == be.Uint32(hdr[92:]) && size < pages*pageSize {
		return booth.Errorf(booth.EINVALID, "The snapshot is truncated (%d of %d bytes); copy the bundle again or make a new one on the laptop.", size, pages*pageSize)
	}
	return nil
}

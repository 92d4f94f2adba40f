package data

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

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
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return MergeResult{}, err
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
		return MergeResult{}, err
	}
	defer tx.Rollback()
	m := &merger{ctx: ctx, tx: &wtx{Tx: tx, stmts: map[string]*sql.Stmt{}}, db: db, hooks: hooks, event: ev,
		res: MergeResult{Tables: map[string]int{}}, mapped: map[string]bool{}}
	if err := m.run(); err != nil {
		return MergeResult{}, mergeError(err)
	}
	if err := tx.Commit(); err != nil {
		// A failed COMMIT (a deferred foreign key) leaves the transaction
		// open on the connection; end it before the connection is reused.
		conn.ExecContext(context.Background(), `ROLLBACK`)
		return MergeResult{}, mergeError(err)
	}
	db.mu.Lock()
	db.event = nil // its fields may have changed
	db.mu.Unlock()
	return m.res, nil
}

// mergeError turns a constraint a snapshot's rows break into one sentence.
func mergeError(err error) error {
	if booth.ErrorCode(err) != booth.EINTERNAL {
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

// merger is one merge in progress.
type merger struct {
	ctx   context.Context
	tx    *wtx
	db    *DB
	hooks *mergeHooks
	event string
	res   MergeResult

	snap     map[string]map[string]bool   // the snapshot's tables (not empty) and their columns
	dflt     map[string]map[string]string // our columns' defaults, "" for a required one
	fks      map[string]map[string]string // table → column → the table it names
	mapped   map[string]bool              // tables with ids re-pointed in this merge
	temps    []string                     // temporary tables of this merge
	deferred bool                         // foreign keys are checked at COMMIT
	topSeq   int64                        // our highest sequence number in the snapshot
}

func (m *merger) exec(query string, args ...any) (int, error) {
	if m.hooks.trace != nil {
		m.hooks.trace(query, args)
	}
	r, err := m.tx.ExecContext(m.ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("%w (in %.80s)", err, strings.Join(strings.Fields(query), " "))
	}
	n, err := r.RowsAffected()
	return int(n), err
}

func (m *merger) query(query string, args ...any) ([][]any, error) {
	if m.hooks.trace != nil {
		m.hooks.trace(query, args)
	}
	rows, err := m.tx.QueryContext(m.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cs, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		r := make([]any, len(cs))
		ptrs := make([]any, len(cs))
		for i := range r {
			ptrs[i] = &r[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (m *merger) changed(table string, n int) {
	if n > 0 {
		m.res.Tables[table] += n
		m.res.Changed += n
	}
}

func (m *merger) run() error {
	if err := m.schemas(); err != nil {
		return err
	}
	if err := m.count(); err != nil {
		return err
	}
	for i := range mergeTables {
		t := &mergeTables[i]
		if !m.has(t.name) {
			continue
		}
		if err := m.merge(t); err != nil {
			return err
		}
	}
	m.raiseSeq()
	for _, t := range m.temps {
		if _, err := m.exec(`DROP TABLE temp.` + t); err != nil {
			return err
		}
	}
	return nil
}

// temp creates a temporary table of this merge, once; it is dropped at
// the end (and with a rollback).
func (m *merger) temp(name, columns string) error {
	if slices.Contains(m.temps, name) {
		return nil
	}
	if _, err := m.exec(`CREATE TEMP TABLE ` + name + ` (` + columns + `)`); err != nil {
		return err
	}
	m.temps = append(m.temps, name)
	return nil
}

func (m *merger) merge(t *mergeTable) error {
	var n int
	var err error
	switch t.rule {
	case mergeLWW, mergeFirst, mergeSame:
		n, err = m.upsert(t)
	case mergeGroupRule:
		n, err = m.group(t)
	default:
		switch t.name {
		case "device":
			n, err = m.devices(t)
		case "visitor":
			return m.visitors(t)
		}
	}
	m.changed(t.name, n)
	return err
}

func (m *merger) has(table string) bool { return m.snap[table] != nil }

// mergeMain is what the merge needs to know of our own schema: each
// table's CREATE statement, columns with their defaults ("" for a required
// column), and foreign keys (table → column → the table it names). Every
// open database has the same schema (Open migrates), so it is read once.
type mergeMain struct {
	sql  map[string]string
	dflt map[string]map[string]string
	fks  map[string]map[string]string
}

var mergeSchema struct {
	sync.Mutex
	main *mergeMain
}

func (m *merger) mainSchema() (*mergeMain, error) {
	mergeSchema.Lock()
	defer mergeSchema.Unlock()
	if mergeSchema.main != nil {
		return mergeSchema.main, nil
	}
	s := &mergeMain{sql: map[string]string{}, dflt: map[string]map[string]string{}, fks: map[string]map[string]string{}}
	rows, err := m.query(`SELECT name, sql FROM main.sqlite_schema WHERE type = 'table'`)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		s.sql[mergeText(r[0])] = mergeText(r[1])
	}
	rows, err = m.query(`SELECT m.name, p.name, p.dflt_value, p."notnull" FROM main.sqlite_schema AS m
		JOIN pragma_table_info(m.name, 'main') AS p WHERE m.type = 'table'`)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		t, c := mergeText(r[0]), mergeText(r[1])
		if s.dflt[t] == nil {
			s.dflt[t] = map[string]string{}
		}
		switch {
		case r[2] != nil:
			s.dflt[t][c] = mergeText(r[2])
		case r[3] == int64(0):
			s.dflt[t][c] = "NULL"
		default:
			s.dflt[t][c] = "" // required
		}
	}
	rows, err = m.query(`SELECT m.name, f."from", f."table" FROM main.sqlite_schema AS m
		JOIN pragma_foreign_key_list(m.name, 'main') AS f WHERE m.type = 'table'`)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		t := mergeText(r[0])
		if s.fks[t] == nil {
			s.fks[t] = map[string]string{}
		}
		s.fks[t][mergeText(r[1])] = mergeText(r[2])
	}
	mergeSchema.main = s
	return s, nil
}

// schemas learns which tables and columns the snapshot has (a table
// created by the same statement as ours has our columns), and our defaults
// and foreign keys. A snapshot table lacking a column that has no default
// is refused.
func (m *merger) schemas() error {
	main, err := m.mainSchema()
	if err != nil {
		return err
	}
	m.dflt, m.fks = main.dflt, main.fks
	rows, err := m.query(`SELECT name, sql FROM s.sqlite_schema WHERE type = 'table'`)
	if err != nil {
		return err
	}
	m.snap = map[string]map[string]bool{}
	for _, r := range rows {
		t := mergeText(r[0])
		if _, ok := main.sql[t]; !ok {
			continue // not ours: never read
		}
		m.snap[t] = map[string]bool{}
		if mergeText(r[1]) == main.sql[t] {
			for c := range main.dflt[t] {
				m.snap[t][c] = true
			}
			continue
		}
		cs, err := m.query(`SELECT name FROM pragma_table_info(?, 's')`, t)
		if err != nil {
			return err
		}
		for _, c := range cs {
			m.snap[t][mergeText(c[0])] = true
		}
	}
	return m.checkColumns()
}

func (m *merger) checkColumns() error {
	for _, t := range mergeTables {
		if !m.has(t.name) {
			continue
		}
		for _, c := range t.cols {
			d, ok := m.dflt[t.name][c.name]
			if !ok {
				return fmt.Errorf("merge: table %s has no column %s", t.name, c.name)
			}
			if !m.snap[t.name][c.name] && d == "" && !c.secret {
				return booth.Errorf(booth.EINVALID, "The snapshot's table %s lacks its column %s, so it is not a laptop's medibooth data.", t.name, c.name)
			}
		}
	}
	return nil
}

// count counts the rows of the snapshot's merged tables, in one query
// that also refuses a snapshot of this event holding other badge keys.
// Empty tables are then left out, and so are small tables whose every row
// this database has in the same version (most of them, most of the time:
// each statement costs more to prepare than such a table to read).
func (m *merger) count() error {
	parts := []string{`SELECT '', count(*), 0, NULL FROM s.event_key AS x JOIN main.event_key AS k ON k.event_id = x.event_id
		WHERE x.root_public IS NOT k.root_public OR x.seal IS NOT k.seal`}
	if !m.has("event_key") {
		parts[0] = `SELECT '', 0, 0, NULL`
	}
	for _, t := range mergeTables {
		if !m.has(t.name) || t.name == "visitor_term" {
			continue
		}
		fresh := "-1"
		if t.small {
			var same []string
			for _, k := range strings.Split(t.key, ",") {
				k = strings.TrimSpace(k)
				same = append(same, "t."+k+" = x."+k)
			}
			for _, c := range strings.Split(t.same(), ",") {
				if c = strings.TrimSpace(c); c != "" && m.snap[t.name][c] {
					same = append(same, "t."+c+" IS x."+c)
				}
			}
			fresh = "total(NOT EXISTS (SELECT 1 FROM main." + t.name + " AS t WHERE " + strings.Join(same, " AND ") + "))"
		}
		// The highest sequence number of ours the table holds: see raiseSeq.
		ours := "NULL"
		if slices.Contains(seqTables, t.name) && m.snap[t.name]["device_id"] && m.snap[t.name]["seq"] {
			ours = "max(CASE WHEN x.device_id = ?1 THEN x.seq END)"
		}
		parts = append(parts, "SELECT '"+t.name+"', count(*), "+fresh+", "+ours+" FROM s."+t.name+" AS x")
	}
	rows, err := m.query(strings.Join(parts, " UNION ALL "), m.db.Device().ID)
	if err != nil {
		return err
	}
	if rows[0][1] != int64(0) {
		return booth.Errorf(booth.ECONFLICT, "The snapshot holds other badge keys for this event than this database; nothing was merged.")
	}
	for _, r := range rows[1:] {
		n := int(r[1].(int64))
		if top, ok := r[3].(int64); ok && top > m.topSeq {
			m.topSeq = top
		}
		m.res.Rows += n
		if n == 0 || mergeFloat(r[2]) == 0 {
			delete(m.snap, mergeText(r[0]))
		}
	}
	return nil
}

// same lists the columns that tell one version of a row from another.
func (t *mergeTable) same() string {
	switch {
	case t.name == "device":
		return "name, created_at"
	case t.rule == mergeSame:
		return ""
	case t.version != "":
		return t.version
	}
	return "updated_at, device_id, seq"
}

func mergeFloat(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

// columns returns a table's column names and the SQL reading each from the
// snapshot row x: its default when the snapshot lacks it, NULL for a
// secret, ids re-pointed when this merge re-pointed any of the table they
// name, and the erased value when the row's visitor is erased.
func (m *merger) columns(t *mergeTable) (names, exprs []string) {
	for _, c := range t.cols {
		names = append(names, c.name)
		e := "x." + c.name
		switch {
		case c.secret:
			e = "NULL"
		case !m.snap[t.name][c.name]:
			e = m.dflt[t.name][c.name]
		case c.expr != "":
			e = c.expr
		}
		if p := m.fks[t.name][c.name]; p != "" && m.mapped[p] && !c.secret {
			e = fmt.Sprintf("coalesce((SELECT new FROM temp.merge_map WHERE tbl = '%s' AND old = %s), %s)", p, e, e)
		}
		if c.gone != "" && t.erased != "" {
			e = fmt.Sprintf("CASE WHEN %s THEN %s ELSE %s END", t.erased, c.gone, e)
		}
		exprs = append(exprs, e)
	}
	return names, exprs
}

// newer is the SQL condition that version a beats version b (table
// aliases): lead terms first, then (updated_at, device_id, seq).
func (m *merger) newer(a, b string, lead ...string) string {
	tuple := func(alias string, names ...string) string {
		var out []string
		for _, n := range lead {
			out = append(out, fmt.Sprintf(n, alias))
		}
		for _, n := range names {
			out = append(out, alias+"."+n)
		}
		return "(" + strings.Join(out, ", ") + ")"
	}
	if !m.hooks.brokenTieBreak {
		return tuple(a, "updated_at", "device_id", "seq") + " > " + tuple(b, "updated_at", "device_id", "seq")
	}
	// Broken on purpose: on equal times the version merged last wins.
	later := fmt.Sprintf("(%[1]s.updated_at > %[2]s.updated_at OR (%[1]s.updated_at = %[2]s.updated_at AND (%[1]s.device_id, %[1]s.seq) <> (%[2]s.device_id, %[2]s.seq)))", a, b)
	if len(lead) == 0 {
		return later
	}
	return fmt.Sprintf("(%s > %s OR (%s = %s AND %s))", tuple(a), tuple(b), tuple(a), tuple(b), later)
}

// upsert merges a table by its rule in one statement.
func (m *merger) upsert(t *mergeTable) (int, error) {
	names, exprs := m.columns(t)
	where, args := " WHERE true", []any(nil) // WHERE: see "parsing ambiguity" in SQLite's upsert
	if t.event != "" {
		where, args = " WHERE x."+t.event+" = ?", []any{m.event}
	}
	q := "INSERT INTO main." + t.name + " AS t (" + strings.Join(names, ", ") + ") SELECT " + strings.Join(exprs, ", ") +
		" FROM s." + t.name + " AS x" + where + " ON CONFLICT "
	var sets []string
	for _, c := range t.cols {
		if !c.secret && !strings.Contains(", "+t.key+",", ", "+c.name+",") {
			sets = append(sets, c.name+" = excluded."+c.name)
		}
	}
	set := "(" + t.key + ") DO UPDATE SET " + strings.Join(sets, ", ")
	switch t.rule {
	case mergeSame:
		q += "DO NOTHING"
	case mergeFirst:
		q += set + " WHERE (" + mergePrefixed("excluded", t.version) + ") < (" + mergePrefixed("t", t.version) + ")"
	default:
		q += set + " WHERE " + m.newer("excluded", "t")
	}
	return m.exec(q, args...)
}

func mergePrefixed(alias, list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// devices inserts the laptops the snapshot knows. A laptop may be renamed,
// and the name carries no version, so of two names the greater in text
// order stays: arbitrary, but the same in any order. This database's own
// name is its own to give.
func (m *merger) devices(t *mergeTable) (int, error) {
	_, exprs := m.columns(t)
	return m.exec(`INSERT INTO main.device AS t (id, name, created_at) SELECT `+strings.Join(exprs, ", ")+` FROM s.device AS x WHERE true
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at
		WHERE t.id <> ? AND (excluded.name, excluded.created_at) > (t.name, t.created_at)`, m.db.Device().ID)
}

// visitors merges the visitor table, then what follows a visitor's row:
// interests, search terms, badge numbers, and the blanking of the erased.
func (m *merger) visitors(t *mergeTable) error {
	// Which snapshot versions win: erased beats not erased, a registration
	// beats a badge stub, then the last writer.
	// codes marks a version whose badge number may need normalizeCodes:
	// one shared with another visitor, one with "#id" already, or one
	// replacing a number (an erasure).
	if err := m.temp("merge_won", "id TEXT PRIMARY KEY, erased INTEGER NOT NULL, newly_erased INTEGER NOT NULL, old_code TEXT, codes INTEGER NOT NULL"); err != nil {
		return err
	}
	won, err := m.exec(`INSERT INTO temp.merge_won (id, erased, newly_erased, old_code, codes)
		SELECT x.id, x.erased_at IS NOT NULL, x.erased_at IS NOT NULL AND (v.id IS NULL OR v.erased_at IS NULL), v.code,
			coalesce(instr(x.code, '#') > 0 OR (v.code IS NOT NULL AND v.code IS NOT x.code)
			OR EXISTS (SELECT 1 FROM main.visitor AS c WHERE c.code = x.code AND c.id <> x.id), 0)
		FROM s.visitor AS x LEFT JOIN main.visitor AS v ON v.id = x.id
		WHERE v.id IS NULL OR ` + m.newer("x", "v", "%s.erased_at IS NOT NULL", "%s.source <> 'badge'"))
	if err != nil || won == 0 {
		return err
	}
	stats, err := m.query(`SELECT total(NOT erased), total(codes), total(newly_erased) FROM temp.merge_won`)
	if err != nil {
		return err
	}
	names, exprs := m.columns(t)
	var sets []string
	for _, n := range names[1:] {
		sets = append(sets, n+" = excluded."+n)
	}
	n, err := m.exec(`INSERT INTO main.visitor AS t (` + strings.Join(names, ", ") + `) SELECT ` + strings.Join(exprs, ", ") +
		` FROM s.visitor AS x WHERE x.id IN (SELECT id FROM temp.merge_won) ON CONFLICT (id) DO UPDATE SET ` + strings.Join(sets, ", "))
	if err != nil {
		return err
	}
	m.changed("visitor", n)
	if err := m.interests(); err != nil {
		return err
	}
	if err := m.terms(mergeFloat(stats[0][0]) > 0); err != nil {
		return err
	}
	if mergeFloat(stats[0][1]) > 0 {
		if err := m.normalizeCodes(); err != nil {
			return err
		}
	}
	if mergeFloat(stats[0][2]) > 0 {
		return m.blankErased()
	}
	return nil
}

// interests replace a visitor's interests with those of the winning
// version's snapshot; an erased visitor has none.
func (m *merger) interests() error {
	n, err := m.exec(`DELETE FROM main.visitor_interest WHERE visitor_id IN (SELECT id FROM temp.merge_won)`)
	if err != nil {
		return err
	}
	m.changed("visitor_interest", n)
	t := mergeTableNamed("visitor_interest")
	if !m.has(t.name) {
		return nil
	}
	names, exprs := m.columns(t)
	n, err = m.exec(`INSERT INTO main.visitor_interest (` + strings.Join(names, ", ") + `) SELECT ` + strings.Join(exprs, ", ") +
		` FROM s.visitor_interest AS x WHERE x.visitor_id IN (SELECT id FROM temp.merge_won WHERE NOT erased)`)
	m.changed("visitor_interest", n)
	return err
}

// mergeTermBatch is how many search terms one INSERT writes.
const mergeTermBatch = 500

// terms rebuilds the search terms of every visitor whose row changed
// (writeTerms' rule): none for the erased.
func (m *merger) terms(some bool) error {
	if _, err := m.exec(`DELETE FROM main.visitor_term WHERE visitor_id IN (SELECT id FROM temp.merge_won)`); err != nil || !some {
		return err
	}
	q := `SELECT ` + visitorColumns + ` FROM main.visitor WHERE id IN (SELECT id FROM temp.merge_won WHERE NOT erased)`
	if m.hooks.trace != nil {
		m.hooks.trace(q, nil)
	}
	rows, err := m.tx.QueryContext(m.ctx, q)
	vs, err := collect(rows, err, func(rows *sql.Rows) (*booth.Visitor, error) { return scanVisitor(rows) })
	if err != nil {
		return err
	}
	// In the index's order: SQLite then visits each page of the index once
	// instead of splitting pages all over it.
	var pairs [][2]string
	for _, v := range vs {
		for _, term := range booth.SearchTerms(v) {
			pairs = append(pairs, [2]string{term, v.ID})
		}
	}
	slices.SortFunc(pairs, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	for len(pairs) > 0 {
		n := min(len(pairs), mergeTermBatch)
		args := make([]any, 0, 2*n)
		for _, p := range pairs[:n] {
			args = append(args, p[0], p[1])
		}
		q := `INSERT OR IGNORE INTO main.visitor_term (term, visitor_id) VALUES ` + strings.Repeat("(?, ?), ", n-1) + `(?, ?)`
		if _, err := m.exec(q, args...); err != nil {
			return err
		}
		pairs = pairs[n:]
	}
	return nil
}

// normalizeCodes gives each shared badge number to the smallest id among
// the visitors (not erased) that have it, and "number#id" to the others.
// Only numbers this merge touched are looked at: a number appended to, or
// one whose holder lost it (erased).
func (m *merger) normalizeCodes() error {
	rows, err := m.query(`SELECT DISTINCT b FROM (
		SELECT substr(v.code, 1, instr(v.code, '#') - 1) AS b FROM temp.merge_won AS w JOIN main.visitor AS v ON v.id = w.id
		WHERE instr(v.code, '#') > 0
		UNION ALL
		SELECT w.old_code FROM temp.merge_won AS w JOIN main.visitor AS v ON v.id = w.id
		WHERE instr(w.old_code, '#') = 0 AND v.code IS NOT w.old_code
		AND EXISTS (SELECT 1 FROM main.visitor AS o WHERE o.code >= w.old_code || '#' AND o.code < w.old_code || '$'))
		ORDER BY b`)
	if err != nil {
		return err
	}
	for _, r := range rows {
		b := mergeText(r[0])
		ids, err := m.query(`SELECT id FROM main.visitor WHERE code = ?1 OR (code >= ?1 || '#' AND code < ?1 || '$') ORDER BY id`, b)
		if err != nil || len(ids) == 0 {
			return err
		}
		if _, err := m.exec(`UPDATE main.visitor SET code = ?1 || '#' || id WHERE code = ?1`, b); err != nil {
			return err
		}
		if _, err := m.exec(`UPDATE main.visitor SET code = ? WHERE id = ?`, b, ids[0][0]); err != nil {
			return err
		}
	}
	return nil
}

// blankErased blanks, as EraseVisitor does, what this database already
// holds of visitors this merge erased; rows merged later are blanked as
// they are read (the gone values).
func (m *merger) blankErased() error {
	for _, t := range mergeTables {
		if t.erased != mergeErasedVisitor {
			continue
		}
		var sets, differ []string
		for _, c := range t.cols {
			if c.gone != "" {
				sets = append(sets, c.name+" = "+c.gone)
				differ = append(differ, c.name+" IS NOT "+c.gone)
			}
		}
		if _, err := m.exec(`UPDATE main.` + t.name + ` SET ` + strings.Join(sets, ", ") +
			` WHERE visitor_id IN (SELECT id FROM temp.merge_won WHERE newly_erased) AND (` + strings.Join(differ, " OR ") + `)`); err != nil {
			return err
		}
	}
	return nil
}

func mergeTableNamed(name string) *mergeTable {
	for i := range mergeTables {
		if mergeTables[i].name == name {
			return &mergeTables[i]
		}
	}
	panic("merge: no table " + name)
}

// group merges a table whose rows have an id and a unique name (org,
// department, complaint): few rows, merged in Go. Of the ids of one name the
// smallest is kept; the newest version of any of them gives the fields.
func (m *merger) group(t *mergeTable) (int, error) {
	names, exprs := m.columns(t)
	ours, err := m.query(`SELECT ` + strings.Join(names, ", ") + ` FROM main.` + t.name)
	if err != nil {
		return 0, err
	}
	theirs, err := m.query(`SELECT ` + strings.Join(exprs, ", ") + ` FROM s.` + t.name + ` AS x ORDER BY 1`)
	if err != nil {
		return 0, err
	}
	g := &groupMerge{m: m, t: t, names: names, byID: map[string][]any{}, byName: map[string][]any{}}
	for i, n := range names {
		for _, k := range t.group {
			if n == k {
				g.key = append(g.key, i)
			}
		}
		switch n {
		case "updated_at", "device_id", "seq":
			g.version = append(g.version, i)
		}
	}
	for _, r := range ours {
		g.byID[mergeText(r[0])] = r
		g.byName[g.name(r)] = r
	}
	changed := 0
	for _, x := range theirs {
		n, err := g.merge(x)
		if err != nil {
			return changed, err
		}
		changed += n
	}
	return changed, nil
}

type groupMerge struct {
	m       *merger
	t       *mergeTable
	names   []string
	key     []int // the unique name's columns
	version []int // updated_at, device_id, seq
	byID    map[string][]any
	byName  map[string][]any
}

func (g *groupMerge) name(r []any) string {
	var b strings.Builder
	for _, i := range g.key {
		b.WriteString(mergeText(r[i]))
		b.WriteByte(0)
	}
	return b.String()
}

// merge merges one snapshot row x.
func (g *groupMerge) merge(x []any) (int, error) {
	id := mergeText(x[0])
	h := g.byID[id]
	if h == nil {
		h = g.byName[g.name(x)]
	}
	switch {
	case h == nil:
		_, err := g.m.exec(`INSERT INTO main.`+g.t.name+` (`+strings.Join(g.names, ", ")+`) VALUES (?`+strings.Repeat(", ?", len(g.names)-1)+`)`, x...)
		g.byID[id], g.byName[g.name(x)] = x, x
		return 1, err
	case mergeText(h[0]) == id:
		return g.update(h, x)
	case mergeText(h[0]) < id:
		// Ours has the smaller id: the snapshot's rows naming id name it.
		if err := g.m.temp("merge_map", "tbl TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL, PRIMARY KEY (tbl, old)"); err != nil {
			return 0, err
		}
		if _, err := g.m.exec(`INSERT INTO temp.merge_map (tbl, old, new) VALUES (?, ?, ?)`, g.t.name, id, h[0]); err != nil {
			return 0, err
		}
		g.m.mapped[g.t.name] = true
		return g.update(h, x)
	}
	// The snapshot's id is smaller: ours takes it, and every row here that
	// names ours is re-pointed. The rows point at an id that is gone
	// for a moment, so foreign keys are checked at COMMIT from now on.
	if !g.m.deferred {
		if _, err := g.m.exec(`PRAGMA defer_foreign_keys = ON`); err != nil {
			return 0, err
		}
		g.m.deferred = true
	}
	old := mergeText(h[0])
	n, err := g.m.exec(`UPDATE main.`+g.t.name+` SET id = ? WHERE id = ?`, id, old)
	if err != nil {
		return 0, err
	}
	for _, ref := range g.m.refs(g.t.name) {
		k, err := g.m.exec(`UPDATE main.`+ref[0]+` SET `+ref[1]+` = ? WHERE `+ref[1]+` = ?`, id, old)
		if err != nil {
			return 0, err
		}
		g.m.changed(ref[0], k)
	}
	delete(g.byID, old)
	h[0] = id
	g.byID[id] = h
	k, err := g.update(h, x)
	return n + k, err
}

// update gives row h (ours) the fields of x when x is the newer version.
func (g *groupMerge) update(h, x []any) (int, error) {
	if !g.newer(x, h) {
		return 0, nil
	}
	delete(g.byName, g.name(h))
	var sets []string
	args := make([]any, 0, len(g.names))
	for i, n := range g.names[1:] {
		sets = append(sets, n+" = ?")
		args = append(args, x[i+1])
		h[i+1] = x[i+1]
	}
	g.byName[g.name(h)] = h
	return g.m.exec(`UPDATE main.`+g.t.name+` SET `+strings.Join(sets, ", ")+` WHERE id = ?`, append(args, h[0])...)
}

// newer is merger.newer for rows read into Go.
func (g *groupMerge) newer(x, h []any) bool {
	c := 0
	for _, i := range g.version {
		if c = mergeCompare(x[i], h[i]); c != 0 {
			break
		}
	}
	if g.m.hooks.brokenTieBreak && mergeCompare(x[g.version[0]], h[g.version[0]]) == 0 {
		return c != 0
	}
	return c > 0
}

// refs lists the columns (table, column) that name a row of table.
func (m *merger) refs(table string) [][2]string {
	var out [][2]string
	for t, cs := range m.fks {
		for c, p := range cs {
			if p == table {
				out = append(out, [2]string{t, c})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0]+"."+out[i][1] < out[j][0]+"."+out[j][1] })
	return out
}

// raiseSeq keeps this device's write sequence above every sequence of its
// own that the snapshot brought (a laptop's copies of HQ's records carry
// HQ's device id), so HQ's next edit still sorts after them.
func (m *merger) raiseSeq() {
	for cur := m.db.seq.Load(); m.topSeq > cur && !m.db.seq.CompareAndSwap(cur, m.topSeq); cur = m.db.seq.Load() {
	}
}

// mergeText renders a value read from SQLite as text (ids, names).
func mergeText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// mergeCompare orders two values as SQLite does: NULL, numbers, text,
// blobs.
func mergeCompare(a, b any) int {
	ra, rb := mergeRank(a), mergeRank(b)
	if ra != rb {
		return ra - rb
	}
	switch a := a.(type) {
	case int64, float64:
		fa, fb := mergeToFloat(a), mergeToFloat(b)
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	case string:
		return strings.Compare(a, b.(string))
	case []byte:
		return bytes.Compare(a, b.([]byte))
	}
	return 0
}

func mergeRank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case int64, float64:
		return 1
	case string:
		return 2
	}
	return 3
}

func mergeToFloat(v any) float64 {
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v.(float64)
}

// StateHash is a SHA-256 over every merged table's rows in a canonical
// order (primary keys sorted, columns in a fixed list), leaving out local
// tables, the audit log and private keys: two HQ databases that merged the
// same snapshots in any order have the same hash.
func (db *DB) StateHash(ctx context.Context) (string, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	h := sha256.New()
	for _, t := range mergeTables {
		var names []string
		for _, c := range t.cols {
			if !c.secret {
				names = append(names, c.name)
			}
		}
		if err := stateHashTable(ctx, tx, h, t.name, names, t.key); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func stateHashTable(ctx context.Context, tx *sql.Tx, h io.Writer, table string, names []string, key string) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM main.`+table+` ORDER BY `+key)
	if err != nil {
		return err
	}
	defer rows.Close()
	stateHashValue(h, table)
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := int64(0)
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for _, v := range vals {
			stateHashValue(h, v)
		}
		n++
	}
	stateHashValue(h, n)
	return rows.Err()
}

// stateHashValue writes v with its type and length, so that no two different
// rows write the same bytes.
func stateHashValue(h io.Writer, v any) {
	var b [9]byte
	switch v := v.(type) {
	case nil:
		h.Write([]byte{'n'})
	case int64:
		b[0] = 'i'
		binary.BigEndian.PutUint64(b[1:], uint64(v))
		h.Write(b[:])
	case float64:
		b[0] = 'f'
		binary.BigEndian.PutUint64(b[1:], math.Float64bits(v))
		h.Write(b[:])
	case string:
		b[0] = 's'
		binary.BigEndian.PutUint64(b[1:], uint64(len(v)))
		h.Write(b[:])
		io.WriteString(h, v)
	case []byte:
		b[0] = 'b'
		binary.BigEndian.PutUint64(b[1:], uint64(len(v)))
		h.Write(b[:])
		h.Write(v)
	default:
		stateHashValue(h, fmt.Sprint(v))
	}
}

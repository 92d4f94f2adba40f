// Package data stores medibooth's records in one SQLite file per laptop
// (modernc.org/sqlite, no cgo). Open sets every connection up the same way:
// WAL, synchronous=FULL, foreign keys, a busy timeout and IMMEDIATE
// transactions, with one writer connection and a pool of readers.
package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"medibooth/booth"

	_ "modernc.org/sqlite" // the SQLite driver
)

// ApplicationID marks a SQLite file as medibooth's ("MBTH"); any other
// SQLite file is refused rather than changed.
const ApplicationID = 0x4D425448

// FileName is the database file inside a data directory.
const FileName = "medibooth.db"

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open medibooth database.
type DB struct {
	Path string
	// Now is the clock; tests set it.
	Now func() time.Time
	// PINCost is the argon2id cost of new PIN hashes; zero means
	// booth.DefaultPINCost. Tests make it cheap.
	PINCost booth.PINCost
	// PassphraseCost is the argon2id cost of new hospital keys; zero means
	// booth.DefaultPassphraseCost. Tests make it cheap.
	PassphraseCost booth.PassphraseCost

	w *sql.DB // the one writer connection; nil when opened read-only
	r *sql.DB // readers

	mu       sync.Mutex
	device   booth.Device
	event    *booth.Event    // cached once known
	keys     booth.EventKeys // badge keys, cached once known
	readOnly bool
	memTries map[string]memTries // failed sign-ins a full disk could not take
	seq      atomic.Int64
	// dataVersion is the writer connection's PRAGMA data_version when seq
	// was last known to be the highest stored; -1 before that.
	dataVersion atomic.Int64
	// merged counts bundles merged in (Changes).
	merged atomic.Int64

	stmtOnce sync.Once
	stmts    checkinStmts
	stmtErr  error
}

// Open opens (or creates) the database at path. A file that is not a
// medibooth database, or that a newer medibooth wrote, is refused with one
// clear sentence and left untouched.
func Open(path string) (*DB, error) {
	mode, err := checkFile(path)
	if err != nil {
		return nil, err
	}
	if mode == "" {
		db, err := openWritable(path)
		if err == nil || !IsStorage(err) {
			return db, err
		}
		// A full disk or read-only media: reading still works.
		if mode, _ = readMode(path); mode == "" {
			return nil, err
		}
	}
	return openReadOnly(path, mode)
}

// openWritable opens the database for reading and writing, creating and
// migrating it as needed.
func openWritable(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		if se := storageErr(err, filepath.Dir(path)); IsStorage(se) {
			return nil, se
		}
		return nil, booth.Errorf(booth.EINVALID, "Cannot create the data folder %s: %v.", filepath.Dir(path), err)
	}
	RemoveLeftovers(path)
	db := &DB{Path: path, Now: booth.Now}
	db.dataVersion.Store(-1)
	var err error
	if db.w, err = sql.Open("sqlite", dsn(path, true)); err != nil {
		return nil, err
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetConnMaxIdleTime(0)
	if db.r, err = sql.Open("sqlite", dsn(path, false)); err != nil {
		db.w.Close()
		return nil, err
	}
	db.r.SetMaxOpenConns(4)
	if err := db.migrate(context.Background()); err != nil {
		db.Close()
		return nil, db.storageErr(err)
	}
	if err := db.ensureDevice(context.Background()); err != nil {
		db.Close()
		return nil, db.storageErr(err)
	}
	if err := db.ensureEventKeys(context.Background()); err != nil {
		db.Close()
		return nil, db.storageErr(err)
	}
	return db, nil
}

// openReadOnly opens a database that cannot be written now — its disk is
// full or its folder read-only — for reading: reports, searches and
// exports work, every write says why it was not saved (ErrReadOnly).
func openReadOnly(path, mode string) (*DB, error) {
	db := &DB{Path: path, Now: booth.Now, readOnly: true}
	db.dataVersion.Store(-1)
	var err error
	if db.r, err = sql.Open("sqlite", readerDSN(path, mode)); err != nil {
		return nil, err
	}
	// The exclusive and immutable ways hold the file for one connection.
	db.r.SetMaxOpenConns(1)
	ctx := context.Background()
	var id string
	if err := db.r.QueryRowContext(ctx, `SELECT value FROM local WHERE key = 'device_id'`).Scan(&id); err != nil {
		db.Close()
		return nil, &booth.Error{Code: booth.EINVALID, Message: "The database is on a full or read-only disk and cannot be read there; it was left untouched."}
	}
	d, err := readDevice(ctx, db.r, id)
	if err != nil {
		db.Close()
		return nil, db.storageErr(err)
	}
	db.device = *d
	return db, nil
}

// ReadOnly reports whether the database was opened for reading only,
// because its disk is full or its folder cannot be written.
func (db *DB) ReadOnly() bool { return db.readOnly }

// OpenDir opens the database inside the data directory dir.
func OpenDir(dir string) (*DB, error) { return Open(filepath.Join(dir, FileName)) }

// Close closes every connection; the WAL is checkpointed by SQLite.
func (db *DB) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{db.stmts.last, db.stmts.visitor, db.stmts.visitorByID, db.stmts.revoked, db.stmts.first, db.stmts.insert} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// Device returns this laptop.
// Dir is the folder the database lives in: temporary files of this
// laptop's data go there, on the same disk and not in a shared folder.
func (db *DB) Dir() string { return filepath.Dir(db.Path) }

func (db *DB) Device() booth.Device {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.device
}

func dsn(path string, writer bool) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath()}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if writer {
		// Erased visitors' data is overwritten, not only unlinked: the file
		// holds health-adjacent data and leaves the booth on a USB stick.
		q.Add("_pragma", "secure_delete(1)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return u.String() + "?" + q.Encode()
}

// checkFile refuses a file that is not a medibooth database, or one written
// by a newer version, before SQLite may change it (setting WAL mode alone
// would rewrite its header). It returns "" when the file is new or can be
// read the normal way, else the reader mode that reads it (see readMode).
func checkFile(path string) (string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	} else if err != nil {
		if se := storageErr(err, filepath.Dir(path)); IsStorage(se) {
			return "", &booth.Error{Code: booth.EINVALID, Message: "The database cannot be read: no permission to read it; it was left untouched."}
		}
		return "", booth.Errorf(booth.EINVALID, "Cannot read %s: %v.", path, err)
	}
	hdr := make([]byte, 100)
	n, err := io.ReadFull(f, hdr)
	f.Close()
	if n == 0 {
		return "", nil // an empty file becomes a new database
	} else if err != nil || string(hdr[:16]) != "SQLite format 3\x00" {
		return "", booth.Errorf(booth.EINVALID, "%s is not a medibooth database; it was left untouched.", path)
	}
	var appID, version, tables int
	var mode string
	var qerr error
	for _, mode = range readerModes {
		if qerr = probe(path, mode, &appID, &version, &tables); qerr == nil || !IsStorage(storageErr(qerr, filepath.Dir(path))) {
			break
		}
	}
	if qerr != nil {
		if se := storageErr(qerr, filepath.Dir(path)); IsStorage(se) {
			return "", se
		}
		return "", booth.Errorf(booth.EINVALID, "%s is not a readable medibooth database (%v); it was left untouched.", path, qerr)
	}
	if appID != ApplicationID && !(appID == 0 && tables == 0) {
		return "", booth.Errorf(booth.EINVALID, "%s is a SQLite file of another program, not a medibooth database; it was left untouched.", path)
	}
	if n := len(migrations()); version > n {
		return "", booth.Errorf(booth.EINVALID, "%s was written by a newer medibooth (schema %d; this one knows %d). Update medibooth to open it.", path, version, n)
	}
	return mode, nil
}

// readerModes are the ways a database is read, tried in order: the normal
// one; "exclusive", which keeps the log's index in memory and so needs no
// -shm file that a full disk cannot grow; and "immutable", for a folder no
// -shm file can be made in (read-only media: nothing can write the file
// there, so nothing changes under the reader).
var readerModes = []string{"", "exclusive", "immutable"}

// readMode is the first reader mode after the normal one that reads path.
func readMode(path string) (string, error) {
	var a, b, c int
	var err error
	for _, mode := range readerModes[1:] {
		if err = probe(path, mode, &a, &b, &c); err == nil {
			return mode, nil
		}
	}
	return "", err
}

// probe reads the file's identity with a reader of mode.
func probe(path, mode string, appID, version, tables *int) error {
	ro, err := sql.Open("sqlite", readerDSN(path, mode))
	if err != nil {
		return err
	}
	defer ro.Close()
	return ro.QueryRow(`SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version),
		(SELECT count(*) FROM sqlite_schema)`).Scan(appID, version, tables)
}

// readerDSN opens path read-only in a reader mode (see readerModes).
func readerDSN(path, mode string) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath()}
	q := url.Values{}
	q.Set("mode", "ro")
	switch mode {
	case "exclusive":
		q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	case "immutable":
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "query_only(1)")
	return u.String() + "?" + q.Encode()
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() []migration {
	entries, err := migrationFS.ReadDir("migrations")
	if err != nil {
		panic(err) // embedded at build time
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			panic("migration file without a number: " + e.Name())
		}
		b, _ := migrationFS.ReadFile("migrations/" + e.Name())
		out = append(out, migration{v, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			panic(fmt.Sprintf("migrations must be numbered 1, 2, 3 …: %s", m.name))
		}
	}
	return out
}

// migrate applies each pending migration in its own IMMEDIATE transaction,
// setting user_version inside it, so a crash leaves the schema at a version.
func (db *DB) migrate(ctx context.Context) error {
	for _, m := range migrations() {
		if err := db.apply(ctx, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// Foreign keys are off while a migration runs, as SQLite's procedure for
// rebuilding a table requires (dropping a table would otherwise cascade), and
// the whole database is checked against them before the commit.
func (db *DB) apply(ctx context.Context, m migration) error {
	var version int
	if err := db.w.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	if version >= m.version {
		return nil
	}
	// PRAGMA foreign_keys is a no-op inside a transaction, so it is set on
	// the one writer connection around it.
	if _, err := db.w.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer db.w.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`)
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	if version >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	var bad int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&bad); err != nil {
		return err
	} else if bad > 0 {
		return fmt.Errorf("%d rows break a foreign key", bad)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d; PRAGMA user_version = %d`, ApplicationID, m.version)); err != nil {
		return err
	}
	return tx.Commit()
}

// ensureDevice gives this database a device id and name on first open.
func (db *DB) ensureDevice(ctx context.Context) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id string
	err = tx.QueryRowContext(ctx, `SELECT value FROM local WHERE key = 'device_id'`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		host, _ := os.Hostname()
		if host == "" {
			host = "laptop"
		}
		id = booth.NewID()
		now := booth.FormatTime(db.Now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO device (id, name, created_at) VALUES (?, ?, ?)`, id, host, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO local (key, value) VALUES ('device_id', ?)`, id); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	d, err := readDevice(ctx, tx, id)
	if err != nil {
		return err
	}
	db.device = *d
	if err := db.loadSeq(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// ensureEventKeys gives badge keys to an event set up before badges were
// signed: that laptop worked alone, so it becomes the holder of the event's
// root key. The demo event gets its fixed keys.
func (db *DB) ensureEventKeys(ctx context.Context) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ev, err := readEvent(ctx, tx)
	if booth.ErrorCode(err) == booth.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM event_key`).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		// An event set up here before bundles were encrypted gets HQ's key.
		var root int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM event_key WHERE root_private IS NOT NULL`).Scan(&root); err != nil {
			return err
		}
		if root > 0 {
			if err := ensureHQ(ctx, tx, db, ev.ID, ev.DeviceID == booth.DemoDeviceID); err != nil {
				return err
			}
		}
		return tx.Commit()
	}
	keys := freshKeys()
	if ev.DeviceID == booth.DemoDeviceID {
		root, k := booth.DemoEventKeys()
		keys = &newKeys{root: root, keys: k, keepRoot: true}
	}
	if err := storeEventKeys(ctx, tx, db, ev.ID, keys.root, keys.keys, keys.keepRoot); err != nil {
		return err
	}
	if err := ensureHQ(ctx, tx, db, ev.ID, ev.DeviceID == booth.DemoDeviceID); err != nil {
		return err
	}
	return tx.Commit()
}

// seqTables are the tables whose rows carry this device's write sequence.
var seqTables = []string{"event", "org", "department", "staff", "visitor", "consent", "scan", "revoked_key", "badge_print", "visitor_interest",
	"hospital_key", "complaint", "queue_entry", "consultation", "agency_info", "meeting", "hq_recipient"}

// loadSeq starts this device's write sequence after the highest one stored.
func (db *DB) loadSeq(ctx context.Context, q querier) error {
	max, err := db.storedSeq(ctx, q)
	if err != nil {
		return err
	}
	db.seq.Store(max)
	return nil
}

// raiseSeqFromStore lifts the write sequence to the highest one stored, never
// lowering it (numbers of this process's rolled-back writes stay used).
func (db *DB) raiseSeqFromStore(ctx context.Context, q querier) error {
	max, err := db.storedSeq(ctx, q)
	if err != nil {
		return err
	}
	for cur := db.seq.Load(); max > cur && !db.seq.CompareAndSwap(cur, max); cur = db.seq.Load() {
	}
	return nil
}

// storedSeq is this device's highest write sequence in the database.
func (db *DB) storedSeq(ctx context.Context, q querier) (int64, error) {
	var parts []string
	for _, t := range seqTables {
		parts = append(parts, fmt.Sprintf("SELECT max(seq) AS m FROM %s WHERE device_id = ?1", t))
	}
	var max sql.NullInt64
	err := q.QueryRowContext(ctx, "SELECT max(m) FROM ("+strings.Join(parts, " UNION ALL ")+")", db.Device().ID).Scan(&max)
	return max.Int64, err
}

// SetDeviceName renames this laptop (shown in "already checked in on …").
func (db *DB) SetDeviceName(ctx context.Context, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 60 {
		return booth.Errorf(booth.EINVALID, "A laptop name needs 1 to 60 letters.")
	}
	if _, err := db.exec(ctx, `UPDATE device SET name = ? WHERE id = ?`, name, db.Device().ID); err != nil {
		return err
	}
	db.mu.Lock()
	db.device.Name = name
	db.mu.Unlock()
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readDevice(ctx context.Context, q querier, id string) (*booth.Device, error) {
	var d booth.Device
	var created string
	err := q.QueryRowContext(ctx, `SELECT id, name, created_at FROM device WHERE id = ?`, id).Scan(&d.ID, &d.Name, &created)
	if err != nil {
		return nil, err
	}
	d.Created, _ = booth.ParseTime(created)
	return &d, nil
}

// nextSeq returns this device's next write sequence number; with time and
// device id it orders edits deterministically when laptops are merged, and
// a bundle's highest number tells which writes HQ holds (purging relies on
// it). It must only be called inside a transaction from begin.
//
// Several processes may write one database — the desk's window is open all
// day while a CLI command checks a visitor in or exports a bundle — and
// people expect both to work, so a second writer is not refused. Instead
// the counter is kept right under SQLite's write lock: begin compares the
// writer connection's PRAGMA data_version, which changes exactly when
// another connection committed, and reloads the highest stored sequence
// when it moved. Every number is thus above every number committed before
// by any process; numbers of rolled-back writes are simply skipped.
func (db *DB) nextSeq() int64 { return db.seq.Add(1) }

// syncSeq reloads the write sequence inside tx (which holds the write lock)
// when another connection committed since this one last looked.
func (db *DB) syncSeq(ctx context.Context, tx *sql.Tx) error {
	var v int64
	if err := tx.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return err
	}
	if db.dataVersion.Load() == v {
		return nil
	}
	if err := db.raiseSeqFromStore(ctx, tx); err != nil {
		return err
	}
	db.dataVersion.Store(v)
	return nil
}

// Changes grows whenever this process writes: a record made or edited here,
// a bundle merged. Screens showing live figures poll it and read the
// database again only when it moved.
func (db *DB) Changes() int64 { return db.seq.Load() + db.merged.Load() }

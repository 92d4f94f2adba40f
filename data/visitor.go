package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"medibooth/assets"
	"medibooth/booth"
)

var _ booth.VisitorService = (*DB)(nil)

const visitorColumns = `id, coalesce(code, ''), name, name_latin, phone, email, messenger, type, lang, country, city,
	coalesce(birth_year, 0), source, created_at, updated_at, device_id, erased_at IS NOT NULL`

func scanVisitor(row interface{ Scan(...any) error }) (*booth.Visitor, error) {
	var v booth.Visitor
	var created, updated string
	err := row.Scan(&v.ID, &v.Code, &v.Name, &v.NameLatin, &v.Phone, &v.Email, &v.Messenger, &v.Type, &v.Lang,
		&v.Country, &v.City, &v.BirthYear, &v.Source, &created, &updated, &v.DeviceID, &v.Erased)
	if err != nil {
		return nil, err
	}
	v.Created, _ = booth.ParseTime(created)
	v.Updated, _ = booth.ParseTime(updated)
	return &v, nil
}

// CreateVisitor registers one visitor with their consents.
// Without a granted consent to collection and contact among consents it
// stores nothing (booth.CheckRegistration).
func (db *DB) CreateVisitor(ctx context.Context, v *booth.Visitor, consents []booth.Consent) error {
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	if err := booth.CheckRegistration(consents); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := readEvent(ctx, tx); err != nil {
		return err
	}
	if err := insertVisitor(ctx, tx, db, v, false); err != nil {
		return err
	}
	for i := range consents {
		consents[i].VisitorID = v.ID
		if err := insertConsent(ctx, tx, db, &consents[i], false); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// ImportResult says what an import did.
type ImportResult = booth.ImportResult

// ImportVisitors stores every visitor of vs in one transaction, or none.
func (db *DB) ImportVisitors(ctx context.Context, vs []booth.Visitor) error {
	_, err := db.Import(ctx, vs)
	return err
}

// Import is ImportVisitors that also reports what it skipped.
func (db *DB) Import(ctx context.Context, vs []booth.Visitor) (ImportResult, error) {
	var res ImportResult
	for i := range vs {
		vs[i].Normalize()
		if err := vs[i].Validate(); err != nil {
			return res, booth.Errorf(booth.EINVALID, "Visitor %d (%s): %s", i+1, vs[i].Name, err)
		}
		if err := consentTexts(&vs[i]); err != nil {
			return res, booth.Errorf(booth.EINVALID, "Visitor %d (%s): %s", i+1, vs[i].Name, err)
		}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	if _, err := readEvent(ctx, tx); err != nil {
		return res, err
	}
	for i := range vs {
		known, err := alreadyRegistered(ctx, tx, &vs[i])
		if err != nil {
			return res, err
		} else if known {
			res.Skipped++
			continue
		}
		if err := insertVisitor(ctx, tx, db, &vs[i], false); err != nil {
			return res, err
		}
		for j := range vs[i].Consents {
			c := &vs[i].Consents[j]
			c.VisitorID = vs[i].ID
			if err := insertConsent(ctx, tx, db, c, false); err != nil {
				return res, err
			}
		}
		res.Imported++
	}
	return res, tx.Commit()
}

func alreadyRegistered(ctx context.Context, tx *wtx, v *booth.Visitor) (bool, error) {
	// The conditions repeat the indexes' own (phone <> '', lower(name_latin))
	// so that SQLite uses them instead of reading every visitor.
	var n int
	var err error
	if v.Phone != "" {
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM visitor WHERE phone = ? AND phone <> '' AND erased_at IS NULL`, v.Phone).Scan(&n)
	} else {
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM visitor WHERE lower(name_latin) = lower(?) AND coalesce(birth_year, 0) = ? AND erased_at IS NULL`,
			v.NameLatin, v.BirthYear).Scan(&n)
	}
	return n > 0, err
}

// insertVisitor writes v and its search terms, giving it an id and a badge
// code when it has none.
func insertVisitor(ctx context.Context, tx *wtx, db *DB, v *booth.Visitor, ignore bool) error {
	drawn := v.ID == ""
	if drawn {
		v.ID = booth.NewVisitorID()
	}
	if v.Created.IsZero() {
		v.Created = db.Now()
	}
	if v.Updated.IsZero() {
		v.Updated = v.Created
	}
	if v.DeviceID == "" {
		v.DeviceID = db.Device().ID
	}
	seq := db.nextSeq()
	verb := "INSERT"
	if ignore {
		verb = "INSERT OR IGNORE"
	}
	var err error
	for attempt := 0; ; attempt++ {
		if v.Code == "" {
			v.Code = booth.NewCode()
		}
		var by any
		if v.BirthYear != 0 {
			by = v.BirthYear
		}
		_, err = tx.ExecContext(ctx, verb+` INTO visitor (id, code, name, name_latin, phone, email, messenger, type, lang, country, city,
			birth_year, source, created_at, updated_at, device_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, v.Code, v.Name, v.NameLatin, v.Phone, v.Email, v.Messenger, v.Type, v.Lang, v.Country, v.City,
			by, v.Source, booth.FormatTime(v.Created), booth.FormatTime(v.Updated), v.DeviceID, seq)
		if uniqueOn(err, "visitor.code") && attempt < 3 {
			v.Code = "" // a random code collided; draw another
			continue
		}
		if drawn && uniqueOn(err, "visitor.id") && attempt < 3 {
			v.ID = booth.NewVisitorID() // another laptop's id, by chance
			continue
		}
		break
	}
	if err != nil {
		return fmt.Errorf("store visitor %s: %w", v.ID, err)
	}
	for _, sp := range v.Interests {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO visitor_interest (visitor_id, specialty, created_at, device_id, seq) VALUES (?, ?, ?, ?, ?)`,
			v.ID, sp, booth.FormatTime(v.Created), v.DeviceID, seq); err != nil {
			return err
		}
	}
	return writeTerms(ctx, tx, v, true)
}

// writeTerms stores v's search terms; an erased visitor has none. Terms of
// a visitor that existed before are replaced.
func writeTerms(ctx context.Context, tx *wtx, v *booth.Visitor, isNew bool) error {
	if !isNew {
		if _, err := tx.ExecContext(ctx, `DELETE FROM visitor_term WHERE visitor_id = ?`, v.ID); err != nil {
			return err
		}
	}
	if v.Erased {
		return nil
	}
	for _, t := range booth.SearchTerms(v) {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO visitor_term (term, visitor_id) VALUES (?, ?)`, t, v.ID); err != nil {
			return err
		}
	}
	return nil
}

// Visitor returns one visitor by id.
func (db *DB) Visitor(ctx context.Context, id string) (*booth.Visitor, error) {
	v, err := scanVisitor(db.r.QueryRowContext(ctx, `SELECT `+visitorColumns+` FROM visitor WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, booth.Errorf(booth.ENOTFOUND, "There is no visitor with the id %q.", id)
	} else if err != nil {
		return nil, err
	}
	v.Interests, err = db.interests(ctx, id)
	return v, err
}

// interests lists a visitor's specialties of interest.
func (db *DB) interests(ctx context.Context, visitorID string) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT specialty FROM visitor_interest WHERE visitor_id = ? ORDER BY specialty`, visitorID)
	return collect(rows, err, scanString)
}

// Specialties lists the departments of the event's hospitals by name, each
// name once: what a visitor may say they are interested in.
func (db *DB) Specialties(ctx context.Context) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT min(d.name) FROM department d JOIN org o ON o.id = d.org_id
		WHERE o.kind = 'hospital' GROUP BY d.name_fold ORDER BY d.name_fold`)
	return collect(rows, err, scanString)
}

// VisitorCount returns how many visitors (not erased) are registered.
func (db *DB) VisitorCount(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM visitor WHERE erased_at IS NULL`).Scan(&n)
	return n, err
}

// RecentVisitors lists the visitors registered last, newest first, leaving
// out the erased and those known only from a badge.
func (db *DB) RecentVisitors(ctx context.Context, limit int) ([]booth.Visitor, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+visitorColumns+` FROM visitor
		WHERE erased_at IS NULL AND purged_at IS NULL AND source <> 'badge' ORDER BY created_at DESC, id DESC LIMIT ?`, limit)
	return collect(rows, err, func(rows *sql.Rows) (booth.Visitor, error) {
		v, err := scanVisitor(rows)
		if err != nil {
			return booth.Visitor{}, err
		}
		return *v, nil
	})
}

// FindVisitors returns up to limit visitors matching query (booth.ParseQuery):
// every word must be a prefix of one of the visitor's search terms.
func (db *DB) FindVisitors(ctx context.Context, query string, limit int) ([]booth.Visitor, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	inner, args := visitorMatches(query)
	if inner == "" {
		return nil, nil
	}
	sqlText := `SELECT ` + visitorColumns + ` FROM visitor WHERE id IN (` + inner + ` LIMIT ?)`
	args = append(args, limit)
	rows, err := db.r.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []booth.Visitor
	for rows.Next() {
		v, err := scanVisitor(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].NameLatin < out[j].NameLatin })
	return out, rows.Err()
}

// CountVisitors counts the visitors a search finds, up to upTo: the desk
// says how many match in all while it lists the first few.
func (db *DB) CountVisitors(ctx context.Context, query string, upTo int) (int, error) {
	inner, args := visitorMatches(query)
	if inner == "" {
		return 0, nil
	}
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM (`+inner+` LIMIT ?)`, append(args, upTo)...).Scan(&n)
	return n, err
}

// visitorMatches is the SQL selecting the ids of the visitors query finds,
// and its arguments; "" for a query that can find nobody. One word, or the
// pair of the first two words, drives an index range scan; every word then
// filters through its own ranges.
func visitorMatches(query string) (string, []any) {
	q := booth.ParseQuery(query)
	if q.Empty() {
		return "", nil
	}
	ranges := func(alts []string) (string, []any) {
		var ors []string
		var args []any
		for _, p := range alts {
			ors = append(ors, "(t.term >= ? AND t.term < ?)")
			args = append(args, p, p+"\xff")
		}
		return strings.Join(ors, " OR "), args
	}
	driver, args := ranges(q.Words[0])
	filters := q.Words[1:]
	if len(q.Pair) > 0 {
		driver, args = ranges(q.Pair)
		filters = q.Words
	}
	var where []string
	for _, alts := range filters {
		cond, a := ranges(alts)
		where = append(where, "EXISTS (SELECT 1 FROM visitor_term t WHERE t.visitor_id = d.visitor_id AND ("+cond+"))")
		args = append(args, a...)
	}
	rest := ""
	if len(where) > 0 {
		rest = " WHERE " + strings.Join(where, " AND ")
	}
	return `SELECT visitor_id FROM (SELECT DISTINCT t.visitor_id FROM visitor_term t WHERE ` + driver + `) d` + rest, args
}

// Consents lists a visitor's consent records, oldest first.
func (db *DB) Consents(ctx context.Context, visitorID string) ([]booth.Consent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, visitor_id, purpose, coalesce(org_id, ''), granted, text_version, text_hash, lang, at,
		device_id, coalesce(staff_id, '') FROM consent WHERE visitor_id = ? ORDER BY at, id`, visitorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []booth.Consent
	for rows.Next() {
		var c booth.Consent
		var at string
		if err := rows.Scan(&c.ID, &c.VisitorID, &c.Purpose, &c.OrgID, &c.Granted, &c.TextVersion, &c.TextHash, &c.Lang, &at,
			&c.DeviceID, &c.StaffID); err != nil {
			return nil, err
		}
		c.At, _ = booth.ParseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

func insertConsent(ctx context.Context, tx *wtx, db *DB, c *booth.Consent, ignore bool) error {
	if c.ID == "" {
		c.ID = booth.NewID()
	}
	if c.At.IsZero() {
		c.At = db.Now()
	}
	if c.DeviceID == "" {
		c.DeviceID = db.Device().ID
	}
	if c.StaffID == "" {
		c.StaffID = staffID(ctx)
	}
	seq := db.nextSeq()
	verb := "INSERT"
	if ignore {
		verb = "INSERT OR IGNORE"
	}
	_, err := tx.ExecContext(ctx, verb+` INTO consent (id, visitor_id, purpose, org_id, granted, text_version, text_hash, lang, at, staff_id,
		created_at, device_id, seq) VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?)`,
		c.ID, c.VisitorID, c.Purpose, c.OrgID, c.Granted, c.TextVersion, c.TextHash, c.Lang, booth.FormatTime(c.At), c.StaffID,
		booth.FormatTime(db.Now()), c.DeviceID, seq)
	return err
}

// consentTexts completes the consents an imported list gives a visitor: the
// texts they agreed to are those of the version the list names, in the
// visitor's language, and must be texts medibooth holds.
func consentTexts(v *booth.Visitor) error {
	for i := range v.Consents {
		c := &v.Consents[i]
		if c.TextVersion != assets.ConsentVersion {
			return booth.Errorf(booth.EINVALID, "the consent texts of version %q are not ones medibooth holds; the texts in force are those of %s.", c.TextVersion, assets.ConsentVersion)
		}
		text, err := assets.ConsentText(string(c.Purpose), v.Lang)
		if err != nil {
			return err
		}
		c.TextHash, c.Lang, c.Granted = assets.Hash(text), v.Lang, true
	}
	return nil
}

package data

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"medibooth/booth"
)

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

func mergeTableNamed(name string) *mergeTable {
	for i := range mergeTables {
		if mergeTables[i].name == name {
			return &mergeTables[i]
		}
	}
	panic("merge: no table " + name)
}

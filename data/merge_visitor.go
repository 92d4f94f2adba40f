package data

import (
	"database/sql"
	"slices"
	"strings"

	"medibooth/booth"
)

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

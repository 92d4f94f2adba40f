package data

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

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

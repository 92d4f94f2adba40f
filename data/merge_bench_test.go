package data_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// The goal: 10 bundles of 20,000 visitors, 40,000 scans and 5,000
// consultations each merge in at most 1.5 times what the same SQL takes in
// the sqlite3 CLI. -short makes 3 bundles a tenth the size.
//
//	go test ./data -run '^$' -bench 'Merge' -benchtime 1x
type mergeBench struct {
	dir     string
	hq      []byte // HQ's database file, with the event set up
	bundles []string
	rows    int
}

func makeMergeBench(dir string, short bool) (*mergeBench, error) {
	ctx := context.Background()
	mb := &mergeBench{dir: dir}
	hq, err := data.Open(filepath.Join(dir, "hq.db"))
	if err != nil {
		return nil, err
	}
	if err := hq.CreateEvent(ctx, &booth.Event{Name: "KITF Gyeonggi joint booth", City: "Almaty", Country: "KZ",
		Start: "2026-09-17", End: "2026-09-19", TimeZone: "Asia/Almaty"}); err != nil {
		return nil, err
	}
	var orgs []string
	for _, name := range []string{"Kyung Hee Univ. Korean Medicine Hospital", "Seoul National Univ. Dental Hospital",
		"Soonchunhyang Univ. Seoul Hospital", "Korea Univ. Anam Hospital"} {
		o := &booth.Org{Kind: booth.OrgHospital, Name: name, Departments: []booth.Department{{Name: "Consultation"}}}
		if err := hq.CreateOrg(ctx, o); err != nil {
			return nil, err
		}
		orgs = append(orgs, o.ID)
	}
	pkg, err := hq.Package(ctx)
	if err != nil {
		return nil, err
	}
	p, err := booth.OpenPackage(pkg)
	if err != nil {
		return nil, err
	}
	if err := hq.Close(); err != nil {
		return nil, err
	}
	if mb.hq, err = os.ReadFile(filepath.Join(dir, "hq.db")); err != nil {
		return nil, err
	}
	lap, err := data.Open(filepath.Join(dir, "laptop.db"))
	if err != nil {
		return nil, err
	}
	if _, err := lap.Join(ctx, p, "Template"); err != nil {
		return nil, err
	}
	if err := lap.Close(); err != nil {
		return nil, err
	}
	template, err := os.ReadFile(filepath.Join(dir, "laptop.db"))
	if err != nil {
		return nil, err
	}
	n, visitors, scans, consults := 10, 20000, 40000, 5000
	if short {
		n, visitors, scans, consults = 3, 2000, 4000, 500
	}
	for i := range n {
		path := filepath.Join(dir, fmt.Sprintf("bundle-%02d.db", i))
		if err := os.WriteFile(path, template, 0o600); err != nil {
			return nil, err
		}
		rows, err := fillMergeBundle(path, i, orgs, visitors, scans, consults)
		if err != nil {
			return nil, err
		}
		mb.bundles = append(mb.bundles, path)
		mb.rows += rows
	}
	return mb, nil
}

var (
	benchGiven  = []string{"Айгерім", "Нұрсұлтан", "Ольга", "Дмитрий", "Елена", "Сергей", "Жанар", "Дәурен", "Emre", "Jasur", "민준", "서연"}
	benchFamily = []string{"Сейітқали", "Жұмабаева", "Щербакова", "Ким", "Пак", "Цой", "Омаров", "Yilmaz", "Toxtayev", "김", "이"}
)

// fillMergeBundle writes one laptop's fair into the snapshot at path:
// visitors with a consent each and some interests, scans (a third of them
// of visitors registered elsewhere), and consultations with sealed notes.
func fillMergeBundle(path string, k int, orgs []string, visitors, scans, consults int) (int, error) {
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=synchronous(OFF)&_pragma=journal_mode(MEMORY)")
	if err != nil {
		return 0, err
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	dev := fmt.Sprintf("0192f0a0-0000-7000-8000-%012d", k)
	t0 := time.Date(2026, 9, 17, 4, 0, 0, 0, time.UTC)
	stamp := func(i int) string { return booth.FormatTime(t0.Add(time.Duration(i) * 700 * time.Millisecond)) }
	seq := 0
	exec := func(q string, rows int, args func(i int) []any) error {
		st, err := tx.Prepare(q)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := range rows {
			seq++
			if _, err := st.Exec(append(args(i), dev, seq)...); err != nil {
				return err
			}
		}
		return nil
	}
	if _, err := tx.Exec(`INSERT INTO device (id, name, created_at) VALUES (?, ?, ?)`, dev, fmt.Sprintf("Desk %d", k+1), stamp(0)); err != nil {
		return 0, err
	}
	vid := func(k, i int) string { return fmt.Sprintf("0192f0a0-%04d-7000-8000-%012d", k, i) }
	err = exec(`INSERT INTO visitor (id, code, name, name_latin, phone, email, type, lang, country, city, birth_year, source,
		created_at, updated_at, device_id, seq) VALUES (?, ?, ?, ?, ?, ?, 'patient', 'ru', 'KZ', 'Almaty', ?, 'walk-in', ?, ?, ?, ?)`,
		visitors, func(i int) []any {
			name := benchGiven[(i+k)%len(benchGiven)] + " " + benchFamily[(i/len(benchGiven)+k)%len(benchFamily)]
			email := ""
			if i%3 == 0 {
				email = fmt.Sprintf("visitor%d.%d@example.kz", k, i)
			}
			return []any{vid(k, i), fmt.Sprintf("1%02d%010d", k, i), name, booth.Latin(name), fmt.Sprintf("+7701%03d%04d", k, i),
				email, 1950 + i%55, stamp(i), stamp(i)}
		})
	if err == nil {
		err = exec(`INSERT INTO consent (id, visitor_id, purpose, granted, text_version, text_hash, lang, at, created_at, device_id, seq)
			VALUES (?, ?, 'contact', 1, 'v1', 'hash', 'ru', ?, ?, ?, ?)`, visitors, func(i int) []any {
			return []any{fmt.Sprintf("c-%d-%d", k, i), vid(k, i), stamp(i), stamp(i)}
		})
	}
	if err == nil {
		err = exec(`INSERT INTO visitor_interest (visitor_id, specialty, created_at, device_id, seq) VALUES (?, 'Consultation', ?, ?, ?)`,
			visitors/2, func(i int) []any { return []any{vid(k, 2*i), stamp(2 * i)} })
	}
	if err == nil {
		err = exec(`INSERT INTO scan (id, at, day, raw, code, visitor_id, decision, reason, created_at, device_id, seq)
			VALUES (?, ?, '2026-09-17', ?, ?, ?, ?, '', ?, ?, ?)`, scans, func(i int) []any {
			owner := k
			if i%3 == 0 {
				owner = (k + 1) % 10 // a badge of another laptop
			}
			v := vid(owner, (i*7)%visitors)
			code := "MB1." + v
			return []any{fmt.Sprintf("s-%d-%d", k, i), stamp(i), []byte(code), code, v, []string{"admitted", "duplicate"}[i%2], stamp(i)}
		})
	}
	if err == nil {
		sealed := bytes.Repeat([]byte{0xA5}, 300)
		err = exec(`INSERT INTO consultation (id, visitor_id, org_id, department, doctor, at, day, follow_up, sealed, created_at, updated_at,
			device_id, seq) VALUES (?, ?, ?, 'Consultation', 'Dr Kim', ?, '2026-09-17', 'maybe', ?, ?, ?, ?, ?)`, consults, func(i int) []any {
			return []any{fmt.Sprintf("k-%d-%d", k, i), vid(k, (i*3)%visitors), orgs[i%len(orgs)], stamp(i), sealed, stamp(i), stamp(i)}
		})
	}
	if err != nil {
		return 0, err
	}
	return 2*visitors + visitors/2 + scans + consults + 1, tx.Commit()
}

func (mb *mergeBench) freshHQ(b *testing.B, i int) *data.DB {
	b.Helper()
	path := filepath.Join(mb.dir, fmt.Sprintf("hq-run-%d.db", i))
	if err := os.WriteFile(path, mb.hq, 0o600); err != nil {
		b.Fatal(err)
	}
	db, err := data.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		db.Close()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
	})
	return db
}

func BenchmarkMerge(b *testing.B) {
	mb, err := makeMergeBench(b.TempDir(), testing.Short())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("go", mb.benchGo)
	// The same statements, with their arguments written in, through the
	// sqlite3 command-line shell (a C build of SQLite): the yardstick of
	// the goal. The search terms HQ computes in Go arrive as
	// literal INSERTs.
	if cli, err := exec.LookPath("sqlite3"); err == nil {
		b.Run("sqlite3-cli", func(b *testing.B) { mb.benchCLI(b, cli) })
	}
}

func (mb *mergeBench) benchGo(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := mb.freshHQ(b, i)
		b.StartTimer()
		for _, s := range mb.bundles {
			if _, err := db.MergeSnapshot(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(mb.rows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(len(mb.bundles)), "bundles")
}

func (mb *mergeBench) benchCLI(b *testing.B, cli string) {
	script := filepath.Join(mb.dir, "merge.sql")
	if _, err := os.Stat(script); err != nil {
		if err := mb.writeScript(b, script); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := mb.freshHQ(b, 1000+i)
		path := db.Path
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		in, err := os.Open(script)
		if err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(cli, "-bail", path)
		cmd.Stdin, cmd.Stdout = in, io.Discard
		var stderr strings.Builder
		cmd.Stderr = &stderr
		b.StartTimer()
		err = cmd.Run()
		b.StopTimer()
		in.Close()
		if err != nil || stderr.Len() > 0 {
			b.Fatalf("sqlite3: %v: %s", err, stderr.String())
		}
	}
	b.ReportMetric(float64(mb.rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// writeScript merges the bundles once, recording every statement, and
// writes them out as one sqlite3 script with the connection's settings,
// and what MergeSnapshot runs around its transaction.
func (mb *mergeBench) writeScript(b *testing.B, path string) error {
	var sb strings.Builder
	sb.WriteString("PRAGMA journal_mode = WAL;\nPRAGMA synchronous = FULL;\nPRAGMA foreign_keys = ON;\nPRAGMA secure_delete = ON;\nPRAGMA busy_timeout = 5000;\nPRAGMA trusted_schema = OFF;\nPRAGMA cache_size = -65536;\n")
	ctx := data.WithMergeTrace(context.Background(), func(q string, args []any) {
		sb.WriteString(mergeInline(q, args))
		sb.WriteString(";\n")
	})
	db := mb.freshHQ(b, 999)
	for _, s := range mb.bundles {
		fmt.Fprintf(&sb, "ATTACH DATABASE 'file:%s?mode=ro&immutable=1' AS s;\nPRAGMA s.integrity_check(3);\n", s)
		sb.WriteString("SELECT (SELECT count(*) FROM s.event), (SELECT id FROM s.event), (SELECT id FROM main.event), (SELECT name FROM main.event);\nBEGIN IMMEDIATE;\n")
		if _, err := db.MergeSnapshot(ctx, s); err != nil {
			return err
		}
		sb.WriteString("COMMIT;\nDETACH DATABASE s;\n")
	}
	return os.WriteFile(path, []byte(sb.String()), 0o600)
}

// mergeInline writes a statement's arguments into it as SQL literals.
func mergeInline(q string, args []any) string {
	lit := func(v any) string {
		switch v := v.(type) {
		case nil:
			return "NULL"
		case string:
			return "'" + strings.ReplaceAll(v, "'", "''") + "'"
		case []byte:
			return fmt.Sprintf("X'%x'", v)
		}
		return fmt.Sprint(v)
	}
	for i := len(args); i >= 1; i-- {
		q = strings.ReplaceAll(q, fmt.Sprintf("?%d", i), lit(args[i-1]))
	}
	var out strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' && n < len(args) {
			out.WriteString(lit(args[n]))
			n++
			continue
		}
		out.WriteRune(r)
	}
	return out.String()
}

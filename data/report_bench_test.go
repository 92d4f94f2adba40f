package data_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medibooth/booth"
	"medibooth/data"
)

// reportHQGeneration names the shape of the generated HQ database; change
// it when reportHQFill changes so that a cached file is made again.
const reportHQGeneration = 2

// BenchmarkReportHQ times the report over an HQ database after a 3-day
// joint booth: 10 laptops merged, 100,000 visitors, 400,000 scans, 25,000
// consultations, 3,000 meetings and 5 consents per visitor. The goal is at
// most 2 s for the whole event's report. The database takes a while to make,
// so it is kept in the temporary folder, one file per schema version.
//
//	go test ./data -run '^$' -bench ReportHQ -benchtime 3x
func BenchmarkReportHQ(b *testing.B) {
	path, err := reportHQFile()
	if err != nil {
		b.Fatal(err)
	}
	db, err := data.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var hospital string
	if err := db.QueryRowForTest(`SELECT id FROM org WHERE kind = 'hospital' ORDER BY name LIMIT 1`).Scan(&hospital); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct{ name, hospital string }{{"event", ""}, {"hospital", hospital}} {
		b.Run(c.name, func(b *testing.B) {
			var r *booth.Report
			for b.Loop() {
				var err error
				if r, err = db.Report(ctx, c.hospital); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(r.Scans), "scans")
			b.ReportMetric(float64(r.VisitorsUnique), "people")
		})
	}
}

// reportHQFile returns the generated HQ database, making it first if the
// temporary folder has none for this schema version. It is written under
// another name and renamed, so a run that stops half-way leaves nothing.
func reportHQFile() (string, error) {
	migrations, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(migrations) == 0 {
		return "", fmt.Errorf("no migrations found: %v", err)
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("medibooth-report-hq-s%d-g%d.db", len(migrations), reportHQGeneration))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp, err := os.MkdirTemp("", "medibooth-report-hq-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	file := filepath.Join(tmp, data.FileName)
	if err := makeReportHQ(file); err != nil {
		return "", err
	}
	return path, os.Rename(file, path)
}

// makeReportHQ sets the event and its hospitals up through the store, then
// fills the rest with set-based SQL on a plain connection.
func makeReportHQ(path string) error {
	ctx := context.Background()
	db, err := data.Open(path)
	if err != nil {
		return err
	}
	err = db.CreateEvent(ctx, &booth.Event{Name: "KITF Gyeonggi joint booth", City: "Almaty", Country: "KZ",
		Start: "2026-09-17", End: "2026-09-19", TimeZone: "Asia/Almaty"})
	for _, h := range []booth.Org{
		{Name: "Kyung Hee Univ. Korean Medicine Hospital", Departments: []booth.Department{{Name: "Korean-medicine gynaecology"}, {Name: "Acupuncture"}, {Name: "Rehabilitation"}}},
		{Name: "Seoul National Univ. Dental Hospital", Departments: []booth.Department{{Name: "Dentistry"}, {Name: "Orthodontics"}}},
		{Name: "Soonchunhyang Univ. Seoul Hospital", Departments: []booth.Department{{Name: "Health screening"}, {Name: "Cardiology"}, {Name: "Orthopaedics"}}},
		{Name: "Korea Univ. Anam Hospital", Departments: []booth.Department{{Name: "GI cancers"}, {Name: "Post-COVID care"}}},
	} {
		if err == nil {
			h.Kind = booth.OrgHospital
			err = db.CreateOrg(ctx, &h)
		}
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	tx, err := raw.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range reportHQFill {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("%w in %s", err, strings.TrimSpace(q)[:60])
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = raw.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// reportHQFill fills the HQ database. Spreads come from multiplying row
// numbers by primes: cheap, repeatable and uneven enough. Times are UTC; the
// booth opens 09:00–18:00 in Almaty (UTC+5) on 17–19 September 2026.
var reportHQFill = []string{
	`CREATE TEMP TABLE n (i INTEGER PRIMARY KEY)`,
	`INSERT INTO n WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 399999) SELECT i FROM c`,
	`CREATE TEMP TABLE lap (k INTEGER PRIMARY KEY, id TEXT)`,
	`INSERT INTO lap SELECT i, printf('0192f0a0-0000-7000-8000-%012d', i) FROM n WHERE i < 10`,
	`INSERT INTO device (id, name, created_at) SELECT id, 'Desk ' || (k + 1), '2026-09-16T08:00:00.000Z' FROM lap`,
	`CREATE TEMP TABLE hosp (k INTEGER PRIMARY KEY, id TEXT, depts INTEGER)`,
	`INSERT INTO hosp SELECT row_number() OVER (ORDER BY o.name) - 1, o.id, (SELECT count(*) FROM department d WHERE d.org_id = o.id)
		FROM org o WHERE o.kind = 'hospital'`,
	`CREATE TEMP TABLE dept (h INTEGER, k INTEGER, name TEXT, PRIMARY KEY (h, k))`,
	`INSERT INTO dept SELECT h.k, row_number() OVER (PARTITION BY h.k ORDER BY d.name) - 1, d.name FROM hosp h JOIN department d ON d.org_id = h.id`,
	// 12 firms of ours and 60 agencies.
	`INSERT INTO org (id, kind, name, name_fold, created_at, updated_at, device_id, seq)
		SELECT printf('0192f0a1-0000-7000-8000-%012d', i), CASE WHEN i < 12 THEN 'firm' ELSE 'agency' END,
			CASE WHEN i < 12 THEN 'Gyeonggi firm ' || i ELSE 'Agency ' || (i - 12) END,
			CASE WHEN i < 12 THEN 'gyeonggi firm ' || i ELSE 'agency ' || (i - 12) END,
			'2026-09-16T08:00:00.000Z', '2026-09-16T08:00:00.000Z', (SELECT id FROM lap WHERE k = 0), 1 + i
		FROM n WHERE i < 72`,
	// 100,000 visitors registered over the three days on the 10 laptops;
	// 0.3% erased since.
	`INSERT INTO visitor (id, code, name, name_latin, phone, email, type, lang, country, city, birth_year, source,
			created_at, updated_at, device_id, seq, erased_at)
		SELECT printf('0192f0a2-%04d-7000-8000-%012d', i % 10, i), printf('1%02d%07d', i % 10, i),
			CASE WHEN e THEN '' ELSE printf('Посетитель %d Тестович', i) END, CASE WHEN e THEN '' ELSE printf('Posetitel %d Testovich', i) END,
			CASE WHEN e THEN '' ELSE printf('+7701%07d', i) END, CASE WHEN e OR i % 3 > 0 THEN '' ELSE printf('visitor%d@example.kz', i) END,
			CASE WHEN p < 55 THEN 'patient' WHEN p < 72 THEN 'companion' WHEN p < 84 THEN 'agency' WHEN p < 88 THEN 'media' ELSE 'other' END,
			CASE WHEN l < 58 THEN 'ru' WHEN l < 83 THEN 'kk' WHEN l < 93 THEN 'en' ELSE 'ko' END,
			CASE WHEN e THEN '' WHEN c < 70 THEN 'KZ' WHEN c < 82 THEN 'UZ' WHEN c < 90 THEN 'RU' WHEN c < 94 THEN 'TR' WHEN c < 97 THEN 'KG' ELSE '' END,
			CASE WHEN e THEN '' WHEN c < 40 THEN 'Almaty' WHEN c < 55 THEN 'Astana' WHEN c < 63 THEN 'Shymkent' WHEN c < 67 THEN 'Karaganda'
				WHEN c < 78 THEN 'Tashkent' WHEN c < 82 THEN 'Samarkand' WHEN c < 87 THEN 'Moscow' WHEN c < 90 THEN 'Novosibirsk'
				WHEN c < 94 THEN 'Istanbul' WHEN c < 97 THEN 'Bishkek' WHEN c < 99 THEN '' ELSE printf('Town %d', i % 53) END,
			CASE WHEN e THEN NULL ELSE 1940 + (x >> 4) % 66 END,
			CASE WHEN s < 45 THEN 'walk-in' WHEN s < 85 THEN 'pre-registered' WHEN s < 95 THEN 'kiosk' WHEN s < 99 THEN 'import' ELSE 'badge' END,
			t, t, printf('0192f0a0-0000-7000-8000-%012d', i % 10), 1 + i / 10, CASE WHEN e THEN '2026-09-20T10:00:00.000Z' END
		FROM (SELECT i, x, (x >> 8) % 100 AS p, (x >> 12) % 100 AS l, (x >> 16) % 100 AS c, (x >> 20) % 100 AS s, i % 331 = 7 AS e,
				strftime('%Y-%m-%dT%H:%M:%fZ', '2026-09-16T04:00:00', '+' || (i % 3) || ' days', '+' || ((i * 7477) % 32400) || ' seconds') AS t
			FROM (SELECT i, (i * 2654435761) % 4294967296 AS x FROM n WHERE i < 100000))`,
	// 1,500 people registered twice on two laptops, 100 of them three times.
	`INSERT INTO same_person (visitor_id, person_id, reason, merged_at)
		SELECT printf('0192f0a2-%04d-7000-8000-%012d', (i * 61 + k) % 10, i * 61 + k), printf('0192f0a2-%04d-7000-8000-%012d', (i * 61) % 10, i * 61),
			'same name and birth year', '2026-09-21T03:00:00.000Z'
		FROM n CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2) WHERE i < 1500 AND (k = 1 OR i < 100)`,
	// Consents: five purposes each, provision to one hospital; 2% withdrew
	// marketing later.
	`INSERT INTO consent (id, visitor_id, purpose, org_id, granted, text_version, text_hash, lang, at, created_at, device_id, seq)
		SELECT printf('0192f0a3-%04d-7000-8000-%012d', x.i % 10, x.i * 6 + p.i), v.id, p.purpose,
			CASE WHEN p.purpose = 'provision' THEN (SELECT id FROM hosp WHERE k = x.i % 4) END,
			(x.i * 7 + p.i * 13) % 100 < p.rate, 'v1', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', v.lang,
			v.created_at, v.created_at, v.device_id, 200000 + x.i * 6 + p.i
		FROM (SELECT i, printf('0192f0a2-%04d-7000-8000-%012d', i % 10, i) AS id FROM n WHERE i < 100000) AS x
		JOIN visitor v ON v.id = x.id
		CROSS JOIN (SELECT 0 AS i, 'contact' AS purpose, 100 AS rate UNION ALL SELECT 1, 'health', 81 UNION ALL SELECT 2, 'transfer', 70
			UNION ALL SELECT 3, 'provision', 62 UNION ALL SELECT 4, 'marketing', 33) AS p`,
	`INSERT INTO consent (id, visitor_id, purpose, org_id, granted, text_version, text_hash, lang, at, created_at, device_id, seq)
		SELECT printf('0192f0a3-%04d-7000-8000-%012d', i % 10, i * 6 + 5), printf('0192f0a2-%04d-7000-8000-%012d', i % 10, i),
			'marketing', NULL, 0, 'v1', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'ru',
			'2026-09-19T12:00:00.000Z', '2026-09-19T12:00:00.000Z', printf('0192f0a0-0000-7000-8000-%012d', i % 10), 900000 + i
		FROM n WHERE i < 100000 AND i % 50 = 3`,
	// 400,000 scans: 220,000 admissions (a visitor once a day at most),
	// 140,000 repeats of them later the same day, 40,000 rejected codes.
	`INSERT INTO scan (id, at, day, raw, code, visitor_id, decision, reason, created_at, device_id, seq)
		SELECT printf('0192f0a4-%04d-7000-8000-%012d', i % 10, i), at, date(at, '+5 hours'), CAST(code AS BLOB), code, vid, decision, reason,
			at, printf('0192f0a0-0000-7000-8000-%012d', i % 10), 1000000 + i / 10
		FROM (SELECT i, decision, reason, vid,
				strftime('%Y-%m-%dT%H:%M:%fZ', '2026-09-17T04:00:00', '+' || d || ' days', '+' || (sec + late) || ' seconds') AS at,
				CASE WHEN vid IS NULL THEN printf('MB2.%032x', i * 2654435761) ELSE 'MB1.' || vid || printf('.%040d', i) END AS code
			FROM (SELECT i, d, sec, decision, reason, late,
					CASE WHEN decision = 'rejected' AND i % 8 > 0 THEN NULL
						WHEN a % 997 = 0 THEN printf('0192f0a2-%04d-7000-8000-%012d', v % 10, 100000 + v) -- a laptop not merged yet
						ELSE printf('0192f0a2-%04d-7000-8000-%012d', v % 10, v) END AS vid
				FROM (SELECT i, a, a / 73334 AS d, (a * 7477) % 30000 AS sec, ((a % 73334) * 7919 + (a / 73334) * 31337) % 100000 AS v,
						CASE WHEN i < 220000 THEN 'admitted' WHEN i < 360000 THEN 'duplicate' ELSE 'rejected' END AS decision,
						CASE WHEN i < 360000 THEN '' WHEN i % 8 = 0 THEN 'erased' WHEN i % 3 = 0 THEN 'malformed' ELSE 'unknown' END AS reason,
						CASE WHEN i < 220000 THEN 0 ELSE 1 + (i * 17) % 2400 END AS late
					FROM (SELECT i, CASE WHEN i < 220000 THEN i ELSE (i * 3) % 220000 END AS a FROM n))))`,
	// 25,000 consultations of 20,000 patients in 4 hospitals, 10
	// departments, 5 doctors each; a sealed note each.
	`INSERT INTO consultation (id, visitor_id, org_id, department, doctor, at, day, recommendation, follow_up, sealed,
			created_at, updated_at, device_id, seq)
		SELECT printf('0192f0a5-%04d-7000-8000-%012d', i % 10, i), printf('0192f0a2-%04d-7000-8000-%012d', v % 10, v), h.id,
			(SELECT name FROM dept WHERE dept.h = h.k AND dept.k = (i / 4) % h.depts), printf('Dr %s %d', char(65 + h.k), (i / 4 * 7) % 5),
			at, date(at, '+5 hours'),
			CASE (i * 11) % 6 WHEN 0 THEN '' WHEN 1 THEN 'tele-consultation' WHEN 2 THEN 'send-records' WHEN 3 THEN 'quote' WHEN 4 THEN 'treatment-visit' ELSE 'none' END,
			CASE (i * 13) % 4 WHEN 0 THEN '' WHEN 1 THEN 'yes' WHEN 2 THEN 'maybe' ELSE 'no' END,
			randomblob(300), at, at, printf('0192f0a0-0000-7000-8000-%012d', i % 10), 2000000 + i / 10
		FROM (SELECT i, ((i % 20000) * 7919) % 100000 AS v, i % 4 AS hk,
				strftime('%Y-%m-%dT%H:%M:%fZ', '2026-09-17T04:00:00', '+' || (i % 3) || ' days', '+' || ((i * 7477) % 32400) || ' seconds') AS at
			FROM n WHERE i < 25000)
		JOIN hosp h ON h.k = hk`,
	// 3,000 B2B meetings of our firms and hospitals with 60 agencies.
	`INSERT INTO meeting (id, firm_id, agency_id, at, day, outcome, mou, created_at, updated_at, device_id, seq)
		SELECT printf('0192f0a6-%04d-7000-8000-%012d', i % 10, i),
			CASE WHEN i % 4 = 0 THEN (SELECT id FROM hosp WHERE k = (i / 4) % 4) ELSE printf('0192f0a1-0000-7000-8000-%012d', i % 12) END,
			printf('0192f0a1-0000-7000-8000-%012d', 12 + (i * 7) % 60), at, date(at, '+5 hours'), 'Talked prices', i % 25 = 0,
			at, at, printf('0192f0a0-0000-7000-8000-%012d', i % 10), 3000000 + i
		FROM (SELECT i, strftime('%Y-%m-%dT%H:%M:%fZ', '2026-09-17T04:00:00', '+' || (i % 3) || ' days', '+' || ((i * 7477) % 32400) || ' seconds') AS at
			FROM n WHERE i < 3000)`,
}

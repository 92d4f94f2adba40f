package data

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

// Name parts for generated visitors, in the scripts a booth in Almaty sees.
var (
	kazakhGiven   = []string{"Айгерім", "Нұрсұлтан", "Гүлнар", "Дәурен", "Ерболат", "Әсел", "Жанар", "Қайрат", "Ұлжан", "Өмірзақ", "Сәуле", "Бауыржан", "Ғалым", "Мөлдір", "Іңкәр", "Жансая", "Дархан", "Ақбота"}
	kazakhFamily  = []string{"Сейітқали", "Жұмабаева", "Омаров", "Тоқтаров", "Әбдіқадыров", "Қасымов", "Нұрланова", "Бекмұхамбетов", "Серікбаева", "Ғабитов", "Мұқанов", "Үсенова"}
	russianGiven  = []string{"Ольга", "Дмитрий", "Елена", "Сергей", "Анна", "Юрий", "Татьяна", "Андрей", "Наталья", "Владимир", "Светлана", "Алексей", "Ирина", "Щукин"}
	russianFamily = []string{"Щербакова", "Ким", "Пак", "Цой", "Иванов", "Соколова", "Кузнецов", "Попова", "Лебедев", "Морозова", "Волков", "Ли"}
	koreanNames   = []string{"김민준", "이서연", "박지현", "최예은", "정우진", "강하늘", "조민서", "윤서준", "장지우", "임도윤", "한소희", "오지훈"}
	latinNames    = []string{"Aigerim Nurlanova", "Jasur Toxtayev", "Emre Yilmaz", "Timur Abdullaev", "Dilnoza Karimova", "Ayse Demir"}
)

type script int

const (
	scriptKazakh script = iota
	scriptRussian
	scriptKorean
	scriptLatin
)

// mixedVisitors makes n visitors with names in Kazakh, Russian, Korean and
// Latin script, numbered so every name is unique.
func mixedVisitors(n int, seed uint64) ([]booth.Visitor, []script) {
	r := rand.New(rand.NewPCG(seed, seed))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	vs := make([]booth.Visitor, n)
	scripts := make([]script, n)
	for i := range vs {
		var name string
		sc := script(r.IntN(10))
		switch {
		case sc < 4:
			sc = scriptKazakh
			name = pick(kazakhGiven) + " " + pick(kazakhFamily)
		case sc < 8:
			sc = scriptRussian
			name = pick(russianGiven) + " " + pick(russianFamily)
		case sc < 9:
			sc = scriptKorean
			name = pick(koreanNames)
		default:
			sc = scriptLatin
			name = pick(latinNames)
		}
		vs[i] = booth.Visitor{Name: name, Phone: fmt.Sprintf("+7701%07d", i), BirthYear: 1950 + r.IntN(55)}
		scripts[i] = sc
	}
	return vs, scripts
}

func openBenchDB(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), FileName))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	ev := &booth.Event{Name: "Bench", City: "Almaty", Country: "KZ", Start: "2026-09-17", End: "2026-09-18"}
	if err := db.CreateEvent(context.Background(), ev); err != nil {
		tb.Fatal(err)
	}
	return db
}

func storeVisitors(tb testing.TB, db *DB, vs []booth.Visitor) {
	tb.Helper()
	const batch = 5000
	for i := 0; i < len(vs); i += batch {
		if _, err := db.Import(context.Background(), vs[i:min(i+batch, len(vs))]); err != nil {
			tb.Fatal(err)
		}
	}
}

// queryFor is what a person types to find v: the first letters of each word
// of the name as written (Korean: the first two syllables).
func queryFor(v booth.Visitor, sc script) string {
	words := strings.Fields(v.Name)
	cut := func(w string, n int) string {
		r := []rune(w)
		return string(r[:min(n, len(r))])
	}
	if sc == scriptKorean {
		return cut(words[0], 2)
	}
	var q []string
	for _, w := range words {
		q = append(q, cut(w, 3))
	}
	return strings.Join(q, " ")
}

// TestSearchFindsEveryScriptByPrefix checks on 5,000 mixed visitors that a
// prefix query in each script finds exactly the visitors it should.
func TestSearchFindsEveryScriptByPrefix(t *testing.T) {
	db := openBenchDB(t)
	vs, scripts := mixedVisitors(5000, 1)
	storeVisitors(t, db, vs)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(2, 2))
	for range 200 {
		i := r.IntN(len(vs))
		q := queryFor(vs[i], scripts[i])
		found, err := db.FindVisitors(ctx, q, 500)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(found, func(f booth.Visitor) bool { return f.ID == vs[i].ID }) {
			t.Fatalf("%q did not find %s (script %d) among %d results", q, vs[i].Name, scripts[i], len(found))
		}
		for _, f := range found {
			if !matchesAllWords(f.Name, q) {
				t.Fatalf("%q found %q, which does not match", q, f.Name)
			}
		}
	}
}

func matchesAllWords(name, q string) bool {
	for _, qw := range strings.Fields(q) {
		ok := false
		for _, nw := range strings.Fields(name) {
			if strings.HasPrefix(booth.FoldScript(nw), booth.FoldScript(qw)) || strings.HasPrefix(booth.SearchKey(nw), booth.SearchKey(qw)) ||
				strings.Contains(booth.FoldScript(nw), booth.FoldScript(qw)) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// BenchmarkCheckinVsBareInsert times a whole check-in (code parse, lookups,
// decision, INSERT, COMMIT with synchronous=FULL) and a bare one-row INSERT
// + COMMIT on a file opened the same way, alternating in one loop so both
// see the same machine load. It reports p50/p99 of each and their ratio.
//
// "number" scans visitor numbers (a look-up); "badge" scans signed badge
// codes, which add two signature checks and opening the sealed contents;
// "badge-consents" scans badges that carry consents to health, transfer and
// one hospital, on the laptop that printed them (which looks up whether it
// holds them, and does).
func BenchmarkCheckinVsBareInsert(b *testing.B) {
	b.Run("number", func(b *testing.B) { benchCheckin(b, false, false) })
	b.Run("badge", func(b *testing.B) { benchCheckin(b, true, false) })
	b.Run("badge-consents", func(b *testing.B) { benchCheckin(b, true, true) })
}

func benchCheckin(b *testing.B, badges, consents bool) {
	db := openBenchDB(b)
	vs, _ := mixedVisitors(max(b.N, 1000), 3)
	storeVisitors(b, db, vs)
	ctx := context.Background()
	if consents {
		h := &booth.Org{Kind: booth.OrgHospital, Name: "Seoul Clinic"}
		if err := db.CreateOrg(ctx, h); err != nil {
			b.Fatal(err)
		}
		for _, v := range vs {
			for _, c := range []booth.Consent{{Purpose: booth.PurposeHealth}, {Purpose: booth.PurposeTransfer}, {Purpose: booth.PurposeProvision, OrgID: h.ID}} {
				c.VisitorID, c.Granted, c.TextVersion, c.TextHash, c.Lang = v.ID, true, "bench", "bench", "ru"
				if err := db.AddConsent(ctx, &c); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	codes := make([]string, len(vs))
	for i, v := range vs {
		codes[i] = v.Code
		if badges {
			code, _, err := db.BadgeCode(ctx, v.ID)
			if err != nil {
				b.Fatal(err)
			}
			codes[i] = code
		}
	}
	bare := openBenchDB(b)
	if _, err := bare.w.Exec(`CREATE TABLE bare (id TEXT PRIMARY KEY, at TEXT NOT NULL, raw BLOB NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	checkins := make([]time.Duration, 0, b.N)
	inserts := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		tx, err := bare.w.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO bare (id, at, raw) VALUES (?, ?, ?)`, booth.NewID(), booth.FormatTime(time.Now()), []byte(codes[i])); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		s, err := db.Checkin(ctx, booth.CheckinRequest{Raw: codes[i] + "\r", Window: booth.DoubleSendWindow})
		if err != nil || s.Decision != booth.Admitted {
			b.Fatalf("check-in: %+v %v", s, err)
		}
		t2 := time.Now()
		inserts = append(inserts, t1.Sub(t0))
		checkins = append(checkins, t2.Sub(t1))
	}
	b.StopTimer()
	ci50, ci99 := percentile(checkins, 50), percentile(checkins, 99)
	in50, in99 := percentile(inserts, 50), percentile(inserts, 99)
	b.ReportMetric(float64(ci50.Microseconds()), "checkin-p50-µs")
	b.ReportMetric(float64(ci99.Microseconds()), "checkin-p99-µs")
	b.ReportMetric(float64(in50.Microseconds()), "insert-p50-µs")
	b.ReportMetric(float64(in99.Microseconds()), "insert-p99-µs")
	b.ReportMetric(float64(ci50)/float64(in50), "ratio-p50")
	b.ReportMetric(float64(ci99)/float64(in99), "ratio-p99")
}

// BenchmarkFindVisitors100k searches 100,000 visitors in mixed scripts with
// the prefixes a person types, reporting latency percentiles and the share
// of queries that found the visitor they were typed from, per script.
func BenchmarkFindVisitors100k(b *testing.B) {
	db := openBenchDB(b)
	vs, scripts := mixedVisitors(100_000, 4)
	storeVisitors(b, db, vs)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 5))
	lat := make([]time.Duration, 0, b.N)
	hits := map[script][2]int{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := r.IntN(len(vs))
		q := queryFor(vs[j], scripts[j])
		t0 := time.Now()
		found, err := db.FindVisitors(ctx, q, 30)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		h := hits[scripts[j]]
		h[1]++
		if len(found) > 0 && matchesAllWords(found[0].Name, q) {
			h[0]++
		}
		hits[scripts[j]] = h
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(lat, 50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(lat, 99).Microseconds()), "p99-µs")
	for sc, name := range map[script]string{scriptKazakh: "kazakh", scriptRussian: "russian", scriptKorean: "korean", scriptLatin: "latin"} {
		if h := hits[sc]; h[1] > 0 {
			b.ReportMetric(100*float64(h[0])/float64(h[1]), "hit%-"+name)
		}
	}
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

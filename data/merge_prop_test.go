package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"medibooth/booth"
)

// The property: HQ's state after merging a set of laptop snapshots depends
// on the set only. Each scenario lets 3 to 10 laptops of one event register
// visitors, scan badges (of visitors they never saw too), edit the same
// visitors (often at the same second), hold consultations, move queues, log
// meetings with agencies they add themselves, erase visitors, and take
// snapshots now and then (older bundles of the same laptop), even rename
// themselves. A first HQ merges all the snapshots in a random order, taking
// a snapshot of its own partway; a second HQ merges that snapshot with the
// rest and a few duplicates in another order (a regrouping); then the first
// HQ merges one snapshot again (idempotence). Their StateHash must agree.

const (
	propScenarios      = 1000
	propScenariosShort = 100
	// The race detector slows modernc's SQLite (C translated to Go) about
	// 18 times: with it the property test runs this many scenarios, so that
	// it stays within a minute on two cores. The code it checks for races
	// is the same in every scenario.
	propScenariosRace = 60
	propSeed          = 20260917
)

// propCount is how many scenarios to run: MEDIBOOTH_MERGE_SCENARIOS when
// set, else by mode.
func propCount(t *testing.T) int {
	if s := os.Getenv("MEDIBOOTH_MERGE_SCENARIOS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("MEDIBOOTH_MERGE_SCENARIOS=%q is not a number of scenarios", s)
		}
		return n
	}
	switch {
	case propRace():
		return propScenariosRace
	case testing.Short():
		return propScenariosShort
	}
	return propScenarios
}

// propRace reports whether the test binary was built with -race.
func propRace() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

func TestMergePropertyOrderDoesNotMatter(t *testing.T) {
	n := propCount(t)
	w := newPropWorld(t)
	start := time.Now()
	var merges atomic.Int64
	failed := w.run(t, n, func(i int) error {
		k, err := w.scenario(context.Background(), i)
		merges.Add(int64(k))
		return err
	}, 1)
	for _, err := range failed {
		t.Error(err)
	}
	t.Logf("%d scenarios, %d merges in %v", n, merges.Load(), time.Since(start).Round(time.Millisecond))
}

// The test of the test: with a tie-break that ignores device and sequence
// on equal times (the snapshot merged last wins), the same property must
// fail.
func TestMergePropertyCatchesABrokenTieBreak(t *testing.T) {
	w := newPropWorld(t)
	ctx := context.WithValue(context.Background(), mergeHooksKey{}, &mergeHooks{brokenTieBreak: true})
	failed := w.run(t, 40, func(i int) error {
		_, err := w.scenario(ctx, i)
		return err
	}, 1)
	if len(failed) == 0 {
		t.Fatal("the property test did not notice a broken tie-break")
	}
	for _, err := range failed {
		if !errors.Is(err, errPropDiffers) {
			t.Errorf("with a broken tie-break, not a difference but: %v", err)
		}
	}
	t.Logf("the broken tie-break was caught: %v", failed[0])
}

// WithMergeTrace returns a context in which MergeSnapshot hands every
// statement it runs inside its transaction to f (the benchmark replays them
// in the sqlite3 CLI).
func WithMergeTrace(ctx context.Context, f func(query string, args []any)) context.Context {
	return context.WithValue(ctx, mergeHooksKey{}, &mergeHooks{trace: f})
}

// run runs scenarios 0..n-1 on every core and returns the errors, stopping
// once it has enough of them.
func (w *propWorld) run(t *testing.T, n int, f func(int) error, enough int) []error {
	t.Helper()
	var mu sync.Mutex
	var failed []error
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				mu.Lock()
				stop := i >= n || len(failed) >= enough
				mu.Unlock()
				if stop {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					failed = append(failed, fmt.Errorf("scenario %d: %w", i, err))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return failed
}

// propWorld holds what every scenario starts from: HQ's database with the
// event set up, and a laptop's database that joined it, both closed files
// to copy.
type propWorld struct {
	dir        string
	hq         string // HQ's database file
	laptop     string // a joined laptop's database file (rollback journal)
	hqFile     []byte // their contents
	laptopFile []byte
	base       propRows
	orgs       []string // the hospitals' ids
	depts      map[string][]string
	firm       string
	staff      []string
}

// propRows are a laptop's rows: table → key → column → value.
type propRows map[string]map[string]map[string]any

var propBase = time.Date(2026, 9, 17, 4, 0, 0, 0, time.UTC)

func newPropWorld(tb testing.TB) *propWorld {
	tb.Helper()
	ctx := context.Background()
	w := &propWorld{dir: propDir(tb), depts: map[string][]string{}}
	w.hq = filepath.Join(w.dir, "hq.db")
	hq, err := Open(w.hq)
	if err != nil {
		tb.Fatal(err)
	}
	hq.Now = func() time.Time { return propBase }
	hq.PINCost = booth.PINCost{Time: 1, Memory: 64, Threads: 1}
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(hq.CreateEvent(ctx, &booth.Event{Name: "Almaty Health Consultation", City: "Almaty", Country: "KZ",
		Start: "2026-09-17", End: "2026-09-18", TimeZone: "Asia/Almaty"}))
	for _, o := range []*booth.Org{
		{Kind: booth.OrgHospital, Name: "Kyung Hee Univ. Korean Medicine Hospital", Departments: []booth.Department{{Name: "Korean-medicine gynaecology"}}},
		{Kind: booth.OrgHospital, Name: "Korea Univ. Anam Hospital", Departments: []booth.Department{{Name: "GI cancers"}, {Name: "Post-COVID care"}}},
	} {
		must(hq.CreateOrg(ctx, o))
		w.orgs = append(w.orgs, o.ID)
		for _, d := range o.Departments {
			w.depts[o.ID] = append(w.depts[o.ID], d.Name)
		}
	}
	must(hq.SetComplaints(ctx, w.orgs[1], "GI cancers", []string{"Heartburn", "Weight loss"}))
	firm := &booth.Org{Kind: booth.OrgFirm, Name: "Seoul Medical Tour"}
	must(hq.CreateOrg(ctx, firm))
	w.firm = firm.ID
	for _, name := range []string{"Kim Desk", "Lee Desk"} {
		s := &booth.Staff{Name: name, Role: booth.RoleDesk}
		must(hq.CreateStaff(ctx, s, "4826"))
		w.staff = append(w.staff, s.ID)
	}
	for _, name := range []string{"Ольга Щербакова", "Дәурен Омаров", "김민준"} {
		v := &booth.Visitor{Name: name, Source: booth.SourcePreRegister, Interests: []string{"GI cancers"}}
		must(hq.CreateVisitor(ctx, v, []booth.Consent{{Purpose: booth.PurposeContact, Granted: true, TextVersion: "v1", TextHash: "h", Lang: "ru"}}))
	}
	pkg, err := hq.Package(ctx)
	must(err)
	p, err := booth.OpenPackage(pkg)
	must(err)
	must(hq.Close())

	w.laptop = filepath.Join(w.dir, "laptop.db")
	lap, err := Open(w.laptop)
	must(err)
	lap.Now = func() time.Time { return propBase.Add(time.Hour) }
	_, err = lap.Join(ctx, p, "Template")
	must(err)
	must(lap.Close())
	raw, err := sql.Open("sqlite", w.laptop)
	must(err)
	defer raw.Close()
	_, err = raw.Exec(`PRAGMA journal_mode = DELETE`)
	must(err)
	w.base = propRows{}
	for _, t := range []string{"visitor", "visitor_interest", "staff"} {
		must(w.load(raw, t))
	}
	must(raw.Close())
	w.hqFile, err = os.ReadFile(w.hq)
	must(err)
	w.laptopFile, err = os.ReadFile(w.laptop)
	must(err)
	return w
}

// propDir is a directory in memory when the system has one: the scenarios
// write thousands of small files.
func propDir(tb testing.TB) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "medibooth-merge-"); err == nil {
			tb.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return tb.TempDir()
}

func (w *propWorld) load(raw *sql.DB, table string) error {
	t := mergeTableNamed(table)
	var names []string
	for _, c := range t.cols {
		names = append(names, c.name)
	}
	rows, err := raw.Query(`SELECT ` + strings.Join(names, ", ") + ` FROM ` + table)
	if err != nil {
		return err
	}
	defer rows.Close()
	w.base[table] = map[string]map[string]any{}
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		r := map[string]any{}
		for i, n := range names {
			r[n] = vals[i]
		}
		w.base[table][propKey(table, r)] = r
	}
	return rows.Err()
}

func propKey(table string, r map[string]any) string {
	switch table {
	case "visitor_interest":
		return mergeText(r["visitor_id"]) + "\x00" + mergeText(r["specialty"])
	case "agency_info":
		return mergeText(r["org_id"])
	case "revoked_key":
		return mergeText(r["key_id"])
	}
	return mergeText(r["id"])
}

// propLaptop is one laptop of a scenario: its rows as the generator keeps
// them, written to a copy of the template laptop for each snapshot.
type propLaptop struct {
	dev    string
	name   string
	seq    int64
	now    time.Time
	rows   propRows
	erased map[string]bool // visitors whose interests go
}

func (l *propLaptop) next() int64 { l.seq++; return l.seq }

// stamp gives r this laptop's version: the time (created_at too for a new
// row), the device and the next sequence number.
func (l *propLaptop) stamp(table string, r map[string]any, created bool) map[string]any {
	t := booth.FormatTime(l.now)
	for _, c := range mergeTableNamed(table).cols {
		if c.name == "updated_at" || (created && c.name == "created_at") {
			r[c.name] = t
		}
	}
	r["device_id"], r["seq"] = l.dev, l.next()
	l.put(table, r)
	return r
}

func (l *propLaptop) put(table string, r map[string]any) {
	if l.rows[table] == nil {
		l.rows[table] = map[string]map[string]any{}
	}
	l.rows[table][propKey(table, r)] = r
}

func (l *propLaptop) get(table, key string) map[string]any { return l.rows[table][key] }

func propClone(r map[string]any) map[string]any {
	c := make(map[string]any, len(r))
	for k, v := range r {
		c[k] = v
	}
	return c
}

// propScenario is one randomized scenario.
type propScenario struct {
	w       *propWorld
	r       *rand.Rand
	laptops []*propLaptop
	known   []string // every visitor id registered anywhere
	snaps   []string
	dir     string
	n       int
}

var (
	propNames    = []string{"Айгерим Нурланова", "Дмитрий Ким", "Гүлнар Сейітқали", "Сергей Пак", "이서연", "Emre Yilmaz", "Анна Ли"}
	propCities   = []string{"Almaty", "Astana", "Shymkent", "Tashkent", ""}
	propAgencies = []string{"Silk Road Travel", "Kazakh Tours", "Almaty Med Travel"}
	propStates   = []string{"waiting", "called", "consulting", "done", "no-show"}
)

// scenario runs scenario i and returns how many merges it made.
func (w *propWorld) scenario(ctx context.Context, i int) (int, error) {
	s := &propScenario{w: w, r: rand.New(rand.NewPCG(propSeed, uint64(i)))}
	s.dir = filepath.Join(w.dir, fmt.Sprintf("s%d", i))
	if err := os.Mkdir(s.dir, 0o700); err != nil {
		return 0, err
	}
	defer os.RemoveAll(s.dir)
	for k := range 3 + s.r.IntN(8) {
		l := &propLaptop{dev: fmt.Sprintf("%08x-%d", s.r.Uint32(), k), name: fmt.Sprintf("Desk %d", k+1),
			now: propBase.Add(2 * time.Hour), rows: propRows{}, erased: map[string]bool{}}
		for t, rows := range w.base {
			l.rows[t] = map[string]map[string]any{}
			for key, r := range rows {
				l.rows[t][key] = propClone(r)
			}
		}
		s.laptops = append(s.laptops, l)
	}
	for range 12 * len(s.laptops) {
		l := s.laptops[s.r.IntN(len(s.laptops))]
		if s.r.IntN(3) == 0 {
			l.now = l.now.Add(time.Minute) // slow clocks: equal times are common
		}
		if err := s.step(l); err != nil {
			return 0, err
		}
	}
	for _, l := range s.laptops {
		if err := s.snapshot(l); err != nil {
			return 0, err
		}
	}
	return s.check(ctx)
}

func (s *propScenario) step(l *propLaptop) error {
	switch p := s.r.IntN(100); {
	case p < 18:
		s.register(l)
	case p < 36:
		s.edit(l)
	case p < 44:
		s.learn(l)
	case p < 58:
		s.scan(l)
	case p < 62:
		s.erase(l)
	case p < 74:
		s.consult(l)
	case p < 80:
		s.queue(l)
	case p < 86:
		s.meeting(l)
	case p < 88:
		s.clinic(l)
	case p < 91:
		s.staff(l)
	case p < 93:
		s.revoke(l)
	case p < 95:
		s.print(l)
	case p < 96:
		s.consent(l, s.pick(l, "visitor", propAlive))
	case p < 98:
		return s.snapshot(l) // an older bundle of this laptop
	case p < 99:
		l.name = fmt.Sprintf("Desk %d", s.r.IntN(100)) // renamed: its bundles disagree on its name
	default:
		s.edit(l)
	}
	return nil
}

func (s *propScenario) id(prefix string) string {
	s.n++
	return fmt.Sprintf("%s-%04x-%d", prefix, s.r.Uint32()&0xffff, s.n)
}

func (s *propScenario) pick(l *propLaptop, table string, ok func(map[string]any) bool) map[string]any {
	var keys []string
	for k, r := range l.rows[table] {
		if ok == nil || ok(r) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	return l.rows[table][keys[s.r.IntN(len(keys))]]
}

func propAlive(r map[string]any) bool { return r["erased_at"] == nil }

func (s *propScenario) register(l *propLaptop) {
	name := propNames[s.r.IntN(len(propNames))]
	code := fmt.Sprintf("1%012d", s.r.Int64N(1e12))
	if len(s.known) > 0 && s.r.IntN(10) == 0 {
		// A random badge number two laptops drew alike.
		for _, o := range s.laptops {
			if v := o.get("visitor", s.known[s.r.IntN(len(s.known))]); v != nil && v["code"] != nil && !propHasCode(l, v["code"]) {
				code = mergeText(v["code"])
				break
			}
		}
	}
	v := l.stamp("visitor", map[string]any{"id": s.id("v"), "code": code, "name": name, "name_latin": booth.Latin(name),
		"phone": fmt.Sprintf("+7701%07d", s.r.IntN(1e7)), "email": "", "messenger": "", "type": "patient", "lang": "ru",
		"country": "KZ", "city": propCities[s.r.IntN(len(propCities))], "birth_year": int64(1950 + s.r.IntN(50)),
		"source": "walk-in", "erased_at": nil, "badge_key": nil}, true)
	s.known = append(s.known, mergeText(v["id"]))
	for _, sp := range []string{"GI cancers", "Dentistry", "Post-COVID care"} {
		if s.r.IntN(2) == 0 {
			l.put("visitor_interest", map[string]any{"visitor_id": v["id"], "specialty": sp, "created_at": v["created_at"],
				"device_id": l.dev, "seq": v["seq"]})
		}
	}
	s.consent(l, v)
}

// propHasCode reports whether a visitor of this laptop has the badge number.
func propHasCode(l *propLaptop, code any) bool {
	for _, v := range l.rows["visitor"] {
		if v["code"] != nil && v["code"] == code {
			return true
		}
	}
	return false
}

func (s *propScenario) consent(l *propLaptop, v map[string]any) {
	if v == nil {
		return
	}
	l.stamp("consent", map[string]any{"id": s.id("c"), "visitor_id": v["id"], "purpose": "contact", "org_id": nil,
		"granted": int64(1), "text_version": "v1", "text_hash": "h", "lang": "ru", "at": booth.FormatTime(l.now),
		"staff_id": nil}, true)
}

// edit changes a visitor this laptop knows: often one another laptop edits
// too, at the same second.
func (s *propScenario) edit(l *propLaptop) {
	v := s.pick(l, "visitor", propAlive)
	if v == nil {
		return
	}
	v = propClone(v)
	v["city"] = propCities[s.r.IntN(len(propCities))]
	if s.r.IntN(3) == 0 {
		v["phone"] = fmt.Sprintf("+7702%07d", s.r.IntN(1e7))
	}
	l.stamp("visitor", v, false)
}

// learn gives this laptop another laptop's current copy of a visitor, with
// interests, consents and consultations: what a later package or a shared
// import would do. It makes edits of one visitor on several laptops likely.
func (s *propScenario) learn(l *propLaptop) {
	o := s.laptops[s.r.IntN(len(s.laptops))]
	v := s.pick(o, "visitor", nil)
	if v == nil || o == l || l.get("visitor", mergeText(v["id"])) != nil || propHasCode(l, v["code"]) {
		return
	}
	id := v["id"]
	l.put("visitor", propClone(v))
	for _, table := range []string{"visitor_interest", "consent", "consultation"} {
		for _, r := range o.rows[table] {
			if r["visitor_id"] == id && (table != "consultation" || slices.Contains(s.w.orgs, mergeText(r["org_id"]))) {
				l.put(table, propClone(r))
			}
		}
	}
	if o.erased[mergeText(id)] {
		l.erased[mergeText(id)] = true
	}
}

// scan checks a visitor in; one this laptop never saw becomes a badge stub.
func (s *propScenario) scan(l *propLaptop) {
	r := map[string]any{"id": s.id("s"), "at": booth.FormatTime(l.now), "day": "2026-09-17", "raw": []byte("garbage"),
		"code": "", "visitor_id": nil, "decision": "rejected", "reason": "unreadable", "late": int64(0)}
	if len(s.known) > 0 && s.r.IntN(6) > 0 {
		id := s.known[s.r.IntN(len(s.known))]
		v := l.get("visitor", id)
		if v == nil {
			v = l.stamp("visitor", map[string]any{"id": id, "code": nil, "name": "Badge Visitor", "name_latin": "Badge Visitor", "phone": "",
				"email": "", "messenger": "", "type": "patient", "lang": "ru", "country": "", "city": "", "birth_year": nil,
				"source": "badge", "erased_at": nil, "badge_key": "00112233aabbccdd"}, true)
		}
		r["visitor_id"], r["raw"], r["code"], r["reason"] = id, []byte("MB1:"+id), "MB1:"+id, ""
		r["decision"] = []string{"admitted", "duplicate"}[s.r.IntN(2)]
		if !propAlive(v) {
			r["raw"], r["code"] = []byte{}, ""
		}
	}
	l.stamp("scan", r, true)
}

// erase erases a visitor on this laptop as EraseVisitor does.
func (s *propScenario) erase(l *propLaptop) {
	v := s.pick(l, "visitor", nil)
	if v == nil {
		return
	}
	v = propClone(v)
	id := v["id"]
	for _, c := range []string{"name", "name_latin", "phone", "email", "messenger", "country", "city"} {
		v[c] = ""
	}
	v["code"], v["birth_year"], v["badge_key"] = nil, nil, nil
	if v["erased_at"] == nil {
		v["erased_at"] = booth.FormatTime(l.now)
	}
	l.stamp("visitor", v, false)
	l.erased[mergeText(id)] = true
	for k, r := range l.rows["visitor_interest"] {
		if r["visitor_id"] == id {
			delete(l.rows["visitor_interest"], k)
		}
	}
	blank := map[string]map[string]any{"scan": {"raw": []byte{}, "code": ""}, "badge_print": {"target": ""},
		"consultation": {"sealed": nil, "follow_up_by": ""}}
	for table, cols := range blank {
		for _, r := range l.rows[table] {
			if r["visitor_id"] == id {
				for c, val := range cols {
					r[c] = val
				}
			}
		}
	}
}

// consult adds a consultation, or edits one this laptop knows.
func (s *propScenario) consult(l *propLaptop) {
	if c := s.pick(l, "consultation", nil); c != nil && s.r.IntN(2) == 0 {
		c = propClone(c)
		c["follow_up"] = []string{"yes", "maybe", "no"}[s.r.IntN(3)]
		c["doctor"] = fmt.Sprintf("Dr %d", s.r.IntN(4))
		if v := l.get("visitor", mergeText(c["visitor_id"])); v != nil && propAlive(v) {
			c["sealed"] = []byte(fmt.Sprintf("age-sealed-%d", s.r.IntN(1000)))
		}
		l.stamp("consultation", c, false)
		return
	}
	v := s.pick(l, "visitor", propAlive)
	if v == nil {
		return
	}
	org := s.w.orgs[s.r.IntN(len(s.w.orgs))]
	depts := s.w.depts[org]
	l.stamp("consultation", map[string]any{"id": s.id("k"), "visitor_id": v["id"], "org_id": org,
		"department": depts[s.r.IntN(len(depts))], "doctor": "Dr Kim", "at": booth.FormatTime(l.now), "day": "2026-09-17",
		"late": int64(0), "recommendation": "", "follow_up": "maybe", "follow_up_when": "", "follow_up_by": "coordinator",
		"interpreter": "ru", "sealed": []byte("age-sealed"), "staff_id": nil, "updated_at": ""}, true)
}

// queue sends a visitor to a hospital's queue, or moves an entry on.
func (s *propScenario) queue(l *propLaptop) {
	if e := s.pick(l, "queue_entry", nil); e != nil && s.r.IntN(2) == 0 {
		e = propClone(e)
		e["state"] = propStates[s.r.IntN(len(propStates))]
		e["called_at"] = booth.FormatTime(l.now)
		l.stamp("queue_entry", e, false)
		return
	}
	v := s.pick(l, "visitor", propAlive)
	if v == nil {
		return
	}
	t := booth.FormatTime(l.now)
	l.stamp("queue_entry", map[string]any{"id": s.id("q"), "visitor_id": v["id"], "org_id": s.w.orgs[s.r.IntN(len(s.w.orgs))],
		"department": "", "state": "waiting", "since": t, "called_at": "", "started_at": "", "ended_at": "", "staff_id": nil,
		"updated_at": ""}, true)
}

// orgNamed returns the organisation of that kind and name this laptop
// knows, adding it (with an id of its own) when it knows none.
func (s *propScenario) orgNamed(l *propLaptop, kind, name string) map[string]any {
	fold := strings.ToLower(name)
	for _, o := range l.rows["org"] {
		if o["kind"] == kind && o["name_fold"] == fold {
			return o
		}
	}
	return l.stamp("org", map[string]any{"id": s.id("o"), "kind": kind, "name": name, "name_fold": fold}, true)
}

// meeting logs a meeting with an agency this laptop may add to its
// directory: other laptops add the same name with other ids.
func (s *propScenario) meeting(l *propLaptop) {
	a := s.orgNamed(l, "agency", propAgencies[s.r.IntN(len(propAgencies))])
	info := l.get("agency_info", mergeText(a["id"]))
	if info == nil || s.r.IntN(2) == 0 {
		info = map[string]any{"org_id": a["id"], "city": propCities[s.r.IntN(len(propCities))], "contact": fmt.Sprintf("+7 %d", s.r.IntN(100))}
		l.stamp("agency_info", info, false)
	}
	l.stamp("meeting", map[string]any{"id": s.id("m"), "firm_id": s.w.firm, "agency_id": a["id"], "attendees": "",
		"at": booth.FormatTime(l.now), "day": "2026-09-17", "late": int64(0), "outcome": "", "mou": int64(s.r.IntN(2)),
		"next_action": "", "staff_id": nil, "updated_at": ""}, true)
}

// clinic adds a hospital with departments and complaint lists that other
// laptops may add too, under ids of their own.
func (s *propScenario) clinic(l *propLaptop) {
	o := s.orgNamed(l, "hospital", "Clinic Nova")
	for _, name := range []string{"Cardiology", "Dentistry"} {
		var dept map[string]any
		for _, d := range l.rows["department"] {
			if d["org_id"] == o["id"] && d["name_fold"] == strings.ToLower(name) {
				dept = d
			}
		}
		if dept == nil {
			dept = l.stamp("department", map[string]any{"id": s.id("d"), "org_id": o["id"], "name": name, "name_fold": strings.ToLower(name)}, true)
		}
		for i, c := range []string{"Pain", "Check-up"} {
			if s.r.IntN(2) == 0 {
				l.stamp("complaint", map[string]any{"id": s.id("p"), "department_id": dept["id"], "name": c,
					"position": int64(i + s.r.IntN(2))}, true)
				for k, r := range l.rows["complaint"] { // UNIQUE (department_id, name): the laptop keeps one
					if r["department_id"] == dept["id"] && r["name"] == c && r["seq"] != l.seq {
						delete(l.rows["complaint"], k)
					}
				}
			}
		}
	}
}

func (s *propScenario) staff(l *propLaptop) {
	m := propClone(l.get("staff", s.w.staff[s.r.IntN(len(s.w.staff))]))
	m["disabled"] = int64(s.r.IntN(2))
	l.stamp("staff", m, false)
}

func (s *propScenario) revoke(l *propLaptop) {
	key := []string{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"}[s.r.IntN(2)]
	if l.get("revoked_key", key) != nil {
		return
	}
	l.stamp("revoked_key", map[string]any{"key_id": key, "reason": fmt.Sprintf("lost on day %d", s.r.IntN(2)+1),
		"revoked_at": booth.FormatTime(l.now)}, true)
}

func (s *propScenario) print(l *propLaptop) {
	v := s.pick(l, "visitor", propAlive)
	if v == nil {
		return
	}
	l.stamp("badge_print", map[string]any{"id": s.id("b"), "visitor_id": v["id"], "format": "png",
		"target": fmt.Sprintf("/tmp/badge-%d.png", s.r.IntN(100)), "reprint": int64(0), "at": booth.FormatTime(l.now),
		"staff_id": nil}, true)
}

// propWriteOrder is the order the generator writes tables in (parents
// first).
var propWriteOrder = []string{"org", "department", "staff", "revoked_key", "visitor", "visitor_interest", "consent", "scan",
	"badge_print", "complaint", "queue_entry", "consultation", "agency_info", "meeting"}

// snapshot writes the laptop's rows as they are now into a copy of the
// template laptop: one of its bundles.
func (s *propScenario) snapshot(l *propLaptop) error {
	path := filepath.Join(s.dir, fmt.Sprintf("snap-%d.db", len(s.snaps)))
	if err := os.WriteFile(path, s.w.laptopFile, 0o600); err != nil {
		return err
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=synchronous(OFF)&_pragma=journal_mode(MEMORY)")
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
	for i, o := range s.laptops { // rows learned from other laptops name them
		name := fmt.Sprintf("Desk %d", i+1)
		if o == l {
			name = l.name
		}
		if _, err := tx.Exec(`INSERT INTO device (id, name, created_at) VALUES (?, ?, ?)`, o.dev, name, booth.FormatTime(propBase)); err != nil {
			return err
		}
	}
	for id := range l.erased {
		if _, err := tx.Exec(`DELETE FROM visitor_interest WHERE visitor_id = ?`, id); err != nil {
			return err
		}
	}
	for _, table := range propWriteOrder {
		if err := propWrite(tx, table, l.rows[table]); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.snaps = append(s.snaps, path)
	return raw.Close()
}

func propWrite(tx *sql.Tx, table string, rows map[string]map[string]any) error {
	if len(rows) == 0 {
		return nil
	}
	t := mergeTableNamed(table)
	var names, sets []string
	for _, c := range t.cols {
		names = append(names, c.name)
		sets = append(sets, c.name+" = excluded."+c.name)
	}
	st, err := tx.Prepare(`INSERT INTO ` + table + ` (` + strings.Join(names, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(names)-1) +
		`) ON CONFLICT (` + t.key + `) DO UPDATE SET ` + strings.Join(sets, ", "))
	if err != nil {
		return err
	}
	defer st.Close()
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		args := make([]any, len(names))
		for i, n := range names {
			v, ok := rows[k][n]
			if !ok {
				return fmt.Errorf("%s %s: no %s", table, k, n)
			}
			args[i] = v
		}
		if _, err := st.Exec(args...); err != nil {
			return fmt.Errorf("%s %s: %w", table, k, err)
		}
	}
	return nil
}

// errPropDiffers is the property failing, as opposed to an error.
var errPropDiffers = errors.New("the state differs")

// check merges the scenario's snapshots two ways and compares: HQ one
// merges them all in a random order, and after the first part of them its
// own snapshot is taken; HQ two merges that snapshot with the rest and a
// few duplicates, in another order (a regrouping). Then one snapshot again
// must change nothing.
func (s *propScenario) check(ctx context.Context) (int, error) {
	merges := 0
	merge := func(db *DB, snaps []string) error {
		for _, p := range snaps {
			if _, err := db.MergeSnapshot(ctx, p); err != nil {
				return fmt.Errorf("merge %s: %w", filepath.Base(p), err)
			}
			merges++
		}
		return nil
	}
	open := func(name string) (*DB, error) {
		path := filepath.Join(s.dir, name)
		if err := os.WriteFile(path, s.w.hqFile, 0o600); err != nil {
			return nil, err
		}
		return Open(path)
	}
	one, err := open("hq1.db")
	if err != nil {
		return 0, err
	}
	defer one.Close()
	order := slices.Clone(s.snaps)
	s.r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	cut := s.r.IntN(len(order) + 1)
	if err := merge(one, order[:cut]); err != nil {
		return merges, err
	}
	part := filepath.Join(s.dir, "hq1-part.db")
	if err := propVacuum(one.Path, part); err != nil {
		return merges, err
	}
	if err := merge(one, order[cut:]); err != nil {
		return merges, err
	}
	want, err := one.StateHash(ctx)
	if err != nil {
		return merges, err
	}

	rest := append(slices.Clone(order[cut:]), part)
	for range 1 + s.r.IntN(2) {
		rest = append(rest, s.snaps[s.r.IntN(len(s.snaps))])
	}
	s.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	two, err := open("hq2.db")
	if err != nil {
		return merges, err
	}
	defer two.Close()
	if err := merge(two, rest); err != nil {
		return merges, err
	}
	if got, err := two.StateHash(ctx); err != nil || got != want {
		return merges, errors.Join(err, fmt.Errorf("%w: merged in another order and grouping (%d snapshots, %d laptops)", errPropDiffers, len(s.snaps), len(s.laptops)))
	}

	// Idempotent: one snapshot again changes nothing.
	res, err := one.MergeSnapshot(ctx, s.snaps[s.r.IntN(len(s.snaps))])
	merges++
	if err != nil {
		return merges, err
	}
	if got, err := one.StateHash(ctx); err != nil || got != want || res.Changed != 0 {
		return merges, errors.Join(err, fmt.Errorf("%w: merging a snapshot again changed %v", errPropDiffers, res.Tables))
	}
	return merges, nil
}

// propVacuum writes a snapshot of the database at path, as an export does.
func propVacuum(path, out string) error {
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer raw.Close()
	_, err = raw.Exec(`VACUUM INTO ?`, out)
	return err
}

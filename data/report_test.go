package data_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

func TestReportAddsUpWhatWasEntered(t *testing.T) {
	c := mustConsultDB(t) // Kyung Hee and SNU Dental, one visitor with health consent
	db, ctx := c.db, context.Background()
	health := func() []booth.Consent {
		return append(Agreed(), booth.Consent{Purpose: booth.PurposeHealth, Granted: true, TextVersion: "t", TextHash: "t", Lang: "ru"})
	}
	people := []*booth.Visitor{c.v}
	for _, v := range []*booth.Visitor{
		{Name: "Ерлан Сериков", Type: booth.TypeCompanion, Country: "kz", City: "Almaty", Lang: "ru"},
		{Name: "Дана Ахметова", Type: booth.TypePatient, Country: "KZ", City: "Astana", Lang: "kk"},
		{Name: "Bekzod Karimov", Type: booth.TypeAgency, Country: "UZ", City: "Tashkent", Lang: "en"},
	} {
		if err := db.CreateVisitor(ctx, v, health()); err != nil {
			t.Fatal(err)
		}
		people = append(people, v)
	}
	checkin := func(v *booth.Visitor) {
		t.Helper()
		if _, err := db.Checkin(ctx, booth.CheckinRequest{Raw: v.Code + "\r"}); err != nil {
			t.Fatal(err)
		}
	}
	// Day 1, 10:00 and 11:30 Almaty: three visitors, one scanned twice.
	checkin(people[0])
	checkin(people[1])
	c.clk.advance(90 * time.Minute)
	checkin(people[1]) // duplicate
	checkin(people[2])
	if _, err := db.Checkin(ctx, booth.CheckinRequest{Raw: "12345\r"}); err != nil { // rejected
		t.Fatal(err)
	}
	// Day 2: two visitors, one of them new.
	c.clk.advance(24 * time.Hour)
	checkin(people[0])
	checkin(people[3])
	for i, v := range people[:3] {
		con := &booth.Consultation{VisitorID: v.ID, OrgID: c.a.ID, Department: "Korean-medicine gynaecology", Doctor: "Dr Kim",
			Recommendation: booth.RecommendTele, FollowUp: booth.FollowUpYes}
		if i == 2 {
			con.OrgID, con.Department, con.Doctor, con.Recommendation = c.b.ID, "Dentistry", "Dr Lee", booth.RecommendQuote
		}
		if err := db.AddConsultation(ctx, con, booth.NoteContent{Summary: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	firm := &booth.Org{Kind: booth.OrgFirm, Name: "Hangang Medical Tour"}
	if err := db.CreateOrg(ctx, firm); err != nil {
		t.Fatal(err)
	}
	for _, m := range []booth.Meeting{{FirmID: firm.ID, Agency: "Silk Way"}, {FirmID: firm.ID, Agency: "Koktem", MOU: true}, {FirmID: c.a.ID, Agency: "silk way"}} {
		if err := db.AddMeeting(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}

	r, err := db.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("registered", r.Registered, 4)
	check("visitors_unique", r.VisitorsUnique, 4)
	check("scans", r.Scans, 7)
	check("admitted", r.ScansByDecision["admitted"], 5)
	check("duplicate", r.ScansByDecision["duplicate"], 1)
	check("rejected", r.ScansByDecision["rejected"], 1)
	check("day 1", r.CheckinsByDay["2026-09-17"], 3)
	check("day 2", r.CheckinsByDay["2026-09-18"], 2)
	check("10:00", r.CheckinsByHour["2026-09-17 10:00"], 2)
	check("11:00", r.CheckinsByHour["2026-09-17 11:00"], 1) // the duplicate is not a check-in
	check("patients", r.VisitorsByType["patient"], 2)
	check("KZ", r.VisitorsBy.Country["KZ"], 2)
	check("UZ", r.VisitorsBy.Country["UZ"], 1)
	check("consultations", r.Consultations, 3)
	check("patients consulted", r.PatientsConsulted, 3)
	check("Kyung Hee", r.ConsultationsByHospital["Kyung Hee"], 2)
	check("Dentistry", r.ConsultationsByDepartment["Dentistry"], 1)
	check("tele", r.ConsultationsByRecommend["tele-consultation"], 2)
	check("follow-up yes", r.ConsultationsByFollowUp["yes"], 3)
	check("meetings", r.Meetings, 3)
	check("MOUs", r.MOUs, 1)
	check("agencies", r.Agencies, 2)
	check("by firm", r.MeetingsByFirm["Hangang Medical Tour"], 2)
	check("by agency", r.MeetingsByAgency["Silk Way"], 2)
	check("health consent", r.ConsentRates["health"], booth.ConsentRate{Given: 4, Of: 4, Rate: 1})
	check("marketing consent", r.ConsentRates["marketing"].Given, 0)

	one, err := db.Report(ctx, c.b.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("one hospital's consultations", one.Consultations, 1)
	check("one hospital's meetings", one.Meetings, 0)
	check("one hospital's name", one.Hospital, "SNU Dental")
	check("visitors stay the event's", one.VisitorsUnique, 4)
}

// TestReportCountsPeopleNotRecords links two records of one person, as HQ
// does after merging laptops, and checks that each figure about people drops
// by one where both records counted, that breakdowns follow the person's
// record, and that scans and records stay as they were.
func TestReportCountsPeopleNotRecords(t *testing.T) {
	c := mustConsultDB(t) // c.v: a patient, no country, health consent
	db, ctx := c.db, context.Background()
	again := &booth.Visitor{Name: "Aigerim Baizhanova", Type: booth.TypeCompanion, Country: "KZ"} // on another laptop
	other := &booth.Visitor{Name: "Bekzod Karimov", Type: booth.TypeAgency, Country: "UZ", Lang: "en"}
	if err := db.CreateVisitor(ctx, again, append(Agreed(), booth.Consent{Purpose: booth.PurposeHealth, Granted: true, TextVersion: "t", TextHash: "t", Lang: "ru"})); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateVisitor(ctx, other, Agreed()); err != nil {
		t.Fatal(err)
	}
	checkin := func(v *booth.Visitor) {
		t.Helper()
		if s, err := db.Checkin(ctx, booth.CheckinRequest{Raw: v.Code + "\r"}); err != nil || s.Decision != booth.Admitted {
			t.Fatalf("check-in: %+v %v", s, err)
		}
	}
	// Day 1 at 10:00 Almaty: both records and the other visitor; day 2:
	// the second record only.
	checkin(c.v)
	c.clk.advance(20 * time.Minute)
	checkin(again)
	checkin(other)
	c.clk.advance(24 * time.Hour)
	checkin(again)
	for _, con := range []*booth.Consultation{{VisitorID: c.v.ID, OrgID: c.a.ID, Department: "Korean-medicine gynaecology"},
		{VisitorID: again.ID, OrgID: c.b.ID, Department: "Dentistry"}} {
		if err := db.AddConsultation(ctx, con, booth.NoteContent{Summary: "x"}); err != nil {
			t.Fatal(err)
		}
	}

	report := func(hospital string) *booth.Report {
		t.Helper()
		r, err := db.Report(ctx, hospital)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	before, beforeB := report(""), report(c.b.ID)
	var linked string
	if err := db.QueryRowForTest(`INSERT INTO same_person (visitor_id, person_id, reason, merged_at)
		VALUES ('` + again.ID + `', '` + c.v.ID + `', 'same phone', '2026-09-20T09:00:00.000Z') RETURNING visitor_id`).Scan(&linked); err != nil {
		t.Fatal(err)
	}
	after, afterB := report(""), report(c.b.ID)

	for _, f := range []struct {
		what          string
		before, after int
		drop          int
	}{
		{"visitors_unique", before.VisitorsUnique, after.VisitorsUnique, 1},
		{"checkins day 1", before.CheckinsByDay["2026-09-17"], after.CheckinsByDay["2026-09-17"], 1},
		{"checkins day 2", before.CheckinsByDay["2026-09-18"], after.CheckinsByDay["2026-09-18"], 0},
		{"checkins day 1 10:00", before.CheckinsByHour["2026-09-17 10:00"], after.CheckinsByHour["2026-09-17 10:00"], 1},
		{"checkins day 2 10:00", before.CheckinsByHour["2026-09-18 10:00"], after.CheckinsByHour["2026-09-18 10:00"], 0},
		{"patients (the person's type)", before.VisitorsByType["patient"], after.VisitorsByType["patient"], 0},
		{"companions (the second record's)", before.VisitorsByType["companion"], after.VisitorsByType["companion"], 1},
		{"no country (the person's)", before.VisitorsBy.Country["(none)"], after.VisitorsBy.Country["(none)"], 0},
		{"KZ (the second record's)", before.VisitorsBy.Country["KZ"], after.VisitorsBy.Country["KZ"], 1},
		{"UZ", before.VisitorsBy.Country["UZ"], after.VisitorsBy.Country["UZ"], 0},
		{"Russian speakers", before.VisitorsBy.Language["ru"], after.VisitorsBy.Language["ru"], 1},
		{"walk-ins", before.VisitorsBy.Source["walk-in"], after.VisitorsBy.Source["walk-in"], 1},
		{"patients consulted", before.PatientsConsulted, after.PatientsConsulted, 1},
		{"patients consulted at SNU Dental", beforeB.PatientsConsulted, afterB.PatientsConsulted, 0},
		{"consultations", before.Consultations, after.Consultations, 0},
		{"people asked for consent", before.ConsentRates["contact"].Of, after.ConsentRates["contact"].Of, 1},
		{"contact consents", before.ConsentRates["contact"].Given, after.ConsentRates["contact"].Given, 1},
		{"health consents", before.ConsentRates["health"].Given, after.ConsentRates["health"].Given, 1},
		{"registered (records)", before.Registered, after.Registered, 0},
		{"scans", before.Scans, after.Scans, 0},
		{"admitted scans", before.ScansByDecision["admitted"], after.ScansByDecision["admitted"], 0},
	} {
		if f.before-f.after != f.drop {
			t.Errorf("%s: %d before the link, %d after; want a drop of %d", f.what, f.before, f.after, f.drop)
		}
	}
	if before.VisitorsUnique != 3 || before.ConsentRates["health"].Given != 2 {
		t.Errorf("before the link: %d visitors, %d health consents; want 3 and 2", before.VisitorsUnique, before.ConsentRates["health"].Given)
	}
}

// TestReportMatchesAHandCount fills an HQ database at random (laptops'
// scans, people registered twice, erased visitors, changed consents) for an
// event whose zone leaves summer time during it, and checks the report's
// figures about people and scans against a count done here, row by row.
func TestReportMatchesAHandCount(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { checkHandCount(t, seed) })
	}
}

func checkHandCount(t *testing.T, seed uint64) {
	db, _ := MustOpenDB(t)
	ctx := context.Background()
	// Berlin falls back on 25 October 2026 at 01:00 UTC: 02:00–03:00 comes twice.
	ev := &booth.Event{Name: "Autumn fair", City: "Berlin", Country: "DE", Start: "2026-10-24", End: "2026-10-26", TimeZone: "Europe/Berlin"}
	if err := db.CreateEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	var hospitals []string
	for _, name := range []string{"Kyung Hee", "SNU Dental"} {
		o := &booth.Org{Kind: booth.OrgHospital, Name: name, Departments: []booth.Department{{Name: "General"}}}
		if err := db.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
		hospitals = append(hospitals, o.ID)
	}
	w := randomHQ(rand.New(rand.NewPCG(seed, 99)), ev.Location(), hospitals)
	if err := w.store(db.Path); err != nil {
		t.Fatal(err)
	}
	want := w.count(ev.Location(), "")
	got, err := db.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	one, err := db.Report(ctx, hospitals[1])
	if err != nil {
		t.Fatal(err)
	}
	if got.VisitorsUnique == 0 || len(w.links) == 0 {
		t.Fatalf("nothing to count: %d visitors, %d links", got.VisitorsUnique, len(w.links))
	}
	for _, f := range []struct {
		what      string
		got, want any
	}{
		{"visitors_unique", got.VisitorsUnique, want.VisitorsUnique},
		{"registered", got.Registered, want.Registered},
		{"scans", got.Scans, want.Scans},
		{"scans_by_decision", got.ScansByDecision, want.ScansByDecision},
		{"checkins_by_day", got.CheckinsByDay, want.CheckinsByDay},
		{"checkins_by_hour", got.CheckinsByHour, want.CheckinsByHour},
		{"visitors_by_type", got.VisitorsByType, want.VisitorsByType},
		{"visitors_by", got.VisitorsBy, want.VisitorsBy},
		{"consultations", got.Consultations, want.Consultations},
		{"patients_consulted", got.PatientsConsulted, want.PatientsConsulted},
		{"one hospital's patients", one.PatientsConsulted, w.count(ev.Location(), hospitals[1]).PatientsConsulted},
		{"consent_rates", got.ConsentRates, want.ConsentRates},
	} {
		if !reflect.DeepEqual(f.got, f.want) {
			t.Errorf("%s = %v, want %v", f.what, f.got, f.want)
		}
	}
}

type handVisitor struct {
	id, typ, lang, country, city, source string
	erased                               bool
}

type handScan struct {
	at               time.Time
	day              string // event-local
	visitor          string // "" for none
	decision, device string
}

type handConsent struct {
	id, visitor, purpose, org, at string
	granted                       bool
}

// handHQ is what randomHQ made: rows as HQ holds them after merging.
type handHQ struct {
	visitors map[string]handVisitor
	ids      []string
	links    map[string]string // visitor_id → person_id
	scans    []handScan
	consults [][2]string // visitor, hospital
	consents []handConsent
}

func randomHQ(r *rand.Rand, loc *time.Location, hospitals []string) *handHQ {
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	w := &handHQ{visitors: map[string]handVisitor{}, links: map[string]string{}}
	for i := range 40 {
		v := handVisitor{id: fmt.Sprintf("v%02d", i), typ: pick("patient", "patient", "companion", "agency"), lang: pick("ru", "kk", "en"),
			country: pick("KZ", "kz", "UZ", ""), city: pick("Almaty", " Almaty", "Tashkent", ""), source: pick("walk-in", "kiosk")}
		if r.IntN(8) == 0 {
			v.erased, v.country, v.city = true, "", ""
		}
		w.visitors[v.id] = v
		w.ids = append(w.ids, v.id)
	}
	// People registered twice or three times: records 30–39 belong to
	// people among records 0–9.
	for i := 30; i < 40; i++ {
		if r.IntN(3) > 0 {
			w.links[w.ids[i]] = w.ids[r.IntN(10)]
		}
	}
	start := time.Date(2026, 10, 23, 21, 0, 0, 0, time.UTC)
	for range 300 {
		s := handScan{at: start.Add(time.Duration(r.IntN(3*24*60)) * time.Minute), decision: pick("admitted", "admitted", "duplicate", "rejected"),
			device: fmt.Sprintf("d%d", r.IntN(3))}
		s.day = s.at.In(loc).Format(time.DateOnly)
		switch {
		case s.decision == "rejected" && r.IntN(2) == 0:
		case r.IntN(20) == 0:
			s.visitor = fmt.Sprintf("u%02d", r.IntN(5)) // a laptop not merged yet
		default:
			s.visitor = w.ids[r.IntN(len(w.ids))]
		}
		w.scans = append(w.scans, s)
	}
	// One person admitted on both records in the two 02:00 hours.
	for twice, person := range w.links {
		w.scans = append(w.scans, handScan{time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), "2026-10-25", twice, "admitted", "d1"},
			handScan{time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), "2026-10-25", person, "admitted", "d2"})
		break
	}
	for range 30 {
		w.consults = append(w.consults, [2]string{w.ids[r.IntN(len(w.ids))], hospitals[r.IntN(len(hospitals))]})
	}
	n := 0
	for _, id := range w.ids {
		for _, p := range []string{"contact", "health", "provision", "transfer", "marketing"} {
			for range r.IntN(3) {
				c := handConsent{id: fmt.Sprintf("c%03d", n), visitor: id, purpose: p, granted: r.IntN(3) > 0,
					at: booth.FormatTime(start.Add(time.Duration(r.IntN(4)) * time.Hour))} // ties too
				if p == "provision" {
					c.org = hospitals[r.IntN(len(hospitals))]
				}
				w.consents = append(w.consents, c)
				n++
			}
		}
	}
	return w
}

// store writes the rows through a plain connection, as a merge would.
func (w *handHQ) store(path string) error {
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		return err
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const at = "2026-10-20T08:00:00.000Z"
	exec := func(q string, args ...any) {
		if err == nil {
			_, err = tx.Exec(q, args...)
		}
	}
	for i := range 3 {
		exec(`INSERT INTO device (id, name, created_at) VALUES (?, ?, ?)`, fmt.Sprintf("d%d", i), fmt.Sprintf("Desk %d", i+1), at)
	}
	seq := 0
	next := func() int { seq++; return seq }
	for _, id := range w.ids {
		v := w.visitors[id]
		var erased any
		if v.erased {
			erased = at
		}
		exec(`INSERT INTO visitor (id, code, name, name_latin, type, lang, country, city, source, created_at, updated_at, device_id, seq, erased_at)
			VALUES (?, ?, 'x', 'x', ?, ?, ?, ?, ?, ?, ?, 'd0', ?, ?)`, v.id, "code-"+v.id, v.typ, v.lang, v.country, v.city, v.source, at, at, next(), erased)
	}
	for id, person := range w.links {
		exec(`INSERT INTO same_person (visitor_id, person_id, merged_at) VALUES (?, ?, ?)`, id, person, at)
	}
	for i, s := range w.scans {
		var visitor any
		if s.visitor != "" {
			visitor = s.visitor
		}
		t := booth.FormatTime(s.at)
		exec(`INSERT INTO scan (id, at, day, raw, visitor_id, decision, created_at, device_id, seq) VALUES (?, ?, ?, X'00', ?, ?, ?, ?, ?)`,
			fmt.Sprintf("s%03d", i), t, s.day, visitor, s.decision, t, s.device, next())
	}
	for i, c := range w.consults {
		exec(`INSERT INTO consultation (id, visitor_id, org_id, department, at, day, created_at, updated_at, device_id, seq)
			VALUES (?, ?, ?, 'General', ?, '2026-10-24', ?, ?, 'd1', ?)`, fmt.Sprintf("k%02d", i), c[0], c[1], at, at, at, next())
	}
	for _, c := range w.consents {
		var org any
		if c.org != "" {
			org = c.org
		}
		exec(`INSERT INTO consent (id, visitor_id, purpose, org_id, granted, text_version, text_hash, lang, at, created_at, device_id, seq)
			VALUES (?, ?, ?, ?, ?, 'v1', 'h', 'ru', ?, ?, 'd2', ?)`, c.id, c.visitor, c.purpose, org, c.granted, c.at, c.at, next())
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}

// count makes the report's figures about people and scans, row by row.
func (w *handHQ) count(loc *time.Location, hospital string) *booth.Report {
	person := func(id string) string {
		if p, ok := w.links[id]; ok {
			return p
		}
		return id
	}
	r := &booth.Report{Registered: len(w.ids), ScansByDecision: map[string]int{}, CheckinsByDay: map[string]int{}, CheckinsByHour: map[string]int{},
		VisitorsByType: map[string]int{}, ConsentRates: map[string]booth.ConsentRate{},
		VisitorsBy: booth.Breakdowns{Country: map[string]int{}, City: map[string]int{}, Language: map[string]int{}, Source: map[string]int{}}}
	people, byDay, byHour := map[string]bool{}, map[string]map[string]bool{}, map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, k, p string) {
		if m[k] == nil {
			m[k] = map[string]bool{}
		}
		m[k][p] = true
	}
	// A record admitted twice on one day (at two laptops that had not
	// exchanged) is admitted once, at the first time: the other scan is a
	// duplicate.
	first := map[[2]string]time.Time{}
	for _, s := range w.scans {
		r.Scans++
		r.ScansByDecision[s.decision]++
		if s.decision != "admitted" || s.visitor == "" {
			continue
		}
		k := [2]string{s.visitor, s.day}
		if at, ok := first[k]; ok {
			r.ScansByDecision["admitted"]--
			r.ScansByDecision["duplicate"]++
			if !s.at.Before(at) {
				continue
			}
		}
		first[k] = s.at
	}
	for k, at := range first {
		p := person(k[0])
		people[p] = true
		add(byDay, k[1], p)
		add(byHour, booth.HourKey(at, loc), p)
	}
	r.VisitorsUnique = len(people)
	for k, ps := range byDay {
		r.CheckinsByDay[k] = len(ps)
	}
	for k, ps := range byHour {
		r.CheckinsByHour[k] = len(ps)
	}
	for p := range people {
		if v, ok := w.visitors[p]; ok {
			booth.CountKey(r.VisitorsByType, v.typ, 1)
			booth.CountKey(r.VisitorsBy.Country, strings.ToUpper(v.country), 1)
			booth.CountKey(r.VisitorsBy.City, v.city, 1)
			booth.CountKey(r.VisitorsBy.Language, v.lang, 1)
			booth.CountKey(r.VisitorsBy.Source, v.source, 1)
		}
	}
	consulted := map[string]bool{}
	for _, c := range w.consults {
		if hospital == "" || c[1] == hospital {
			r.Consultations++
			consulted[person(c[0])] = true
		}
	}
	r.PatientsConsulted = len(consulted)
	w.countConsents(r, person)
	return r
}

// countConsents counts, of the people with a record not erased, those
// whose latest decision (by time, then id) across their records is a yes.
func (w *handHQ) countConsents(r *booth.Report, person func(string) string) {
	onRecord := map[string]bool{}
	for _, id := range w.ids {
		if !w.visitors[id].erased {
			onRecord[person(id)] = true
		}
	}
	latest := map[[3]string]handConsent{}
	for _, c := range w.consents {
		if w.visitors[c.visitor].erased {
			continue
		}
		k := [3]string{person(c.visitor), c.purpose, c.org}
		if l, ok := latest[k]; !ok || c.at > l.at || c.at == l.at && c.id > l.id {
			latest[k] = c
		}
	}
	given := map[string]map[string]bool{}
	for k, c := range latest {
		if given[k[1]] == nil {
			given[k[1]] = map[string]bool{}
		}
		if c.granted {
			given[k[1]][k[0]] = true
		}
	}
	for _, p := range []string{"contact", "health", "provision", "transfer", "marketing"} {
		cr := booth.ConsentRate{Given: len(given[p]), Of: len(onRecord)}
		if cr.Of > 0 {
			cr.Rate = float64(cr.Given) / float64(cr.Of)
		}
		r.ConsentRates[p] = cr
	}
}

package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"medibooth/booth"
)

// Report adds up the event's data: visitors and check-ins, consultations,
// B2B meetings and consent rates. hospitalID "" reports on every hospital;
// otherwise the consultations and meetings are that hospital's only. It
// reads one consistent snapshot of the database.
//
// Visitors are counted as people: the records HQ found to be one person
// registered twice (same_person) count once, under the person's record.
// Registered alone counts records.
func (db *DB) Report(ctx context.Context, hospitalID string) (*booth.Report, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	ev, err := readEvent(ctx, tx)
	if err != nil {
		return nil, err
	}
	r := &booth.Report{Event: ev.Name, GeneratedAt: db.Now().UTC(), AppVersion: booth.Version,
		CheckinsByDay: map[string]int{}, CheckinsByHour: map[string]int{}, VisitorsByType: map[string]int{},
		VisitorsBy:      booth.Breakdowns{Country: map[string]int{}, City: map[string]int{}, Language: map[string]int{}, Source: map[string]int{}},
		ScansByDecision: map[string]int{}, ConsultationsByHospital: map[string]int{}, ConsultationsByDepartment: map[string]int{},
		ConsultationsByDoctor: map[string]int{}, ConsultationsByDay: map[string]int{}, ConsultationsByRecommend: map[string]int{},
		ConsultationsByFollowUp: map[string]int{}, ConsultationsByHospitalByDay: map[string]int{},
		MeetingsByFirm: map[string]int{}, MeetingsByAgency: map[string]int{}, ConsentRates: map[string]booth.ConsentRate{}}
	if hospitalID != "" {
		if r.Hospital, err = hospital(ctx, tx, hospitalID); err != nil {
			return nil, err
		}
	}
	q := reportQuery{ctx: ctx, tx: tx}
	q.visitors(r, ev)
	q.consultations(r, hospitalID)
	q.meetings(r, hospitalID)
	q.consents(r)
	if q.err != nil {
		return nil, q.err
	}
	return r, nil
}

// Most people have one visitor record. The figures about people are counted
// over records first, by queries the indexes on scan and consent make fast
// at HQ's size, then corrected by a small query over the records of people
// registered twice: those records are taken out and their people put in.
//
// linkedSQL lists those records (id) with the record their person is
// counted under (person), the person's own record included.
const linkedSQL = `linked (id, person) AS (
	SELECT visitor_id, person_id FROM same_person
	UNION ALL SELECT DISTINCT person_id, person_id FROM same_person)`

// visitors counts records, scans, and the people admitted: in all, each
// event-local day and hour, and by their type, country, city, language and
// source.
func (q *reportQuery) visitors(r *booth.Report, ev *booth.Event) {
	q.one(`SELECT count(*) FROM visitor`, &r.Registered)
	// By day first, as the index on (day, decision) holds that order.
	q.counts(r.ScansByDecision, `SELECT decision, sum(n) FROM (SELECT day, decision, count(*) AS n FROM scan GROUP BY day, decision) GROUP BY decision`)
	for _, n := range r.ScansByDecision {
		r.Scans += n
	}
	// A visitor admitted at two laptops on one day, before either heard of
	// the other's scan, was let in once: the booth's figures count the
	// first admission of each visitor and day as admitted and the rest as
	// duplicates, so that they do not depend on when the laptops exchanged.
	var admissions int
	q.one(`SELECT count(*) FROM (SELECT DISTINCT day, visitor_id FROM scan WHERE decision = 'admitted')`, &admissions)
	if again := r.ScansByDecision[string(booth.Admitted)] - admissions; again > 0 {
		r.ScansByDecision[string(booth.Admitted)] -= again
		r.ScansByDecision[string(booth.Duplicate)] += again
	}

	hour := q.localHour(ev)
	// The hour of each visitor's first admission of the day.
	first := `(SELECT visitor_id, day, min(at) AS at FROM scan WHERE decision = 'admitted' GROUP BY visitor_id, day)`
	q.one(`SELECT count(DISTINCT visitor_id) FROM scan WHERE decision = 'admitted'`, &r.VisitorsUnique)
	q.counts(r.CheckinsByDay, `SELECT day, count(DISTINCT visitor_id) FROM scan WHERE decision = 'admitted' GROUP BY day`)
	q.counts(r.CheckinsByHour, `SELECT `+hourKeySQL+`, count(DISTINCT visitor_id)
		FROM (SELECT `+hour+` AS h, visitor_id FROM `+first+`) WHERE h IS NOT NULL GROUP BY h`)
	linked := `WITH ` + linkedSQL + `, admitted AS (SELECT l.id, l.person, s.day, ` + hour + ` AS h
		FROM linked l CROSS JOIN ` + first + ` s WHERE s.visitor_id = l.id) `
	q.add(&r.VisitorsUnique, linked+`SELECT count(DISTINCT person) - count(DISTINCT id) FROM admitted`)
	q.counts(r.CheckinsByDay, linked+`SELECT day, count(DISTINCT person) - count(DISTINCT id) FROM admitted GROUP BY day`)
	q.counts(r.CheckinsByHour, linked+`SELECT `+hourKeySQL+`, count(DISTINCT person) - count(DISTINCT id)
		FROM admitted WHERE h IS NOT NULL GROUP BY h`)

	// Breakdowns by the person's record, if any of the person's records was
	// admitted: one pass, added up here.
	q.breakdowns(r, `SELECT v.type, upper(v.country), v.city, v.lang, v.source, count(*) FROM visitor v
		WHERE v.id NOT IN (SELECT visitor_id FROM same_person)
		AND (EXISTS (SELECT 1 FROM scan s WHERE s.visitor_id = v.id AND s.decision = 'admitted')
			OR EXISTS (SELECT 1 FROM same_person sp CROSS JOIN scan s
				WHERE sp.person_id = v.id AND s.visitor_id = sp.visitor_id AND s.decision = 'admitted'))
		GROUP BY 1, 2, 3, 4, 5`)
}

// hourKeySQL names the hour h (hours since 1970 on the event's clock) as
// booth.HourKey does.
const hourKeySQL = `strftime('%Y-%m-%d %H:00', h * 3600, 'unixepoch')`

// localHour returns SQL for the event-local hour of a scan's time (the
// column at), in hours since 1970 on the event's clock. SQLite knows no time
// zones, so the zone's offsets are written in, switching where the zone
// switches between the first and the last day of admissions (of the event,
// if there were none).
func (q *reportQuery) localHour(ev *booth.Event) string {
	first, last := sql.NullString{String: ev.Start}, sql.NullString{String: ev.End}
	if q.err == nil {
		q.err = q.tx.QueryRowContext(q.ctx, `SELECT coalesce((SELECT min(day) FROM scan WHERE decision = 'admitted'), ?),
			coalesce((SELECT max(day) FROM scan WHERE decision = 'admitted'), ?)`, ev.Start, ev.End).Scan(&first, &last)
	}
	loc := ev.Location()
	from, _ := time.ParseInLocation(time.DateOnly, first.String, loc)
	to, _ := time.ParseInLocation(time.DateOnly, last.String, loc)
	// A day is named on the clock of the laptop that scanned; a margin of
	// two days covers any offset.
	return localHourSQL(loc, from.AddDate(0, 0, -2), to.AddDate(0, 0, 3))
}

// localHourSQL writes the hour expression for the zone's offsets from from
// to to; before from the first offset holds, after to the last.
func localHourSQL(loc *time.Location, from, to time.Time) string {
	var cases strings.Builder
	t := from.In(loc)
	for {
		_, off := t.Zone()
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(to) {
			if cases.Len() == 0 {
				return fmt.Sprintf("(unixepoch(at) + %d) / 3600", off)
			}
			return fmt.Sprintf("(unixepoch(at) + CASE%s ELSE %d END) / 3600", cases.String(), off)
		}
		fmt.Fprintf(&cases, " WHEN at < '%s' THEN %d", booth.FormatTime(end), off)
		t = end
	}
}

// consultations counts one hospital's consultations, or all, and the people
// they were of.
func (q *reportQuery) consultations(r *booth.Report, hospitalID string) {
	where := ` WHERE (?1 = '' OR c.org_id = ?1)`
	q.one(`SELECT count(*) FROM consultation c`+where, &r.Consultations, hospitalID)
	q.one(`SELECT count(DISTINCT c.visitor_id) FROM consultation c`+where, &r.PatientsConsulted, hospitalID)
	q.add(&r.PatientsConsulted, `WITH `+linkedSQL+` SELECT count(DISTINCT l.person) - count(DISTINCT l.id)
		FROM linked l CROSS JOIN consultation c WHERE c.visitor_id = l.id AND (?1 = '' OR c.org_id = ?1)`, hospitalID)
	q.counts(r.ConsultationsByHospital, `SELECT o.name, count(*) FROM consultation c JOIN org o ON o.id = c.org_id`+where+` GROUP BY o.id`, hospitalID)
	q.counts(r.ConsultationsByDepartment, `SELECT c.department, count(*) FROM consultation c`+where+` GROUP BY c.department`, hospitalID)
	q.counts(r.ConsultationsByDoctor, `SELECT c.doctor, count(*) FROM consultation c`+where+` GROUP BY c.doctor`, hospitalID)
	q.counts(r.ConsultationsByDay, `SELECT c.day, count(*) FROM consultation c`+where+` GROUP BY c.day`, hospitalID)
	q.counts(r.ConsultationsByRecommend, `SELECT c.recommendation, count(*) FROM consultation c`+where+` GROUP BY c.recommendation`, hospitalID)
	q.counts(r.ConsultationsByFollowUp, `SELECT c.follow_up, count(*) FROM consultation c`+where+` GROUP BY c.follow_up`, hospitalID)
	q.counts(r.ConsultationsByHospitalByDay, `SELECT o.name || ' · ' || c.day, count(*) FROM consultation c JOIN org o ON o.id = c.org_id`+where+` GROUP BY o.id, c.day`, hospitalID)
}

// meetings counts the B2B meetings of one hospital (as the firm side) or
// all.
func (q *reportQuery) meetings(r *booth.Report, hospitalID string) {
	where := ` WHERE (?1 = '' OR m.firm_id = ?1)`
	q.one(`SELECT count(*) FROM meeting m`+where, &r.Meetings, hospitalID)
	q.one(`SELECT coalesce(sum(m.mou), 0) FROM meeting m`+where, &r.MOUs, hospitalID)
	q.one(`SELECT count(DISTINCT m.agency_id) FROM meeting m`+where, &r.Agencies, hospitalID)
	q.counts(r.MeetingsByFirm, `SELECT o.name, count(*) FROM meeting m JOIN org o ON o.id = m.firm_id`+where+` GROUP BY o.id`, hospitalID)
	q.counts(r.MeetingsByAgency, `SELECT o.name, count(*) FROM meeting m JOIN org o ON o.id = m.agency_id`+where+` GROUP BY o.id`, hospitalID)
}

// latestSQL selects, grouped by visitor_id and what else the query adds,
// the latest decision: the bare column granted comes from the row of
// max(at || id), as at has a fixed width and id breaks ties.
const latestSQL = `SELECT visitor_id, granted, max(at || id)`

// consents counts, of the people on record (a record not erased), those
// whose latest decision on each purpose (on provision: to any one hospital)
// is a yes. A person registered twice decided last on either record.
func (q *reportQuery) consents(r *booth.Report) {
	var people int
	q.one(`SELECT count(*) FROM visitor WHERE erased_at IS NULL`, &people)
	q.add(&people, `WITH `+linkedSQL+` SELECT count(DISTINCT l.person) - count(*)
		FROM linked l JOIN visitor v ON v.id = l.id WHERE v.erased_at IS NULL`)
	purposes := []booth.Purpose{booth.PurposeContact, booth.PurposeHealth, booth.PurposeTransfer, booth.PurposeProvision, booth.PurposeMarketing}
	given := map[string]int{}
	for _, p := range purposes {
		// Over every record, erased ones too, which the correction takes
		// out. Only provision names a hospital, so on any other purpose a
		// visitor has one latest decision: a plain count will do.
		count := "count(*)"
		if p == booth.PurposeProvision {
			count = "count(DISTINCT visitor_id)"
		}
		var n int
		q.one(`SELECT `+count+` FROM (`+latestSQL+` FROM consent WHERE purpose = ? GROUP BY visitor_id, org_id) WHERE granted`, &n, p)
		given[string(p)] = n
	}
	q.counts(given, `WITH `+linkedSQL+`, corrected (id, person) AS (
			SELECT id, NULL FROM visitor WHERE erased_at IS NOT NULL
			UNION ALL SELECT l.id, l.person FROM linked l JOIN visitor v ON v.id = l.id WHERE v.erased_at IS NULL),
		decision AS MATERIALIZED (SELECT x.id AS visitor_id, x.person, c.purpose, c.org_id, c.granted, c.at, c.id
			FROM corrected x CROSS JOIN consent c WHERE c.visitor_id = x.id),
		record AS (`+latestSQL+`, purpose FROM decision GROUP BY visitor_id, purpose, org_id),
		person AS (`+latestSQL+`, purpose FROM (SELECT person AS visitor_id, purpose, org_id, granted, at, id FROM decision WHERE person IS NOT NULL)
			GROUP BY visitor_id, purpose, org_id)
		SELECT purpose, sum(n) FROM (
			SELECT purpose, count(DISTINCT visitor_id) AS n FROM person WHERE granted GROUP BY purpose
			UNION ALL SELECT purpose, -count(DISTINCT visitor_id) FROM record WHERE granted GROUP BY purpose)
		GROUP BY purpose`)
	for _, p := range purposes {
		cr := booth.ConsentRate{Given: given[string(p)], Of: people}
		if people > 0 {
			cr.Rate = float64(cr.Given) / float64(people)
		}
		r.ConsentRates[string(p)] = cr
	}
}

// reportQuery runs the report's queries, keeping the first error.
type reportQuery struct {
	ctx context.Context
	tx  *sql.Tx
	err error
}

func (q *reportQuery) one(query string, dst *int, args ...any) {
	if q.err == nil {
		q.err = q.tx.QueryRowContext(q.ctx, query, args...).Scan(dst)
	}
}

// add adds the query's one number to dst.
func (q *reportQuery) add(dst *int, query string, args ...any) {
	var n int
	q.one(query, &n, args...)
	*dst += n
}

// counts adds the query's rows (key, number) to m.
func (q *reportQuery) counts(m map[string]int, query string, args ...any) {
	q.rows(query, args, func(rows *sql.Rows) error {
		var k sql.NullString
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		booth.CountKey(m, k.String, n)
		return nil
	})
}

// breakdowns adds the query's rows (type, country, city, language, source,
// number) to the visitors' breakdowns.
func (q *reportQuery) breakdowns(r *booth.Report, query string) {
	q.rows(query, nil, func(rows *sql.Rows) error {
		var typ, country, city, lang, source sql.NullString
		var n int
		if err := rows.Scan(&typ, &country, &city, &lang, &source, &n); err != nil {
			return err
		}
		booth.CountKey(r.VisitorsByType, typ.String, n)
		booth.CountKey(r.VisitorsBy.Country, country.String, n)
		booth.CountKey(r.VisitorsBy.City, city.String, n)
		booth.CountKey(r.VisitorsBy.Language, lang.String, n)
		booth.CountKey(r.VisitorsBy.Source, source.String, n)
		return nil
	})
}

func (q *reportQuery) rows(query string, args []any, row func(*sql.Rows) error) {
	if q.err != nil {
		return
	}
	rows, err := q.tx.QueryContext(q.ctx, query, args...)
	if err != nil {
		q.err = err
		return
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			q.err = err
			return
		}
	}
	q.err = rows.Err()
}

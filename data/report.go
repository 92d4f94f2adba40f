package data

import (
	"context"
	"database/sql"
	"time"

	"medibooth/booth"
)

// Report adds up the event's data: visitors and check-ins, consultations,
// B2B meetings and consent rates. hospitalID "" reports on every hospital;
// otherwise the consultations and meetings are that hospital's only. It
// reads one consistent snapshot of the database.
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
	r := &booth.Report{Event: ev.Name, GeneratedAt: db.Now().UTC(),
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

	// Visitors and scans.
	q.one(`SELECT count(*) FROM visitor`, &r.Registered)
	q.one(`SELECT count(DISTINCT visitor_id) FROM scan WHERE decision = 'admitted'`, &r.VisitorsUnique)
	q.one(`SELECT count(*) FROM scan`, &r.Scans)
	q.counts(r.ScansByDecision, `SELECT decision, count(*) FROM scan GROUP BY decision`)
	q.counts(r.CheckinsByDay, `SELECT day, count(DISTINCT visitor_id) FROM scan WHERE decision = 'admitted' GROUP BY day`)
	admitted := `(SELECT DISTINCT visitor_id FROM scan WHERE decision = 'admitted')`
	q.counts(r.VisitorsByType, `SELECT v.type, count(*) FROM visitor v WHERE v.id IN `+admitted+` GROUP BY v.type`)
	q.counts(r.VisitorsBy.Country, `SELECT upper(v.country), count(*) FROM visitor v WHERE v.id IN `+admitted+` GROUP BY 1`)
	q.counts(r.VisitorsBy.City, `SELECT v.city, count(*) FROM visitor v WHERE v.id IN `+admitted+` GROUP BY v.city`)
	q.counts(r.VisitorsBy.Language, `SELECT v.lang, count(*) FROM visitor v WHERE v.id IN `+admitted+` GROUP BY v.lang`)
	q.counts(r.VisitorsBy.Source, `SELECT v.source, count(*) FROM visitor v WHERE v.id IN `+admitted+` GROUP BY v.source`)
	if q.err == nil {
		q.err = checkinsByHour(ctx, tx, ev.Location(), r.CheckinsByHour)
	}

	// Consultations, of one hospital or all.
	where := ` WHERE (?1 = '' OR c.org_id = ?1)`
	q.one(`SELECT count(*) FROM consultation c`+where, &r.Consultations, hospitalID)
	q.one(`SELECT count(DISTINCT c.visitor_id) FROM consultation c`+where, &r.PatientsConsulted, hospitalID)
	q.counts(r.ConsultationsByHospital, `SELECT o.name, count(*) FROM consultation c JOIN org o ON o.id = c.org_id`+where+` GROUP BY o.id`, hospitalID)
	q.counts(r.ConsultationsByDepartment, `SELECT c.department, count(*) FROM consultation c`+where+` GROUP BY c.department`, hospitalID)
	q.counts(r.ConsultationsByDoctor, `SELECT c.doctor, count(*) FROM consultation c`+where+` GROUP BY c.doctor`, hospitalID)
	q.counts(r.ConsultationsByDay, `SELECT c.day, count(*) FROM consultation c`+where+` GROUP BY c.day`, hospitalID)
	q.counts(r.ConsultationsByRecommend, `SELECT c.recommendation, count(*) FROM consultation c`+where+` GROUP BY c.recommendation`, hospitalID)
	q.counts(r.ConsultationsByFollowUp, `SELECT c.follow_up, count(*) FROM consultation c`+where+` GROUP BY c.follow_up`, hospitalID)
	q.counts(r.ConsultationsByHospitalByDay, `SELECT o.name || ' · ' || c.day, count(*) FROM consultation c JOIN org o ON o.id = c.org_id`+where+` GROUP BY o.id, c.day`, hospitalID)

	// B2B meetings, of one hospital (as the firm side) or all.
	mwhere := ` WHERE (?1 = '' OR m.firm_id = ?1)`
	q.one(`SELECT count(*) FROM meeting m`+mwhere, &r.Meetings, hospitalID)
	q.one(`SELECT coalesce(sum(m.mou), 0) FROM meeting m`+mwhere, &r.MOUs, hospitalID)
	q.one(`SELECT count(DISTINCT m.agency_id) FROM meeting m`+mwhere, &r.Agencies, hospitalID)
	q.counts(r.MeetingsByFirm, `SELECT o.name, count(*) FROM meeting m JOIN org o ON o.id = m.firm_id`+mwhere+` GROUP BY o.id`, hospitalID)
	q.counts(r.MeetingsByAgency, `SELECT o.name, count(*) FROM meeting m JOIN org o ON o.id = m.agency_id`+mwhere+` GROUP BY o.id`, hospitalID)

	// Consent rates over the visitors on record (not erased): the latest
	// decision of each visitor on each purpose.
	var people int
	q.one(`SELECT count(*) FROM visitor WHERE erased_at IS NULL`, &people)
	given := map[string]int{}
	q.counts(given, `SELECT purpose, count(DISTINCT visitor_id) FROM (
		SELECT c.visitor_id, c.purpose, c.granted,
			row_number() OVER (PARTITION BY c.visitor_id, c.purpose, coalesce(c.org_id, '') ORDER BY c.at DESC, c.id DESC) AS n
		FROM consent c JOIN visitor v ON v.id = c.visitor_id WHERE v.erased_at IS NULL)
		WHERE n = 1 AND granted GROUP BY purpose`)
	if q.err != nil {
		return nil, q.err
	}
	for _, p := range []booth.Purpose{booth.PurposeContact, booth.PurposeHealth, booth.PurposeTransfer, booth.PurposeProvision, booth.PurposeMarketing} {
		cr := booth.ConsentRate{Given: given[string(p)], Of: people}
		if people > 0 {
			cr.Rate = float64(cr.Given) / float64(people)
		}
		r.ConsentRates[string(p)] = cr
	}
	return r, nil
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

func (q *reportQuery) counts(m map[string]int, query string, args ...any) {
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
		var k sql.NullString
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			q.err = err
			return
		}
		booth.CountKey(m, k.String, n)
	}
	q.err = rows.Err()
}

// checkinsByHour counts the unique visitors admitted in each event-local
// hour; the hour depends on the event's time zone, so it is counted here.
func checkinsByHour(ctx context.Context, tx *sql.Tx, loc *time.Location, out map[string]int) error {
	rows, err := tx.QueryContext(ctx, `SELECT visitor_id, at FROM scan WHERE decision = 'admitted' ORDER BY at`)
	if err != nil {
		return err
	}
	defer rows.Close()
	seen := map[string]map[string]bool{} // hour → visitors
	for rows.Next() {
		var id, at string
		if err := rows.Scan(&id, &at); err != nil {
			return err
		}
		t, err := booth.ParseTime(at)
		if err != nil {
			continue
		}
		h := booth.HourKey(t, loc)
		if seen[h] == nil {
			seen[h] = map[string]bool{}
		}
		seen[h][id] = true
	}
	for h, ids := range seen {
		out[h] = len(ids)
	}
	return rows.Err()
}

package main

import (
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

// seedReport is the report as the test reads it: the CLI contract's keys
// and the rest of what the JSON has.
type seedReport struct {
	Event                         string                     `json:"event"`
	VisitorsUnique                int                        `json:"visitors_unique"`
	Registered                    int                        `json:"registered"`
	Scans                         int                        `json:"scans"`
	ScansByDecision               map[string]int             `json:"scans_by_decision"`
	CheckinsByDay                 map[string]int             `json:"checkins_by_day"`
	CheckinsByHour                map[string]int             `json:"checkins_by_hour"`
	VisitorsByType                map[string]int             `json:"visitors_by_type"`
	VisitorsBy                    seedBreakdowns             `json:"visitors_by"`
	Consultations                 int                        `json:"consultations"`
	PatientsConsulted             int                        `json:"patients_consulted"`
	ConsultationsByHospital       map[string]int             `json:"consultations_by_hospital"`
	ConsultationsByDepartment     map[string]int             `json:"consultations_by_department"`
	ConsultationsByDoctor         map[string]int             `json:"consultations_by_doctor"`
	ConsultationsByDay            map[string]int             `json:"consultations_by_day"`
	ConsultationsByHospitalAndDay map[string]int             `json:"consultations_by_hospital_and_day"`
	ConsultationsByRecommendation map[string]int             `json:"consultations_by_recommendation"`
	ConsultationsByFollowUp       map[string]int             `json:"consultations_by_follow_up"`
	Meetings                      int                        `json:"meetings"`
	MOUs                          int                        `json:"mous"`
	Agencies                      int                        `json:"agencies"`
	MeetingsByFirm                map[string]int             `json:"meetings_by_firm"`
	MeetingsByAgency              map[string]int             `json:"meetings_by_agency"`
	ConsentRates                  map[string]seedConsentRate `json:"consent_rates"`
}

type seedBreakdowns struct {
	Country  map[string]int `json:"country"`
	City     map[string]int `json:"city"`
	Language map[string]int `json:"language"`
	Source   map[string]int `json:"source"`
}

type seedConsentRate struct {
	Given int     `json:"given"`
	Of    int     `json:"of"`
	Rate  float64 `json:"rate"`
}

// want is the report the plan adds up to, with the decisions the laptops
// must give.
func (p *seedPlan) want() seedReport {
	counts := func() map[string]int { return map[string]int{} }
	r := seedReport{
		Event:                         seedEventName,
		Registered:                    len(p.visitors),
		ScansByDecision:               counts(),
		CheckinsByDay:                 counts(),
		CheckinsByHour:                counts(),
		VisitorsByType:                counts(),
		VisitorsBy:                    seedBreakdowns{Country: counts(), City: counts(), Language: counts(), Source: counts()},
		ConsultationsByHospital:       counts(),
		ConsultationsByDepartment:     counts(),
		ConsultationsByDoctor:         counts(),
		ConsultationsByDay:            counts(),
		ConsultationsByHospitalAndDay: counts(),
		ConsultationsByRecommendation: counts(),
		ConsultationsByFollowUp:       counts(),
		MeetingsByFirm:                counts(),
		MeetingsByAgency:              counts(),
		ConsentRates:                  map[string]seedConsentRate{},
	}
	p.wantVisitors(&r)
	patients := map[*seedVisitor]bool{}
	for _, c := range p.consults {
		day := c.at.Format(time.DateOnly)
		r.Consultations++
		patients[c.v] = true
		r.ConsultationsByHospital[c.doctor.hospital]++
		r.ConsultationsByDepartment[c.doctor.dept]++
		r.ConsultationsByDoctor[c.doctor.doctor]++
		r.ConsultationsByDay[day]++
		r.ConsultationsByHospitalAndDay[c.doctor.hospital+" · "+day]++
		r.ConsultationsByRecommendation[c.rec]++
		r.ConsultationsByFollowUp[c.followUp]++
	}
	r.PatientsConsulted = len(patients)
	agencies := map[int]bool{}
	for _, m := range p.meetings {
		r.Meetings++
		if m.mou {
			r.MOUs++
		}
		agencies[m.agency] = true
		r.MeetingsByFirm[seedFirmNames[m.firm]]++
		r.MeetingsByAgency[seedAgencyNames[m.agency]]++
	}
	r.Agencies = len(agencies)
	return r
}

// wantVisitors adds up the scans, the visitors admitted and the consents.
func (p *seedPlan) wantVisitors(r *seedReport) {
	unique := map[*seedVisitor]bool{}
	days := map[string]map[*seedVisitor]bool{}
	hours := map[string]map[*seedVisitor]bool{}
	count := func(m map[string]map[*seedVisitor]bool, k string, v *seedVisitor) {
		if m[k] == nil {
			m[k] = map[*seedVisitor]bool{}
		}
		m[k][v] = true
	}
	// A visitor admitted on two laptops the same day (neither knew of the
	// other's scan) counts once, at the first admission; the other is a
	// duplicate in the booth's figures.
	type visit struct {
		v   *seedVisitor
		day string
	}
	firstAt := map[visit]time.Time{}
	for _, ss := range p.scans {
		for _, s := range ss {
			r.Scans++
			r.ScansByDecision[string(s.want)]++
			if s.want == booth.Admitted {
				k := visit{s.v, s.at.Format(time.DateOnly)}
				if at, ok := firstAt[k]; ok {
					r.ScansByDecision[string(booth.Admitted)]--
					r.ScansByDecision[string(booth.Duplicate)]++
					if s.at.After(at) {
						continue
					}
				}
				firstAt[k] = s.at
			}
		}
	}
	for k, at := range firstAt {
		unique[k.v] = true
		count(days, k.day, k.v)
		count(hours, at.In(seedLocation()).Format("2006-01-02 15")+":00", k.v)
	}
	r.VisitorsUnique = len(unique)
	for k, vs := range days {
		r.CheckinsByDay[k] = len(vs)
	}
	for k, vs := range hours {
		r.CheckinsByHour[k] = len(vs)
	}
	for v := range unique {
		r.VisitorsByType[v.typ]++
		r.VisitorsBy.Country[v.country]++
		r.VisitorsBy.City[v.city]++
		r.VisitorsBy.Language[v.lang]++
		r.VisitorsBy.Source[v.source()]++
	}
	given := map[string]int{}
	for _, v := range p.visitors {
		for _, c := range strings.Split(v.consent, ",") {
			if c != "" {
				given[c]++
			}
		}
		if len(v.share) > 0 {
			given[string(booth.PurposeProvision)]++
		}
	}
	for _, purpose := range []booth.Purpose{booth.PurposeContact, booth.PurposeHealth, booth.PurposeTransfer, booth.PurposeProvision, booth.PurposeMarketing} {
		g := given[string(purpose)]
		r.ConsentRates[string(purpose)] = seedConsentRate{Given: g, Of: len(p.visitors), Rate: float64(g) / float64(len(p.visitors))}
	}
}

// sections are the report's rows as CSV and Excel write them: section →
// key → value.
func (r seedReport) sections() map[string]map[string]float64 {
	f := func(m map[string]int) map[string]float64 {
		out := map[string]float64{}
		for k, n := range m {
			out[k] = float64(n)
		}
		return out
	}
	rates := map[string]float64{}
	for k, c := range r.ConsentRates {
		rates[k] = c.Rate
	}
	return map[string]map[string]float64{
		"totals": {"visitors_unique": float64(r.VisitorsUnique), "registered": float64(r.Registered), "scans": float64(r.Scans),
			"consultations": float64(r.Consultations), "patients_consulted": float64(r.PatientsConsulted),
			"meetings": float64(r.Meetings), "mous": float64(r.MOUs), "agencies": float64(r.Agencies)},
		"checkins_by_day":                   f(r.CheckinsByDay),
		"checkins_by_hour":                  f(r.CheckinsByHour),
		"visitors_by_type":                  f(r.VisitorsByType),
		"visitors_by_country":               f(r.VisitorsBy.Country),
		"visitors_by_city":                  f(r.VisitorsBy.City),
		"visitors_by_language":              f(r.VisitorsBy.Language),
		"visitors_by_source":                f(r.VisitorsBy.Source),
		"scans_by_decision":                 f(r.ScansByDecision),
		"consultations_by_hospital":         f(r.ConsultationsByHospital),
		"consultations_by_department":       f(r.ConsultationsByDepartment),
		"consultations_by_doctor":           f(r.ConsultationsByDoctor),
		"consultations_by_day":              f(r.ConsultationsByDay),
		"consultations_by_hospital_and_day": f(r.ConsultationsByHospitalAndDay),
		"consultations_by_recommendation":   f(r.ConsultationsByRecommendation),
		"consultations_by_follow_up":        f(r.ConsultationsByFollowUp),
		"meetings_by_firm":                  f(r.MeetingsByFirm),
		"meetings_by_agency":                f(r.MeetingsByAgency),
		"consent_rates":                     rates,
	}
}

// seedSheets are the Excel report's sheets, by section.
var seedSheets = map[string]string{
	"totals": "Totals", "checkins_by_day": "Check-ins by day", "checkins_by_hour": "Check-ins by hour",
	"visitors_by_type": "Visitors by type", "visitors_by_country": "Visitors by country", "visitors_by_city": "Visitors by city",
	"visitors_by_language": "Visitors by language", "visitors_by_source": "Visitors by source", "scans_by_decision": "Scans",
	"consultations_by_hospital": "Consult. by hospital", "consultations_by_department": "Consult. by department",
	"consultations_by_doctor": "Consult. by doctor", "consultations_by_day": "Consult. by day",
	"consultations_by_hospital_and_day": "Consult. by hospital, day", "consultations_by_recommendation": "Recommendations",
	"consultations_by_follow_up": "Follow-up", "meetings_by_firm": "Meetings by firm", "meetings_by_agency": "Meetings by agency",
	"consent_rates": "Consent rates",
}

// check fails when the plan misses a figure of the press releases.
func (p *seedPlan) check(t *testing.T, want seedReport) {
	t.Helper()
	if want.VisitorsUnique != seedParticipants || want.PatientsConsulted != seedPatients || want.Meetings != seedMeetings ||
		len(want.MeetingsByFirm) != seedFirms || want.Agencies != seedAgencies || len(want.ConsultationsByDoctor) != len(seedDoctors) {
		t.Fatalf("the plan misses the seed event: %d visitors, %d patients, %d meetings, %d firms, %d agencies, %d doctors",
			want.VisitorsUnique, want.PatientsConsulted, want.Meetings, len(want.MeetingsByFirm), want.Agencies, len(want.ConsultationsByDoctor))
	}
}

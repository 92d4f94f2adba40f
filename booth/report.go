package booth

import (
	"bufio"
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Report is what an event's data adds up to: the numbers press releases and
// HQ's follow-up need. The same report comes from one booth laptop or from
// HQ's merged database.
type Report struct {
	Event       string    `json:"event"`
	Hospital    string    `json:"hospital,omitempty"` // set when the report is of one hospital
	GeneratedAt time.Time `json:"generated_at"`
	AppVersion  string    `json:"app_version"` // the medibooth that made the report

	// Visitors.
	VisitorsUnique  int            `json:"visitors_unique"` // admitted at least once
	Registered      int            `json:"registered"`      // every visitor on record, erased ones aside
	CheckinsByDay   map[string]int `json:"checkins_by_day"` // event-local date → unique visitors admitted
	CheckinsByHour  map[string]int `json:"checkins_by_hour"`
	VisitorsByType  map[string]int `json:"visitors_by_type"` // of the visitors admitted
	VisitorsBy      Breakdowns     `json:"visitors_by"`      // country, city, language, source
	Scans           int            `json:"scans"`
	ScansByDecision map[string]int `json:"scans_by_decision"`

	// Consultations.
	Consultations                int            `json:"consultations"`
	PatientsConsulted            int            `json:"patients_consulted"`
	ConsultationsByHospital      map[string]int `json:"consultations_by_hospital"`
	ConsultationsByDepartment    map[string]int `json:"consultations_by_department"`
	ConsultationsByDoctor        map[string]int `json:"consultations_by_doctor"`
	ConsultationsByDay           map[string]int `json:"consultations_by_day"`
	ConsultationsByRecommend     map[string]int `json:"consultations_by_recommendation"`
	ConsultationsByFollowUp      map[string]int `json:"consultations_by_follow_up"`
	ConsultationsByHospitalByDay map[string]int `json:"consultations_by_hospital_and_day"`

	// B2B meetings.
	Meetings         int            `json:"meetings"`
	MOUs             int            `json:"mous"`
	Agencies         int            `json:"agencies"`
	MeetingsByFirm   map[string]int `json:"meetings_by_firm"`
	MeetingsByAgency map[string]int `json:"meetings_by_agency"`

	// Consent: of the visitors registered, how many gave each.
	ConsentRates map[string]ConsentRate `json:"consent_rates"`
}

// Breakdowns are counts by country, city, language and source.
type Breakdowns struct {
	Country  map[string]int `json:"country"`
	City     map[string]int `json:"city"`
	Language map[string]int `json:"language"`
	Source   map[string]int `json:"source"`
}

// ConsentRate is how many of the registered visitors gave a consent.
type ConsentRate struct {
	Given int     `json:"given"`
	Of    int     `json:"of"`
	Rate  float64 `json:"rate"`
}

// Section is one breakdown of a report, named and ordered for a table.
type Section struct {
	Name string
	Rows []SectionRow
}

// SectionRow is one line of a section.
type SectionRow struct {
	Key   string
	Value float64
}

// Sections lists the report's breakdowns in the order a reader expects;
// CSV, Excel and PDF write them the same way.
func (r *Report) Sections() []Section {
	totals := Section{Name: "totals", Rows: []SectionRow{
		{"visitors_unique", float64(r.VisitorsUnique)}, {"registered", float64(r.Registered)}, {"scans", float64(r.Scans)},
		{"consultations", float64(r.Consultations)}, {"patients_consulted", float64(r.PatientsConsulted)},
		{"meetings", float64(r.Meetings)}, {"mous", float64(r.MOUs)}, {"agencies", float64(r.Agencies)},
	}}
	out := []Section{totals,
		byKey("checkins_by_day", r.CheckinsByDay),
		byKey("checkins_by_hour", r.CheckinsByHour),
		byCount("visitors_by_type", r.VisitorsByType),
		byCount("visitors_by_country", r.VisitorsBy.Country),
		byCount("visitors_by_city", r.VisitorsBy.City),
		byCount("visitors_by_language", r.VisitorsBy.Language),
		byCount("visitors_by_source", r.VisitorsBy.Source),
		byCount("scans_by_decision", r.ScansByDecision),
		byCount("consultations_by_hospital", r.ConsultationsByHospital),
		byCount("consultations_by_department", r.ConsultationsByDepartment),
		byCount("consultations_by_doctor", r.ConsultationsByDoctor),
		byKey("consultations_by_day", r.ConsultationsByDay),
		byKey("consultations_by_hospital_and_day", r.ConsultationsByHospitalByDay),
		byCount("consultations_by_recommendation", r.ConsultationsByRecommend),
		byCount("consultations_by_follow_up", r.ConsultationsByFollowUp),
		byCount("meetings_by_firm", r.MeetingsByFirm),
		byCount("meetings_by_agency", r.MeetingsByAgency),
	}
	rates := Section{Name: "consent_rates"}
	for _, k := range sortedKeys(r.ConsentRates) {
		rates.Rows = append(rates.Rows, SectionRow{k, r.ConsentRates[k].Rate})
	}
	return append(out, rates)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// byKey orders by the key (dates, hours).
func byKey(name string, m map[string]int) Section {
	s := Section{Name: name}
	for _, k := range sortedKeys(m) {
		s.Rows = append(s.Rows, SectionRow{k, float64(m[k])})
	}
	return s
}

// byCount orders the largest first, then by key.
func byCount(name string, m map[string]int) Section {
	s := byKey(name, m)
	sort.SliceStable(s.Rows, func(i, j int) bool { return s.Rows[i].Value > s.Rows[j].Value })
	return s
}

// SafeCell makes text safe in a CSV cell: a cell that begins with = + - @
// (or their fullwidth forms, which spreadsheets in East Asian locales read
// the same way), a tab or a carriage return would be read as a formula (CSV
// injection), so it gets a leading apostrophe, which spreadsheets show as
// text and hide. XLSX cells need none: a text cell there is never a
// formula, and the apostrophe would show.
func SafeCell(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}

// WriteReportCSV writes the report as CSV for Excel: UTF-8 with a byte
// order mark (so Excel reads Hangul and Cyrillic), one row per number:
// section, key, value.
func WriteReportCSV(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\uFEFF")
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write([]string{"section", "key", "value"}); err != nil {
		return err
	}
	for _, s := range r.Sections() {
		for _, row := range s.Rows {
			v := strconv.FormatFloat(row.Value, 'f', -1, 64)
			if err := cw.Write([]string{s.Name, SafeCell(row.Key), v}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// HourKey is the event-local hour of t in a report: "2026-09-17 10:00".
func HourKey(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15") + ":00"
}

// trimKey is a breakdown key for an empty value.
func trimKey(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return "(none)"
	}
	return s
}

// CountKey adds one to m[key], naming an empty key "(none)".
func CountKey(m map[string]int, key string, n int) { m[trimKey(key)] += n }

package sheet

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"medibooth/booth"
)

// sheetNames are the report's sections as Excel names them (31 characters
// at most, no / \ ? * [ ]).
var sheetNames = map[string]string{
	"totals": "Totals", "checkins_by_day": "Check-ins by day", "checkins_by_hour": "Check-ins by hour",
	"visitors_by_type": "Visitors by type", "visitors_by_country": "Visitors by country", "visitors_by_city": "Visitors by city",
	"visitors_by_language": "Visitors by language", "visitors_by_source": "Visitors by source", "scans_by_decision": "Scans",
	"consultations_by_hospital": "Consult. by hospital", "consultations_by_department": "Consult. by department",
	"consultations_by_doctor": "Consult. by doctor", "consultations_by_day": "Consult. by day",
	"consultations_by_hospital_and_day": "Consult. by hospital, day", "consultations_by_recommendation": "Recommendations",
	"consultations_by_follow_up": "Follow-up", "meetings_by_firm": "Meetings by firm", "meetings_by_agency": "Meetings by agency",
	"consent_rates": "Consent rates",
}

// rowNames are the names of the report's fixed rows (totals, scan
// decisions, visitor types and sources, recommendations, follow-up intents,
// consent purposes) as the screens spell them, for translation.
var rowNames = map[string]map[string]string{
	"totals": {"visitors_unique": "Unique visitors", "registered": "Registered", "scans": "Scans", "consultations": "Consultations",
		"patients_consulted": "Patients consulted", "meetings": "B2B meetings", "mous": "MOUs signed", "agencies": "Agencies"},
	"scans_by_decision": {"admitted": "Admitted", "duplicate": "Already checked in", "rejected": "Rejected"},
	"visitors_by_type":  {"patient": "Patient", "companion": "Companion", "agency": "Agency", "media": "Media", "other": "Other visitor"},
	"visitors_by_source": {"walk-in": "Walk-in", "pre-registered": "Pre-registered", "kiosk": "Kiosk", "import": "Imported",
		"badge": "Known from a badge"},
	"visitors_by_language": {"ru": "Русский", "kk": "Қазақша", "en": "English", "ko": "한국어"},
	"consultations_by_recommendation": {"tele-consultation": "Tele-consultation", "send-records": "Send medical records",
		"quote": "Cost estimate", "treatment-visit": "Treatment visit to Korea", "none": "None"},
	"consultations_by_follow_up": {"yes": "Yes", "maybe": "Maybe", "no": "No"},
	"consent_rates": {"contact": "Contact", "health": "Health information", "provision": "Provision to hospitals",
		"transfer": "Transfer abroad", "marketing": "News and offers"},
}

// ReportKeys lists the words of a workbook that t translates, for the
// translation check.
func ReportKeys() []string {
	keys := []string{"Item", "Count", "Rate"}
	for _, n := range sheetNames {
		keys = append(keys, n)
	}
	for section, m := range rowNames {
		if section == "visitors_by_language" {
			continue
		}
		for _, n := range m {
			keys = append(keys, n)
		}
	}
	return keys
}

// sheetName makes a translated sheet name one Excel takes: at most 31
// characters, none of : / \ ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:/\?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

// WriteReport writes the report as an Excel workbook: one sheet per
// breakdown, a bold header row that stays in view, columns as wide as
// their text, rates as percentages. t translates sheet names, headers and
// the fixed row names (nil leaves them in English); names typed at the fair
// stay as they are.
func WriteReport(w io.Writer, r *booth.Report, t func(string) string) error {
	if t == nil {
		t = func(s string) string { return s }
	}
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill: excelize.Fill{Type: "pattern", Color: []string{"0F766E"}, Pattern: 1}})
	if err != nil {
		return err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	first := true
	for _, s := range r.Sections() {
		name := s.Name
		if n := sheetNames[s.Name]; n != "" {
			name = sheetName(t(n))
		}
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		valueHead := t("Count")
		if s.Name == "consent_rates" {
			valueHead = t("Rate")
		}
		rows := [][]any{{t("Item"), valueHead}}
		keyWidth := 10
		for _, row := range s.Rows {
			// A key is data (a name typed at the fair): it goes in as text,
			// never as a formula.
			key := row.Key
			if n := rowNames[s.Name][key]; n != "" {
				key = n
				if s.Name != "visitors_by_language" {
					key = t(n)
				}
			}
			rows = append(rows, []any{key, row.Value})
			keyWidth = max(keyWidth, utf8.RuneCountInString(key)+2)
		}
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(name, "A1", "B1", head); err != nil {
			return err
		}
		if s.Name == "consent_rates" && len(rows) > 1 {
			last, _ := excelize.CoordinatesToCellName(2, len(rows))
			if err := f.SetCellStyle(name, "B2", last, pct); err != nil {
				return err
			}
		}
		if err := f.SetColWidth(name, "A", "A", float64(min(keyWidth, 80))); err != nil {
			return err
		}
		if err := f.SetColWidth(name, "B", "B", 12); err != nil {
			return err
		}
		if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
}

// RowKey reads back the report key of a row of a workbook written with t
// (the inverse of the fixed row names; other rows are their own key).
func RowKey(section, name string, t func(string) string) string {
	for k, n := range rowNames[section] {
		if n == name || t(n) == name {
			return k
		}
	}
	return name
}

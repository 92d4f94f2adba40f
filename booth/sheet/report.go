package sheet

import (
	"io"
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

// WriteReport writes the report as an Excel workbook: one sheet per
// breakdown, a bold header row that stays in view, columns as wide as
// their text, rates as percentages.
func WriteReport(w io.Writer, r *booth.Report) error {
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
		name := sheetNames[s.Name]
		if name == "" {
			name = s.Name
		}
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		valueHead := "Count"
		if s.Name == "consent_rates" {
			valueHead = "Rate"
		}
		rows := [][]any{{"Item", valueHead}}
		keyWidth := 10
		for _, row := range s.Rows {
			// A key is data (a name typed at the fair): it goes in as text,
			// never as a formula.
			rows = append(rows, []any{booth.SafeCell(row.Key), row.Value})
			keyWidth = max(keyWidth, utf8.RuneCountInString(row.Key)+2)
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

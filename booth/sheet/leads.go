package sheet

import (
	"io"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// WriteLeads writes a hospital's lead table (booth.LeadTable) as a workbook
// of one sheet: a bold header row that stays in view, columns as wide as
// their text, every cell text (a name typed at the fair is never a
// formula) but the dates of the columns dateCols, which are date cells that
// Excel and LibreOffice show in the reader's own way of writing dates (the
// built-in number format 14).
func WriteLeads(w io.Writer, sheetName string, table [][]string, dateCols ...int) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill: excelize.Fill{Type: "pattern", Color: []string{"0F766E"}, Pattern: 1}})
	if err != nil {
		return err
	}
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	if len(table) == 0 {
		_, err = f.WriteTo(w)
		return err
	}
	widths := make([]int, len(table[0]))
	for _, row := range table {
		for j, c := range row {
			if j < len(widths) {
				widths[j] = max(widths[j], utf8.RuneCountInString(c)+2)
			}
		}
	}
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, row := range table {
		cells := make([]any, len(row))
		for j, c := range row {
			switch day, err := time.Parse(time.DateOnly, c); {
			case i == 0:
				cells[j] = excelize.Cell{StyleID: head, Value: c}
			case err == nil && slices.Contains(dateCols, j):
				cells[j] = excelize.Cell{StyleID: date, Value: day}
			default:
				cells[j] = c
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if i == 0 {
			for j := range widths {
				if err := sw.SetColWidth(j+1, j+1, float64(min(max(widths[j], 8), 60))); err != nil {
					return err
				}
			}
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

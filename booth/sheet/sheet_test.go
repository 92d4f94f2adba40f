package sheet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"medibooth/booth"
)

// book makes an .xlsx workbook whose first sheet holds rows.
func book(t testing.TB, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestWorkbookAndCSVGiveTheSameVisitors(t *testing.T) {
	rows := [][]string{{"ФИО", "Телефон", "Год рождения"}, {"Айгерім Сейітқали", "8 701 234 56 78", "1988"}, {"김민준", "+82 10 1234 5678", ""}}
	fromBook, err := Visitors("list.xlsx", bytes.NewReader(book(t, rows)))
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	for _, r := range rows {
		csv.WriteString(strings.Join(r, ";") + "\n")
	}
	fromCSV, err := Visitors("list.csv", strings.NewReader(csv.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(fromBook) != 2 || len(fromCSV) != 2 {
		t.Fatalf("%d visitors from the workbook, %d from CSV", len(fromBook), len(fromCSV))
	}
	for i := range fromBook {
		b, c := fromBook[i], fromCSV[i]
		if b.Name != c.Name || b.Phone != c.Phone || b.BirthYear != c.BirthYear {
			t.Errorf("row %d: workbook %+v, CSV %+v", i+2, b, c)
		}
	}
	if fromBook[0].Phone != "+77012345678" || fromBook[0].BirthYear != 1988 {
		t.Errorf("first visitor %+v", fromBook[0])
	}
}

func TestWorkbookErrorsNameTheRow(t *testing.T) {
	rows := [][]string{{"Name", "Birth year"}, {"Ерлан Сериков", "1985"}, {"Дана Ахметова", "1890"}}
	_, err := Visitors("list.xlsx", bytes.NewReader(book(t, rows)))
	if booth.ErrorCode(err) != booth.EINVALID || !strings.Contains(booth.ErrorMessage(err), "3") {
		t.Fatalf("bad birth year on row 3: %v", err)
	}
	for name, content := range map[string][]byte{
		"old.xls":     []byte("\xd0\xcf\x11\xe0"),
		"broken.xlsx": []byte("PK\x03\x04 not really"),
	} {
		_, err := Visitors(name, bytes.NewReader(content))
		if booth.ErrorCode(err) != booth.EINVALID || !strings.Contains(booth.ErrorMessage(err), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
	big := bytes.NewReader(make([]byte, MaxFileSize+1))
	if _, err := Visitors("huge.csv", big); booth.ErrorCode(err) != booth.EINVALID {
		t.Errorf("a file over the limit: %v", err)
	}
}

// FuzzWorkbook feeds workbooks, whole and damaged, to the reader: it
// returns visitors or one error, never panics.
func FuzzWorkbook(f *testing.F) {
	good := book(f, [][]string{{"Name", "Phone"}, {"Айгерим", "+77011234567"}})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, b []byte) {
		vs, err := Visitors("fuzz.xlsx", bytes.NewReader(b))
		if err == nil {
			for _, v := range vs {
				if v.Name == "" {
					t.Fatalf("a visitor without a name: %+v", v)
				}
			}
		} else if booth.ErrorMessage(err) == "" {
			t.Fatal("an error without a sentence")
		}
	})
}

func TestReportWorkbook(t *testing.T) {
	r := &booth.Report{Event: "Almaty", VisitorsUnique: 3, CheckinsByDay: map[string]int{"2026-09-17": 2},
		ConsultationsByHospital: map[string]int{"경희대학교한방병원": 2, "=1+1": 1},
		ConsentRates:            map[string]booth.ConsentRate{"health": {Given: 1, Of: 4, Rate: 0.25}}}
	var b bytes.Buffer
	if err := WriteReport(&b, r, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != len(r.Sections()) || sheets[0] != "Totals" {
		t.Fatalf("sheets %q", sheets)
	}
	rows, _ := f.GetRows("Consult. by hospital")
	if len(rows) != 3 || rows[1][0] != "경희대학교한방병원" || rows[1][1] != "2" || rows[2][0] != "=1+1" {
		t.Fatalf("hospital rows %q", rows)
	}
	if formula, _ := f.GetCellFormula("Consult. by hospital", "A3"); formula != "" {
		t.Errorf("a name became the formula %q", formula)
	}
	panes, err := f.GetPanes("Totals")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("the header row is not frozen: %+v %v", panes, err)
	}
	rate, _ := f.GetCellValue("Consent rates", "B2")
	if rate != "25.00%" {
		t.Errorf("health consent rate shows %q", rate)
	}
	if w, _ := f.GetColWidth("Consult. by hospital", "A"); w < 10 {
		t.Errorf("column A is %v wide", w)
	}
}

// TestLeadsWorkbookTextAsTyped: phones and names that start like formulas
// are text cells shown exactly as typed — no formula, no apostrophe.
// The consultation day is a date cell that shows in the reader's way; a
// date typed into another column stays text.
func TestLeadsWorkbookDates(t *testing.T) {
	table := [][]string{{"Name", "Day"}, {"2026-09-17", "2026-09-18"}, {"Aigerim", "not a date"}}
	var b bytes.Buffer
	if err := WriteLeads(&b, "Leads", table, 1); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, text := range map[string]bool{"A2": true, "B2": false, "B3": true} {
		got, err := f.GetCellType("Leads", cell)
		isText := got == excelize.CellTypeInlineString || got == excelize.CellTypeSharedString
		if err != nil || isText != text {
			t.Errorf("%s: cell type %v (%v), text %v", cell, got, err, text)
		}
	}
	if v, _ := f.GetCellValue("Leads", "B2", excelize.Options{RawCellValue: true}); v != "46283" {
		t.Errorf("B2 holds %q, want the serial day 46283", v)
	}
	if s, _ := f.GetCellStyle("Leads", "B2"); s == 0 {
		t.Error("B2 has no date format")
	} else if st, _ := f.GetStyle(s); st.NumFmt != 14 {
		t.Errorf("B2's number format is %d, want 14", st.NumFmt)
	}
}

func TestLeadsWorkbookTextAsTyped(t *testing.T) {
	table := [][]string{{"Name", "Phone"}, {"=HYPERLINK(\"x\")", "+7 701 123 45 67"}, {"＝1+1", "-5"}}
	var b bytes.Buffer
	if err := WriteLeads(&b, "Leads", table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Leads")
	for i, row := range table[1:] {
		for j, want := range row {
			if rows[i+1][j] != want {
				t.Errorf("cell %d,%d = %q, want %q", i+2, j+1, rows[i+1][j], want)
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			if formula, _ := f.GetCellFormula("Leads", cell); formula != "" {
				t.Errorf("%s became the formula %q", cell, formula)
			}
		}
	}
}

package label

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"medibooth/assets"
	"medibooth/booth"
)

// reportEvent and testReport are a two-day consultation with names in
// Hangul, Russian and Kazakh among the hospitals and specialties.
var reportEvent = &booth.Event{Name: "Almaty Health Consultation 2026", City: "Almaty", Start: "2026-09-17", End: "2026-09-18", TimeZone: "Asia/Almaty"}

func testReport() *booth.Report {
	return &booth.Report{
		VisitorsUnique: 197, PatientsConsulted: 77, Consultations: 104, Meetings: 150, Agencies: 42, MOUs: 9,
		AppVersion:    "1.4.0",
		CheckinsByDay: map[string]int{"2026-09-17": 120, "2026-09-18": 96},
		ConsultationsByHospital: map[string]int{"경희대학교한방병원": 25, "Seoul National University Dental Hospital": 20,
			"Korea University Anam Hospital": 24, "Сеульская клиника «Сон»": 18, "Қазақстан-Корея медициналық орталығы": 17},
		ConsultationsByDepartment: map[string]int{"Dentistry": 20, "Health screening": 12, "GI cancers": 14, "Post-COVID care": 10,
			"Қатерлі ісік": 25, "Гинекология": 7, "한방부인과": 16},
		GeneratedAt: time.Date(2026, 9, 19, 3, 0, 0, 0, time.UTC),
	}
}

// reportDates is how each language writes the event's dates: the header,
// the chart's days, and the footer (08:00 in Almaty).
var reportDates = map[string]struct {
	head   string
	days   map[string]string
	footer string
}{
	"ko": {"2026. 9. 17. – 2026. 9. 18.", map[string]string{"2026-09-17": "9. 17.", "2026-09-18": "9. 18."}, "작성 2026. 9. 19. 08:00 · medibooth 1.4.0"},
	"en": {"17 September 2026 – 18 September 2026", map[string]string{"2026-09-17": "17 Sep", "2026-09-18": "18 Sep"}, "Generated 19 September 2026 08:00 · medibooth 1.4.0"},
	"ru": {"17.09.2026 – 18.09.2026", map[string]string{"2026-09-17": "17.09", "2026-09-18": "18.09"}, "Сформировано 19.09.2026 08:00 · medibooth 1.4.0"},
	"kk": {"17.09.2026 – 18.09.2026", map[string]string{"2026-09-17": "17.09", "2026-09-18": "18.09"}, "Жасалды 19.09.2026 08:00 · medibooth 1.4.0"},
}

// reportJSON is the part of `report --format json` the summary shows.
type reportJSON struct {
	VisitorsUnique    int            `json:"visitors_unique"`
	PatientsConsulted int            `json:"patients_consulted"`
	Consultations     int            `json:"consultations"`
	Meetings          int            `json:"meetings"`
	Agencies          int            `json:"agencies"`
	MOUs              int            `json:"mous"`
	CheckinsByDay     map[string]int `json:"checkins_by_day"`
	ByHospital        map[string]int `json:"consultations_by_hospital"`
	ByDepartment      map[string]int `json:"consultations_by_department"`
}

// pdfText is what pdftotext -layout reads from the PDF: its text laid out
// as on the page, columns apart.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: install poppler-utils (apt-get install poppler-utils) to read the report PDF back")
	}
	in := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", in, "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("pdftotext: %v %s", err, stderr.Bytes())
	}
	return string(out)
}

// columns splits a line of pdftotext -layout output at runs of two or more
// spaces, which is how it sets text apart that stands apart on the page.
func columns(line string) []string {
	return regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1)
}

// lineOf returns the index of the first line from `from` whose columns are
// cols, or -1.
func lineOf(lines []string, from int, cols ...string) int {
	for i := max(from, 0); i < len(lines); i++ {
		if slices.Equal(columns(lines[i]), cols) {
			return i
		}
	}
	return -1
}

// TestReportPDFText reads the summary back in each language and finds in
// it the translated headings, every headline figure over its label, each
// day's check-ins over its date, and every hospital and specialty with its
// count on its line, all as the report's JSON gives them.
func TestReportPDFText(t *testing.T) {
	r := testReport()
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var want reportJSON
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ko", "en", "ru", "kk"} {
		t.Run(lang, func(t *testing.T) {
			pdf, err := ReportPDF(r, reportEvent, lang, ShippedFonts)
			if err != nil {
				t.Fatal(err)
			}
			if dir := os.Getenv("REPORT_PDF_DIR"); dir != "" {
				os.WriteFile(filepath.Join(dir, "report-"+lang+".pdf"), pdf, 0o644)
			}
			text := pdfText(t, pdf)
			lines := strings.Split(text, "\n")
			tr := func(k string) string { return assets.Translate(lang, k) }
			dates := reportDates[lang]
			for _, s := range []string{reportEvent.Name, "Almaty · " + dates.head + " · " + tr("Results of the event"), dates.footer} {
				if !strings.Contains(text, s) {
					t.Errorf("no %q in:\n%s", s, text)
				}
			}

			// Headlines: three figures a row, each label under its figure.
			heads := []struct {
				n   int
				key string
			}{
				{want.VisitorsUnique, "Visitors"}, {want.PatientsConsulted, "Patients consulted"}, {want.Consultations, "Consultations"},
				{want.Meetings, "B2B meetings"}, {want.Agencies, "Agencies"}, {want.MOUs, "MOUs signed"},
			}
			at := 0
			for row := range 2 {
				var figures, labels []string
				for _, h := range heads[row*3 : row*3+3] {
					figures = append(figures, strconv.Itoa(h.n))
					labels = append(labels, tr(h.key))
				}
				if at = lineOf(lines, at, figures...); at < 0 {
					t.Fatalf("no line with the figures %q in:\n%s", figures, text)
				}
				if got := columns(lines[at+1]); !slices.Equal(got, labels) {
					t.Errorf("under %q: %q, want %q", figures, got, labels)
				}
			}

			// Check-ins per day: the figures over the bars, the dates under them.
			title := lineOf(lines, at, tr("Check-ins per day"))
			var days, figures []string
			for _, d := range slices.Sorted(maps.Keys(want.CheckinsByDay)) {
				days = append(days, dates.days[d])
				figures = append(figures, strconv.Itoa(want.CheckinsByDay[d]))
			}
			axis := lineOf(lines, title, days...)
			if title < 0 || axis < 0 {
				t.Fatalf("no %q chart with the days %q in:\n%s", tr("Check-ins per day"), days, text)
			}
			var over []string
			for _, ln := range lines[title+1 : axis] {
				if s := strings.TrimSpace(ln); s != "" {
					over = append(over, columns(s)...)
				}
			}
			slices.Sort(over)
			slices.Sort(figures)
			if !slices.Equal(over, figures) {
				t.Errorf("over the days: %q, want %q", over, figures)
			}

			// Bar charts: each name and its count on one line, under the heading.
			for _, c := range []struct {
				key    string
				counts map[string]int
			}{{"Consultations per hospital", want.ByHospital}, {"Consultations per specialty", want.ByDepartment}} {
				at = lineOf(lines, axis, tr(c.key))
				if at < 0 {
					t.Fatalf("no heading %q in:\n%s", tr(c.key), text)
				}
				for name, n := range c.counts {
					if lineOf(lines, at, name, strconv.Itoa(n)) < 0 {
						t.Errorf("%s: no line %q  %d in:\n%s", c.key, name, n, text)
					}
				}
			}
		})
	}
}

// TestReportPDFOnePage checks what does not depend on the language: one
// page, fonts embedded as subsets small enough for a press mail, the same
// bytes for the same report, and a clear error for a missing font.
func TestReportPDFOnePage(t *testing.T) {
	r := testReport()
	a, err := ReportPDF(r, reportEvent, "ko", ShippedFonts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReportPDF(r, reportEvent, "ko", ShippedFonts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the same report gave different PDFs")
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(a, -1)); !bytes.HasPrefix(a, []byte("%PDF-")) || n != 1 {
		t.Errorf("want a PDF of one page, got %d pages", n)
	}
	if !bytes.Contains(a, []byte("/FontFile2")) || len(a) > 100<<10 {
		t.Errorf("want the fonts embedded as subsets; the PDF has %d bytes", len(a))
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20260919030000)")) {
		t.Error("the PDF's creation date is not the report's")
	}
	for _, f := range []Fonts{{}, {Regular: []byte("not a font")}} {
		if _, err := ReportPDF(r, reportEvent, "ko", f); booth.ErrorCode(err) != booth.EINTERNAL {
			t.Errorf("fonts %q: %v", f.Regular, err)
		}
	}
}

// TestReportPDFMany fits a merged fair's many hospitals and specialties on
// the one page: the largest counts stay, and a line says how many more there
// are; a hospital's own report names it in the title.
func TestReportPDFMany(t *testing.T) {
	r := testReport()
	r.Hospital = "Korea University Anam Hospital"
	for i := range 14 {
		r.ConsultationsByHospital[fmt.Sprintf("Gyeonggi hospital %02d", i+1)] = 2 + i
	}
	for i := range 30 {
		r.ConsultationsByDepartment[fmt.Sprintf("Специальность %02d", i+1)] = 1 + i%5
	}
	pdf, err := ReportPDF(r, reportEvent, "ru", ShippedFonts)
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("REPORT_PDF_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "report-many.pdf"), pdf, 0o644)
	}
	text := pdfText(t, pdf)
	lines := strings.Split(text, "\n")
	if n := strings.Count(text, "\f"); n != 1 {
		t.Errorf("%d pages", n)
	}
	if flat := strings.Join(strings.Fields(text), " "); !strings.Contains(flat, reportEvent.Name+" · "+r.Hospital) {
		t.Errorf("no title with the hospital in:\n%s", text)
	}
	for _, s := range []string{"경희대학교한방병원", "Қатерлі ісік", "Gyeonggi hospital 14"} {
		if !strings.Contains(text, s) {
			t.Errorf("no %q in:\n%s", s, text)
		}
	}
	// Every name is either on a line with its count or among the more.
	more := regexp.MustCompile(strings.Replace(regexp.QuoteMeta(assets.Translate("ru", "… and %d more")), "%d", `(\d+)`, 1))
	m := more.FindAllStringSubmatch(text, -1)
	if len(m) == 0 {
		t.Fatalf("no line saying how many more in:\n%s", text)
	}
	n := 0
	for _, s := range m {
		k, _ := strconv.Atoi(s[1])
		n += k
	}
	for _, ln := range lines {
		if c := columns(ln); len(c) == 2 {
			if _, err := strconv.Atoi(c[1]); err == nil {
				n++
			}
		}
	}
	if all := len(r.ConsultationsByHospital) + len(r.ConsultationsByDepartment); n != all {
		t.Errorf("%d names shown or counted among the more, want %d", n, all)
	}
}

// TestReportKeysTranslated keeps the summary's words in every language.
func TestReportKeysTranslated(t *testing.T) {
	for _, k := range []string{"Results of the event", "Visitors", "Patients consulted", "Consultations", "B2B meetings",
		"Agencies", "MOUs signed", "Check-ins per day", "Consultations per hospital", "Consultations per specialty",
		"Generated", "… and %d more"} {
		for _, lang := range []string{"ko", "ru", "kk"} {
			if assets.Translate(lang, k) == k {
				t.Errorf("%s: %q is not translated", lang, k)
			}
		}
		if strings.Contains(k, "%d") {
			for _, lang := range []string{"en", "ko", "ru", "kk"} {
				if got := assets.Translate(lang, k); strings.Count(got, "%d") != 1 {
					t.Errorf("%s: %q translates to %q", lang, k, got)
				}
			}
		}
	}
}

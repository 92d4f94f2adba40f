package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/booth/sheet"
)

// The seed event is the two-day health consultation in Almaty that the
// demo describes: 197 participants, 77 patients consulted by 5 doctors of 4
// Seoul hospitals (light consultations on day 1, serious ones on day 2), and
// a B2B travel mart where 12 Seoul firms met 42 Kazakh travel agencies in
// 150 meetings. TestCLISeedEvent replays it through the CLI, as HQ and three
// laptops would, and checks that the report says, in every format, what was
// entered.

// The seed event through the CLI: HQ sets it up and pre-registers a few
// visitors, three laptops join and work the two days, HQ merges their
// bundles (twice: the second time changes nothing) and reports in JSON,
// CSV, Excel and PDF. Every figure is what was entered. With SEED_OUT set
// to a directory, the four reports are written there.
func TestCLISeedEvent(t *testing.T) {
	p := newSeedPlan()
	want := p.want()
	p.check(t, want)

	hq, pkg := seedSetUp(t, p)
	laptops := make([]*cli, len(seedLaptops))
	for i, name := range seedLaptops {
		laptops[i] = syncLaptop(t, pkg, name)
	}
	seedRegister(t, laptops, p)
	seedScanAll(t, laptops, p, false)
	// At the laptop that registered the patient, which holds their consent.
	seedConsultAll(t, p, func(c *seedConsult) *cli { return laptops[c.v.home] }, nil)
	seedMeetAll(t, laptops, p)
	seedSync(t, hq, laptops)

	dir := t.TempDir()
	if d := os.Getenv("SEED_OUT"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dir = d
	}
	seedCheckJSON(t, hq, filepath.Join(dir, "report.json"), want)
	seedCheckCSV(t, hq, filepath.Join(dir, "report.csv"), want)
	seedCheckXLSX(t, hq, filepath.Join(dir, "report.xlsx"), want)
	seedCheckPDF(t, hq, filepath.Join(dir, "report.pdf"), "ko")
	seedCheckPDF(t, hq, filepath.Join(t.TempDir(), "report-en.pdf"), "en")
	seedCheckHospitals(t, hq, p)
	t.Logf("seed event: %d registered, %d scans (%v), %d unique visitors, %d consultations of %d patients, %d meetings with %d MOUs",
		want.Registered, want.Scans, want.ScansByDecision, want.VisitorsUnique, want.Consultations, want.PatientsConsulted, want.Meetings, want.MOUs)
}

// seedSetUp is HQ before the fair: the event, its hospitals, firms and
// agencies, three visitors registered by hand and the partner agencies'
// list imported, then the package for the laptops.
func seedSetUp(t *testing.T, p *seedPlan) (*cli, string) {
	t.Helper()
	hq := newCLI(t)
	hq.mustJSON(&struct{}{}, "event", "init", "--name", seedEventName, "--city", "Almaty", "--country", "KZ",
		"--start", seedDays[0], "--end", seedDays[1], "--tz", "Asia/Almaty")
	depts := map[string][]string{}
	var hospitals []string
	for _, d := range seedDoctors {
		if depts[d.hospital] == nil {
			hospitals = append(hospitals, d.hospital)
		}
		depts[d.hospital] = append(depts[d.hospital], "--dept", d.dept)
	}
	for _, h := range hospitals {
		hq.mustJSON(&struct{}{}, append([]string{"org", "add", "--kind", "hospital", "--name", h}, depts[h]...)...)
	}
	for _, f := range seedFirmNames {
		hq.mustJSON(&struct{}{}, "org", "add", "--kind", "firm", "--name", f)
	}
	for _, a := range seedAgencyNames {
		hq.mustJSON(&struct{}{}, "org", "add", "--kind", "agency", "--name", a)
	}
	var list strings.Builder
	list.WriteString("ФИО;Телефон;Тип;Язык;Страна;Город;Год рождения\r\n")
	var imported []*seedVisitor
	for _, v := range p.visitors {
		switch {
		case v.home != seedHQ:
		case v.imported:
			birth := ""
			if v.birth != 0 {
				birth = strconv.Itoa(v.birth)
			}
			fmt.Fprintf(&list, "%s;%s;%s;%s;%s;%s;%s\r\n", v.name, v.phone, v.typ, v.lang, v.country, v.city, birth)
			imported = append(imported, v)
		default:
			seedAdd(t, hq, v)
		}
	}
	file := filepath.Join(t.TempDir(), "partner-agencies.csv")
	if err := os.WriteFile(file, []byte(list.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var res struct{ Imported, Skipped int }
	hq.mustJSON(&res, "visitor", "import", file)
	if res.Imported != len(imported) || res.Skipped != 0 {
		t.Fatalf("visitor import of %d: %+v", len(imported), res)
	}
	for _, v := range imported {
		var found struct {
			Results []struct{ ID, Name, Code string }
		}
		hq.mustJSON(&found, "visitor", "find", v.phone)
		if len(found.Results) != 1 || found.Results[0].Name != v.name || found.Results[0].Code == "" {
			t.Fatalf("find %s (%s): %+v", v.phone, v.name, found)
		}
		v.id, v.code = found.Results[0].ID, found.Results[0].Code
	}
	pkg := filepath.Join(t.TempDir(), "event.package")
	hq.mustJSON(&struct{}{}, "event", "package", "--out", pkg)
	return hq, pkg
}

// seedAdd registers v with visitor add.
func seedAdd(t *testing.T, c *cli, v *seedVisitor) {
	t.Helper()
	args := []string{"visitor", "add", "--name", v.name, "--phone", v.phone, "--type", v.typ, "--lang", v.lang,
		"--country", v.country, "--city", v.city, "--consent", v.consent}
	if v.email != "" {
		args = append(args, "--email", v.email)
	}
	if v.birth != 0 {
		args = append(args, "--birth-year", strconv.Itoa(v.birth))
	}
	for _, h := range v.share {
		args = append(args, "--share-with", seedShare[h])
	}
	var out struct {
		ID, Code, Name, Type string
		Consents             []struct{ Purpose string }
	}
	c.mustJSON(&out, args...)
	if out.ID == "" || out.Code == "" || out.Name != v.name || out.Type != v.typ || len(out.Consents) != len(strings.Split(v.consent, ","))+len(v.share) {
		t.Fatalf("visitor add %s: %+v", v.name, out)
	}
	v.id, v.code = out.ID, out.Code
}

func seedRegister(t *testing.T, laptops []*cli, p *seedPlan) {
	t.Helper()
	for _, v := range p.visitors {
		if v.home != seedHQ {
			seedAdd(t, laptops[v.home], v)
		}
	}
}

// seedRejected is what is scanned instead of a badge, and why it is
// refused: a name typed into the scanner's field, the visitor number of
// another event's visitor, a badge with one digit changed (its check digit tells),
// half a badge, and the badge of another event.
var seedRejected = map[string]string{"typed-name": booth.ReasonMalformed, "number": booth.ReasonUnknown,
	"damaged": booth.ReasonDamaged, "cut": booth.ReasonMalformed, "other-event": booth.ReasonOtherEvent}

// seedRejectedCodes makes the codes of seedRejected.
func seedRejectedCodes(t *testing.T, p *seedPlan) map[string]string {
	t.Helper()
	var badge string
	for _, v := range p.visitors {
		if v.home != seedHQ {
			badge = v.code
			break
		}
	}
	// A smaller digit keeps every group of digits in range: the code still
	// reads, and its check digit fails.
	b := []byte(badge)
	i := len(b) - 30
	for b[i] == '0' {
		i--
	}
	b[i]--
	other := newCLI(t)
	other.mustJSON(&struct{}{}, "event", "init", "--name", "KITF 2026", "--city", "Almaty", "--country", "KZ",
		"--start", "2026-04-22", "--end", "2026-04-24")
	var stranger struct{ Code, Number string }
	other.mustJSON(&stranger, "visitor", "add", "--name", "Данияр Ахметов", "--consent", "contact")
	return map[string]string{"typed-name": "Айгерім", "number": stranger.Number, "damaged": string(b),
		"cut": badge[:len(badge)/2], "other-event": stranger.Code}
}

// seedScanAll enters every laptop's scans and checks each decision. On the
// booth network (network true) they are entered in the order of their
// times, as the fair would, and a visitor admitted today at another laptop
// may already be known there: "already checked in", where the plan (made
// for laptops that do not exchange) says admitted.
func seedScanAll(t *testing.T, laptops []*cli, p *seedPlan, network bool) {
	t.Helper()
	rejected := seedRejectedCodes(t, p)
	var kz booth.Layout
	for _, l := range booth.Layouts {
		if l.Name == "kz" {
			kz = l
		}
	}
	type planned struct {
		l int
		s *seedScan
	}
	var all []planned
	for l, ss := range p.scans {
		for _, s := range ss {
			all = append(all, planned{l, s})
		}
	}
	if network {
		slices.SortStableFunc(all, func(a, b planned) int { return a.s.at.Compare(b.s.at) })
	}
	wantExit := map[booth.Decision]int{booth.Admitted: 0, booth.Duplicate: 3, booth.Rejected: 4}
	for _, ps := range all {
		l, s := ps.l, ps.s
		raw := rejected[s.reject]
		if s.v != nil {
			raw = s.v.code
		}
		if s.kz {
			raw = kz.Type(raw)
		}
		if s.enter {
			raw += "\r"
		}
		exit, r := laptops[l].checkin(raw, "--at", s.at.Format(time.RFC3339))
		want := s.want
		if network && want == booth.Admitted && r.Decision == booth.Duplicate && r.FirstOn != seedLaptops[l] {
			want = booth.Duplicate
		}
		ok := exit == wantExit[want] && r.Decision == want && r.Day == s.at.Format(time.DateOnly)
		if s.v != nil {
			ok = ok && r.VisitorID == s.v.id
		} else {
			ok = ok && r.Reason == seedRejected[s.reject]
		}
		if !ok {
			t.Fatalf("%s: checkin %q --at %s: exit %d %+v; want %s %s", seedLaptops[l], raw, s.at.Format(time.RFC3339), exit, r, want, seedRejected[s.reject])
		}
	}
}

// seedConsultAll enters the consultations at the laptop at(c) says; ready,
// if not nil, waits until that laptop may record it.
func seedConsultAll(t *testing.T, p *seedPlan, at func(c *seedConsult) *cli, ready func(c *seedConsult)) {
	t.Helper()
	for _, c := range p.consults {
		if ready != nil {
			ready(c)
		}
		args := []string{"consult", "add", "--visitor", c.v.id, "--hospital", c.doctor.hospital, "--dept", c.doctor.dept,
			"--doctor", c.doctor.doctor, "--recommendation", c.rec, "--follow-up", c.followUp, "--at", c.at.Format(time.RFC3339)}
		if c.lng != "" {
			args = append(args, "--interpreter", c.lng)
		}
		var out struct{ ID, Day, Hospital, Department string }
		at(c).mustJSON(&out, args...)
		if out.ID == "" || out.Day != c.at.Format(time.DateOnly) || out.Hospital != c.doctor.hospital || out.Department != c.doctor.dept {
			t.Fatalf("consult add %v: %+v", args, out)
		}
	}
}

func seedMeetAll(t *testing.T, laptops []*cli, p *seedPlan) {
	t.Helper()
	for _, m := range p.meetings {
		args := []string{"meeting", "add", "--firm", seedFirmNames[m.firm], "--agency", m.typed, "--at", m.at.Format(time.RFC3339)}
		if m.outcome != "" {
			args = append(args, "--outcome", m.outcome)
		}
		if m.mou {
			args = append(args, "--mou")
		}
		var out struct {
			ID, Firm, Agency string
			MOU              bool
		}
		laptops[m.laptop].mustJSON(&out, args...)
		if out.ID == "" || out.Firm != seedFirmNames[m.firm] || out.Agency != seedAgencyNames[m.agency] || out.MOU != m.mou {
			t.Fatalf("meeting add %v: %+v", args, out)
		}
	}
}

// seedSync exports every laptop's bundle and imports them all at HQ, then
// again: the second import changes nothing.
func seedSync(t *testing.T, hq *cli, laptops []*cli) {
	t.Helper()
	var files []string
	for i, l := range laptops {
		files = append(files, syncExportFile(t, l, fmt.Sprintf("laptop%d.bundle", i+1)))
	}
	code, res, errs := syncImportFiles(t, hq, files...)
	if code != 0 || res.Imported != len(files) || res.Refused != 0 {
		t.Fatalf("sync import: exit %d %+v %s", code, res, errs)
	}
	for i, r := range res.Results {
		if r.Decision != "imported" || r.Changed == 0 || r.Device != seedLaptops[i] {
			t.Fatalf("sync import of %s: %+v", seedLaptops[i], r)
		}
	}
	r1, h1 := syncState(t, hq)
	code, res, errs = syncImportFiles(t, hq, files...)
	if code != 0 || res.AlreadyImported != len(files) || res.Imported != 0 {
		t.Fatalf("sync import again: exit %d %+v %s", code, res, errs)
	}
	if r2, h2 := syncState(t, hq); !syncSameJSON(r1, r2) || h1 != h2 {
		t.Fatalf("importing the bundles again changed HQ:\n%v\n%v", r1, r2)
	}
}

// seedReportFile runs report with --out and returns the file.
func seedReportFile(t *testing.T, hq *cli, out string, args ...string) []byte {
	t.Helper()
	if code, _, errs := hq.run(append([]string{"report", "--out", out}, args...)...); code != 0 {
		t.Fatalf("report %v: exit %d %s", args, code, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seedCompare names every field of got that differs from want.
func seedCompare(t *testing.T, what string, got, want seedReport) {
	t.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		if gf, wf := g.Field(i).Interface(), w.Field(i).Interface(); !reflect.DeepEqual(gf, wf) {
			t.Errorf("%s %s:\n got %v\nwant %v", what, g.Type().Field(i).Tag.Get("json"), gf, wf)
		}
	}
}

func seedCheckJSON(t *testing.T, hq *cli, out string, want seedReport) {
	t.Helper()
	b := seedReportFile(t, hq, out, "--format", "json")
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatalf("report --format json: %v", err)
	}
	for _, k := range []string{"visitors_unique", "scans", "checkins_by_day", "visitors_by_type", "consultations",
		"consultations_by_hospital", "consultations_by_department", "meetings", "generated_at"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("report --format json has no %q", k)
		}
	}
	var got seedReport
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	seedCompare(t, "JSON", got, want)
}

// seedCheckCSV reads the CSV report as Excel would: UTF-8 with a byte
// order mark, one row per number.
func seedCheckCSV(t *testing.T, hq *cli, out string, want seedReport) {
	t.Helper()
	b := seedReportFile(t, hq, out, "--format", "csv")
	body, ok := bytes.CutPrefix(b, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatalf("CSV report without a byte order mark: %q", b[:min(len(b), 40)])
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV report: %v", err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], []string{"section", "key", "value"}) {
		t.Fatalf("CSV header: %q", rows[:min(len(rows), 1)])
	}
	got := map[string]map[string]float64{}
	var order []string // each section's keys, in the file's order
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			t.Fatalf("CSV row %q: %v", r, err)
		}
		if got[r[0]] == nil {
			got[r[0]] = map[string]float64{}
			order = append(order, r[0])
		}
		got[r[0]][r[1]] = v
	}
	seedCompareSections(t, "CSV", got, want, 0)
	if len(order) == 0 || order[0] != "totals" {
		t.Errorf("CSV sections %v: totals first", order)
	}
	// Breakdowns list the largest first, dates in order.
	seedOrdered(t, rows, "meetings_by_firm", func(a, b []string) bool { return seedNumber(a[2]) >= seedNumber(b[2]) })
	seedOrdered(t, rows, "consultations_by_hospital", func(a, b []string) bool { return seedNumber(a[2]) >= seedNumber(b[2]) })
	seedOrdered(t, rows, "checkins_by_day", func(a, b []string) bool { return a[1] < b[1] })
}

func seedNumber(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// seedOrdered checks that the rows of section follow each other in order.
func seedOrdered(t *testing.T, rows [][]string, section string, inOrder func(a, b []string) bool) {
	t.Helper()
	var prev []string
	for _, r := range rows {
		if r[0] != section {
			continue
		}
		if prev != nil && !inOrder(prev, r) {
			t.Errorf("CSV %s: %q before %q", section, prev, r)
		}
		prev = r
	}
}

// seedCompareSections checks every section want has; more are welcome.
// Values may differ from want's by tol, relatively: Excel keeps 15
// significant digits.
func seedCompareSections(t *testing.T, what string, got map[string]map[string]float64, want seedReport, tol float64) {
	t.Helper()
	for name, rows := range want.sections() {
		same := len(got[name]) == len(rows)
		for k, w := range rows {
			g, ok := got[name][k]
			same = same && ok && math.Abs(g-w) <= tol*math.Abs(w)
		}
		if !same {
			t.Errorf("%s %s:\n got %v\nwant %v", what, name, got[name], rows)
		}
	}
}

func seedCheckXLSX(t *testing.T, hq *cli, out string, want seedReport) {
	t.Helper()
	seedReportFile(t, hq, out, "--format", "xlsx", "--lang", "en")
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatalf("Excel report: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 || sheets[0] != "Totals" {
		t.Errorf("Excel sheets %q: Totals first", sheets)
	}
	got := map[string]map[string]float64{}
	for section, name := range seedSheets {
		if !slices.Contains(sheets, name) {
			t.Errorf("Excel report has no sheet %q (of %q)", name, sheets)
			continue
		}
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		head := []string{"Item", "Count"}
		if section == "consent_rates" {
			head[1] = "Rate"
		}
		if len(rows) == 0 || !slices.Equal(rows[0], head) {
			t.Errorf("Excel sheet %q header: %q", name, rows[:min(len(rows), 1)])
			continue
		}
		got[section] = map[string]float64{}
		for _, r := range rows[1:] {
			if len(r) != 2 {
				t.Fatalf("Excel sheet %q row %q", name, r)
			}
			v, err := strconv.ParseFloat(r[1], 64)
			if err != nil {
				t.Fatalf("Excel sheet %q row %q: %v", name, r, err)
			}
			got[section][sheet.RowKey(section, r[0], func(k string) string { return assets.Translate("en", k) })] = v
		}
	}
	seedCompareSections(t, "Excel", got, want, 1e-14)

	// HQ's workbook in Korean: the same figures under Korean names.
	ko := strings.TrimSuffix(out, ".xlsx") + "-ko.xlsx"
	seedReportFile(t, hq, ko, "--format", "xlsx", "--lang", "ko")
	k, err := excelize.OpenFile(ko)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	rows, err := k.GetRows(k.GetSheetName(0))
	if err != nil || k.GetSheetName(0) != "합계" || len(rows) < 2 || !slices.Equal(rows[0], []string{"항목", "수"}) ||
		!slices.Equal(rows[1], []string{"순방문객", strconv.Itoa(want.VisitorsUnique)}) {
		t.Errorf("Korean workbook: %q %q", k.GetSheetList(), rows)
	}
}

// seedPage is a page object of a PDF; "/Type /Pages" is the page tree.
var seedPage = regexp.MustCompile(`/Type\s*/Page\b`)

// seedCheckPDF checks the press summary: a PDF of exactly one page.
func seedCheckPDF(t *testing.T, hq *cli, out, lang string) {
	t.Helper()
	b := seedReportFile(t, hq, out, "--format", "pdf", "--lang", lang)
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[max(0, len(b)-32):], []byte("%%EOF")) {
		t.Fatalf("PDF report (%s): %q … %q", lang, b[:min(len(b), 16)], b[max(0, len(b)-16):])
	}
	if n := len(seedPage.FindAll(b, -1)); n != 1 {
		t.Errorf("PDF report (%s) has %d pages, want 1", lang, n)
	}
}

// seedCheckHospitals checks each hospital's own report: its consultations
// and patients only.
func seedCheckHospitals(t *testing.T, hq *cli, p *seedPlan) {
	t.Helper()
	n := map[string]int{}
	patients := map[string]map[*seedVisitor]bool{}
	for _, c := range p.consults {
		n[c.doctor.hospital]++
		if patients[c.doctor.hospital] == nil {
			patients[c.doctor.hospital] = map[*seedVisitor]bool{}
		}
		patients[c.doctor.hospital][c.v] = true
	}
	for h, short := range seedShare {
		var r struct {
			Hospital                string         `json:"hospital"`
			Consultations           int            `json:"consultations"`
			PatientsConsulted       int            `json:"patients_consulted"`
			ConsultationsByHospital map[string]int `json:"consultations_by_hospital"`
			Meetings                int            `json:"meetings"`
		}
		hq.mustJSON(&r, "report", "--format", "json", "--hospital", short)
		if r.Hospital != h || r.Consultations != n[h] || r.PatientsConsulted != len(patients[h]) ||
			!reflect.DeepEqual(r.ConsultationsByHospital, map[string]int{h: n[h]}) || r.Meetings != 0 {
			t.Errorf("report --hospital %q: %+v; want %d consultations of %d patients", short, r, n[h], len(patients[h]))
		}
	}
}

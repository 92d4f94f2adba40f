package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"medibooth/booth"
	"medibooth/data"
)

// reportsOpener records the folders the screen asked the file manager to
// show.
type reportsOpener struct {
	mu   sync.Mutex
	dirs []string
	err  error
}

func (o *reportsOpener) opened() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.dirs)
}

// reportsFakeOpener stands in for the file manager until the test ends; it
// fails with err.
func reportsFakeOpener(t *testing.T, err error) *reportsOpener {
	t.Helper()
	o := &reportsOpener{err: err}
	old := reportsOpenFolder
	reportsOpenFolder = func(dir string) error {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.dirs = append(o.dirs, dir)
		return o.err
	}
	t.Cleanup(func() { reportsOpenFolder = old })
	return o
}

// reportsOpenIn opens the reports screen with its folder set to dir, or
// the folder it offers when dir is "".
func reportsOpenIn(t *testing.T, u *App, dir string) *reportsScreen {
	t.Helper()
	var s *reportsScreen
	act(func() {
		s = reportsOpen(u)
		if s != nil && dir != "" {
			s.folder.SetText(dir)
		}
	})
	if s == nil {
		t.Fatal("the reports screen did not open")
	}
	return s
}

// reportsTap taps a button with tap and waits for the work to end.
func reportsTap(t *testing.T, s *reportsScreen, tap func()) {
	t.Helper()
	act(tap)
	eventually(t, "the work done", func() bool {
		return !s.writeBtn.Disabled() && !s.leadsBtn.Disabled() && s.status.Text != ""
	})
}

func TestReportsWritesTheChosenFormats(t *testing.T) {
	u, _, _ := newTestDesk(t)
	opener := reportsFakeOpener(t, nil)
	dir := filepath.Join(t.TempDir(), "reports")
	s := reportsOpenIn(t, u, dir)
	act(func() {
		if !s.formats["pdf"].Checked || !s.formats["xlsx"].Checked || s.formats["csv"].Checked || s.formats["json"].Checked {
			t.Error("the formats ticked at first are not PDF and Excel")
		}
		if s.langCode() != "ko" {
			t.Errorf("the summary's language is %q at first", s.langCode())
		}
		s.formats["pdf"].SetChecked(false)
		s.formats["xlsx"].SetChecked(false)
		test.Tap(s.writeBtn)
		if s.status.Text != lang.L("Tick at least one format.") {
			t.Errorf("with no format: %q", s.status.Text)
		}
		for _, f := range reportsFormats {
			s.formats[f].SetChecked(true)
		}
		s.language.SetSelected("Русский")
	})
	reportsTap(t, s, func() { test.Tap(s.writeBtn) })
	act(func() {
		if s.status.Text != lang.L("Wrote {{.Count}} files.", map[string]any{"Count": 4}) {
			t.Errorf("status %q", s.status.Text)
		}
		if len(s.files.Objects) != 4 || !strings.Contains(textUnder(s.files), "report-2026-09-17.pdf · ") {
			t.Errorf("files listed: %q", textUnder(s.files))
		}
	})
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 4 {
		t.Fatalf("the folder holds %d files (%v), not the four reports", len(entries), err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := read("report-2026-09-17.pdf"); !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Errorf("the PDF starts with %q", b[:min(len(b), 8)])
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "report-2026-09-17.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	// The workbook is in the language chosen, as the summary is.
	if idx, err := f.GetSheetIndex("Итоги"); err != nil || idx != 0 {
		t.Errorf("the workbook has no Russian totals sheet first: %v", f.GetSheetList())
	}
	f.Close()
	var r booth.Report
	if err := json.Unmarshal(read("report-2026-09-17.json"), &r); err != nil || r.Event != "Almaty Health Consultation 2026" || r.Hospital != "" {
		t.Errorf("JSON report %+v %v", r, err)
	}
	if !strings.Contains(string(read("report-2026-09-17.csv")), "visitors_unique") {
		t.Error("the CSV report has no visitors_unique")
	}
	if got := opener.opened(); len(got) != 1 || got[0] != dir {
		t.Errorf("the file manager opened %q, not %q", got, dir)
	}
	// The folder is remembered for next time.
	act(u.show)
	s = reportsOpenIn(t, u, "")
	if s.folder.Text != dir {
		t.Errorf("the folder remembered is %q", s.folder.Text)
	}
}

func TestReportsSayTheFolderWhenItCannotBeOpened(t *testing.T) {
	u, _, _ := newTestDesk(t)
	reportsFakeOpener(t, errors.New("no file manager"))
	dir := t.TempDir()
	s := reportsOpenIn(t, u, "  ")
	act(func() {
		test.Tap(s.writeBtn)
		if s.status.Text != lang.L("Choose a folder for the reports.") {
			t.Errorf("without a folder: %q", s.status.Text)
		}
		s.folder.SetText(dir)
	})
	reportsTap(t, s, func() { test.Tap(s.writeBtn) })
	act(func() {
		want := lang.L("The files are in {{.Folder}}.", map[string]any{"Folder": dir})
		if !strings.HasSuffix(s.status.Text, want) {
			t.Errorf("status %q does not say the folder", s.status.Text)
		}
	})
}

// reportsLead finds a demo visitor who is a lead of the hospital and
// consented to health information.
func reportsLead(t *testing.T, demo *booth.Demo, hospitalID string) booth.Visitor {
	t.Helper()
	for _, v := range demo.Visitors {
		var cs []booth.Consent
		for _, c := range demo.Consents {
			if c.VisitorID == v.ID {
				cs = append(cs, c)
			}
		}
		if booth.CheckProvision(cs, hospitalID) == nil && booth.HasConsent(cs, booth.PurposeHealth, "") {
			return v
		}
	}
	t.Fatal("no lead of that hospital in the demo")
	return booth.Visitor{}
}

// reportsHospital is the demo hospital of that name.
func reportsHospital(t *testing.T, demo *booth.Demo, name string) booth.Org {
	t.Helper()
	for _, o := range demo.Orgs {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("no demo hospital %q", name)
	return booth.Org{}
}

// reportsConsult records a consultation of a lead of the hospital, with a
// note whose summary is summary.
func reportsConsult(t *testing.T, db *data.DB, demo *booth.Demo, h booth.Org, complaint, summary string) {
	t.Helper()
	v := reportsLead(t, demo, h.ID)
	c := &booth.Consultation{VisitorID: v.ID, OrgID: h.ID, Department: h.Departments[0].Name, Doctor: "Dr. Test"}
	if err := db.AddConsultation(context.Background(), c, booth.NoteContent{Complaint: complaint, Summary: summary}); err != nil {
		t.Fatal(err)
	}
}

// reportsReadLeads reads a lead file, xlsx or csv, as rows.
func reportsReadLeads(t *testing.T, path string) [][]string {
	t.Helper()
	if strings.HasSuffix(path, ".csv") {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

const (
	dentalName   = "Seoul National University Dental Hospital"
	kyungHeeName = "Kyung Hee University Korean Medicine Hospital"
)

func TestReportsLeadFilesWithoutPassphrasesCarryNoNotes(t *testing.T) {
	u, db, demo := newTestDesk(t)
	opener := reportsFakeOpener(t, nil)
	dental := reportsHospital(t, demo, dentalName)
	reportsConsult(t, db, demo, dental, "Implants", "Two implants; send the X-rays")
	dir := filepath.Join(t.TempDir(), "leads")
	s := reportsOpenIn(t, u, dir)
	reportsTap(t, s, func() { test.Tap(s.leadsBtn) })
	act(func() {
		if s.status.Text != lang.L("Wrote {{.Count}} lead files.", map[string]any{"Count": 4}) {
			t.Errorf("status %q", s.status.Text)
		}
		listed := textUnder(s.files)
		if strings.Count(listed, lang.L("without note text")) != 4 {
			t.Errorf("the files listed do not all say they are without note text: %q", listed)
		}
	})
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Fatalf("%d lead files, not one per hospital", len(entries))
	}
	noteless := len(booth.LeadColumnKeys()) - 2
	for _, e := range entries {
		rows := reportsReadLeads(t, filepath.Join(dir, e.Name()))
		if len(rows) == 0 || len(rows[0]) != noteless {
			t.Errorf("%s: header %q, with note columns", e.Name(), rows[0])
		}
		for _, row := range rows {
			if strings.Contains(strings.Join(row, "|"), "Two implants") {
				t.Errorf("%s carries the note text without the passphrase", e.Name())
			}
		}
	}
	if got := opener.opened(); len(got) != 1 || got[0] != dir {
		t.Errorf("the file manager opened %q", got)
	}
}

func TestReportsLeadFilesWithOneHospitalsPassphrase(t *testing.T) {
	u, db, demo := newTestDesk(t)
	reportsFakeOpener(t, nil)
	dental := reportsHospital(t, demo, dentalName)
	kyungHee := reportsHospital(t, demo, kyungHeeName)
	reportsConsult(t, db, demo, dental, "Implants", "Two implants; send the X-rays")
	reportsConsult(t, db, demo, kyungHee, "Menstrual pain", "Herbal course for three months")
	dir := t.TempDir()
	s := reportsOpenIn(t, u, dir)
	act(func() {
		s.leadFormat.SetSelected(lang.L("CSV table"))
		s.language.SetSelected("English")
		test.Type(s.passes[dental.ID], booth.DemoPassphrase)
	})
	reportsTap(t, s, func() { test.Tap(s.leadsBtn) })
	act(func() {
		if s.status.Text != lang.L("Wrote {{.Count}} lead files.", map[string]any{"Count": 4}) {
			t.Errorf("status %q", s.status.Text)
		}
		if s.keys[dental.ID] == nil || !s.passes[dental.ID].Hidden || s.noteStates[dental.ID].Hidden {
			t.Error("the dental hospital's notes are not shown open")
		}
		listed := textUnder(s.files)
		if strings.Count(listed, lang.L("with note text")) != 1 || strings.Count(listed, lang.L("without note text")) != 3 {
			t.Errorf("files listed: %q", listed)
		}
	})
	for _, h := range []booth.Org{dental, kyungHee} {
		rows := reportsReadLeads(t, filepath.Join(dir, booth.LeadFileName(h.Name, "csv")))
		all := ""
		for _, row := range rows {
			all += strings.Join(row, "|") + "\n"
		}
		if h.ID == dental.ID {
			if rows[0][len(rows[0])-1] != "Summary" || !strings.Contains(all, "Two implants; send the X-rays") || !strings.Contains(all, "Implants") {
				t.Errorf("the dental hospital's file lacks its note:\n%s", all)
			}
		} else if len(rows[0]) != len(booth.LeadColumnKeys())-2 || strings.Contains(all, "Herbal course") {
			t.Errorf("Kyung Hee's file carries note text without its passphrase:\n%s", all)
		}
		if strings.Contains(all, "Herbal course") || h.ID != dental.ID && strings.Contains(all, "Two implants") {
			t.Errorf("%s's file carries another hospital's note", h.Name)
		}
	}
}

func TestReportsWrongPassphraseWritesNothing(t *testing.T) {
	u, _, demo := newTestDesk(t)
	opener := reportsFakeOpener(t, nil)
	dental := reportsHospital(t, demo, dentalName)
	dir := filepath.Join(t.TempDir(), "leads")
	s := reportsOpenIn(t, u, dir)
	act(func() { test.Type(s.passes[dental.ID], "not the passphrase") })
	reportsTap(t, s, func() { test.Tap(s.leadsBtn) })
	act(func() {
		want := dentalName + ": " + lang.L("Wrong passphrase. {{.Left}} tries left before a lockout.", map[string]any{"Left": booth.MaxPINTries - 1}) +
			" " + lang.L("No lead file was written.")
		if s.status.Text != want {
			t.Errorf("status %q, want %q", s.status.Text, want)
		}
		if s.passes[dental.ID].Text != "" || s.keys[dental.ID] != nil || len(s.files.Objects) != 0 {
			t.Error("the wrong passphrase stays, or a key or a file is shown")
		}
	})
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files written after a wrong passphrase", len(entries))
	}
	if len(opener.opened()) != 0 {
		t.Error("the file manager opened after a wrong passphrase")
	}
}

func TestReportsCoordinatorGetsOnlyTheirHospital(t *testing.T) {
	u, db, demo := newTestApp(t)
	reportsFakeOpener(t, nil)
	coord := demoDoctor(t, db, demo, "Coordinator — SNU Dental", "4826")
	desk := demoDoctor(t, db, demo, "Desk 1", "7391")
	dental := reportsHospital(t, demo, dentalName)
	reportsConsult(t, db, demo, dental, "Implants", "Two implants; send the X-rays")
	reportsConsult(t, db, demo, reportsHospital(t, demo, kyungHeeName), "Menstrual pain", "Herbal course for three months")
	act(u.show)

	signInAs(t, u, desk.Name, "7391")
	act(func() {
		u.showReports()
		if u.desk == nil || reportsOpen(u) != nil {
			t.Error("desk staff open the reports")
		}
	})
	act(u.lock)

	signInAs(t, u, coord.Name, "4826")
	eventually(t, "the doctors' desk", func() bool { return u.doctor != nil })
	// The notes opened at the doctors' desk serve the lead file too.
	key, err := db.UnlockHospital(context.Background(), coord.OrgID, booth.DemoPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	act(func() { u.notesKey = key })
	dir := t.TempDir()
	s := reportsOpenIn(t, u, dir)
	act(func() {
		if len(s.hospitals) != 1 || s.hospitals[0].ID != coord.OrgID || len(s.passes) != 1 || s.noteStates[coord.OrgID].Hidden {
			t.Errorf("the coordinator sees %d hospitals, notes shown open: %v", len(s.hospitals), !s.noteStates[coord.OrgID].Hidden)
		}
		if u.doctor != nil {
			t.Error("the doctors' desk keeps running behind the reports")
		}
	})
	reportsTap(t, s, func() { test.Tap(s.leadsBtn) })
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != booth.LeadFileName(dentalName, "xlsx") {
		t.Fatalf("the coordinator wrote %v", entries)
	}
	rows := reportsReadLeads(t, filepath.Join(dir, entries[0].Name()))
	if len(rows[0]) != len(booth.LeadColumnKeys()) {
		t.Errorf("the lead file has no note columns: %q", rows[0])
	}
	found := false
	for _, row := range rows {
		found = found || slices.Contains(row, "Two implants; send the X-rays")
	}
	if !found {
		t.Error("the coordinator's lead file lacks the note opened at the doctors' desk")
	}

	act(func() {
		s.formats["pdf"].SetChecked(false)
		s.formats["xlsx"].SetChecked(false)
		s.formats["json"].SetChecked(true)
	})
	reportsTap(t, s, func() { test.Tap(s.writeBtn) })
	b, err := os.ReadFile(filepath.Join(dir, "report-2026-09-17-Seoul-National-University-Dental-Hospital.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r booth.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	n := 1 // and the demo fair's at the hospital
	for _, c := range demo.Consultations {
		if c.OrgID == dental.ID {
			n++
		}
	}
	if r.Hospital != dentalName || r.Consultations != n || len(r.ConsultationsByHospital) != 1 || r.ConsultationsByHospital[dentalName] != n {
		t.Errorf("the coordinator's report: hospital %q, %d consultations %v; want %d", r.Hospital, r.Consultations, r.ConsultationsByHospital, n)
	}
}

package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/booth/label"
	"medibooth/booth/sheet"
	"medibooth/leadfiles"
)

// reportsStore is what the reports screen needs from the database beside
// the event, the hospitals and their notes keys.
type reportsStore interface {
	// Report adds up the event's data; hospitalID "" means every
	// hospital, else that hospital's consultations and meetings only.
	Report(ctx context.Context, hospitalID string) (*booth.Report, error)
	// The lead files (see booth.LeadOptions).
	leadfiles.Store
}

// reportsPrefFolder is the folder reports and lead files went to last.
const reportsPrefFolder = "reports-folder"

// reportsFormats are the report's file formats, in the order the screen
// offers them.
var reportsFormats = []string{"pdf", "xlsx", "csv", "json"}

// reportsOpenFolder shows a folder in the system's file manager. Tests
// replace it.
var reportsOpenFolder = func(dir string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", dir)
	case "windows":
		cmd = exec.Command("explorer", dir)
	default:
		cmd = exec.Command("xdg-open", dir)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if runtime.GOOS == "windows" {
			return nil // explorer exits with 1 even when it opened the folder
		}
		return err
	case <-time.After(5 * time.Second):
		return nil // still running: it is the file manager itself
	}
}

// reportsScreen writes the event's reports (a PDF summary for the press,
// an Excel workbook for HQ, CSV and JSON for scripts) and the hospitals'
// lead files into a folder. At HQ the same screen reports over the merged
// database. A coordinator writes their own hospital's report and lead file
// only. Hospitals' notes keys opened here live as long as the screen.
type reportsScreen struct {
	app       *App
	store     reportsStore
	ev        *booth.Event
	staff     *booth.Staff
	orgID     string      // a coordinator's hospital; "" for every hospital
	hospitals []booth.Org // whose lead files this screen writes
	keys      map[string]*booth.NotesKey

	folder     *widget.Entry
	formats    map[string]*widget.Check
	language   *widget.RadioGroup
	leadFormat *widget.RadioGroup
	passes     map[string]*widget.Entry // by hospital id
	noteStates map[string]*widget.Label // by hospital id
	writeBtn   *widget.Button           // writes the report
	leadsBtn   *widget.Button           // writes the lead files
	progress   *widget.ProgressBar
	status     *widget.Label
	files      *fyne.Container
}

// showReports opens the reports screen (admins, and coordinators for their
// hospital).
func (u *App) showReports() { reportsOpen(u) }

// reportsOpen shows the reports screen and returns it, or nil when the
// person signed in may not write reports.
func reportsOpen(u *App) *reportsScreen {
	if !u.may(booth.ActReport) {
		return nil
	}
	store := u.cfg.Store
	ctx := context.Background()
	ev, err := u.cfg.Store.Event(ctx)
	if err != nil {
		u.setContent(errorScreen(err))
		return nil
	}
	hospitals, err := u.cfg.Store.Orgs(ctx, booth.OrgHospital)
	if err != nil {
		u.setContent(errorScreen(err))
		return nil
	}
	s := &reportsScreen{app: u, store: store, ev: ev, staff: u.staff, keys: map[string]*booth.NotesKey{}}
	if u.staff.Role != booth.RoleAdmin {
		s.orgID = u.staff.OrgID
		hospitals = reportsOnly(hospitals, s.orgID)
		if len(hospitals) == 0 {
			u.setContent(errorScreen(booth.Errorf(booth.ENOTFOUND, "There is no such hospital.")))
			return nil
		}
	}
	s.hospitals = hospitals
	if k := u.notesKey; k != nil && len(reportsOnly(hospitals, k.OrgID)) == 1 {
		s.keys[k.OrgID] = k // opened at the doctors' desk in this sign-in
	}
	if u.desk != nil {
		u.desk.stop()
		u.desk = nil
	}
	if u.doctor != nil {
		u.doctor.stop()
		u.doctor = nil
	}
	u.setContent(u.adminScreen(lang.L("Reports"), s.build()))
	return s
}

// reportsOnly keeps the hospital of that id.
func reportsOnly(orgs []booth.Org, id string) []booth.Org {
	for _, o := range orgs {
		if o.ID == id {
			return []booth.Org{o}
		}
	}
	return nil
}

func (s *reportsScreen) build() fyne.CanvasObject {
	s.folder = widget.NewEntry()
	s.folder.SetText(s.app.fyne.Preferences().StringWithFallback(reportsPrefFolder, reportsDefaultFolder()))
	choose := widget.NewButtonWithIcon(lang.L("Choose…"), theme.FolderOpenIcon(), s.onChoose)
	names := make([]string, len(Languages))
	for i, l := range Languages {
		names[i] = l.Name
	}
	s.language = widget.NewRadioGroup(names, nil)
	s.language.Horizontal = true
	s.language.Required = true
	s.language.SetSelected(reportsLanguageName(DefaultLanguage))
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.files = container.NewVBox()

	intro := lang.L("Reports add up everything in this database: this laptop's data, or at HQ the data of every laptop merged.")
	if s.orgID != "" {
		intro += " " + lang.L("You write the report and the lead file of {{.Hospital}} only.", map[string]any{"Hospital": s.hospitals[0].Name})
	}
	introLabel := widget.NewLabel(intro)
	introLabel.Wrapping = fyne.TextWrapWord
	common := widget.NewForm(
		widget.NewFormItem(lang.L("Folder"), container.NewBorder(nil, nil, nil, choose, s.folder)),
		widget.NewFormItem(lang.L("Language"), s.language))
	return container.NewVScroll(container.NewVBox(introLabel, common, widget.NewSeparator(), s.buildReport(),
		widget.NewSeparator(), s.buildLeads(), s.progress, s.status, s.files))
}

// buildReport is the part that writes the report.
func (s *reportsScreen) buildReport() fyne.CanvasObject {
	s.formats = map[string]*widget.Check{
		"pdf":  widget.NewCheck(lang.L("PDF summary"), nil),
		"xlsx": widget.NewCheck(lang.L("Excel workbook"), nil),
		"csv":  widget.NewCheck(lang.L("CSV table"), nil),
		"json": widget.NewCheck(lang.L("JSON data"), nil),
	}
	s.formats["pdf"].SetChecked(true)
	s.formats["xlsx"].SetChecked(true)
	checks := container.NewHBox()
	for _, f := range reportsFormats {
		checks.Add(s.formats[f])
	}
	s.writeBtn = widget.NewButtonWithIcon(lang.L("Write reports"), theme.DocumentSaveIcon(), s.onWrite)
	s.writeBtn.Importance = widget.HighImportance
	title := widget.NewLabelWithStyle(lang.L("Report"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVBox(title, widget.NewForm(widget.NewFormItem(lang.L("Formats"), checks)), s.writeBtn)
}

// buildLeads is the part that writes the lead files, with a passphrase
// field for each hospital whose notes are still closed.
func (s *reportsScreen) buildLeads() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(lang.L("Lead files"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel(lang.L("A lead file lists the visitors who agreed to be contacted by that hospital, with its consultations of them. Note text goes only into the files of hospitals whose notes are open: type the hospital's passphrase to open them, or leave it empty for a file without note text."))
	intro.Wrapping = fyne.TextWrapWord
	s.leadFormat = widget.NewRadioGroup([]string{lang.L("Excel workbook"), lang.L("CSV table")}, nil)
	s.leadFormat.Horizontal = true
	s.leadFormat.Required = true
	s.leadFormat.SetSelected(lang.L("Excel workbook"))
	notes := widget.NewForm()
	s.passes = map[string]*widget.Entry{}
	s.noteStates = map[string]*widget.Label{}
	for _, h := range s.hospitals {
		pass := widget.NewPasswordEntry()
		pass.SetPlaceHolder(lang.L("Passphrase (optional)"))
		pass.OnSubmitted = func(string) { s.onLeads() }
		state := widget.NewLabel(lang.L("Notes open"))
		s.passes[h.ID], s.noteStates[h.ID] = pass, state
		notes.Append(h.Name, container.NewStack(pass, state))
	}
	s.refreshNotes()
	s.leadsBtn = widget.NewButtonWithIcon(lang.L("Write lead files"), theme.DocumentSaveIcon(), s.onLeads)
	s.leadsBtn.Importance = widget.HighImportance
	return container.NewVBox(title, intro, widget.NewForm(widget.NewFormItem(lang.L("Format"), s.leadFormat)),
		widget.NewLabelWithStyle(lang.L("Hospitals' notes"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true}), notes, s.leadsBtn)
}

// refreshNotes shows "Notes open" for the hospitals whose key is open, a
// passphrase field for the others.
func (s *reportsScreen) refreshNotes() {
	for id, pass := range s.passes {
		if s.keys[id] != nil {
			pass.SetText("")
			pass.Hide()
			s.noteStates[id].Show()
		} else {
			pass.Show()
			s.noteStates[id].Hide()
		}
	}
}

// reportsDefaultFolder is where reports go until someone chooses a folder.
func reportsDefaultFolder() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, "medibooth-reports")
}

// reportsLanguageName is a language's name as the switch shows it.
func reportsLanguageName(code string) string {
	for _, l := range Languages {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// langCode is the language chosen for the PDF summary and the lead files.
func (s *reportsScreen) langCode() string {
	for _, l := range Languages {
		if l.Name == s.language.Selected {
			return l.Code
		}
	}
	return DefaultLanguage
}

func (s *reportsScreen) onChoose() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		s.folder.SetText(dir.Path())
	}, s.app.win)
	if dir := reportsExpand(s.folder.Text); dir != "" {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
				d.SetLocation(l)
			}
		}
	}
	// A file dialog takes its size once shown.
	d.SetTitleText(lang.L("Choose a folder for the files"))
	s.app.showEscapable(d)
	d.Resize(fyne.NewSize(900, 600))
}

// reportsExpand reads a folder as typed: trimmed, "~" for the home folder,
// made absolute.
func reportsExpand(dir string) string {
	dir = strings.TrimSpace(dir)
	if dir == "~" || strings.HasPrefix(dir, "~/") || strings.HasPrefix(dir, `~\`) {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, dir[1:])
		}
	}
	if dir == "" {
		return ""
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return dir
}

// dir is the folder chosen, remembered for next time; false, with the
// reason said, when there is none.
func (s *reportsScreen) dir() (string, bool) {
	dir := reportsExpand(s.folder.Text)
	if dir == "" {
		say(s.status, lang.L("Choose a folder for the reports."), true)
		return "", false
	}
	s.app.fyne.Preferences().SetString(reportsPrefFolder, dir)
	return dir, true
}

// busy shows the progress bar and holds the buttons while work runs.
func (s *reportsScreen) busy(on bool) {
	for _, b := range []*widget.Button{s.writeBtn, s.leadsBtn} {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if on {
		s.status.SetText("")
		s.files.RemoveAll()
		s.progress.SetValue(0)
		s.progress.Show()
	} else {
		s.progress.Hide()
	}
}

// gone reports whether the screen was left behind by a lock: work that
// ends then shows nothing.
func (s *reportsScreen) gone() bool { return s.app.staff != s.staff }

// step moves the progress bar; called from the background.
func (s *reportsScreen) step(done, total int) {
	s.app.do(func() {
		if total > 0 {
			s.progress.SetValue(float64(done) / float64(total))
		}
	})
}

// reportsWritten is one file written, as the list shows it.
type reportsWritten struct {
	path string
	size int64
	lead *booth.LeadFile
}

// reportsFileError is a file or folder that could not be written.
type reportsFileError struct {
	path string
	err  error
}

func (e *reportsFileError) Error() string { return "write " + e.path + ": " + e.err.Error() }

// reportsMessage is the sentence for a failure to write reports.
func reportsMessage(err error) string {
	var fe *reportsFileError
	if errors.As(err, &fe) {
		return lang.L("Cannot write {{.File}}: {{.Error}}", map[string]any{"File": fe.path, "Error": fe.err.Error()})
	}
	return message(err)
}

// baseName names the report files: report-<date>, the date being today
// while the event runs and the event's first day otherwise; a coordinator's
// report also names the hospital.
func (s *reportsScreen) baseName() string {
	day := s.ev.LocalDay(s.app.cfg.Now())
	if day < s.ev.Start || day > s.ev.End {
		day = s.ev.Start
	}
	name := "report-" + day
	if s.orgID != "" {
		name += "-" + strings.TrimSuffix(strings.TrimPrefix(booth.LeadFileName(s.hospitals[0].Name, "x"), "leads-"), ".x")
	}
	return name
}

func (s *reportsScreen) onWrite() {
	s.app.touch()
	if s.writeBtn.Disabled() {
		return
	}
	dir, ok := s.dir()
	if !ok {
		return
	}
	var exts []string
	for _, f := range reportsFormats {
		if s.formats[f].Checked {
			exts = append(exts, f)
		}
	}
	if len(exts) == 0 {
		say(s.status, lang.L("Tick at least one format."), true)
		return
	}
	ctx, code, base := s.app.ctx(), s.langCode(), s.baseName()
	s.busy(true)
	go func() {
		files, err := s.writeReports(ctx, dir, base, code, exts)
		var openErr error
		if err == nil {
			openErr = reportsOpenFolder(dir)
		}
		s.app.do(func() {
			if s.gone() {
				return
			}
			s.busy(false)
			s.showFiles(files)
			if err != nil {
				log.Printf("reports: %v", err)
				say(s.status, reportsMessage(err), true)
				return
			}
			s.done(lang.L("Wrote {{.Count}} files.", map[string]any{"Count": len(files)}), dir, openErr)
		})
	}()
}

// done says what was written, and where when the folder did not open.
func (s *reportsScreen) done(text, dir string, openErr error) {
	if openErr != nil {
		log.Printf("open %s: %v", dir, openErr)
		text += " " + lang.L("The files are in {{.Folder}}.", map[string]any{"Folder": dir})
	}
	say(s.status, text, false)
}

// writeReports writes the report in each format into dir, each file whole
// or not at all.
func (s *reportsScreen) writeReports(ctx context.Context, dir, base, code string, exts []string) ([]reportsWritten, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, &reportsFileError{dir, err}
	}
	total := len(exts) + 1
	r, err := s.store.Report(ctx, s.orgID)
	if err != nil {
		return nil, err
	}
	s.step(1, total)
	var out []reportsWritten
	for i, ext := range exts {
		b, err := s.render(r, ext, code)
		if err != nil {
			return out, err
		}
		path := filepath.Join(dir, base+"."+ext)
		if err := reportsWriteFile(path, b); err != nil {
			return out, err
		}
		out = append(out, reportsWritten{path: path, size: int64(len(b))})
		s.step(i+2, total)
	}
	return out, nil
}

// render is the report in one format; the PDF summary and the workbook in
// the language code.
func (s *reportsScreen) render(r *booth.Report, ext, code string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch ext {
	case "pdf":
		return label.ReportPDF(r, s.ev, code, label.ShippedFonts)
	case "xlsx":
		err = sheet.WriteReport(&b, r, func(k string) string { return assets.Translate(code, k) })
	case "csv":
		err = booth.WriteReportCSV(&b, r)
	default:
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	}
	return b.Bytes(), err
}

// reportsWriteFile writes a file whole or not at all.
func reportsWriteFile(path string, b []byte) error {
	if err := booth.WriteFileAtomic(path, b, 0o644); err != nil {
		return &reportsFileError{path, err}
	}
	return nil
}

// showFiles lists the files written, with their sizes; a lead file also
// with its hospital, counts and whether it carries note text.
func (s *reportsScreen) showFiles(files []reportsWritten) {
	s.files.RemoveAll()
	for _, f := range files {
		text := filepath.Base(f.path) + " · " + reportsSize(f.size)
		if lf := f.lead; lf != nil {
			notes := lang.L("without note text")
			if lf.Notes {
				notes = lang.L("with note text")
			}
			text = lf.Hospital + ": " + text + " · " + lang.L("{{.Leads}} leads, {{.Consultations}} consultations",
				map[string]any{"Leads": lf.Leads, "Consultations": lf.Consultations}) + " · " + notes
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		s.files.Add(l)
	}
}

// reportsSize is a file size for people.
func reportsSize(n int64) string {
	switch {
	case n < 1024:
		return lang.L("{{.N}} bytes", map[string]any{"N": n})
	case n < 1024*1024:
		return lang.L("{{.N}} KB", map[string]any{"N": fmt.Sprintf("%.0f", float64(n)/1024)})
	default:
		return lang.L("{{.N}} MB", map[string]any{"N": fmt.Sprintf("%.1f", float64(n)/(1024*1024))})
	}
}

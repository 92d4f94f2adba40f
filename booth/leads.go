package booth

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// A Lead is a visitor a hospital may contact after the fair: one who
// consented to being contacted, to their data going to that very hospital
// and to its going abroad. Consultations are that hospital's only, and
// only while the visitor's consent to health information stands.
type Lead struct {
	Visitor       Visitor
	Interests     []string
	Consultations []LeadConsultation
}

// LeadConsultation is one consultation in a lead file. Note is filled only
// when the hospital's notes key was opened for the export.
type LeadConsultation struct {
	Consultation
	Note NoteContent
}

// LeadOptions says which lead files to write, and how.
type LeadOptions struct {
	// Dir is the folder the files go to (made if missing).
	Dir string
	// Format is "xlsx" (the default) or "csv".
	Format string
	// Lang is the language of the column headers: ko (the default), en, ru
	// or kk.
	Lang string
	// HospitalID limits the export to one hospital; "" writes one file per
	// hospital of the event.
	HospitalID string
	// Keys are hospitals' opened notes keys, by hospital id: note text goes
	// into that hospital's file only, and only with its key.
	Keys map[string]*NotesKey
	// Progress, when set, is told after each hospital's file.
	Progress func(done, total int)
}

// LeadFile is one written lead file.
type LeadFile struct {
	HospitalID    string `json:"hospital_id"`
	Hospital      string `json:"hospital"`
	Path          string `json:"path"`
	Leads         int    `json:"leads"`
	Consultations int    `json:"consultations"`
	// Notes is true when the file carries note text.
	Notes bool `json:"notes"`
}

// leadColumns are a lead file's columns, as translation keys; the last
// two (the note) only in files made with the hospital's key.
var leadColumns = []string{
	"Visitor number", "Name", "Name (Latin)", "Phone", "Email", "Messenger", "Type", "Language", "Country", "City",
	"Birth year", "Specialties of interest", "Consultation date", "Department", "Doctor", "Recommendation",
	"Follow-up", "Follow-up when", "Follow-up by", "Complaint", "Summary",
}

// LeadDateColumn is the column of a lead table that holds the consultation's
// day (YYYY-MM-DD), for writers that know dates.
var LeadDateColumn = slices.Index(leadColumns, "Consultation date")

// LeadColumnKeys lists every header a lead file may have, for the
// translation check.
func LeadColumnKeys() []string { return append([]string(nil), leadColumns...) }

// LeadTable lays leads out as rows under a header row: one row per
// consultation, one for a lead without any. t translates headers and the
// visitor type; withNotes adds the note's complaint and summary.
func LeadTable(leads []Lead, withNotes bool, t func(string) string) [][]string {
	cols := leadColumns
	if !withNotes {
		cols = cols[:len(cols)-2]
	}
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = t(c)
	}
	out := [][]string{head}
	for _, l := range leads {
		v := l.Visitor
		year := ""
		if v.BirthYear > 0 {
			year = strconv.Itoa(v.BirthYear)
		}
		who := []string{v.Code, v.Name, v.NameLatin, v.Phone, v.Email, v.Messenger, t(visitorTypeNames[v.Type]),
			languageNames[v.Lang], v.Country, v.City, year, strings.Join(l.Interests, ", ")}
		if len(l.Consultations) == 0 {
			out = append(out, pad(who, len(cols)))
			continue
		}
		for _, c := range l.Consultations {
			row := append(append([]string(nil), who...), c.Day, c.Department, c.Doctor, name(t, recommendationKeys[c.Recommendation]),
				name(t, followUpKeys[c.FollowUp]), c.FollowUpWhen, c.FollowUpBy)
			if withNotes {
				row = append(row, c.Note.Complaint, c.Note.Summary)
			}
			out = append(out, row)
		}
	}
	return out
}

// languageNames name a visitor's language in that language, as the
// language switch does.
var languageNames = map[string]string{"ru": "Русский", "kk": "Қазақша", "en": "English", "ko": "한국어"}

// visitorTypeNames are the visitor types as the screens name them.
var visitorTypeNames = map[VisitorType]string{
	TypePatient: "Patient", TypeCompanion: "Companion", TypeAgency: "Agency", TypeMedia: "Media", TypeOther: "Other visitor",
}

// The screens' names of recommendations and follow-up intents, as
// translation keys.
var (
	recommendationKeys = map[Recommendation]string{RecommendTele: "Tele-consultation", RecommendRecords: "Send medical records",
		RecommendQuote: "Cost estimate", RecommendTreatment: "Treatment visit to Korea", RecommendNone: "None"}
	followUpKeys = map[FollowUp]string{FollowUpYes: "Yes", FollowUpMaybe: "Maybe", FollowUpNo: "No"}
)

func name(t func(string) string, key string) string {
	if key == "" {
		return ""
	}
	return t(key)
}

func pad(row []string, n int) []string {
	for len(row) < n {
		row = append(row, "")
	}
	return row
}

// WriteLeadsCSV writes a lead table as CSV for Excel: UTF-8 with a byte
// order mark, every cell neutralised against formulas.
func WriteLeadsCSV(w io.Writer, table [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	for _, row := range table {
		safe := make([]string, len(row))
		for i, c := range row {
			safe[i] = SafeCell(c)
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// LeadFileName is the file name of a hospital's lead file: its name with
// anything a file system may refuse replaced by "-".
func LeadFileName(hospital, ext string) string {
	var b strings.Builder
	dash := false
	for _, r := range hospital {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	name := []rune(strings.TrimSuffix(b.String(), "-"))
	if len(name) > 60 {
		name = name[:60]
	}
	if len(name) == 0 {
		return "leads-hospital." + ext
	}
	return "leads-" + strings.TrimSuffix(string(name), "-") + "." + ext
}

package booth

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a visitor list read by ParseVisitorsCSV.
const (
	MaxImportBytes    = 50 << 20 // larger files are refused
	MaxImportFields   = 200      // a row with more cells refuses the file
	MaxImportProblems = 1000     // problems kept by CheckVisitorsCSV; the rest are only counted
	listedProblems    = 10       // problems spelled out in the error message
)

// ImportError is one problem of an imported file: the line as a text editor
// numbers it (the header is line 1) and one sentence. Line is 0 for problems
// of the whole file, such as its size or encoding.
type ImportError struct {
	Line    int
	Message string
	err     *Error // Message's key and values
}

func (e ImportError) Error() string {
	if e.Line <= 0 {
		return e.Message
	}
	return fmt.Sprintf("Line %d: %s", e.Line, e.Message)
}

// ImportResult says what an import of pre-registered visitors did.
type ImportResult struct {
	Imported int `json:"imported"`
	// Skipped counts rows of people already registered (same phone, or same
	// name and birth year), so importing a file twice adds nobody twice.
	Skipped int `json:"skipped"`
}

// ParseVisitorsCSV reads a list of pre-registered visitors as HQ and travel
// agencies send it: a CSV file saved by Excel in UTF-8 (with or without BOM),
// UTF-16 with BOM or Windows-1251, separated by commas, semicolons or tabs,
// with a header row naming the columns in English, Russian, Kazakh or Korean.
//
// Every visitor comes back normalized, valid and with Source
// SourcePreRegister. It is all or nothing: when any row is bad the result is
// nil and an *Error with code EINVALID whose message names each bad line
// ("Line 14: ..."), at most ten of them, and how many more there are.
func ParseVisitorsCSV(r io.Reader) ([]Visitor, error) {
	vs, _, err := CheckVisitorsCSV(r)
	return vs, err
}

// CheckVisitorsCSV is ParseVisitorsCSV that also returns the problems one by
// one, for a UI that lists them. At most MaxImportProblems are kept; the error
// counts all of them. When there are problems the visitors are nil. A failure
// to read r is an EINTERNAL error with no problems.
func CheckVisitorsCSV(r io.Reader) ([]Visitor, []ImportError, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, nil, Errorf(EINTERNAL, "The file could not be read: %v.", err)
	}
	im := &csvImport{}
	vs := im.run(data)
	if im.total > 0 {
		return nil, im.problems, im.err()
	}
	return vs, nil, nil
}

// csvImport collects the problems of one import.
type csvImport struct {
	problems []ImportError
	total    int
}

func (im *csvImport) add(line int, format string, args ...any) {
	im.total++
	if len(im.problems) < MaxImportProblems {
		e := Errorf(EINVALID, format, args...)
		im.problems = append(im.problems, ImportError{Line: line, Message: e.Message, err: e})
	}
}

func (im *csvImport) err() error {
	var parts []*Error
	for i, p := range im.problems {
		if i == listedProblems {
			break
		}
		if p.Line <= 0 {
			parts = append(parts, p.err)
		} else {
			parts = append(parts, Errorf(EINVALID, "Line %d: %s", p.Line, p.err))
		}
	}
	if more := im.total - min(len(im.problems), listedProblems); more == 1 {
		parts = append(parts, Errorf(EINVALID, "And 1 more line has a problem."))
	} else if more > 1 {
		parts = append(parts, Errorf(EINVALID, "And %d more lines have problems.", more))
	}
	lines := make([]string, len(parts))
	for i, p := range parts {
		lines[i] = p.Message
	}
	return &Error{Code: EINVALID, Message: strings.Join(lines, "\n"), Parts: parts}
}

func (im *csvImport) run(data []byte) []Visitor {
	if len(data) > MaxImportBytes {
		im.add(0, "The file is larger than %d MB; a visitor list is much smaller, so check that this is the right file or split it.", MaxImportBytes>>20)
		return nil
	}
	text, ok := im.decode(data)
	if !ok {
		return nil
	}

	// Old Mac Excel ends lines with CR alone.
	if !strings.Contains(text, "\n") {
		text = strings.ReplaceAll(text, "\r", "\n")
	}

	// Excel's hint line "sep=;" chooses the delimiter and is not data.
	lineOffset := 0
	var delim rune
	if first, rest, _ := strings.Cut(text, "\n"); len(first) >= 4 && strings.EqualFold(first[:4], "sep=") {
		d := strings.TrimRight(first[4:], " \r")
		r, _ := utf8.DecodeRuneInString(d)
		if d == "" || strings.Trim(d, string(r)) != "" {
			im.add(1, "The first line %q should name one delimiter, such as sep=; or sep=,.", strings.TrimSpace(first))
			return nil
		}
		switch r {
		case ',', ';', '\t':
			delim = r
		default:
			im.add(1, "The first line asks for the delimiter %q; medibooth reads only commas, semicolons or tabs.", string(r))
			return nil
		}
		text, lineOffset = rest, 1
	}

	header := firstRecord(text)
	if header == nil {
		im.add(0, "The file is empty; it needs a header line with the column names and then one line per visitor.")
		return nil
	}
	if delim == 0 {
		delim = detectDelimiter(header, text)
	}
	if line, ok := fieldsWithin(text, delim, MaxImportFields); !ok {
		im.add(line+lineOffset, "This line has more than %d values; a visitor list has far fewer columns, so check that this is the right file.", MaxImportFields)
		return nil
	}

	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = delim != '\t' // with tabs it would swallow empty cells

	return im.table(func() ([]string, int, bool) {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil, 0, false
		} else if err != nil {
			im.csvError(err, lineOffset)
			return nil, 0, false
		}
		line, _ := cr.FieldPos(0)
		return rec, line + lineOffset, true
	})
}

// ParseVisitorRows reads a visitor list already split into cells, as a
// spreadsheet holds it: rows[i] is line i+1. The header and row rules, the
// messages and the all-or-nothing result are those of ParseVisitorsCSV.
func ParseVisitorRows(rows [][]string) ([]Visitor, error) {
	im := &csvImport{}
	i := 0
	vs := im.table(func() ([]string, int, bool) {
		if i >= len(rows) {
			return nil, 0, false
		}
		i++
		return rows[i-1], i, true
	})
	if im.total > 0 {
		return nil, im.err()
	}
	return vs, nil
}

// table reads the header and the visitor rows that next yields (a record
// and its line number, false at the end or after a read error).
func (im *csvImport) table(next func() ([]string, int, bool)) []Visitor {
	var cols *columns
	var vs []Visitor
	phones := map[string]int{} // normalized phone → line
	for {
		rec, line, ok := next()
		if !ok {
			if im.total > 0 {
				return nil
			}
			break
		}
		if len(rec) > MaxImportFields { // fieldsWithin should have caught it
			im.add(line, "This line has more than %d values; a visitor list has far fewer columns, so check that this is the right file.", MaxImportFields)
			return nil
		}
		if blankRecord(rec) {
			continue
		}
		if cols == nil {
			cols = im.header(rec, line)
			if cols == nil {
				return nil
			}
			continue
		}
		v, ok := im.row(cols, rec, line)
		if !ok {
			continue
		}
		if v.Phone != "" {
			if first, dup := phones[v.Phone]; dup {
				im.add(line, "The phone number %q is also on line %d.", cols.cell(rec, cols.phone), first)
				continue
			}
			phones[v.Phone] = line
		}
		if im.total == 0 {
			vs = append(vs, v)
		}
	}
	if cols == nil {
		im.add(0, "The file is empty; it needs a header line with the column names and then one line per visitor.")
		return nil
	}
	if im.total == 0 && len(vs) == 0 {
		im.add(0, "The file has no visitors below the header line.")
		return nil
	}
	return vs
}

func (im *csvImport) csvError(err error, lineOffset int) {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		im.add(0, "The file could not be read as CSV: %v.", err)
		return
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		im.add(pe.Line+lineOffset, "A quotation mark stands inside a value that does not start with one; put quotation marks only around whole values and double those inside (\"\").")
	case errors.Is(pe.Err, csv.ErrQuote):
		im.add(pe.StartLine+lineOffset, "A quoted value that starts on this line is not closed properly: a quotation mark is missing or followed by other text.")
	default:
		im.add(pe.StartLine+lineOffset, "The line could not be read as CSV: %v.", pe.Err)
	}
}

func blankRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// header reads the header row; nil when the file must be refused.
func (im *csvImport) header(rec []string, line int) *columns {
	c := &columns{phone: -1, email: -1, typ: -1, lang: -1, country: -1, city: -1, birthYear: -1, width: len(rec),
		consent: map[Purpose]int{}, titles: map[int]string{}, version: -1}
	single := map[colRole]*int{
		rolePhone: &c.phone, roleEmail: &c.email, roleType: &c.typ, roleLang: &c.lang,
		roleCountry: &c.country, roleCity: &c.city, roleBirthYear: &c.birthYear, roleConsentVersion: &c.version,
	}
	seen := map[colRole]int{}
	before := im.total
	for i, raw := range rec {
		title := strings.TrimSpace(strings.ReplaceAll(raw, "\ufeff", ""))
		k := headerKey(title)
		role, ok := headerRoles[k]
		if !ok {
			continue
		}
		if role == roleDOB {
			im.add(line, "The column %q is a full date of birth, but we collect the birth year only: HQ must send the year alone, in a column such as \"Год рождения\" or \"Birth year\".", title)
			continue
		}
		if role != roleMessenger {
			if j, dup := seen[role]; dup {
				im.add(line, "The columns %q and %q both hold %s; keep only one of them.", strings.TrimSpace(rec[j]), title, roleNames[role])
				continue
			}
			seen[role] = i
		}
		switch role {
		case roleName:
			c.names = append(c.names, i)
		case roleGiven, roleSurname, rolePatronymic:
			// A lone given-name column (Имя, 이름) serves as the full name.
			c.parts = append(c.parts, i)
		case roleMessenger:
			c.messenger = append(c.messenger, i)
			c.apps = append(c.apps, messengerApps[k])
		case roleConsentContact, roleConsentHealth, roleConsentTransfer, roleConsentMarketing:
			c.consent[consentRoles[role]] = i
			c.titles[i] = title
		default:
			*single[role] = i
		}
	}
	if len(c.names) == 0 && len(c.parts) == 0 {
		im.add(line, "The header has no name column; call the column with the visitors' names \"ФИО\", \"Name\", \"Аты-жөні\" or \"이름\".")
	}
	if im.total > before {
		return nil
	}
	return c
}

var (
	sciNumberRe = regexp.MustCompile(`^[0-9]+([.,][0-9]+)?[eE][+]?[0-9]+$`)
	dateLikeRe  = regexp.MustCompile(`^[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}`)
)

// row turns one record into a visitor, or records its problem.
func (im *csvImport) row(c *columns, rec []string, line int) (Visitor, bool) {
	for i := c.width; i < len(rec); i++ {
		if strings.TrimSpace(rec[i]) != "" {
			im.add(line, "This line has more values than the header has columns; a value probably contains the delimiter without quotation marks around it.")
			return Visitor{}, false
		}
	}
	v := Visitor{Source: SourcePreRegister}
	for _, i := range c.names {
		if v.Name = c.cell(rec, i); v.Name != "" {
			break
		}
	}
	if v.Name == "" {
		v.Name = joinNameParts(c, rec)
	}

	phone := c.cell(rec, c.phone)
	if phone != "" {
		if sciNumberRe.MatchString(phone) {
			im.add(line, "The phone number %q was turned into a number by Excel and lost its digits; format the phone column as text and save the file again.", phone)
			return Visitor{}, false
		}
		if d := len(Digits(NormalizePhone(phone))); d < 7 || d > 15 {
			im.add(line, "The phone number %q should have 7 to 15 digits.", phone)
			return Visitor{}, false
		}
	}
	v.Phone = phone
	v.Email = c.cell(rec, c.email)
	v.City = c.cell(rec, c.city)

	var msgs []string
	for j, i := range c.messenger {
		m := c.cell(rec, i)
		if m == "" {
			continue
		}
		if app := c.apps[j]; app != "" && !strings.Contains(strings.ToLower(m), strings.ToLower(app)) {
			m = app + ": " + m
		}
		msgs = append(msgs, m)
	}
	v.Messenger = strings.Join(msgs, "; ")

	if s := c.cell(rec, c.typ); s != "" {
		t, ok := typeValues[headerKey(s)]
		if !ok {
			var err error
			if t, err = ParseVisitorType(s); err != nil {
				im.add(line, "%s", err)
				return Visitor{}, false
			}
		}
		v.Type = t
	}
	if s := c.cell(rec, c.lang); s != "" {
		if l, ok := langValues[headerKey(s)]; ok {
			v.Lang = l
		} else {
			im.add(line, "The language %q is not one of ru, kk, en or ko (or Русский, Қазақша, English, 한국어).", s)
			return Visitor{}, false
		}
	}
	if s := c.cell(rec, c.country); s != "" {
		if cc, ok := countryValues[headerKey(s)]; ok {
			v.Country = cc
		} else if len(s) == 2 && countryRe.MatchString(strings.ToUpper(s)) {
			v.Country = strings.ToUpper(s)
		} else {
			im.add(line, "The country %q is not a two-letter country code such as KZ, nor a country medibooth knows by name.", s)
			return Visitor{}, false
		}
	}
	if s := c.cell(rec, c.birthYear); s != "" {
		if dateLikeRe.MatchString(s) {
			im.add(line, "The birth year %q looks like a full date of birth; we collect the birth year only, so write just the year, such as 1985.", s)
			return Visitor{}, false
		}
		y, err := ParseBirthYear(s)
		if err != nil {
			im.add(line, "%s", err)
			return Visitor{}, false
		}
		v.BirthYear = y
	}

	if !im.consents(c, rec, line, &v) {
		return Visitor{}, false
	}
	v.Normalize()
	if err := v.Validate(); err != nil {
		im.add(line, "%s", err)
		return Visitor{}, false
	}
	return v, true
}

// consentTimes are the ways a consent column may write when the consent was
// given: a day, or a day and time (in UTC, as HQ's systems export them).
var consentTimes = []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", time.DateOnly, "02.01.2006 15:04", "02.01.2006"}

// noConsent are the words that leave a consent column as if it were empty.
var noConsent = map[string]bool{"no": true, "нет": true, "жоқ": true, "아니오": true, "0": true, "-": true}

// consents reads a row's consent columns into v.Consents: one given consent
// per column that holds a time, of the texts' version in the version
// column. It records the line's problem and reports false when one is
// malformed.
func (im *csvImport) consents(c *columns, rec []string, line int, v *Visitor) bool {
	for _, p := range []Purpose{PurposeContact, PurposeHealth, PurposeTransfer, PurposeMarketing} {
		i, ok := c.consent[p]
		if !ok {
			continue
		}
		s := c.cell(rec, i)
		if s == "" || noConsent[strings.ToLower(s)] {
			continue
		}
		var at time.Time
		var err error
		for _, layout := range consentTimes {
			if at, err = time.Parse(layout, s); err == nil {
				break
			}
		}
		if err != nil {
			im.add(line, "The column %q holds %q, which is not the day the visitor gave this consent, such as 2026-08-24.", c.titles[i], s)
			return false
		}
		v.Consents = append(v.Consents, Consent{Purpose: p, Granted: true, At: at.UTC()})
	}
	if len(v.Consents) == 0 {
		return true
	}
	ver := c.cell(rec, c.version)
	if ver == "" {
		im.add(line, "This line gives consents but not the version of the texts the visitor agreed to; add a column \"Consent version\" with it, such as 2026-1.")
		return false
	}
	for i := range v.Consents {
		v.Consents[i].TextVersion = ver
	}
	return true
}

// joinNameParts joins surname, given name and patronymic in the order of
// the file's columns. Hangul parts are joined without a space, as Koreans
// write 김민준.
func joinNameParts(c *columns, rec []string) string {
	var b strings.Builder
	prevHangul := false
	for _, i := range c.parts {
		p := c.cell(rec, i)
		if p == "" {
			continue
		}
		h := isHangulWord(p)
		if b.Len() > 0 && !(h && prevHangul) {
			b.WriteByte(' ')
		}
		b.WriteString(p)
		prevHangul = h
	}
	return b.String()
}

func keyedValues[T comparable](m map[T][]string) map[string]T {
	out := map[string]T{}
	for v, names := range m {
		for _, n := range names {
			out[headerKey(n)] = v
		}
	}
	return out
}

var typeValues = keyedValues(map[VisitorType][]string{
	TypePatient: {"patient", "пациент", "пациентка", "пациенты", "больной", "емделуші", "науқас", "환자"},
	TypeCompanion: {"companion", "сопровождающий", "сопровождающая", "сопровождающее лицо",
		"сопровождение", "еріп жүруші", "ілесуші", "동반자", "보호자"},
	TypeAgency: {"agency", "agent", "travel agency", "агентство", "турагентство", "агент",
		"турагент", "агенттік", "туристік агенттік", "에이전시", "여행사"},
	TypeMedia: {"media", "press", "journalist", "сми", "пресса", "журналист", "бақ", "언론", "기자", "미디어"},
	TypeOther: {"other", "прочее", "прочие", "другое", "иное", "басқа", "басқалар", "기타"},
})

var langValues = keyedValues(map[string][]string{
	"ru": {"ru", "rus", "russian", "рус", "русский", "русский язык", "орыс", "орысша", "орыс тілі", "러시아어"},
	"kk": {"kk", "kz", "kaz", "kazakh", "каз", "казахский", "казахский язык", "қазақ", "қазақша",
		"қазақ тілі", "카자흐어"},
	"en": {"en", "eng", "english", "англ", "английский", "английский язык", "ағылшын", "ағылшынша", "영어"},
	"ko": {"ko", "kor", "korean", "корейский", "корейский язык", "корей", "корейше", "корей тілі", "한국어"},
})

var countryValues = keyedValues(map[string][]string{
	"KZ": {"kaz", "kazakhstan", "казахстан", "қазақстан", "рк", "республика казахстан",
		"қазақстан республикасы", "카자흐스탄"},
	"UZ": {"uzb", "uzbekistan", "узбекистан", "өзбекстан", "o'zbekiston", "우즈베키스탄"},
	"RU": {"rus", "russia", "russian federation", "россия", "рф", "российская федерация", "ресей", "러시아"},
	"KG": {"kgz", "kyrgyzstan", "kyrgyz republic", "кыргызстан", "киргизия", "кыргызская республика",
		"қырғызстан", "키르기스스탄"},
	"TR": {"tur", "turkey", "türkiye", "turkiye", "турция", "түркия", "튀르키예", "터키"},
	"KR": {"kor", "korea", "south korea", "republic of korea", "한국", "대한민국", "남한", "корея",
		"южная корея", "республика корея", "корея республикасы", "оңтүстік корея"},
	"TJ": {"tjk", "tajikistan", "таджикистан", "тәжікстан", "타지키스탄"},
	"TM": {"tkm", "turkmenistan", "туркменистан", "түрікменстан", "투르크메니스탄"},
	"MN": {"mng", "mongolia", "монголия", "моңғолия", "몽골"},
	"AZ": {"aze", "azerbaijan", "азербайджан", "әзірбайжан", "아제르바이잔"},
	"BY": {"blr", "belarus", "беларусь", "белоруссия", "беларусь республикасы", "벨라루스"},
	"CN": {"chn", "china", "китай", "қытай", "중국"},
})

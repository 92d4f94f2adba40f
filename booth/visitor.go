package booth

import (
	"context"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// VisitorType says why a visitor came.
type VisitorType string

// Visitor types.
const (
	TypePatient   VisitorType = "patient"
	TypeCompanion VisitorType = "companion"
	TypeAgency    VisitorType = "agency"
	TypeMedia     VisitorType = "media"
	TypeOther     VisitorType = "other"
)

// VisitorTypes lists the types in the order forms show them.
var VisitorTypes = []VisitorType{TypePatient, TypeCompanion, TypeAgency, TypeMedia, TypeOther}

// ParseVisitorType reads a type; "" means patient.
func ParseVisitorType(s string) (VisitorType, error) {
	t := VisitorType(strings.ToLower(strings.TrimSpace(s)))
	if t == "" {
		return TypePatient, nil
	}
	for _, v := range VisitorTypes {
		if v == t {
			return t, nil
		}
	}
	return "", Errorf(EINVALID, "The visitor type %q is not one of patient, companion, agency, media or other.", s)
}

// Languages a visitor may be served in.
var Languages = []string{"ru", "kk", "en", "ko"}

// Source says how a visitor got into the data.
type Source string

// Visitor sources.
const (
	SourceWalkIn      Source = "walk-in"
	SourcePreRegister Source = "pre-registered"
	SourceKiosk       Source = "kiosk"
	SourceImport      Source = "import"
	SourceBadge       Source = "badge" // known only from a badge another laptop issued
)

// Visitor is a person who came to the booth (or registered before the fair).
type Visitor struct {
	ID        string      `json:"id"`
	Code      string      `json:"code"` // what the badge QR holds and a scanner types
	Name      string      `json:"name"` // as the visitor writes it, any script
	NameLatin string      `json:"name_latin"`
	Phone     string      `json:"phone,omitempty"` // E.164-like: + and digits
	Email     string      `json:"email,omitempty"`
	Messenger string      `json:"messenger,omitempty"`
	Type      VisitorType `json:"type"`
	Lang      string      `json:"lang"`
	Country   string      `json:"country,omitempty"`
	City      string      `json:"city,omitempty"`
	BirthYear int         `json:"birth_year,omitempty"`
	// Interests are the specialties the visitor asked about (department
	// names of the event's hospitals, e.g. Cardiology).
	Interests []string  `json:"interests,omitempty"`
	Source    Source    `json:"source"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
	DeviceID  string    `json:"device_id"`
	Erased    bool      `json:"erased,omitempty"`
	// Consents given at pre-registration, as an imported list states them;
	// the store records them with the visitor. Consent records travel on
	// their own everywhere else.
	Consents []Consent `json:"-"`
}

// Normalize trims every field, fills the transliteration and brings phone,
// email, country and language into their stored form. It never fails; Validate
// says what is wrong afterwards.
func (v *Visitor) Normalize() {
	v.Name = strings.Join(strings.Fields(v.Name), " ")
	if strings.TrimSpace(v.NameLatin) == "" {
		v.NameLatin = KoreanLatin(v.Name)
	}
	v.NameLatin = strings.Join(strings.Fields(v.NameLatin), " ")
	v.Phone = NormalizePhone(v.Phone)
	seen := map[string]bool{}
	var interests []string
	for _, s := range v.Interests {
		s = strings.Join(strings.Fields(s), " ")
		if s != "" && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			interests = append(interests, s)
		}
	}
	v.Interests = interests
	v.Email = strings.ToLower(strings.TrimSpace(v.Email))
	v.Messenger = strings.TrimSpace(v.Messenger)
	v.Country = strings.ToUpper(strings.TrimSpace(v.Country))
	v.City = strings.TrimSpace(v.City)
	v.Lang = strings.ToLower(strings.TrimSpace(v.Lang))
	if v.Lang == "" {
		v.Lang = "ru"
	}
	if v.Type == "" {
		v.Type = TypePatient
	}
	if v.Source == "" {
		v.Source = SourceWalkIn
	}
}

// Validate checks a normalized visitor.
func (v *Visitor) Validate() error {
	switch {
	case v.Name == "":
		return Errorf(EINVALID, "The visitor needs a name.")
	case len([]rune(v.Name)) > 120:
		return Errorf(EINVALID, "The name is longer than 120 letters.")
	case strings.IndexFunc(v.Name, unicode.IsControl) >= 0:
		return Errorf(EINVALID, "The name contains control characters.")
	}
	if _, err := ParseVisitorType(string(v.Type)); err != nil {
		return err
	}
	if !validLang(v.Lang) {
		return Errorf(EINVALID, "The language %q is not one of ru, kk, en or ko.", v.Lang)
	}
	if v.Phone != "" {
		if d := len(v.Phone) - 1; d < 7 || d > 15 {
			return Errorf(EINVALID, "The phone number %q should have 7 to 15 digits.", v.Phone)
		}
	}
	if v.Email != "" {
		if a, err := mail.ParseAddress(v.Email); err != nil || a.Address != v.Email || !strings.Contains(v.Email, "@") {
			return Errorf(EINVALID, "The email address %q is not valid.", v.Email)
		}
	}
	if v.Country != "" && !countryRe.MatchString(v.Country) {
		return Errorf(EINVALID, "The country %q is not a two-letter country code such as KZ.", v.Country)
	}
	if v.BirthYear != 0 {
		if y := time.Now().Year(); v.BirthYear < 1900 || v.BirthYear > y {
			return Errorf(EINVALID, "The birth year %d is not between 1900 and %d.", v.BirthYear, y)
		}
	}
	switch v.Source {
	case SourceWalkIn, SourcePreRegister, SourceKiosk, SourceImport:
	default:
		return Errorf(EINVALID, "The source %q is unknown.", v.Source)
	}
	return nil
}

func validLang(l string) bool {
	for _, x := range Languages {
		if x == l {
			return true
		}
	}
	return false
}

// ParseBirthYear reads a birth year; "" is 0 (not given). Only the year is
// kept: a full date of birth is never collected.
func ParseBirthYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 {
		return 0, Errorf(EINVALID, "The birth year %q is not a four-digit year.", s)
	}
	return y, nil
}

// NormalizePhone keeps the digits of a phone number and a leading +. A local
// Kazakh or Russian number written 8XXXXXXXXXX becomes +7XXXXXXXXXX; ten
// digits without a country code get +7, the booth's default.
func NormalizePhone(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	d := Digits(s)
	switch {
	case d == "":
		return s // Validate reports it
	case strings.HasPrefix(s, "+"):
		return "+" + d
	case strings.HasPrefix(d, "00"):
		return "+" + d[2:]
	case len(d) == 11 && d[0] == '8':
		return "+7" + d[1:]
	case len(d) == 10:
		return "+7" + d
	}
	return "+" + d
}

// Digits returns the ASCII digits of s.
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// VisitorService keeps visitors and their consents.
type VisitorService interface {
	// CreateVisitor stores v (normalized and validated here) with its consents
	// and gives it an id and a badge code. EINVALID when v does not validate.
	CreateVisitor(ctx context.Context, v *Visitor, consents []Consent) error
	// ImportVisitors stores all of vs in one transaction, or none of them.
	ImportVisitors(ctx context.Context, vs []Visitor) error
	// Visitor returns the visitor with that id; ENOTFOUND otherwise.
	Visitor(ctx context.Context, id string) (*Visitor, error)
	// FindVisitors searches by name in any script (transliteration-aware,
	// case-insensitive prefixes of words), phone digits or email.
	FindVisitors(ctx context.Context, query string, limit int) ([]Visitor, error)
	// Consents lists a visitor's consent records, oldest first.
	Consents(ctx context.Context, visitorID string) ([]Consent, error)
}

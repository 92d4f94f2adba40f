package booth

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Longest texts of a meeting, in characters (runes). A meeting is logged
// between two others: the limits keep the log a log, not minutes.
const (
	MaxMeetingAttendees = 300
	MaxMeetingOutcome   = 500
	MaxMeetingNext      = 500
	MaxAgencyName       = 200
	MaxAgencyCity       = 100
	MaxAgencyContact    = 200
)

// Meeting is one B2B meeting between one of our firms (an exhibitor) and a
// travel agency. The agency is named as typed: a name the directory does
// not know yet adds the agency to it, a known one (whatever its case and
// spacing) is reused, and City and Contact, when given, update its entry.
type Meeting struct {
	ID         string    `json:"id"`
	FirmID     string    `json:"firm_id"`
	Firm       string    `json:"firm"` // the firm's name, when read back
	AgencyID   string    `json:"agency_id"`
	Agency     string    `json:"agency"` // the agency's name
	City       string    `json:"city,omitempty"`
	Contact    string    `json:"contact,omitempty"`
	Attendees  string    `json:"attendees,omitempty"`
	At         time.Time `json:"at"`
	Day        string    `json:"day"`            // event-local date of At
	Late       bool      `json:"late,omitempty"` // entered afterwards, from paper
	Outcome    string    `json:"outcome,omitempty"`
	MOU        bool      `json:"mou"`
	NextAction string    `json:"next_action,omitempty"`
	StaffID    string    `json:"staff_id,omitempty"`
	Created    time.Time `json:"created"`
	DeviceID   string    `json:"device_id"`
}

// Validate tidies the meeting's texts (the agency's name with single
// spaces, the others trimmed) and checks that it names a firm and an agency
// and that no text is longer than its limit. It says what is wrong in one
// sentence.
func (m *Meeting) Validate() error {
	m.FirmID = strings.TrimSpace(m.FirmID)
	m.AgencyID = strings.TrimSpace(m.AgencyID)
	m.Agency = strings.Join(strings.Fields(m.Agency), " ")
	m.City = strings.Join(strings.Fields(m.City), " ")
	m.Contact = strings.TrimSpace(m.Contact)
	m.Attendees = strings.TrimSpace(m.Attendees)
	m.Outcome = strings.TrimSpace(m.Outcome)
	m.NextAction = strings.TrimSpace(m.NextAction)
	n := utf8.RuneCountInString
	switch {
	case m.FirmID == "":
		return Errorf(EINVALID, "Choose the firm that held the meeting.")
	case m.Agency == "" && m.AgencyID == "":
		return Errorf(EINVALID, "Type the name of the agency.")
	case n(m.Agency) > MaxAgencyName:
		return Errorf(EINVALID, "The agency's name is longer than 200 characters.")
	case n(m.City) > MaxAgencyCity:
		return Errorf(EINVALID, "The agency's city is longer than 100 characters.")
	case n(m.Contact) > MaxAgencyContact:
		return Errorf(EINVALID, "The agency's contact is longer than 200 characters.")
	case n(m.Attendees) > MaxMeetingAttendees:
		return Errorf(EINVALID, "The list of attendees is longer than 300 characters.")
	case n(m.Outcome) > MaxMeetingOutcome:
		return Errorf(EINVALID, "The outcome is longer than 500 characters; write only what the follow-up needs.")
	case n(m.NextAction) > MaxMeetingNext:
		return Errorf(EINVALID, "The next action is longer than 500 characters.")
	case m.Late && m.At.IsZero():
		return Errorf(EINVALID, "A meeting entered afterwards needs the time it took place.")
	}
	return nil
}

// CheckMeetingFirm checks that o, named as the firm of a meeting, is one of
// ours: a Seoul firm or one of the hospitals (their coordinators meet
// agencies too). An agency is the other side.
func CheckMeetingFirm(o *Org) error {
	switch {
	case o == nil:
		return Errorf(EINVALID, "Choose the firm that held the meeting.")
	case o.Kind == OrgHospital:
		return nil
	case o.Kind == OrgAgency:
		return Errorf(EINVALID, "%s is an agency, not one of our firms.", o.Name)
	case o.Kind != OrgFirm:
		return Errorf(EINVALID, "%s is not one of our firms.", o.Name)
	}
	return nil
}

// ParseMeetingTime reads the time of a meeting as staff type it: "HH:MM"
// (or "H.MM") for that time today, event-local, or a full RFC 3339 time
// for another day.
func ParseMeetingTime(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"15:04", "15.04"} {
		if t, err := time.Parse(layout, s); err == nil {
			y, mo, d := now.In(loc).Date()
			return time.Date(y, mo, d, t.Hour(), t.Minute(), 0, 0, loc), nil
		}
	}
	return time.Time{}, Errorf(EINVALID, "Write the time as HH:MM for today, or in full like 2026-09-17T10:30:00+05:00.")
}

// Agency is an entry of the agency directory: an organisation of kind
// agency with where it is and whom to contact.
type Agency struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	City     string `json:"city,omitempty"`
	Contact  string `json:"contact,omitempty"`
	Meetings int    `json:"meetings"` // meetings held with it so far
}

// AgencyMatch says how well the agency name matches what was typed: 2 when
// the name starts with it, 1 when a later word of the name does, 0 when
// neither. Case, repeated spaces and ё/е do not matter; words start after
// anything that is not a letter or digit ("Med-Tour" has the word "Tour").
func AgencyMatch(name, typed string) int {
	n, p := agencyFold(name), agencyFold(typed)
	if p == "" {
		return 2
	}
	if strings.HasPrefix(n, p) {
		return 2
	}
	prev := ' '
	for i, r := range n {
		if i > 0 && !isWordRune(prev) && isWordRune(r) && strings.HasPrefix(n[i:], p) {
			return 1
		}
		prev = r
	}
	return 0
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// agencyFold lowers a name and spaces it singly, with ё as е.
func agencyFold(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.ReplaceAll(s, "ё", "е")
}

// FirmMeetings counts the meetings of one firm.
type FirmMeetings struct {
	FirmID   string `json:"firm_id"`
	Firm     string `json:"firm"`
	Meetings int    `json:"meetings"`
	Agencies int    `json:"agencies"` // different agencies met
	MOUs     int    `json:"mous"`
}

// AgencyMeetings counts the meetings of one agency.
type AgencyMeetings struct {
	AgencyID string `json:"agency_id"`
	Agency   string `json:"agency"`
	City     string `json:"city,omitempty"`
	Meetings int    `json:"meetings"`
	Firms    int    `json:"firms"` // different firms met
	MOUs     int    `json:"mous"`
}

// MeetingCounts sums up the B2B meetings of the event.
type MeetingCounts struct {
	Meetings int              `json:"meetings"`
	MOUs     int              `json:"mous"`
	Firms    int              `json:"firms"`     // firms that held at least one meeting
	Agencies int              `json:"agencies"`  // agencies met at least once
	ByFirm   []FirmMeetings   `json:"by_firm"`   // every firm, most meetings first
	ByAgency []AgencyMeetings `json:"by_agency"` // every agency met, most meetings first
}

// MeetingService keeps the B2B meeting log and the agency directory.
type MeetingService interface {
	// AddMeeting stores m, filling in its id, time (now, unless given),
	// event-local day, staff member (from ctx) and agency: an agency the
	// directory does not know by name yet is added to it. EINVALID when m
	// does not validate or its firm is not one of our firms; ENOTFOUND when
	// the firm or the agency id is unknown.
	AddMeeting(ctx context.Context, m *Meeting) error
	// Meetings lists the meetings of one firm ("" for all), newest first,
	// with the firm's and agency's names.
	Meetings(ctx context.Context, firmID string) ([]Meeting, error)
	// MeetingCounts counts meetings per firm, per agency and in total.
	MeetingCounts(ctx context.Context) (MeetingCounts, error)
	// Agencies lists up to limit agencies whose name, or a word of it,
	// starts with prefix (AgencyMatch): names starting with it first.
	Agencies(ctx context.Context, prefix string, limit int) ([]Agency, error)
}

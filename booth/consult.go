package booth

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Recommendation is what the doctor recommends after a consultation.
type Recommendation string

// Recommendations, in the order the form offers them.
const (
	RecommendTele      Recommendation = "tele-consultation"
	RecommendRecords   Recommendation = "send-records"
	RecommendQuote     Recommendation = "quote"
	RecommendTreatment Recommendation = "treatment-visit" // a treatment visit to Korea
	RecommendNone      Recommendation = "none"
)

// Recommendations lists the recommendations in the form's order.
var Recommendations = []Recommendation{RecommendTele, RecommendRecords, RecommendQuote, RecommendTreatment, RecommendNone}

// FollowUp is whether the visitor intends to follow up with the hospital.
type FollowUp string

// Follow-up intents.
const (
	FollowUpYes   FollowUp = "yes"
	FollowUpMaybe FollowUp = "maybe"
	FollowUpNo    FollowUp = "no"
)

// FollowUps lists the intents in the form's order.
var FollowUps = []FollowUp{FollowUpYes, FollowUpMaybe, FollowUpNo}

// Consultation is one consultation of a visitor by one hospital. Everything
// but the note (complaint and summary, sealed to the hospital) is in clear,
// so counts need no key.
type Consultation struct {
	ID             string         `json:"id"`
	VisitorID      string         `json:"visitor_id"`
	VisitorName    string         `json:"visitor_name,omitempty"`
	OrgID          string         `json:"hospital_id"`
	Hospital       string         `json:"hospital,omitempty"`
	Department     string         `json:"department"`
	Doctor         string         `json:"doctor,omitempty"`
	At             time.Time      `json:"at"`
	Day            string         `json:"day"`
	Late           bool           `json:"late,omitempty"`
	Recommendation Recommendation `json:"recommendation,omitempty"`
	FollowUp       FollowUp       `json:"follow_up,omitempty"`
	FollowUpWhen   string         `json:"follow_up_when,omitempty"`
	FollowUpBy     string         `json:"follow_up_by,omitempty"`
	Interpreter    string         `json:"interpreter,omitempty"` // language code, "" none
	Sealed         []byte         `json:"sealed,omitempty"`      // the note, sealed to the hospital
	StaffID        string         `json:"staff_id,omitempty"`
	DeviceID       string         `json:"device_id"`
}

// HasNote reports whether a sealed note is attached.
func (c *Consultation) HasNote() bool { return len(c.Sealed) > 0 }

// ParseRecommendation reads a recommendation ("" is none given).
func ParseRecommendation(s string) (Recommendation, error) {
	r := Recommendation(strings.ToLower(strings.TrimSpace(s)))
	if r == "" {
		return "", nil
	}
	for _, x := range Recommendations {
		if r == x {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "The recommendation %q is not one of tele-consultation, send-records, quote, treatment-visit or none.", s)
}

// ParseFollowUp reads a follow-up intent ("" is not asked).
func ParseFollowUp(s string) (FollowUp, error) {
	f := FollowUp(strings.ToLower(strings.TrimSpace(s)))
	switch f {
	case "", FollowUpYes, FollowUpMaybe, FollowUpNo:
		return f, nil
	}
	return "", Errorf(EINVALID, "The follow-up is yes, maybe or no, not %q.", s)
}

// Validate trims a consultation and its note and checks their lengths.
func (c *Consultation) Validate(n *NoteContent) error {
	c.Department = strings.TrimSpace(c.Department)
	c.Doctor = strings.Join(strings.Fields(c.Doctor), " ")
	c.FollowUpWhen = strings.TrimSpace(c.FollowUpWhen)
	c.FollowUpBy = strings.TrimSpace(c.FollowUpBy)
	c.Interpreter = strings.TrimSpace(c.Interpreter)
	n.Complaint = strings.TrimSpace(n.Complaint)
	n.Summary = strings.TrimSpace(n.Summary)
	switch {
	case c.VisitorID == "":
		return Errorf(EINVALID, "A consultation is of a visitor; choose one.")
	case c.OrgID == "":
		return Errorf(EINVALID, "A consultation belongs to a hospital; choose it.")
	case c.Department == "":
		return Errorf(EINVALID, "Choose the department of the consultation.")
	case utf8.RuneCountInString(n.Summary) > MaxSummary:
		return Errorf(EINVALID, "The summary is longer than 600 characters; write only what the follow-up needs.")
	case utf8.RuneCountInString(c.Doctor) > 100 || utf8.RuneCountInString(c.FollowUpBy) > 100 ||
		utf8.RuneCountInString(c.FollowUpWhen) > 100 || utf8.RuneCountInString(n.Complaint) > 200:
		return Errorf(EINVALID, "A field of the consultation is too long.")
	}
	if _, err := ParseRecommendation(string(c.Recommendation)); err != nil {
		return err
	}
	if _, err := ParseFollowUp(string(c.FollowUp)); err != nil {
		return err
	}
	if c.FollowUp != FollowUpYes && c.FollowUp != FollowUpMaybe {
		c.FollowUpWhen = ""
	}
	return nil
}

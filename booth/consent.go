package booth

import (
	"strings"
	"time"
)

// Purpose is what a visitor consents to. Each purpose is asked and stored
// separately, as the privacy rules require.
type Purpose string

// Consent purposes.
const (
	PurposeContact   Purpose = "contact"   // collection of the data and contact by the booth
	PurposeHealth    Purpose = "health"    // health information in consultations
	PurposeProvision Purpose = "provision" // provision to one named hospital (OrgID)
	PurposeTransfer  Purpose = "transfer"  // transfer abroad, to Korea
	PurposeMarketing Purpose = "marketing" // optional news and offers
)

// ParsePurposes reads a comma-separated list such as "contact,health,transfer".
func ParsePurposes(s string) ([]Purpose, error) {
	var out []Purpose
	seen := map[Purpose]bool{}
	for _, f := range strings.Split(s, ",") {
		p := Purpose(strings.ToLower(strings.TrimSpace(f)))
		if p == "" {
			continue
		}
		switch p {
		case PurposeContact, PurposeHealth, PurposeTransfer, PurposeMarketing:
		default:
			return nil, Errorf(EINVALID, "The consent %q is not one of contact, health, transfer or marketing.", f)
		}
		if !seen[p] {
			out = append(out, p)
			seen[p] = true
		}
	}
	return out, nil
}

// Consent is one decision of a visitor about one purpose. Withdrawal is a new
// record with Granted false, never an edit of an old one.
type Consent struct {
	ID          string    `json:"id"`
	VisitorID   string    `json:"visitor_id"`
	Purpose     Purpose   `json:"purpose"`
	OrgID       string    `json:"org_id,omitempty"` // the hospital, for PurposeProvision
	Granted     bool      `json:"granted"`
	TextVersion string    `json:"text_version"`
	TextHash    string    `json:"text_hash"`
	Lang        string    `json:"lang"`
	At          time.Time `json:"at"`
	DeviceID    string    `json:"device_id"`
	StaffID     string    `json:"staff_id,omitempty"`
}

// LatestConsent returns the latest decision about purpose (and org, for
// provision) among cs: by time, then by id. nil when there is none.
func LatestConsent(cs []Consent, purpose Purpose, orgID string) *Consent {
	var last *Consent
	for i := range cs {
		c := &cs[i]
		if c.Purpose != purpose || (purpose == PurposeProvision && c.OrgID != orgID) {
			continue
		}
		if last == nil || c.At.After(last.At) || (c.At.Equal(last.At) && c.ID > last.ID) {
			last = c
		}
	}
	return last
}

// HasConsent reports whether the latest decision for purpose (and org, for
// provision) among cs grants it.
func HasConsent(cs []Consent, purpose Purpose, orgID string) bool {
	last := LatestConsent(cs, purpose, orgID)
	return last != nil && last.Granted
}

// The consent rules. Each returns nil when the visitor's consent records cs
// allow the act, else one sentence saying which consent is missing.

// CheckRegistration: nobody is registered without consent to the
// collection of their data and to being contacted.
func CheckRegistration(cs []Consent) error {
	if !HasConsent(cs, PurposeContact, "") {
		return Errorf(ECONFLICT, "Without the consent to collection and contact the visitor cannot be registered.")
	}
	return nil
}

// CheckHealth: no health note is written without consent to health
// information.
func CheckHealth(cs []Consent) error {
	if !HasConsent(cs, PurposeHealth, "") {
		return Errorf(ECONFLICT, "The visitor has not consented to health information being recorded; ask them first.")
	}
	return nil
}

// CheckProvision: nothing about a visitor goes to a hospital without their
// consent to provision to that very hospital, and, the hospitals being in
// Korea, without their consent to the transfer abroad.
func CheckProvision(cs []Consent, hospitalID string) error {
	if hospitalID == "" || !HasConsent(cs, PurposeProvision, hospitalID) {
		return Errorf(ECONFLICT, "The visitor has not consented to their data going to this hospital.")
	}
	if !HasConsent(cs, PurposeTransfer, "") {
		return Errorf(ECONFLICT, "The visitor has not consented to their data going abroad, to Korea.")
	}
	return nil
}

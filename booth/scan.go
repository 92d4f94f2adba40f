package booth

import (
	"context"
	"strings"
	"time"
)

// Decision is what a scan led to.
type Decision string

// Scan decisions.
const (
	Admitted  Decision = "admitted"
	Duplicate Decision = "duplicate"
	Rejected  Decision = "rejected"
)

// Reasons a scan is rejected.
const (
	ReasonMalformed = "malformed" // not a badge code of any kind we know
	ReasonUnknown   = "unknown"   // a well-formed code no visitor here has
	ReasonErased    = "erased"    // the visitor asked to be erased
)

// DoubleSendWindow is how close two identical codes from one device must be
// to count as one scan: keyboard-wedge scanners and shaky hands send twice.
const DoubleSendWindow = 2 * time.Second

// MaxRawCode bounds what is stored of a scanned code; longer input is cut.
// It holds many times a whole badge as a scanner types it on the Kazakh
// layout, where most digits arrive as two-byte letters.
const MaxRawCode = 2048

// Scan is one reading of a badge code, whatever came of it. Every scan is
// kept, with its original time and device.
type Scan struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	Day       string    `json:"day"` // event-local date of At
	DeviceID  string    `json:"device_id"`
	Raw       string    `json:"raw"`  // what was typed, cut to MaxRawCode bytes
	Code      string    `json:"code"` // the canonical code, "" when malformed
	VisitorID string    `json:"visitor_id,omitempty"`
	Decision  Decision  `json:"decision"`
	Reason    string    `json:"reason,omitempty"`
	Late      bool      `json:"late,omitempty"` // entered afterwards with an explicit time
	Created   time.Time `json:"created"`

	// Filled when read back, not stored with the scan.
	VisitorName string      `json:"name,omitempty"`
	VisitorType VisitorType `json:"type,omitempty"`
	DeviceName  string      `json:"device_name,omitempty"`
	// First is the admitting scan of the same day, for duplicates.
	First *Scan `json:"first,omitempty"`
	// BadgeConsents are the consent records this scan copied from the
	// badge (see BadgeConsents), for a visitor this laptop held no such
	// decisions of.
	BadgeConsents []Consent `json:"badge_consents,omitempty"`
}

// CheckinFacts is what the store knows when a code arrives; Decide turns it
// into a decision without touching the store.
type CheckinFacts struct {
	Code    string   // canonical code, "" when the input was malformed
	Invalid string   // why a well-formed badge was refused (Reason…), "" if it was not
	Visitor *Visitor // nil when no visitor has the code
	// FirstToday is the visitor's admitting scan on the event-local day of the
	// new scan, nil if there is none.
	FirstToday *Scan
}

// Decide applies the check-in rule: admitted the first time on an event-local
// day, duplicate after that, rejected with a reason when the code is
// malformed, unknown or belongs to an erased visitor.
func Decide(f CheckinFacts) (Decision, string) {
	switch {
	case f.Code == "":
		return Rejected, ReasonMalformed
	case f.Invalid != "":
		return Rejected, f.Invalid
	case f.Visitor == nil:
		return Rejected, ReasonUnknown
	case f.Visitor.Erased:
		return Rejected, ReasonErased
	case f.FirstToday != nil:
		return Duplicate, ""
	}
	return Admitted, ""
}

// IsDoubleSend reports whether a scan of code at t repeats prev, the latest
// scan on the same device, closely enough to be the same physical scan;
// window is how close counts as the same scan.
func IsDoubleSend(prev *Scan, code, raw string, t time.Time, window time.Duration) bool {
	if prev == nil {
		return false
	}
	same := prev.Raw == raw || (code != "" && prev.Code == code)
	d := t.Sub(prev.At)
	return same && d >= 0 && d < window
}

// SplitScannerInput splits what a scanner typed into codes: Enter or Tab end
// a code, and a code sent twice in a row counts once.
func SplitScannerInput(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' || r == '\t' }) {
		f = strings.TrimSpace(f)
		if f != "" && (len(out) == 0 || out[len(out)-1] != f) {
			out = append(out, f)
		}
	}
	return out
}

// ReasonText is the sentence shown for a rejection reason.
func ReasonText(reason string) string {
	switch reason {
	case ReasonMalformed:
		return "This is not a badge code of this event."
	case ReasonUnknown:
		return "No visitor has this badge code."
	case ReasonErased:
		return "This visitor's data was erased at their request."
	case ReasonOtherEvent:
		return "This badge belongs to another event."
	case ReasonForged:
		return "This badge is not genuine: its code does not match the event's keys."
	case ReasonDamaged:
		return "This badge code has a wrong digit; scan it again or type the visitor number."
	case ReasonRevoked:
		return "This badge was issued by a laptop whose key was revoked; register the visitor again."
	case ReasonNoKeys:
		return "This laptop has no badge keys yet; join the event first."
	}
	return reason
}

// Counts are the desk's counters for one event-local day.
type Counts struct {
	Day      string `json:"day"`
	Unique   int    `json:"unique"`   // visitors admitted that day
	Scans    int    `json:"scans"`    // every scan that day
	Rejected int    `json:"rejected"` // rejected scans that day
}

// CheckinRequest is one code as it arrived.
type CheckinRequest struct {
	Raw string
	// At is when the scan happened; zero means now. Late marks a time given
	// explicitly, for scans written on paper and entered afterwards.
	At   time.Time
	Late bool
	// Window makes identical codes from this device closer than it one scan
	// (use DoubleSendWindow for scanners and cameras); zero turns it off, as
	// for a deliberate command-line check-in.
	Window time.Duration
}

// CheckinService records scans.
type CheckinService interface {
	// Checkin decides on one code and stores the scan; the returned scan is
	// committed when Checkin returns. A double send returns the earlier scan
	// and stores nothing.
	Checkin(ctx context.Context, req CheckinRequest) (*Scan, error)
	// RecentScans returns the latest n scans of this device, newest first.
	RecentScans(ctx context.Context, n int) ([]Scan, error)
	// DayCounts returns the counters for an event-local day (YYYY-MM-DD).
	DayCounts(ctx context.Context, day string) (Counts, error)
}

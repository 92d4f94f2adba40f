package booth

import (
	"crypto/rand"
	"time"

	"github.com/google/uuid"
)

// The consent part of a badge (badge.go's doc comment says why it travels
// and how it is laid out): the consents a doctor's laptop needs to record a
// consultation for a visitor it never heard of.

// BadgeConsents are the consents a badge carries: the visitor's decisions as
// the issuing laptop held them when it printed the badge. Only consents given
// travel; a purpose refused, withdrawn or never asked is left out, so a badge
// never withdraws anything a laptop holds.
type BadgeConsents struct {
	Health   bool // consent to health information
	Transfer bool // consent to transfer abroad
	// Share has bit i set for provision to the i-th of the event's hospitals,
	// in the order every laptop of the event knows from the event package
	// (badge.go says which); at most MaxBadgeHospitals of them.
	Share uint64
	// At is the stated time, to the minute: no later than any decision
	// carried, so that any later decision about the same purpose, wherever
	// it was recorded, wins over the copies a scan makes.
	At time.Time
}

// MaxBadgeHospitals is how many of the event's hospitals a badge can name;
// sharing with any further one is not carried.
const MaxBadgeHospitals = 56

// BadgeTextVersion is the text version of a consent record copied from a
// badge: the badge says what was decided and when, not which text was read.
const BadgeTextVersion = "badge"

// The consent part: the purposes carried, seven bits a byte, the high bit
// of a byte saying another follows (bit 0 health, bit 1 transfer, bit 2+i
// the i-th hospital; no byte after the last bit set), then the stated time
// in minutes since badgeEpoch (3 bytes, big-endian). Health, transfer and
// one of the first five hospitals take 4 bytes, one of the first twelve 5.
const (
	consentHealth   = 1 << 0
	consentTransfer = 1 << 1
	consentShare    = 2 // bit of hospital 0
	consentMore     = 0x80
	consentTimeLen  = 3
	maxBadgeMinutes = 1<<24 - 1 // 31 years of minutes
)

// badgeEpoch is where a badge's stated time counts from. A fixed epoch, not
// the visitor id's own time or the event's start: demo ids carry no time,
// consents given at pre-registration precede the id, and an event's dates
// can be edited, while the stated time must never move.
var badgeEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// BadgeConsentsOf returns what a badge printed now carries of a visitor's
// consent records cs, hospitals being the event's hospitals in order; nil
// when there is nothing to carry.
func BadgeConsentsOf(cs []Consent, hospitals []string) *BadgeConsents {
	var b BadgeConsents
	carry := func(p Purpose, org string) bool {
		c := LatestConsent(cs, p, org)
		if c == nil || !c.Granted {
			return false
		}
		if b.At.IsZero() || c.At.Before(b.At) {
			b.At = c.At
		}
		return true
	}
	b.Health = carry(PurposeHealth, "")
	b.Transfer = carry(PurposeTransfer, "")
	for i, h := range hospitals {
		if i < MaxBadgeHospitals && carry(PurposeProvision, h) {
			b.Share |= 1 << i
		}
	}
	return b.canonical()
}

// canonical returns b as a badge states it (the time cut to the minute, at
// most MaxBadgeHospitals), or nil when there is nothing to carry or its
// time is before the epoch.
func (b *BadgeConsents) canonical() *BadgeConsents {
	if b == nil {
		return nil
	}
	c := *b
	c.Share &= 1<<MaxBadgeHospitals - 1
	if (!c.Health && !c.Transfer && c.Share == 0) || c.At.Before(badgeEpoch) {
		return nil
	}
	// Cut, never rounded up: the stated time stays no later than the
	// decisions it copies.
	m := min(int64(c.At.Sub(badgeEpoch)/time.Minute), maxBadgeMinutes)
	c.At = badgeEpoch.Add(time.Duration(m) * time.Minute)
	return &c
}

// purposes returns the purposes carried as one number (see consentShare).
func (b *BadgeConsents) purposes() uint64 {
	p := b.Share << consentShare
	if b.Health {
		p |= consentHealth
	}
	if b.Transfer {
		p |= consentTransfer
	}
	return p
}

func (b *BadgeConsents) encode() []byte {
	var out []byte
	for p := b.purposes(); ; p >>= 7 {
		if p < consentMore {
			out = append(out, byte(p))
			break
		}
		out = append(out, byte(p)|consentMore)
	}
	m := uint32(b.At.Sub(badgeEpoch) / time.Minute)
	return append(out, byte(m>>16), byte(m>>8), byte(m))
}

// decodeBadgeConsents reads a consent part at the start of p and returns it
// with its length; ok is false for any part encode would not write.
func decodeBadgeConsents(p []byte) (b *BadgeConsents, n int, ok bool) {
	var purposes uint64
	for shift := 0; ; shift += 7 {
		if n >= len(p) || shift >= consentShare+MaxBadgeHospitals {
			return nil, 0, false
		}
		c := p[n]
		n++
		purposes |= uint64(c&^consentMore) << shift
		if c&consentMore == 0 {
			// The last byte holds a purpose, unless it is the only one.
			if c == 0 || purposes>>(consentShare+MaxBadgeHospitals) != 0 {
				return nil, 0, false
			}
			break
		}
	}
	if len(p) < n+consentTimeLen {
		return nil, 0, false
	}
	m := int64(p[n])<<16 | int64(p[n+1])<<8 | int64(p[n+2])
	b = &BadgeConsents{Health: purposes&consentHealth != 0, Transfer: purposes&consentTransfer != 0,
		Share: purposes >> consentShare, At: badgeEpoch.Add(time.Duration(m) * time.Minute)}
	return b, n + consentTimeLen, true
}

// Records returns the consent records a scan of the badge makes for
// visitorID, hospitals being the event's hospitals in the order of Share;
// the caller sets who recorded them and where. Each record is stated at
// b.At, with an id (a UUIDv7) a millisecond before it: any decision
// recorded at a laptop has an id made no earlier than its own time, so
// at an equal time it comes after the copy.
func (b *BadgeConsents) Records(visitorID string, hospitals []string) []Consent {
	if b == nil {
		return nil
	}
	var out []Consent
	add := func(p Purpose, org string) {
		out = append(out, Consent{ID: idBefore(b.At), VisitorID: visitorID, Purpose: p, OrgID: org, Granted: true,
			TextVersion: BadgeTextVersion, At: b.At})
	}
	if b.Health {
		add(PurposeHealth, "")
	}
	if b.Transfer {
		add(PurposeTransfer, "")
	}
	for i, h := range hospitals {
		if i < MaxBadgeHospitals && b.Share&(1<<i) != 0 {
			add(PurposeProvision, h)
		}
	}
	return out
}

// idBefore returns a new UUIDv7 whose time is a millisecond before t.
func idBefore(t time.Time) string {
	var u uuid.UUID
	rand.Read(u[6:])
	ms := t.UnixMilli() - 1
	for i := 5; i >= 0; i-- {
		u[i] = byte(ms)
		ms >>= 8
	}
	u[6] = 0x70 | u[6]&0x0f
	u[8] = 0x80 | u[8]&0x3f
	return u.String()
}

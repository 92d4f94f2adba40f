package booth

import (
	"crypto/rand"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// NewID returns a new globally unique, time-ordered id (UUIDv7). Ids are made
// on the laptop, so records from many laptops merge at HQ without collisions.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// TimeFormat is how every time is stored: UTC, fixed width, so that text order
// is time order.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// FormatTime renders t in UTC in TimeFormat.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime reads a time written by FormatTime.
func ParseTime(s string) (time.Time, error) { return time.Parse(TimeFormat, s) }

// Clock tells the time; tests replace it.
type Clock func() time.Time

// Now is the clock used when none is given.
func Now() time.Time { return time.Now().UTC() }

// Visitor ids are UUIDv7 too, but of a short kind that a badge carries in 8
// bytes instead of 16: a 48-bit millisecond time and 16 random bits, with
// the rest of the UUID fixed (compactMark). Within a process no two ids
// share a millisecond: an id made in a millisecond already used takes the
// next one, so a bulk import of 10,000 visitors runs 10 s ahead of the clock
// and never collides with itself. Two laptops would have to use the same
// millisecond and draw the same 16 bits; the store draws again when an id is
// taken all the same. Ids of other shapes (made before, or by hand) stay
// valid; their badges carry all 16 bytes.
var compactMark = [7]byte{0x6d, 0x62, 0x76, 0x69, 0x64, 0x00, 0x01}

// lastVisitorMilli is the millisecond of the last id NewVisitorID made.
var lastVisitorMilli atomic.Int64

// NewVisitorID returns a new visitor id of the short kind.
func NewVisitorID() string {
	var b [8]byte
	var ms int64
	for {
		last := lastVisitorMilli.Load()
		ms = max(time.Now().UnixMilli(), last+1)
		if lastVisitorMilli.CompareAndSwap(last, ms) {
			break
		}
	}
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	rand.Read(b[6:])
	return CompactVisitorID(b)
}

// CompactVisitorID returns the visitor id whose short form is b.
func CompactVisitorID(b [8]byte) string {
	var u uuid.UUID
	copy(u[:6], b[:6])
	u[6] = 0x70 | b[6]>>4
	u[7] = b[6]<<4 | b[7]>>4
	u[8] = 0x80 | b[7]&0x0f
	copy(u[9:], compactMark[:])
	return u.String()
}

// shortVisitorID returns the 8 bytes of a visitor id of the short kind, and
// false for any other id.
func shortVisitorID(u uuid.UUID) (b [8]byte, ok bool) {
	if u[6]>>4 != 7 || u[8]&0xf0 != 0x80 || [7]byte(u[9:]) != compactMark {
		return b, false
	}
	copy(b[:6], u[:6])
	b[6] = u[6]<<4 | u[7]>>4
	b[7] = u[7]<<4 | u[8]&0x0f
	return b, true
}

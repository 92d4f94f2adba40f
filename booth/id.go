package booth

import (
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

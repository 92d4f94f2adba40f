package booth

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Event is one fair: every laptop of the booth belongs to exactly one event.
type Event struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	City     string    `json:"city"`
	Country  string    `json:"country"` // ISO 3166-1 alpha-2, upper case
	Start    string    `json:"start"`   // YYYY-MM-DD, event-local
	End      string    `json:"end"`     // YYYY-MM-DD, event-local, inclusive
	TimeZone string    `json:"tz"`      // IANA zone, e.g. Asia/Almaty
	Created  time.Time `json:"created"`
	DeviceID string    `json:"device_id"`
}

var countryRe = regexp.MustCompile(`^[A-Z]{2}$`)

// Normalize trims fields and upper-cases the country.
func (e *Event) Normalize() {
	e.Name = strings.TrimSpace(e.Name)
	e.City = strings.TrimSpace(e.City)
	e.Country = strings.ToUpper(strings.TrimSpace(e.Country))
	e.TimeZone = strings.TrimSpace(e.TimeZone)
	if e.TimeZone == "" {
		e.TimeZone = "Asia/Almaty"
	}
}

// Validate checks an event before it is stored.
func (e *Event) Validate() error {
	if e.Name == "" {
		return Errorf(EINVALID, "The event needs a name.")
	} else if e.City == "" {
		return Errorf(EINVALID, "The event needs a city.")
	} else if !countryRe.MatchString(e.Country) {
		return Errorf(EINVALID, "The country %q is not a two-letter country code such as KZ.", e.Country)
	}
	start, err := time.Parse(time.DateOnly, e.Start)
	if err != nil {
		return Errorf(EINVALID, "The start date %q is not a date written as YYYY-MM-DD.", e.Start)
	}
	end, err := time.Parse(time.DateOnly, e.End)
	if err != nil {
		return Errorf(EINVALID, "The end date %q is not a date written as YYYY-MM-DD.", e.End)
	} else if end.Before(start) {
		return Errorf(EINVALID, "The event ends (%s) before it starts (%s).", e.End, e.Start)
	} else if end.Sub(start) > 31*24*time.Hour {
		return Errorf(EINVALID, "The event lasts more than a month; check the dates.")
	}
	if _, err := time.LoadLocation(e.TimeZone); err != nil {
		return Errorf(EINVALID, "The time zone %q is unknown; use a name such as Asia/Almaty.", e.TimeZone)
	}
	return nil
}

// Location returns the event's time zone (UTC if it cannot be loaded).
func (e *Event) Location() *time.Location {
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// LocalDay returns the event-local date of t as YYYY-MM-DD.
func (e *Event) LocalDay(t time.Time) string {
	return t.In(e.Location()).Format(time.DateOnly)
}

// EventService keeps the event this data directory belongs to.
type EventService interface {
	// Event returns the event, or ENOTFOUND when none was set up yet.
	Event(ctx context.Context) (*Event, error)
	// CreateEvent stores the event. ECONFLICT when the data directory already
	// belongs to an event; EINVALID when the event does not validate.
	CreateEvent(ctx context.Context, e *Event) error
}

// Device is one laptop (or the HQ machine).
type Device struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

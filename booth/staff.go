package booth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// Role is what a staff member does at the booth; it decides what they may do.
type Role string

// Staff roles.
const (
	RoleDesk        Role = "desk"        // checks visitors in, registers walk-ins, prints badges
	RoleDoctor      Role = "doctor"      // consults patients for one hospital
	RoleCoordinator Role = "coordinator" // coordinates one hospital's patients and follow-up
	RoleAdmin       Role = "admin"       // sets the laptop up, manages staff, leaves the kiosk
)

// Roles lists the roles in the order the screens offer them.
var Roles = []Role{RoleDesk, RoleDoctor, RoleCoordinator, RoleAdmin}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	for _, x := range Roles {
		if r == x {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "The role %q is not one of desk, doctor, coordinator or admin.", s)
}

// OfHospital reports whether the role belongs to one hospital.
func (r Role) OfHospital() bool { return r == RoleDoctor || r == RoleCoordinator }

// Action is something only some roles may do.
type Action string

// Actions that depend on the role.
const (
	ActCheckin   Action = "checkin"    // scan badges, search visitors
	ActRegister  Action = "register"   // register walk-ins, print badges, edit visitors
	ActKiosk     Action = "kiosk"      // turn this laptop into the visitors' kiosk
	ActExitKiosk Action = "exit-kiosk" // leave the kiosk
	ActErase     Action = "erase"      // erase a visitor on their request
	ActSettings  Action = "settings"   // change this laptop's settings
	ActStaff     Action = "staff"      // add staff, reset PINs
	ActConsult   Action = "consult"    // write consultation notes for one's hospital
	ActImport    Action = "import"     // import pre-registered visitors
	ActSync      Action = "sync"       // send this laptop's data to HQ, import bundles
	ActPurge     Action = "purge"      // purge personal data HQ has confirmed
	ActDashboard Action = "dashboard"  // see the booth's live figures
	ActReport    Action = "report"     // write reports and lead files (a coordinator: their hospital's)
)

// May reports whether the role may do a.
func (r Role) May(a Action) bool {
	switch a {
	case ActCheckin, ActRegister, ActDashboard:
		return true
	case ActReport:
		return r == RoleAdmin || r == RoleCoordinator
	case ActKiosk:
		return r == RoleDesk || r == RoleAdmin
	case ActConsult:
		return r.OfHospital()
	default: // exit kiosk, erase, settings, staff, import, sync, purge
		return r == RoleAdmin
	}
}

// Staff is one person who signs in at this event's laptops.
type Staff struct {
	ID       string `json:"id"`
	OrgID    string `json:"org_id,omitempty"` // the hospital of a doctor or coordinator
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled,omitempty"`
	Device   string `json:"device_id"` // the laptop that added them
	HasPIN   bool   `json:"has_pin,omitempty"`
}

// Normalize trims the fields and checks them: a name, a known role, and a
// hospital for exactly the roles that belong to one.
func (s *Staff) Normalize() error {
	s.Name = strings.Join(strings.Fields(s.Name), " ")
	s.OrgID = strings.TrimSpace(s.OrgID)
	if s.Name == "" {
		return Errorf(EINVALID, "A staff member needs a name.")
	}
	if _, err := ParseRole(string(s.Role)); err != nil {
		return err
	}
	if s.Role.OfHospital() && s.OrgID == "" {
		return Errorf(EINVALID, "A doctor or coordinator belongs to a hospital; choose it.")
	}
	if !s.Role.OfHospital() {
		s.OrgID = ""
	}
	return nil
}

// PIN lengths. A PIN only unlocks the screen: it is short so staff type it
// quickly, and never what protects a hospital's notes.
const (
	MinPINLen = 4
	MaxPINLen = 12
)

// CheckPINRules says in one sentence what is wrong with a new PIN: it must be
// MinPINLen to MaxPINLen digits, not one digit repeated and not a run such
// as 1234 or 9876.
func CheckPINRules(pin string) error {
	if len(pin) < MinPINLen || len(pin) > MaxPINLen {
		return Errorf(EINVALID, "A PIN has 4 to 12 digits.")
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return Errorf(EINVALID, "A PIN has digits only.")
		}
	}
	same, up, down := true, true, true
	for i := 1; i < len(pin); i++ {
		d := int(pin[i]) - int(pin[i-1])
		same = same && d == 0
		up = up && (d == 1 || d == -9)
		down = down && (d == -1 || d == 9)
	}
	if same || up || down {
		return Errorf(EINVALID, "This PIN is too easy to guess; avoid repeated digits and runs like 1234.")
	}
	return nil
}

// LooksLikeScan reports whether text typed into a PIN field is a badge or a
// visitor number a scanner typed rather than a PIN: it is longer than any
// PIN could be. Such input is not counted as a wrong PIN.
func LooksLikeScan(text string) bool {
	n := 0
	for _, r := range text {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n > MaxPINLen
}

// PINCost is the argon2id cost new PIN hashes are made with. The cost is
// written into each hash, so changing it never locks anyone out.
type PINCost struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultPINCost takes about a tenth of a second on a booth laptop.
var DefaultPINCost = PINCost{Time: 2, Memory: 64 * 1024, Threads: 2}

// HashPIN hashes pin with argon2id and a random salt, in the PHC string
// format ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
func HashPIN(pin string, cost PINCost) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	sum := argon2.IDKey([]byte(pin), salt, cost.Time, cost.Memory, cost.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, cost.Memory, cost.Time, cost.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(sum)), nil
}

// maxPINCost bounds the cost read from a stored hash, so a crafted hash in
// an event package cannot make a sign-in eat the laptop's memory.
var maxPINCost = PINCost{Time: 16, Memory: 1024 * 1024, Threads: 16}

// CheckPIN reports whether pin matches hash, made by HashPIN. A malformed
// hash matches nothing.
func CheckPIN(hash, pin string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var c PINCost
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &c.Memory, &c.Time, &c.Threads); err != nil {
		return false
	}
	if c.Time == 0 || c.Threads == 0 || c.Memory < 8*uint32(c.Threads) ||
		c.Time > maxPINCost.Time || c.Memory > maxPINCost.Memory || c.Threads > maxPINCost.Threads {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pin), salt, c.Time, c.Memory, c.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Sign-in lockout: after MaxPINTries wrong PINs in a row a staff member
// waits, longer after each further wrong PIN, up to an hour.
const (
	MaxPINTries   = 5
	firstLockout  = time.Minute
	longestLockup = time.Hour
)

// LockoutAfter is how long a staff member waits after failed wrong PINs in
// a row: nothing below MaxPINTries, then one minute, doubling with each
// further wrong PIN, at most an hour.
func LockoutAfter(failed int) time.Duration {
	if failed < MaxPINTries {
		return 0
	}
	d := firstLockout
	for i := MaxPINTries; i < failed && d < longestLockup; i++ {
		d *= 2
	}
	return min(d, longestLockup)
}

// SignInError says why a sign-in failed: a wrong PIN with the tries left
// before a lockout, or a lockout with the time it ends.
type SignInError struct {
	TriesLeft   int       // wrong PINs still allowed before a lockout
	LockedUntil time.Time // zero unless locked out
}

func (e *SignInError) Error() string {
	if !e.LockedUntil.IsZero() {
		return "too many wrong PINs; locked until " + e.LockedUntil.Format(time.RFC3339)
	}
	return fmt.Sprintf("wrong PIN; %d tries left", e.TriesLeft)
}

type staffKey struct{}

// WithStaff returns a context that says s is signed in: the store records s
// as the staff member on what is written through it (consents, scans).
func WithStaff(ctx context.Context, s *Staff) context.Context {
	return context.WithValue(ctx, staffKey{}, s)
}

// StaffFrom returns the staff member signed in on ctx, or nil.
func StaffFrom(ctx context.Context) *Staff {
	s, _ := ctx.Value(staffKey{}).(*Staff)
	return s
}

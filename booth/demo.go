package booth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The demo event is modelled on a real two-day, Seoul-organised health
// consultation in Almaty: 197 participants, 77 patients consulted by 5 doctors
// of 4 Seoul hospitals, and a B2B travel mart where 12 Seoul firms met Kazakh
// travel agencies. Apart from the four hospitals, every organisation, person,
// phone number and address in it is invented.
//
//go:embed demo/almaty.json
var demoJSON []byte

// DemoNamespace is the namespace of the name-based (SHA-1) UUIDs of the demo
// records, so loading the demo twice gives the same ids.
const DemoNamespace = "abd1008f-cd96-431f-9dec-4dae4c821325"

// DemoDeviceID is HQ's laptop, which set the demo event up and registered
// the visitors who came forward before the fair; it is the name-based UUID
// of "device:Demo laptop" in DemoNamespace. The fair itself was recorded on
// the desk and doctors' laptops of demofair.go.
const DemoDeviceID = "4dd3c8b0-ac36-5cf8-a21e-aa489cfc066d"

// DemoDeviceName is the name of the demo device.
const DemoDeviceName = "Demo laptop"

// DemoTextVersion is the version of the consent texts the demo visitors saw.
const DemoTextVersion = "2026-1"

// Demo is the embedded demo event.
type Demo struct {
	Event Event `json:"event"`
	Orgs  []Org `json:"orgs"` // with Departments
	// NotesKeys are the demo hospitals' private notes keys, by org id:
	// published demo keys, wrapped with DemoPassphrase when loaded.
	NotesKeys map[string]string `json:"-"`
	Staff     []Staff           `json:"staff"`
	Visitors  []Visitor         `json:"visitors"`
	Consents  []Consent         `json:"consents"`

	// The fair as it happened (demofair.go): the two laptops it was
	// recorded on, every scan, the consultations with their notes sealed
	// to their hospitals, and the travel mart's meetings. Notes holds the
	// notes in clear, by consultation id, to check them by.
	Devices       []Device               `json:"devices"`
	Scans         []Scan                 `json:"scans"`
	Consultations []Consultation         `json:"consultations"`
	Notes         map[string]NoteContent `json:"-"`
	Meetings      []Meeting              `json:"meetings"`
}

// demoFile is the shape of demo/almaty.json: readable by people, without the
// ids, codes and derived fields LoadDemo fills in.
type demoFile struct {
	About    string        `json:"about"`
	Event    Event         `json:"event"`
	Orgs     []demoOrg     `json:"orgs"`
	Staff    []demoStaff   `json:"staff"`
	Visitors []demoVisitor `json:"visitors"`
}

type demoOrg struct {
	ID          string   `json:"id"`
	Kind        OrgKind  `json:"kind"`
	Name        string   `json:"name"`
	Note        string   `json:"note"` // what the firm is; not stored
	Departments []string `json:"departments"`
	// Complaints lists each department's complaint categories.
	Complaints map[string][]string `json:"complaints"`
	NotesKey   string              `json:"notes_key"` // a hospital's demo notes key
}

type demoStaff struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
	Org  string `json:"org"` // name or id of the organisation
}

type demoVisitor struct {
	Visitor
	Consent   []Purpose `json:"consent"`   // purposes granted, provision aside
	Provision []string  `json:"provision"` // hospitals (name or id) the data may go to
}

var demoNS = uuid.MustParse(DemoNamespace)

// demoID returns the name-based UUID of key in DemoNamespace.
func demoID(key string) string {
	return uuid.NewSHA1(demoNS, []byte(key)).String()
}

// demoVisitorID returns the visitor id of key: of the short kind
// (NewVisitorID), its 8 bytes from the name-based UUID of key.
func demoVisitorID(key string) string {
	u := uuid.NewSHA1(demoNS, []byte(key))
	return CompactVisitorID([8]byte(u[:8]))
}

// demoTextHash is the hex SHA-256 of the demo consent text for purpose in lang.
func demoTextHash(p Purpose, lang string) string {
	sum := sha256.Sum256([]byte("demo consent text " + string(p) + " " + lang))
	return hex.EncodeToString(sum[:])
}

// LoadDemo parses the embedded demo event, fills in ids, badge codes and the
// derived fields, and validates everything. Every call returns the same
// records, so loading the demo twice is idempotent.
func LoadDemo() (*Demo, error) {
	d, err := parseDemo()
	if err != nil {
		return nil, err
	}
	return d, sealDemoNotes(d)
}

// parseDemo is LoadDemo but for the sealed notes.
func parseDemo() (*Demo, error) {
	var f demoFile
	dec := json.NewDecoder(bytes.NewReader(demoJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, demoErr("cannot be read: %v", err)
	}
	d := &Demo{Event: f.Event}
	ids := map[string]string{} // id -> what has it
	claim := func(id, what string) error {
		if _, err := uuid.Parse(id); err != nil {
			return demoErr("%s has the id %q, which is not a UUID", what, id)
		} else if other, ok := ids[id]; ok {
			return demoErr("%s and %s have the same id %s", what, other, id)
		}
		ids[id] = what
		return nil
	}

	// The event.
	e := &d.Event
	e.Normalize()
	if e.ID == "" {
		e.ID = demoID("event:" + e.Name)
	}
	if e.DeviceID == "" {
		e.DeviceID = DemoDeviceID
	}
	if err := e.Validate(); err != nil {
		return nil, demoErr("the event: %s", ErrorMessage(err))
	} else if e.Created.IsZero() {
		return nil, demoErr("the event has no creation time")
	} else if err := claim(e.ID, "the event"); err != nil {
		return nil, err
	}
	e.Created = e.Created.UTC()
	loc := e.Location()
	end, _ := time.ParseInLocation(time.DateOnly, e.End, loc)
	end = end.AddDate(0, 0, 1) // the end date is inclusive

	// Organisations and their departments.
	orgs := map[string]*Org{} // by id and by lower-case name
	for _, fo := range f.Orgs {
		o := Org{ID: fo.ID, Kind: fo.Kind, Name: strings.TrimSpace(fo.Name), Created: e.Created, DeviceID: DemoDeviceID}
		if o.ID == "" {
			o.ID = demoID("org:" + o.Name)
		}
		for _, dn := range fo.Departments {
			dn = strings.TrimSpace(dn)
			o.Departments = append(o.Departments, Department{ID: demoID("dept:" + o.Name + "/" + dn), OrgID: o.ID, Name: dn,
				Complaints: fo.Complaints[dn]})
		}
		for dn := range fo.Complaints {
			if !slices.Contains(fo.Departments, dn) {
				return nil, demoErr("the organisation %q lists complaints of %q, not one of its departments", fo.Name, dn)
			}
		}
		if fo.NotesKey != "" {
			if o.Kind != OrgHospital {
				return nil, demoErr("the organisation %q has a notes key but is not a hospital", fo.Name)
			}
			if d.NotesKeys == nil {
				d.NotesKeys = map[string]string{}
			}
			d.NotesKeys[o.ID] = fo.NotesKey
		}
		if err := o.Validate(); err != nil {
			return nil, demoErr("the organisation %q: %s", fo.Name, ErrorMessage(err))
		} else if _, ok := orgs[strings.ToLower(o.Name)]; ok {
			return nil, demoErr("the organisation %q is listed twice", o.Name)
		} else if err := claim(o.ID, "the organisation "+o.Name); err != nil {
			return nil, err
		}
		for _, dep := range o.Departments {
			if err := claim(dep.ID, "the department "+dep.Name+" of "+o.Name); err != nil {
				return nil, err
			}
		}
		d.Orgs = append(d.Orgs, o)
	}
	for i := range d.Orgs {
		o := &d.Orgs[i]
		orgs[o.ID] = o
		orgs[strings.ToLower(o.Name)] = o
	}
	findOrg := func(s string) *Org { return orgs[strings.ToLower(strings.TrimSpace(s))] }

	// Staff.
	for _, fs := range f.Staff {
		s := Staff{ID: fs.ID, Name: strings.TrimSpace(fs.Name), Role: fs.Role, Device: DemoDeviceID}
		if s.ID == "" {
			s.ID = demoID("staff:" + s.Name)
		}
		if s.Name == "" {
			return nil, demoErr("a staff member has no name")
		}
		switch s.Role {
		case RoleDesk, RoleAdmin:
			if fs.Org != "" {
				return nil, demoErr("the %s %q belongs to no organisation", s.Role, s.Name)
			}
		case RoleDoctor, RoleCoordinator:
			o := findOrg(fs.Org)
			if o == nil || o.Kind != OrgHospital {
				return nil, demoErr("the %s %q needs a hospital of the demo, not %q", s.Role, s.Name, fs.Org)
			}
			s.OrgID = o.ID
		default:
			return nil, demoErr("the staff member %q has the unknown role %q", s.Name, s.Role)
		}
		if err := claim(s.ID, "the staff member "+s.Name); err != nil {
			return nil, err
		}
		d.Staff = append(d.Staff, s)
	}

	// Visitors and their consents.
	phones := map[string]string{}
	codes := map[string]string{}
	for _, fv := range f.Visitors {
		v := fv.Visitor
		v.Normalize()
		what := fmt.Sprintf("the visitor %q", v.Name)
		if err := v.Validate(); err != nil {
			return nil, demoErr("%s: %s", what, ErrorMessage(err))
		}
		// The visitor number comes from the name-based id, as it always
		// has; the id itself is of the short kind badges carry in 8 bytes.
		codeSeed := v.ID
		if v.ID == "" {
			key := "visitor:" + v.Name + "|" + v.Phone + "|" + v.Email
			codeSeed = demoID(key)
			v.ID = demoVisitorID(key)
		}
		if err := claim(v.ID, what); err != nil {
			return nil, err
		}
		if v.Phone != "" {
			if other, ok := phones[v.Phone]; ok {
				return nil, demoErr("%s and %s have the same phone %s", what, other, v.Phone)
			}
			phones[v.Phone] = what
		}
		if v.Created.IsZero() {
			return nil, demoErr("%s has no registration time", what)
		} else if !v.Created.Before(end) {
			return nil, demoErr("%s registered after the event", what)
		}
		v.Created = v.Created.UTC()
		if v.Updated.IsZero() {
			v.Updated = v.Created
		}
		v.Updated = v.Updated.UTC()
		if v.DeviceID == "" {
			// HQ registered the visitors who came forward before the
			// fair; the desk, the walk-ins.
			v.DeviceID = DemoDeviceID
			if v.Source == SourceWalkIn {
				v.DeviceID = DemoDeskID
			}
		}
		if v.Code == "" {
			v.Code = demoCode(codeSeed, codes)
		} else if c, err := ParseCode(v.Code); err != nil || c != v.Code {
			return nil, demoErr("%s has the malformed badge code %q", what, v.Code)
		}
		if other, ok := codes[v.Code]; ok {
			return nil, demoErr("%s and %s have the same badge code %s", what, other, v.Code)
		}
		codes[v.Code] = what
		d.Visitors = append(d.Visitors, v)

		consent := func(p Purpose, orgID string) error {
			c := Consent{
				ID:          demoID("consent:" + v.ID + "/" + string(p) + "/" + orgID),
				VisitorID:   v.ID,
				Purpose:     p,
				OrgID:       orgID,
				Granted:     true,
				TextVersion: DemoTextVersion,
				TextHash:    demoTextHash(p, v.Lang),
				Lang:        v.Lang,
				At:          v.Created,
				DeviceID:    v.DeviceID,
			}
			if err := claim(c.ID, fmt.Sprintf("the %s consent of %s", p, what)); err != nil {
				return err
			}
			d.Consents = append(d.Consents, c)
			return nil
		}
		seen := map[Purpose]bool{}
		for _, p := range fv.Consent {
			switch p {
			case PurposeContact, PurposeTransfer, PurposeMarketing:
			case PurposeHealth:
				if v.Type != TypePatient {
					return nil, demoErr("%s is no patient but consents to health data", what)
				}
			default:
				return nil, demoErr("%s has the unknown consent %q (provision goes in \"provision\")", what, p)
			}
			if seen[p] {
				return nil, demoErr("%s consents to %s twice", what, p)
			}
			seen[p] = true
			if err := consent(p, ""); err != nil {
				return nil, err
			}
		}
		if !seen[PurposeContact] {
			return nil, demoErr("%s has no contact consent", what)
		}
		if len(fv.Provision) > 0 && !(seen[PurposeHealth] && seen[PurposeTransfer]) {
			return nil, demoErr("%s consents to provision without health and transfer", what)
		}
		for _, h := range fv.Provision {
			o := findOrg(h)
			if o == nil || o.Kind != OrgHospital {
				return nil, demoErr("%s consents to provision to %q, which is no hospital of the demo", what, h)
			}
			if err := consent(PurposeProvision, o.ID); err != nil {
				return nil, err
			}
		}
	}
	if err := planDemoFair(d); err != nil {
		return nil, err
	}
	return d, nil
}

// demoErr reports a broken demo file: a bug, so EINTERNAL.
func demoErr(format string, args ...any) *Error {
	msg := strings.TrimRight(fmt.Sprintf(format, args...), ".")
	return Errorf(EINTERNAL, "The demo event is broken: %s.", msg)
}

// demoCode returns the badge code of the demo visitor with the given id, in
// the format of NewCode: "1", eleven digits taken from the id's bytes instead
// of random ones, and the Damm check digit (damm is in code.go). In the
// unlikely case that the code is taken, the digits come from a hash of the id
// and a counter instead.
func demoCode(id string, taken map[string]string) string {
	u := uuid.MustParse(id)
	for n := 0; ; n++ {
		if n > 0 {
			u = uuid.NewSHA1(demoNS, []byte(fmt.Sprintf("code:%s:%d", id, n)))
		}
		s := fmt.Sprintf("1%011d", binary.BigEndian.Uint64(u[:8])%100_000_000_000)
		s += strconv.Itoa(int(damm(s)))
		if _, ok := taken[s]; !ok {
			return s
		}
	}
}

// DemoEventKeys are the badge keys of the demo event. They are derived from
// fixed text, so every laptop that loads the demo belongs to the same event
// and admits the others' badges; being public, they are for practice only.
func DemoEventKeys() (ed25519.PrivateKey, EventKeys) {
	seed := sha256.Sum256([]byte("medibooth demo event root key"))
	seal := sha256.Sum256([]byte("medibooth demo event seal key"))
	root := ed25519.NewKeyFromSeed(seed[:])
	return root, EventKeys{Root: root.Public().(ed25519.PublicKey), Seal: seal[:]}
}

package booth

import (
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func testPackage(t testing.TB) ([]byte, *EventPackage) {
	t.Helper()
	root, keys := NewEventKeys()
	dev := Device{ID: NewID(), Name: "HQ"}
	p := &EventPackage{
		Created: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		Event:   Event{ID: NewID(), Name: "Almaty Health Consultation 2026", City: "Almaty", Country: "KZ", Start: "2026-09-17", End: "2026-09-18", TimeZone: "Asia/Almaty", DeviceID: dev.ID},
		Devices: []Device{dev},
		Keys:    PackageKeys{RootPublic: keys.Root, RootPrivate: root, Seal: keys.Seal},
	}
	org := Org{ID: NewID(), Kind: OrgHospital, Name: "Seoul Clinic", DeviceID: dev.ID}
	org.Departments = []Department{{ID: NewID(), OrgID: org.ID, Name: "Cardiology"}}
	p.Orgs = []Org{org}
	b, err := SealPackage(p, root)
	if err != nil {
		t.Fatal(err)
	}
	return b, p
}

func TestPackageRoundTrip(t *testing.T) {
	b, want := testPackage(t)
	got, err := OpenPackage(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Event.ID != want.Event.ID || len(got.Orgs) != 1 || got.Orgs[0].Departments[0].Name != "Cardiology" ||
		!got.EventKeys().Root.Equal(want.EventKeys().Root) || got.Version != PackageVersion {
		t.Fatalf("got %+v", got)
	}
}

// Every way a package can be wrong is refused with one sentence.
func TestOpenPackageRefuses(t *testing.T) {
	b, p := testPackage(t)
	var f packageFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	resign := func(edit func(*EventPackage), signWithOther bool) []byte {
		c := *p
		c.Orgs = append([]Org(nil), p.Orgs...)
		edit(&c)
		root := ed25519Key(c.Keys.RootPrivate)
		if signWithOther {
			root, _ = NewEventKeys()
		}
		out, err := SealPackage(&c, root)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	edited := f
	edited.Payload = []byte(strings.Replace(string(f.Payload), "Almaty Health", "Astana Health", 1))
	editedBytes, _ := json.Marshal(edited)
	_, otherKeys := NewEventKeys()

	tests := map[string][]byte{
		"empty":                nil,
		"not json":             []byte("PK\x03\x04"),
		"other format":         []byte(`{"format":"something-else"}`),
		"edited payload":       editedBytes,
		"truncated":            b[:len(b)-10],
		"signed by a stranger": resign(func(*EventPackage) {}, true),
		"mismatched keys": resign(func(c *EventPackage) {
			c.Keys.RootPublic = otherKeys.Root
		}, false),
		"newer format":   resign(func(c *EventPackage) { c.Version = PackageVersion + 1 }, false),
		"no event":       resign(func(c *EventPackage) { c.Event = Event{} }, false),
		"unknown device": resign(func(c *EventPackage) { c.Orgs[0].DeviceID = NewID() }, false),
		"bad department": resign(func(c *EventPackage) {
			o := c.Orgs[0]
			o.Departments = []Department{{ID: NewID(), OrgID: NewID(), Name: "X"}}
			c.Orgs[0] = o
		}, false),
		"short seal key": resign(func(c *EventPackage) { c.Keys.Seal = c.Keys.Seal[:16] }, false),
		"too large":      make([]byte, MaxPackageSize+1),
	}
	for name, b := range tests {
		got, err := OpenPackage(b)
		if err == nil {
			t.Errorf("%s: accepted %+v", name, got.Event)
			continue
		}
		if ErrorCode(err) != EINVALID || !strings.HasSuffix(ErrorMessage(err), ".") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzOpenPackage(f *testing.F) {
	b, _ := testPackage(f)
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte(`{"format":"medibooth-event-package","payload":"e30=","signature":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := OpenPackage(b)
		if err == nil && (p.Event.ID == "" || !p.EventKeys().Valid()) {
			t.Fatalf("accepted a package without an event or keys: %+v", p)
		}
	})
}

func ed25519Key(b []byte) ed25519.PrivateKey { return ed25519.PrivateKey(b) }

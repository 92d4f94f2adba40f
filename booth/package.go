package booth

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"time"
)

// An event package is the file HQ makes to set laptops up for an event: the
// event, its organisations, the badge keys, and keys revoked so far. Later
// versions add staff, HQ's encryption recipient and pre-registered visitors
// as new fields of the payload; a reader ignores fields it does not know,
// and refuses a package whose format version is newer than its own.
//
// The file is JSON: the payload, as bytes, and the event root key's signature
// of them. A laptop that joins checks the signature, certifies a badge key of
// its own with the root key and then forgets the root key. The package
// therefore opens the whole event: keep it like a key, on HQ's USB stick,
// and delete copies once the laptops are set up.
const (
	PackageFormat  = "medibooth-event-package"
	PackageVersion = 1
	// MaxPackageSize bounds a package file; pre-registrations of a large fair
	// fit many times over.
	MaxPackageSize = 64 << 20
)

// EventPackage is the payload of an event package.
type EventPackage struct {
	Format  string       `json:"format"`
	Version int          `json:"version"`
	Created time.Time    `json:"created"`
	Event   Event        `json:"event"`
	Devices []Device     `json:"devices"` // the laptops that made the records below
	Orgs    []Org        `json:"orgs"`
	Keys    PackageKeys  `json:"keys"`
	Revoked []RevokedKey `json:"revoked,omitempty"`

	// Added later in version 1: a reader that does not know them ignores them.

	// HQRecipient is the key (age X25519) the laptops encrypt bundles to.
	HQRecipient string `json:"hq_recipient,omitempty"`
	// Staff with their PIN hashes (argon2id): a PIN only unlocks a screen.
	Staff []PackageStaff `json:"staff,omitempty"`
	// HospitalKeys: each hospital's public key for sealed notes and its
	// private key wrapped with the hospital's passphrase.
	HospitalKeys []HospitalKey `json:"hospital_keys,omitempty"`
	// Visitors registered before the fair, with their consent records.
	Visitors []Visitor `json:"visitors,omitempty"`
	Consents []Consent `json:"consents,omitempty"`
	// HQCertPin is the SHA-256 of HQ's server certificate (CertPin): the
	// laptops accept no other when they send bundles to HQ's server.
	HQCertPin string `json:"hq_cert_sha256,omitempty"`
}

// PackageStaff is a staff member as the package carries them.
type PackageStaff struct {
	Staff
	PINHash string `json:"pin_hash,omitempty"`
}

// PackageKeys are the event's badge keys as a package carries them.
type PackageKeys struct {
	RootPublic  []byte `json:"root_public"`
	RootPrivate []byte `json:"root_private"`
	Seal        []byte `json:"seal"`
}

// RevokedKey is a laptop badge key whose badges are refused.
type RevokedKey struct {
	KeyID  string    `json:"key_id"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// packageFile is the file around the payload.
type packageFile struct {
	Format    string `json:"format"`
	Payload   []byte `json:"payload"`   // the EventPackage, as JSON
	Signature []byte `json:"signature"` // by the event's root key
}

// EventKeys returns the keys every laptop of the event holds.
func (p *EventPackage) EventKeys() EventKeys {
	return EventKeys{Root: p.Keys.RootPublic, Seal: p.Keys.Seal}
}

// Root returns the event's root private key.
func (p *EventPackage) Root() ed25519.PrivateKey { return p.Keys.RootPrivate }

// SealPackage signs p with root and returns the file's bytes.
func SealPackage(p *EventPackage, root ed25519.PrivateKey) ([]byte, error) {
	p.Format = PackageFormat
	if p.Version == 0 {
		p.Version = PackageVersion
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(packageFile{Format: PackageFormat, Payload: payload, Signature: ed25519.Sign(root, payload)}, "", "  ")
}

// OpenPackage reads an event package file, checks its signature and keys,
// and returns the payload. Anything else is refused with one sentence.
func OpenPackage(b []byte) (*EventPackage, error) {
	notPkg := Errorf(EINVALID, "This file is not a medibooth event package.")
	if len(b) > MaxPackageSize {
		return nil, Errorf(EINVALID, "This file is too large to be a medibooth event package.")
	}
	var f packageFile
	if err := json.Unmarshal(b, &f); err != nil || f.Format != PackageFormat {
		return nil, notPkg
	}
	var p EventPackage
	if err := json.Unmarshal(f.Payload, &p); err != nil || p.Format != PackageFormat {
		return nil, notPkg
	}
	if p.Version > PackageVersion {
		return nil, Errorf(EINVALID, "This event package was made by a newer medibooth (format %d); update medibooth to join with it.", p.Version)
	} else if p.Version < 1 {
		return nil, notPkg
	}
	k := p.Keys
	if len(k.RootPublic) != ed25519.PublicKeySize || len(k.RootPrivate) != ed25519.PrivateKeySize || len(k.Seal) != 32 {
		return nil, Errorf(EINVALID, "This event package has no usable badge keys; make it again at HQ.")
	}
	if !ed25519.Verify(k.RootPublic, f.Payload, f.Signature) {
		return nil, Errorf(EINVALID, "This event package was changed after it was made (its signature does not match); ask HQ for a new one.")
	}
	if !bytes.Equal(ed25519.PrivateKey(k.RootPrivate).Public().(ed25519.PublicKey), k.RootPublic) {
		return nil, Errorf(EINVALID, "This event package's keys do not belong together; ask HQ for a new one.")
	}
	p.Event.Normalize()
	if err := p.Event.Validate(); err != nil || p.Event.ID == "" {
		return nil, Errorf(EINVALID, "This event package describes no valid event; make it again at HQ.")
	}
	if p.HQCertPin != "" && !ValidPin(p.HQCertPin) {
		return nil, notPkg
	}
	devices := map[string]bool{}
	for _, d := range p.Devices {
		if d.ID == "" {
			return nil, notPkg
		}
		devices[d.ID] = true
	}
	if !devices[p.Event.DeviceID] {
		return nil, notPkg
	}
	for i := range p.Orgs {
		o := &p.Orgs[i]
		if o.ID == "" || !devices[o.DeviceID] || o.Validate() != nil {
			return nil, Errorf(EINVALID, "This event package lists an organisation that is not valid; make it again at HQ.")
		}
		for _, d := range o.Departments {
			if d.ID == "" || d.OrgID != o.ID {
				return nil, Errorf(EINVALID, "This event package lists a department that is not valid; make it again at HQ.")
			}
		}
	}
	for _, r := range p.Revoked {
		if len(r.KeyID) != 16 {
			return nil, notPkg
		}
	}
	return &p, nil
}

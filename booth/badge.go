package booth

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// A badge code is what a visitor's QR holds and what a desk scanner types. It
// must verify offline on every laptop of the event, tell a stranger's phone
// nothing about the visitor, still let any laptop of the event show who it is,
// survive a keyboard-wedge scanner on the Russian or Kazakh layout, and be
// short: a scanner types about 100 digits a second, a cheap one 30, and a
// short code makes a small QR that a webcam reads from further away. A code
// is at most 130 digits (a QR of version 4 at error correction M). Over
// names of 1–25 letters in Cyrillic, Kazakh, Hangul and Latin
// (BenchmarkBadgeKeystrokes) a badge takes 52, 86 and 130 digits (min,
// median, max) when it carries no consents, and 65, 99 and 130 when it
// carries health, transfer and sharing with one of 11 hospitals: the name is
// cut sooner, at a word, to keep to 130.
//
// Consents. Where laptops share no network, a doctor's laptop that never saw
// the registration learns the visitor's consents from the badge: to health
// information, to transfer abroad, and to provision to each of the event's
// hospitals, as the printing laptop held them (BadgeConsents). Only consents
// given travel, so a badge never withdraws anything: a refusal stated on a
// badge could beat a consent given meanwhile at a laptop the printing one
// never heard of. They carry one stated time, the earliest of the decisions
// carried, cut to the minute: never later than a decision it copies, so a
// decision recorded after it anywhere (a withdrawal at the desk after
// printing) wins by the latest-decision rule, at HQ as on the laptop. The time
// counts minutes from a fixed epoch rather than from the visitor id's own
// time: demo ids carry no time, consents given at pre-registration precede the
// id, and the time must not move. The hospitals are a bit each in the order
// every laptop of the event knows from the event package (data's
// eventHospitals: the hospitals set up where the event was created, oldest
// first); a hospital added later comes after the others, so a laptop with an
// older package reads the bits it knows the same way and leaves the rest, and
// a hospital past the 56th is not carried. A scan records them as consent
// records unless a decision of the same purpose at or after the stated time is
// held; each copy's id is a UUIDv7 a millisecond before that time, so at an
// equal time the decision recorded at a laptop stays the latest
// (BadgeConsents.Records). Accepted: a laptop that has not heard of a
// withdrawal made after printing goes by the badge until it does; a
// consultation it records then reaches HQ, whose lead files leave it out as
// they leave out every consultation of a visitor who withdrew.
//
// Keys. The event has a root Ed25519 key and a 32-byte seal key that every
// laptop holds. Every laptop has its own Ed25519 key, certified by the root
// key when it joins; it signs the laptop's bundles and requests. Badges are
// not signed with it (a signature and a certificate alone are 128 bytes):
// a badge is authenticated by a MAC whose key is derived from the seal key and
// the issuing laptop's tag (the first two bytes of its key id), so every
// laptop of the event checks every laptop's badges with what the event
// package gave it.
//
// Threat model. These badges are free admission to a free fair, and the desk
// shows the name of whoever is admitted. What holds:
//   - A stranger's phone reads digits: the visitor's id, type and name are
//     sealed with AES-CTR under a key derived from the seal key.
//   - Nobody without the event's keys can make a badge that passes (a 48-bit
//     MAC, checked online at a desk one scan at a time), nor change one.
//   - A badge of another event is refused as such: its 20-bit event tag
//     differs (one event in a million shares ours; its badges read as forged).
//   - The consents are sealed and under the MAC with the rest: a changed
//     consent is a forged badge.
//   - A lost or stolen laptop is cut off by revoking its key: every badge
//     bearing its laptop tag is refused on the laptops that know of the
//     revocation. Two laptops of an event share a tag with a chance of about
//     n²/131,072 for n laptops; revoking one then refuses the other's badges
//     too, whose visitors are registered again.
//
// What is accepted: whoever holds the seal key (every laptop's database, the
// event package) can mint badges under any laptop tag not revoked, and read
// every badge's name. Such a badge admits its bearer to the fair, as
// registering at the desk would; it opens no health note (those are sealed to
// each hospital's key) and cannot enter a bundle, which the laptop's own
// Ed25519 key signs. It can state consents that a scan then records, as
// that laptop could record them itself. After a theft the event can be
// packaged with a new seal key and badges printed again.
//
// Format 3, as bytes (format 1 is the unsigned 13-digit visitor number of
// code.go; format 2, signed and 470–513 digits long, is no longer read):
//
//	0   3  format (the high 4 bits, 3) and the event tag (20 bits of
//	       SHA-256 of the root public key)
//	3   2  laptop tag: the first two bytes of the issuing laptop's key id
//	5   6  MAC: HMAC-SHA-256(laptop's badge key, bytes 0–4 ‖ plaintext), cut;
//	       it is also the IV of the seal
//	11  n  sealed: AES-256-CTR(seal key, MAC) of the plaintext:
//	         info (1: type, id length, name encoding, cut, consents) ‖
//	         visitor id (8 for ids of NewVisitorID, else 16) ‖
//	         consents, when the info byte says so (badgeconsent.go: the
//	         purposes, 7 bits a byte; the stated time, 3 bytes) ‖ name
//
// Badges printed before the consent part existed have the info byte's top
// bit zero and still verify; a laptop of that earlier version refuses a
// badge with consents as malformed, so every laptop of an event runs the
// same version.
//
// The bytes are written as decimal digits, 17 digits per 7 bytes, because
// digits are what every layout maps back most simply (Unscramble) and QR
// numeric mode packs them at 3⅓ bits each; a Damm check digit follows, so a
// digit misread or mistyped says "damaged", not "another event". Every byte
// string has exactly one spelling; a code with a value out of range for its
// length is malformed.
const (
	badgeFormat = 3
	tagLen      = 3 // format and event tag
	laptopLen   = 2
	macLen      = 6
	headerLen   = tagLen + laptopLen + macLen
	shortIDLen  = 8
	longIDLen   = 16
	maxBadgeLen = 53 // bytes that fit 129 digits
	minBadgeLen = headerLen + shortIDLen + 1

	// MaxBadgeDigits is the longest badge code, in digits.
	MaxBadgeDigits = 130
	// minBadgeDigits is the shortest: a visitor with no name.
	minBadgeDigits = 50

	certContext = "medibooth cert 2"
	keyContext  = "medibooth badge key 3"
	sealContext = "medibooth badge seal 3"
)

// Reasons a badge is rejected, besides those of scan.go.
const (
	ReasonOtherEvent = "other-event" // made for another event
	ReasonForged     = "forged"      // the MAC does not verify
	ReasonDamaged    = "damaged"     // the check digit does not match
	ReasonRevoked    = "revoked"     // issued by a laptop whose key was revoked
	ReasonNoKeys     = "no-keys"     // this laptop has no badge keys yet
)

// EventKeys are what every laptop of an event holds to verify and read badges.
type EventKeys struct {
	Root ed25519.PublicKey // the event's root public key
	Seal []byte            // 32 bytes, seals and authenticates badges
}

// NewEventKeys makes the keys of a new event: the root private key (kept by
// whoever packages the event) and the keys every laptop holds.
func NewEventKeys() (ed25519.PrivateKey, EventKeys) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err) // crypto/rand never fails
	}
	seal := make([]byte, 32)
	rand.Read(seal)
	return priv, EventKeys{Root: pub, Seal: seal}
}

// Tag is the event tag laptop certificates carry: the first two bytes of
// SHA-256 of the root key.
func (k EventKeys) Tag() []byte {
	h := sha256.Sum256(k.Root)
	return h[:2]
}

// badgeHead returns the first bytes of the event's badges: the format and
// 20 bits of SHA-256 of the root key.
func (k EventKeys) badgeHead() [tagLen]byte {
	h := sha256.Sum256(k.Root)
	return [tagLen]byte{badgeFormat<<4 | h[0]>>4, h[0]<<4 | h[1]>>4, h[1]<<4 | h[2]>>4}
}

// Valid reports whether the keys have the right sizes.
func (k EventKeys) Valid() bool {
	return len(k.Root) == ed25519.PublicKeySize && len(k.Seal) == 32
}

// derive returns a key for one use of the seal key.
func (k EventKeys) derive(context string, extra []byte) []byte {
	m := hmac.New(sha256.New, k.Seal)
	m.Write([]byte(context))
	m.Write(extra)
	return m.Sum(nil)
}

// KeyID names a laptop's public key: 16 hex digits of its SHA-256. Revocation
// lists and logs use it.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// LaptopTag is the part of a laptop's key id that its badges carry: the
// first four hex digits.
func LaptopTag(keyID string) string {
	if len(keyID) < 2*laptopLen {
		return keyID
	}
	return keyID[:2*laptopLen]
}

// Certify signs a laptop's public key with the event's root key.
func Certify(root ed25519.PrivateKey, keys EventKeys, laptop ed25519.PublicKey) []byte {
	return ed25519.Sign(root, certMessage(keys.Tag(), laptop))
}

func certMessage(tag []byte, laptop ed25519.PublicKey) []byte {
	m := make([]byte, 0, len(certContext)+len(tag)+ed25519.PublicKeySize)
	m = append(m, certContext...)
	m = append(m, tag...)
	return append(m, laptop...)
}

// CheckCert reports whether cert certifies laptop for the event of keys.
func CheckCert(keys EventKeys, laptop ed25519.PublicKey, cert []byte) bool {
	return len(laptop) == ed25519.PublicKeySize && len(cert) == ed25519.SignatureSize &&
		ed25519.Verify(keys.Root, certMessage(keys.Tag(), laptop), cert)
}

// Issuer is a laptop that can issue badges: its own key and certificate.
type Issuer struct {
	Keys EventKeys
	Key  ed25519.PrivateKey
	Cert []byte
}

// BadgeContents is what a badge tells a laptop of its event.
type BadgeContents struct {
	VisitorID string
	Type      VisitorType
	Name      string // as written; cut at a word when too long for the badge
	Truncated bool   // Name was cut
	Laptop    string // the issuing laptop's tag (LaptopTag of its key id)
	// Consents are the consents the visitor held when the badge was
	// printed; nil when it carries none (or was printed before badges
	// carried them).
	Consents *BadgeConsents
}

// Issue returns the badge code of a visitor that carries no consents, in its
// canonical spelling.
func (is *Issuer) Issue(visitorID string, t VisitorType, name string) (string, error) {
	return is.IssueWith(visitorID, t, name, nil)
}

// IssueWith returns the badge code of a visitor carrying the consents cs
// (BadgeConsentsOf), in its canonical spelling; the name is cut to leave
// them room.
func (is *Issuer) IssueWith(visitorID string, t VisitorType, name string, cs *BadgeConsents) (string, error) {
	u, err := uuid.Parse(visitorID)
	if err != nil {
		return "", Errorf(EINVALID, "The visitor id %q is not an id medibooth made.", visitorID)
	}
	ti := typeIndex(t)
	if ti < 0 {
		return "", Errorf(EINVALID, "The visitor type %q is unknown.", t)
	}
	if !is.Keys.Valid() || len(is.Key) != ed25519.PrivateKeySize || len(is.Cert) != ed25519.SignatureSize {
		return "", Errorf(ECONFLICT, "This laptop has no badge key for the event; set the event up or join it first.")
	}
	info := byte(ti)
	id := u[:]
	if short, ok := shortVisitorID(u); ok {
		id = short[:]
	} else {
		info |= infoLongID
	}
	var part []byte
	if cs = cs.canonical(); cs != nil {
		part = cs.encode()
		info |= infoConsents
	}
	enc, mode, cut := encodeBadgeName(name, maxBadgeLen-headerLen-len(id)-1-len(part))
	info |= mode << infoNameShift
	if cut {
		info |= infoCut
	}
	plain := make([]byte, 0, maxBadgeLen-headerLen)
	plain = append(plain, info)
	plain = append(plain, id...)
	plain = append(plain, part...)
	plain = append(plain, enc...)

	head := is.Keys.badgeHead()
	laptop, _ := hex.DecodeString(LaptopTag(KeyID(is.Key.Public().(ed25519.PublicKey))))
	b := make([]byte, 0, maxBadgeLen)
	b = append(b, head[:]...)
	b = append(b, laptop...)
	mac := badgeMAC(is.Keys, b, plain)
	b = append(b, mac...)
	sealed := make([]byte, len(plain))
	badgeSeal(is.Keys, mac).XORKeyStream(sealed, plain)
	b = append(b, sealed...)
	code := encodeDigits(b)
	return code + string('0'+damm(code)), nil
}

// BadgePrint is one badge printed or saved to a file. A visitor's second and
// later paper prints are reprints, made only when asked for.
type BadgePrint struct {
	ID        string    `json:"id"`
	VisitorID string    `json:"visitor_id"`
	Format    string    `json:"format"` // label, sheet, png, pdf
	Target    string    `json:"target"` // printer or file
	Reprint   bool      `json:"reprint"`
	At        time.Time `json:"at"`
	DeviceID  string    `json:"device_id"`
}

// IsPaper reports whether the print went to a printer rather than a file.
func (p BadgePrint) IsPaper() bool { return p.Format == "label" || p.Format == "sheet" }

// BadgeService issues badges and keeps their print log.
type BadgeService interface {
	// BadgeCode returns a visitor's badge code, issued by this laptop.
	BadgeCode(ctx context.Context, visitorID string) (string, *Visitor, error)
	// LogPrint records a print; a paper print of a badge printed before is
	// refused (ECONFLICT) unless reprint is set.
	LogPrint(ctx context.Context, visitorID, format, target string, reprint bool) (*BadgePrint, error)
	// Prints lists a visitor's prints, oldest first.
	Prints(ctx context.Context, visitorID string) ([]BadgePrint, error)
}

// Info byte of the sealed plaintext: the low three bits index VisitorTypes,
// the next two say how the name is written (nameCompact, nameBMP, nameUTF8),
// then whether it was cut, whether the id is the long kind, and whether a
// consent part follows the id (badges printed before it existed have the
// top bit zero).
const (
	infoTypeMask  = 0x07
	infoNameShift = 3
	infoNameMask  = 0x18
	infoCut       = 0x20
	infoLongID    = 0x40
	infoConsents  = 0x80
	infoKnown     = infoTypeMask | infoNameMask | infoCut | infoLongID | infoConsents
)

func typeIndex(t VisitorType) int {
	for i, v := range VisitorTypes {
		if v == t {
			return i
		}
	}
	return -1
}

// badgeMAC authenticates a badge's head (format, event tag, laptop tag) and
// plaintext with the issuing laptop's badge key.
func badgeMAC(keys EventKeys, head, plain []byte) []byte {
	m := hmac.New(sha256.New, keys.derive(keyContext, head[tagLen:tagLen+laptopLen]))
	m.Write(head[:tagLen+laptopLen])
	m.Write(plain)
	return m.Sum(nil)[:macLen]
}

// badgeSeal is the stream that seals a badge's plaintext: AES-256-CTR under
// a key derived from the seal key, the MAC as its IV.
func badgeSeal(keys EventKeys, mac []byte) cipher.Stream {
	block, err := aes.NewCipher(keys.derive(sealContext, nil))
	if err != nil {
		panic(err) // a derived key is always 32 bytes
	}
	iv := make([]byte, aes.BlockSize)
	copy(iv, mac)
	return cipher.NewCTR(block, iv)
}

// Verifier checks badges on a laptop of the event.
type Verifier struct {
	Keys EventKeys
	// Revoked reports whether a laptop tag (LaptopTag) belongs to a revoked
	// key; nil means none is.
	Revoked func(laptopTag string) bool
}

// BadgeError is a rejected badge: the scan's reason and one sentence.
type BadgeError struct {
	Reason string
	Err    *Error
}

func (e *BadgeError) Error() string { return e.Err.Error() }

// Unwrap lets ErrorCode and ErrorMessage see the domain error.
func (e *BadgeError) Unwrap() error { return e.Err }

func badgeErr(reason string) *BadgeError {
	return &BadgeError{Reason: reason, Err: &Error{Code: EINVALID, Message: ReasonText(reason)}}
}

// BadgeReason returns the scan reason of a rejected badge, "" for other errors.
func BadgeReason(err error) string {
	var be *BadgeError
	if errors.As(err, &be) {
		return be.Reason
	}
	return ""
}

// Verify checks a canonical badge code (see ParseBadge) and opens it.
func (v *Verifier) Verify(code string) (*BadgeContents, error) {
	n := len(code)
	if n < minBadgeDigits || n > MaxBadgeDigits || !allDigits(code) || !validDigitCount(n-1) {
		return nil, badgeErr(ReasonMalformed)
	}
	if damm(code) != 0 {
		return nil, badgeErr(ReasonDamaged)
	}
	b, ok := decodeDigits(code[:n-1])
	if !ok || len(b) < minBadgeLen || len(b) > maxBadgeLen || b[0]>>4 != badgeFormat {
		return nil, badgeErr(ReasonMalformed)
	}
	if !v.Keys.Valid() {
		return nil, badgeErr(ReasonNoKeys)
	}
	if head := v.Keys.badgeHead(); !bytes.Equal(b[:tagLen], head[:]) {
		return nil, badgeErr(ReasonOtherEvent)
	}
	mac := b[tagLen+laptopLen : headerLen]
	sealed := b[headerLen:]
	plain := make([]byte, len(sealed))
	badgeSeal(v.Keys, mac).XORKeyStream(plain, sealed)
	if !hmac.Equal(mac, badgeMAC(v.Keys, b, plain)) {
		return nil, badgeErr(ReasonForged)
	}
	laptop := hex.EncodeToString(b[tagLen : tagLen+laptopLen])
	if v.Revoked != nil && v.Revoked(laptop) {
		return nil, badgeErr(ReasonRevoked)
	}
	// The MAC vouches for the bytes; what follows refuses what no laptop
	// of this version writes.
	info := plain[0]
	idLen := shortIDLen
	if info&infoLongID != 0 {
		idLen = longIDLen
	}
	if info&^infoKnown != 0 || int(info&infoTypeMask) >= len(VisitorTypes) || len(plain) < 1+idLen {
		return nil, badgeErr(ReasonMalformed)
	}
	rest := plain[1+idLen:]
	var consents *BadgeConsents
	if info&infoConsents != 0 {
		cs, n, ok := decodeBadgeConsents(rest)
		if !ok {
			return nil, badgeErr(ReasonMalformed)
		}
		consents, rest = cs, rest[n:]
	}
	name, ok := decodeBadgeName(rest, (info&infoNameMask)>>infoNameShift)
	if !ok {
		return nil, badgeErr(ReasonMalformed)
	}
	var id string
	if idLen == shortIDLen {
		id = CompactVisitorID([8]byte(plain[1 : 1+shortIDLen]))
	} else {
		u, _ := uuid.FromBytes(plain[1 : 1+longIDLen])
		id = u.String()
	}
	return &BadgeContents{VisitorID: id, Type: VisitorTypes[info&infoTypeMask], Name: name,
		Truncated: info&infoCut != 0, Laptop: laptop, Consents: consents}, nil
}

// ParseBadge reads what a scanner typed and returns the canonical spelling of
// a badge code (badge.go's format): it drops one terminator and surrounding spaces, and
// undoes the Russian and Kazakh layouts (Unscramble). It checks the shape
// only; Verify checks the rest.
func ParseBadge(raw string) (string, error) {
	if len(raw) > MaxRawCode {
		return "", Errorf(EINVALID, "The scanned text is too long to be a badge code.")
	}
	s := strings.TrimRight(raw, "\r\n\t")
	s = strings.Trim(s, " ")
	if s == "" {
		return "", Errorf(EINVALID, "The badge code is empty; scan the badge again.")
	}
	n := utf8.RuneCountInString(s)
	if n < minBadgeDigits || n > MaxBadgeDigits || !validDigitCount(n-1) {
		return "", Errorf(EINVALID, "This is not a badge code of this event.")
	}
	if allDigits(s) {
		return s, nil
	}
	for _, c := range Unscramble(s) {
		if allDigits(c) {
			return c, nil
		}
	}
	return "", Errorf(EINVALID, "This is not a badge code of this event.")
}

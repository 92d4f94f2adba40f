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
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// A badge code is what a visitor's QR holds and what a desk scanner types. It
// must verify offline on every laptop of the event, tell a stranger's phone
// nothing about the visitor, still let any laptop of the event show who it is,
// survive a keyboard-wedge scanner on the Russian or Kazakh layout, and fit a
// QR of version 10 at error correction M (513 digits in numeric mode).
//
// Keys. The event has a root Ed25519 key and a 32-byte seal key. Every laptop
// has its own Ed25519 key, certified by the root key when the laptop joins the
// event; the laptop's key signs the badges it issues, and the badge carries
// the laptop's public key and certificate, so a laptop that never heard of the
// issuer still verifies the chain up to the event's root key. A lost laptop's
// key is revoked by its key id; its badges are then refused.
//
// Format 2, as bytes (format 1 is the unsigned 13-digit code of code.go):
//
//	0   1  format byte, 0x02
//	1   2  event tag: the first bytes of SHA-256 of the root public key
//	3   6  synthetic IV: HMAC-SHA-256(seal key, bytes 0–2 ‖ plaintext), cut
//	9   n  sealed: AES-256-CTR(seal key, IV) of the plaintext:
//	         visitor id (16) ‖ info (1: type, name encoding) ‖ name (≤ 25)
//	…  32  the issuing laptop's public key
//	…  64  certificate: root signature of "medibooth cert 2" ‖ tag ‖ laptop key
//	…  64  the laptop's signature of "medibooth badge 2" ‖ everything before
//
// The bytes are written as decimal digits, 17 digits per 7 bytes, because
// digits are what every layout maps back most simply (Unscramble) and QR
// numeric mode packs them at 3⅓ bits each. Every byte string has exactly one
// spelling; a code with a value out of range for its length is malformed.
const (
	badgeFormat  = 0x02
	tagLen       = 2
	sivLen       = 6
	headerLen    = 1 + tagLen + sivLen
	idLen        = 16
	pubLen       = ed25519.PublicKeySize
	sigLen       = ed25519.SignatureSize
	trailerLen   = pubLen + 2*sigLen
	maxBadgeLen  = 211 // bytes that fit 513 digits
	maxBadgeName = maxBadgeLen - headerLen - idLen - 1 - trailerLen
	minBadgeLen  = headerLen + idLen + 1 + trailerLen

	// MaxBadgeDigits is the longest badge code, in digits.
	MaxBadgeDigits = 513

	certContext  = "medibooth cert 2"
	badgeContext = "medibooth badge 2"
)

// Reasons a badge is rejected, besides those of scan.go.
const (
	ReasonOtherEvent = "other-event" // signed for another event
	ReasonForged     = "forged"      // a signature does not verify
	ReasonRevoked    = "revoked"     // issued by a laptop whose key was revoked
	ReasonNoKeys     = "no-keys"     // this laptop has no badge keys yet
)

// EventKeys are what every laptop of an event holds to verify and read badges.
type EventKeys struct {
	Root ed25519.PublicKey // the event's root public key
	Seal []byte            // 32 bytes, seals the visitor inside a badge
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

// Tag is the event tag badges of these keys carry.
func (k EventKeys) Tag() []byte {
	h := sha256.Sum256(k.Root)
	return h[:tagLen]
}

// Valid reports whether the keys have the right sizes.
func (k EventKeys) Valid() bool {
	return len(k.Root) == ed25519.PublicKeySize && len(k.Seal) == 32
}

// KeyID names a laptop's public key: 16 hex digits of its SHA-256. Revocation
// lists and logs use it.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:8])
}

// Certify signs a laptop's public key with the event's root key.
func Certify(root ed25519.PrivateKey, keys EventKeys, laptop ed25519.PublicKey) []byte {
	return ed25519.Sign(root, certMessage(keys.Tag(), laptop))
}

func certMessage(tag []byte, laptop ed25519.PublicKey) []byte {
	m := make([]byte, 0, len(certContext)+tagLen+pubLen)
	m = append(m, certContext...)
	m = append(m, tag...)
	return append(m, laptop...)
}

// CheckCert reports whether cert certifies laptop for the event of keys.
func CheckCert(keys EventKeys, laptop ed25519.PublicKey, cert []byte) bool {
	return len(laptop) == pubLen && len(cert) == sigLen && ed25519.Verify(keys.Root, certMessage(keys.Tag(), laptop), cert)
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
	KeyID     string // the issuing laptop's key
}

// Issue returns the badge code of a visitor, in its canonical spelling.
func (is *Issuer) Issue(visitorID string, t VisitorType, name string) (string, error) {
	id, err := uuid.Parse(visitorID)
	if err != nil {
		return "", Errorf(EINVALID, "The visitor id %q is not an id medibooth made.", visitorID)
	}
	ti := typeIndex(t)
	if ti < 0 {
		return "", Errorf(EINVALID, "The visitor type %q is unknown.", t)
	}
	if !is.Keys.Valid() || len(is.Key) != ed25519.PrivateKeySize || len(is.Cert) != sigLen {
		return "", Errorf(ECONFLICT, "This laptop has no badge key for the event; set the event up or join it first.")
	}
	enc, utf, cut := encodeBadgeName(name)
	info := byte(ti)
	if utf {
		info |= infoUTF8
	}
	if cut {
		info |= infoCut
	}
	plain := make([]byte, 0, idLen+1+len(enc))
	plain = append(plain, id[:]...)
	plain = append(plain, info)
	plain = append(plain, enc...)

	b := make([]byte, 0, maxBadgeLen)
	b = append(b, badgeFormat)
	b = append(b, is.Keys.Tag()...)
	iv := syntheticIV(is.Keys.Seal, b, plain)
	b = append(b, iv...)
	sealed := make([]byte, len(plain))
	ctr(is.Keys.Seal, iv).XORKeyStream(sealed, plain)
	b = append(b, sealed...)
	b = append(b, is.Key.Public().(ed25519.PublicKey)...)
	b = append(b, is.Cert...)
	b = append(b, ed25519.Sign(is.Key, append([]byte(badgeContext), b...))...)
	return encodeDigits(b), nil
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
	// BadgeCode returns a visitor's signed badge code, issued by this laptop.
	BadgeCode(ctx context.Context, visitorID string) (string, *Visitor, error)
	// LogPrint records a print; a paper print of a badge printed before is
	// refused (ECONFLICT) unless reprint is set.
	LogPrint(ctx context.Context, visitorID, format, target string, reprint bool) (*BadgePrint, error)
	// Prints lists a visitor's prints, oldest first.
	Prints(ctx context.Context, visitorID string) ([]BadgePrint, error)
}

// Info byte of the sealed plaintext: the low three bits index VisitorTypes,
// the next two say how the name is written; the rest must be zero.
const (
	infoTypeMask = 0x07
	infoUTF8     = 0x08
	infoCut      = 0x10
	infoKnown    = infoTypeMask | infoUTF8 | infoCut
)

func typeIndex(t VisitorType) int {
	for i, v := range VisitorTypes {
		if v == t {
			return i
		}
	}
	return -1
}

func syntheticIV(seal, header, plain []byte) []byte {
	m := hmac.New(sha256.New, seal)
	m.Write(header)
	m.Write(plain)
	return m.Sum(nil)[:sivLen]
}

func ctr(seal, iv []byte) cipher.Stream {
	block, err := aes.NewCipher(seal)
	if err != nil {
		panic(err) // the seal key's size is checked before
	}
	full := make([]byte, aes.BlockSize)
	copy(full, iv)
	return cipher.NewCTR(block, full)
}

// Verifier checks badges on a laptop of the event.
type Verifier struct {
	Keys EventKeys
	// Revoked reports whether a laptop key id was revoked; nil means none is.
	Revoked func(keyID string) bool
}

// BadgeError is a rejected badge: the scan's reason and one sentence.
type BadgeError struct {
	Reason string
	Err    *Error
}

func (e *BadgeError) Error() string { return e.Err.Error() }

// Unwrap lets ErrorCode and ErrorMessage see the domain error.
func (e *BadgeError) Unwrap() error { return e.Err }

func badgeErr(reason, msg string) *BadgeError {
	return &BadgeError{Reason: reason, Err: &Error{Code: EINVALID, Message: msg}}
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
	b, ok := decodeDigits(code)
	if !ok || len(b) < minBadgeLen || len(b) > maxBadgeLen || b[0] != badgeFormat {
		return nil, badgeErr(ReasonMalformed, "This is not a badge code of this event.")
	}
	if !v.Keys.Valid() {
		return nil, badgeErr(ReasonNoKeys, "This laptop has no badge keys yet; join the event first.")
	}
	n := len(b)
	body, sig := b[:n-sigLen], b[n-sigLen:]
	pub := ed25519.PublicKey(b[n-trailerLen : n-trailerLen+pubLen])
	cert := b[n-trailerLen+pubLen : n-sigLen]
	if !bytes.Equal(b[1:1+tagLen], v.Keys.Tag()) {
		// Another event's badge is whole: its laptop's signature holds,
		// though the certificate is not ours to check. A badge of ours
		// with a digit changed in the tag is damaged instead.
		if ed25519.Verify(pub, append([]byte(badgeContext), body...), sig) {
			return nil, badgeErr(ReasonOtherEvent, "This badge belongs to another event.")
		}
		return nil, badgeErr(ReasonForged, "This badge's signature is not valid; it may be forged or damaged.")
	}
	selfSigned := ed25519.Verify(pub, append([]byte(badgeContext), body...), sig)
	if !CheckCert(v.Keys, pub, cert) || !selfSigned {
		// The tag has 16 bits: one event in 65,536 shares ours. A whole
		// badge whose name our seal key does not open is such an event's.
		if selfSigned && !opensWith(v.Keys.Seal, b[:headerLen], b[headerLen:n-trailerLen]) {
			return nil, badgeErr(ReasonOtherEvent, "This badge belongs to another event.")
		}
		return nil, badgeErr(ReasonForged, "This badge's signature is not valid; it may be forged or damaged.")
	}
	keyID := KeyID(pub)
	if v.Revoked != nil && v.Revoked(keyID) {
		return nil, badgeErr(ReasonRevoked, "This badge was issued by a laptop whose key was revoked; register the visitor again.")
	}
	iv := b[1+tagLen : headerLen]
	sealed := b[headerLen : n-trailerLen]
	plain := make([]byte, len(sealed))
	ctr(v.Keys.Seal, iv).XORKeyStream(plain, sealed)
	// The signature vouches for the bytes; the synthetic IV checks the seal
	// key, so a laptop with the wrong one says so instead of showing garbage.
	if !hmac.Equal(iv, syntheticIV(v.Keys.Seal, b[:1+tagLen], plain)) {
		return nil, badgeErr(ReasonOtherEvent, "This badge belongs to another event.")
	}
	info := plain[idLen]
	if info&^infoKnown != 0 || int(info&infoTypeMask) >= len(VisitorTypes) {
		return nil, badgeErr(ReasonMalformed, "This is not a badge code of this event.")
	}
	name, ok := decodeBadgeName(plain[idLen+1:], info&infoUTF8 != 0)
	if !ok {
		return nil, badgeErr(ReasonMalformed, "This is not a badge code of this event.")
	}
	id, _ := uuid.FromBytes(plain[:idLen])
	return &BadgeContents{VisitorID: id.String(), Type: VisitorTypes[info&infoTypeMask], Name: name,
		Truncated: info&infoCut != 0, KeyID: keyID}, nil
}

// opensWith reports whether the seal key opens a badge's sealed part: its
// synthetic IV (in header) matches what the key makes of the plaintext.
func opensWith(seal []byte, header, sealed []byte) bool {
	iv := header[1+tagLen : headerLen]
	plain := make([]byte, len(sealed))
	ctr(seal, iv).XORKeyStream(plain, sealed)
	return hmac.Equal(iv, syntheticIV(seal, header[:1+tagLen], plain))
}

// ParseBadge reads what a scanner typed and returns the canonical spelling of
// a signed badge code: it drops one terminator and surrounding spaces, and
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
	if n > MaxBadgeDigits || !validDigitCount(n) {
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

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Decimal spelling: each 7 bytes become 17 digits (10^17 > 2^56), a last
// group of r bytes the fewest digits that hold 8r bits.
var tailDigits = [7]int{0, 3, 5, 8, 10, 13, 15}

func validDigitCount(n int) bool {
	q, r := n/17, n%17
	for i, d := range tailDigits {
		if d == r && (q > 0 || i > 0) {
			return true
		}
	}
	return false
}

func encodeDigits(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		k := min(7, len(b))
		width := 17
		if k < 7 {
			width = tailDigits[k]
		}
		v := new(big.Int).SetBytes(b[:k]).String()
		sb.WriteString(strings.Repeat("0", width-len(v)))
		sb.WriteString(v)
		b = b[k:]
	}
	return sb.String()
}

// decodeDigits reverses encodeDigits, refusing any spelling it would not
// have written.
func decodeDigits(s string) ([]byte, bool) {
	if !allDigits(s) || !validDigitCount(len(s)) {
		return nil, false
	}
	var out []byte
	for len(s) > 0 {
		width, k := 17, 7
		if len(s) < 17 {
			width = len(s)
			for i, d := range tailDigits {
				if d == width {
					k = i
				}
			}
		}
		v, ok := new(big.Int).SetString(s[:width], 10)
		if !ok || v.BitLen() > 8*k {
			return nil, false
		}
		chunk := make([]byte, k)
		v.FillBytes(chunk)
		out = append(out, chunk...)
		s = s[width:]
	}
	return out, true
}

// Names in a badge: one byte per letter for Latin, Cyrillic and Kazakh names
// (most visitors), UTF-8 for the rest (Hangul takes 3 bytes a syllable). A
// name longer than the room left is cut at the last whole word.
var nameTable = []rune("АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюяЁёӘәҒғҚқҢңӨөҰұҮүҺһІіЇїЄєЎў")

var nameIndex = func() map[rune]byte {
	m := make(map[rune]byte, len(nameTable))
	for i, r := range nameTable {
		m[r] = byte(0x80 + i)
	}
	return m
}()

func encodeBadgeName(name string) (enc []byte, utf, cut bool) {
	name = strings.Join(strings.Fields(name), " ")
	compact := true
	for _, r := range name {
		if _, ok := nameIndex[r]; !ok && (r < 0x20 || r > 0x7e) {
			compact = false
			break
		}
	}
	var units [][]byte // one per rune
	for _, r := range name {
		switch {
		case !compact:
			units = append(units, utf8.AppendRune(nil, r))
		case r < 0x80:
			units = append(units, []byte{byte(r)})
		default:
			units = append(units, []byte{nameIndex[r]})
		}
	}
	runes := []rune(name)
	total := 0
	for _, u := range units {
		total += len(u)
	}
	end := len(units)
	if total > maxBadgeName {
		cut = true
		// Keep whole runes that fit, then back up to the last space.
		size, last := 0, 0
		for i, u := range units {
			if size+len(u) > maxBadgeName {
				break
			}
			size += len(u)
			last = i + 1
		}
		end = last
		for i := last; i > 0; i-- {
			if runes[i-1] == ' ' || (i < len(runes) && runes[i] == ' ') {
				end = i
				break
			}
		}
		for end > 0 && runes[end-1] == ' ' {
			end--
		}
	}
	for _, u := range units[:end] {
		enc = append(enc, u...)
	}
	return enc, !compact, cut
}

func decodeBadgeName(b []byte, utf bool) (string, bool) {
	if utf {
		return string(b), utf8.Valid(b)
	}
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c >= 0x20 && c <= 0x7e:
			sb.WriteByte(c)
		case c >= 0x80 && int(c-0x80) < len(nameTable):
			sb.WriteRune(nameTable[c-0x80])
		default:
			return "", false
		}
	}
	return sb.String(), true
}

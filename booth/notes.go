package booth

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"filippo.io/age"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Sealed notes. A consultation's note text is sealed to its hospital's
// public key (an age X25519 recipient): any laptop can write a note, only
// someone holding the hospital's private key can read one. The private key
// travels wrapped with the hospital's passphrase (argon2id), never with a
// PIN: a 6-digit PIN falls to an offline search in minutes whatever the
// hashing, a passphrase of several words does not.

// NoteContent is the sealed part of a consultation.
type NoteContent struct {
	Complaint string `json:"complaint,omitempty"`
	Summary   string `json:"summary,omitempty"`
}

// Empty reports whether there is nothing to seal.
func (n NoteContent) Empty() bool { return n.Complaint == "" && n.Summary == "" }

// MaxSummary bounds a consultation summary: a few lines, only what the
// follow-up needs.
const MaxSummary = 600

// PassphraseCost is the argon2id cost a hospital key is wrapped with; it is
// written into the wrapped key.
type PassphraseCost struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultPassphraseCost takes about half a second on a booth laptop.
var DefaultPassphraseCost = PassphraseCost{Time: 3, Memory: 128 * 1024, Threads: 2}

var maxPassphraseCost = PassphraseCost{Time: 32, Memory: 2 * 1024 * 1024, Threads: 16}

// DemoPassphrase opens the demo event's hospital keys. It is published:
// the demo holds no real patient.
const DemoPassphrase = "demo passphrase almaty"

// DemoPassphraseCost wraps the demo keys: they are published, so a costly
// wrap would only slow loading the demo.
var DemoPassphraseCost = PassphraseCost{Time: 1, Memory: 8 * 1024, Threads: 1}

// MinPassphraseLen is the shortest passphrase a hospital key takes.
const MinPassphraseLen = 12

// CheckPassphraseRules says in one sentence what is wrong with a new
// hospital passphrase.
func CheckPassphraseRules(p string) error {
	if utf8.RuneCountInString(strings.TrimSpace(p)) < MinPassphraseLen {
		return Errorf(EINVALID, "A hospital passphrase has at least 12 characters; several words are easiest to remember.")
	}
	distinct := map[rune]bool{}
	for _, r := range p {
		distinct[r] = true
	}
	if len(distinct) < 5 {
		return Errorf(EINVALID, "This passphrase is too easy to guess; use several words.")
	}
	return nil
}

// HospitalKey is a hospital's key for sealed notes as stored and shipped:
// the public recipient in clear, the private identity wrapped.
type HospitalKey struct {
	OrgID     string `json:"org_id"`
	Recipient string `json:"recipient"`
	Wrapped   []byte `json:"wrapped"`
}

// NotesKey is a hospital's unwrapped private key, held in memory while
// someone of that hospital is signed in.
type NotesKey struct {
	OrgID    string
	identity *age.X25519Identity
}

const wrapMagic = "medibooth hospital key 1\n"

// NewHospitalKey makes a new key pair for the hospital orgID, wrapped with
// passphrase.
func NewHospitalKey(orgID, passphrase string, cost PassphraseCost) (*HospitalKey, error) {
	if err := CheckPassphraseRules(passphrase); err != nil {
		return nil, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	return WrapHospitalKey(orgID, id.String(), passphrase, cost)
}

// WrapHospitalKey wraps an existing identity ("AGE-SECRET-KEY-1…") with
// passphrase for the hospital orgID.
func WrapHospitalKey(orgID, identity, passphrase string, cost PassphraseCost) (*HospitalKey, error) {
	id, err := age.ParseX25519Identity(identity)
	if err != nil {
		return nil, Errorf(EINVALID, "That is not a hospital's private key.")
	}
	salt := make([]byte, 16)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(wrapMagic)
	binary.Write(&b, binary.BigEndian, cost.Time)
	binary.Write(&b, binary.BigEndian, cost.Memory)
	b.WriteByte(cost.Threads)
	b.Write(salt)
	b.Write(nonce)
	aead, err := chacha20poly1305.NewX(passphraseKey(passphrase, salt, cost))
	if err != nil {
		return nil, err
	}
	header := append([]byte(nil), b.Bytes()...)
	sealed := aead.Seal(nil, nonce, []byte(id.String()), wrapAAD(orgID, id.Recipient().String(), header))
	b.Write(sealed)
	return &HospitalKey{OrgID: orgID, Recipient: id.Recipient().String(), Wrapped: b.Bytes()}, nil
}

func passphraseKey(passphrase string, salt []byte, c PassphraseCost) []byte {
	return argon2.IDKey([]byte(passphrase), salt, c.Time, c.Memory, c.Threads, chacha20poly1305.KeySize)
}

// wrapAAD binds a wrapped key to its hospital and recipient.
func wrapAAD(orgID, recipient string, header []byte) []byte {
	return []byte(fmt.Sprintf("%s\x00%s\x00%x", orgID, recipient, header))
}

// ErrWrongPassphrase is returned by Unwrap for a passphrase that does not
// open the key.
var ErrWrongPassphrase = errors.New("wrong passphrase")

// Unwrap opens the hospital's private key with passphrase. A wrong
// passphrase gives ErrWrongPassphrase; a damaged key an EINVALID error.
func (k *HospitalKey) Unwrap(passphrase string) (*NotesKey, error) {
	damaged := Errorf(EINVALID, "The hospital's key is damaged; ask HQ for the set-up file again.")
	w := k.Wrapped
	if !bytes.HasPrefix(w, []byte(wrapMagic)) {
		return nil, damaged
	}
	head := len(wrapMagic) + 4 + 4 + 1 + 16 + chacha20poly1305.NonceSizeX
	if len(w) < head+chacha20poly1305.Overhead {
		return nil, damaged
	}
	var c PassphraseCost
	p := w[len(wrapMagic):]
	c.Time = binary.BigEndian.Uint32(p[0:4])
	c.Memory = binary.BigEndian.Uint32(p[4:8])
	c.Threads = p[8]
	salt := p[9:25]
	nonce := p[25 : 25+chacha20poly1305.NonceSizeX]
	if c.Time == 0 || c.Threads == 0 || c.Memory < 8*uint32(c.Threads) ||
		c.Time > maxPassphraseCost.Time || c.Memory > maxPassphraseCost.Memory || c.Threads > maxPassphraseCost.Threads {
		return nil, damaged
	}
	aead, err := chacha20poly1305.NewX(passphraseKey(passphrase, salt, c))
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, nonce, w[head:], wrapAAD(k.OrgID, k.Recipient, w[:head]))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	id, err := age.ParseX25519Identity(string(plain))
	if err != nil || id.Recipient().String() != k.Recipient {
		return nil, damaged
	}
	return &NotesKey{OrgID: k.OrgID, identity: id}, nil
}

// SealNote seals n to a hospital's recipient. Anyone may seal; only the
// hospital's key opens.
func SealNote(recipient string, n NoteContent) ([]byte, error) {
	r, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		return nil, Errorf(EINVALID, "The hospital's public key is not valid.")
	}
	plain, err := json.Marshal(n)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w, err := age.Encrypt(&out, r)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plain); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// maxSealed bounds what Open reads back.
const maxSealed = 64 << 10

// Open reads a note sealed to this key's hospital; a note sealed to
// another hospital, or damaged, is an error and reveals nothing.
func (k *NotesKey) Open(sealed []byte) (NoteContent, error) {
	var n NoteContent
	if len(sealed) == 0 {
		return n, nil
	}
	r, err := age.Decrypt(bytes.NewReader(sealed), k.identity)
	if err != nil {
		return n, Errorf(ECONFLICT, "This note belongs to another hospital; it cannot be opened with this hospital's key.")
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxSealed))
	if err != nil {
		return n, Errorf(EINVALID, "This note is damaged.")
	}
	if err := json.Unmarshal(plain, &n); err != nil {
		return n, Errorf(EINVALID, "This note is damaged.")
	}
	return n, nil
}

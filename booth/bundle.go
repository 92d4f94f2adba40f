package booth

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"
)

// A bundle carries one laptop's data to HQ after the fair: a snapshot of
// its database (SQLite, made with VACUUM INTO and stripped of what never
// leaves the laptop), described by a manifest the laptop signs with its
// badge key. HQ opens it with nothing but the event's root public key and
// its own age identity: the manifest carries the laptop's public key and the
// root's certificate of it, as badges do.
//
// The file, version 1:
//
//	"medibooth-bundle 1 EVENT HQ\n"  in clear: format, version, and two tags
//	                                 (16 hex digits of SHA-256 of the event's
//	                                 root public key and of HQ's recipient)
//	                                 that only choose the sentence a refusal
//	                                 shows; nothing trusts them
//	age file, to HQ's X25519 recipient, of:
//	  4   manifest length, big endian
//	  n   manifest, JSON (Manifest)
//	  64  Ed25519 signature by the laptop's key of "medibooth bundle 1\n" ‖ manifest
//	  …   the snapshot, exactly Manifest.SnapshotSize bytes
//
// age authenticates every 64 KiB of the payload and its end, so a changed or
// cut file fails to decrypt; the signature then says which laptop made the
// manifest, and the manifest's SHA-256 vouches for the snapshot. Every check
// runs before any SQLite sees the snapshot's bytes.
const (
	BundleFormat  = "medibooth-bundle"
	BundleVersion = 1
	// DefaultMaxBundleSize bounds a bundle file: a laptop of a 2,000-visitor
	// fair makes a few megabytes.
	DefaultMaxBundleSize = 2 << 30

	bundleContext   = "medibooth bundle 1\n"
	maxManifestSize = 1 << 20
	maxHeaderLine   = 128
	bundleTagLen    = 8 // bytes, written as 16 hex digits
)

// Manifest describes a bundle's snapshot; the laptop signs it.
type Manifest struct {
	Format   string    `json:"format"`
	Version  int       `json:"version"`
	EventID  string    `json:"event_id"`
	Event    string    `json:"event"` // the event's name, for messages
	DeviceID string    `json:"device_id"`
	Device   string    `json:"device"` // the laptop's name
	Key      []byte    `json:"key"`    // the laptop's badge public key
	Cert     []byte    `json:"cert"`   // the event root's certificate of Key
	MadeAt   time.Time `json:"made_at"`
	// Schema is the snapshot's user_version.
	Schema int `json:"schema"`
	// Tables counts the snapshot's rows per table; Rows is their sum.
	Tables map[string]int `json:"tables"`
	Rows   int            `json:"rows"`
	// MaxSeq is the laptop's highest write sequence in the snapshot.
	MaxSeq         int64  `json:"max_seq"`
	SnapshotSHA256 string `json:"snapshot_sha256"` // hex
	SnapshotSize   int64  `json:"snapshot_size"`
	// AppVersion is the medibooth that made the bundle ("" before 0.1.0).
	AppVersion string `json:"app_version,omitempty"`
}

// KeyID names the laptop key that signed the manifest.
func (m *Manifest) KeyID() string { return KeyID(m.Key) }

// Bundle is a bundle that OpenBundle accepted.
type Bundle struct {
	Manifest Manifest
	// FileHash is the SHA-256 of the whole file, hex: HQ's record of what
	// it imported, so the same file imported again changes nothing.
	FileHash string
	// Snapshot holds the snapshot's bytes (OpenBundle only; BundleOpener.Open
	// writes them to its writer instead).
	Snapshot []byte
}

// Bundle refusals: one sentence each.
var (
	errNotBundle    = Errorf(EINVALID, "This file is not a medibooth bundle.")
	errDamaged      = Errorf(EINVALID, "This bundle is damaged or cut short; copy it from the laptop again.")
	errOtherEvent   = Errorf(ECONFLICT, "This bundle belongs to another event.")
	errOtherHQ      = Errorf(ECONFLICT, "This bundle was made for another event's HQ; this laptop cannot open it.")
	errUnknownKey   = Errorf(ECONFLICT, "This bundle is signed by a laptop this event does not know.")
	errRevokedKey   = Errorf(ECONFLICT, "This bundle comes from a laptop whose key was revoked.")
	errChanged      = Errorf(EINVALID, "This bundle was changed after it was signed.")
	errNewerBundle  = Errorf(EINVALID, "This bundle was made by a newer medibooth; update medibooth to import it.")
	errNoHQ         = Errorf(ECONFLICT, "This event names no HQ to encrypt bundles to; join the event again with a current set-up file from HQ.")
	errSnapshotSize = errors.New("the snapshot's size or hash differs from its manifest")
)

// bundleTag is what the clear header says about a key.
func bundleTag(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:bundleTagLen])
}

func bundleHeader(version int, keys EventKeys, hq string) string {
	return fmt.Sprintf("%s %d %s %s\n", BundleFormat, version, bundleTag(keys.Root), bundleTag([]byte(hq)))
}

// SealBundle writes a bundle of snapshot to w: it completes m (format,
// version, the laptop's key and certificate), signs it with the laptop's key
// and encrypts everything to HQ's recipient. m.SnapshotSHA256 and
// m.SnapshotSize must describe snapshot; if they do not, SealBundle fails
// and what it wrote must be thrown away.
func SealBundle(w io.Writer, m *Manifest, is *Issuer, hq string, snapshot io.Reader) error {
	if err := CheckHQRecipient(hq); err != nil {
		return err
	}
	rcpt, err := age.ParseX25519Recipient(hq)
	if err != nil {
		return err
	}
	if !is.Keys.Valid() || len(is.Key) != ed25519.PrivateKeySize || !CheckCert(is.Keys, is.Key.Public().(ed25519.PublicKey), is.Cert) {
		return Errorf(ECONFLICT, "This laptop has no certified key for the event; join the event first.")
	}
	m.Format, m.Version = BundleFormat, BundleVersion
	if m.AppVersion == "" {
		m.AppVersion = Version
	}
	m.Key = is.Key.Public().(ed25519.PublicKey)
	m.Cert = is.Cert
	mb, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return writeBundle(w, bundleHeader(BundleVersion, is.Keys, rcpt.String()), rcpt, mb, ed25519.Sign(is.Key, signedManifest(mb)), func(pw io.Writer) error {
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(pw, h), snapshot)
		if err != nil {
			return err
		}
		if n != m.SnapshotSize || hex.EncodeToString(h.Sum(nil)) != m.SnapshotSHA256 {
			return errSnapshotSize
		}
		return nil
	})
}

// CheckHQRecipient refuses, with one sentence, an event that names no HQ
// (or an unusable key) to encrypt bundles to.
func CheckHQRecipient(hq string) error {
	if strings.TrimSpace(hq) == "" {
		return errNoHQ
	}
	if _, err := age.ParseX25519Recipient(hq); err != nil {
		return Errorf(ECONFLICT, "The event's HQ key is not valid; join the event again with a current set-up file from HQ.")
	}
	return nil
}

func signedManifest(mb []byte) []byte {
	return append([]byte(bundleContext), mb...)
}

// writeBundle writes the clear header and the age file of manifest,
// signature and what body writes.
func writeBundle(w io.Writer, header string, rcpt age.Recipient, manifest, sig []byte, body func(io.Writer) error) error {
	if _, err := io.WriteString(w, header); err != nil {
		return err
	}
	ew, err := age.Encrypt(w, rcpt)
	if err != nil {
		return err
	}
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(manifest)))
	for _, b := range [][]byte{n[:], manifest, sig} {
		if _, err := ew.Write(b); err != nil {
			return err
		}
	}
	if err := body(ew); err != nil {
		return err
	}
	return ew.Close()
}

// BundleOpener opens the bundles of one event at HQ.
type BundleOpener struct {
	Identity age.Identity // HQ's
	Keys     EventKeys    // the event's
	// Revoked reports whether a laptop key id was revoked; nil means none is.
	Revoked func(keyID string) bool
	// MaxSize bounds the file; zero means DefaultMaxBundleSize.
	MaxSize int64
}

// OpenBundle reads a whole bundle into memory and checks it (see
// BundleOpener.Open).
func OpenBundle(r io.Reader, id age.Identity, keys EventKeys, revoked func(keyID string) bool, maxSize int64) (*Bundle, error) {
	var snap bytes.Buffer
	o := &BundleOpener{Identity: id, Keys: keys, Revoked: revoked, MaxSize: maxSize}
	b, err := o.Open(r, &snap)
	if err != nil {
		return nil, err
	}
	b.Snapshot = snap.Bytes()
	return b, nil
}

// Open reads a bundle from r, decrypts it and checks, in order: its size,
// its format and version, its event, HQ's key, the laptop's certificate by
// the event's root key, revocation, the manifest's signature, and the
// snapshot's size and SHA-256. It writes the snapshot to snapshot as it
// reads; when Open returns an error, what it wrote must be thrown away
// unread. Every refusal is one sentence.
func (o *BundleOpener) Open(r io.Reader, snapshot io.Writer) (*Bundle, error) {
	max := o.MaxSize
	if max <= 0 {
		max = DefaultMaxBundleSize
	}
	if !o.Keys.Valid() {
		return nil, Errorf(ECONFLICT, "This laptop has no keys of the event yet; set the event up first.")
	}
	if o.Identity == nil {
		return nil, Errorf(ECONFLICT, "This laptop is not the event's HQ: only the laptop where the event was set up opens bundles.")
	}
	fileHash := sha256.New()
	lr := &sizeLimit{r: r, left: max}
	br := bufio.NewReader(io.TeeReader(lr, fileHash))
	tooLarge := Errorf(EINVALID, "This file is too large to be a medibooth bundle (over %d MiB).", max>>20)
	wrap := func(err error) error {
		if lr.over {
			return tooLarge
		}
		return err
	}
	ours, err := o.checkHeader(br)
	if err != nil {
		return nil, wrap(err)
	}
	dec, err := age.Decrypt(br, o.Identity)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) && !ours {
			return nil, wrap(errOtherHQ)
		}
		return nil, wrap(errDamaged)
	}
	dec = ageReader{dec}
	m, err := o.readManifest(dec)
	if err != nil {
		return nil, wrap(err)
	}
	if m.SnapshotSize > max {
		return nil, tooLarge
	}
	if err := copySnapshot(dec, snapshot, m); err != nil {
		return nil, wrap(err)
	}
	// Read to the very end: age checks the end of its stream there, and
	// the bytes after it belong to no bundle.
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, wrap(errDamaged)
	}
	return &Bundle{Manifest: *m, FileHash: hex.EncodeToString(fileHash.Sum(nil))}, nil
}

// checkHeader reads the clear header line. ours is true when its HQ tag
// names this HQ: age then failing to open the file means damage, not a
// bundle for someone else.
func (o *BundleOpener) checkHeader(br *bufio.Reader) (ours bool, err error) {
	magic := BundleFormat + " "
	line, err := br.ReadSlice('\n')
	if err != nil {
		s := string(line)
		if s != "" && (strings.HasPrefix(magic, s) || strings.HasPrefix(s, magic)) {
			return false, errDamaged
		}
		return false, errNotBundle
	}
	s := string(line)
	if len(s) > maxHeaderLine || !strings.HasPrefix(s, magic) {
		return false, errNotBundle
	}
	f := strings.Split(strings.TrimSuffix(s, "\n"), " ")
	v, err := strconv.Atoi(f[1])
	if err != nil || v < 1 || f[1] != strconv.Itoa(v) {
		return false, errNotBundle
	} else if v > BundleVersion {
		return false, errNewerBundle
	}
	if len(f) != 4 || !isTag(f[2]) || !isTag(f[3]) {
		return false, errDamaged
	}
	if f[2] != bundleTag(o.Keys.Root) {
		return false, errOtherEvent
	}
	if x, ok := o.Identity.(interface{ Recipient() *age.X25519Recipient }); ok {
		ours = f[3] == bundleTag([]byte(x.Recipient().String()))
	}
	return ours, nil
}

func isTag(s string) bool {
	if len(s) != 2*bundleTagLen {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// readManifest reads and checks the manifest and its signature.
func (o *BundleOpener) readManifest(dec io.Reader) (*Manifest, error) {
	var n [4]byte
	if _, err := io.ReadFull(dec, n[:]); err != nil {
		return nil, readErr(err)
	}
	size := binary.BigEndian.Uint32(n[:])
	if size == 0 || size > maxManifestSize {
		return nil, errNotBundle
	}
	mb := make([]byte, size+ed25519.SignatureSize)
	if _, err := io.ReadFull(dec, mb); err != nil {
		return nil, readErr(err)
	}
	mb, sig := mb[:size], mb[size:]
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil || m.Format != BundleFormat || m.Version < 1 {
		return nil, errNotBundle
	}
	if m.Version > BundleVersion {
		return nil, errNewerBundle
	}
	if !CheckCert(o.Keys, m.Key, m.Cert) {
		return nil, errUnknownKey
	}
	if o.Revoked != nil && o.Revoked(KeyID(m.Key)) {
		return nil, errRevokedKey
	}
	if !ed25519.Verify(ed25519.PublicKey(m.Key), signedManifest(mb), sig) {
		return nil, errChanged
	}
	if m.EventID == "" || m.DeviceID == "" || m.SnapshotSize <= 0 || m.Schema < 1 || len(m.SnapshotSHA256) != 64 {
		return nil, errNotBundle
	}
	if _, err := hex.DecodeString(m.SnapshotSHA256); err != nil {
		return nil, errNotBundle
	}
	return &m, nil
}

// ageReader marks every failure of age's stream (a cut or changed file) as
// such; its plain io.EOF is an end that age authenticated.
type ageReader struct{ r io.Reader }

type ageErr struct{ err error }

func (e ageErr) Error() string { return e.err.Error() }

func (a ageReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if err != nil && err != io.EOF {
		err = ageErr{err}
	}
	return n, err
}

// readErr tells a cut or damaged file from a plaintext that simply ends
// early: age authenticated that end, so whoever encrypted the file made it
// so, after the signature or instead of one.
func readErr(err error) error {
	var ae ageErr
	if errors.As(err, &ae) {
		return errDamaged
	} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errChanged
	}
	return errDamaged
}

// copySnapshot copies exactly m.SnapshotSize bytes and checks their hash.
func copySnapshot(dec io.Reader, w io.Writer, m *Manifest) error {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(h, markWriter{w}), io.LimitReader(dec, m.SnapshotSize))
	if err != nil {
		var we writeErr
		if errors.As(err, &we) {
			return we.err
		}
		return readErr(err)
	}
	if n != m.SnapshotSize {
		return errChanged
	}
	var extra [1]byte
	if k, err := io.ReadFull(dec, extra[:]); k > 0 {
		return errChanged
	} else if err != io.EOF {
		return readErr(err)
	}
	if hex.EncodeToString(h.Sum(nil)) != m.SnapshotSHA256 {
		return errChanged
	}
	return nil
}

// markWriter marks a failure of the caller's writer (a full disk), which is
// not the bundle's fault and is returned as it is.
type markWriter struct{ w io.Writer }

func (m markWriter) Write(p []byte) (int, error) {
	n, err := m.w.Write(p)
	if err != nil {
		err = writeErr{err}
	}
	return n, err
}

type writeErr struct{ err error }

func (e writeErr) Error() string { return e.err.Error() }

// sizeLimit reads at most left bytes and notes when there were more.
type sizeLimit struct {
	r    io.Reader
	left int64
	over bool
}

func (l *sizeLimit) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := io.ReadFull(l.r, one[:]); n > 0 {
			l.over = true
			return 0, errors.New("bundle too large")
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

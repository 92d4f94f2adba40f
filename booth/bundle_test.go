package booth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

// bundleKit is an event with its HQ and one laptop.
type bundleKit struct {
	root   ed25519.PrivateKey
	keys   EventKeys
	hq     *age.X25519Identity
	laptop *Issuer
}

func newBundleKit(tb testing.TB) *bundleKit {
	tb.Helper()
	root, keys := NewEventKeys()
	hq, err := age.GenerateX25519Identity()
	if err != nil {
		tb.Fatal(err)
	}
	return &bundleKit{root: root, keys: keys, hq: hq, laptop: newLaptopIssuer(root, keys)}
}

func newLaptopIssuer(root ed25519.PrivateKey, keys EventKeys) *Issuer {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	return &Issuer{Keys: keys, Key: priv, Cert: Certify(root, keys, pub)}
}

// testSnapshot stands for a database file: it spans several of age's 64 KiB
// chunks, so damage in the middle is damage in the middle.
func testSnapshot(n int) []byte {
	b := make([]byte, n)
	r := mrand.New(mrand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	copy(b, "SQLite format 3\x00")
	return b
}

func testManifest(snap []byte) *Manifest {
	h := sha256.Sum256(snap)
	return &Manifest{EventID: "0190f0b4-0000-7000-8000-000000000001", Event: "Almaty Health Consultation",
		DeviceID: "0190f0b4-0000-7000-8000-0000000000d1", Device: "desk-1", MadeAt: time.Date(2026, 9, 18, 12, 0, 0, 0, time.UTC),
		Schema: 6, Tables: map[string]int{"visitor": 3, "scan": 5}, Rows: 8, MaxSeq: 42,
		SnapshotSHA256: hex.EncodeToString(h[:]), SnapshotSize: int64(len(snap))}
}

func (k *bundleKit) seal(tb testing.TB, snap []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := SealBundle(&buf, testManifest(snap), k.laptop, k.hq.Recipient().String(), bytes.NewReader(snap)); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func (k *bundleKit) open(b []byte, revoked ...string) (*Bundle, error) {
	return OpenBundle(bytes.NewReader(b), k.hq, k.keys, func(id string) bool {
		for _, r := range revoked {
			if r == id {
				return true
			}
		}
		return false
	}, 0)
}

// craft writes a bundle as a laptop would, with signer's key, but lets the
// test choose each part: the manifest's bytes, what is signed and the body.
func (k *bundleKit) craft(tb testing.TB, signer *Issuer, m *Manifest, signed func([]byte) []byte, body []byte) []byte {
	tb.Helper()
	m.Format = BundleFormat
	if m.Version == 0 {
		m.Version = BundleVersion
	}
	m.Key = signer.Key.Public().(ed25519.PublicKey)
	m.Cert = signer.Cert
	mb, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	msg := signedManifest(mb)
	if signed != nil {
		msg = signed(msg)
	}
	var buf bytes.Buffer
	err = writeBundle(&buf, bundleHeader(BundleVersion, k.keys, k.hq.Recipient().String()), k.hq.Recipient(), mb,
		ed25519.Sign(signer.Key, msg), func(w io.Writer) error { _, err := w.Write(body); return err })
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestBundleRoundTrip(t *testing.T) {
	k := newBundleKit(t)
	snap := testSnapshot(200_000)
	file := k.seal(t, snap)
	if bytes.Contains(file, snap[:64]) || bytes.Contains(file, []byte("desk-1")) {
		t.Fatal("the bundle shows its contents in clear")
	}
	if !bytes.HasPrefix(file, []byte("medibooth-bundle 1 ")) {
		t.Fatalf("header: %q", file[:40])
	}
	b, err := k.open(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Snapshot, snap) {
		t.Fatal("the snapshot changed on the way")
	}
	sum := sha256.Sum256(file)
	m := b.Manifest
	if b.FileHash != hex.EncodeToString(sum[:]) || m.Device != "desk-1" || m.Rows != 8 || m.Tables["scan"] != 5 || m.MaxSeq != 42 ||
		m.KeyID() != KeyID(k.laptop.Key.Public().(ed25519.PublicKey)) || !m.MadeAt.Equal(time.Date(2026, 9, 18, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("opened: hash %s, manifest %+v", b.FileHash, m)
	}

	// Streaming to a writer gives the same.
	var w bytes.Buffer
	o := &BundleOpener{Identity: k.hq, Keys: k.keys}
	if b2, err := o.Open(bytes.NewReader(file), &w); err != nil || !bytes.Equal(w.Bytes(), snap) || b2.FileHash != b.FileHash {
		t.Fatalf("Open: %v", err)
	}
}

func TestBundleSealRefuses(t *testing.T) {
	k := newBundleKit(t)
	snap := testSnapshot(1000)
	var buf bytes.Buffer
	if err := SealBundle(&buf, testManifest(snap), k.laptop, "", bytes.NewReader(snap)); ErrorMessage(err) != errNoHQ.Message {
		t.Errorf("no HQ: %v", err)
	}
	m := testManifest(snap)
	m.SnapshotSize++
	if err := SealBundle(&buf, m, k.laptop, k.hq.Recipient().String(), bytes.NewReader(snap)); err == nil {
		t.Error("a manifest that does not describe the snapshot was sealed")
	}
	other := newLaptopIssuer(ed25519.NewKeyFromSeed(make([]byte, 32)), k.keys)
	if err := SealBundle(&buf, testManifest(snap), other, k.hq.Recipient().String(), bytes.NewReader(snap)); ErrorCode(err) != ECONFLICT {
		t.Errorf("uncertified laptop: %v", err)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x20
	return c
}

func TestBundleRefusals(t *testing.T) {
	k := newBundleKit(t)
	snap := testSnapshot(200_000)
	good := k.seal(t, snap)
	hdrEnd := bytes.IndexByte(good, '\n') + 1
	ageHdrEnd := hdrEnd + bytes.Index(good[hdrEnd:], []byte("\n---")) + 4
	n := len(good)

	// Another event, its own HQ and its own laptop.
	other := newBundleKit(t)
	otherFile := other.seal(t, snap)
	// A laptop certified by another event's root, writing to our HQ.
	stranger := newLaptopIssuer(other.root, k.keys)

	sqlite := append([]byte("SQLite format 3\x00"), snap[16:4096]...)
	plainAge := func() []byte {
		var buf bytes.Buffer
		w, _ := age.Encrypt(&buf, k.hq.Recipient())
		w.Write(snap)
		w.Close()
		return buf.Bytes()
	}()

	for _, tc := range []struct {
		name    string
		file    []byte
		want    *Error
		revoked string
	}{
		{"empty file", nil, errNotBundle, ""},
		{"a SQLite file", sqlite, errNotBundle, ""},
		{"a plain age file", plainAge, errNotBundle, ""},
		{"text", []byte("visitor,phone\nАйгерім,+7 701\n"), errNotBundle, ""},
		{"newer file format", append([]byte("medibooth-bundle 2"), good[len("medibooth-bundle 1"):]...), errNewerBundle, ""},
		{"another event's bundle", otherFile, errOtherEvent, ""},
		{"made for another HQ", func() []byte {
			var buf bytes.Buffer
			hq2, _ := age.GenerateX25519Identity()
			if err := SealBundle(&buf, testManifest(snap), k.laptop, hq2.Recipient().String(), bytes.NewReader(snap)); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}(), errOtherHQ, ""},
		{"laptop of another event", k.craft(t, stranger, testManifest(snap), nil, snap), errUnknownKey, ""},
		{"revoked laptop", good, errRevokedKey, KeyID(k.laptop.Key.Public().(ed25519.PublicKey))},
		{"newer manifest", k.craft(t, k.laptop, func() *Manifest { m := testManifest(snap); m.Version = 2; return m }(), nil, snap), errNewerBundle, ""},
		{"manifest changed after signing", k.craft(t, k.laptop, testManifest(snap), func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"rows":8`), []byte(`"rows":9`), 1)
		}, snap), errChanged, ""},
		{"snapshot changed after signing", k.craft(t, k.laptop, testManifest(snap), nil, flip(snap, 100_000)), errChanged, ""},
		{"snapshot shorter than signed", k.craft(t, k.laptop, testManifest(snap), nil, snap[:len(snap)-1]), errChanged, ""},
		{"snapshot longer than signed", k.craft(t, k.laptop, testManifest(snap), nil, append(bytes.Clone(snap), 0)), errChanged, ""},
		{"bit flip in the format", flip(good, 3), errNotBundle, ""},
		{"bit flip in the HQ tag", flip(good, hdrEnd-3), errDamaged, ""},
		{"bit flip in age's header", flip(good, hdrEnd+40), errDamaged, ""},
		{"bit flip in age's header MAC", flip(good, ageHdrEnd+5), errDamaged, ""},
		{"bit flip in the manifest", flip(good, ageHdrEnd+60), errDamaged, ""},
		{"bit flip in the snapshot", flip(good, n/2), errDamaged, ""},
		{"bit flip in the last byte", flip(good, n-1), errDamaged, ""},
		{"cut in the magic", good[:5], errDamaged, ""},
		{"cut in the clear header", good[:hdrEnd-4], errDamaged, ""},
		{"cut after the clear header", good[:hdrEnd], errDamaged, ""},
		{"cut in age's header", good[:hdrEnd+30], errDamaged, ""},
		{"cut in the manifest", good[:ageHdrEnd+100], errDamaged, ""},
		{"cut in the middle", good[:n/2], errDamaged, ""},
		{"cut by one byte", good[:n-1], errDamaged, ""},
		{"a byte too many", append(bytes.Clone(good), 0), errDamaged, ""},
		{"two bundles in one file", append(bytes.Clone(good), good...), errDamaged, ""},
	} {
		var w bytes.Buffer
		o := &BundleOpener{Identity: k.hq, Keys: k.keys, Revoked: func(id string) bool { return id == tc.revoked }}
		b, err := o.Open(bytes.NewReader(tc.file), &w)
		if b != nil || err == nil {
			t.Errorf("%s: opened", tc.name)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Message != tc.want.Message || e.Code != tc.want.Code {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want.Message)
		}
		// Nothing reaches the snapshot's writer before the laptop and its
		// signature are known good.
		if tc.want != errChanged && tc.want != errDamaged && w.Len() > 0 {
			t.Errorf("%s: %d bytes written before the refusal", tc.name, w.Len())
		}
	}
}

func TestBundleSizeLimit(t *testing.T) {
	k := newBundleKit(t)
	file := k.seal(t, testSnapshot(300_000))
	_, err := OpenBundle(bytes.NewReader(file), k.hq, k.keys, nil, 1<<18)
	if err == nil || !strings.Contains(ErrorMessage(err), "too large") {
		t.Fatalf("a bundle over the limit: %v", err)
	}
	if _, err := OpenBundle(bytes.NewReader(file), k.hq, k.keys, nil, int64(len(file))); err != nil {
		t.Fatalf("a bundle of exactly the limit: %v", err)
	}
	// A manifest announcing more than the limit is refused before reading on.
	m := testManifest(testSnapshot(10))
	m.SnapshotSize = math.MaxInt64
	if _, err := k.open(k.craft(t, k.laptop, m, nil, nil)); !strings.Contains(ErrorMessage(err), "too large") {
		t.Fatalf("huge announced snapshot: %v", err)
	}
}

// A writer that fails (a full disk) is the writer's error, not the bundle's.
func TestBundleOpenWriterFails(t *testing.T) {
	k := newBundleKit(t)
	file := k.seal(t, testSnapshot(100_000))
	o := &BundleOpener{Identity: k.hq, Keys: k.keys}
	disk := errors.New("no space left on device")
	_, err := o.Open(bytes.NewReader(file), failWriter{disk})
	if !errors.Is(err, disk) {
		t.Fatalf("got %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func FuzzOpenBundle(f *testing.F) {
	k := newBundleKit(f)
	snap := testSnapshot(3000)
	good := k.seal(f, snap)
	hdrEnd := bytes.IndexByte(good, '\n') + 1
	f.Add(good)
	f.Add(good[:hdrEnd])
	f.Add(good[:len(good)-1])
	f.Add(flip(good, len(good)/2))
	f.Add(append([]byte("medibooth-bundle 2"), good[len("medibooth-bundle 1"):]...))
	f.Add(k.craft(f, k.laptop, testManifest(snap), nil, snap[:100]))
	f.Add([]byte("medibooth-bundle 1 0000000000000000 0000000000000000\nage-encryption.org/v1\n"))
	f.Add([]byte("SQLite format 3\x00"))
	f.Fuzz(func(t *testing.T, file []byte) {
		b, err := OpenBundle(bytes.NewReader(file), k.hq, k.keys, nil, 1<<20)
		if err != nil {
			if b != nil {
				t.Fatal("a bundle and an error")
			}
			if ErrorCode(err) == EINTERNAL || strings.Count(ErrorMessage(err), ".") != 1 {
				t.Fatalf("not one sentence: %v", err)
			}
			return
		}
		// Whatever opens is a bundle our laptop signed: the manifest vouches
		// for the snapshot.
		sum := sha256.Sum256(b.Snapshot)
		if b.Manifest.SnapshotSHA256 != hex.EncodeToString(sum[:]) || !ed25519.PublicKey(b.Manifest.Key).Equal(k.laptop.Key.Public()) {
			t.Fatalf("opened something unsigned: %+v", b.Manifest)
		}
	})
}

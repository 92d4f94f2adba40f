package booth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/google/uuid"
	qrcode "github.com/skip2/go-qrcode"
)

// testEvent is an event with one certified laptop.
type testEvent struct {
	root   ed25519.PrivateKey
	keys   EventKeys
	issuer *Issuer
}

func newTestEvent(t testing.TB) *testEvent {
	t.Helper()
	root, keys := NewEventKeys()
	return &testEvent{root: root, keys: keys, issuer: newTestIssuer(root, keys)}
}

func newTestIssuer(root ed25519.PrivateKey, keys EventKeys) *Issuer {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	return &Issuer{Keys: keys, Key: priv, Cert: Certify(root, keys, pub)}
}

func (e *testEvent) issue(t testing.TB, id string, typ VisitorType, name string) string {
	t.Helper()
	code, err := e.issuer.Issue(id, typ, name)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func reasonOf(err error) string { return BadgeReason(err) }

var badgeNames = []struct {
	name    VisitorType
	written string
}{
	{TypePatient, "Айгерим Байжанова"},
	{TypeCompanion, "Әйгерім Қалиева"},
	{TypeAgency, "Aigerim Nurlanova"},
	{TypeMedia, "김민준"},
	{TypeOther, "Ёлкин Ұлан-Үңгір Һ. Ії Єў"},
	{TypePatient, "O'Brien-Smith"},
	{TypePatient, "Kim 민준 Ли"},
	{TypePatient, ""},
}

func TestBadgeRoundTrip(t *testing.T) {
	ev := newTestEvent(t)
	v := &Verifier{Keys: ev.keys}
	for _, tc := range badgeNames {
		id := NewID()
		code := ev.issue(t, id, tc.name, tc.written)
		if len(code) > MaxBadgeDigits || !allDigits(code) {
			t.Fatalf("%q: code of %d characters is not ≤ %d digits", tc.written, len(code), MaxBadgeDigits)
		}
		got, err := v.Verify(code)
		if err != nil {
			t.Fatalf("%q: %v", tc.written, err)
		}
		want := tc.written
		if got.Truncated {
			t.Errorf("%q: cut to %q", tc.written, got.Name)
		}
		if got.VisitorID != id || got.Type != tc.name || got.Name != want || got.KeyID != KeyID(ev.issuer.Key.Public().(ed25519.PublicKey)) {
			t.Errorf("%q: got %+v", tc.written, got)
		}
		// Issuing again gives the same code: one spelling per badge.
		if again := ev.issue(t, id, tc.name, tc.written); again != code {
			t.Errorf("%q: issued twice, two codes", tc.written)
		}
	}
}

// A badge must fit a QR of version 10 at error correction M, the size a webcam
// reads at arm's length, whatever the name.
func TestBadgeQRVersion(t *testing.T) {
	ev := newTestEvent(t)
	for _, name := range []string{"Ли", "Нурсултан Абдукаримович Жаксылыков", "김민준김민준김민준김민준김민준", strings.Repeat("W", 80)} {
		code := ev.issue(t, NewID(), TypePatient, name)
		q, err := qrcode.New(code, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		if q.VersionNumber > 10 {
			t.Errorf("%q: QR version %d, want ≤ 10 (%d digits)", name, q.VersionNumber, len(code))
		}
	}
}

func TestBadgeNameCut(t *testing.T) {
	ev := newTestEvent(t)
	v := &Verifier{Keys: ev.keys}
	tests := []struct{ name, want string }{
		{"Нурсултан Абдукаримович Жаксылыков", "Нурсултан Абдукаримович"},
		{"Абвгдежзийклмнопрстуфхцчшщ", "Абвгдежзийклмнопрстуфхцчш"}, // one word: cut inside it
		{"김민준 김서연 박지훈 이영희", "김민준 김서연"},
		{"  Aigerim   Nurlanova  ", "Aigerim Nurlanova"},
	}
	for _, tc := range tests {
		got, err := v.Verify(ev.issue(t, NewID(), TypePatient, tc.name))
		if err != nil {
			t.Fatal(err)
		}
		cut := strings.Join(strings.Fields(tc.name), " ") != tc.want
		if got.Name != tc.want || got.Truncated != cut {
			t.Errorf("%q: got %q (cut %v), want %q (cut %v)", tc.name, got.Name, got.Truncated, tc.want, cut)
		}
	}
}

// A stranger's phone reads the digits; neither the visitor's id, nor the
// name, nor the type may be visible in the bytes.
func TestBadgeRevealsNothing(t *testing.T) {
	ev := newTestEvent(t)
	for _, tc := range badgeNames[:5] {
		id := NewID()
		code := ev.issue(t, id, tc.name, tc.written)
		b, ok := decodeDigits(code)
		if !ok {
			t.Fatal("undecodable")
		}
		u := uuid.MustParse(id)
		enc, _, _ := encodeBadgeName(tc.written)
		if bytes.Contains(b, u[:6]) || bytes.Contains(b, u[10:]) || (len(enc) >= 4 && bytes.Contains(b, enc[:4])) ||
			bytes.Contains(b, []byte(tc.written)) || strings.Contains(code, strings.ReplaceAll(id, "-", "")) {
			t.Errorf("%q: the badge shows the visitor in the clear", tc.written)
		}
	}
	// Two badges of the same name differ everywhere but the header.
	a, _ := decodeDigits(ev.issue(t, NewID(), TypePatient, "Айгерим Байжанова"))
	b, _ := decodeDigits(ev.issue(t, NewID(), TypePatient, "Айгерим Байжанова"))
	if bytes.Equal(a[headerLen:headerLen+idLen+8], b[headerLen:headerLen+idLen+8]) {
		t.Error("two visitors of the same name have the same sealed bytes")
	}
}

func TestBadgeRejected(t *testing.T) {
	ev := newTestEvent(t)
	other := newTestEvent(t)
	id := NewID()
	good := ev.issue(t, id, TypePatient, "Айгерим")
	otherCode := other.issue(t, id, TypePatient, "Айгерим")

	// A laptop key certified by another event's root, carrying this event's
	// keys: the certificate does not verify.
	rogue := newTestIssuer(other.root, ev.keys)
	rogueCode, err := rogue.Issue(id, TypePatient, "Айгерим")
	if err != nil {
		t.Fatal(err)
	}
	// A laptop key with no certificate at all: signed by itself.
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	self := &Issuer{Keys: ev.keys, Key: priv, Cert: ed25519.Sign(priv, certMessage(ev.keys.Tag(), pub))}
	selfCode, _ := self.Issue(id, TypePatient, "Айгерим")

	// Someone who read the seal key (a stolen laptop) changes the name inside
	// a real badge: the signature breaks.
	b, _ := decodeDigits(good)
	short := encodeDigits(b[:len(b)-7])
	b[headerLen+idLen+1] ^= 0x01
	edited := encodeDigits(b)

	// A badge of the real format cut short, or with digits added.
	flip := []byte(good)
	flip[100] = '0' + (flip[100]-'0'+1)%10

	// One digit changed near the start, where the event tag is: damaged,
	// not another event's.
	var nearStart string
	for i := 1; i < 17 && nearStart == ""; i++ {
		c := []byte(good)
		c[i] = '0' + (c[i]-'0'+1)%10
		if nb, ok := decodeDigits(string(c)); ok && nb[0] == badgeFormat && !bytes.Equal(nb[1:1+tagLen], b[1:1+tagLen]) {
			nearStart = string(c)
		}
	}
	if nearStart == "" {
		t.Fatal("no digit near the start changes the tag")
	}

	revoked := KeyID(ev.issuer.Key.Public().(ed25519.PublicKey))

	tests := []struct {
		name, code, reason string
		revoked            bool
	}{
		{"other event", otherCode, ReasonOtherEvent, false},
		{"rogue certificate", rogueCode, ReasonForged, false},
		{"self-signed", selfCode, ReasonForged, false},
		{"edited name", edited, ReasonForged, false},
		{"flipped digit", string(flip), ReasonForged, false},
		{"digit near the start", nearStart, ReasonForged, false},
		{"seven bytes short", short, ReasonForged, false},
		{"truncated by 1 digit", good[:len(good)-1], ReasonMalformed, false},
		{"one digit added", good + "0", ReasonMalformed, false},
		{"chunk out of range", "99999999999999999" + good[17:], ReasonMalformed, false},
		{"letters", "abc" + good[3:], ReasonMalformed, false},
		{"format 1 length", "1234567890128", ReasonMalformed, false},
		{"revoked laptop", good, ReasonRevoked, true},
	}
	for _, tc := range tests {
		v := &Verifier{Keys: ev.keys}
		if tc.revoked {
			v.Revoked = func(k string) bool { return k == revoked }
		}
		got, err := v.Verify(tc.code)
		if err == nil {
			t.Errorf("%s: admitted as %+v", tc.name, got)
			continue
		}
		if r := reasonOf(err); r != tc.reason {
			t.Errorf("%s: reason %q (%v), want %q", tc.name, r, err, tc.reason)
		}
		if ErrorMessage(err) == "" || !strings.HasSuffix(ErrorMessage(err), ".") {
			t.Errorf("%s: no clear sentence: %q", tc.name, ErrorMessage(err))
		}
	}
	if _, err := (&Verifier{}).Verify(good); reasonOf(err) != ReasonNoKeys {
		t.Errorf("no keys: %v", err)
	}
}

// What a USB scanner types on a laptop whose active layout is Russian or
// Kazakh, with and without Caps Lock, reads back to the same code.
func TestParseBadgeLayouts(t *testing.T) {
	ev := newTestEvent(t)
	v := &Verifier{Keys: ev.keys}
	id := NewID()
	code := ev.issue(t, id, TypePatient, "Айгерим Байжанова")
	for _, l := range Layouts {
		for _, caps := range []bool{false, true} {
			typed := l.typeKeys(code, caps)
			for _, term := range []string{"", "\r", "\n", "\r\n", "\t", "  "} {
				got, err := ParseBadge(typed + term)
				if err != nil || got != code {
					t.Fatalf("%s caps=%v term %q: %v", l.Name, caps, term, err)
				}
			}
			if l.Name == "kz" && typed == code {
				t.Fatal("the Kazakh layout left the digits alone; the test proves nothing")
			}
			c, err := v.Verify(mustParseBadge(t, typed))
			if err != nil || c.VisitorID != id {
				t.Fatalf("%s caps=%v: %v", l.Name, caps, err)
			}
		}
	}
	// The Kazakh digit row, written out: 1–0 type " ә і ң ғ , . ү ұ қ.
	kz := layoutByName(t, "kz")
	if got := kz.Type("1234567890"); got != `"әіңғ,.үұқ` {
		t.Fatalf("kz digit row types %q", got)
	}
	if got := kz.typeKeys("1234567890", true); got != `"ӘІҢҒ,.ҮҰҚ` {
		t.Fatalf("kz digit row with Caps Lock types %q", got)
	}
}

func mustParseBadge(t *testing.T, s string) string {
	t.Helper()
	c, err := ParseBadge(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseBadgeRejects(t *testing.T) {
	ev := newTestEvent(t)
	code := ev.issue(t, NewID(), TypePatient, "Ли")
	for _, s := range []string{"", "\r\n", code[:len(code)-1], code + "x", "x" + code, strings.Repeat("1", MaxBadgeDigits+17),
		code[:200] + " " + code[200:], strings.Repeat("я", 200) + "!", strings.Repeat("9", 5000)} {
		if got, err := ParseBadge(s); err == nil {
			t.Errorf("%.30q… parsed as %.30q…", s, got)
		}
	}
}

func TestDigitsCanonical(t *testing.T) {
	for n := 0; n <= maxBadgeLen; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = 0xff
		}
		s := encodeDigits(b)
		got, ok := decodeDigits(s)
		if n == 0 {
			if ok {
				t.Fatal("the empty string is a code")
			}
			continue
		}
		if !ok || !bytes.Equal(got, b) {
			t.Fatalf("%d bytes of 0xff: %q does not read back", n, s)
		}
		zero := encodeDigits(make([]byte, n))
		if len(zero) != len(s) {
			t.Fatalf("%d bytes: spelled in %d and %d digits", n, len(zero), len(s))
		}
	}
	if n := len(encodeDigits(make([]byte, maxBadgeLen))); n > MaxBadgeDigits {
		t.Fatalf("%d bytes need %d digits, more than %d", maxBadgeLen, n, MaxBadgeDigits)
	}
}

func TestIssueRefuses(t *testing.T) {
	ev := newTestEvent(t)
	if _, err := ev.issuer.Issue("not-an-id", TypePatient, "x"); ErrorCode(err) != EINVALID {
		t.Errorf("bad id: %v", err)
	}
	if _, err := ev.issuer.Issue(NewID(), "ghost", "x"); ErrorCode(err) != EINVALID {
		t.Errorf("bad type: %v", err)
	}
	if _, err := (&Issuer{}).Issue(NewID(), TypePatient, "x"); ErrorCode(err) != ECONFLICT {
		t.Errorf("no key: %v", err)
	}
}

func FuzzParseBadge(f *testing.F) {
	ev := newTestEvent(f)
	v := &Verifier{Keys: ev.keys}
	for _, tc := range badgeNames {
		code := ev.issue(f, NewID(), tc.name, tc.written)
		f.Add(code)
		f.Add(Layouts[3].Type(code) + "\r\n")
		f.Add(code[:len(code)-17])
	}
	f.Add("")
	f.Add("1234567890128")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseBadge(s)
		if err != nil {
			return
		}
		if !allDigits(c) || len(c) > MaxBadgeDigits {
			t.Fatalf("ParseBadge(%q) = %q", s, c)
		}
		got, err := v.Verify(c)
		if err != nil {
			return
		}
		// Only a code this event issued verifies; its spelling is the one
		// Issue writes.
		again, err := ev.issuer.Issue(got.VisitorID, got.Type, got.Name)
		if err == nil && !got.Truncated && again != c {
			t.Fatalf("two spellings of one badge: %q and %q", c, again)
		}
	})
}

func BenchmarkVerifyBadge(b *testing.B) {
	ev := newTestEvent(b)
	v := &Verifier{Keys: ev.keys}
	code := ev.issue(b, NewID(), TypePatient, "Айгерим Байжанова")
	for b.Loop() {
		if _, err := v.Verify(code); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519Verify is the reference: the two signature checks a badge
// needs cost this much.
func BenchmarkEd25519Verify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := make([]byte, 200)
	sig := ed25519.Sign(priv, msg)
	for b.Loop() {
		ed25519.Verify(pub, msg, sig)
		ed25519.Verify(pub, msg, sig)
	}
}

func BenchmarkParseBadgeKazakh(b *testing.B) {
	ev := newTestEvent(b)
	typed := Layouts[3].Type(ev.issue(b, NewID(), TypePatient, "Айгерим Байжанова"))
	for b.Loop() {
		if _, err := ParseBadge(typed); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBadgeOfEventSharingOurTag: the event tag has 16 bits, so one event in
// 65,536 shares ours; its badges are another event's, not forged. The two
// roots below are made from seeds found to share a tag.
func TestBadgeOfEventSharingOurTag(t *testing.T) {
	seedA, seedB := make([]byte, 32), make([]byte, 32)
	binary.BigEndian.PutUint64(seedB, 22918)
	event := func(seed []byte) (ed25519.PrivateKey, EventKeys) {
		root := ed25519.NewKeyFromSeed(seed)
		seal := sha256.Sum256(seed)
		return root, EventKeys{Root: root.Public().(ed25519.PublicKey), Seal: seal[:]}
	}
	_, ours := event(seedA)
	theirRoot, theirs := event(seedB)
	if !bytes.Equal(ours.Tag(), theirs.Tag()) {
		t.Fatalf("the seeds no longer share a tag: %x %x", ours.Tag(), theirs.Tag())
	}
	code, err := newTestIssuer(theirRoot, theirs).Issue(NewID(), TypePatient, "Данияр Ахметов")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&Verifier{Keys: ours}).Verify(code); reasonOf(err) != ReasonOtherEvent {
		t.Fatalf("their badge here: %v", err)
	}
	// A badge of ours signed by a laptop key our root never certified is
	// still forged.
	rogue := newTestIssuer(theirRoot, ours)
	forged, _ := rogue.Issue(NewID(), TypePatient, "Данияр Ахметов")
	if _, err := (&Verifier{Keys: ours}).Verify(forged); reasonOf(err) != ReasonForged {
		t.Fatalf("a rogue laptop's badge: %v", err)
	}
}

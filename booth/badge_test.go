package booth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

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
	for i, tc := range badgeNames {
		// Ids of the short kind, and of the long kind made before it.
		id := NewVisitorID()
		if i%2 == 1 {
			id = NewID()
		}
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
		if got.VisitorID != id || got.Type != tc.name || got.Name != want || got.Laptop != LaptopTag(KeyID(ev.issuer.Key.Public().(ed25519.PublicKey))) {
			t.Errorf("%q: got %+v", tc.written, got)
		}
		// Issuing again gives the same code: one spelling per badge.
		if again := ev.issue(t, id, tc.name, tc.written); again != code {
			t.Errorf("%q: issued twice, two codes", tc.written)
		}
	}
}

// A badge must fit a QR of version 4 at error correction M (at most 130
// digits), whatever the name and whatever kind of id the visitor has.
func TestBadgeQRVersion(t *testing.T) {
	ev := newTestEvent(t)
	for _, name := range []string{"Ли", "Нурсултан Абдукаримович Жаксылыков", "김민준김민준김민준김민준김민준", strings.Repeat("W", 80),
		strings.Repeat("😀", 40)} {
		for _, id := range []string{NewVisitorID(), NewID()} {
			code := ev.issue(t, id, TypePatient, name)
			q, err := qrcode.New(code, qrcode.Medium)
			if err != nil {
				t.Fatal(err)
			}
			if q.VersionNumber > 4 || len(code) > MaxBadgeDigits {
				t.Errorf("%q: QR version %d, want ≤ 4 (%d digits)", name, q.VersionNumber, len(code))
			}
		}
	}
}

// badgeLengths are the keystrokes of badges for names of 1–25 letters in
// Cyrillic, Kazakh, Hangul and Latin, sorted.
func badgeLengths(t testing.TB) []int { return badgeLengthsWith(t, nil) }

// typicalConsents are what most patients' badges carry: health, transfer,
// and sharing with one hospital, the last of the 11 of a joint booth.
var typicalConsents = &BadgeConsents{Health: true, Transfer: true, Share: 1 << 10, At: time.Date(2026, 9, 17, 10, 30, 0, 0, time.UTC)}

// badgeLengthsWith is badgeLengths of badges carrying cs.
func badgeLengthsWith(t testing.TB, cs *BadgeConsents) []int {
	ev := newTestEvent(t)
	scripts := []string{"Айгерим Байжанова Нурлановна", "Әйгерім Қалиқызы Өмірбекұлы", "김민준박서연이지훈최수아정우진", "Aigerim Nurlanovna Baizhan"}
	var ns []int
	for _, sc := range scripts {
		r := []rune(strings.ReplaceAll(sc, " ", ""))
		for n := 1; n <= 25; n++ {
			code, err := ev.issuer.IssueWith(NewVisitorID(), TypePatient, string(r[:n]), cs)
			if err != nil {
				t.Fatal(err)
			}
			ns = append(ns, len(code))
		}
	}
	slices.Sort(ns)
	return ns
}

// A scanner types every digit: at most 130, at most 100 for half the names.
func TestBadgeKeystrokes(t *testing.T) {
	ns := badgeLengths(t)
	if max, med := ns[len(ns)-1], ns[len(ns)/2]; max > 130 || med > 100 {
		t.Fatalf("badges of %d–%d digits, median %d; want at most 130, median at most 100", ns[0], max, med)
	}
}

// BenchmarkBadgeKeystrokes prints the keystrokes per badge (min, median,
// max) over names of 1–25 letters in four scripts: of badges carrying no
// consents, and of badges carrying typicalConsents.
func BenchmarkBadgeKeystrokes(b *testing.B) {
	var ns, with []int
	for b.Loop() {
		ns = badgeLengths(b)
		with = badgeLengthsWith(b, typicalConsents)
	}
	b.ReportMetric(float64(ns[0]), "min-keys")
	b.ReportMetric(float64(ns[len(ns)/2]), "median-keys")
	b.ReportMetric(float64(ns[len(ns)-1]), "max-keys")
	b.ReportMetric(float64(with[0]), "consents-min-keys")
	b.ReportMetric(float64(with[len(with)/2]), "consents-median-keys")
	b.ReportMetric(float64(with[len(with)-1]), "consents-max-keys")
}

// A burst of ids, as a bulk import makes them, never repeats one.
func TestVisitorIDsOfABurstDiffer(t *testing.T) {
	seen := make(map[string]bool, 100000)
	for range 100000 {
		id := NewVisitorID()
		if seen[id] {
			t.Fatalf("%s made twice", id)
		}
		seen[id] = true
	}
}

func TestVisitorIDShort(t *testing.T) {
	for range 100 {
		id := NewVisitorID()
		u := uuid.MustParse(id)
		if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("%s: version %d, variant %v", id, u.Version(), u.Variant())
		}
		b, ok := shortVisitorID(u)
		if !ok || CompactVisitorID(b) != id {
			t.Fatalf("%s does not go through its 8 bytes", id)
		}
	}
	if _, ok := shortVisitorID(uuid.MustParse(NewID())); ok {
		t.Fatal("an id of the long kind passes for a short one")
	}
	var all [8]byte
	for i := range all {
		all[i] = 0xff
	}
	if b, ok := shortVisitorID(uuid.MustParse(CompactVisitorID(all))); !ok || b != all {
		t.Fatalf("all ones: %x", b)
	}
}

func TestBadgeNameCut(t *testing.T) {
	ev := newTestEvent(t)
	v := &Verifier{Keys: ev.keys}
	tests := []struct{ name, want string }{
		{"Нурсултан Абдукаримович Жаксылыков", "Нурсултан Абдукаримович"},
		{strings.Repeat("Абвгдежзий", 4), strings.Repeat("Абвгдежзий", 3) + "Абв"}, // one word: cut inside it
		{"김민준 김서연 박지훈 이영희 최수아", "김민준 김서연 박지훈 이영희"},
		{"  Aigerim   Nurlanova  ", "Aigerim Nurlanova"},
	}
	for _, tc := range tests {
		got, err := v.Verify(ev.issue(t, NewVisitorID(), TypePatient, tc.name))
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
		id := NewVisitorID()
		code := ev.issue(t, id, tc.name, tc.written)
		b, ok := decodeDigits(code[:len(code)-1])
		if !ok {
			t.Fatal("undecodable")
		}
		short, _ := shortVisitorID(uuid.MustParse(id))
		enc, _, _ := encodeBadgeName(tc.written, 40)
		if bytes.Contains(b, short[:4]) || bytes.Contains(b, short[4:]) || (len(enc) >= 4 && bytes.Contains(b, enc[:4])) ||
			bytes.Contains(b, []byte(tc.written)) || strings.Contains(code, strings.ReplaceAll(id, "-", "")) {
			t.Errorf("%q: the badge shows the visitor in the clear", tc.written)
		}
	}
	// Two badges of the same name differ everywhere but the header.
	a := ev.issue(t, NewVisitorID(), TypePatient, "Айгерим Байжанова")
	b := ev.issue(t, NewVisitorID(), TypePatient, "Айгерим Байжанова")
	ab, _ := decodeDigits(a[:len(a)-1])
	bb, _ := decodeDigits(b[:len(b)-1])
	if bytes.Equal(ab[tagLen+laptopLen:], bb[tagLen+laptopLen:]) || bytes.Contains(bb, ab[headerLen+4:headerLen+12]) {
		t.Error("two visitors of the same name have the same sealed bytes")
	}
}

// withCheck returns b spelled as a badge code with a correct check digit:
// what someone who edits a badge's bytes would type.
func withCheck(b []byte) string {
	c := encodeDigits(b)
	return c + string('0'+damm(c))
}

func TestBadgeRejected(t *testing.T) {
	ev := newTestEvent(t)
	other := newTestEvent(t)
	id := NewVisitorID()
	good := ev.issue(t, id, TypePatient, "Айгерим")
	otherCode := other.issue(t, id, TypePatient, "Айгерим")
	b, _ := decodeDigits(good[:len(good)-1])

	// Someone who knows the event's public root key, and so its tag, but
	// not the seal key: the MAC does not verify.
	guess := &Issuer{Keys: EventKeys{Root: ev.keys.Root, Seal: other.keys.Seal}, Key: other.issuer.Key, Cert: other.issuer.Cert}
	guessCode, err := guess.Issue(id, TypePatient, "Айгерим")
	if err != nil {
		t.Fatal(err)
	}
	// A byte of the sealed name changed, the check digit made right.
	edited := bytes.Clone(b)
	edited[len(edited)-1] ^= 0x01
	// Another laptop tag on a real badge.
	moved := bytes.Clone(b)
	moved[tagLen] ^= 0x80
	// The last seven bytes dropped.
	short := withCheck(b[:len(b)-7])
	// Format 2, as printed before: 480 digits.
	format2 := withCheck(append([]byte{0x02}, make([]byte, 196)...))

	// One digit changed anywhere, or two swapped: the check digit says so.
	var flips []string
	for i := range len(good) {
		c := []byte(good)
		c[i] = '0' + (c[i]-'0'+1)%10
		flips = append(flips, string(c))
	}
	swap := []byte(good)
	for i := 0; i+1 < len(swap); i++ {
		if swap[i] != swap[i+1] {
			swap[i], swap[i+1] = swap[i+1], swap[i]
			break
		}
	}

	tests := []struct {
		name, code, reason string
		revoked            bool
	}{
		{"other event", otherCode, ReasonOtherEvent, false},
		{"made without the seal key", guessCode, ReasonForged, false},
		{"edited name", withCheck(edited), ReasonForged, false},
		{"another laptop tag", withCheck(moved), ReasonForged, false},
		{"seven bytes short", short, ReasonForged, false},
		{"two digits swapped", string(swap), ReasonDamaged, false},
		{"truncated by 1 digit", good[:len(good)-1], ReasonMalformed, false},
		{"one digit added", good + "0", ReasonMalformed, false},
		{"chunk out of range", "99999999999999999" + good[17:len(good)-1] + string('0'+damm("99999999999999999"+good[17:len(good)-1])), ReasonMalformed, false},
		{"letters", "abc" + good[3:], ReasonMalformed, false},
		{"format 1 length", "1234567890128", ReasonMalformed, false},
		{"format 2", format2, ReasonMalformed, false},
		{"revoked laptop", good, ReasonRevoked, true},
	}
	for i, f := range flips {
		tests = append(tests, struct {
			name, code, reason string
			revoked            bool
		}{fmt.Sprintf("digit %d changed", i), f, ReasonDamaged, false})
	}
	revoked := LaptopTag(KeyID(ev.issuer.Key.Public().(ed25519.PublicKey)))
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
	// Revoking another laptop leaves this one's badges alone.
	v := &Verifier{Keys: ev.keys, Revoked: func(k string) bool { return k == LaptopTag(KeyID(other.issuer.Key.Public().(ed25519.PublicKey))) }}
	if revoked != LaptopTag(KeyID(other.issuer.Key.Public().(ed25519.PublicKey))) {
		if _, err := v.Verify(good); err != nil {
			t.Errorf("another laptop revoked: %v", err)
		}
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
		code[:40] + " " + code[40:], strings.Repeat("я", 200) + "!", strings.Repeat("9", 5000), strings.Repeat("1", 17),
		code[:minBadgeDigits-1]} {
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
	if n := len(encodeDigits(make([]byte, maxBadgeLen))) + 1; n > MaxBadgeDigits {
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
	for i, tc := range badgeNames {
		code := ev.issue(f, NewID(), tc.name, tc.written)
		f.Add(code)
		f.Add(Layouts[3].Type(code) + "\r\n")
		f.Add(code[:len(code)-17])
		cs := &BadgeConsents{Health: i%2 == 0, Transfer: true, Share: uint64(i) << i, At: typicalConsents.At}
		with, err := ev.issuer.IssueWith(NewVisitorID(), tc.name, tc.written, cs)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(with)
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
		again, err := ev.issuer.IssueWith(got.VisitorID, got.Type, got.Name, got.Consents)
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

func BenchmarkParseBadgeKazakh(b *testing.B) {
	ev := newTestEvent(b)
	typed := Layouts[3].Type(ev.issue(b, NewID(), TypePatient, "Айгерим Байжанова"))
	for b.Loop() {
		if _, err := ParseBadge(typed); err != nil {
			b.Fatal(err)
		}
	}
}

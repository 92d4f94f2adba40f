package booth

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	qrcode "github.com/skip2/go-qrcode"
)

// hospitalIDs returns n hospital ids in the event's order.
func hospitalIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = NewID()
	}
	slices.Sort(out)
	return out
}

// badgeMasks are the hospital masks tried: none, each one alone, the
// first and last together and all, for an event of n hospitals.
func badgeMasks(n int) []uint64 {
	all := uint64(1)<<n - 1
	masks := []uint64{0, all, 1 | 1<<(n-1)}
	for i := range n {
		masks = append(masks, 1<<i)
	}
	return masks
}

// Every combination of health, transfer and hospitals goes through a badge
// and comes back, to the minute, with the name uncut when it is short.
func TestBadgeConsentsRoundTrip(t *testing.T) {
	ev := newTestEvent(t)
	v := &Verifier{Keys: ev.keys}
	at := time.Date(2026, 9, 17, 10, 31, 42, 123e6, time.UTC)
	for _, hospitals := range []int{1, 11} {
		for _, mask := range badgeMasks(hospitals) {
			for _, health := range []bool{false, true} {
				for _, transfer := range []bool{false, true} {
					for i, name := range []string{"Айгерим Байжанова", "김민준", "Ли"} {
						id := NewVisitorID()
						if i == 1 {
							id = NewID()
						}
						cs := &BadgeConsents{Health: health, Transfer: transfer, Share: mask, At: at}
						what := fmt.Sprintf("%d hospitals, mask %b, health %v, transfer %v, %q", hospitals, mask, health, transfer, name)
						code, err := ev.issuer.IssueWith(id, TypePatient, name, cs)
						if err != nil {
							t.Fatal(err)
						}
						if len(code) > MaxBadgeDigits {
							t.Fatalf("%s: %d digits", what, len(code))
						}
						got, err := v.Verify(code)
						if err != nil {
							t.Fatalf("%s: %v", what, err)
						}
						if got.VisitorID != id || got.Name != name || got.Truncated {
							t.Errorf("%s: read as %+v", what, got)
						}
						if !health && !transfer && mask == 0 {
							if got.Consents != nil {
								t.Errorf("%s: nothing to carry, carried %+v", what, got.Consents)
							}
							continue
						}
						want := BadgeConsents{Health: health, Transfer: transfer, Share: mask, At: at.Truncate(time.Minute)}
						if got.Consents == nil || *got.Consents != want {
							t.Errorf("%s: consents %+v, want %+v", what, got.Consents, want)
						}
						if again, _ := ev.issuer.IssueWith(id, TypePatient, name, got.Consents); again != code {
							t.Errorf("%s: issued again from what it carries, another code", what)
						}
					}
				}
			}
		}
	}
}

// goldenEvent is an event with fixed keys and one laptop of a fixed key.
func goldenEvent() (*Verifier, *Issuer) {
	root := ed25519.NewKeyFromSeed(make([]byte, 32))
	seal := make([]byte, 32)
	for i := range seal {
		seal[i] = byte(i)
	}
	keys := EventKeys{Root: root.Public().(ed25519.PublicKey), Seal: seal}
	seed := make([]byte, 32)
	seed[0] = 1
	lap := ed25519.NewKeyFromSeed(seed)
	return &Verifier{Keys: keys}, &Issuer{Keys: keys, Key: lap, Cert: Certify(root, keys, lap.Public().(ed25519.PublicKey))}
}

// Badges printed before badges carried consents still verify, as they
// did, with no consents.
func TestBadgeWithoutConsentPart(t *testing.T) {
	v, is := goldenEvent()
	for _, tc := range []struct{ code, id, name string }{
		{"1385592517858071062825348130559981319897879593260856639903373334617771640193094826937124257",
			"019af9b2-7c10-7abc-8d6d-627669640001", "Айгерим Байжанова"},
		{"138559251785758860546256104034424321358469038820185536199661167517080451157101993717",
			"0190c2a4-1b2c-7d3e-8f40-1234567890ab", "김민준"},
	} {
		got, err := v.Verify(tc.code)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got.VisitorID != tc.id || got.Name != tc.name || got.Type != TypePatient || got.Consents != nil {
			t.Errorf("%s: read as %+v", tc.name, got)
		}
		// Issued today without consents, it is the same code.
		if again, _ := is.Issue(tc.id, TypePatient, tc.name); again != tc.code {
			t.Errorf("%s: the spelling changed: %s", tc.name, again)
		}
	}
}

// The consent part is sealed and under the MAC: a changed bit anywhere in
// it, or a badge whose info byte claims or hides the part, is forged.
func TestBadgeConsentsTampered(t *testing.T) {
	ev := newTestEvent(t)
	v := &Verifier{Keys: ev.keys}
	id := NewVisitorID()
	cs := &BadgeConsents{Health: true, Transfer: true, Share: 1 << 9, At: time.Date(2026, 9, 17, 10, 0, 0, 0, time.UTC)}
	good := ev.issue(t, id, TypePatient, "Айгерим")
	code, err := ev.issuer.IssueWith(id, TypePatient, "Айгерим", cs)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := decodeDigits(code[:len(code)-1])
	start, end := headerLen+1+shortIDLen, headerLen+1+shortIDLen+len(cs.encode())
	for i := headerLen; i < end; i++ {
		for bit := range 8 {
			edited := bytes.Clone(b)
			edited[i] ^= 1 << bit
			if _, err := v.Verify(withCheck(edited)); reasonOf(err) != ReasonForged {
				t.Fatalf("byte %d bit %d changed: %v", i, bit, err)
			}
		}
	}
	// The consent part cut out of the bytes, or put into a badge without
	// one: the MAC no longer matches.
	cut := append(bytes.Clone(b[:start]), b[end:]...)
	if _, err := v.Verify(withCheck(cut)); reasonOf(err) != ReasonForged {
		t.Errorf("consent part cut out: %v", err)
	}
	gb, _ := decodeDigits(good[:len(good)-1])
	added := append(bytes.Clone(gb[:start]), append(bytes.Clone(b[start:end]), gb[start:]...)...)
	if _, err := v.Verify(withCheck(added)); reasonOf(err) != ReasonForged {
		t.Errorf("consent part added: %v", err)
	}
}

// Parts Issue never writes are malformed even under a good MAC: made here
// by sealing them with the event's keys.
func TestBadgeConsentsMalformed(t *testing.T) {
	ev := newTestEvent(t)
	v := &Verifier{Keys: ev.keys}
	short, _ := shortVisitorID(uuid.MustParse(NewVisitorID()))
	for _, tc := range []struct {
		name string
		part []byte
	}{
		{"empty", []byte{0, 0, 0, 1}},
		{"a last byte of zero", []byte{0x81, 0x00, 0, 0, 1}},
		{"hospitals beyond the 56th", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0, 0, 1}},
		{"ten bytes of purposes", []byte{0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 0, 1}},
		{"running off the end", []byte{0x81}},
		{"no time", []byte{0x01, 0, 0}},
	} {
		plain := append([]byte{byte(typeIndex(TypePatient)) | infoConsents}, short[:]...)
		plain = append(plain, tc.part...)
		if _, err := v.Verify(sealForTest(ev, plain)); reasonOf(err) != ReasonMalformed {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// sealForTest makes a badge of any plaintext with the event's keys.
func sealForTest(ev *testEvent, plain []byte) string {
	head := ev.keys.badgeHead()
	b := append(head[:], 0x12, 0x34)
	mac := badgeMAC(ev.keys, b, plain)
	b = append(b, mac...)
	sealed := make([]byte, len(plain))
	badgeSeal(ev.keys, mac).XORKeyStream(sealed, plain)
	return withCheck(append(b, sealed...))
}

func TestBadgeConsentsOf(t *testing.T) {
	hs := hospitalIDs(11)
	at := func(m int) time.Time { return time.Date(2026, 9, 17, 10, m, 30, 500e6, time.UTC) }
	c := func(p Purpose, org string, granted bool, m int) Consent {
		return Consent{ID: NewID(), Purpose: p, OrgID: org, Granted: granted, At: at(m)}
	}
	tests := []struct {
		name string
		cs   []Consent
		want *BadgeConsents
	}{
		{"nothing given", []Consent{c(PurposeContact, "", true, 0), c(PurposeMarketing, "", true, 0)}, nil},
		{"all given, stated at the earliest", []Consent{c(PurposeContact, "", true, 0), c(PurposeHealth, "", true, 5),
			c(PurposeTransfer, "", true, 3), c(PurposeProvision, hs[0], true, 7), c(PurposeProvision, hs[10], true, 9)},
			&BadgeConsents{Health: true, Transfer: true, Share: 1 | 1<<10, At: at(3).Truncate(time.Minute)}},
		{"withdrawn is not carried", []Consent{c(PurposeHealth, "", true, 1), c(PurposeHealth, "", false, 2),
			c(PurposeTransfer, "", true, 4)}, &BadgeConsents{Transfer: true, At: at(4).Truncate(time.Minute)}},
		{"given again after a withdrawal", []Consent{c(PurposeHealth, "", true, 1), c(PurposeHealth, "", false, 2),
			c(PurposeHealth, "", true, 6)}, &BadgeConsents{Health: true, At: at(6).Truncate(time.Minute)}},
		{"a hospital of no event list", []Consent{c(PurposeProvision, NewID(), true, 1)}, nil},
		{"before the epoch", []Consent{{ID: NewID(), Purpose: PurposeHealth, Granted: true, At: badgeEpoch.Add(-time.Second)}}, nil},
	}
	for _, tc := range tests {
		got := BadgeConsentsOf(tc.cs, hs)
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// The records a scan makes say what the badge said, at its time, and lose a
// tie to any decision recorded at a laptop at that very time.
func TestBadgeConsentRecords(t *testing.T) {
	hs := hospitalIDs(11)
	at := time.Now().UTC().Truncate(time.Minute)
	b := &BadgeConsents{Health: true, Share: 1<<2 | 1<<10, At: at}
	recs := b.Records("v", hs)
	want := []string{"health/", "provision/" + hs[2], "provision/" + hs[10]}
	var got []string
	for _, r := range recs {
		got = append(got, string(r.Purpose)+"/"+r.OrgID)
		if !r.Granted || !r.At.Equal(at) || r.VisitorID != "v" || r.TextVersion != BadgeTextVersion {
			t.Errorf("record %+v", r)
		}
		// A withdrawal recorded at the same millisecond wins.
		w := Consent{ID: NewID(), Purpose: r.Purpose, OrgID: r.OrgID, Granted: false, At: at}
		if HasConsent([]Consent{r, w}, r.Purpose, r.OrgID) || HasConsent([]Consent{w, r}, r.Purpose, r.OrgID) {
			t.Errorf("%s: the copy beats a withdrawal of the same time", r.Purpose)
		}
		if u := uuid.MustParse(r.ID); u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Errorf("%s is not a UUIDv7", r.ID)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("records %v, want %v", got, want)
	}
	// A badge from a laptop that knew more hospitals: the unknown ones are
	// not carried.
	if recs := b.Records("v", hs[:3]); len(recs) != 2 {
		t.Errorf("with 3 hospitals known: %d records", len(recs))
	}
}

// With the consents a visitor who shares with one of 11 hospitals carries,
// or with every hospital a badge can name, a badge still fits 130 digits and
// a QR of version 4 at M: the name is cut sooner.
func TestBadgeConsentsKeystrokes(t *testing.T) {
	ns := badgeLengthsWith(t, typicalConsents)
	if max := ns[len(ns)-1]; max > MaxBadgeDigits {
		t.Fatalf("badges with consents of %d–%d digits; want at most %d", ns[0], max, MaxBadgeDigits)
	}
	ev := newTestEvent(t)
	full := &BadgeConsents{Health: true, Transfer: true, Share: 1<<MaxBadgeHospitals - 1, At: time.Now()}
	for _, name := range []string{"Нурсултан Абдукаримович Жаксылыков", strings.Repeat("😀", 40), "김민준 김서연 박지훈 이영희 최수아"} {
		code, err := ev.issuer.IssueWith(NewID(), TypePatient, name, full)
		if err != nil || len(code) > MaxBadgeDigits {
			t.Fatalf("%q with every hospital: %d digits, %v", name, len(code), err)
		}
		q, err := qrcode.New(code, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		if q.VersionNumber > 4 {
			t.Fatalf("%q with every hospital: a QR of version %d, want ≤ 4", name, q.VersionNumber)
		}
	}
}

// The copies a scan makes never change a decision: for any history the
// printing laptop held and any decisions recorded elsewhere, before or after
// the print, the latest decision on every purpose is the same with the
// copies as without them. This is what keeps HQ's report and lead files
// as they would be had the consents come by merge.
func TestBadgeCopiesNeverChangeADecision(t *testing.T) {
	hs := hospitalIDs(3)
	r := rand.New(rand.NewPCG(19, 3))
	start := time.Date(2026, 9, 17, 5, 0, 0, 0, time.UTC)
	type key struct {
		p   Purpose
		org string
	}
	keys := []key{{PurposeHealth, ""}, {PurposeTransfer, ""}}
	for _, h := range hs {
		keys = append(keys, key{PurposeProvision, h})
	}
	decision := func(at time.Time) Consent {
		k := keys[r.IntN(len(keys))]
		// Ids are made when the decision is recorded, never before it.
		return Consent{ID: idBefore(at.Add(time.Duration(1+r.IntN(3)) * time.Millisecond)), Purpose: k.p, OrgID: k.org,
			Granted: r.IntN(3) > 0, At: at}
	}
	for range 5000 {
		// A few times, most on whole minutes, where ties happen.
		at := func() time.Time {
			return start.Add(time.Duration(r.IntN(6))*time.Minute + time.Duration(r.IntN(4)/3)*30*time.Second)
		}
		var printer, elsewhere []Consent
		for range r.IntN(6) {
			printer = append(printer, decision(at()))
		}
		for range r.IntN(4) {
			elsewhere = append(elsewhere, decision(at()))
		}
		copies := BadgeConsentsOf(printer, hs).Records("v", hs)
		without := append(slices.Clone(printer), elsewhere...)
		with := append(slices.Clone(without), copies...)
		for _, k := range keys {
			if HasConsent(with, k.p, k.org) != HasConsent(without, k.p, k.org) {
				t.Fatalf("%s %s: the copies %+v change the decision of %+v", k.p, k.org, copies, without)
			}
		}
		// On a laptop that holds only what was recorded elsewhere, the
		// copies give what the printing laptop held, unless a decision
		// there is as recent as the badge's stated time.
		b := BadgeConsentsOf(printer, hs)
		for _, k := range keys {
			if !HasConsent(printer, k.p, k.org) {
				continue
			}
			there := LatestConsent(elsewhere, k.p, k.org)
			if (there == nil || there.At.Before(b.At)) && !HasConsent(append(slices.Clone(elsewhere), copies...), k.p, k.org) {
				t.Fatalf("%s %s: the badge %+v did not carry what %+v held", k.p, k.org, b, printer)
			}
		}
	}
}

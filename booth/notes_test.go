package booth

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

var cheapWrap = PassphraseCost{Time: 1, Memory: 64, Threads: 1}

func TestSealedNotesOpenOnlyWithTheirHospitalsKey(t *testing.T) {
	a, err := NewHospitalKey("hosp-a", "blue river seven lanterns", cheapWrap)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewHospitalKey("hosp-b", "quiet orchard under snow", cheapWrap)
	if err != nil {
		t.Fatal(err)
	}
	note := NoteContent{Complaint: "Menstrual pain", Summary: "Боли 3 месяца; УЗИ в Алматы без патологии. Рекомендована телеконсультация."}
	sealed, err := SealNote(a.Recipient, note)
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"Боли 3 месяца", "Menstrual pain", "телеконсультация"} {
		if bytes.Contains(sealed, []byte(plain)) {
			t.Fatalf("the sealed note shows %q", plain)
		}
	}
	keyA, err := a.Unwrap("blue river seven lanterns")
	if err != nil {
		t.Fatal(err)
	}
	got, err := keyA.Open(sealed)
	if err != nil || got != note {
		t.Fatalf("Open = %+v, %v", got, err)
	}
	keyB, err := b.Unwrap("quiet orchard under snow")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := keyB.Open(sealed); err == nil || got.Summary != "" || ErrorCode(err) != ECONFLICT {
		t.Fatalf("hospital B opened A's note: %+v, %v", got, err)
	}
	// B's passphrase does not open A's key, nor does A's key open under
	// B's name.
	if _, err := a.Unwrap("quiet orchard under snow"); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	swapped := &HospitalKey{OrgID: "hosp-b", Recipient: a.Recipient, Wrapped: a.Wrapped}
	if _, err := swapped.Unwrap("blue river seven lanterns"); err == nil {
		t.Error("a wrapped key opened under another hospital's id")
	}
	// Damage anywhere in the wrapped key is caught.
	for i := 0; i < len(a.Wrapped); i += 7 {
		bad := &HospitalKey{OrgID: a.OrgID, Recipient: a.Recipient, Wrapped: bytes.Clone(a.Wrapped)}
		bad.Wrapped[i] ^= 0x20
		if _, err := bad.Unwrap("blue river seven lanterns"); err == nil {
			t.Fatalf("a wrapped key damaged at byte %d opened", i)
		}
	}
	// A crafted cost cannot make unwrapping eat the laptop.
	huge := &HospitalKey{OrgID: a.OrgID, Recipient: a.Recipient, Wrapped: bytes.Clone(a.Wrapped)}
	copy(huge.Wrapped[len(wrapMagic)+4:], []byte{0xff, 0xff, 0xff, 0xff})
	if _, err := huge.Unwrap("blue river seven lanterns"); ErrorCode(err) != EINVALID {
		t.Errorf("a key with a huge memory cost: %v", err)
	}
	if n, err := keyA.Open(nil); err != nil || !n.Empty() {
		t.Errorf("no note: %+v %v", n, err)
	}
}

func TestPassphraseRules(t *testing.T) {
	for p, ok := range map[string]bool{"blue river seven": true, "short": false, "aaaaaaaaaaaaaaaa": false, "123412341234": false,
		"Қызыл алма бағы": true} {
		if err := CheckPassphraseRules(p); (err == nil) != ok {
			t.Errorf("CheckPassphraseRules(%q) = %v", p, err)
		}
	}
	if _, err := NewHospitalKey("h", "short", cheapWrap); ErrorCode(err) != EINVALID {
		t.Errorf("a short passphrase made a key: %v", err)
	}
}

func TestConsultationValidate(t *testing.T) {
	ok := Consultation{VisitorID: "v", OrgID: "h", Department: " Dentistry ", Recommendation: RecommendQuote, FollowUp: FollowUpNo, FollowUpWhen: "1 month"}
	n := NoteContent{Summary: "  short  "}
	if err := ok.Validate(&n); err != nil || ok.Department != "Dentistry" || n.Summary != "short" || ok.FollowUpWhen != "" {
		t.Fatalf("Validate: %v %+v %+v", err, ok, n)
	}
	for name, c := range map[string]Consultation{
		"no visitor":     {OrgID: "h", Department: "d"},
		"no hospital":    {VisitorID: "v", Department: "d"},
		"no department":  {VisitorID: "v", OrgID: "h"},
		"recommendation": {VisitorID: "v", OrgID: "h", Department: "d", Recommendation: "surgery"},
		"follow-up":      {VisitorID: "v", OrgID: "h", Department: "d", FollowUp: "soon"},
	} {
		if err := c.Validate(&NoteContent{}); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	long := NoteContent{Summary: strings.Repeat("ж", MaxSummary+1)}
	c := Consultation{VisitorID: "v", OrgID: "h", Department: "d"}
	if err := c.Validate(&long); ErrorCode(err) != EINVALID {
		t.Errorf("a summary over %d characters: %v", MaxSummary, err)
	}
}

// FuzzOpenNote: whatever bytes arrive as a sealed note (a bundle from
// another laptop), opening them fails cleanly or gives a note.
func FuzzOpenNote(f *testing.F) {
	k, _ := NewHospitalKey("h", "blue river seven lanterns", cheapWrap)
	key, _ := k.Unwrap("blue river seven lanterns")
	good, _ := SealNote(k.Recipient, NoteContent{Summary: "x"})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("age-encryption.org/v1\n-> X25519 \n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := key.Open(b)
		if err != nil && ErrorMessage(err) == "" {
			t.Fatal("an error without a sentence")
		}
		_ = n
	})
}

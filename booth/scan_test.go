package booth

import (
	"slices"
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	v := &Visitor{ID: "v1", Name: "Айгерім"}
	erased := &Visitor{ID: "v2", Erased: true}
	first := &Scan{ID: "s1"}
	for _, tc := range []struct {
		name   string
		facts  CheckinFacts
		want   Decision
		reason string
	}{
		{"malformed", CheckinFacts{}, Rejected, ReasonMalformed},
		{"unknown", CheckinFacts{Code: "1"}, Rejected, ReasonUnknown},
		{"erased", CheckinFacts{Code: "1", Visitor: erased}, Rejected, ReasonErased},
		{"erased beats duplicate", CheckinFacts{Code: "1", Visitor: erased, FirstToday: first}, Rejected, ReasonErased},
		{"first of the day", CheckinFacts{Code: "1", Visitor: v}, Admitted, ""},
		{"again the same day", CheckinFacts{Code: "1", Visitor: v, FirstToday: first}, Duplicate, ""},
	} {
		d, r := Decide(tc.facts)
		if d != tc.want || r != tc.reason {
			t.Errorf("%s: got %s/%q, want %s/%q", tc.name, d, r, tc.want, tc.reason)
		}
	}
}

func TestIsDoubleSend(t *testing.T) {
	t0 := time.Date(2026, 9, 17, 5, 0, 0, 0, time.UTC)
	prev := &Scan{Raw: "1234", Code: "1234", At: t0}
	for _, tc := range []struct {
		name      string
		prev      *Scan
		code, raw string
		at        time.Time
		want      bool
	}{
		{"no earlier scan", nil, "1234", "1234", t0, false},
		{"same code 1 s later", prev, "1234", "1234", t0.Add(time.Second), true},
		{"same code garbled differently", prev, "1234", "әі", t0.Add(time.Second), true},
		{"same code 2 s later", prev, "1234", "1234", t0.Add(DoubleSendWindow), false},
		{"other code", prev, "9999", "9999", t0.Add(time.Second), false},
		{"same garbage", &Scan{Raw: "xx", At: t0}, "", "xx", t0.Add(time.Second), true},
		{"earlier than the previous (clock moved back)", prev, "1234", "1234", t0.Add(-time.Second), false},
	} {
		if got := IsDoubleSend(tc.prev, tc.code, tc.raw, tc.at, DoubleSendWindow); got != tc.want {
			t.Errorf("%s: got %v", tc.name, got)
		}
	}
	if IsDoubleSend(prev, "1234", "1234", t0.Add(time.Second), 0) {
		t.Error("a zero window must turn the rule off")
	}
}

var splitCases = []struct {
	in   string
	want []string
}{
	{"1234", []string{"1234"}},
	{"1234\r", []string{"1234"}},
	{"1234\r\n", []string{"1234"}},
	{"1234\t1234\t", []string{"1234"}},
	{"1234\r1234\r", []string{"1234"}},
	{"1234\r5678\r", []string{"1234", "5678"}},
	{" 1234 \n", []string{"1234"}},
	{"\r\n\t", nil},
	{"", nil},
}

func TestSplitScannerInput(t *testing.T) {
	for _, tc := range splitCases {
		if got := SplitScannerInput(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzSplitScannerInput(f *testing.F) {
	for _, tc := range splitCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := SplitScannerInput(s)
		for i, p := range parts {
			if p == "" || p != trimmed(p) {
				t.Fatalf("part %q is empty or untrimmed", p)
			}
			if i > 0 && parts[i-1] == p {
				t.Fatalf("repeat %q not folded", p)
			}
		}
	})
}

func trimmed(s string) string {
	for _, c := range []string{"\r", "\n", "\t", " "} {
		for len(s) > 0 && (s[:1] == c || s[len(s)-1:] == c) {
			if s[:1] == c {
				s = s[1:]
			} else {
				s = s[:len(s)-1]
			}
		}
	}
	return s
}

func TestHasConsentTakesTheLatestDecision(t *testing.T) {
	t0 := time.Date(2026, 9, 17, 5, 0, 0, 0, time.UTC)
	cs := []Consent{
		{ID: "1", Purpose: PurposeHealth, Granted: true, At: t0},
		{ID: "2", Purpose: PurposeProvision, OrgID: "A", Granted: true, At: t0},
		{ID: "3", Purpose: PurposeHealth, Granted: false, At: t0.Add(time.Hour)}, // withdrawn
		{ID: "4", Purpose: PurposeProvision, OrgID: "B", Granted: false, At: t0},
	}
	if HasConsent(cs, PurposeHealth, "") {
		t.Error("withdrawn health consent still counts")
	}
	if !HasConsent(cs, PurposeProvision, "A") || HasConsent(cs, PurposeProvision, "B") || HasConsent(cs, PurposeProvision, "C") {
		t.Error("provision consent must be per hospital")
	}
	if HasConsent(nil, PurposeContact, "") {
		t.Error("no record is no consent")
	}
}

func TestParsePurposes(t *testing.T) {
	got, err := ParsePurposes(" contact, HEALTH,transfer,contact ")
	if err != nil || !slices.Equal(got, []Purpose{PurposeContact, PurposeHealth, PurposeTransfer}) {
		t.Fatalf("got %v %v", got, err)
	}
	if _, err := ParsePurposes("contact,provision"); ErrorCode(err) != EINVALID {
		t.Fatalf("provision needs a hospital (--share-with), got %v", err)
	}
}

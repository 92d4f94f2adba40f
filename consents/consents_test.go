package consents

import (
	"testing"

	"medibooth/assets"
	"medibooth/booth"
)

func TestRecordNamesTheTextRead(t *testing.T) {
	for _, lang := range []string{"ko", "en", "ru", "kk"} {
		c, err := Record("v1", booth.PurposeHealth, "", true, lang)
		text, terr := assets.ConsentText(string(booth.PurposeHealth), lang)
		if err != nil || terr != nil {
			t.Fatalf("%s: %v %v", lang, err, terr)
		}
		if c.VisitorID != "v1" || !c.Granted || c.Lang != lang || c.TextVersion != assets.ConsentVersion || c.TextHash != assets.Hash(text) {
			t.Errorf("%s: %+v", lang, c)
		}
	}
	// No text in that language: no record, rather than one without its words.
	if _, err := Record("v1", booth.PurposeHealth, "", true, "de"); booth.ErrorCode(err) != booth.EINVALID {
		t.Fatalf("a consent without its text: %v", err)
	}
	if _, err := (Answers{Contact: true}).Records("", "de"); err == nil {
		t.Fatal("answers recorded without their texts")
	}
}

func TestAnswersRecordEveryQuestion(t *testing.T) {
	rs, err := Answers{Contact: true, Transfer: true, Hospitals: []string{"h1", "h2"}}.Records("", "ru")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range rs {
		got[string(c.Purpose)+":"+c.OrgID] = c.Granted
	}
	want := map[string]bool{"contact:": true, "health:": false, "transfer:": true, "marketing:": false, "provision:h1": true, "provision:h2": true}
	if len(got) != len(want) {
		t.Fatalf("records %v, want %v", got, want)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (recorded %v), want %v", k, g, ok, v)
		}
	}
}

func TestSharingNeedsTheTransferAbroad(t *testing.T) {
	rec := func(p booth.Purpose, org string, granted bool) booth.Consent {
		return booth.Consent{Purpose: p, OrgID: org, Granted: granted}
	}
	share := rec(booth.PurposeProvision, "h1", true)
	held := []booth.Consent{rec(booth.PurposeTransfer, "", true)}
	for _, c := range []struct {
		what         string
		held, adding []booth.Consent
		ok           bool
	}{
		{"sharing alone", nil, []booth.Consent{share}, false},
		{"sharing with the transfer", nil, []booth.Consent{rec(booth.PurposeTransfer, "", true), share}, true},
		{"sharing with the transfer held", held, []booth.Consent{share}, true},
		{"sharing while withdrawing the transfer", held, []booth.Consent{rec(booth.PurposeTransfer, "", false), share}, false},
		{"sharing with the transfer refused", nil, []booth.Consent{rec(booth.PurposeTransfer, "", false), share}, false},
		{"no longer sharing", nil, []booth.Consent{rec(booth.PurposeProvision, "h1", false)}, true},
		{"nothing shared", nil, []booth.Consent{rec(booth.PurposeHealth, "", true)}, true},
	} {
		if err := CheckShare(c.held, c.adding); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.what, err)
		}
	}
}

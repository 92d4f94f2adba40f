package booth

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/quick"
	"unicode/utf8"
)

func TestSafeCellNeutralisesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+7 701": "'+7 701", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "Алматы": "Алматы", "": "", "경희대": "경희대", "a=b": "a=b",
		"＝1+1": "'＝1+1", "＋7 701": "'＋7 701", "＠A1": "'＠A1", "－1": "'－1",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
	dangerous := "=+-@\t\r＝＋－＠"
	first := func(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }
	prop := func(s string) bool {
		got := SafeCell(s)
		if got != "" && strings.ContainsRune(dangerous, first(got)) {
			return false // still starts like a formula
		}
		if s == "" || !strings.ContainsRune(dangerous, first(s)) {
			return got == s // harmless text is left alone
		}
		return got == "'"+s
	}
	cfg := &quick.Config{MaxCount: 20000, Rand: nil}
	if err := quick.Check(prop, cfg); err != nil {
		t.Error(err)
	}
	// Strings made mostly of the dangerous characters, which quick rarely draws.
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("=+-@\t\r aЖ한,\"\n＝＋")
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		if !prop(b.String()) {
			t.Fatalf("SafeCell(%q) = %q", b.String(), SafeCell(b.String()))
		}
	}
}

func TestReportCSVForExcel(t *testing.T) {
	r := &Report{Event: "Almaty", VisitorsUnique: 3, CheckinsByDay: map[string]int{"2026-09-18": 1, "2026-09-17": 2},
		ConsultationsByHospital: map[string]int{"=cmd|' /C calc'!A0": 1, "경희대학교한방병원": 2},
		ConsentRates:            map[string]ConsentRate{"health": {Given: 1, Of: 2, Rate: 0.5}}}
	var b bytes.Buffer
	if err := WriteReportCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 byte order mark: Excel would garble Hangul")
	}
	recs, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, rec := range recs[1:] {
		got[rec[0]+"/"+rec[1]] = rec[2]
	}
	for k, want := range map[string]string{"totals/visitors_unique": "3", "checkins_by_day/2026-09-17": "2",
		"consultations_by_hospital/경희대학교한방병원": "2", "consultations_by_hospital/'=cmd|' /C calc'!A0": "1",
		"consent_rates/health": "0.5"} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	// Days in date order, breakdowns largest first.
	var days []string
	for _, rec := range recs {
		if rec[0] == "checkins_by_day" {
			days = append(days, rec[1])
		}
	}
	if strings.Join(days, ",") != "2026-09-17,2026-09-18" {
		t.Errorf("days %v", days)
	}
}

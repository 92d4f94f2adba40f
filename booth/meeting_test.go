package booth

import (
	"strings"
	"testing"
	"time"
)

func TestMeetingValidate(t *testing.T) {
	long := func(n int) string { return strings.Repeat("ә", n) } // two bytes, one character
	for _, tc := range []struct {
		name string
		m    Meeting
		want string // part of the sentence; "" valid
	}{
		{"minimal", Meeting{FirmID: "f", Agency: "Silk Way Travel"}, ""},
		{"agency by id", Meeting{FirmID: "f", AgencyID: "a"}, ""},
		{"everything at its limit", Meeting{FirmID: "f", Agency: long(200), City: long(100), Contact: long(200),
			Attendees: long(300), Outcome: long(500), NextAction: long(500), MOU: true}, ""},
		{"late with a time", Meeting{FirmID: "f", Agency: "A", Late: true, At: time.Now()}, ""},
		{"no firm", Meeting{Agency: "Silk Way"}, "Choose the firm"},
		{"blank firm", Meeting{FirmID: "  ", Agency: "Silk Way"}, "Choose the firm"},
		{"no agency", Meeting{FirmID: "f", Agency: " \t "}, "name of the agency"},
		{"agency name too long", Meeting{FirmID: "f", Agency: long(201)}, "agency's name is longer than 200"},
		{"city too long", Meeting{FirmID: "f", Agency: "A", City: long(101)}, "city is longer than 100"},
		{"contact too long", Meeting{FirmID: "f", Agency: "A", Contact: long(201)}, "contact is longer than 200"},
		{"attendees too long", Meeting{FirmID: "f", Agency: "A", Attendees: long(301)}, "attendees is longer than 300"},
		{"outcome too long", Meeting{FirmID: "f", Agency: "A", Outcome: long(501)}, "outcome is longer than 500"},
		{"next action too long", Meeting{FirmID: "f", Agency: "A", NextAction: long(501)}, "next action is longer than 500"},
		{"late without a time", Meeting{FirmID: "f", Agency: "A", Late: true}, "needs the time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			err := m.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.want) {
				t.Fatalf("got %v, want a sentence with %q", err, tc.want)
			}
			if msg := ErrorMessage(err); strings.Count(msg, ". ") > 0 || !strings.HasSuffix(msg, ".") {
				t.Errorf("not one sentence: %q", msg)
			}
		})
	}
}

func TestMeetingValidateTidies(t *testing.T) {
	m := Meeting{FirmID: " f ", Agency: "  Silk   Way\tTravel ", City: " Almaty  ", Outcome: "\n agreed \n", NextAction: " call "}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.FirmID != "f" || m.Agency != "Silk Way Travel" || m.City != "Almaty" || m.Outcome != "agreed" || m.NextAction != "call" {
		t.Fatalf("%+v", m)
	}
}

func TestCheckMeetingFirm(t *testing.T) {
	for _, tc := range []struct {
		org  *Org
		want string
	}{
		{&Org{Kind: OrgFirm, Name: "Hangang Medical Tour"}, ""},
		{&Org{Kind: OrgHospital, Name: "Korea University Anam Hospital"}, ""}, // coordinators meet agencies too
		{&Org{Kind: OrgAgency, Name: "Silk Way Travel Almaty"}, "Silk Way Travel Almaty is an agency, not one of our firms."},
		{nil, "Choose the firm that held the meeting."},
	} {
		err := CheckMeetingFirm(tc.org)
		if got := ErrorMessage(err); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.org, got, tc.want)
		}
	}
}

func TestParseMeetingTime(t *testing.T) {
	almaty, err := time.LoadLocation("Asia/Almaty")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	// 23:30 UTC on the 16th is already the 17th in Almaty (UTC+5).
	now := time.Date(2026, 9, 16, 23, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"10:30", time.Date(2026, 9, 17, 5, 30, 0, 0, time.UTC), false},
		{" 9:05 ", time.Date(2026, 9, 17, 4, 5, 0, 0, time.UTC), false},
		{"14.00", time.Date(2026, 9, 17, 9, 0, 0, 0, time.UTC), false},
		{"2026-09-18T10:00:00+05:00", time.Date(2026, 9, 18, 5, 0, 0, 0, time.UTC), false},
		{"2026-09-17T04:00:00Z", time.Date(2026, 9, 17, 4, 0, 0, 0, time.UTC), false},
		{"25:00", time.Time{}, true},
		{"10:3", time.Time{}, true},
		{"yesterday", time.Time{}, true},
		{"", time.Time{}, true},
		{"2026-09-17 10:00", time.Time{}, true},
	} {
		got, err := ParseMeetingTime(tc.in, now, almaty)
		if tc.bad {
			if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "HH:MM") {
				t.Errorf("%q: %v %v, want the HH:MM sentence", tc.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%q: %v %v, want %v", tc.in, got.UTC(), err, tc.want)
		}
	}
}

func TestAgencyMatch(t *testing.T) {
	for _, tc := range []struct {
		name, typed string
		want        int
	}{
		{"Silk Way Travel Almaty", "sil", 2},
		{"Silk Way Travel Almaty", "SILK  way", 2},
		{"Silk Way Travel Almaty", "trav", 1},
		{"Silk Way Travel Almaty", "almaty", 1},
		{"Silk Way Travel Almaty", "ilk", 0},
		{"Silk Way Travel Almaty", "way travel", 1},
		{"Сапар Тревел Шымкент", "трев", 1},
		{"Сапар Тревел Шымкент", "сап", 2},
		{"Ёлка Тур", "елка", 2},
		{"Alatau Med-Tour", "tour", 1},
		{"Alatau Med-Tour", "ed", 0},
		{"Koktem Tour", "", 2},
		{"Koktem Tour", "koktem tour almaty", 0},
	} {
		if got := AgencyMatch(tc.name, tc.typed); got != tc.want {
			t.Errorf("AgencyMatch(%q, %q) = %d, want %d", tc.name, tc.typed, got, tc.want)
		}
	}
}

func FuzzAgencyMatch(f *testing.F) {
	for _, s := range [][2]string{{"Silk Way Travel", "tra"}, {"Сапар Тревел", "сап"}, {"", ""}, {"a-b", "b"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, typed string) {
		r := AgencyMatch(name, typed)
		if r < 0 || r > 2 {
			t.Fatalf("rank %d", r)
		}
		// The whole name always matches itself from the start.
		if AgencyMatch(name, name) != 2 {
			t.Fatalf("%q does not match itself", name)
		}
	})
}

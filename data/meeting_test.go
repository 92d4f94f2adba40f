package data_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// mustMeetingOrg stores an organisation of kind k.
func mustMeetingOrg(tb testing.TB, db *data.DB, k booth.OrgKind, name string) *booth.Org {
	tb.Helper()
	o := &booth.Org{Kind: k, Name: name}
	if err := db.CreateOrg(context.Background(), o); err != nil {
		tb.Fatal(err)
	}
	return o
}

// mustMeeting logs a meeting of firm with the agency of that name.
func mustMeeting(tb testing.TB, db *data.DB, m booth.Meeting) booth.Meeting {
	tb.Helper()
	if err := db.AddMeeting(context.Background(), &m); err != nil {
		tb.Fatalf("AddMeeting %+v: %v", m, err)
	}
	return m
}

func agencyNames(tb testing.TB, db *data.DB, prefix string) []string {
	tb.Helper()
	list, err := db.Agencies(context.Background(), prefix, 10)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, a := range list {
		names = append(names, a.Name)
	}
	return names
}

func TestMeetingAgencyDirectoryFillsAndIsReused(t *testing.T) {
	db, clk := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	firm := mustMeetingOrg(t, db, booth.OrgFirm, "Hangang Medical Tour")
	known := mustMeetingOrg(t, db, booth.OrgAgency, "Alatau Med Travel") // in the directory without city or contact

	first := mustMeeting(t, db, booth.Meeting{FirmID: firm.ID, Agency: "Silk Way Travel", City: "Almaty"})
	if first.ID == "" || first.AgencyID == "" || first.Agency != "Silk Way Travel" || first.Firm != "Hangang Medical Tour" {
		t.Fatalf("first meeting %+v", first)
	}
	clk.advance(time.Minute)
	// The same agency typed differently: reused, its contact added, the city kept.
	second := mustMeeting(t, db, booth.Meeting{FirmID: firm.ID, Agency: "  silk   WAY travel ", Contact: "Aidana, +7 701 555 0101"})
	if second.AgencyID != first.AgencyID || second.Agency != "Silk Way Travel" || second.City != "Almaty" {
		t.Fatalf("second meeting did not reuse the agency: %+v", second)
	}
	clk.advance(time.Minute)
	third := mustMeeting(t, db, booth.Meeting{FirmID: firm.ID, Agency: "SILK WAY TRAVEL", City: "Astana"})
	if third.AgencyID != first.AgencyID {
		t.Fatalf("third meeting made another agency: %+v", third)
	}
	clk.advance(time.Minute)
	fourth := mustMeeting(t, db, booth.Meeting{FirmID: firm.ID, Agency: "alatau med travel", City: "Almaty", Contact: "info@alatau.example"})
	if fourth.AgencyID != known.ID || fourth.Agency != "Alatau Med Travel" {
		t.Fatalf("the agency already in the directory was not reused: %+v", fourth)
	}

	agencies, err := db.Orgs(ctx, booth.OrgAgency)
	if err != nil || len(agencies) != 2 {
		t.Fatalf("agencies %+v, %v: want 2", agencies, err)
	}
	list, err := db.Agencies(ctx, "s", 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("Agencies(s) = %+v, %v", list, err)
	}
	if a := list[0]; a.ID != first.AgencyID || a.City != "Astana" || a.Contact != "Aidana, +7 701 555 0101" || a.Meetings != 3 {
		t.Errorf("directory entry %+v: want city Astana, the contact given and 3 meetings", a)
	}
	if a, _ := db.Agencies(ctx, "ALATAU", 10); len(a) != 1 || a[0].City != "Almaty" || a[0].Contact != "info@alatau.example" {
		t.Errorf("Alatau in the directory: %+v", a)
	}
	// Any word of the name; names that start with it first.
	mustMeetingOrg(t, db, booth.OrgAgency, "Travel Kazakhstan")
	for prefix, want := range map[string]string{
		"trav":   "Travel Kazakhstan|Silk Way Travel|Alatau Med Travel",
		"way tr": "Silk Way Travel",
		"med":    "Alatau Med Travel",
		"x":      "",
		"":       "Silk Way Travel|Alatau Med Travel|Travel Kazakhstan",
	} {
		if got := strings.Join(agencyNames(t, db, prefix), "|"); got != want {
			t.Errorf("Agencies(%q) = %s, want %s", prefix, got, want)
		}
	}
	if l, _ := db.Agencies(ctx, "", 2); len(l) != 2 {
		t.Errorf("limit 2 gave %d", len(l))
	}
}

func TestMeetingCountsPerFirmAndAgency(t *testing.T) {
	db, clk := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	f1 := mustMeetingOrg(t, db, booth.OrgFirm, "Hangang Medical Tour")
	f2 := mustMeetingOrg(t, db, booth.OrgFirm, "K-Care Global Travel")
	f3 := mustMeetingOrg(t, db, booth.OrgFirm, "Seoul Medi Bridge")
	mustMeetingOrg(t, db, booth.OrgFirm, "Gangnam Duty Free") // no meeting yet
	mustMeetingOrg(t, db, booth.OrgHospital, "Korea University Anam Hospital")
	for _, m := range []struct {
		firm   *booth.Org
		agency string
		mou    bool
	}{
		{f1, "Silk Way Travel Almaty", false},
		{f1, "Tengri Health Tours", true},
		{f1, "Nomad Care Travel", false},
		{f1, "silk way travel almaty", false},
		{f2, "Silk Way Travel Almaty", false},
		{f2, "Koktem Tour", false},
		{f2, "Сапар Тревел Шымкент", true},
		{f3, "Tengri Health Tours", false},
		{f3, "TENGRI HEALTH TOURS", false},
	} {
		clk.advance(5 * time.Minute)
		mustMeeting(t, db, booth.Meeting{FirmID: m.firm.ID, Agency: m.agency, MOU: m.mou})
	}
	c, err := db.MeetingCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Meetings != 9 || c.MOUs != 2 || c.Firms != 3 || c.Agencies != 5 {
		t.Fatalf("totals: %d meetings, %d MOUs, %d firms, %d agencies; want 9, 2, 3, 5", c.Meetings, c.MOUs, c.Firms, c.Agencies)
	}
	firms := []booth.FirmMeetings{
		{FirmID: f1.ID, Firm: f1.Name, Meetings: 4, Agencies: 3, MOUs: 1},
		{FirmID: f2.ID, Firm: f2.Name, Meetings: 3, Agencies: 3, MOUs: 1},
		{FirmID: f3.ID, Firm: f3.Name, Meetings: 2, Agencies: 1, MOUs: 0},
	}
	if len(c.ByFirm) != 4 || c.ByFirm[3].Firm != "Gangnam Duty Free" || c.ByFirm[3].Meetings != 0 {
		t.Fatalf("by firm: %+v; want 4 firms, the one without meetings last", c.ByFirm)
	}
	for i, want := range firms {
		if c.ByFirm[i] != want {
			t.Errorf("firm %d: %+v, want %+v", i, c.ByFirm[i], want)
		}
	}
	type agencyRow struct {
		name                 string
		meetings, firms, mou int
	}
	wantAgencies := []agencyRow{
		{"Silk Way Travel Almaty", 3, 2, 0},
		{"Tengri Health Tours", 3, 2, 1},
		{"Koktem Tour", 1, 1, 0},
		{"Nomad Care Travel", 1, 1, 0},
		{"Сапар Тревел Шымкент", 1, 1, 1},
	}
	if len(c.ByAgency) != len(wantAgencies) {
		t.Fatalf("by agency: %+v", c.ByAgency)
	}
	for i, w := range wantAgencies {
		a := c.ByAgency[i]
		if (agencyRow{a.Agency, a.Meetings, a.Firms, a.MOUs}) != w {
			t.Errorf("agency %d: %+v, want %+v", i, a, w)
		}
	}

	all, err := db.Meetings(ctx, "")
	if err != nil || len(all) != 9 {
		t.Fatalf("Meetings: %d, %v", len(all), err)
	}
	if all[0].Firm != f3.Name || all[0].Agency != "Tengri Health Tours" || all[8].Agency != "Silk Way Travel Almaty" {
		t.Errorf("not newest first: first %+v, last %+v", all[0], all[8])
	}
	for i := 1; i < len(all); i++ {
		if all[i].At.After(all[i-1].At) {
			t.Errorf("meeting %d is newer than meeting %d", i, i-1)
		}
	}
	ofF2, err := db.Meetings(ctx, f2.ID)
	if err != nil || len(ofF2) != 3 {
		t.Fatalf("Meetings(f2): %d, %v", len(ofF2), err)
	}
	for _, m := range ofF2 {
		if m.FirmID != f2.ID || m.Firm != f2.Name {
			t.Errorf("another firm's meeting: %+v", m)
		}
	}
}

func TestMeetingCountsEmpty(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	c, err := db.MeetingCounts(context.Background())
	if err != nil || c.Meetings != 0 || c.ByFirm == nil || c.ByAgency == nil {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestMeetingLateKeepsItsTimeAndDay(t *testing.T) {
	db, clk := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	firm := mustMeetingOrg(t, db, booth.OrgFirm, "Seoul Patient Concierge")
	clk.advance(30 * time.Hour) // the second day, 16:00 in Almaty
	// Written on paper late on the first evening: 20:00 UTC is already the
	// next day in Almaty.
	at := time.Date(2026, 9, 17, 20, 0, 0, 0, time.UTC)
	late := mustMeeting(t, db, booth.Meeting{FirmID: firm.ID, Agency: "Medeu Travel Group", At: at, Late: true, Outcome: "Wants prices for check-ups."})
	now := mustMeeting(t, db, booth.Meeting{FirmID: firm.ID, Agency: "Medeu Travel Group"})
	list, err := db.Meetings(ctx, firm.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("%+v %v", list, err)
	}
	got := list[1] // older
	if got.ID != late.ID || !got.At.Equal(at) || got.Day != "2026-09-18" || !got.Late || got.Outcome != "Wants prices for check-ups." {
		t.Errorf("late meeting read back as %+v; want at %v, day 2026-09-18, late", got, at)
	}
	if n := list[0]; n.ID != now.ID || n.Late || !n.At.Equal(clk.t) || n.Day != "2026-09-18" {
		t.Errorf("meeting now: %+v", n)
	}
}

func TestMeetingFirmMustBeOneOfOurs(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	hospital := mustMeetingOrg(t, db, booth.OrgHospital, "Korea University Anam Hospital")
	agency := mustMeetingOrg(t, db, booth.OrgAgency, "Baiterek Health Travel")
	for _, tc := range []struct {
		firmID, code, want string
	}{
		{agency.ID, booth.EINVALID, "Baiterek Health Travel is an agency, not one of our firms."},
		{"no-such-id", booth.ENOTFOUND, `There is no firm with the id "no-such-id".`},
	} {
		err := db.AddMeeting(ctx, &booth.Meeting{FirmID: tc.firmID, Agency: "Brand New Agency", City: "Almaty"})
		if booth.ErrorCode(err) != tc.code || booth.ErrorMessage(err) != tc.want {
			t.Errorf("firm %s: %v, want %s %q", tc.firmID, err, tc.code, tc.want)
		}
	}
	if names := agencyNames(t, db, "brand"); len(names) != 0 {
		t.Errorf("a refused meeting added its agency: %v", names)
	}

	if list, _ := db.Meetings(ctx, ""); len(list) != 0 {
		t.Errorf("refused meetings were stored: %+v", list)
	}
	// A hospital's coordinator meets agencies for the hospital; it is
	// counted among the firms once it has a meeting.
	if err := db.AddMeeting(ctx, &booth.Meeting{FirmID: hospital.ID, Agency: "Baiterek Health Travel"}); err != nil {
		t.Fatalf("a hospital's meeting: %v", err)
	}
	c, _ := db.MeetingCounts(ctx)
	if len(c.ByFirm) != 1 || c.ByFirm[0].Firm != hospital.Name || c.ByFirm[0].Meetings != 1 {
		t.Errorf("by firm: %+v", c.ByFirm)
	}
}

func TestMeetingNothingHalfWritten(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	firm := mustMeetingOrg(t, db, booth.OrgFirm, "Mirae Medical Link")
	// The agency is added first, then the meeting refused: a staff member
	// this database does not know fails the meeting's foreign key.
	ghost := booth.WithStaff(ctx, &booth.Staff{ID: "0190f6a0-0000-7000-8000-000000000000", Name: "Ghost"})
	if err := db.AddMeeting(ghost, &booth.Meeting{FirmID: firm.ID, Agency: "Saryarka Med Tour", City: "Karaganda"}); err == nil {
		t.Fatal("a meeting by an unknown staff member was stored")
	}
	// Too long: refused before anything is written.
	err := db.AddMeeting(ctx, &booth.Meeting{FirmID: firm.ID, Agency: "Saryarka Med Tour", Outcome: strings.Repeat("x", 501)})
	if booth.ErrorCode(err) != booth.EINVALID {
		t.Fatalf("501-character outcome: %v", err)
	}
	if names := agencyNames(t, db, ""); len(names) != 0 {
		t.Errorf("the agency of a failed meeting stayed: %v", names)
	}
	if c, _ := db.MeetingCounts(ctx); c.Meetings != 0 {
		t.Errorf("%d meetings stored", c.Meetings)
	}
	// A known agency keeps its city when the meeting fails.
	mustMeeting(t, db, booth.Meeting{FirmID: firm.ID, Agency: "Saryarka Med Tour", City: "Karaganda"})
	if err := db.AddMeeting(ghost, &booth.Meeting{FirmID: firm.ID, Agency: "Saryarka Med Tour", City: "Astana"}); err == nil {
		t.Fatal("stored")
	}
	if a, _ := db.Agencies(ctx, "sary", 1); len(a) != 1 || a[0].City != "Karaganda" || a[0].Meetings != 1 {
		t.Errorf("after a failed meeting: %+v", a)
	}
}

func TestMeetingRecordsStaff(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	firm := mustMeetingOrg(t, db, booth.OrgFirm, "Bom Medical Facilitation")
	s := &booth.Staff{Name: "Park Ji-woo", Role: booth.RoleDesk}
	if err := db.CreateStaff(context.Background(), s, ""); err != nil {
		t.Fatal(err)
	}
	ctx := booth.WithStaff(context.Background(), s)
	m := mustMeeting(t, db, booth.Meeting{FirmID: firm.ID, Agency: "Koktem Tour"})
	if err := db.AddMeeting(ctx, &m); err != nil {
		t.Fatal(err)
	}
	list, err := db.Meetings(ctx, "")
	if err != nil || len(list) != 2 {
		t.Fatalf("%+v %v", list, err)
	}
	by := map[string]string{}
	for _, x := range list {
		by[x.ID] = x.StaffID
	}
	if by[m.ID] != s.ID || len(by) != 2 {
		t.Errorf("staff recorded: %v; want %s on %s", by, s.ID, m.ID)
	}
	for id, staff := range by {
		if id != m.ID && staff != "" {
			t.Errorf("a meeting without anyone signed in has staff %q", staff)
		}
	}
}

func TestMeetingWithoutEvent(t *testing.T) {
	db, _ := MustOpenDB(t)
	err := db.AddMeeting(context.Background(), &booth.Meeting{FirmID: "f", Agency: "A"})
	if booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("%v", err)
	}
}

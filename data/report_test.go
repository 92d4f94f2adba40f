package data_test

import (
	"context"
	"testing"
	"time"

	"medibooth/booth"
)

func TestReportAddsUpWhatWasEntered(t *testing.T) {
	c := mustConsultDB(t) // Kyung Hee and SNU Dental, one visitor with health consent
	db, ctx := c.db, context.Background()
	health := func() []booth.Consent {
		return append(Agreed(), booth.Consent{Purpose: booth.PurposeHealth, Granted: true, TextVersion: "t", TextHash: "t", Lang: "ru"})
	}
	people := []*booth.Visitor{c.v}
	for _, v := range []*booth.Visitor{
		{Name: "Ерлан Сериков", Type: booth.TypeCompanion, Country: "kz", City: "Almaty", Lang: "ru"},
		{Name: "Дана Ахметова", Type: booth.TypePatient, Country: "KZ", City: "Astana", Lang: "kk"},
		{Name: "Bekzod Karimov", Type: booth.TypeAgency, Country: "UZ", City: "Tashkent", Lang: "en"},
	} {
		if err := db.CreateVisitor(ctx, v, health()); err != nil {
			t.Fatal(err)
		}
		people = append(people, v)
	}
	checkin := func(v *booth.Visitor) {
		t.Helper()
		if _, err := db.Checkin(ctx, booth.CheckinRequest{Raw: v.Code + "\r"}); err != nil {
			t.Fatal(err)
		}
	}
	// Day 1, 10:00 and 11:30 Almaty: three visitors, one scanned twice.
	checkin(people[0])
	checkin(people[1])
	c.clk.advance(90 * time.Minute)
	checkin(people[1]) // duplicate
	checkin(people[2])
	if _, err := db.Checkin(ctx, booth.CheckinRequest{Raw: "12345\r"}); err != nil { // rejected
		t.Fatal(err)
	}
	// Day 2: two visitors, one of them new.
	c.clk.advance(24 * time.Hour)
	checkin(people[0])
	checkin(people[3])
	for i, v := range people[:3] {
		con := &booth.Consultation{VisitorID: v.ID, OrgID: c.a.ID, Department: "Korean-medicine gynaecology", Doctor: "Dr Kim",
			Recommendation: booth.RecommendTele, FollowUp: booth.FollowUpYes}
		if i == 2 {
			con.OrgID, con.Department, con.Doctor, con.Recommendation = c.b.ID, "Dentistry", "Dr Lee", booth.RecommendQuote
		}
		if err := db.AddConsultation(ctx, con, booth.NoteContent{Summary: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	firm := &booth.Org{Kind: booth.OrgFirm, Name: "Hangang Medical Tour"}
	if err := db.CreateOrg(ctx, firm); err != nil {
		t.Fatal(err)
	}
	for _, m := range []booth.Meeting{{FirmID: firm.ID, Agency: "Silk Way"}, {FirmID: firm.ID, Agency: "Koktem", MOU: true}, {FirmID: c.a.ID, Agency: "silk way"}} {
		if err := db.AddMeeting(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}

	r, err := db.Report(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("registered", r.Registered, 4)
	check("visitors_unique", r.VisitorsUnique, 4)
	check("scans", r.Scans, 7)
	check("admitted", r.ScansByDecision["admitted"], 5)
	check("duplicate", r.ScansByDecision["duplicate"], 1)
	check("rejected", r.ScansByDecision["rejected"], 1)
	check("day 1", r.CheckinsByDay["2026-09-17"], 3)
	check("day 2", r.CheckinsByDay["2026-09-18"], 2)
	check("10:00", r.CheckinsByHour["2026-09-17 10:00"], 2)
	check("11:00", r.CheckinsByHour["2026-09-17 11:00"], 1) // the duplicate is not a check-in
	check("patients", r.VisitorsByType["patient"], 2)
	check("KZ", r.VisitorsBy.Country["KZ"], 2)
	check("UZ", r.VisitorsBy.Country["UZ"], 1)
	check("consultations", r.Consultations, 3)
	check("patients consulted", r.PatientsConsulted, 3)
	check("Kyung Hee", r.ConsultationsByHospital["Kyung Hee"], 2)
	check("Dentistry", r.ConsultationsByDepartment["Dentistry"], 1)
	check("tele", r.ConsultationsByRecommend["tele-consultation"], 2)
	check("follow-up yes", r.ConsultationsByFollowUp["yes"], 3)
	check("meetings", r.Meetings, 3)
	check("MOUs", r.MOUs, 1)
	check("agencies", r.Agencies, 2)
	check("by firm", r.MeetingsByFirm["Hangang Medical Tour"], 2)
	check("by agency", r.MeetingsByAgency["Silk Way"], 2)
	check("health consent", r.ConsentRates["health"], booth.ConsentRate{Given: 4, Of: 4, Rate: 1})
	check("marketing consent", r.ConsentRates["marketing"].Given, 0)

	one, err := db.Report(ctx, c.b.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("one hospital's consultations", one.Consultations, 1)
	check("one hospital's meetings", one.Meetings, 0)
	check("one hospital's name", one.Hospital, "SNU Dental")
	check("visitors stay the event's", one.VisitorsUnique, 4)
}

package data_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

func TestWithdrawConsentIsANewRecord(t *testing.T) {
	ctx := context.Background()
	db, c := MustOpenDB(t)
	MustEvent(t, db)
	if err := db.CreateOrg(ctx, &booth.Org{Kind: booth.OrgHospital, Name: "Seoul Clinic"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOrg(ctx, &booth.Org{Kind: booth.OrgAgency, Name: "Silk Way Travel"}); err != nil {
		t.Fatal(err)
	}
	hospital, _ := db.FindOrg(ctx, "Seoul Clinic")
	agency, _ := db.FindOrg(ctx, "Silk Way")
	v := &booth.Visitor{Name: "Айгерим"}
	given := []booth.Consent{
		{Purpose: booth.PurposeContact, Granted: true, TextVersion: "2026-1", TextHash: "h1", Lang: "ru"},
		{Purpose: booth.PurposeHealth, Granted: true, TextVersion: "2026-1", TextHash: "h2", Lang: "ru"},
		{Purpose: booth.PurposeProvision, OrgID: hospital.ID, Granted: true, TextVersion: "2026-1", TextHash: "h3", Lang: "ru"},
	}
	if err := db.CreateVisitor(ctx, v, given); err != nil {
		t.Fatal(err)
	}
	c.advance(time.Hour)
	w := &booth.Consent{VisitorID: v.ID, Purpose: booth.PurposeHealth, Granted: false, TextVersion: "2026-1", TextHash: "h2", Lang: "ru"}
	if err := db.AddConsent(ctx, w); err != nil {
		t.Fatal(err)
	}
	cs, _ := db.Consents(ctx, v.ID)
	if len(cs) != 4 || !cs[1].Granted || cs[3].Granted {
		t.Fatalf("records after the withdrawal: %+v", cs)
	}
	if booth.HasConsent(cs, booth.PurposeHealth, "") || !booth.HasConsent(cs, booth.PurposeContact, "") ||
		!booth.HasConsent(cs, booth.PurposeProvision, hospital.ID) {
		t.Fatal("the latest decision does not count")
	}
	for name, bad := range map[string]*booth.Consent{
		"no text":          {VisitorID: v.ID, Purpose: booth.PurposeHealth},
		"agency provision": {VisitorID: v.ID, Purpose: booth.PurposeProvision, OrgID: agency.ID, TextVersion: "v", TextHash: "h", Lang: "ru"},
		"unknown purpose":  {VisitorID: v.ID, Purpose: "gossip", TextVersion: "v", TextHash: "h", Lang: "ru"},
		"unknown visitor":  {VisitorID: booth.NewID(), Purpose: booth.PurposeHealth, TextVersion: "v", TextHash: "h", Lang: "ru"},
	} {
		if err := db.AddConsent(ctx, bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// An erased visitor leaves a tombstone: no name, contact, search term or
// badge text anywhere in the database file, while the counts stay.
func TestEraseVisitorLeavesATombstone(t *testing.T) {
	ctx := context.Background()
	db, c := MustOpenDB(t)
	MustEvent(t, db)
	v := &booth.Visitor{Name: "Гүлназ Әбенова", Phone: "+77019998877", Email: "gulnaz@example.kz", City: "Шымкент", BirthYear: 1979}
	if err := db.CreateVisitor(ctx, v, Agreed()); err != nil {
		t.Fatal(err)
	}
	code, _, err := db.BadgeCode(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := checkin(t, db, code); s.Decision != booth.Admitted {
		t.Fatalf("check-in: %+v", s)
	}
	if _, err := db.LogPrint(ctx, v.ID, "pdf", "/home/desk/Gulnaz Abenova.pdf", false); err != nil {
		t.Fatal(err)
	}
	c.advance(time.Hour)
	if err := db.EraseVisitor(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	got, err := db.Visitor(ctx, v.ID)
	if err != nil || !got.Erased || got.Name != "" || got.Phone != "" || got.BirthYear != 0 || got.Code != "" {
		t.Fatalf("tombstone: %+v %v", got, err)
	}
	if found, _ := db.FindVisitors(ctx, "gulnaz", 5); len(found) != 0 {
		t.Fatalf("an erased visitor is found: %+v", found)
	}
	if s := checkin(t, db, code+"\r"); s.Decision != booth.Rejected || s.Reason != booth.ReasonErased {
		t.Fatalf("the erased visitor's badge: %+v", s)
	}
	if _, _, err := db.BadgeCode(ctx, v.ID); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Fatalf("a badge for an erased visitor: %v", err)
	}
	counts, _ := db.ScanCount(ctx)
	if counts[booth.Admitted] != 1 {
		t.Fatalf("the admitted scan is gone from the counts: %v", counts)
	}
	if err := db.EraseVisitor(ctx, booth.NewID()); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("erase an unknown visitor: %v", err)
	}

	// Nothing personal is left in the file or its WAL, not even from the
	// scan of the erased visitor's badge after the erasure.
	path := db.Path
	db.Close()
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, secret := range []string{"Гүлназ", "Gulnaz", "77019998877", "gulnaz@example", "Шымкент", code[:60]} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s still holds %q", f[strings.LastIndex(f, "/")+1:], secret)
			}
		}
	}
}

func TestUpdateVisitorAndHistory(t *testing.T) {
	ctx := context.Background()
	db, c := MustOpenDB(t)
	MustEvent(t, db)
	v := MustVisitor(t, db, "Ерлан Сейтов")
	checkin(t, db, v.Code)
	c.advance(24 * time.Hour)
	checkin(t, db, v.Code)
	edit := *v
	edit.Name = "Ерлан Сейітов"
	edit.NameLatin = ""
	edit.Phone = "8 701 111 22 33"
	if err := db.UpdateVisitor(ctx, &edit); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Visitor(ctx, v.ID)
	if got.Name != "Ерлан Сейітов" || got.NameLatin != "Erlan Seiitov" || got.Phone != "+77011112233" || got.Code != v.Code || !got.Updated.After(v.Updated) {
		t.Fatalf("after the edit: %+v", got)
	}
	if found, _ := db.FindVisitors(ctx, "seiit", 5); len(found) != 1 {
		t.Fatalf("search after the edit: %+v", found)
	}
	if found, _ := db.FindVisitors(ctx, "seitov", 5); len(found) != 0 {
		t.Fatalf("the old name is still found: %+v", found)
	}
	edit.Name = ""
	if err := db.UpdateVisitor(ctx, &edit); booth.ErrorCode(err) != booth.EINVALID {
		t.Fatalf("an edit without a name: %v", err)
	}
	scans, err := db.VisitorScans(ctx, v.ID)
	if err != nil || len(scans) != 2 || !scans[0].At.After(scans[1].At) || scans[0].Decision != booth.Admitted {
		t.Fatalf("history: %+v %v", scans, err)
	}
	if err := db.EraseVisitor(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	edit.Name = "Back Again"
	if err := db.UpdateVisitor(ctx, &edit); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Fatalf("an erased visitor edited: %v", err)
	}
}

func TestInterestsAreStoredAndErased(t *testing.T) {
	ctx := context.Background()
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	for _, h := range []booth.Org{
		{Kind: booth.OrgHospital, Name: "Seoul Clinic", Departments: []booth.Department{{Name: "Cardiology"}, {Name: "Dermatology"}}},
		{Kind: booth.OrgHospital, Name: "Busan Clinic", Departments: []booth.Department{{Name: "cardiology"}, {Name: "Oncology"}}},
		{Kind: booth.OrgFirm, Name: "Hanbit Pharma", Departments: []booth.Department{{Name: "Sales"}}},
	} {
		if err := db.CreateOrg(ctx, &h); err != nil {
			t.Fatal(err)
		}
	}
	sp, err := db.Specialties(ctx)
	if err != nil || strings.Join(sp, ",") != "Cardiology,Dermatology,Oncology" {
		t.Fatalf("specialties: %v %v", sp, err)
	}
	v := &booth.Visitor{Name: "Айгерим", Interests: []string{"Oncology", " Cardiology ", "oncology"}}
	if err := db.CreateVisitor(ctx, v, Agreed()); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Visitor(ctx, v.ID)
	if strings.Join(got.Interests, ",") != "Cardiology,Oncology" {
		t.Fatalf("interests: %v", got.Interests)
	}
	if err := db.EraseVisitor(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Visitor(ctx, v.ID); len(got.Interests) != 0 {
		t.Fatalf("interests kept after erasure: %v", got.Interests)
	}
}

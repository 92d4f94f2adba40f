package data_test

import (
	"context"
	"strings"
	"testing"

	"medibooth/assets"
	"medibooth/booth"
)

// Consents an imported list gives are stored with the text the visitor
// agreed to, in their language; a version medibooth does not hold refuses
// the whole import.
func TestImportStoresConsentsOfThePreRegistration(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	bad := "name,lang,consent health,consent version\nАйгерим,kk,2026-08-24,1999-9\n"
	vs, err := booth.ParseVisitorsCSV(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(ctx, vs); booth.ErrorCode(err) != booth.EINVALID || !strings.Contains(booth.ErrorMessage(err), `"1999-9"`) {
		t.Fatalf("unknown version: %v", err)
	}
	if n, _ := db.VisitorCount(ctx); n != 0 {
		t.Fatalf("%d visitors stored from a refused list", n)
	}
	good := "name,lang,consent contact,consent health,consent version\nАйгерим,kk,2026-08-24,2026-08-24,2026-1\nДанияр,ru,,,\n"
	if vs, err = booth.ParseVisitorsCSV(strings.NewReader(good)); err != nil {
		t.Fatal(err)
	}
	if res, err := db.Import(ctx, vs); err != nil || res.Imported != 2 {
		t.Fatalf("import: %+v %v", res, err)
	}
	found, err := db.FindVisitors(ctx, "Айгерим", 5)
	if err != nil || len(found) != 1 {
		t.Fatalf("found %v %v", found, err)
	}
	cs, err := db.Consents(ctx, found[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := assets.ConsentText("health", "kk")
	if !booth.HasConsent(cs, booth.PurposeHealth, "") || !booth.HasConsent(cs, booth.PurposeContact, "") || len(cs) != 2 {
		t.Fatalf("consents: %+v", cs)
	}
	for _, c := range cs {
		if c.Purpose == booth.PurposeHealth && (c.TextHash != assets.Hash(text) || c.Lang != "kk" || c.At.Format("2006-01-02") != "2026-08-24") {
			t.Errorf("health consent: %+v", c)
		}
	}
	other, _ := db.FindVisitors(ctx, "Данияр", 5)
	if cs, _ := db.Consents(ctx, other[0].ID); len(cs) != 0 {
		t.Errorf("a row without consent columns got %d consents", len(cs))
	}
}

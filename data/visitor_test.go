package data_test

import (
	"context"
	"testing"
	"time"

	"medibooth/booth"
)

func TestFindVisitors(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	people := []booth.Visitor{
		{Name: "Айгерим Нурланова", Phone: "8 701 234 56 78"},
		{Name: "Aigerim Sadykova", Email: "a.sadykova@mail.kz"},
		{Name: "Нұрсұлтан Әбдіқадыров", Phone: "+7 777 111 22 33"},
		{Name: "김민준", Type: booth.TypeAgency, Lang: "ko"},
		{Name: "Ольга Щербакова", Email: "olga.sh@inbox.ru"},
	}
	for i := range people {
		if err := db.CreateVisitor(ctx, &people[i], Agreed()); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"айгер", []string{"Aigerim Sadykova", "Айгерим Нурланова"}},
		{"AIGERIM", []string{"Aigerim Sadykova", "Айгерим Нурланова"}},
		{"Aygerim", []string{"Aigerim Sadykova", "Айгерим Нурланова"}},
		{"айгерим нурл", []string{"Айгерим Нурланова"}},
		{"нұрсұл", []string{"Нұрсұлтан Әбдіқадыров"}},
		{"nursultan", []string{"Нұрсұлтан Әбдіқадыров"}},
		{"Әбді", []string{"Нұрсұлтан Әбдіқадыров"}},
		{"김민", []string{"김민준"}},
		{"민준", []string{"김민준"}},
		{"gimmin", []string{"김민준"}},
		{"щерб", []string{"Ольга Щербакова"}},
		{"shcherbakova", []string{"Ольга Щербакова"}},
		{"5678", []string{"Айгерим Нурланова"}},
		{"+7 701 234", []string{"Айгерим Нурланова"}},
		{"87012345678", []string{"Айгерим Нурланова"}},
		{"olga.sh@", []string{"Ольга Щербакова"}},
		{"a.sadykova", []string{"Aigerim Sadykova"}},
		{"Ержан", nil},
		{"", nil},
	} {
		got, err := db.FindVisitors(ctx, tc.query, 10)
		if err != nil {
			t.Fatalf("%q: %v", tc.query, err)
		}
		var names []string
		for _, v := range got {
			names = append(names, v.Name)
		}
		if !equalSets(names, tc.want) {
			t.Errorf("find %q = %q, want %q", tc.query, names, tc.want)
		}
	}
}

func equalSets(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestCreateVisitorValidates(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	for _, v := range []booth.Visitor{
		{},
		{Name: "Ерлан", Phone: "12"},
		{Name: "Ерлан", Email: "not-an-email"},
		{Name: "Ерлан", BirthYear: 1850},
		{Name: "Ерлан", Type: "vip"},
		{Name: "Ерлан", Lang: "de"},
	} {
		if err := db.CreateVisitor(context.Background(), &v, Agreed()); booth.ErrorCode(err) != booth.EINVALID {
			t.Errorf("%+v: got %v, want invalid", v, err)
		}
	}
	n, _ := db.VisitorCount(context.Background())
	if n != 0 {
		t.Fatalf("%d invalid visitors stored", n)
	}
}

func TestCreateVisitorStoresConsents(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	h := &booth.Org{Kind: booth.OrgHospital, Name: "SNU Dental Hospital"}
	if err := db.CreateOrg(ctx, h); err != nil {
		t.Fatal(err)
	}
	v := &booth.Visitor{Name: "Жанар Тоқтарова", Lang: "kk"}
	cs := []booth.Consent{
		{Purpose: booth.PurposeContact, Granted: true, TextVersion: "2026-1", TextHash: "x", Lang: "kk"},
		{Purpose: booth.PurposeProvision, OrgID: h.ID, Granted: true, TextVersion: "2026-1", TextHash: "x", Lang: "kk"},
	}
	if err := db.CreateVisitor(ctx, v, cs); err != nil {
		t.Fatal(err)
	}
	got, err := db.Consents(ctx, v.ID)
	if err != nil || len(got) != 2 || got[0].DeviceID != db.Device().ID {
		t.Fatalf("consents: %+v %v", got, err)
	}
	if !booth.HasConsent(got, booth.PurposeProvision, h.ID) || booth.HasConsent(got, booth.PurposeHealth, "") {
		t.Fatalf("consent rules over stored records: %+v", got)
	}
}

func TestImportIsAllOrNothingAndSkipsKnownPeople(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	good := []booth.Visitor{{Name: "Ерболат Тоқтаров", Phone: "+77015550101"}, {Name: "Сауле Ким", BirthYear: 1980}}
	res, err := db.Import(ctx, good)
	if err != nil || res.Imported != 2 {
		t.Fatalf("import: %+v %v", res, err)
	}
	again := []booth.Visitor{{Name: "Ерболат Тоқтаров", Phone: "87015550101"}, {Name: "Сауле Ким", BirthYear: 1980}, {Name: "Новый Человек"}}
	res, err = db.Import(ctx, again)
	if err != nil || res.Imported != 1 || res.Skipped != 2 {
		t.Fatalf("re-import: %+v %v", res, err)
	}
	bad := []booth.Visitor{{Name: "Ok Person"}, {Name: "Bad Phone", Phone: "1"}}
	if _, err := db.Import(ctx, bad); booth.ErrorCode(err) != booth.EINVALID {
		t.Fatalf("bad import: %v", err)
	}
	if n, _ := db.VisitorCount(ctx); n != 3 {
		t.Fatalf("visitors after a refused import: %d, want 3", n)
	}
}

func TestRecentVisitorsNewestFirst(t *testing.T) {
	db, clk := MustOpenDB(t)
	MustEvent(t, db)
	var names []string
	for _, n := range []string{"Первый", "Второй", "Третий"} {
		MustVisitor(t, db, n)
		names = append([]string{n}, names...)
		clk.advance(time.Second)
	}
	gone := MustVisitor(t, db, "Стёртый")
	if err := db.EraseVisitor(context.Background(), gone.ID); err != nil {
		t.Fatal(err)
	}
	got, err := db.RecentVisitors(context.Background(), 2)
	if err != nil || len(got) != 2 || got[0].Name != names[0] || got[1].Name != names[1] {
		t.Fatalf("RecentVisitors = %+v, %v; want %v", got, err, names[:2])
	}
}

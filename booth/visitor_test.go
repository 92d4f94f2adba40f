package booth

import (
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"8 (701) 234-56-78":  "+77012345678",
		"+7 701 234 56 78":   "+77012345678",
		"7012345678":         "+77012345678",
		"00998 90 123 45 67": "+998901234567",
		"+998 90 123 45 67":  "+998901234567",
		"":                   "",
		"   ":                "",
		"call me":            "call me",
	} {
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVisitorValidate(t *testing.T) {
	ok := Visitor{Name: "  Айгерім   Сейітқали ", Phone: "8 701 234 56 78", Email: " A.Seitkali@Mail.KZ ", Country: "kz", BirthYear: 1988}
	ok.Normalize()
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if ok.Name != "Айгерім Сейітқали" || ok.NameLatin != "Aigerim Seiitkali" || ok.Email != "a.seitkali@mail.kz" ||
		ok.Country != "KZ" || ok.Type != TypePatient || ok.Lang != "ru" || ok.Source != SourceWalkIn {
		t.Fatalf("normalized: %+v", ok)
	}
	for _, tc := range []struct {
		v    Visitor
		want string
	}{
		{Visitor{}, "needs a name"},
		{Visitor{Name: strings.Repeat("ж", 121)}, "longer than 120"},
		{Visitor{Name: "a\x07b"}, "control characters"},
		{Visitor{Name: "x", Phone: "123"}, "7 to 15 digits"},
		{Visitor{Name: "x", Email: "no at sign"}, "not valid"},
		{Visitor{Name: "x", Country: "KAZ"}, "two-letter"},
		{Visitor{Name: "x", BirthYear: 1899}, "between 1900"},
		{Visitor{Name: "x", Lang: "de"}, "ru, kk, en or ko"},
		{Visitor{Name: "x", Type: "vip"}, "visitor type"},
	} {
		v := tc.v
		v.Normalize()
		err := v.Validate()
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.v, err, tc.want)
		}
	}
}

func TestParseBirthYearRefusesDates(t *testing.T) {
	for _, s := range []string{"17.09.1988", "1988-09-17", "88", "abcd"} {
		if _, err := ParseBirthYear(s); ErrorCode(err) != EINVALID {
			t.Errorf("%q accepted", s)
		}
	}
	if y, err := ParseBirthYear(" 1988 "); err != nil || y != 1988 {
		t.Fatalf("1988: %d %v", y, err)
	}
}

func TestEventValidateAndLocalDay(t *testing.T) {
	e := Event{Name: "KITF", City: "Almaty", Country: "kz", Start: "2026-04-22", End: "2026-04-24"}
	e.Normalize()
	if err := e.Validate(); err != nil || e.TimeZone != "Asia/Almaty" {
		t.Fatalf("%+v %v", e, err)
	}
	late, _ := ParseTime("2026-04-22T19:30:00.000Z") // 00:30 next day in Almaty (UTC+5)
	if d := e.LocalDay(late); d != "2026-04-23" {
		t.Fatalf("local day %s", d)
	}
}

func TestSearchQueryKinds(t *testing.T) {
	if q := ParseQuery("+7 701 234"); len(q.Words) != 1 || q.Words[0][0] != "p:7701234" {
		t.Errorf("phone query: %+v", q)
	}
	if q := ParseQuery("a.seitkali@mail"); len(q.Words) != 1 || q.Words[0][0] != "e:a.seitkali@mail" {
		t.Errorf("email query: %+v", q)
	}
	q := ParseQuery("Нұр Бек")
	if len(q.Words) != 2 || len(q.Pair) != 2 {
		t.Errorf("two-word query: %+v", q)
	}
	if !ParseQuery("  ").Empty() || !ParseQuery("--").Empty() {
		t.Error("blank queries must be empty")
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"Айгерім", "+7 701", "a@b", "김민", "Нұр Бек", "", "\xff\xfe", "8 701 234 56 78"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		for _, alts := range q.Words {
			if len(alts) == 0 {
				t.Fatal("a word without alternatives")
			}
		}
		v := Visitor{Name: s, Phone: s, Email: s}
		v.Normalize()
		for _, term := range SearchTerms(&v) {
			if len(term) < 3 || term[1] != ':' && term[2] != ':' {
				t.Fatalf("malformed term %q", term)
			}
		}
	})
}

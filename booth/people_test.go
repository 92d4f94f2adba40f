package booth

import (
	"slices"
	"testing"
	"time"
)

func TestPersonNameKeyMatchesSpellings(t *testing.T) {
	same := [][]string{
		{"Айгерим Нурланова", "Aigerim Nurlanova", "Nurlanova Aygerim", "Әйгерім Нұрланова", "AIGERIM  NURLANOVA"},
		{"Жанна Ахметова", "Zhanna Akhmetova", "Janna Ahmetova"},
	}
	for _, g := range same {
		for _, n := range g[1:] {
			if a, b := PersonNameKey(g[0]), PersonNameKey(n); a != b {
				t.Errorf("%q → %q, %q → %q", g[0], a, n, b)
			}
		}
	}
	for _, pair := range [][2]string{{"Айгерим Нурланова", "Айгерим Нурланов"}, {"Дана Омарова", "Дина Омарова"}} {
		if PersonNameKey(pair[0]) == PersonNameKey(pair[1]) {
			t.Errorf("%q and %q share a key", pair[0], pair[1])
		}
	}
}

func TestFindDuplicates(t *testing.T) {
	at := time.Date(2026, 9, 17, 5, 0, 0, 0, time.UTC)
	rec := func(id, name, phone string, year int, person string) PersonRecord {
		v := Visitor{ID: id, Name: name, Phone: NormalizePhone(phone), BirthYear: year, Created: at}
		v.Normalize()
		at = at.Add(time.Minute)
		return PersonRecord{Visitor: v, PersonID: person}
	}
	rs := []PersonRecord{
		rec("a1", "Айгерим Нурланова", "+7 701 111 22 33", 1990, ""),
		rec("a2", "Aigerim Nurlanova", "", 1990, ""),
		rec("b1", "Дархан Серикбаев", "8 701 555 12 34", 0, ""),
		rec("b2", "Darkhan S.", "+7 701 555 12 34", 0, ""),
		rec("b3", "Darkhan Serikbaev", "", 1979, ""), // a name without the year matches nothing
		rec("c1", "Дана Омарова", "", 1985, ""),
		rec("c2", "Dana Omarova", "", 1986, ""), // another year
		rec("d1", "Ерлан Ким", "+7 777 000 00 01", 0, ""),
		rec("d2", "Erlan Kim", "+7 777 000 00 01", 0, "d1"), // already one person
	}
	gs := FindDuplicates(rs)
	var got [][]string
	for _, g := range gs {
		var ids []string
		for _, r := range g.Records {
			ids = append(ids, r.ID)
		}
		got = append(got, append(ids, g.Reasons...))
	}
	want := [][]string{{"a1", "a2", SameByNameYear}, {"b1", "b2", SameByPhone}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("groups %q, want %q", got, want)
	}
	// A third record joining a linked pair is reported with both.
	rs = append(rs, rec("d3", "Yerlan Kim", "+7 777 000 00 01", 0, ""))
	gs = FindDuplicates(rs)
	if len(gs) != 3 || len(gs[2].Records) != 3 {
		t.Fatalf("with d3: %+v", gs)
	}
	// Erased records are never reported.
	rs[0].Erased = true
	if gs := FindDuplicates(rs); len(gs) != 2 {
		t.Fatalf("with a1 erased: %+v", gs)
	}
}

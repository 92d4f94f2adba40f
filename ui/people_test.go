package ui

import (
	"context"
	"slices"
	"testing"

	"medibooth/booth"
)

func TestPeopleScreenLinksAndKeepsApart(t *testing.T) {
	ctx := context.Background()
	u, db, _ := newTestDesk(t)
	add := func(name, phone string, year int) *booth.Visitor {
		v := &booth.Visitor{Name: name, Phone: phone, BirthYear: year}
		c := booth.Consent{Purpose: booth.PurposeContact, Granted: true, TextVersion: "t", TextHash: "t", Lang: "ru"}
		if err := db.CreateVisitor(ctx, v, []booth.Consent{c}); err != nil {
			t.Fatal(err)
		}
		return v
	}
	a := add("Ержан Тулегенов", "+7 705 123 45 67", 1980)
	b := add("Yerzhan Tulegenov", "", 1980)
	c := add("Салтанат Ахметова", "+7 705 765 43 21", 0)
	d := add("Saltanat A.", "+7 705 765 43 21", 0)
	act(u.showPeople)
	p := u.people
	group := func(id string) *booth.DuplicateGroup {
		for i, g := range p.groups {
			if slices.ContainsFunc(g.Records, func(r booth.PersonRecord) bool { return r.ID == id }) {
				return &p.groups[i]
			}
		}
		return nil
	}
	eventually(t, "both pairs listed", func() bool { return group(a.ID) != nil && group(c.ID) != nil })
	var n int
	act(func() {
		n = len(p.list.Objects)
		if g := group(a.ID); len(g.Records) != 2 || g.Records[1].ID != b.ID || g.Reasons[0] != booth.SameByNameYear {
			t.Errorf("group %+v", g)
		}
		p.merge(*group(a.ID))
	})
	eventually(t, "the linked pair gone", func() bool { return group(a.ID) == nil && len(p.list.Objects) == n-1 })
	ids, err := db.SamePerson(ctx, b.ID)
	if err != nil || !slices.Equal(ids, []string{a.ID, b.ID}) {
		t.Fatalf("one person: %v %v", ids, err)
	}
	act(func() { p.apart(*group(c.ID)) })
	eventually(t, "the pair kept apart gone", func() bool { return group(c.ID) == nil })
	if ids, _ := db.SamePerson(ctx, d.ID); len(ids) != 1 {
		t.Fatalf("kept apart but linked: %v", ids)
	}
}

package main

import (
	"context"
	"fmt"
	"strings"
)

// runVisitorDuplicates lists records that look like one person registered
// more than once: at HQ, the same visitor registered on two laptops.
func (m *Main) runVisitorDuplicates(ctx context.Context, args []string) error {
	fs := m.flags("visitor duplicates")
	c := m.common(fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	groups, err := db.DuplicatePeople(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	if len(groups) == 0 {
		b.WriteString("No visitor looks registered twice.\n")
	}
	for i, g := range groups {
		fmt.Fprintf(&b, "%d. same %s:\n", i+1, strings.Join(g.Reasons, ", "))
		for _, r := range g.Records {
			year := ""
			if r.BirthYear > 0 {
				year = fmt.Sprintf(", born %d", r.BirthYear)
			}
			fmt.Fprintf(&b, "   %s  %s (%s%s) %s, %s, %d scans\n", r.ID, r.Name, r.NameLatin, year, r.Phone, r.Device, r.Scans)
		}
	}
	if len(groups) > 0 {
		b.WriteString("Link two records as one person with: medibooth visitor merge KEEP_ID OTHER_ID\n")
	}
	return m.print(c, map[string]any{"groups": groups}, b.String())
}

// runVisitorMerge counts two records as one person; both keep their
// history.
func (m *Main) runVisitorMerge(ctx context.Context, args []string) error {
	fs := m.flags("visitor merge")
	c := m.common(fs)
	pos, err := parse(fs, args, 2, 2)
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.MergePeople(ctx, pos[0], pos[1], "cli"); err != nil {
		return err
	}
	ids, err := db.SamePerson(ctx, pos[0])
	if err != nil {
		return err
	}
	return m.print(c, map[string]any{"person": ids[0], "records": ids},
		fmt.Sprintf("One person now: %s. Each record keeps its own scans, consents and consultations.\n", strings.Join(ids, ", ")))
}

// runVisitorSeparate undoes a merge of one record.
func (m *Main) runVisitorSeparate(ctx context.Context, args []string) error {
	fs := m.flags("visitor separate")
	c := m.common(fs)
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SeparatePerson(ctx, pos[0]); err != nil {
		return err
	}
	return m.print(c, map[string]any{"separated": pos[0]}, fmt.Sprintf("Visitor %s counts as a person of their own again.\n", pos[0]))
}

// runVisitorApart records that look-alike records are different people.
func (m *Main) runVisitorApart(ctx context.Context, args []string) error {
	fs := m.flags("visitor apart")
	c := m.common(fs)
	pos, err := parse(fs, args, 2, 1000)
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.KeepApart(ctx, pos); err != nil {
		return err
	}
	return m.print(c, map[string]any{"apart": pos}, "These records are different people; the duplicate report leaves them out.\n")
}

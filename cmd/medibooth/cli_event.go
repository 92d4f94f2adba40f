package main

import (
	"context"
	"fmt"
	"strings"

	"medibooth/booth"
)

func (m *Main) runDemo(ctx context.Context, args []string) error {
	fs := m.flags("demo")
	c := m.common(fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	demo, err := booth.LoadDemo()
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.LoadDemo(ctx, demo)
	if err != nil {
		return err
	}
	return m.print(c, res, fmt.Sprintf("Demo event %q loaded: %d organisations, %d visitors (%d new); "+
		"the fair's %d scans, %d consultations and %d meetings (%d records new).\n",
		res.Event, res.Orgs, res.Visitors, res.Added, res.Scans, res.Consultations, res.Meetings, res.FairAdded))
}

func (m *Main) runEventInit(ctx context.Context, args []string) error {
	fs := m.flags("event init")
	c := m.common(fs)
	var e booth.Event
	fs.StringVar(&e.Name, "name", "", "event name")
	fs.StringVar(&e.City, "city", "", "city")
	fs.StringVar(&e.Country, "country", "", "two-letter country code")
	fs.StringVar(&e.Start, "start", "", "first day, YYYY-MM-DD")
	fs.StringVar(&e.End, "end", "", "last day, YYYY-MM-DD")
	fs.StringVar(&e.TimeZone, "tz", "Asia/Almaty", "IANA time zone")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"--name", e.Name}, {"--city", e.City}, {"--country", e.Country}, {"--start", e.Start}, {"--end", e.End}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return usagef("\"event init\" needs %s.", strings.Join(missing, ", "))
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CreateEvent(ctx, &e); err != nil {
		return err
	}
	return m.print(c, e, fmt.Sprintf("Event %q in %s, %s, %s to %s (%s) set up; id %s.\n", e.Name, e.City, e.Country, e.Start, e.End, e.TimeZone, e.ID))
}

func (m *Main) runOrgAdd(ctx context.Context, args []string) error {
	fs := m.flags("org add")
	c := m.common(fs)
	kind := fs.String("kind", "", "hospital, agency or firm")
	name := fs.String("name", "", "name")
	var depts multi
	fs.Var(&depts, "dept", "department (repeatable)")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *kind == "" || strings.TrimSpace(*name) == "" {
		return usagef("\"org add\" needs --kind and --name.")
	}
	k, err := booth.ParseOrgKind(*kind)
	if err != nil {
		return usagef("%s", booth.ErrorMessage(err))
	}
	o := &booth.Org{Kind: k, Name: *name}
	for _, d := range depts {
		o.Departments = append(o.Departments, booth.Department{Name: d})
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Event(ctx); err != nil {
		return err
	}
	if err := db.CreateOrg(ctx, o); err != nil {
		return err
	}
	return m.print(c, o, fmt.Sprintf("Added %s %q (%d departments); id %s.\n", o.Kind, o.Name, len(o.Departments), o.ID))
}

func (m *Main) runOrgList(ctx context.Context, args []string) error {
	fs := m.flags("org list")
	c := m.common(fs)
	kind := fs.String("kind", "", "only this kind")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	var k booth.OrgKind
	if *kind != "" {
		var err error
		if k, err = booth.ParseOrgKind(*kind); err != nil {
			return usagef("%s", booth.ErrorMessage(err))
		}
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	orgs, err := db.Orgs(ctx, k)
	if err != nil {
		return err
	}
	out := struct {
		Results []booth.Org `json:"results"`
	}{Results: append([]booth.Org{}, orgs...)}
	var b strings.Builder
	for _, o := range orgs {
		var depts []string
		for _, d := range o.Departments {
			depts = append(depts, d.Name)
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", o.ID, o.Kind, o.Name, strings.Join(depts, ", "))
	}
	return m.print(c, out, b.String())
}

package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// runMeetingAdd logs one B2B meeting between one of our firms and an agency;
// an agency not in the directory yet is added to it.
func (m *Main) runMeetingAdd(ctx context.Context, args []string) error {
	fs := m.flags("meeting add")
	c := m.common(fs)
	firm := fs.String("firm", "", "our firm (id or part of the name)")
	agency := fs.String("agency", "", "the agency's name; a new one is added to the directory")
	city := fs.String("city", "", "the agency's city")
	contact := fs.String("contact", "", "whom to contact at the agency")
	attendees := fs.String("attendees", "", "who took part")
	outcome := fs.String("outcome", "", "what came of it")
	mou := fs.Bool("mou", false, "an MOU was signed")
	next := fs.String("next", "", "the next action")
	atFlag := fs.String("at", "", "when it happened (RFC 3339), for meetings entered afterwards")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if strings.TrimSpace(*firm) == "" || strings.TrimSpace(*agency) == "" {
		return usagef("\"meeting add\" needs --firm and --agency.")
	}
	mt := booth.Meeting{Agency: *agency, City: *city, Contact: *contact, Attendees: *attendees,
		Outcome: *outcome, MOU: *mou, NextAction: *next}
	if *atFlag != "" {
		at, err := time.Parse(time.RFC3339, *atFlag)
		if err != nil {
			return usagef("--at %q is not a time like 2026-09-17T10:30:00+05:00.", *atFlag)
		}
		mt.At, mt.Late = at, true
	}
	db, ev, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := findFirm(ctx, db, *firm)
	if err != nil {
		return err
	}
	mt.FirmID = o.ID
	if err := db.AddMeeting(ctx, &mt); err != nil {
		return err
	}
	return m.print(c, mt, fmt.Sprintf("%s\t%s\t%s\t%s\n", mt.ID, mt.At.In(ev.Location()).Format("2006-01-02 15:04"), mt.Firm, mt.Agency))
}

// findFirm finds one of our firms by id, by whole name (case-insensitive)
// or by the only firm whose name contains key. A key that names a hospital
// or an agency gets the sentence that says so.
func findFirm(ctx context.Context, db *data.DB, key string) (*booth.Org, error) {
	key = strings.TrimSpace(key)
	firms, err := ourOrgs(ctx, db)
	if err != nil {
		return nil, err
	}
	want := strings.ToLower(strings.Join(strings.Fields(key), " "))
	var named, partial []*booth.Org
	for i := range firms {
		f := &firms[i]
		name := strings.ToLower(f.Name)
		switch {
		case f.ID == key:
			return f, nil
		case name == want:
			named = append(named, f)
		case want != "" && strings.Contains(name, want):
			partial = append(partial, f)
		}
	}
	if len(named) == 0 {
		named = partial
	}
	switch len(named) {
	case 1:
		return named[0], nil
	case 0:
		o, err := db.FindOrg(ctx, key)
		if err != nil {
			return nil, booth.Errorf(booth.ENOTFOUND, "There is no firm named %q.", key)
		}
		return nil, booth.CheckMeetingFirm(o)
	}
	names := make([]string, len(named))
	for i, f := range named {
		names[i] = f.Name
	}
	return nil, booth.Errorf(booth.EINVALID, "%q could be any of: %s. Give more of the name, or the id.", key, strings.Join(names, "; "))
}

// meetingList is what `meeting list --json` prints: the meetings, newest
// first, and the counts of the whole event.
type meetingList struct {
	Results []booth.Meeting `json:"results"`
	booth.MeetingCounts
}

// runMeetingList prints the meetings (of one firm with --firm) and the
// counts per firm and per agency.
func (m *Main) runMeetingList(ctx context.Context, args []string) error {
	fs := m.flags("meeting list")
	c := m.common(fs)
	firm := fs.String("firm", "", "only this firm's meetings (id or part of the name)")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	db, ev, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	firmID := ""
	if *firm != "" {
		o, err := findFirm(ctx, db, *firm)
		if err != nil {
			return err
		}
		firmID = o.ID
	}
	list, err := db.Meetings(ctx, firmID)
	if err != nil {
		return err
	}
	counts, err := db.MeetingCounts(ctx)
	if err != nil {
		return err
	}
	res := meetingList{Results: append([]booth.Meeting{}, list...), MeetingCounts: counts}
	return m.print(c, res, meetingText(ev, res))
}

// meetingText is the plain-text form of meeting list: one tab-separated
// line per meeting, then the counts.
func meetingText(ev *booth.Event, l meetingList) string {
	var b strings.Builder
	for _, mt := range l.Results {
		flags := ""
		if mt.MOU {
			flags += " MOU"
		}
		if mt.Late {
			flags += " late"
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", mt.At.In(ev.Location()).Format("2006-01-02 15:04"), mt.Firm, mt.Agency,
			strings.TrimSpace(flags), strings.Join(strings.Fields(mt.Outcome), " "))
	}
	fmt.Fprintf(&b, "\nPer firm (meetings, agencies, MOUs):\n")
	for _, f := range l.ByFirm {
		fmt.Fprintf(&b, "%s\t%d\t%d\t%d\n", f.Firm, f.Meetings, f.Agencies, f.MOUs)
	}
	fmt.Fprintf(&b, "\nPer agency (meetings, firms, MOUs):\n")
	for _, a := range l.ByAgency {
		fmt.Fprintf(&b, "%s\t%d\t%d\t%d\n", a.Agency, a.Meetings, a.Firms, a.MOUs)
	}
	fmt.Fprintf(&b, "\n%d meetings of %d firms with %d agencies; %d MOUs.\n", l.Meetings, l.Firms, l.Agencies, l.MOUs)
	return b.String()
}

// ourOrgs are the organisations that meet agencies: our firms, then the
// hospitals.
func ourOrgs(ctx context.Context, db *data.DB) ([]booth.Org, error) {
	firms, err := db.Orgs(ctx, booth.OrgFirm)
	if err != nil {
		return nil, err
	}
	hospitals, err := db.Orgs(ctx, booth.OrgHospital)
	return append(firms, hospitals...), err
}

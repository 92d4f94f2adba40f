package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

func TestCLIMeetingAddAndList(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	// The demo's travel mart, before these meetings.
	var base meetingList
	c.mustJSON(&base, "meeting", "list")
	baseFirm := func(name string) booth.FirmMeetings {
		for _, f := range base.ByFirm {
			if f.Firm == name {
				return f
			}
		}
		return booth.FirmMeetings{}
	}
	met := map[string]bool{} // firm and agency pairs that met
	silkWay := booth.AgencyMeetings{}
	for _, a := range base.ByAgency {
		if a.Agency == "Silk Way Travel Almaty" {
			silkWay = a
		}
	}
	for _, r := range base.Results {
		met[r.Firm+"|"+r.Agency] = true
	}
	var m booth.Meeting
	c.mustJSON(&m, "meeting", "add", "--firm", "Hangang Medical Tour", "--agency", "Silk Way Travel Almaty",
		"--outcome", "Wants packages for health screening.", "--attendees", "Kim Min-ji; Aidana Seitkali", "--next", "Send prices by Friday")
	if m.ID == "" || m.Firm != "Hangang Medical Tour" || m.Agency != "Silk Way Travel Almaty" || m.AgencyID == "" || m.MOU || m.Late {
		t.Fatalf("meeting add --json: %+v", m)
	}
	// An agency of the demo's directory, typed in another case: reused.
	var mou booth.Meeting
	c.mustJSON(&mou, "meeting", "add", "--firm", "k-care global", "--agency", "silk way TRAVEL almaty", "--mou", "--city", "Almaty",
		"--contact", "+7 727 000 0000")
	if !mou.MOU || mou.AgencyID != m.AgencyID || mou.Firm != "K-Care Global Travel" || mou.City != "Almaty" {
		t.Fatalf("--mou: %+v (first agency %s)", mou, m.AgencyID)
	}
	// Written on paper, entered afterwards.
	var late booth.Meeting
	c.mustJSON(&late, "meeting", "add", "--firm", "Hangang Medical Tour", "--agency", "Жаңа Сапар Туризм", "--city", "Шымкент",
		"--at", "2026-09-17T10:00:00+06:00")
	want := time.Date(2026, 9, 17, 4, 0, 0, 0, time.UTC)
	if !late.Late || !late.At.Equal(want) || late.Day != "2026-09-17" || late.Agency != "Жаңа Сапар Туризм" {
		t.Fatalf("--at: %+v", late)
	}

	var list meetingList
	c.mustJSON(&list, "meeting", "list")
	if base.Meetings != 150 || len(list.Results) != len(base.Results)+3 || list.Meetings != base.Meetings+3 || list.MOUs != base.MOUs+1 ||
		list.Firms != 12 || list.Agencies != base.Agencies+1 {
		t.Fatalf("meeting list --json: %d results, totals %d meetings %d MOUs %d firms %d agencies; the demo's: %d meetings, %d MOUs, %d agencies",
			len(list.Results), list.Meetings, list.MOUs, list.Firms, list.Agencies, base.Meetings, base.MOUs, base.Agencies)
	}
	// Hangang met Silk Way (perhaps again) and a new agency.
	hangang, newPair := baseFirm("Hangang Medical Tour"), 0
	if !met["Hangang Medical Tour|Silk Way Travel Almaty"] {
		newPair = 1
	}
	i := slices.IndexFunc(list.ByFirm, func(f booth.FirmMeetings) bool { return f.Firm == "Hangang Medical Tour" })
	if len(list.ByFirm) != 12 || i < 0 || list.ByFirm[i].Meetings != hangang.Meetings+2 || list.ByFirm[i].Agencies != hangang.Agencies+1+newPair {
		t.Errorf("by firm: %+v; Hangang before: %+v", list.ByFirm, hangang)
	}
	firms := silkWay.Firms
	for _, f := range []string{"Hangang Medical Tour", "K-Care Global Travel"} {
		if !met[f+"|Silk Way Travel Almaty"] {
			firms++
		}
	}
	j := slices.IndexFunc(list.ByAgency, func(a booth.AgencyMeetings) bool { return a.Agency == "Silk Way Travel Almaty" })
	if len(list.ByAgency) != len(base.ByAgency)+1 || j < 0 || list.ByAgency[j].Meetings != silkWay.Meetings+2 ||
		list.ByAgency[j].Firms != firms || list.ByAgency[j].MOUs != silkWay.MOUs+1 {
		t.Errorf("by agency: %+v; Silk Way before: %+v", list.ByAgency, silkWay)
	}
	var one meetingList
	c.mustJSON(&one, "meeting", "list", "--firm", "K-Care")
	if len(one.Results) != baseFirm("K-Care Global Travel").Meetings+1 || one.Results[0].ID != mou.ID || one.Meetings != list.Meetings {
		t.Errorf("list --firm K-Care: %+v", one)
	}
	exit, out, errs := c.run("meeting", "list")
	totals := fmt.Sprintf("%d meetings of 12 firms with %d agencies; %d MOUs.", list.Meetings, list.Agencies, list.MOUs)
	if exit != 0 || !strings.Contains(out, "K-Care Global Travel\tSilk Way Travel Almaty\tMOU") || !strings.Contains(out, totals) {
		t.Errorf("meeting list: exit %d %q %s; want %q", exit, out, errs, totals)
	}
}

func TestCLIMeetingErrors(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	var base meetingList
	c.mustJSON(&base, "meeting", "list")
	for _, bad := range []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"meeting", "add", "--firm", "Koktem Tour", "--agency", "Koktem Tour"}, 1, "Koktem Tour is an agency, not one of our firms."},
		{[]string{"meeting", "add", "--firm", "Nobody Ltd", "--agency", "Koktem Tour"}, 1, `There is no firm named "Nobody Ltd".`},
		{[]string{"meeting", "add", "--firm", "Duty Free", "--agency", "Koktem Tour"}, 1, "could be any of: Gangnam Duty Free; Myeongdong Duty Free Plaza"},
		{[]string{"meeting", "add", "--firm", "Hangang", "--agency", "Koktem Tour", "--outcome", strings.Repeat("да ", 300)}, 1, "outcome is longer than 500"},
		{[]string{"meeting", "add", "--firm", "Hangang", "--agency", "Koktem Tour", "--mood", "good"}, 2, "Unknown option --mood."},
		{[]string{"meeting", "add", "--agency", "Koktem Tour"}, 2, "needs --firm and --agency"},
		{[]string{"meeting", "add", "--firm", "Hangang", "--agency", "Koktem Tour", "--at", "10:00"}, 2, "is not a time like"},
		{[]string{"meeting", "add", "--firm", "Hangang", "--agency", "Koktem Tour", "extra"}, 2, "takes no arguments"},
		{[]string{"meeting", "remove"}, 2, "Unknown command \"meeting remove\""},
		{[]string{"meeting"}, 2, "needs a subcommand"},
	} {
		exit, out, errs := c.run(bad.args...)
		if exit != bad.exit || !strings.Contains(errs, bad.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d with %q", bad.args, exit, out, errs, bad.exit, bad.want)
		}
		if bad.exit == 1 && strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("%v: more than one sentence: %q", bad.args, errs)
		}
	}
	var list meetingList
	c.mustJSON(&list, "meeting", "list")
	if list.Meetings != base.Meetings || len(list.Results) != len(base.Results) {
		t.Errorf("refused meetings were stored: %d meetings, %d before", list.Meetings, base.Meetings)
	}
}

func TestCLIMeetingNeedsAnEvent(t *testing.T) {
	c := newCLI(t)
	exit, _, errs := c.run("meeting", "add", "--firm", "Hangang", "--agency", "Koktem Tour")
	if exit != 1 || !strings.Contains(errs, "not set up for an event") {
		t.Errorf("exit %d %q", exit, errs)
	}
}

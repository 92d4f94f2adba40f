package main

import (
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

func TestCLIMeetingAddAndList(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
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
	if len(list.Results) != 3 || list.Meetings != 3 || list.MOUs != 1 || list.Firms != 2 || list.Agencies != 2 {
		t.Fatalf("meeting list --json: %d results, totals %d meetings %d MOUs %d firms %d agencies",
			len(list.Results), list.Meetings, list.MOUs, list.Firms, list.Agencies)
	}
	if len(list.ByFirm) != 12 || list.ByFirm[0].Firm != "Hangang Medical Tour" || list.ByFirm[0].Meetings != 2 || list.ByFirm[0].Agencies != 2 {
		t.Errorf("by firm: %+v", list.ByFirm)
	}
	if len(list.ByAgency) != 2 || list.ByAgency[0].Agency != "Silk Way Travel Almaty" || list.ByAgency[0].Meetings != 2 ||
		list.ByAgency[0].Firms != 2 || list.ByAgency[0].MOUs != 1 {
		t.Errorf("by agency: %+v", list.ByAgency)
	}
	var one meetingList
	c.mustJSON(&one, "meeting", "list", "--firm", "K-Care")
	if len(one.Results) != 1 || one.Results[0].ID != mou.ID || one.Meetings != 3 {
		t.Errorf("list --firm K-Care: %+v", one)
	}
	exit, out, errs := c.run("meeting", "list")
	if exit != 0 || !strings.Contains(out, "K-Care Global Travel\tSilk Way Travel Almaty\tMOU") ||
		!strings.Contains(out, "3 meetings of 2 firms with 2 agencies; 1 MOUs.") {
		t.Errorf("meeting list: exit %d %q %s", exit, out, errs)
	}
}

func TestCLIMeetingErrors(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
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
	if list.Meetings != 0 || len(list.Results) != 0 {
		t.Errorf("refused meetings were stored: %+v", list)
	}
}

func TestCLIMeetingNeedsAnEvent(t *testing.T) {
	c := newCLI(t)
	exit, _, errs := c.run("meeting", "add", "--firm", "Hangang", "--agency", "Koktem Tour")
	if exit != 1 || !strings.Contains(errs, "not set up for an event") {
		t.Errorf("exit %d %q", exit, errs)
	}
}

package main

import (
	"strings"
	"testing"

	"medibooth/booth"
)

func TestCLIConsultSealsNotesPerHospital(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	demo, err := booth.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	var withHealth, without string
	for _, v := range demo.Visitors {
		var cs []booth.Consent
		for _, k := range demo.Consents {
			if k.VisitorID == v.ID {
				cs = append(cs, k)
			}
		}
		if booth.HasConsent(cs, booth.PurposeHealth, "") && withHealth == "" {
			withHealth = v.ID
		} else if !booth.HasConsent(cs, booth.PurposeHealth, "") && without == "" {
			without = v.ID
		}
	}
	if withHealth == "" || without == "" {
		t.Fatal("the demo lacks visitors with and without the health consent")
	}
	var con booth.Consultation
	c.mustJSON(&con, "consult", "add", "--visitor", withHealth, "--hospital", "Seoul National University Dental", "--dept", "dentistry",
		"--doctor", "Dr Lee", "--complaint", "Implants", "--notes", "Нужны два импланта; снимки прислать", "--recommendation", "quote",
		"--follow-up", "yes", "--follow-up-when", "2 weeks", "--interpreter", "ru", "--at", "2026-09-17T11:00:00+05:00")
	if con.ID == "" || con.Department != "Dentistry" || con.Day != "2026-09-17" || !con.Late || con.FollowUp != booth.FollowUpYes {
		t.Fatalf("consult add: %+v", con)
	}
	exit, _, errs := c.run("consult", "add", "--visitor", without, "--hospital", "Seoul National University Dental", "--dept", "Dentistry")
	if exit != 1 || !strings.Contains(errs, "health") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("without the health consent: exit %d %q", exit, errs)
	}
	for _, bad := range [][]string{
		{"consult", "add", "--visitor", withHealth, "--hospital", "Seoul National University Dental", "--dept", "Dentistry", "--follow-up", "soon"},
		{"consult", "add", "--visitor", withHealth},
	} {
		if exit, _, _ := c.run(bad...); exit != 2 {
			t.Errorf("%v: exit %d, want 2", bad, exit)
		}
	}
	type listed struct {
		Results []struct {
			ID, Notes, Complaint string
		}
	}
	// The demo fair's consultations at each hospital, besides this one.
	demoAt := map[string]int{}
	for _, k := range demo.Consultations {
		demoAt[k.Hospital]++
	}
	dental, kyungHee := demoAt["Seoul National University Dental Hospital"], demoAt["Kyung Hee University Korean Medicine Hospital"]
	var closed listed
	c.mustJSON(&closed, "consult", "list", "--hospital", "Seoul National University Dental")
	if len(closed.Results) != dental+1 || dental == 0 {
		t.Fatalf("without the passphrase: %d consultations, want %d", len(closed.Results), dental+1)
	}
	for _, r := range closed.Results {
		if r.Notes != "" || r.Complaint != "" {
			t.Fatalf("without the passphrase: %+v", r)
		}
	}
	c.stdin = "wrong passphrase here\n"
	if exit, _, errs := c.run("consult", "list", "--hospital", "Seoul National University Dental", "--passphrase-stdin"); exit != 1 || !strings.Contains(errs, "Wrong passphrase") {
		t.Fatalf("wrong passphrase: exit %d %q", exit, errs)
	}
	// Another hospital's passphrase shows none of the dentists' notes.
	var other listed
	c.stdin = booth.DemoPassphrase + "\n"
	c.mustJSON(&other, "consult", "list", "--hospital", "Kyung Hee", "--passphrase-stdin")
	if len(other.Results) != kyungHee {
		t.Fatalf("Kyung Hee sees %d consultations, its own are %d", len(other.Results), kyungHee)
	}
	for _, r := range other.Results {
		if r.ID == con.ID || strings.Contains(r.Notes, "импланта") || r.Complaint == "Implants" {
			t.Fatalf("Kyung Hee sees %+v", r)
		}
	}
	var open listed
	c.stdin = booth.DemoPassphrase + "\n"
	c.mustJSON(&open, "consult", "list", "--hospital", "Seoul National University Dental", "--passphrase-stdin")
	if len(open.Results) != dental+1 {
		t.Fatalf("with the passphrase: %d consultations, want %d", len(open.Results), dental+1)
	}
	for _, r := range open.Results {
		if r.ID == con.ID && (r.Notes != "Нужны два импланта; снимки прислать" || r.Complaint != "Implants") || r.Complaint == "" {
			t.Fatalf("with the passphrase: %+v", r)
		}
	}

	// A new hospital gets its key from HQ; until then notes are refused.
	var org struct{ ID string }
	c.mustJSON(&org, "org", "add", "--kind", "hospital", "--name", "Severance Hospital", "--dept", "Cardiology")
	exit, _, errs = c.run("consult", "add", "--visitor", withHealth, "--hospital", "Severance", "--dept", "Cardiology", "--notes", "x")
	if exit != 1 || !strings.Contains(errs, "no key") {
		t.Fatalf("notes for a hospital without a key: exit %d %q", exit, errs)
	}
	c.stdin = "short\n"
	if exit, _, errs := c.run("org", "key", "Severance"); exit != 1 || !strings.Contains(errs, "12 characters") {
		t.Fatalf("short passphrase: %d %q", exit, errs)
	}
	var key struct{ Recipient string }
	c.stdin = "red bridge over the han river\n"
	c.mustJSON(&key, "org", "key", "Severance")
	if !strings.HasPrefix(key.Recipient, "age1") {
		t.Fatalf("org key: %+v", key)
	}
	c.stdin = "another passphrase entirely\n"
	if exit, _, errs := c.run("org", "key", "Severance"); exit != 1 || !strings.Contains(errs, "already") {
		t.Fatalf("a second key: %d %q", exit, errs)
	}
	c.mustJSON(&con, "consult", "add", "--visitor", withHealth, "--hospital", "Severance", "--dept", "Cardiology", "--notes", "x")
}

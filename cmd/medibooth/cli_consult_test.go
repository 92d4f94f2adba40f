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
	var closed listed
	c.mustJSON(&closed, "consult", "list", "--hospital", "Seoul National University Dental")
	if len(closed.Results) != 1 || closed.Results[0].Notes != "" {
		t.Fatalf("without the passphrase: %+v", closed)
	}
	c.stdin = "wrong passphrase here\n"
	if exit, _, errs := c.run("consult", "list", "--hospital", "Seoul National University Dental", "--passphrase-stdin"); exit != 1 || !strings.Contains(errs, "Wrong passphrase") {
		t.Fatalf("wrong passphrase: exit %d %q", exit, errs)
	}
	// Another hospital's passphrase shows none of the dentists' notes.
	var other listed
	c.stdin = booth.DemoPassphrase + "\n"
	c.mustJSON(&other, "consult", "list", "--hospital", "Kyung Hee", "--passphrase-stdin")
	if len(other.Results) != 0 {
		t.Fatalf("Kyung Hee sees %+v", other)
	}
	var open listed
	c.stdin = booth.DemoPassphrase + "\n"
	c.mustJSON(&open, "consult", "list", "--hospital", "Seoul National University Dental", "--passphrase-stdin")
	if len(open.Results) != 1 || open.Results[0].Notes != "Нужны два импланта; снимки прислать" || open.Results[0].Complaint != "Implants" {
		t.Fatalf("with the passphrase: %+v", open)
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

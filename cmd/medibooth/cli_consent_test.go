package main

import (
	"strings"
	"testing"
)

// A visitor registered with the consent to contact only is consulted once
// the doctor's table records the health consent; withdrawing it stops the
// next consultation; sharing with a hospital needs the transfer abroad.
func TestCLIVisitorConsent(t *testing.T) {
	c := newCLI(t)
	c.mustJSON(&struct{}{}, "event", "init", "--name", "KITF 2026", "--city", "Almaty", "--country", "KZ",
		"--start", "2026-04-22", "--end", "2026-04-24")
	c.mustJSON(&struct{}{}, "org", "add", "--kind", "hospital", "--name", "Seoul Clinic", "--dept", "Cardiology")
	var v struct{ ID string }
	c.mustJSON(&v, "visitor", "add", "--consent", "contact", "--name", "Айгерім Сейітқали", "--lang", "kk")
	consult := func() (int, string) {
		code, _, errs := c.run("consult", "add", "--visitor", v.ID, "--hospital", "Seoul Clinic", "--dept", "Cardiology")
		return code, errs
	}
	if code, errs := consult(); code != exitFailure || !strings.Contains(errs, "health") {
		t.Fatalf("consultation without the health consent: exit %d %s", code, errs)
	}
	if code, _, errs := c.run("visitor", "consent", v.ID, "--give", "health", "--share-with", "Seoul Clinic"); code != exitFailure ||
		!strings.Contains(errs, "transfer abroad") {
		t.Fatalf("sharing without the transfer: exit %d %s", code, errs)
	}
	var res struct {
		Recorded int
		Consents []string
	}
	c.mustJSON(&res, "visitor", "consent", v.ID, "--give", "health,transfer", "--share-with", "Seoul Clinic")
	if res.Recorded != 3 || len(res.Consents) != 4 || res.Consents[0] != "contact" || !strings.HasPrefix(res.Consents[3], "provision:") {
		t.Fatalf("after giving: %+v", res)
	}
	if code, errs := consult(); code != exitOK {
		t.Fatalf("consultation with the consent: exit %d %s", code, errs)
	}
	c.mustJSON(&res, "visitor", "consent", v.ID, "--withdraw", "health", "--stop-sharing-with", "Seoul Clinic")
	if res.Recorded != 2 || strings.Join(res.Consents, ",") != "contact,transfer" {
		t.Fatalf("after withdrawing: %+v", res)
	}
	if code, _ := consult(); code != exitFailure {
		t.Fatalf("consultation after the withdrawal: exit %d", code)
	}
	for _, args := range [][]string{
		{"visitor", "consent", v.ID},
		{"visitor", "consent", v.ID, "--give", "health", "--withdraw", "health"},
		{"visitor", "consent", v.ID, "--give", "gossip"},
	} {
		if code, _, errs := c.run(args...); code == exitOK || errs == "" {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
	if code, _, errs := c.run("visitor", "consent", "no-such-visitor", "--give", "health"); code != exitFailure || errs == "" {
		t.Errorf("unknown visitor: exit %d %q", code, errs)
	}
}

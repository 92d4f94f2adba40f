package main

import (
	"context"
	"strings"
	"testing"

	"medibooth/booth"
	"medibooth/data"
)

func TestCLIStaff(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	c.stdin = "739146\n"
	var admin booth.Staff
	c.mustJSON(&admin, "staff", "add", "--name", "Park Ji-woo", "--role", "admin", "--pin-stdin")
	if admin.ID == "" || admin.Role != booth.RoleAdmin || !admin.HasPIN {
		t.Fatalf("staff add: %+v", admin)
	}
	var doc booth.Staff
	c.mustJSON(&doc, "staff", "add", "--name", "Dr Kim", "--role", "doctor", "--hospital", "Seoul National University Dental")
	if doc.OrgID == "" || doc.HasPIN {
		t.Fatalf("doctor: %+v", doc)
	}
	for _, bad := range []struct {
		args  []string
		stdin string
		exit  int
		want  string
	}{
		{[]string{"staff", "add", "--name", "X", "--role", "nurse"}, "", 2, "not one of desk"},
		{[]string{"staff", "add", "--name", "X", "--role", "doctor"}, "", 1, "belongs to a hospital"},
		{[]string{"staff", "add", "--name", "X", "--role", "desk", "--pin-stdin"}, "1111\n", 1, "too easy"},
		{[]string{"staff", "add", "--name", "X", "--role", "desk", "--pin-stdin"}, "", 1, "No PIN"},
		{[]string{"staff", "pin", "Nobody"}, "4826\n", 1, "no staff member"},
	} {
		c.stdin = bad.stdin
		exit, _, errs := c.run(bad.args...)
		if exit != bad.exit || !strings.Contains(errs, bad.want) || strings.Count(strings.TrimSpace(errs), "\n") > 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with %q", bad.args, exit, errs, bad.exit, bad.want)
		}
	}
	c.stdin = "4826\n"
	if exit, _, errs := c.run("staff", "pin", "dr kim"); exit != 0 {
		t.Fatalf("staff pin: %d %s", exit, errs)
	}
	var list struct{ Results []booth.Staff }
	c.mustJSON(&list, "staff", "list")
	pins := map[string]bool{}
	for _, s := range list.Results {
		pins[s.Name] = s.HasPIN
	}
	if !pins["Park Ji-woo"] || !pins["Dr Kim"] || pins["Desk 1"] {
		t.Errorf("who has a PIN: %v", pins)
	}
	db, err := data.OpenDir(c.env["MEDIBOOTH_DATA"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SignIn(context.Background(), doc.ID, "4826"); err != nil {
		t.Errorf("the doctor cannot sign in with the PIN set from the CLI: %v", err)
	}
}

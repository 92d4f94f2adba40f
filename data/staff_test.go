package data_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// mustStaffDB opens a database with an event and cheap PIN hashing.
func mustStaffDB(t *testing.T) (*data.DB, *clock) {
	t.Helper()
	db, c := MustOpenDB(t)
	db.PINCost = booth.PINCost{Time: 1, Memory: 64, Threads: 1}
	MustEvent(t, db)
	return db, c
}

func TestFirstAdminAndSignIn(t *testing.T) {
	db, _ := mustStaffDB(t)
	ctx := context.Background()
	if ok, err := db.HasAdmin(ctx); err != nil || ok {
		t.Fatalf("HasAdmin on a new event = %v, %v", ok, err)
	}
	admin := &booth.Staff{Name: "Park Ji-woo", Role: booth.RoleAdmin}
	if err := db.CreateStaff(ctx, admin, "1234"); booth.ErrorCode(err) != booth.EINVALID {
		t.Errorf("an easy PIN was accepted: %v", err)
	}
	if err := db.CreateStaff(ctx, admin, "2580"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.HasAdmin(ctx); !ok {
		t.Error("no admin after creating one")
	}
	s, err := db.SignIn(ctx, admin.ID, "2580")
	if err != nil || s.Name != "Park Ji-woo" || s.Role != booth.RoleAdmin || !s.HasPIN {
		t.Fatalf("SignIn = %+v, %v", s, err)
	}
	var raw string
	if err := rawQueryRow(t, db, `SELECT pin_hash FROM staff WHERE id = ?`, admin.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw == "2580" || !booth.CheckPIN(raw, "2580") {
		t.Errorf("stored PIN %q is not an argon2id hash of it", raw)
	}
}

func TestWrongPINsLockOut(t *testing.T) {
	db, clk := mustStaffDB(t)
	ctx := context.Background()
	s := &booth.Staff{Name: "Desk 1", Role: booth.RoleDesk}
	if err := db.CreateStaff(ctx, s, "4826"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= booth.MaxPINTries; i++ {
		_, err := db.SignIn(ctx, s.ID, "0000")
		var se *booth.SignInError
		if !errors.As(err, &se) || se.TriesLeft != booth.MaxPINTries-i {
			t.Fatalf("wrong PIN %d: %v", i, err)
		}
		if (i == booth.MaxPINTries) != !se.LockedUntil.IsZero() {
			t.Fatalf("wrong PIN %d: locked until %v", i, se.LockedUntil)
		}
	}
	// Locked: even the right PIN is refused, and it does not count.
	_, err := db.SignIn(ctx, s.ID, "4826")
	var se *booth.SignInError
	if !errors.As(err, &se) || !se.LockedUntil.Equal(clk.t.Add(time.Minute)) {
		t.Fatalf("right PIN while locked: %v", err)
	}
	clk.advance(61 * time.Second)
	// One more wrong PIN after the lockout locks for twice as long.
	if _, err := db.SignIn(ctx, s.ID, "1111"); !errors.As(err, &se) || !se.LockedUntil.Equal(clk.t.Add(2*time.Minute)) {
		t.Fatalf("sixth wrong PIN: %v", err)
	}
	clk.advance(2*time.Minute + time.Second)
	if _, err := db.SignIn(ctx, s.ID, "4826"); err != nil {
		t.Fatalf("right PIN after the lockout: %v", err)
	}
	// A good sign-in starts the count again.
	if _, err := db.SignIn(ctx, s.ID, "0000"); !errors.As(err, &se) || se.TriesLeft != booth.MaxPINTries-1 {
		t.Fatalf("count after a good sign-in: %v", err)
	}
	// A new PIN set by an admin lifts a lockout.
	for range booth.MaxPINTries {
		db.SignIn(ctx, s.ID, "0000")
	}
	if err := db.SetPIN(ctx, s.ID, "7315"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignIn(ctx, s.ID, "7315"); err != nil {
		t.Fatalf("new PIN: %v", err)
	}
	if _, err := db.SignIn(ctx, s.ID, "4826"); err == nil {
		t.Fatal("the old PIN still signs in")
	}
}

func TestStaffWhoCannotSignIn(t *testing.T) {
	db, _ := mustStaffDB(t)
	ctx := context.Background()
	admin := &booth.Staff{Name: "Admin", Role: booth.RoleAdmin}
	nopin := &booth.Staff{Name: "No PIN", Role: booth.RoleDesk}
	for _, s := range []*booth.Staff{admin, nopin} {
		pin := ""
		if s == admin {
			pin = "2580"
		}
		if err := db.CreateStaff(ctx, s, pin); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SignIn(ctx, nopin.ID, ""); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Errorf("sign-in without a PIN set: %v", err)
	}
	if _, err := db.SignIn(ctx, "nobody", "2580"); booth.ErrorCode(err) != booth.ENOTFOUND {
		t.Errorf("sign-in of nobody: %v", err)
	}
	// The only admin can be neither disabled nor demoted.
	a := *admin
	a.Disabled = true
	if err := db.UpdateStaff(ctx, &a); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Errorf("disabling the last admin: %v", err)
	}
	a = *admin
	a.Role = booth.RoleDesk
	if err := db.UpdateStaff(ctx, &a); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Errorf("demoting the last admin: %v", err)
	}
	// Disabled staff cannot sign in.
	desk := &booth.Staff{Name: "Desk", Role: booth.RoleDesk}
	if err := db.CreateStaff(ctx, desk, "9146"); err != nil {
		t.Fatal(err)
	}
	desk.Disabled = true
	if err := db.UpdateStaff(ctx, desk); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignIn(ctx, desk.ID, "9146"); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Errorf("disabled staff signed in: %v", err)
	}
	// A doctor needs an existing hospital.
	doc := &booth.Staff{Name: "Dr Lee", Role: booth.RoleDoctor, OrgID: "no-such-hospital"}
	if err := db.CreateStaff(ctx, doc, "9146"); booth.ErrorCode(err) != booth.EINVALID {
		t.Errorf("doctor of an unknown hospital: %v", err)
	}
	h := &booth.Org{Kind: booth.OrgHospital, Name: "SNU Dental"}
	if err := db.CreateOrg(ctx, h); err != nil {
		t.Fatal(err)
	}
	doc.OrgID = h.ID
	if err := db.CreateStaff(ctx, doc, "9146"); err != nil {
		t.Fatal(err)
	}
	list, err := db.StaffMembers(ctx)
	if err != nil || len(list) != 4 {
		t.Fatalf("StaffMembers = %d, %v", len(list), err)
	}
}

func TestSignedInStaffIsRecorded(t *testing.T) {
	db, _ := mustStaffDB(t)
	s := &booth.Staff{Name: "Desk 1", Role: booth.RoleDesk}
	if err := db.CreateStaff(context.Background(), s, "4826"); err != nil {
		t.Fatal(err)
	}
	ctx := booth.WithStaff(context.Background(), s)
	v := &booth.Visitor{Name: "Айгерим Байжанова"}
	if err := db.CreateVisitor(ctx, v, Agreed()); err != nil {
		t.Fatal(err)
	}
	cs, err := db.Consents(ctx, v.ID)
	if err != nil || len(cs) != 1 || cs[0].StaffID != s.ID {
		t.Fatalf("consents %+v, %v: want staff %s", cs, err, s.ID)
	}
	if _, err := db.LogPrint(ctx, v.ID, "label", "lp", false); err != nil {
		t.Fatal(err)
	}
	var printedBy string
	if err := rawQueryRow(t, db, `SELECT staff_id FROM badge_print WHERE visitor_id = ?`, v.ID).Scan(&printedBy); err != nil || printedBy != s.ID {
		t.Errorf("badge print by %q, %v", printedBy, err)
	}
}

func TestNoRegistrationWithoutContactConsent(t *testing.T) {
	db, _ := mustStaffDB(t)
	ctx := context.Background()
	refused := []booth.Consent{{Purpose: booth.PurposeContact, Granted: false, TextVersion: "t", TextHash: "t", Lang: "ru"},
		{Purpose: booth.PurposeHealth, Granted: true, TextVersion: "t", TextHash: "t", Lang: "ru"}}
	for _, cs := range [][]booth.Consent{nil, refused} {
		v := &booth.Visitor{Name: "Ерлан Сериков"}
		if err := db.CreateVisitor(ctx, v, cs); booth.ErrorCode(err) != booth.ECONFLICT {
			t.Errorf("registered with consents %+v: %v", cs, err)
		}
	}
	if n, _ := db.VisitorCount(ctx); n != 0 {
		t.Errorf("%d visitors stored after refused registrations", n)
	}
}

// rawQueryRow reads the database file through a connection of its own.
func rawQueryRow(t *testing.T, db *data.DB, query string, args ...any) *sql.Row {
	t.Helper()
	raw, err := sql.Open("sqlite", db.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw.QueryRow(query, args...)
}

// rawExec changes the database file through a connection of its own.
func rawExec(t *testing.T, db *data.DB, query string, args ...any) (sql.Result, error) {
	t.Helper()
	raw, err := sql.Open("sqlite", db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	return raw.Exec(query, args...)
}

package data_test

import (
	"context"
	"testing"

	"medibooth/booth"
)

// The event package carries everything a laptop needs to work the fair:
// staff who sign in with their PINs, the hospitals' notes keys and
// complaint lists, pre-registered visitors with their consents, and HQ's
// bundle key, whose identity stays at HQ.
func TestPackageSetsALaptopUpCompletely(t *testing.T) {
	c := mustConsultDB(t) // HQ: event, two hospitals with keys, a doctor, a visitor
	hq := c.db
	ctx := context.Background()
	if err := hq.SetComplaints(ctx, c.a.ID, "Korean-medicine gynaecology", []string{"Menstrual pain", "Other"}); err != nil {
		t.Fatal(err)
	}
	pre := []booth.Visitor{{Name: "Алия Жумабаева", Phone: "+77051112233", Source: booth.SourcePreRegister, Interests: []string{"Dentistry"}}}
	if _, err := hq.Import(ctx, pre); err != nil {
		t.Fatal(err)
	}
	r, err := hq.HQRecipient(ctx)
	if err != nil || r == "" {
		t.Fatalf("HQ recipient %q %v", r, err)
	}
	if _, err := hq.HQIdentity(ctx); err != nil {
		t.Fatalf("HQ has no identity: %v", err)
	}

	laptop := joined(t, hq, "Desk 2")
	laptop.PINCost = hq.PINCost
	if got, _ := laptop.HQRecipient(ctx); got != r {
		t.Errorf("the laptop encrypts to %q, want %q", got, r)
	}
	if _, err := laptop.HQIdentity(ctx); booth.ErrorCode(err) != booth.ECONFLICT {
		t.Errorf("a joined laptop holds HQ's identity: %v", err)
	}
	if _, err := laptop.SignIn(ctx, c.doctor.ID, "4826"); err != nil {
		t.Errorf("the doctor cannot sign in on the laptop: %v", err)
	}
	if _, err := laptop.UnlockHospital(ctx, c.a.ID, c.passA); err != nil {
		t.Errorf("the hospital's notes do not open on the laptop: %v", err)
	}
	if list, _ := laptop.Complaints(ctx, c.a.ID, "Korean-medicine gynaecology"); len(list) != 2 {
		t.Errorf("complaints on the laptop: %q", list)
	}
	found, err := laptop.FindVisitors(ctx, "алия", 10)
	if err != nil || len(found) != 1 || found[0].Phone != "+77051112233" {
		t.Fatalf("pre-registered visitor on the laptop: %+v %v", found, err)
	}
	if v, _ := laptop.Visitor(ctx, found[0].ID); len(v.Interests) != 1 {
		t.Errorf("interests: %+v", v.Interests)
	}
	// Walk-ins registered at HQ are not shipped; a second join adds nothing.
	if found, _ := laptop.FindVisitors(ctx, "айгерим", 10); len(found) != 0 {
		t.Errorf("a walk-in travelled in the package: %+v", found)
	}
}

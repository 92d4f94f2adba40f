package data_test

import (
	"context"
	"testing"

	"medibooth/assets"
	"medibooth/booth"
)

// Sharing with a hospital needs the consent to transfer abroad, whichever
// way the consent comes in: the store refuses it at registration and later.
func TestSharingNeedsTransferWhereverItComesIn(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	ctx := context.Background()
	h := MustHospital(t, db, "Seoul Clinic", "Cardiology")
	consent := func(p booth.Purpose, org string) booth.Consent {
		text, _ := assets.ConsentText(string(p), "ru")
		return booth.Consent{Purpose: p, OrgID: org, Granted: true, TextVersion: assets.ConsentVersion, TextHash: assets.Hash(text), Lang: "ru"}
	}
	v := &booth.Visitor{Name: "Айгерим Сапарова", Lang: "ru"}
	err := db.CreateVisitor(ctx, v, []booth.Consent{consent(booth.PurposeContact, ""), consent(booth.PurposeProvision, h.ID)})
	if booth.ErrorCode(err) != booth.EINVALID {
		t.Fatalf("registered sharing without the transfer: %v", err)
	}
	v = &booth.Visitor{Name: "Айгерим Сапарова", Lang: "ru"}
	if err := db.CreateVisitor(ctx, v, []booth.Consent{consent(booth.PurposeContact, "")}); err != nil {
		t.Fatal(err)
	}
	share := consent(booth.PurposeProvision, h.ID)
	share.VisitorID = v.ID
	if err := db.AddConsent(ctx, &share); booth.ErrorCode(err) != booth.EINVALID {
		t.Fatalf("sharing added without the transfer: %v", err)
	}
	transfer := consent(booth.PurposeTransfer, "")
	transfer.VisitorID = v.ID
	if err := db.AddConsent(ctx, &transfer); err != nil {
		t.Fatal(err)
	}
	share = consent(booth.PurposeProvision, h.ID)
	share.VisitorID = v.ID
	if err := db.AddConsent(ctx, &share); err != nil {
		t.Fatalf("sharing after the transfer: %v", err)
	}
	cs, _ := db.Consents(ctx, v.ID)
	if booth.CheckProvision(cs, h.ID) != nil {
		t.Fatalf("consents: %+v", cs)
	}
}

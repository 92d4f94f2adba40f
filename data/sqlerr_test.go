package data_test

import (
	"context"
	"testing"

	"medibooth/booth"
)

// A hospital keeps its first notes key: SQLite's refusal of a second is
// recognised by its code and said in one sentence.
func TestSecondHospitalKeyRefused(t *testing.T) {
	db, _ := MustOpenDB(t)
	MustEvent(t, db)
	h := MustHospital(t, db, "Seoul Clinic", "Cardiology")
	ctx := context.Background()
	if _, err := db.CreateHospitalKey(ctx, h.ID, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	_, err := db.CreateHospitalKey(ctx, h.ID, "another long passphrase")
	if booth.ErrorCode(err) != booth.ECONFLICT || booth.ErrorMessage(err) != "This hospital has a notes key already; its notes stay readable only with it." {
		t.Fatalf("second key: %v", err)
	}
}

package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

func (m *Main) runConsultAdd(ctx context.Context, args []string) error {
	fs := m.flags("consult add")
	c := m.common(fs)
	visitor := fs.String("visitor", "", "the visitor's id")
	hosp := fs.String("hospital", "", "the hospital (id or part of the name)")
	dept := fs.String("dept", "", "the department")
	doctor := fs.String("doctor", "", "the doctor's name")
	notes := fs.String("notes", "", "a short summary, sealed to the hospital")
	complaint := fs.String("complaint", "", "the complaint category, sealed with the notes")
	rec := fs.String("recommendation", "", "tele-consultation, send-records, quote, treatment-visit or none")
	follow := fs.String("follow-up", "", "yes, maybe or no")
	when := fs.String("follow-up-when", "", "when the follow-up is meant to happen")
	by := fs.String("follow-up-by", "", "who follows up")
	interp := fs.String("interpreter", "", "the interpreter's language (ru, kk, en, ko), if any")
	atFlag := fs.String("at", "", "when it happened (RFC 3339), for consultations entered afterwards")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *visitor == "" || *hosp == "" || *dept == "" {
		return usagef("\"consult add\" needs --visitor, --hospital and --dept.")
	}
	con := booth.Consultation{VisitorID: *visitor, Department: *dept, Doctor: *doctor, FollowUpWhen: *when, FollowUpBy: *by, Interpreter: *interp}
	var err error
	if con.Recommendation, err = booth.ParseRecommendation(*rec); err != nil {
		return usagef("%s", booth.ErrorMessage(err))
	}
	if con.FollowUp, err = booth.ParseFollowUp(*follow); err != nil {
		return usagef("%s", booth.ErrorMessage(err))
	}
	if *atFlag != "" {
		if con.At, err = time.Parse(time.RFC3339, *atFlag); err != nil {
			return usagef("--at %q is not a time like 2026-09-17T10:30:00+05:00.", *atFlag)
		}
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	org, err := db.FindOrg(ctx, *hosp)
	if err != nil {
		return err
	}
	con.OrgID = org.ID
	if err := db.AddConsultation(ctx, &con, booth.NoteContent{Complaint: *complaint, Summary: *notes}); err != nil {
		return err
	}
	return m.print(c, con, fmt.Sprintf("%s\t%s\t%s\t%s\n", con.ID, con.Day, con.Hospital, con.Department))
}

// runConsultList lists a hospital's consultations; with the hospital's
// passphrase on standard input it shows the notes too.
func (m *Main) runConsultList(ctx context.Context, args []string) error {
	fs := m.flags("consult list")
	c := m.common(fs)
	notes := newNotesFlags(fs, "the hospital (id or part of the name)", "read the hospital's passphrase from standard input and show the notes")
	visitor := fs.String("visitor", "", "only this visitor's consultations")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := notes.read(m); err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	orgID, key, err := notes.open(ctx, db)
	if err != nil {
		return err
	}
	list, err := db.Consultations(ctx, *visitor, orgID)
	if err != nil {
		return err
	}
	type row struct {
		booth.Consultation
		Complaint string `json:"complaint,omitempty"`
		Notes     string `json:"notes,omitempty"`
	}
	out := struct {
		Results []row `json:"results"`
	}{Results: []row{}}
	var b strings.Builder
	for _, con := range list {
		r := row{Consultation: con}
		if key != nil && con.HasNote() {
			n, err := db.ReadNote(ctx, key, con.ID)
			if err != nil {
				return err
			}
			r.Complaint, r.Notes = n.Complaint, n.Summary
		}
		r.Sealed = nil
		out.Results = append(out.Results, r)
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s", con.ID, con.Day, con.Hospital, con.Department, con.VisitorName, con.Recommendation)
		if r.Notes != "" || r.Complaint != "" {
			fmt.Fprintf(&b, "\t%s: %s", r.Complaint, r.Notes)
		}
		b.WriteString("\n")
	}
	return m.print(c, out, b.String())
}

// runOrgKey gives a hospital its key for sealed notes, wrapped with the
// passphrase read from standard input.
func (m *Main) runOrgKey(ctx context.Context, args []string) error {
	fs := m.flags("org key")
	c := m.common(fs)
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	passphrase, err := m.readSecret("passphrase")
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	org, err := db.FindOrg(ctx, pos[0])
	if err != nil {
		return err
	}
	k, err := db.CreateHospitalKey(ctx, org.ID, passphrase)
	if err != nil {
		return err
	}
	return m.print(c, struct {
		Hospital  string `json:"hospital"`
		Recipient string `json:"recipient"`
	}{org.Name, k.Recipient}, k.Recipient+"\n")
}

// unlockError says a wrong passphrase or a lockout in one sentence.
// notesFlags are --hospital and --passphrase-stdin: one hospital, whose
// notes open with the passphrase read from standard input.
type notesFlags struct {
	hosp       *string
	pass       *bool
	passphrase string
}

func newNotesFlags(fs *flag.FlagSet, hospUsage, passUsage string) *notesFlags {
	return &notesFlags{hosp: fs.String("hospital", "", hospUsage), pass: fs.Bool("passphrase-stdin", false, passUsage)}
}

// read checks the two go together and reads the passphrase, after parsing.
func (n *notesFlags) read(m *Main) error {
	if !*n.pass {
		return nil
	}
	if *n.hosp == "" {
		return usagef("--passphrase-stdin opens one hospital's notes; name it with --hospital.")
	}
	var err error
	n.passphrase, err = m.readSecret("passphrase")
	return err
}

// open finds the hospital named ("" for none) and, with a passphrase,
// opens its notes key.
func (n *notesFlags) open(ctx context.Context, db *data.DB) (string, *booth.NotesKey, error) {
	if *n.hosp == "" {
		return "", nil, nil
	}
	org, err := db.FindOrg(ctx, *n.hosp)
	if err != nil {
		return "", nil, err
	}
	if !*n.pass {
		return org.ID, nil, nil
	}
	key, err := db.UnlockHospital(ctx, org.ID, n.passphrase)
	if err != nil {
		return "", nil, unlockError(err)
	}
	return org.ID, key, nil
}

func unlockError(err error) error {
	if se, ok := err.(*booth.SignInError); ok {
		if !se.LockedUntil.IsZero() {
			return booth.Errorf(booth.ECONFLICT, "Too many wrong passphrases; this hospital's notes stay closed until %s.", se.LockedUntil.Local().Format("15:04:05"))
		}
		return booth.Errorf(booth.EINVALID, "Wrong passphrase; %d tries left before a lockout.", se.TriesLeft)
	}
	return err
}

// Package consents makes the records of what a visitor agreed to, the one
// way the desk's registration, the kiosk, the visitor's details, the
// doctors' table and the CLI do: each record names the version and the hash
// of the text the visitor read, in their language, and sharing with a
// hospital is refused without the consent to transfer abroad wherever it is
// asked.
package consents

import (
	"medibooth/assets"
	"medibooth/booth"
)

// Record is the record of a visitor's answer on purpose p (for provision,
// to the hospital org) after reading its text in lang. It fails when there
// is no such text: a consent is never recorded without the words agreed to.
func Record(visitorID string, p booth.Purpose, org string, granted bool, lang string) (booth.Consent, error) {
	text, err := assets.ConsentText(string(p), lang)
	if err != nil {
		return booth.Consent{}, err
	}
	return booth.Consent{VisitorID: visitorID, Purpose: p, OrgID: org, Granted: granted,
		TextVersion: assets.ConsentVersion, TextHash: assets.Hash(text), Lang: lang}, nil
}

// Answers is what a visitor answered when asked for each consent at
// registration.
type Answers struct {
	Contact, Health, Transfer, Marketing bool
	Hospitals                            []string // ids of the hospitals they agreed to share with
}

// Records turns the answers into consent records with the texts the
// visitor read in lang. Every consent asked is recorded, given or refused,
// so the record shows what the visitor was offered; provision is recorded
// for each hospital they agreed to (see CheckShare).
func (a Answers) Records(visitorID, lang string) ([]booth.Consent, error) {
	var out []booth.Consent
	for _, q := range []struct {
		p       booth.Purpose
		org     string
		granted bool
	}{{booth.PurposeContact, "", a.Contact}, {booth.PurposeHealth, "", a.Health}, {booth.PurposeTransfer, "", a.Transfer},
		{booth.PurposeMarketing, "", a.Marketing}} {
		c, err := Record(visitorID, q.p, q.org, q.granted, lang)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	for _, h := range a.Hospitals {
		c, err := Record(visitorID, booth.PurposeProvision, h, true, lang)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// CheckShare refuses adding records that share the visitor's data with a
// hospital (in Korea) unless the visitor consents to the transfer abroad:
// given among the records added, or held and not withdrawn by them.
func CheckShare(held, adding []booth.Consent) error {
	share, transfer := false, 0
	for _, c := range adding {
		switch {
		case c.Purpose == booth.PurposeProvision && c.Granted:
			share = true
		case c.Purpose == booth.PurposeTransfer && c.Granted:
			transfer = 1
		case c.Purpose == booth.PurposeTransfer:
			transfer = -1
		}
	}
	if !share || transfer == 1 || (transfer == 0 && booth.HasConsent(held, booth.PurposeTransfer, "")) {
		return nil
	}
	return booth.Errorf(booth.EINVALID, "The hospitals are in Korea: sharing with them needs the consent to transfer abroad.")
}

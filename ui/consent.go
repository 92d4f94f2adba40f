package ui

import (
	"medibooth/assets"
	"medibooth/booth"
)

// consentAnswers is what a visitor answered when asked for each consent.
type consentAnswers struct {
	Contact, Health, Transfer, Marketing bool
	Hospitals                            []string // ids of the hospitals they agreed to share with
}

// records turns the answers into consent records with the texts the visitor
// read in lang. Every consent asked is recorded, given or refused, so the
// record shows what the visitor was offered; provision is recorded for each
// hospital they agreed to.
func (a consentAnswers) records(lang string) []booth.Consent {
	var out []booth.Consent
	add := func(p booth.Purpose, org string, granted bool) {
		var ver, hash string
		if t, err := assets.ConsentText(string(p), lang); err == nil {
			ver, hash = assets.ConsentVersion, assets.Hash(t)
		}
		out = append(out, booth.Consent{Purpose: p, OrgID: org, Granted: granted, TextVersion: ver, TextHash: hash, Lang: lang})
	}
	add(booth.PurposeContact, "", a.Contact)
	add(booth.PurposeHealth, "", a.Health)
	add(booth.PurposeTransfer, "", a.Transfer)
	add(booth.PurposeMarketing, "", a.Marketing)
	for _, h := range a.Hospitals {
		add(booth.PurposeProvision, h, true)
	}
	return out
}

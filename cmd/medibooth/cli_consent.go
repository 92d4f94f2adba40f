package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"medibooth/booth"
	"medibooth/consents"
)

// runVisitorConsent records consents a visitor gives or withdraws after
// registering: at a doctor's table, for a visitor registered before the
// fair, or when they change their mind. Each decision is a record of its
// own with the text shown in the visitor's language; the latest counts.
func (m *Main) runVisitorConsent(ctx context.Context, args []string) error {
	fs := m.flags("visitor consent")
	c := m.common(fs)
	give := fs.String("give", "", "consents given: contact,health,transfer,marketing")
	withdraw := fs.String("withdraw", "", "consents withdrawn: contact,health,transfer,marketing")
	var share, unshare multi
	fs.Var(&share, "share-with", "hospital the visitor allows their data to go to (repeatable)")
	fs.Var(&unshare, "stop-sharing-with", "hospital the visitor no longer allows their data to go to (repeatable)")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	given, err := booth.ParsePurposes(*give)
	if err != nil {
		return err
	}
	taken, err := booth.ParsePurposes(*withdraw)
	if err != nil {
		return err
	}
	for _, p := range given {
		if slices.Contains(taken, p) {
			return usagef("The consent %q is both given and withdrawn; choose one.", p)
		}
	}
	if len(given)+len(taken)+len(share)+len(unshare) == 0 {
		return usagef("\"visitor consent\" needs --give, --withdraw, --share-with or --stop-sharing-with.")
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Visitor(ctx, pos[0])
	if err != nil {
		return err
	}
	held, err := db.Consents(ctx, v.ID)
	if err != nil {
		return err
	}
	var records []booth.Consent
	add := func(p booth.Purpose, orgID string, granted bool) error {
		c, err := consents.Record(v.ID, p, orgID, granted, v.Lang)
		records = append(records, c)
		return err
	}
	for _, list := range []struct {
		purposes []booth.Purpose
		granted  bool
	}{{given, true}, {taken, false}} {
		for _, p := range list.purposes {
			if err := add(p, "", list.granted); err != nil {
				return err
			}
		}
	}
	for _, list := range []struct {
		names   []string
		granted bool
	}{{share, true}, {unshare, false}} {
		for _, h := range list.names {
			org, err := db.FindOrg(ctx, h)
			if err != nil {
				return err
			} else if org.Kind != booth.OrgHospital {
				return booth.Errorf(booth.EINVALID, "%q is a %s, not a hospital; --share-with names a hospital.", org.Name, org.Kind)
			}
			if err := add(booth.PurposeProvision, org.ID, list.granted); err != nil {
				return err
			}
		}
	}
	if consents.CheckShare(held, records) != nil {
		return booth.Errorf(booth.EINVALID, "The hospitals are in Korea: --share-with needs the consent to transfer abroad (--give transfer).")
	}
	for i := range records {
		if err := db.AddConsent(ctx, &records[i]); err != nil {
			return err
		}
	}
	now, err := db.Consents(ctx, v.ID)
	if err != nil {
		return err
	}
	state := consentState(now)
	var text strings.Builder
	fmt.Fprintf(&text, "%d decisions of %s recorded.", len(records), v.Name)
	if len(state) > 0 {
		fmt.Fprintf(&text, " Consents now: %s.", strings.Join(state, ", "))
	} else {
		text.WriteString(" No consent stands now.")
	}
	text.WriteByte('\n')
	return m.print(c, map[string]any{"visitor": v.ID, "recorded": len(records), "consents": state}, text.String())
}

// consentState lists the consents that stand, by their latest decision:
// the purposes, and "provision:ORG_ID" for each hospital.
func consentState(cs []booth.Consent) []string {
	var out []string
	for _, p := range []booth.Purpose{booth.PurposeContact, booth.PurposeHealth, booth.PurposeTransfer, booth.PurposeMarketing} {
		if booth.HasConsent(cs, p, "") {
			out = append(out, string(p))
		}
	}
	orgs := map[string]bool{}
	for _, c := range cs {
		if c.Purpose == booth.PurposeProvision && !orgs[c.OrgID] {
			orgs[c.OrgID] = true
			if booth.HasConsent(cs, booth.PurposeProvision, c.OrgID) {
				out = append(out, "provision:"+c.OrgID)
			}
		}
	}
	return out
}

package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// checkinResult is what `checkin --json` prints.
type checkinResult struct {
	Decision  booth.Decision `json:"decision"`
	VisitorID string         `json:"visitor_id,omitempty"`
	Name      string         `json:"name,omitempty"`
	Type      string         `json:"type,omitempty"`
	Reason    string         `json:"reason,omitempty"`
	Message   string         `json:"message"`
	At        time.Time      `json:"at"`
	Day       string         `json:"day"`
	ScanID    string         `json:"scan_id"`
	FirstAt   *time.Time     `json:"first_at,omitempty"`
	FirstOn   string         `json:"first_device,omitempty"`
	// FromBadge names the consents this laptop recorded from the badge
	// (health, transfer, "provision: HOSPITAL").
	FromBadge []string `json:"consents_from_badge,omitempty"`
}

func (m *Main) runCheckin(ctx context.Context, args []string) error {
	fs := m.flags("checkin")
	c := m.common(fs)
	atFlag := fs.String("at", "", "when it happened (RFC 3339), for scans entered afterwards")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	req := booth.CheckinRequest{Raw: pos[0]}
	// A scanner that sent the code twice into one input made one scan.
	if codes := booth.SplitScannerInput(pos[0]); len(codes) == 1 {
		req.Raw = codes[0]
	} else if len(codes) > 1 {
		return usagef("\"checkin\" takes one badge code, but got %d different ones.", len(codes))
	}
	if *atFlag != "" {
		at, err := time.Parse(time.RFC3339, *atFlag)
		if err != nil {
			return usagef("--at %q is not a time like 2026-09-17T10:30:00+05:00.", *atFlag)
		}
		req.At, req.Late = at, true
	}
	db, ev, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := db.Checkin(ctx, req)
	if err != nil {
		return err
	}
	res := describeScan(ev, s)
	if res.FromBadge, err = badgeConsentNames(ctx, db, s.BadgeConsents); err != nil {
		return err
	}
	text := fmt.Sprintf("%s: %s\n", strings.ToUpper(string(s.Decision)), res.Message)
	if len(res.FromBadge) > 0 {
		text += fmt.Sprintf("Consents recorded from the badge: %s.\n", strings.Join(res.FromBadge, ", "))
	}
	if err := m.print(c, res, text); err != nil {
		return err
	}
	switch s.Decision {
	case booth.Duplicate:
		return exitError{exitDuplicate}
	case booth.Rejected:
		return exitError{exitRejected}
	}
	return nil
}

// describeScan is what checkin and scan print about one scan.
func describeScan(ev *booth.Event, s *booth.Scan) checkinResult {
	res := checkinResult{Decision: s.Decision, VisitorID: s.VisitorID, Name: s.VisitorName, Type: string(s.VisitorType),
		Reason: s.Reason, At: s.At, Day: s.Day, ScanID: s.ID}
	switch s.Decision {
	case booth.Admitted:
		res.Message = fmt.Sprintf("Welcome, %s (%s).", s.VisitorName, s.VisitorType)
	case booth.Duplicate:
		res.FirstAt, res.FirstOn = &s.First.At, s.First.DeviceName
		res.Message = fmt.Sprintf("%s was already checked in at %s on %s.", s.VisitorName, s.First.At.In(ev.Location()).Format("15:04"), s.First.DeviceName)
	case booth.Rejected:
		res.Message = booth.ReasonText(s.Reason)
	}
	return res
}

// badgeConsentNames names the consents a scan recorded from the badge:
// health, transfer, and "provision: HOSPITAL" for each hospital.
func badgeConsentNames(ctx context.Context, db *data.DB, cs []booth.Consent) ([]string, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	orgs, err := db.Orgs(ctx, booth.OrgHospital)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c.Purpose)
		if c.Purpose == booth.PurposeProvision {
			out[i] += ": " + names[c.OrgID]
		}
	}
	return out, nil
}

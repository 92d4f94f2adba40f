package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // badges photographed with a phone
	_ "image/png"
	"strings"

	"medibooth/booth"
	"medibooth/booth/qr"
)

// maxImageSize bounds an image file read by scan: a 48-megapixel photo is
// well below it.
const maxImageSize = 64 << 20

// scanResult is one code found by `scan`, with what checking it in gave.
type scanResult struct {
	File string `json:"file"`
	checkinResult
}

func (m *Main) runScan(ctx context.Context, args []string) error {
	fs := m.flags("scan")
	c := m.common(fs)
	pos, err := parse(fs, args, 1, 10000)
	if err != nil {
		return err
	}
	db, ev, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	var out struct {
		Results []scanResult `json:"results"`
		Errors  []string     `json:"errors,omitempty"`
	}
	out.Results = []scanResult{}
	var text strings.Builder
	worst := exitOK
	for _, path := range pos {
		codes, err := decodeFile(path)
		if err != nil {
			out.Errors = append(out.Errors, booth.ErrorMessage(err))
			fmt.Fprintf(&text, "%s: %s\n", path, booth.ErrorMessage(err))
			worst = max(worst, exitFailure)
			continue
		}
		if len(codes) == 0 {
			msg := fmt.Sprintf("No QR code was found in %s.", path)
			out.Errors = append(out.Errors, msg)
			fmt.Fprintln(&text, msg)
			worst = max(worst, exitFailure)
			continue
		}
		for _, code := range codes {
			// Each code in an image is one scan, deliberately made: no
			// double-send window, as for checkin.
			s, err := db.Checkin(ctx, booth.CheckinRequest{Raw: code})
			if err != nil {
				return err
			}
			r := describeScan(ev, s)
			if r.FromBadge, err = badgeConsentNames(ctx, db, s.BadgeConsents); err != nil {
				return err
			}
			out.Results = append(out.Results, scanResult{File: path, checkinResult: r})
			fmt.Fprintf(&text, "%s: %s: %s\n", path, strings.ToUpper(string(s.Decision)), r.Message)
			if len(r.FromBadge) > 0 {
				fmt.Fprintf(&text, "%s: Consents recorded from the badge: %s.\n", path, strings.Join(r.FromBadge, ", "))
			}
			switch s.Decision {
			case booth.Duplicate:
				worst = max(worst, exitDuplicate)
			case booth.Rejected:
				worst = max(worst, exitRejected)
			}
		}
	}
	if err := m.print(c, out, text.String()); err != nil {
		return err
	}
	if worst != exitOK {
		return exitError{worst}
	}
	return nil
}

// decodeFile reads an image file and returns the QR codes in it.
func decodeFile(path string) ([]string, error) {
	b, err := readLimited(path, maxImageSize)
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "%s is not a PNG or JPEG image.", path)
	}
	return qr.Decode(img), nil
}

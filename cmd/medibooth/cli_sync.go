package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// runSyncExport writes this laptop's bundle for HQ.
func (m *Main) runSyncExport(ctx context.Context, args []string) error {
	fs := m.flags("sync export")
	c := m.common(fs)
	out := fs.String("out", "", "the bundle file to write")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *out == "" {
		return usagef("\"sync export\" needs --out FILE.")
	}
	db, ev, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.ExportBundle(ctx, *out)
	if err != nil {
		return err
	}
	mf := res.Manifest
	return m.print(c, map[string]any{"file": res.File, "device": mf.Device, "device_id": mf.DeviceID, "event": mf.Event,
		"rows": mf.Rows, "tables": mf.Tables, "bytes": res.Bytes, "sha256": res.SHA256, "made_at": mf.MadeAt},
		fmt.Sprintf("Bundle of %s written to %s: %d rows, %s, SHA-256 %s. Only the HQ of %q can open it.\n",
			mf.Device, res.File, mf.Rows, byteSize(res.Bytes), res.SHA256[:16], ev.Name))
}

// syncImport is one file's outcome of "sync import".
type syncImport struct {
	File               string `json:"file"`
	Decision           string `json:"decision"`          // imported, already-imported or refused
	Reason             string `json:"reason,omitempty"`  // why it was refused
	Receipt            string `json:"receipt,omitempty"` // the code the laptop confirms with (sync confirm)
	*data.BundleImport        // nil when refused
}

// runSyncImport merges bundles into HQ's database, each in its own
// transaction: a refused file (or one whose import failed) is named on
// stderr with its reason, the others are still imported, and the exit code
// is 1 if any was refused.
func (m *Main) runSyncImport(ctx context.Context, args []string) error {
	fs := m.flags("sync import")
	c := m.common(fs)
	files, err := parse(fs, args, 1, 1<<20)
	if err != nil {
		return err
	}
	db, _, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	// Only HQ opens bundles: say so once, not once per file.
	if _, err := db.HQIdentity(ctx); err != nil {
		return err
	}
	var results []syncImport
	var text strings.Builder
	counts := map[string]int{}
	for _, f := range files {
		r := syncImport{File: f}
		res, err := importBundleFile(ctx, db, f)
		switch {
		case err != nil:
			r.Decision, r.Reason = "refused", sentence(err)
			fmt.Fprintf(m.Stderr, "%s: %s\n", f, r.Reason)
		case res.Decision == data.BundleAlreadyImported:
			r.Decision, r.BundleImport = res.Decision, res
			r.Receipt = booth.ReceiptCode(res.SHA256)
			fmt.Fprintf(&text, "%s: already imported (%s); nothing changed. Receipt code for the laptop: %s\n", f, res.Device, r.Receipt)
		default:
			r.Decision, r.BundleImport = res.Decision, res
			r.Receipt = booth.ReceiptCode(res.SHA256)
			fmt.Fprintf(&text, "%s: imported from %s (medibooth %s), %d rows, %d new or changed. Receipt code for the laptop: %s\n", f, res.Device, appVersion(res.AppVersion), res.Rows, res.Changed, r.Receipt)
		}
		counts[r.Decision]++
		results = append(results, r)
	}
	if err := m.print(c, map[string]any{"results": results, "imported": counts[data.BundleImported],
		"already_imported": counts[data.BundleAlreadyImported], "refused": counts["refused"]}, text.String()); err != nil {
		return err
	}
	if counts["refused"] > 0 {
		return exitError{exitFailure}
	}
	return nil
}

// importBundleFile imports the bundle at path (the HQ server hands its
// uploads over the same way).
func importBundleFile(ctx context.Context, db *data.DB, path string) (*data.BundleImport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot read %s: %v.", path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot read %s: %v.", path, err)
	} else if st.IsDir() {
		return nil, booth.Errorf(booth.EINVALID, "%s is a folder, not a bundle.", path)
	} else if st.Size() > booth.DefaultMaxBundleSize {
		return nil, booth.Errorf(booth.EINVALID, "This file is too large to be a medibooth bundle (over %d MiB).", booth.DefaultMaxBundleSize>>20)
	}
	return db.ImportBundle(ctx, f)
}

// runSyncStatus says where the data stands: this laptop's last bundle and,
// at HQ, every laptop's newest bundle imported.
func (m *Main) runSyncStatus(ctx context.Context, args []string) error {
	fs := m.flags("sync status")
	c := m.common(fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	db, ev, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.SyncStatus(ctx)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(ev.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	at := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
	var b strings.Builder
	switch e := st.LastExport; {
	case e == nil:
		fmt.Fprintf(&b, "This laptop (%s) has made no bundle yet.\n", db.Device().Name)
	default:
		acked := "HQ has not confirmed it yet"
		if e.Acked != nil {
			acked = "HQ confirmed it at " + at(*e.Acked)
		}
		fmt.Fprintf(&b, "Last bundle of this laptop (%s): %s, made %s, %d rows; %s.\n", db.Device().Name, e.Path, at(e.MadeAt), e.Rows, acked)
	}
	if st.Unexported {
		b.WriteString("This laptop recorded more since; export again before it leaves the fair.\n")
	}
	if st.HQ {
		fmt.Fprintf(&b, "HQ of %q: bundles from %d laptop(s).\n", ev.Name, len(st.Laptops))
		for _, l := range st.Laptops {
			fmt.Fprintf(&b, "  %-20s last bundle made %s, imported %s; %d bundle(s), %d rows\n", l.Device, at(l.LastMadeAt), at(l.ImportedAt), l.Bundles, l.Rows)
		}
	}
	return m.print(c, st, b.String())
}

// byteSize writes a byte count for people.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// appVersion names the medibooth that made a bundle; bundles of versions
// before 0.1.0 did not say.
func appVersion(v string) string {
	if v == "" {
		return "before 0.1.0"
	}
	return v
}

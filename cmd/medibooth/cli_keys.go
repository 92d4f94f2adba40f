package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"medibooth/booth"
)

func (m *Main) runEventPackage(ctx context.Context, args []string) error {
	fs := m.flags("event package")
	c := m.common(fs)
	out := fs.String("out", "", "file to write")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *out == "" {
		return usagef("\"event package\" needs --out FILE.")
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := db.Package(ctx)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, b, 0o600); err != nil {
		return err
	}
	ev, _ := db.Event(ctx)
	return m.print(c, map[string]any{"file": *out, "event": ev.Name, "bytes": len(b)},
		fmt.Sprintf("Event package for %q written to %s. It opens the event's badge keys: keep it safe and delete copies once the laptops have joined.\n", ev.Name, *out))
}

func (m *Main) runEventJoin(ctx context.Context, args []string) error {
	fs := m.flags("event join")
	c := m.common(fs)
	name := fs.String("device-name", "", "a name for this laptop, shown to desk staff")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	b, err := readLimited(pos[0], booth.MaxPackageSize)
	if err != nil {
		return err
	}
	p, err := booth.OpenPackage(b)
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.Join(ctx, p, *name)
	if err != nil {
		return err
	}
	return m.print(c, res, fmt.Sprintf("This laptop (%s) joined %q with %d organisations; its badge key is %s.\n", res.Device, res.Event, res.Orgs, res.KeyID))
}

func (m *Main) runEventKeys(ctx context.Context, args []string) error {
	fs := m.flags("event keys")
	c := m.common(fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := db.DeviceKeys(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, k := range keys {
		state := ""
		if k.Own {
			state += " (this laptop)"
		}
		if k.Revoked {
			state += " REVOKED"
		}
		fmt.Fprintf(&b, "%s  %s%s\n", k.KeyID, k.Device, state)
	}
	return m.print(c, map[string]any{"keys": keys}, b.String())
}

func (m *Main) runEventRevoke(ctx context.Context, args []string) error {
	fs := m.flags("event revoke")
	c := m.common(fs)
	reason := fs.String("reason", "", "why, for the record")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	id := strings.ToLower(strings.TrimSpace(pos[0]))
	if err := db.RevokeKey(ctx, id, *reason); err != nil {
		return err
	}
	return m.print(c, map[string]any{"revoked": id}, fmt.Sprintf("Badges issued with key %s are refused on this laptop from now on.\n", id))
}

// readLimited reads a file of outside input, refusing one larger than max.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot read %s: %v.", path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > max {
		return nil, booth.Errorf(booth.EINVALID, "%s is too large (%d bytes).", path, st.Size())
	}
	b := make([]byte, 0, 1<<16)
	buf := make([]byte, 1<<16)
	for {
		n, err := f.Read(buf)
		b = append(b, buf[:n]...)
		if int64(len(b)) > max {
			return nil, booth.Errorf(booth.EINVALID, "%s is too large.", path)
		}
		if err != nil {
			break
		}
	}
	return b, nil
}

// writeFileAtomic writes a file whole or not at all (booth.WriteFileAtomic).
func writeFileAtomic(path string, b []byte, perm os.FileMode) error {
	if err := booth.WriteFileAtomic(path, b, perm); err != nil {
		return booth.Errorf(booth.EINVALID, "Cannot write %s: %v.", path, err)
	}
	return nil
}

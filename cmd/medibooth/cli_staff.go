package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"medibooth/booth"
	"medibooth/data"
)

// readPIN reads a PIN from the first line of standard input, so that it
// never shows in the process list or the shell's history.
func (m *Main) readPIN() (string, error) { return m.readSecret("PIN") }

// readSecret reads a PIN or passphrase (what) from the first line of
// standard input.
func (m *Main) readSecret(what string) (string, error) {
	if m.Stdin == nil {
		return "", booth.Errorf(booth.EINVALID, "Type the %s on standard input.", what)
	}
	line, err := bufio.NewReader(io.LimitReader(m.Stdin, 1024)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	secret := strings.TrimRight(line, "\r\n")
	if strings.TrimSpace(secret) == "" {
		return "", booth.Errorf(booth.EINVALID, "No %s came on standard input.", what)
	}
	return secret, nil
}

func (m *Main) runStaffAdd(ctx context.Context, args []string) error {
	fs := m.flags("staff add")
	c := m.common(fs)
	name := fs.String("name", "", "the staff member's name")
	role := fs.String("role", "", "desk, doctor, coordinator or admin")
	org := fs.String("hospital", "", "the hospital of a doctor or coordinator (id or part of the name)")
	pinStdin := fs.Bool("pin-stdin", false, "read the PIN from standard input")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *name == "" || *role == "" {
		return usagef("\"staff add\" needs --name and --role.")
	}
	r, err := booth.ParseRole(*role)
	if err != nil {
		return usagef("%s", booth.ErrorMessage(err))
	}
	pin := ""
	if *pinStdin {
		if pin, err = m.readPIN(); err != nil {
			return err
		}
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	s := booth.Staff{Name: *name, Role: r}
	if *org != "" {
		o, err := db.FindOrg(ctx, *org)
		if err != nil {
			return err
		}
		s.OrgID = o.ID
	}
	if err := db.CreateStaff(ctx, &s, pin); err != nil {
		return err
	}
	return m.print(c, s, s.ID+"\n")
}

func (m *Main) runStaffList(ctx context.Context, args []string) error {
	fs := m.flags("staff list")
	c := m.common(fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := db.StaffMembers(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, s := range list {
		state := "pin"
		if s.Disabled {
			state = "disabled"
		} else if !s.HasPIN {
			state = "no-pin"
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", s.ID, s.Role, state, s.Name)
	}
	return m.print(c, struct {
		Results []booth.Staff `json:"results"`
	}{append([]booth.Staff{}, list...)}, b.String())
}

// runStaffPIN sets a staff member's PIN (and lifts a lockout).
func (m *Main) runStaffPIN(ctx context.Context, args []string) error {
	fs := m.flags("staff pin")
	c := m.common(fs)
	rest, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	pin, err := m.readPIN()
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := findStaff(ctx, db, rest[0])
	if err != nil {
		return err
	}
	if err := db.SetPIN(ctx, s.ID, pin); err != nil {
		return err
	}
	return m.print(c, s, "")
}

// findStaff finds a staff member by id or by their whole name.
func findStaff(ctx context.Context, db *data.DB, key string) (*booth.Staff, error) {
	list, err := db.StaffMembers(ctx)
	if err != nil {
		return nil, err
	}
	var found []booth.Staff
	for _, s := range list {
		if s.ID == key {
			return &s, nil
		}
		if strings.EqualFold(s.Name, strings.TrimSpace(key)) {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return nil, booth.Errorf(booth.ENOTFOUND, "There is no staff member %q.", key)
	case 1:
		return &found[0], nil
	}
	return nil, booth.Errorf(booth.EINVALID, "Several staff members are named %q; give the id.", key)
}

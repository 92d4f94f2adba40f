package data

import (
	"context"
	"strings"

	"medibooth/booth"
)

var _ booth.OrgService = (*DB)(nil)

// CreateOrg stores an organisation and its departments in one transaction.
func (db *DB) CreateOrg(ctx context.Context, o *booth.Org) error {
	if err := o.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM org WHERE kind = ? AND name_fold = ?`, o.Kind, fold(o.Name)).Scan(&exists); err != nil {
		return err
	} else if exists > 0 {
		return booth.Errorf(booth.ECONFLICT, "There is already a %s named %q.", o.Kind, o.Name)
	}
	if err := insertOrg(ctx, tx, db, o, false); err != nil {
		return err
	}
	return tx.Commit()
}

// insertOrg writes o and its departments; with ignore set, rows that exist
// already are left as they are (the demo loads idempotently).
func insertOrg(ctx context.Context, tx *wtx, db *DB, o *booth.Org, ignore bool) error {
	if o.ID == "" {
		o.ID = booth.NewID()
	}
	if o.Created.IsZero() {
		o.Created = db.Now()
	}
	if o.DeviceID == "" {
		o.DeviceID = db.Device().ID
	}
	verb := "INSERT"
	if ignore {
		verb = "INSERT OR IGNORE"
	}
	t := booth.FormatTime(o.Created)
	seq := db.nextSeq()
	if _, err := tx.ExecContext(ctx, verb+` INTO org (id, kind, name, name_fold, created_at, updated_at, device_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.Kind, o.Name, fold(o.Name), t, t, o.DeviceID, seq); err != nil {
		return err
	}
	for i := range o.Departments {
		d := &o.Departments[i]
		if d.ID == "" {
			d.ID = booth.NewID()
		}
		d.OrgID = o.ID
		if _, err := tx.ExecContext(ctx, verb+` INTO department (id, org_id, name, name_fold, created_at, updated_at, device_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, o.ID, d.Name, fold(d.Name), t, t, o.DeviceID, seq); err != nil {
			return err
		}
	}
	return nil
}

// Orgs lists organisations of one kind ("" for all) by name, with departments.
func (db *DB) Orgs(ctx context.Context, kind booth.OrgKind) ([]booth.Org, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, kind, name, created_at, device_id FROM org WHERE ? = '' OR kind = ? ORDER BY name_fold`, kind, kind)
	if err != nil {
		return nil, err
	}
	var out []booth.Org
	for rows.Next() {
		var o booth.Org
		var created string
		if err := rows.Scan(&o.ID, &o.Kind, &o.Name, &created, &o.DeviceID); err != nil {
			rows.Close()
			return nil, err
		}
		o.Created, _ = booth.ParseTime(created)
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Departments, err = db.departments(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) departments(ctx context.Context, orgID string) ([]booth.Department, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, org_id, name FROM department WHERE org_id = ? ORDER BY name_fold`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []booth.Department
	for rows.Next() {
		var d booth.Department
		if err := rows.Scan(&d.ID, &d.OrgID, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FindOrg returns the organisation whose id is s, else the one named s
// (case-insensitive), else the only one whose name contains s.
func (db *DB) FindOrg(ctx context.Context, s string) (*booth.Org, error) {
	s = strings.TrimSpace(s)
	orgs, err := db.Orgs(ctx, "")
	if err != nil {
		return nil, err
	}
	want := fold(s)
	var named, partial []*booth.Org
	for i := range orgs {
		o := &orgs[i]
		switch {
		case o.ID == s:
			return o, nil
		case fold(o.Name) == want:
			named = append(named, o)
		case want != "" && strings.Contains(fold(o.Name), want):
			partial = append(partial, o)
		}
	}
	if len(named) == 0 {
		named = partial
	}
	switch len(named) {
	case 0:
		return nil, booth.Errorf(booth.ENOTFOUND, "There is no organisation named %q.", s)
	case 1:
		return named[0], nil
	}
	var names []string
	for _, o := range named {
		names = append(names, o.Name)
	}
	return nil, booth.Errorf(booth.EINVALID, "%q could be any of: %s. Give more of the name, or the id.", s, strings.Join(names, "; "))
}

// fold is the case-insensitive form of a name for uniqueness checks; SQLite's
// NOCASE folds ASCII only.
func fold(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

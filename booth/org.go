package booth

import (
	"context"
	"strings"
	"time"
)

// OrgKind says what an exhibiting or visiting organisation is.
type OrgKind string

// Organisation kinds.
const (
	OrgHospital OrgKind = "hospital"
	OrgAgency   OrgKind = "agency"
	OrgFirm     OrgKind = "firm"
)

// ParseOrgKind reads a kind as typed on the command line.
func ParseOrgKind(s string) (OrgKind, error) {
	switch k := OrgKind(strings.ToLower(strings.TrimSpace(s))); k {
	case OrgHospital, OrgAgency, OrgFirm:
		return k, nil
	}
	return "", Errorf(EINVALID, "The kind %q is not one of hospital, agency or firm.", s)
}

// Org is a hospital, agency or firm taking part in the event.
type Org struct {
	ID          string       `json:"id"`
	Kind        OrgKind      `json:"kind"`
	Name        string       `json:"name"`
	Departments []Department `json:"departments,omitempty"`
	Created     time.Time    `json:"created"`
	DeviceID    string       `json:"device_id"`
}

// Department is a specialty of a hospital (or a team of a firm).
type Department struct {
	ID    string `json:"id"`
	OrgID string `json:"org_id"`
	Name  string `json:"name"`
	// Complaints are the complaint categories a consultation in this
	// department picks from.
	Complaints []string `json:"complaints,omitempty"`
}

// Validate checks an organisation and its departments before they are stored.
func (o *Org) Validate() error {
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" {
		return Errorf(EINVALID, "The organisation needs a name.")
	} else if len([]rune(o.Name)) > 200 {
		return Errorf(EINVALID, "The organisation's name is longer than 200 letters.")
	}
	if _, err := ParseOrgKind(string(o.Kind)); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range o.Departments {
		d := &o.Departments[i]
		d.Name = strings.TrimSpace(d.Name)
		if d.Name == "" {
			return Errorf(EINVALID, "A department of %s has no name.", o.Name)
		} else if seen[strings.ToLower(d.Name)] {
			return Errorf(EINVALID, "The department %q is named twice.", d.Name)
		}
		seen[strings.ToLower(d.Name)] = true
	}
	return nil
}

// OrgService keeps organisations, departments and staff.
type OrgService interface {
	// CreateOrg stores o with its departments. ECONFLICT when an organisation
	// of the same kind and name exists.
	CreateOrg(ctx context.Context, o *Org) error
	// Orgs lists organisations (of one kind, or all when kind is "") by name.
	Orgs(ctx context.Context, kind OrgKind) ([]Org, error)
	// FindOrg returns the organisation whose id or name (case-insensitive) is
	// s; ENOTFOUND when there is none.
	FindOrg(ctx context.Context, s string) (*Org, error)
}

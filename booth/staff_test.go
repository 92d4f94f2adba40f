package booth

import (
	"strings"
	"testing"
	"time"
)

// cheap keeps the tests quick; the cost is written into each hash.
var cheap = PINCost{Time: 1, Memory: 64, Threads: 1}

func TestPINRules(t *testing.T) {
	for pin, ok := range map[string]bool{
		"2580": true, "975312": true, "0451": true, "123456789012": false, "739104628517": true,
		"123": false, "1234": false, "4321": false, "8901": false, "0000": false, "55555": false,
		"12a4": false, "１２３４": false, "": false, "7391046285170": false,
	} {
		err := CheckPINRules(pin)
		if (err == nil) != ok {
			t.Errorf("CheckPINRules(%q) = %v, want ok %v", pin, err, ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("CheckPINRules(%q) code %s", pin, ErrorCode(err))
		}
	}
}

func TestHashPIN(t *testing.T) {
	h, err := HashPIN("2580", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string with its cost", h)
	}
	if !CheckPIN(h, "2580") {
		t.Error("the right PIN does not match")
	}
	for _, wrong := range []string{"2581", "258", "25800", "", "0852"} {
		if CheckPIN(h, wrong) {
			t.Errorf("%q matches the hash of 2580", wrong)
		}
	}
	h2, _ := HashPIN("2580", cheap)
	if h2 == h {
		t.Error("two hashes of one PIN are equal: no salt")
	}
	parts := strings.Split(h, "$")
	for name, bad := range map[string]string{
		"empty":       "",
		"bcrypt":      "$2a$10$abcdefghijklmnopqrstuu",
		"argon2i":     strings.Replace(h, "argon2id", "argon2i", 1),
		"version":     strings.Replace(h, "v=19", "v=16", 1),
		"huge memory": strings.Join([]string{"", parts[1], parts[2], "m=4194304,t=1,p=1", parts[4], parts[5]}, "$"),
		"many passes": strings.Join([]string{"", parts[1], parts[2], "m=64,t=1000,p=1", parts[4], parts[5]}, "$"),
		"no threads":  strings.Join([]string{"", parts[1], parts[2], "m=64,t=1,p=0", parts[4], parts[5]}, "$"),
		"short sum":   strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
		"bad salt":    strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$"),
		"extra part":  h + "$x",
	} {
		if CheckPIN(bad, "2580") {
			t.Errorf("%s: malformed hash %q matched", name, bad)
		}
	}
}

func TestLockoutAfter(t *testing.T) {
	for failed, want := range map[int]time.Duration{
		0: 0, 1: 0, 4: 0, 5: time.Minute, 6: 2 * time.Minute, 7: 4 * time.Minute,
		10: 32 * time.Minute, 11: time.Hour, 12: time.Hour, 100: time.Hour,
	} {
		if got := LockoutAfter(failed); got != want {
			t.Errorf("LockoutAfter(%d) = %v, want %v", failed, got, want)
		}
	}
}

func TestLooksLikeScan(t *testing.T) {
	if LooksLikeScan("2580") || LooksLikeScan("739104628517") {
		t.Error("a PIN looks like a scan")
	}
	if !LooksLikeScan("1234567890123") || !LooksLikeScan(strings.Repeat("7", 493)) {
		t.Error("a visitor number or a badge does not look like a scan")
	}
}

func TestRolePermissions(t *testing.T) {
	want := map[Role][]Action{
		RoleDesk:        {ActCheckin, ActRegister, ActKiosk},
		RoleDoctor:      {ActCheckin, ActRegister, ActConsult},
		RoleCoordinator: {ActCheckin, ActRegister, ActConsult},
		RoleAdmin:       {ActCheckin, ActRegister, ActKiosk, ActExitKiosk, ActErase, ActSettings, ActStaff, ActImport, ActSync},
	}
	all := []Action{ActCheckin, ActRegister, ActKiosk, ActExitKiosk, ActErase, ActSettings, ActStaff, ActConsult, ActImport, ActSync}
	for role, may := range want {
		for _, a := range all {
			allowed := false
			for _, m := range may {
				allowed = allowed || m == a
			}
			if role.May(a) != allowed {
				t.Errorf("%s may %s: %v, want %v", role, a, role.May(a), allowed)
			}
		}
	}
	if Role("visitor").May(ActSettings) || Role("visitor").May(ActKiosk) {
		t.Error("an unknown role may change settings")
	}
}

func TestStaffNormalize(t *testing.T) {
	s := Staff{Name: "  Kim   Min-jun ", Role: RoleDoctor, OrgID: "h1"}
	if err := s.Normalize(); err != nil || s.Name != "Kim Min-jun" {
		t.Errorf("Normalize: %v, name %q", err, s.Name)
	}
	for _, bad := range []Staff{{Name: "", Role: RoleDesk}, {Name: "A", Role: "nurse"}, {Name: "A", Role: RoleCoordinator}} {
		if err := bad.Normalize(); ErrorCode(err) != EINVALID {
			t.Errorf("Normalize(%+v) = %v, want invalid", bad, err)
		}
	}
	desk := Staff{Name: "Desk", Role: RoleDesk, OrgID: "h1"}
	if err := desk.Normalize(); err != nil || desk.OrgID != "" {
		t.Errorf("desk staff keep a hospital: %+v %v", desk, err)
	}
}

func TestConsentRules(t *testing.T) {
	at := time.Date(2026, 9, 17, 10, 0, 0, 0, time.UTC)
	c := func(p Purpose, org string, granted bool, min int) Consent {
		return Consent{ID: string(p) + org + at.Add(time.Duration(min)*time.Minute).String(), Purpose: p, OrgID: org, Granted: granted, At: at.Add(time.Duration(min) * time.Minute)}
	}
	if CheckRegistration(nil) == nil || CheckRegistration([]Consent{c(PurposeContact, "", false, 0)}) == nil ||
		CheckRegistration([]Consent{c(PurposeHealth, "", true, 0)}) == nil {
		t.Error("registered without the consent to collection and contact")
	}
	if err := CheckRegistration([]Consent{c(PurposeContact, "", true, 0)}); err != nil {
		t.Error(err)
	}
	health := []Consent{c(PurposeContact, "", true, 0), c(PurposeHealth, "", true, 0)}
	if err := CheckHealth(health); err != nil {
		t.Error(err)
	}
	withdrawn := append(health, c(PurposeHealth, "", false, 5))
	if CheckHealth(withdrawn) == nil || CheckHealth(health[:1]) == nil {
		t.Error("a health note allowed without (or after withdrawing) the health consent")
	}
	share := []Consent{c(PurposeProvision, "hosp-a", true, 0)}
	if CheckProvision(share, "hosp-a") == nil {
		t.Error("provision to a Korean hospital without consent to the transfer abroad")
	}
	share = append(share, c(PurposeTransfer, "", true, 0))
	if err := CheckProvision(share, "hosp-a"); err != nil {
		t.Error(err)
	}
	if CheckProvision(share, "hosp-b") == nil || CheckProvision(share, "") == nil {
		t.Error("provision to a hospital the visitor did not name")
	}
	if CheckProvision(append(share, c(PurposeProvision, "hosp-a", false, 1)), "hosp-a") == nil {
		t.Error("provision after the consent was withdrawn")
	}
	for _, err := range []error{CheckRegistration(nil), CheckHealth(nil), CheckProvision(nil, "x"),
		CheckProvision([]Consent{c(PurposeProvision, "x", true, 0)}, "x")} {
		if ErrorCode(err) != ECONFLICT || strings.Count(ErrorMessage(err), ".") != 1 {
			t.Errorf("%v: want one sentence with code conflict", err)
		}
	}
}

// BenchmarkCheckPIN is one sign-in's PIN check at the default cost: it
// should stay well under a second on a booth laptop, and be slow enough
// that guessing through a stolen hash costs real time.
func BenchmarkCheckPIN(b *testing.B) {
	h, err := HashPIN("739146", DefaultPINCost)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if !CheckPIN(h, "739146") {
			b.Fatal("no match")
		}
	}
}

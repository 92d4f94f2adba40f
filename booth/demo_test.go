package booth

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func loadDemo(t *testing.T) *Demo {
	t.Helper()
	d, err := LoadDemo()
	if err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	return d
}

func TestDemoEvent(t *testing.T) {
	d := loadDemo(t)
	e := d.Event
	if e.Name != "Almaty Health Consultation 2026" || e.City != "Almaty" || e.Country != "KZ" ||
		e.Start != "2026-09-17" || e.End != "2026-09-18" || e.TimeZone != "Asia/Almaty" {
		t.Errorf("event = %+v", e)
	}
	if err := e.Validate(); err != nil {
		t.Error(err)
	}
	if e.ID == "" || e.DeviceID != DemoDeviceID || e.Created.IsZero() {
		t.Errorf("event id %q, device %q, created %v", e.ID, e.DeviceID, e.Created)
	}
	if got := demoID("device:" + DemoDeviceName); got != DemoDeviceID {
		t.Errorf("DemoDeviceID = %s, want the name-based id %s", DemoDeviceID, got)
	}
}

func TestDemoOrgsAndStaff(t *testing.T) {
	d := loadDemo(t)
	kinds := map[OrgKind]int{}
	depts := 0
	byID := map[string]Org{}
	for _, o := range d.Orgs {
		kinds[o.Kind]++
		byID[o.ID] = o
		if o.Kind != OrgHospital && len(o.Departments) > 0 {
			t.Errorf("%s (%s) has departments", o.Name, o.Kind)
		}
		for _, dep := range o.Departments {
			depts++
			if dep.OrgID != o.ID || dep.ID == "" {
				t.Errorf("department %+v of %s", dep, o.Name)
			}
		}
		if o.DeviceID != DemoDeviceID || o.Created.IsZero() {
			t.Errorf("%s: device %q, created %v", o.Name, o.DeviceID, o.Created)
		}
	}
	if kinds[OrgHospital] != 4 || depts != 5 {
		t.Errorf("%d hospitals with %d departments, want 4 with 5", kinds[OrgHospital], depts)
	}
	if kinds[OrgFirm] != 12 {
		t.Errorf("%d Seoul firms, want 12", kinds[OrgFirm])
	}
	if kinds[OrgAgency] < 10 {
		t.Errorf("%d Kazakh agencies, want at least 10", kinds[OrgAgency])
	}
	wantDepts := map[string][]string{
		"Kyung Hee University Korean Medicine Hospital": {"Korean-medicine gynaecology"},
		"Seoul National University Dental Hospital":     {"Dentistry"},
		"Soonchunhyang University Seoul Hospital":       {"Health screening"},
		"Korea University Anam Hospital":                {"GI cancers", "Post-COVID care"},
	}
	for _, o := range d.Orgs {
		if o.Kind != OrgHospital {
			continue
		}
		var names []string
		for _, dep := range o.Departments {
			names = append(names, dep.Name)
		}
		if !reflect.DeepEqual(names, wantDepts[o.Name]) {
			t.Errorf("%s has departments %q, want %q", o.Name, names, wantDepts[o.Name])
		}
	}

	roles := map[Role]int{}
	doctors := map[string]int{}
	coordinators := map[string]int{}
	for _, s := range d.Staff {
		roles[s.Role]++
		if s.Device != DemoDeviceID || s.ID == "" {
			t.Errorf("staff %+v", s)
		}
		switch s.Role {
		case RoleDoctor, RoleCoordinator:
			o, ok := byID[s.OrgID]
			if !ok || o.Kind != OrgHospital {
				t.Errorf("%s belongs to %q, not a hospital", s.Name, s.OrgID)
			}
			if s.Role == RoleDoctor {
				doctors[o.Name]++
			} else {
				coordinators[o.Name]++
			}
		default:
			if s.OrgID != "" {
				t.Errorf("%s (%s) belongs to %s", s.Name, s.Role, s.OrgID)
			}
		}
	}
	if roles[RoleDoctor] != 5 || roles[RoleDesk] < 2 || roles[RoleAdmin] < 1 {
		t.Errorf("roles %v, want 5 doctors, 2 desks and an admin", roles)
	}
	for name, deps := range wantDepts {
		if doctors[name] != len(deps) || coordinators[name] != 1 {
			t.Errorf("%s has %d doctors and %d coordinators, want %d and 1", name, doctors[name], coordinators[name], len(deps))
		}
	}
}

func TestDemoVisitors(t *testing.T) {
	d := loadDemo(t)
	if len(d.Visitors) != 197 {
		t.Fatalf("%d visitors, want 197", len(d.Visitors))
	}
	loc, err := time.LoadLocation(d.Event.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	end, _ := time.ParseInLocation(time.DateOnly, d.Event.End, loc)
	end = end.AddDate(0, 0, 1)

	types := map[VisitorType]int{}
	langs := map[string]int{}
	countries := map[string]int{}
	sources := map[Source]int{}
	phones := map[string]bool{}
	kazakh, latin := 0, 0
	for _, v := range d.Visitors {
		w := v
		w.Normalize()
		if !reflect.DeepEqual(w, v) {
			t.Errorf("visitor %q changes when normalized again:\n%+v\n%+v", v.Name, v, w)
		}
		if err := w.Validate(); err != nil {
			t.Errorf("visitor %q: %v", v.Name, err)
		}
		if v.NameLatin == "" {
			t.Errorf("visitor %q has no Latin name", v.Name)
		}
		if v.Phone == "" || phones[v.Phone] {
			t.Errorf("visitor %q has the missing or repeated phone %q", v.Name, v.Phone)
		}
		phones[v.Phone] = true
		if v.Created.Location() != time.UTC || !v.Created.Before(end) || v.Updated != v.Created {
			t.Errorf("visitor %q created %v, updated %v", v.Name, v.Created, v.Updated)
		}
		if v.BirthYear != 0 && (v.BirthYear < 1950 || v.BirthYear > 2005) {
			t.Errorf("visitor %q born %d", v.Name, v.BirthYear)
		}
		// HQ registered the visitors who came forward before the fair,
		// the desk the walk-ins.
		if want := map[bool]string{false: DemoDeviceID, true: DemoDeskID}[v.Source == SourceWalkIn]; v.DeviceID != want || v.Erased {
			t.Errorf("visitor %q: device %q, erased %v", v.Name, v.DeviceID, v.Erased)
		}
		if strings.ContainsAny(strings.ToLower(v.Name), "әғқңөұүһі") {
			kazakh++
		}
		if strings.IndexFunc(v.Name, func(r rune) bool { return r >= 'A' && r <= 'z' }) >= 0 {
			latin++
		}
		types[v.Type]++
		langs[v.Lang]++
		countries[v.Country]++
		sources[v.Source]++
	}
	t.Logf("types %v, langs %v, countries %v, sources %v, %d names with Kazakh letters, %d in Latin", types, langs, countries, sources, kazakh, latin)
	if kazakh < 30 {
		t.Errorf("%d names with Kazakh-specific letters, want at least 30", kazakh)
	}
	if latin < 3 {
		t.Errorf("%d names written in Latin, want a few", latin)
	}
	between := func(what string, n, lo, hi int) {
		if n < lo || n > hi {
			t.Errorf("%d %s, want %d to %d", n, what, lo, hi)
		}
	}
	between("patients", types[TypePatient], 140, 160)
	between("companions", types[TypeCompanion], 5, 30)
	between("agency visitors", types[TypeAgency], 15, 25)
	between("media visitors", types[TypeMedia], 3, 8)
	between("other visitors", types[TypeOther], 1, 10)
	between("Kazakh speakers", langs["kk"], 35, 45)
	between("English speakers", langs["en"], 3, 10)
	between("Russian speakers", langs["ru"], 140, 160)
	between("visitors from Kazakhstan", countries["KZ"], 170, 190)
	between("visitors from Uzbekistan", countries["UZ"], 3, 10)
	between("pre-registered visitors", sources[SourcePreRegister], 115, 125)
	between("walk-ins", sources[SourceWalkIn], 72, 82)
}

func TestDemoStable(t *testing.T) {
	a, b := loadDemo(t), loadDemo(t)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two loads of the demo differ")
	}
	ids := map[string]string{}
	add := func(id, what string) {
		if id == "" {
			t.Errorf("%s has no id", what)
		} else if other, ok := ids[id]; ok {
			t.Errorf("%s and %s share the id %s", what, other, id)
		}
		ids[id] = what
	}
	add(a.Event.ID, "event")
	for _, o := range a.Orgs {
		add(o.ID, o.Name)
		for _, dep := range o.Departments {
			add(dep.ID, dep.Name)
		}
	}
	for _, s := range a.Staff {
		add(s.ID, s.Name)
	}
	codes := map[string]bool{}
	for _, v := range a.Visitors {
		add(v.ID, v.Name)
		if codes[v.Code] {
			t.Errorf("the code %s of %q is repeated", v.Code, v.Name)
		}
		codes[v.Code] = true
		if c, err := ParseCode(v.Code); err != nil || c != v.Code {
			t.Errorf("the code %q of %q does not parse: %q, %v", v.Code, v.Name, c, err)
		}
	}
	for _, c := range a.Consents {
		add(c.ID, "consent "+string(c.Purpose)+" of "+c.VisitorID)
	}
	if a.Visitors[0].ID != demoVisitorID("visitor:"+a.Visitors[0].Name+"|"+a.Visitors[0].Phone+"|"+a.Visitors[0].Email) {
		t.Error("the first visitor's id is not derived from its name, phone and email")
	}
}

func TestDemoConsents(t *testing.T) {
	d := loadDemo(t)
	hospitals := map[string]bool{}
	for _, o := range d.Orgs {
		if o.Kind == OrgHospital {
			hospitals[o.ID] = true
		}
	}
	byVisitor := map[string][]Consent{}
	for _, c := range d.Consents {
		byVisitor[c.VisitorID] = append(byVisitor[c.VisitorID], c)
	}
	patients, transfer, provision := 0, 0, 0
	for _, v := range d.Visitors {
		cs := byVisitor[v.ID]
		delete(byVisitor, v.ID)
		nProvision := 0
		for _, c := range cs {
			if !c.Granted || c.TextVersion != "2026-1" || c.Lang != v.Lang || !c.At.Equal(v.Created) || c.DeviceID != v.DeviceID {
				t.Errorf("consent %+v of %q", c, v.Name)
			}
			if c.TextHash != demoTextHash(c.Purpose, v.Lang) || len(c.TextHash) != 64 {
				t.Errorf("consent text hash %q of %q", c.TextHash, v.Name)
			}
			if c.Purpose == PurposeProvision {
				nProvision++
				if !hospitals[c.OrgID] {
					t.Errorf("provision of %q to %q, not a hospital", v.Name, c.OrgID)
				}
			} else if c.OrgID != "" {
				t.Errorf("%s consent of %q names %s", c.Purpose, v.Name, c.OrgID)
			}
		}
		if !HasConsent(cs, PurposeContact, "") {
			t.Errorf("%q has no contact consent", v.Name)
		}
		if HasConsent(cs, PurposeHealth, "") != (v.Type == TypePatient) {
			t.Errorf("%q (%s) health consent %v", v.Name, v.Type, HasConsent(cs, PurposeHealth, ""))
		}
		if v.Type != TypePatient {
			if nProvision > 0 {
				t.Errorf("%q (%s) consents to provision", v.Name, v.Type)
			}
			continue
		}
		patients++
		if HasConsent(cs, PurposeTransfer, "") {
			transfer++
		}
		if nProvision > 2 {
			t.Errorf("%q consents to provision to %d hospitals", v.Name, nProvision)
		} else if nProvision > 0 {
			provision++
		}
	}
	if len(byVisitor) > 0 {
		t.Errorf("consents of %d unknown visitors", len(byVisitor))
	}
	if r := float64(transfer) / float64(patients); r < 0.75 || r > 0.85 {
		t.Errorf("%d of %d patients consent to transfer, want about 80%%", transfer, patients)
	}
	if r := float64(provision) / float64(patients); r < 0.55 || r > 0.65 {
		t.Errorf("%d of %d patients consent to provision, want about 60%%", provision, patients)
	}
}

// TestDemoNoDatesOfBirth walks the embedded file: birth is kept as a year,
// and the only dates are the event's and the records' times.
func TestDemoNoDatesOfBirth(t *testing.T) {
	var raw any
	if err := json.Unmarshal(demoJSON, &raw); err != nil {
		t.Fatal(err)
	}
	date := regexp.MustCompile(`\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}`)
	var walk func(key string, x any)
	walk = func(key string, x any) {
		k := strings.ToLower(key)
		if strings.Contains(k, "birth") || strings.Contains(k, "dob") || strings.Contains(k, "born") {
			if n, ok := x.(float64); k != "birth_year" || !ok || n != float64(int(n)) || n < 1900 || n > 2100 {
				t.Errorf("%q = %v is more than a birth year", key, x)
			}
		}
		switch x := x.(type) {
		case map[string]any:
			for k, v := range x {
				walk(k, v)
			}
		case []any:
			for _, v := range x {
				walk(key, v)
			}
		case string:
			if date.MatchString(x) && k != "start" && k != "end" && k != "created" {
				t.Errorf("%q = %q looks like a date", key, x)
			}
		}
	}
	walk("", raw)
	d := loadDemo(t)
	for _, v := range d.Visitors {
		b, _ := json.Marshal(v)
		if strings.Contains(strings.ToLower(string(b)), "birth_date") {
			t.Errorf("visitor %q has a date of birth", v.Name)
		}
	}
}

// TestDemoBroken checks that LoadDemo refuses a demo file with mistakes
// instead of handing them to the store.
func TestDemoBroken(t *testing.T) {
	orig := demoJSON
	t.Cleanup(func() { demoJSON = orig })
	for _, c := range []struct{ what, old, new string }{
		{"unknown field", `"birth_year":`, `"birth_date":`},
		{"bad visitor type", `"type":"patient"`, `"type":"tourist"`},
		{"repeated phone", `"phone":"+7 916 690 71 04"`, `"phone":"87074301193"`},
		{"provision to a firm", `"provision":["Soonchunhyang University Seoul Hospital"`, `"provision":["Hangang Medical Tour"`},
		{"doctor without hospital", `"role": "doctor", "org": "Seoul National University Dental Hospital"`, `"role": "doctor", "org": "Koktem Tour"`},
		{"registered after the event", `"created":"2026-09-18T11:44:00Z"`, `"created":"2026-09-18T19:44:00Z"`},
	} {
		s := string(orig)
		if !strings.Contains(s, c.old) {
			t.Errorf("%s: the demo file has no %s", c.what, c.old)
			continue
		}
		demoJSON = []byte(strings.Replace(s, c.old, c.new, 1))
		if _, err := LoadDemo(); err == nil {
			t.Errorf("%s: LoadDemo succeeds", c.what)
		} else if ErrorCode(err) != EINTERNAL {
			t.Errorf("%s: %v, want an internal error", c.what, err)
		}
	}
}

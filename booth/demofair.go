package booth

import (
	"crypto/ed25519"
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"filippo.io/age"
)

// The demo fair is the demo event's two days as they happened, recorded on
// two laptops with no network between them: the registration desk scanned
// every visitor on each day they came, and the doctors' laptop at the
// consultation tables recorded the consultations (scanning a few visitors
// again, which it could not know the desk had admitted) and the travel
// mart's meetings. Its figures are those of the seed event the CLI test
// replays on three laptops: 197 visitors admitted (123 on the first day,
// 102 on the second) in 258 scans, 97 consultations of 77 patients, 150
// meetings of 12 firms with 42 agencies, 17 of them ending in an MOU.
// Everything is drawn from a fixed seed, so every load gives the same ids,
// times and choices.

// demoNotesJSON holds the demo consultations' notes, each sealed to its
// hospital's demo key, by consultation id. Sealing draws random keys, so
// the notes are sealed once and kept here: every laptop that loads the
// demo then holds the very same records, and laptops that exchange them
// agree. TestDemoNotes checks them and, with -update-demo-notes, seals them
// again.
//
//go:embed demo/notes.json
var demoNotesJSON []byte

// The demo fair's laptops, as named-based UUIDs of "device:" and their name.
const (
	DemoDeskID      = "9663042e-9194-5dfb-8d3b-bd890e9d95c9"
	DemoDeskName    = "Desk laptop"
	DemoDoctorsID   = "a63fedb8-5f62-589f-bb97-2d5197f4484a"
	DemoDoctorsName = "Doctors' laptop"
)

// The demo fair's figures.
const (
	demoDay1Only     = 95 // visitors who came on the first day only
	demoDay2Only     = 74
	demoBothDays     = 28
	demoDuplicates   = 15 // badges scanned again at the desk the same day
	demoSecondLaptop = 13 // visitors scanned again at the doctors' laptop
	demoPatients     = 77 // patients consulted
	demoMeetings     = 150
	demoMOUs         = 17
)

// demoConsultsByDept are the consultations of each department.
var demoConsultsByDept = map[string]int{"Korean-medicine gynaecology": 21, "Dentistry": 21, "Health screening": 27,
	"GI cancers": 15, "Post-COVID care": 13}

// demoConsultDays splits the consulted patients by the days they came, and
// says how many of each see a doctor of a second hospital: 30 came on the
// first day only (7 of them see two hospitals), 35 on the second only (5)
// and 12 on both (8, the second on the second day), which makes 49
// consultations on the first day and 48 on the second.
var demoConsultDays = []struct {
	days          []int
	patients, two int
}{{[]int{0}, 30, 7}, {[]int{1}, 35, 5}, {[]int{0, 1}, 12, 8}}

// demoRejected are the codes the desk refused: a name typed into the
// scanner's field, a visitor number no visitor has, a badge with one digit
// changed, half a visitor number and another event's badge.
const (
	demoTypedName = "Айгерім"
	demoStranger  = "Данияр Ахметов"
)

// demoFair draws the fair of the demo d.
type demoFair struct {
	d   *Demo
	rng *rand.Rand
	loc *time.Location
	// days[v] are the days (0 or 1) visitor v came, arrived[v] their first
	// scan of each day.
	days    map[string][]int
	arrived map[string][2]time.Time
	n       int // records drawn, for their ids
}

func (f *demoFair) id(kind string) string {
	f.n++
	return demoID(fmt.Sprintf("%s:%d", kind, f.n))
}

// dayAt is minutes after midnight of the event's day d, event-local.
func (f *demoFair) dayAt(d, minutes int) time.Time {
	day, _ := time.ParseInLocation(time.DateOnly, f.d.Event.Start, f.loc)
	return day.AddDate(0, 0, d).Add(time.Duration(minutes) * time.Minute).UTC()
}

// dayOf is the event day (0 or 1) of t; -1 outside the event.
func (f *demoFair) dayOf(t time.Time) int {
	for d := range 2 {
		if !t.Before(f.dayAt(d, 0)) && t.Before(f.dayAt(d+1, 0)) {
			return d
		}
	}
	return -1
}

func (f *demoFair) minutes(lo, n int) time.Duration {
	return time.Duration(lo+f.rng.IntN(n)) * time.Minute
}

// planDemoFair fills d's devices, scans, consultations and meetings.
func planDemoFair(d *Demo) error {
	f := &demoFair{d: d, rng: rand.New(rand.NewPCG(2026, 917)), loc: d.Event.Location(),
		days: map[string][]int{}, arrived: map[string][2]time.Time{}}
	d.Notes = map[string]NoteContent{}
	d.Devices = []Device{{ID: DemoDeskID, Name: DemoDeskName, Created: d.Event.Created},
		{ID: DemoDoctorsID, Name: DemoDoctorsName, Created: d.Event.Created}}
	if err := f.attendance(); err != nil {
		return err
	}
	f.checkins()
	if err := f.rejected(); err != nil {
		return err
	}
	if err := f.consultations(); err != nil {
		return err
	}
	if err := f.meetings(); err != nil {
		return err
	}
	slices.SortStableFunc(d.Scans, func(a, b Scan) int { return a.At.Compare(b.At) })
	return nil
}

// sealDemoNotes attaches to each consultation its note as demo/notes.json
// holds it sealed.
func sealDemoNotes(d *Demo) error {
	var sealed map[string][]byte
	if err := json.Unmarshal(demoNotesJSON, &sealed); err != nil {
		return demoErr("its sealed notes cannot be read: %v", err)
	}
	for i := range d.Consultations {
		c := &d.Consultations[i]
		if c.Sealed = sealed[c.ID]; c.Sealed == nil {
			return demoErr("the note of the consultation %s is not sealed (go test ./booth -run TestDemoNotes -update-demo-notes)", c.ID)
		}
	}
	if len(sealed) != len(d.Consultations) {
		return demoErr("%d sealed notes for %d consultations", len(sealed), len(d.Consultations))
	}
	return nil
}

// attendance decides the days each visitor came: a walk-in on the day of
// their registration (and, for some of the first day, the next day too),
// the pre-registered on either or both.
func (f *demoFair) attendance() error {
	var rest []*Visitor
	n := [3]int{} // first day only, second day only, both
	for i := range f.d.Visitors {
		v := &f.d.Visitors[i]
		reg := f.dayOf(v.Created)
		switch {
		case v.Source == SourceWalkIn && reg < 0:
			return demoErr("the walk-in %q registered outside the event's days", v.Name)
		case v.Source == SourceWalkIn && reg == 1:
			f.days[v.ID] = []int{1}
			n[1]++
		default:
			rest = append(rest, v)
		}
	}
	f.rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	for _, v := range rest {
		switch {
		case n[2] < demoBothDays:
			f.days[v.ID] = []int{0, 1}
			n[2]++
		case n[1] < demoDay2Only && v.Source != SourceWalkIn:
			f.days[v.ID] = []int{1}
			n[1]++
		default:
			f.days[v.ID] = []int{0}
			n[0]++
		}
	}
	if n != [3]int{demoDay1Only, demoDay2Only, demoBothDays} {
		return demoErr("%d visitors came on the first day only, %d on the second only and %d on both", n[0], n[1], n[2])
	}
	return nil
}

// scan adds one scan of v (nil for a refused code) at the desk or the
// doctors' laptop.
func (f *demoFair) scan(device string, v *Visitor, at time.Time, d Decision) *Scan {
	s := Scan{ID: f.id("scan"), At: at, Day: f.d.Event.LocalDay(at), DeviceID: device, Decision: d, Created: at}
	if v != nil {
		s.Raw, s.Code, s.VisitorID = v.Code, v.Code, v.ID
	}
	f.d.Scans = append(f.d.Scans, s)
	return &f.d.Scans[len(f.d.Scans)-1]
}

// checkins scans every visitor at the desk on each day they came: a
// walk-in a few minutes after registering, the others between 9:00 and
// 14:30. Some badges are scanned twice, a few minutes apart.
func (f *demoFair) checkins() {
	type visit struct {
		v   *Visitor
		day int
	}
	var visits []visit
	for i := range f.d.Visitors {
		v := &f.d.Visitors[i]
		var arrived [2]time.Time
		for _, d := range f.days[v.ID] {
			at := f.dayAt(d, 9*60).Add(f.minutes(0, 330))
			if v.Source == SourceWalkIn && f.dayOf(v.Created) == d {
				at = v.Created.Add(f.minutes(2, 4))
			}
			arrived[d] = at
			f.scan(DemoDeskID, v, at, Admitted)
			visits = append(visits, visit{v, d})
		}
		f.arrived[v.ID] = arrived
	}
	f.rng.Shuffle(len(visits), func(i, j int) { visits[i], visits[j] = visits[j], visits[i] })
	for _, x := range visits[:demoDuplicates] {
		f.scan(DemoDeskID, x.v, f.arrived[x.v.ID][x.day].Add(f.minutes(3, 27)), Duplicate)
	}
}

// rejected adds the five codes the desk refused.
func (f *demoFair) rejected() error {
	codes := map[string]string{}
	for _, v := range f.d.Visitors {
		codes[v.Code] = v.Name
	}
	unknown := demoCode(demoID("visitor:nobody"), codes)
	damaged, err := demoBadge("medibooth demo event", f.d.Visitors[0].ID, f.d.Visitors[0].Name)
	if err != nil {
		return err
	}
	b := []byte(damaged)
	i := len(b) - 30
	for b[i] == '0' {
		i--
	}
	b[i]-- // a smaller digit keeps the code readable; its check digit fails
	other, err := demoBadge("another event", demoID("visitor:stranger"), demoStranger)
	if err != nil {
		return err
	}
	cut := f.d.Visitors[1].Code
	for i, r := range []struct{ raw, code, reason string }{
		{demoTypedName, "", ReasonMalformed}, {unknown, unknown, ReasonUnknown}, {string(b), string(b), ReasonDamaged},
		{cut[:len(cut)/2], "", ReasonMalformed}, {other, other, ReasonOtherEvent},
	} {
		s := f.scan(DemoDeskID, nil, f.dayAt(i%2, 10*60+7*i), Rejected)
		s.Raw, s.Code, s.Reason = r.raw, r.code, r.reason
	}
	return nil
}

// demoBadge issues the badge of a visitor at a desk laptop of the event
// whose keys are derived from name: the demo event's, or another's.
func demoBadge(name, visitorID, visitor string) (string, error) {
	root, keys := DemoEventKeys()
	if name != "medibooth demo event" {
		seed := sha256.Sum256([]byte(name + " root key"))
		seal := sha256.Sum256([]byte(name + " seal key"))
		root = ed25519.NewKeyFromSeed(seed[:])
		keys = EventKeys{Root: root.Public().(ed25519.PublicKey), Seal: seal[:]}
	}
	seed := sha256.Sum256([]byte(name + " desk laptop key"))
	key := ed25519.NewKeyFromSeed(seed[:])
	is := Issuer{Keys: keys, Key: key, Cert: Certify(root, keys, key.Public().(ed25519.PublicKey))}
	code, err := is.Issue(visitorID, TypePatient, visitor)
	if err != nil {
		return "", demoErr("the badge of %s: %s", visitor, ErrorMessage(err))
	}
	return code, nil
}

// demoDoctor is a doctor of the demo and the department they consult in.
type demoDoctor struct {
	staff Staff
	org   *Org
	dept  string
}

// doctors returns the doctor of each department: a hospital's doctors, in
// the order the demo lists them, take its departments in theirs.
func (f *demoFair) doctors() (map[string]demoDoctor, error) {
	out := map[string]demoDoctor{}
	for i := range f.d.Orgs {
		o := &f.d.Orgs[i]
		if o.Kind != OrgHospital {
			continue
		}
		if _, err := age.ParseX25519Identity(f.d.NotesKeys[o.ID]); err != nil {
			return nil, demoErr("%s has no notes key", o.Name)
		}
		var staff []Staff
		for _, s := range f.d.Staff {
			if s.Role == RoleDoctor && s.OrgID == o.ID {
				staff = append(staff, s)
			}
		}
		if len(staff) != len(o.Departments) {
			return nil, demoErr("%s has %d doctors for %d departments", o.Name, len(staff), len(o.Departments))
		}
		for j, dep := range o.Departments {
			out[dep.Name] = demoDoctor{staff: staff[j], org: o, dept: dep.Name}
		}
	}
	return out, nil
}

// demoConsult is a consultation to draw: a patient, the day, and whether
// it is their second.
type demoConsult struct {
	v      *Visitor
	day    int
	second bool
	doctor demoDoctor
}

// consultations draws the patients consulted (of those who consented to
// health information), their departments and the consultations' times and
// notes.
func (f *demoFair) consultations() error {
	docs, err := f.doctors()
	if err != nil {
		return err
	}
	plan, err := f.consultPlan()
	if err != nil {
		return err
	}
	if err := f.assignDoctors(plan, docs); err != nil {
		return err
	}
	first := map[string]time.Time{} // the time of each patient's first consultation
	for _, c := range plan {
		at := f.arrived[c.v.ID][c.day].Add(f.minutes(20, 120))
		if p, ok := first[c.v.ID]; c.second && ok && f.dayOf(p) == c.day {
			at = p.Add(40 * time.Minute)
		}
		if err := f.consult(c, at); err != nil {
			return err
		}
		if !c.second {
			first[c.v.ID] = at
		}
	}
	f.secondLaptop()
	return nil
}

// consultPlan picks the patients consulted, by the days they came.
func (f *demoFair) consultPlan() ([]demoConsult, error) {
	consents := map[string][]Consent{}
	for _, c := range f.d.Consents {
		consents[c.VisitorID] = append(consents[c.VisitorID], c)
	}
	var firsts, seconds []demoConsult
	for _, g := range demoConsultDays {
		var ps []*Visitor
		for i := range f.d.Visitors {
			v := &f.d.Visitors[i]
			if v.Type == TypePatient && CheckHealth(consents[v.ID]) == nil && slices.Equal(f.days[v.ID], g.days) {
				ps = append(ps, v)
			}
		}
		if len(ps) < g.patients {
			return nil, demoErr("%d patients came on the days %v, fewer than the %d consulted", len(ps), g.days, g.patients)
		}
		f.rng.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		for i, v := range ps[:g.patients] {
			firsts = append(firsts, demoConsult{v: v, day: g.days[0]})
			if i < g.two {
				seconds = append(seconds, demoConsult{v: v, day: g.days[len(g.days)-1], second: true})
			}
		}
	}
	return append(firsts, seconds...), nil
}

// assignDoctors gives every consultation a department, as many to each as
// demoConsultsByDept says; a patient's second consultation is at another
// hospital.
func (f *demoFair) assignDoctors(plan []demoConsult, docs map[string]demoDoctor) error {
	var slots []string
	for _, dept := range slices.Sorted(maps.Keys(demoConsultsByDept)) {
		if _, ok := docs[dept]; !ok {
			return demoErr("no doctor consults in %s", dept)
		}
		for range demoConsultsByDept[dept] {
			slots = append(slots, dept)
		}
	}
	if len(slots) != len(plan) || len(docs) != len(demoConsultsByDept) {
		return demoErr("%d consultations planned for %d departments' %d", len(plan), len(docs), len(slots))
	}
	f.rng.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	take := func(c *demoConsult, k int) {
		c.doctor = docs[slots[k]]
		slots = slices.Delete(slots, k, k+1)
	}
	// The patients of two consultations first, while every hospital is
	// left: the first slot, then the next of another hospital.
	first := map[string]*demoConsult{}
	for i := range plan {
		if c := &plan[i]; !c.second {
			first[c.v.ID] = c
		}
	}
	for i := range plan {
		c := &plan[i]
		if !c.second {
			continue
		}
		take(first[c.v.ID], 0)
		k := slices.IndexFunc(slots, func(dept string) bool { return docs[dept].org.ID != first[c.v.ID].doctor.org.ID })
		if k < 0 {
			return demoErr("no department of another hospital is left for %s", c.v.Name)
		}
		take(c, k)
	}
	for i := range plan {
		if c := &plan[i]; c.doctor.org == nil {
			take(c, 0)
		}
	}
	return nil
}

// demoSummaries are the notes' summaries, by recommendation.
var demoSummaries = map[Recommendation]string{
	RecommendTele:      "A tele-consultation with the hospital is proposed.",
	RecommendRecords:   "The patient will send their records and test results.",
	RecommendNone:      "No further step is needed for now.",
	RecommendQuote:     "A treatment plan and a quote will follow.",
	RecommendTreatment: "A treatment visit to Seoul is recommended.",
}

// consult adds one consultation at the doctors' laptop and its note.
func (f *demoFair) consult(c demoConsult, at time.Time) error {
	light := []Recommendation{RecommendTele, RecommendRecords, RecommendNone}
	serious := []Recommendation{RecommendQuote, RecommendTreatment, RecommendRecords}
	r := light[f.rng.IntN(len(light))]
	if f.dayOf(at) == 1 {
		r = serious[f.rng.IntN(len(serious))]
	}
	con := Consultation{ID: f.id("consultation"), VisitorID: c.v.ID, VisitorName: c.v.Name, OrgID: c.doctor.org.ID,
		Hospital: c.doctor.org.Name, Department: c.doctor.dept, Doctor: c.doctor.staff.Name, At: at, Day: f.d.Event.LocalDay(at),
		Recommendation: r, FollowUp: FollowUps[f.rng.IntN(len(FollowUps))], StaffID: c.doctor.staff.ID, DeviceID: DemoDoctorsID}
	if c.v.Lang != "ko" && f.rng.IntN(2) == 0 {
		con.Interpreter = c.v.Lang
	}
	var complaints []string
	for _, dep := range c.doctor.org.Departments {
		if dep.Name == c.doctor.dept {
			complaints = dep.Complaints
		}
	}
	note := NoteContent{Summary: demoSummaries[r]}
	if len(complaints) > 0 {
		note.Complaint = complaints[f.rng.IntN(len(complaints))]
	}
	if err := con.Validate(&note); err != nil {
		return demoErr("a consultation of %s: %s", c.v.Name, ErrorMessage(err))
	}
	f.d.Consultations = append(f.d.Consultations, con)
	f.d.Notes[con.ID] = note
	return nil
}

// secondLaptop has the doctors' laptop scan a few patients' badges just
// before their first consultation: it admits them, knowing nothing of the
// desk's scans.
func (f *demoFair) secondLaptop() {
	seen := map[string]bool{}
	var picks []Consultation
	for _, c := range f.d.Consultations {
		if !seen[c.VisitorID] {
			seen[c.VisitorID] = true
			picks = append(picks, c)
		}
	}
	f.rng.Shuffle(len(picks), func(i, j int) { picks[i], picks[j] = picks[j], picks[i] })
	for _, c := range picks[:demoSecondLaptop] {
		i := slices.IndexFunc(f.d.Visitors, func(v Visitor) bool { return v.ID == c.VisitorID })
		f.scan(DemoDoctorsID, &f.d.Visitors[i], c.At.Add(-3*time.Minute), Admitted)
	}
}

// demoOutcomes are the meetings' outcomes; "" is none written.
var demoOutcomes = []string{"price list sent", "partner contract to follow", "fam trip proposed for October",
	"needs brochures in Russian", "will send patient enquiries", ""}

// meetings draws the travel mart at the doctors' laptop: every agency
// first meets a firm (so every firm and agency takes part), then firms and
// agencies meet in pairs that have not met before, between 10:00 and
// 17:00; some sign an MOU.
func (f *demoFair) meetings() error {
	var firms, agencies []*Org
	for i := range f.d.Orgs {
		switch o := &f.d.Orgs[i]; o.Kind {
		case OrgFirm:
			firms = append(firms, o)
		case OrgAgency:
			agencies = append(agencies, o)
		}
	}
	if len(firms) == 0 || len(agencies) > demoMeetings || len(firms)*len(agencies) < demoMeetings {
		return demoErr("%d firms and %d agencies cannot hold %d meetings", len(firms), len(agencies), demoMeetings)
	}
	mou := map[int]bool{}
	for _, i := range f.rng.Perm(demoMeetings)[:demoMOUs] {
		mou[i] = true
	}
	met := map[[2]int]bool{}
	for i := range demoMeetings {
		fi, a := i%len(firms), i
		for a >= len(agencies) || met[[2]int{fi, a}] {
			fi, a = f.rng.IntN(len(firms)), f.rng.IntN(len(agencies))
		}
		met[[2]int{fi, a}] = true
		at := f.dayAt(f.rng.IntN(2), 10*60).Add(f.minutes(0, 420))
		m := Meeting{ID: f.id("meeting"), FirmID: firms[fi].ID, Firm: firms[fi].Name, AgencyID: agencies[a].ID,
			Agency: agencies[a].Name, At: at, Day: f.d.Event.LocalDay(at), Outcome: demoOutcomes[f.rng.IntN(len(demoOutcomes))],
			MOU: mou[i], Created: at, DeviceID: DemoDoctorsID}
		if m.MOU {
			m.Outcome = "MOU signed"
		}
		f.d.Meetings = append(f.d.Meetings, m)
	}
	return nil
}

package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"medibooth/assets"
	"medibooth/booth"
	"medibooth/booth/sheet"
)

// The seed event is the two-day health consultation in Almaty that the
// demo describes: 197 participants, 77 patients consulted by 5 doctors of 4
// Seoul hospitals (light consultations on day 1, serious ones on day 2), and
// a B2B travel mart where 12 Seoul firms met 42 Kazakh travel agencies in
// 150 meetings. TestCLISeedEvent replays it through the CLI, as HQ and three
// laptops would, and checks that the report says, in every format, what was
// entered.

// The figures of the press releases; the plan must hit them exactly.
const (
	seedParticipants = 197 // unique visitors checked in
	seedPatients     = 77  // distinct patients consulted
	seedMeetings     = 150
	seedFirms        = 12
	seedAgencies     = 42
)

const seedEventName = "Almaty Health Consultation 2026"

// seedDays are the event's two days; the event's time zone is UTC+5.
var (
	seedDays   = [2]string{"2026-09-17", "2026-09-18"}
	seedOffset = time.FixedZone("+05", 5*60*60)
)

var seedLaptops = []string{"Desk 1", "Desk 2", "Hall"}

// seedHQ is the home of the visitors HQ registered before the fair.
const seedHQ = -1

// seedDoctor is one of the five doctors: one department of one hospital.
type seedDoctor struct{ hospital, dept, doctor string }

var seedDoctors = []seedDoctor{
	{"Kyung Hee University Korean Medicine Hospital", "Korean-medicine gynaecology", "Dr. Lee Seo-yeon"},
	{"Seoul National University Dental Hospital", "Dentistry", "Dr. Park Jun-ho"},
	{"Soonchunhyang University Seoul Hospital", "Health screening", "Dr. Choi Min-ji"},
	{"Korea University Anam Hospital", "GI cancers", "Dr. Kim Dong-hyun"},
	{"Korea University Anam Hospital", "Post-COVID care", "Dr. Jung Ha-eun"},
}

// seedShare are the hospitals as desk staff type them after --share-with.
var seedShare = map[string]string{
	"Kyung Hee University Korean Medicine Hospital": "Kyung Hee",
	"Seoul National University Dental Hospital":     "Dental",
	"Soonchunhyang University Seoul Hospital":       "Soonchunhyang",
	"Korea University Anam Hospital":                "Anam",
}

var seedFirmNames = []string{
	"Bukchon Medical Travel", "Cheonggye Health Tours", "Yeouido Medi Voyage", "Jamsil Care Travel",
	"Hotel Insadong Medistay", "Seoul Station Duty Free", "Mapo Duty Free Gallery", "Hanbit Patient Bridge",
	"Saebit Medical Link", "Dongdaemun Care Concierge", "Gwanghwamun Medical Services", "Nuri Medical Interpreters",
}

var seedAgencyNames = []string{
	"Alatau Horizon Travel", "Steppe Wind Tours", "Tulpar Med Travel", "Zhetysu Health Trips", "Kok Tobe Travel",
	"Медеу Тур Сервис", "Ақ Жол Саяхат", "Shymkent Silk Tours", "Taraz Medical Voyage", "Kapshagay Sun Travel",
	"Irtysh Care Tours", "Esil Med Journeys", "Baikonur Travel Club", "Altyn Orda Tours", "Kazyna Health Travel",
	"Sary Arka Voyages", "Көктем Саяхат", "Aksay Travel House", "Oasis Almaty Tours", "Nur Sultan Medtravel",
	"Caspian Care Travel", "Aktau Sea Tours", "Atyrau Medical Trips", "Karaganda Health Line", "Pavlodar Travel Point",
	"Semey Wellness Tours", "Kostanay Voyage", "Turkistan Silk Road Travel", "Kyzylorda Med Service", "Талгар Тревел",
	"Shymbulak Travel", "Assy Plateau Tours", "Charyn Canyon Travel", "Kolsai Lakes Voyage", "Balkhash Health Tours",
	"Ile Alatau Travel", "Жібек Жолы Турс", "Orbita Travel Almaty", "Samal Medical Tours", "Dostyk Travel Agency",
	"Keremet Tour", "Almaty Med Concierge",
}

// seedLang holds the names and places of the visitors who speak one
// language.
type seedLang struct {
	male, female []string
	surnames     [][2]string // male and female forms
	places       [][2]string // country and city, a place more likely the more often it appears
	joined       bool        // family name first, no space (Korean)
}

var seedLangs = map[string]seedLang{
	"ru": {
		male:   []string{"Алексей", "Дмитрий", "Сергей", "Андрей", "Виктор", "Павел", "Игорь", "Николай", "Евгений", "Олег"},
		female: []string{"Ольга", "Наталья", "Елена", "Ирина", "Татьяна", "Марина", "Светлана", "Людмила", "Анна", "Юлия"},
		surnames: [][2]string{{"Иванов", "Иванова"}, {"Смирнов", "Смирнова"}, {"Кузнецов", "Кузнецова"}, {"Попов", "Попова"},
			{"Соколов", "Соколова"}, {"Лебедев", "Лебедева"}, {"Новиков", "Новикова"}, {"Морозов", "Морозова"}, {"Волков", "Волкова"},
			{"Ким", "Ким"}, {"Пак", "Пак"}, {"Шмидт", "Шмидт"}, {"Цой", "Цой"}, {"Федоренко", "Федоренко"}},
		places: [][2]string{{"KZ", "Almaty"}, {"KZ", "Almaty"}, {"KZ", "Almaty"}, {"KZ", "Almaty"}, {"KZ", "Astana"},
			{"KZ", "Karaganda"}, {"KZ", "Ust-Kamenogorsk"}, {"RU", "Novosibirsk"}, {"RU", "Omsk"}, {"KG", "Bishkek"}},
	},
	"kk": {
		male:   []string{"Ерлан", "Нұрлан", "Бауыржан", "Асқар", "Дәулет", "Қайрат", "Серік", "Ғалым", "Ержан", "Мұрат"},
		female: []string{"Айгерім", "Гүлнар", "Әсел", "Жанар", "Динара", "Меруерт", "Сәуле", "Ақбота", "Назерке", "Аружан"},
		surnames: [][2]string{{"Жұмабаев", "Жұмабаева"}, {"Омаров", "Омарова"}, {"Қасымов", "Қасымова"}, {"Тоқтаров", "Тоқтарова"},
			{"Сейітқали", "Сейітқали"}, {"Нұрланұлы", "Нұрланқызы"}, {"Серікұлы", "Серікқызы"}, {"Әбдірахманов", "Әбдірахманова"},
			{"Бекмұхамбетов", "Бекмұхамбетова"}, {"Ермекұлы", "Ермекқызы"}},
		places: [][2]string{{"KZ", "Almaty"}, {"KZ", "Almaty"}, {"KZ", "Almaty"}, {"KZ", "Shymkent"}, {"KZ", "Taraz"},
			{"KZ", "Kyzylorda"}, {"KZ", "Turkestan"}, {"KZ", "Astana"}, {"KZ", "Kaskelen"}},
	},
	"en": {
		male:   []string{"Aziz", "Timur", "Rustam", "Bakyt", "Daniyar", "Sherzod", "Emre", "Mehmet"},
		female: []string{"Dilnoza", "Zarina", "Madina", "Aigul", "Nilufar", "Gulnara", "Elif", "Ayşe"},
		surnames: [][2]string{{"Karimov", "Karimova"}, {"Rashidov", "Rashidova"}, {"Osmonov", "Osmonova"},
			{"Usmanov", "Usmanova"}, {"Abdullaev", "Abdullaeva"}, {"Yılmaz", "Yılmaz"}, {"Demir", "Demir"}},
		places: [][2]string{{"UZ", "Tashkent"}, {"UZ", "Tashkent"}, {"UZ", "Samarkand"}, {"KG", "Bishkek"}, {"TR", "Istanbul"}, {"KZ", "Almaty"}},
	},
	"ko": {
		male:     []string{"민준", "지훈", "현우", "도윤", "서준"},
		female:   []string{"서연", "수빈", "지민", "예은", "하은"},
		surnames: [][2]string{{"김", "김"}, {"이", "이"}, {"박", "박"}, {"최", "최"}, {"정", "정"}, {"강", "강"}, {"조", "조"}, {"윤", "윤"}},
		places:   [][2]string{{"KZ", "Almaty"}, {"KZ", "Almaty"}, {"KR", "Seoul"}, {"KZ", "Astana"}},
		joined:   true,
	},
}

// seedVisitor is one person of the plan, and what the CLI said of them.
type seedVisitor struct {
	name, phone, email       string
	typ, lang, country, city string
	birth                    int
	consent                  string   // --consent; "" for a visitor on HQ's imported list
	share                    []string // hospitals, full names, for --share-with
	home                     int      // the laptop that registers them, or seedHQ
	imported                 bool     // on the partner agencies' list HQ imported
	consulted, noShow        bool
	days                     []int        // the days they come, 0 or 1
	arrived                  [2]time.Time // their first scan of each day

	id, code string // from the CLI: the badge code, or the visitor number of an imported visitor
}

func (v *seedVisitor) source() string {
	if v.imported {
		return string(booth.SourcePreRegister)
	}
	return string(booth.SourceWalkIn)
}

// seedScan is one check-in: a visitor's code, or a code that is refused.
type seedScan struct {
	v      *seedVisitor // nil for a refused code
	reject string       // what is scanned instead: typed-name, number, forged, cut, other-event
	at     time.Time
	kz     bool // typed by the scanner while the Kazakh layout is active
	enter  bool // with the scanner's Enter
	want   booth.Decision
}

type seedConsult struct {
	v                  *seedVisitor
	doctor             seedDoctor
	at                 time.Time
	followUp, rec, lng string
}

type seedMeeting struct {
	laptop, firm, agency int
	typed                string // the agency as typed
	at                   time.Time
	mou                  bool
	outcome              string
}

type seedPlan struct {
	visitors []*seedVisitor
	scans    [][]*seedScan // per laptop, in the order entered
	consults []*seedConsult
	meetings []*seedMeeting
}

// seedAt is a time of day d of the event, minutes after midnight there.
func seedAt(d, minutes int) time.Time {
	day, _ := time.ParseInLocation(time.DateOnly, seedDays[d], seedOffset)
	return day.Add(time.Duration(minutes) * time.Minute)
}

// seedLocation is the event's time zone as this machine knows it; the
// report counts its hours there.
func seedLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Almaty"); err == nil {
		return loc
	}
	return seedOffset
}

func seedMinutes(n int) time.Duration { return time.Duration(n) * time.Minute }

func newSeedPlan() *seedPlan {
	rng := rand.New(rand.NewPCG(2026, 917))
	p := &seedPlan{visitors: seedPeople(rng)}
	p.scans = seedCheckins(rng, p.visitors)
	p.consults = seedConsults(rng, p.visitors)
	p.meetings = seedMeetingPlan(rng)
	return p
}

// seedIdentity gives v a name, a phone and a place fitting their language;
// n makes the phone unique.
func seedIdentity(rng *rand.Rand, v *seedVisitor, n int) {
	l := seedLangs[v.lang]
	given, form := l.male, 0
	if rng.IntN(2) == 1 {
		given, form = l.female, 1
	}
	g, s := given[rng.IntN(len(given))], l.surnames[rng.IntN(len(l.surnames))][form]
	if l.joined {
		v.name = s + g
	} else {
		v.name = g + " " + s
	}
	place := l.places[rng.IntN(len(l.places))]
	v.country, v.city = place[0], place[1]
	switch v.country {
	case "KZ":
		v.phone = fmt.Sprintf("+7 70%d %03d %02d %02d", n%8, n, rng.IntN(100), rng.IntN(100))
	case "RU":
		v.phone = fmt.Sprintf("+7 913 %03d %02d %02d", n, rng.IntN(100), rng.IntN(100))
	case "KG":
		v.phone = fmt.Sprintf("+996 555 %03d %03d", n, rng.IntN(1000))
	case "UZ":
		v.phone = fmt.Sprintf("+998 90 %03d %02d %02d", n, rng.IntN(100), rng.IntN(100))
	case "TR":
		v.phone = fmt.Sprintf("+90 532 %03d %02d %02d", n, rng.IntN(100), rng.IntN(100))
	default:
		v.phone = fmt.Sprintf("+82 10 %04d %04d", n, rng.IntN(10000))
	}
	if rng.IntN(3) == 0 {
		v.email = fmt.Sprintf("guest%03d@example.org", n)
	}
	if v.typ == "patient" || rng.IntN(5) > 0 {
		v.birth = 1950 + rng.IntN(55)
	}
}

func seedLanguage(rng *rand.Rand) string {
	switch r := rng.IntN(100); {
	case r < 50:
		return "ru"
	case r < 80:
		return "kk"
	case r < 90:
		return "en"
	}
	return "ko"
}

// seedPeople are everyone who registers: three visitors HQ adds before the
// fair, six on the partner agencies' list HQ imports, and the walk-ins the
// laptops register. 77 of the patients who consent to health information
// are consulted; five walk-ins and one on the list never come.
func seedPeople(rng *rand.Rand) []*seedVisitor {
	var vs []*seedVisitor
	person := func(typ, lang string, home int) *seedVisitor {
		v := &seedVisitor{typ: typ, lang: lang, home: home, consent: "contact"}
		seedIdentity(rng, v, len(vs))
		vs = append(vs, v)
		return v
	}
	person("agency", "ru", seedHQ)
	person("agency", "kk", seedHQ)
	person("media", "ko", seedHQ)
	for i, typ := range []string{"companion", "companion", "other", "agency", "other", "companion"} {
		v := person(typ, []string{"ru", "kk"}[i%2], seedHQ)
		v.imported, v.consent = true, ""
		v.noShow = i == 5
	}
	var walkIns []*seedVisitor
	for _, g := range []struct {
		typ string
		n   int
	}{{"patient", 100}, {"companion", 38}, {"agency", 28}, {"media", 10}, {"other", 18}} {
		for i := range g.n {
			v := person(g.typ, seedLanguage(rng), rng.IntN(len(seedLaptops)))
			if g.typ == "patient" {
				seedPatientConsent(rng, v, i)
			}
			walkIns = append(walkIns, v)
		}
	}
	var absent []*seedVisitor
	for _, v := range walkIns {
		if !v.consulted {
			absent = append(absent, v)
		}
	}
	rng.Shuffle(len(absent), func(i, j int) { absent[i], absent[j] = absent[j], absent[i] })
	for _, v := range absent[:5] {
		v.noShow = true
	}
	// The laptops register the walk-ins in the order they come.
	rng.Shuffle(len(walkIns), func(i, j int) { walkIns[i], walkIns[j] = walkIns[j], walkIns[i] })
	copy(vs[len(vs)-len(walkIns):], walkIns)
	return vs
}

// seedPatientConsent sets the consents of the i-th patient: the first 90
// consent to health information (80 of them to the transfer to Korea too,
// half of those to one or two named hospitals), the first 77 are consulted,
// the last 10 consent to being contacted only.
func seedPatientConsent(rng *rand.Rand, v *seedVisitor, i int) {
	switch {
	case i < 80:
		v.consent = "contact,health,transfer"
		if rng.IntN(2) == 0 {
			hs := slices.Sorted(maps.Keys(seedShare))
			rng.Shuffle(len(hs), func(a, b int) { hs[a], hs[b] = hs[b], hs[a] })
			v.share = hs[:1+rng.IntN(2)]
		}
	case i < 90:
		v.consent = "contact,health"
	}
	v.consulted = i < seedPatients
}

// seedCheckins plans the scans: each visitor who comes is scanned once on
// each of their days, mostly at their home laptop; some are scanned again
// at the same laptop (a duplicate) or at another laptop the same day (which
// cannot know, and admits them); five codes are refused. Each laptop's
// scans are entered in the order they happened.
func seedCheckins(rng *rand.Rand, vs []*seedVisitor) [][]*seedScan {
	scans := make([][]*seedScan, len(seedLaptops))
	add := func(l int, s *seedScan) {
		s.kz = s.v != nil && !s.v.imported && rng.IntN(10) == 0
		s.enter = rng.IntN(4) == 0
		scans[l] = append(scans[l], s)
	}
	for _, v := range vs {
		if v.noShow {
			continue
		}
		switch r := rng.IntN(100); {
		case r < 45:
			v.days = []int{0}
		case r < 80:
			v.days = []int{1}
		default:
			v.days = []int{0, 1}
		}
		for _, d := range v.days {
			l := v.home
			if l == seedHQ || rng.IntN(100) < 15 {
				l = rng.IntN(len(seedLaptops))
			}
			at := seedAt(d, 9*60+rng.IntN(330))
			v.arrived[d] = at
			add(l, &seedScan{v: v, at: at})
			if rng.IntN(100) < 8 {
				add(l, &seedScan{v: v, at: at.Add(seedMinutes(3 + rng.IntN(27)))})
			}
			if rng.IntN(100) < 6 {
				add((l+1+rng.IntN(2))%len(seedLaptops), &seedScan{v: v, at: at.Add(seedMinutes(30 + rng.IntN(90)))})
			}
		}
	}
	for i, r := range []string{"typed-name", "number", "forged", "cut", "other-event"} { // the keys of seedRejected
		add(i%len(seedLaptops), &seedScan{reject: r, at: seedAt(i%2, 10*60+7*i)})
	}
	for _, ss := range scans {
		slices.SortStableFunc(ss, func(a, b *seedScan) int { return a.at.Compare(b.at) })
		type seen struct {
			v   *seedVisitor
			day int
		}
		admitted := map[seen]bool{}
		for _, s := range ss {
			k := seen{s.v, s.at.YearDay()}
			switch {
			case s.v == nil:
				s.want = booth.Rejected
			case admitted[k]:
				s.want = booth.Duplicate
			default:
				s.want, admitted[k] = booth.Admitted, true
			}
		}
	}
	return scans
}

// seedConsults plans the consultations: each patient consulted sees a
// doctor on their first day, light on day 1 and serious on day 2; about one
// in five sees a doctor of another hospital too, on their last day.
func seedConsults(rng *rand.Rand, vs []*seedVisitor) []*seedConsult {
	light := []string{"tele-consultation", "send-records", "none"}
	serious := []string{"quote", "treatment-visit", "send-records"}
	var out []*seedConsult
	add := func(v *seedVisitor, doc seedDoctor, d int, at time.Time) {
		c := &seedConsult{v: v, doctor: doc, at: at, followUp: []string{"yes", "maybe", "no"}[rng.IntN(3)]}
		if c.rec = light[rng.IntN(len(light))]; d == 1 {
			c.rec = serious[rng.IntN(len(serious))]
		}
		if v.lang != "ko" && rng.IntN(2) == 0 {
			c.lng = v.lang
		}
		out = append(out, c)
	}
	for _, v := range vs {
		if !v.consulted {
			continue
		}
		first := seedDoctors[rng.IntN(len(seedDoctors))]
		d0 := v.days[0]
		at := v.arrived[d0].Add(seedMinutes(20 + rng.IntN(120)))
		add(v, first, d0, at)
		if rng.IntN(100) >= 22 {
			continue
		}
		second := first
		for second.hospital == first.hospital {
			second = seedDoctors[rng.IntN(len(seedDoctors))]
		}
		d1 := v.days[len(v.days)-1]
		if d1 == d0 {
			add(v, second, d1, at.Add(seedMinutes(40)))
		} else {
			add(v, second, d1, v.arrived[d1].Add(seedMinutes(20+rng.IntN(120))))
		}
	}
	return out
}

// seedMeetingPlan plans the travel mart: every agency meets a firm first
// (so every firm and agency takes part), then firms and agencies meet in
// pairs not met before; some sign an MOU. Agency names are sometimes typed
// in other letter cases or with doubled spaces.
func seedMeetingPlan(rng *rand.Rand) []*seedMeeting {
	outcomes := []string{"price list sent", "partner contract to follow", "fam trip proposed for October",
		"needs brochures in Russian", "will send patient enquiries", ""}
	met := map[[2]int]bool{}
	var out []*seedMeeting
	for i := range seedMeetings {
		f, a := i%seedFirms, i
		for a >= seedAgencies || met[[2]int{f, a}] {
			f, a = rng.IntN(seedFirms), rng.IntN(seedAgencies)
		}
		met[[2]int{f, a}] = true
		m := &seedMeeting{laptop: rng.IntN(len(seedLaptops)), firm: f, agency: a, typed: seedAgencyNames[a],
			at: seedAt(rng.IntN(2), 10*60+rng.IntN(420)), mou: rng.IntN(100) < 12, outcome: outcomes[rng.IntN(len(outcomes))]}
		switch rng.IntN(10) {
		case 0:
			m.typed = strings.ToLower(m.typed)
		case 1:
			m.typed = strings.ReplaceAll(m.typed, " ", "  ")
		}
		if m.mou {
			m.outcome = "MOU signed"
		}
		out = append(out, m)
	}
	return out
}

// seedReport is the report as the test reads it: the CLI contract's keys
// and the rest of what the JSON has.
type seedReport struct {
	Event                         string                     `json:"event"`
	VisitorsUnique                int                        `json:"visitors_unique"`
	Registered                    int                        `json:"registered"`
	Scans                         int                        `json:"scans"`
	ScansByDecision               map[string]int             `json:"scans_by_decision"`
	CheckinsByDay                 map[string]int             `json:"checkins_by_day"`
	CheckinsByHour                map[string]int             `json:"checkins_by_hour"`
	VisitorsByType                map[string]int             `json:"visitors_by_type"`
	VisitorsBy                    seedBreakdowns             `json:"visitors_by"`
	Consultations                 int                        `json:"consultations"`
	PatientsConsulted             int                        `json:"patients_consulted"`
	ConsultationsByHospital       map[string]int             `json:"consultations_by_hospital"`
	ConsultationsByDepartment     map[string]int             `json:"consultations_by_department"`
	ConsultationsByDoctor         map[string]int             `json:"consultations_by_doctor"`
	ConsultationsByDay            map[string]int             `json:"consultations_by_day"`
	ConsultationsByHospitalAndDay map[string]int             `json:"consultations_by_hospital_and_day"`
	ConsultationsByRecommendation map[string]int             `json:"consultations_by_recommendation"`
	ConsultationsByFollowUp       map[string]int             `json:"consultations_by_follow_up"`
	Meetings                      int                        `json:"meetings"`
	MOUs                          int                        `json:"mous"`
	Agencies                      int                        `json:"agencies"`
	MeetingsByFirm                map[string]int             `json:"meetings_by_firm"`
	MeetingsByAgency              map[string]int             `json:"meetings_by_agency"`
	ConsentRates                  map[string]seedConsentRate `json:"consent_rates"`
}

type seedBreakdowns struct {
	Country  map[string]int `json:"country"`
	City     map[string]int `json:"city"`
	Language map[string]int `json:"language"`
	Source   map[string]int `json:"source"`
}

type seedConsentRate struct {
	Given int     `json:"given"`
	Of    int     `json:"of"`
	Rate  float64 `json:"rate"`
}

// want is the report the plan adds up to, with the decisions the laptops
// must give.
func (p *seedPlan) want() seedReport {
	counts := func() map[string]int { return map[string]int{} }
	r := seedReport{
		Event:                         seedEventName,
		Registered:                    len(p.visitors),
		ScansByDecision:               counts(),
		CheckinsByDay:                 counts(),
		CheckinsByHour:                counts(),
		VisitorsByType:                counts(),
		VisitorsBy:                    seedBreakdowns{Country: counts(), City: counts(), Language: counts(), Source: counts()},
		ConsultationsByHospital:       counts(),
		ConsultationsByDepartment:     counts(),
		ConsultationsByDoctor:         counts(),
		ConsultationsByDay:            counts(),
		ConsultationsByHospitalAndDay: counts(),
		ConsultationsByRecommendation: counts(),
		ConsultationsByFollowUp:       counts(),
		MeetingsByFirm:                counts(),
		MeetingsByAgency:              counts(),
		ConsentRates:                  map[string]seedConsentRate{},
	}
	p.wantVisitors(&r)
	patients := map[*seedVisitor]bool{}
	for _, c := range p.consults {
		day := c.at.Format(time.DateOnly)
		r.Consultations++
		patients[c.v] = true
		r.ConsultationsByHospital[c.doctor.hospital]++
		r.ConsultationsByDepartment[c.doctor.dept]++
		r.ConsultationsByDoctor[c.doctor.doctor]++
		r.ConsultationsByDay[day]++
		r.ConsultationsByHospitalAndDay[c.doctor.hospital+" · "+day]++
		r.ConsultationsByRecommendation[c.rec]++
		r.ConsultationsByFollowUp[c.followUp]++
	}
	r.PatientsConsulted = len(patients)
	agencies := map[int]bool{}
	for _, m := range p.meetings {
		r.Meetings++
		if m.mou {
			r.MOUs++
		}
		agencies[m.agency] = true
		r.MeetingsByFirm[seedFirmNames[m.firm]]++
		r.MeetingsByAgency[seedAgencyNames[m.agency]]++
	}
	r.Agencies = len(agencies)
	return r
}

// wantVisitors adds up the scans, the visitors admitted and the consents.
func (p *seedPlan) wantVisitors(r *seedReport) {
	unique := map[*seedVisitor]bool{}
	days := map[string]map[*seedVisitor]bool{}
	hours := map[string]map[*seedVisitor]bool{}
	count := func(m map[string]map[*seedVisitor]bool, k string, v *seedVisitor) {
		if m[k] == nil {
			m[k] = map[*seedVisitor]bool{}
		}
		m[k][v] = true
	}
	for _, ss := range p.scans {
		for _, s := range ss {
			r.Scans++
			r.ScansByDecision[string(s.want)]++
			if s.want == booth.Admitted {
				unique[s.v] = true
				count(days, s.at.Format(time.DateOnly), s.v)
				count(hours, s.at.In(seedLocation()).Format("2006-01-02 15")+":00", s.v)
			}
		}
	}
	r.VisitorsUnique = len(unique)
	for k, vs := range days {
		r.CheckinsByDay[k] = len(vs)
	}
	for k, vs := range hours {
		r.CheckinsByHour[k] = len(vs)
	}
	for v := range unique {
		r.VisitorsByType[v.typ]++
		r.VisitorsBy.Country[v.country]++
		r.VisitorsBy.City[v.city]++
		r.VisitorsBy.Language[v.lang]++
		r.VisitorsBy.Source[v.source()]++
	}
	given := map[string]int{}
	for _, v := range p.visitors {
		for _, c := range strings.Split(v.consent, ",") {
			if c != "" {
				given[c]++
			}
		}
		if len(v.share) > 0 {
			given[string(booth.PurposeProvision)]++
		}
	}
	for _, purpose := range []booth.Purpose{booth.PurposeContact, booth.PurposeHealth, booth.PurposeTransfer, booth.PurposeProvision, booth.PurposeMarketing} {
		g := given[string(purpose)]
		r.ConsentRates[string(purpose)] = seedConsentRate{Given: g, Of: len(p.visitors), Rate: float64(g) / float64(len(p.visitors))}
	}
}

// sections are the report's rows as CSV and Excel write them: section →
// key → value.
func (r seedReport) sections() map[string]map[string]float64 {
	f := func(m map[string]int) map[string]float64 {
		out := map[string]float64{}
		for k, n := range m {
			out[k] = float64(n)
		}
		return out
	}
	rates := map[string]float64{}
	for k, c := range r.ConsentRates {
		rates[k] = c.Rate
	}
	return map[string]map[string]float64{
		"totals": {"visitors_unique": float64(r.VisitorsUnique), "registered": float64(r.Registered), "scans": float64(r.Scans),
			"consultations": float64(r.Consultations), "patients_consulted": float64(r.PatientsConsulted),
			"meetings": float64(r.Meetings), "mous": float64(r.MOUs), "agencies": float64(r.Agencies)},
		"checkins_by_day":                   f(r.CheckinsByDay),
		"checkins_by_hour":                  f(r.CheckinsByHour),
		"visitors_by_type":                  f(r.VisitorsByType),
		"visitors_by_country":               f(r.VisitorsBy.Country),
		"visitors_by_city":                  f(r.VisitorsBy.City),
		"visitors_by_language":              f(r.VisitorsBy.Language),
		"visitors_by_source":                f(r.VisitorsBy.Source),
		"scans_by_decision":                 f(r.ScansByDecision),
		"consultations_by_hospital":         f(r.ConsultationsByHospital),
		"consultations_by_department":       f(r.ConsultationsByDepartment),
		"consultations_by_doctor":           f(r.ConsultationsByDoctor),
		"consultations_by_day":              f(r.ConsultationsByDay),
		"consultations_by_hospital_and_day": f(r.ConsultationsByHospitalAndDay),
		"consultations_by_recommendation":   f(r.ConsultationsByRecommendation),
		"consultations_by_follow_up":        f(r.ConsultationsByFollowUp),
		"meetings_by_firm":                  f(r.MeetingsByFirm),
		"meetings_by_agency":                f(r.MeetingsByAgency),
		"consent_rates":                     rates,
	}
}

// seedSheets are the Excel report's sheets, by section.
var seedSheets = map[string]string{
	"totals": "Totals", "checkins_by_day": "Check-ins by day", "checkins_by_hour": "Check-ins by hour",
	"visitors_by_type": "Visitors by type", "visitors_by_country": "Visitors by country", "visitors_by_city": "Visitors by city",
	"visitors_by_language": "Visitors by language", "visitors_by_source": "Visitors by source", "scans_by_decision": "Scans",
	"consultations_by_hospital": "Consult. by hospital", "consultations_by_department": "Consult. by department",
	"consultations_by_doctor": "Consult. by doctor", "consultations_by_day": "Consult. by day",
	"consultations_by_hospital_and_day": "Consult. by hospital, day", "consultations_by_recommendation": "Recommendations",
	"consultations_by_follow_up": "Follow-up", "meetings_by_firm": "Meetings by firm", "meetings_by_agency": "Meetings by agency",
	"consent_rates": "Consent rates",
}

// check fails when the plan misses a figure of the press releases.
func (p *seedPlan) check(t *testing.T, want seedReport) {
	t.Helper()
	if want.VisitorsUnique != seedParticipants || want.PatientsConsulted != seedPatients || want.Meetings != seedMeetings ||
		len(want.MeetingsByFirm) != seedFirms || want.Agencies != seedAgencies || len(want.ConsultationsByDoctor) != len(seedDoctors) {
		t.Fatalf("the plan misses the seed event: %d visitors, %d patients, %d meetings, %d firms, %d agencies, %d doctors",
			want.VisitorsUnique, want.PatientsConsulted, want.Meetings, len(want.MeetingsByFirm), want.Agencies, len(want.ConsultationsByDoctor))
	}
}

// The seed event through the CLI: HQ sets it up and pre-registers a few
// visitors, three laptops join and work the two days, HQ merges their
// bundles (twice: the second time changes nothing) and reports in JSON,
// CSV, Excel and PDF. Every figure is what was entered. With SEED_OUT set
// to a directory, the four reports are written there.
func TestCLISeedEvent(t *testing.T) {
	p := newSeedPlan()
	want := p.want()
	p.check(t, want)

	hq, pkg := seedSetUp(t, p)
	laptops := make([]*cli, len(seedLaptops))
	for i, name := range seedLaptops {
		laptops[i] = syncLaptop(t, pkg, name)
	}
	seedRegister(t, laptops, p)
	seedScanAll(t, laptops, p)
	seedConsultAll(t, laptops, p)
	seedMeetAll(t, laptops, p)
	seedSync(t, hq, laptops)

	dir := t.TempDir()
	if d := os.Getenv("SEED_OUT"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dir = d
	}
	seedCheckJSON(t, hq, filepath.Join(dir, "report.json"), want)
	seedCheckCSV(t, hq, filepath.Join(dir, "report.csv"), want)
	seedCheckXLSX(t, hq, filepath.Join(dir, "report.xlsx"), want)
	seedCheckPDF(t, hq, filepath.Join(dir, "report.pdf"), "ko")
	seedCheckPDF(t, hq, filepath.Join(t.TempDir(), "report-en.pdf"), "en")
	seedCheckHospitals(t, hq, p)
	t.Logf("seed event: %d registered, %d scans (%v), %d unique visitors, %d consultations of %d patients, %d meetings with %d MOUs",
		want.Registered, want.Scans, want.ScansByDecision, want.VisitorsUnique, want.Consultations, want.PatientsConsulted, want.Meetings, want.MOUs)
}

// seedSetUp is HQ before the fair: the event, its hospitals, firms and
// agencies, three visitors registered by hand and the partner agencies'
// list imported, then the package for the laptops.
func seedSetUp(t *testing.T, p *seedPlan) (*cli, string) {
	t.Helper()
	hq := newCLI(t)
	hq.mustJSON(&struct{}{}, "event", "init", "--name", seedEventName, "--city", "Almaty", "--country", "KZ",
		"--start", seedDays[0], "--end", seedDays[1], "--tz", "Asia/Almaty")
	depts := map[string][]string{}
	var hospitals []string
	for _, d := range seedDoctors {
		if depts[d.hospital] == nil {
			hospitals = append(hospitals, d.hospital)
		}
		depts[d.hospital] = append(depts[d.hospital], "--dept", d.dept)
	}
	for _, h := range hospitals {
		hq.mustJSON(&struct{}{}, append([]string{"org", "add", "--kind", "hospital", "--name", h}, depts[h]...)...)
	}
	for _, f := range seedFirmNames {
		hq.mustJSON(&struct{}{}, "org", "add", "--kind", "firm", "--name", f)
	}
	for _, a := range seedAgencyNames {
		hq.mustJSON(&struct{}{}, "org", "add", "--kind", "agency", "--name", a)
	}
	var list strings.Builder
	list.WriteString("ФИО;Телефон;Тип;Язык;Страна;Город;Год рождения\r\n")
	var imported []*seedVisitor
	for _, v := range p.visitors {
		switch {
		case v.home != seedHQ:
		case v.imported:
			birth := ""
			if v.birth != 0 {
				birth = strconv.Itoa(v.birth)
			}
			fmt.Fprintf(&list, "%s;%s;%s;%s;%s;%s;%s\r\n", v.name, v.phone, v.typ, v.lang, v.country, v.city, birth)
			imported = append(imported, v)
		default:
			seedAdd(t, hq, v)
		}
	}
	file := filepath.Join(t.TempDir(), "partner-agencies.csv")
	if err := os.WriteFile(file, []byte(list.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var res struct{ Imported, Skipped int }
	hq.mustJSON(&res, "visitor", "import", file)
	if res.Imported != len(imported) || res.Skipped != 0 {
		t.Fatalf("visitor import of %d: %+v", len(imported), res)
	}
	for _, v := range imported {
		var found struct {
			Results []struct{ ID, Name, Code string }
		}
		hq.mustJSON(&found, "visitor", "find", v.phone)
		if len(found.Results) != 1 || found.Results[0].Name != v.name || found.Results[0].Code == "" {
			t.Fatalf("find %s (%s): %+v", v.phone, v.name, found)
		}
		v.id, v.code = found.Results[0].ID, found.Results[0].Code
	}
	pkg := filepath.Join(t.TempDir(), "event.package")
	hq.mustJSON(&struct{}{}, "event", "package", "--out", pkg)
	return hq, pkg
}

// seedAdd registers v with visitor add.
func seedAdd(t *testing.T, c *cli, v *seedVisitor) {
	t.Helper()
	args := []string{"visitor", "add", "--name", v.name, "--phone", v.phone, "--type", v.typ, "--lang", v.lang,
		"--country", v.country, "--city", v.city, "--consent", v.consent}
	if v.email != "" {
		args = append(args, "--email", v.email)
	}
	if v.birth != 0 {
		args = append(args, "--birth-year", strconv.Itoa(v.birth))
	}
	for _, h := range v.share {
		args = append(args, "--share-with", seedShare[h])
	}
	var out struct {
		ID, Code, Name, Type string
		Consents             []struct{ Purpose string }
	}
	c.mustJSON(&out, args...)
	if out.ID == "" || out.Code == "" || out.Name != v.name || out.Type != v.typ || len(out.Consents) != len(strings.Split(v.consent, ","))+len(v.share) {
		t.Fatalf("visitor add %s: %+v", v.name, out)
	}
	v.id, v.code = out.ID, out.Code
}

func seedRegister(t *testing.T, laptops []*cli, p *seedPlan) {
	t.Helper()
	for _, v := range p.visitors {
		if v.home != seedHQ {
			seedAdd(t, laptops[v.home], v)
		}
	}
}

// seedRejected is what is scanned instead of a badge, and why it is
// refused: a name typed into the scanner's field, the visitor number of
// another event's visitor, a badge with one digit of its signature changed,
// half a badge, and the badge of another event.
var seedRejected = map[string]string{"typed-name": booth.ReasonMalformed, "number": booth.ReasonUnknown,
	"forged": booth.ReasonForged, "cut": booth.ReasonMalformed, "other-event": booth.ReasonOtherEvent}

// seedRejectedCodes makes the codes of seedRejected.
func seedRejectedCodes(t *testing.T, p *seedPlan) map[string]string {
	t.Helper()
	var badge string
	for _, v := range p.visitors {
		if v.home != seedHQ {
			badge = v.code
			break
		}
	}
	// A smaller digit keeps every group of digits in range: the code still
	// reads, and its signature fails.
	b := []byte(badge)
	i := len(b) - 30
	for b[i] == '0' {
		i--
	}
	b[i]--
	other := newCLI(t)
	other.mustJSON(&struct{}{}, "event", "init", "--name", "KITF 2026", "--city", "Almaty", "--country", "KZ",
		"--start", "2026-04-22", "--end", "2026-04-24")
	var stranger struct{ Code, Number string }
	other.mustJSON(&stranger, "visitor", "add", "--name", "Данияр Ахметов", "--consent", "contact")
	return map[string]string{"typed-name": "Айгерім", "number": stranger.Number, "forged": string(b),
		"cut": badge[:len(badge)/2], "other-event": stranger.Code}
}

// seedScanAll enters every laptop's scans and checks each decision.
func seedScanAll(t *testing.T, laptops []*cli, p *seedPlan) {
	t.Helper()
	rejected := seedRejectedCodes(t, p)
	var kz booth.Layout
	for _, l := range booth.Layouts {
		if l.Name == "kz" {
			kz = l
		}
	}
	wantExit := map[booth.Decision]int{booth.Admitted: 0, booth.Duplicate: 3, booth.Rejected: 4}
	for l, ss := range p.scans {
		for _, s := range ss {
			raw := rejected[s.reject]
			if s.v != nil {
				raw = s.v.code
			}
			if s.kz {
				raw = kz.Type(raw)
			}
			if s.enter {
				raw += "\r"
			}
			exit, r := laptops[l].checkin(raw, "--at", s.at.Format(time.RFC3339))
			ok := exit == wantExit[s.want] && r.Decision == s.want && r.Day == s.at.Format(time.DateOnly)
			if s.v != nil {
				ok = ok && r.VisitorID == s.v.id
			} else {
				ok = ok && r.Reason == seedRejected[s.reject]
			}
			if !ok {
				t.Fatalf("%s: checkin %q --at %s: exit %d %+v; want %s %s", seedLaptops[l], raw, s.at.Format(time.RFC3339), exit, r, s.want, seedRejected[s.reject])
			}
		}
	}
}

// seedConsultAll enters the consultations at the laptop that registered
// the patient, which holds their consent.
func seedConsultAll(t *testing.T, laptops []*cli, p *seedPlan) {
	t.Helper()
	for _, c := range p.consults {
		args := []string{"consult", "add", "--visitor", c.v.id, "--hospital", c.doctor.hospital, "--dept", c.doctor.dept,
			"--doctor", c.doctor.doctor, "--recommendation", c.rec, "--follow-up", c.followUp, "--at", c.at.Format(time.RFC3339)}
		if c.lng != "" {
			args = append(args, "--interpreter", c.lng)
		}
		var out struct{ ID, Day, Hospital, Department string }
		laptops[c.v.home].mustJSON(&out, args...)
		if out.ID == "" || out.Day != c.at.Format(time.DateOnly) || out.Hospital != c.doctor.hospital || out.Department != c.doctor.dept {
			t.Fatalf("consult add %v: %+v", args, out)
		}
	}
}

func seedMeetAll(t *testing.T, laptops []*cli, p *seedPlan) {
	t.Helper()
	for _, m := range p.meetings {
		args := []string{"meeting", "add", "--firm", seedFirmNames[m.firm], "--agency", m.typed, "--at", m.at.Format(time.RFC3339)}
		if m.outcome != "" {
			args = append(args, "--outcome", m.outcome)
		}
		if m.mou {
			args = append(args, "--mou")
		}
		var out struct {
			ID, Firm, Agency string
			MOU              bool
		}
		laptops[m.laptop].mustJSON(&out, args...)
		if out.ID == "" || out.Firm != seedFirmNames[m.firm] || out.Agency != seedAgencyNames[m.agency] || out.MOU != m.mou {
			t.Fatalf("meeting add %v: %+v", args, out)
		}
	}
}

// seedSync exports every laptop's bundle and imports them all at HQ, then
// again: the second import changes nothing.
func seedSync(t *testing.T, hq *cli, laptops []*cli) {
	t.Helper()
	var files []string
	for i, l := range laptops {
		files = append(files, syncExportFile(t, l, fmt.Sprintf("laptop%d.bundle", i+1)))
	}
	code, res, errs := syncImportFiles(t, hq, files...)
	if code != 0 || res.Imported != len(files) || res.Refused != 0 {
		t.Fatalf("sync import: exit %d %+v %s", code, res, errs)
	}
	for i, r := range res.Results {
		if r.Decision != "imported" || r.Changed == 0 || r.Device != seedLaptops[i] {
			t.Fatalf("sync import of %s: %+v", seedLaptops[i], r)
		}
	}
	r1, h1 := syncState(t, hq)
	code, res, errs = syncImportFiles(t, hq, files...)
	if code != 0 || res.AlreadyImported != len(files) || res.Imported != 0 {
		t.Fatalf("sync import again: exit %d %+v %s", code, res, errs)
	}
	if r2, h2 := syncState(t, hq); !syncSameJSON(r1, r2) || h1 != h2 {
		t.Fatalf("importing the bundles again changed HQ:\n%v\n%v", r1, r2)
	}
}

// seedReportFile runs report with --out and returns the file.
func seedReportFile(t *testing.T, hq *cli, out string, args ...string) []byte {
	t.Helper()
	if code, _, errs := hq.run(append([]string{"report", "--out", out}, args...)...); code != 0 {
		t.Fatalf("report %v: exit %d %s", args, code, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seedCompare names every field of got that differs from want.
func seedCompare(t *testing.T, what string, got, want seedReport) {
	t.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range g.NumField() {
		if gf, wf := g.Field(i).Interface(), w.Field(i).Interface(); !reflect.DeepEqual(gf, wf) {
			t.Errorf("%s %s:\n got %v\nwant %v", what, g.Type().Field(i).Tag.Get("json"), gf, wf)
		}
	}
}

func seedCheckJSON(t *testing.T, hq *cli, out string, want seedReport) {
	t.Helper()
	b := seedReportFile(t, hq, out, "--format", "json")
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatalf("report --format json: %v", err)
	}
	for _, k := range []string{"visitors_unique", "scans", "checkins_by_day", "visitors_by_type", "consultations",
		"consultations_by_hospital", "consultations_by_department", "meetings", "generated_at"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("report --format json has no %q", k)
		}
	}
	var got seedReport
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	seedCompare(t, "JSON", got, want)
}

// seedCheckCSV reads the CSV report as Excel would: UTF-8 with a byte
// order mark, one row per number.
func seedCheckCSV(t *testing.T, hq *cli, out string, want seedReport) {
	t.Helper()
	b := seedReportFile(t, hq, out, "--format", "csv")
	body, ok := bytes.CutPrefix(b, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatalf("CSV report without a byte order mark: %q", b[:min(len(b), 40)])
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV report: %v", err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], []string{"section", "key", "value"}) {
		t.Fatalf("CSV header: %q", rows[:min(len(rows), 1)])
	}
	got := map[string]map[string]float64{}
	var order []string // each section's keys, in the file's order
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			t.Fatalf("CSV row %q: %v", r, err)
		}
		if got[r[0]] == nil {
			got[r[0]] = map[string]float64{}
			order = append(order, r[0])
		}
		got[r[0]][r[1]] = v
	}
	seedCompareSections(t, "CSV", got, want, 0)
	if len(order) == 0 || order[0] != "totals" {
		t.Errorf("CSV sections %v: totals first", order)
	}
	// Breakdowns list the largest first, dates in order.
	seedOrdered(t, rows, "meetings_by_firm", func(a, b []string) bool { return seedNumber(a[2]) >= seedNumber(b[2]) })
	seedOrdered(t, rows, "consultations_by_hospital", func(a, b []string) bool { return seedNumber(a[2]) >= seedNumber(b[2]) })
	seedOrdered(t, rows, "checkins_by_day", func(a, b []string) bool { return a[1] < b[1] })
}

func seedNumber(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// seedOrdered checks that the rows of section follow each other in order.
func seedOrdered(t *testing.T, rows [][]string, section string, inOrder func(a, b []string) bool) {
	t.Helper()
	var prev []string
	for _, r := range rows {
		if r[0] != section {
			continue
		}
		if prev != nil && !inOrder(prev, r) {
			t.Errorf("CSV %s: %q before %q", section, prev, r)
		}
		prev = r
	}
}

// seedCompareSections checks every section want has; more are welcome.
// Values may differ from want's by tol, relatively: Excel keeps 15
// significant digits.
func seedCompareSections(t *testing.T, what string, got map[string]map[string]float64, want seedReport, tol float64) {
	t.Helper()
	for name, rows := range want.sections() {
		same := len(got[name]) == len(rows)
		for k, w := range rows {
			g, ok := got[name][k]
			same = same && ok && math.Abs(g-w) <= tol*math.Abs(w)
		}
		if !same {
			t.Errorf("%s %s:\n got %v\nwant %v", what, name, got[name], rows)
		}
	}
}

func seedCheckXLSX(t *testing.T, hq *cli, out string, want seedReport) {
	t.Helper()
	seedReportFile(t, hq, out, "--format", "xlsx", "--lang", "en")
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatalf("Excel report: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 || sheets[0] != "Totals" {
		t.Errorf("Excel sheets %q: Totals first", sheets)
	}
	got := map[string]map[string]float64{}
	for section, name := range seedSheets {
		if !slices.Contains(sheets, name) {
			t.Errorf("Excel report has no sheet %q (of %q)", name, sheets)
			continue
		}
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		head := []string{"Item", "Count"}
		if section == "consent_rates" {
			head[1] = "Rate"
		}
		if len(rows) == 0 || !slices.Equal(rows[0], head) {
			t.Errorf("Excel sheet %q header: %q", name, rows[:min(len(rows), 1)])
			continue
		}
		got[section] = map[string]float64{}
		for _, r := range rows[1:] {
			if len(r) != 2 {
				t.Fatalf("Excel sheet %q row %q", name, r)
			}
			v, err := strconv.ParseFloat(r[1], 64)
			if err != nil {
				t.Fatalf("Excel sheet %q row %q: %v", name, r, err)
			}
			got[section][sheet.RowKey(section, r[0], func(k string) string { return assets.Translate("en", k) })] = v
		}
	}
	seedCompareSections(t, "Excel", got, want, 1e-14)

	// HQ's workbook in Korean: the same figures under Korean names.
	ko := strings.TrimSuffix(out, ".xlsx") + "-ko.xlsx"
	seedReportFile(t, hq, ko, "--format", "xlsx", "--lang", "ko")
	k, err := excelize.OpenFile(ko)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	rows, err := k.GetRows(k.GetSheetName(0))
	if err != nil || k.GetSheetName(0) != "합계" || len(rows) < 2 || !slices.Equal(rows[0], []string{"항목", "수"}) ||
		!slices.Equal(rows[1], []string{"순방문객", strconv.Itoa(want.VisitorsUnique)}) {
		t.Errorf("Korean workbook: %q %q", k.GetSheetList(), rows)
	}
}

// seedPage is a page object of a PDF; "/Type /Pages" is the page tree.
var seedPage = regexp.MustCompile(`/Type\s*/Page\b`)

// seedCheckPDF checks the press summary: a PDF of exactly one page.
func seedCheckPDF(t *testing.T, hq *cli, out, lang string) {
	t.Helper()
	b := seedReportFile(t, hq, out, "--format", "pdf", "--lang", lang)
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[max(0, len(b)-32):], []byte("%%EOF")) {
		t.Fatalf("PDF report (%s): %q … %q", lang, b[:min(len(b), 16)], b[max(0, len(b)-16):])
	}
	if n := len(seedPage.FindAll(b, -1)); n != 1 {
		t.Errorf("PDF report (%s) has %d pages, want 1", lang, n)
	}
}

// seedCheckHospitals checks each hospital's own report: its consultations
// and patients only.
func seedCheckHospitals(t *testing.T, hq *cli, p *seedPlan) {
	t.Helper()
	n := map[string]int{}
	patients := map[string]map[*seedVisitor]bool{}
	for _, c := range p.consults {
		n[c.doctor.hospital]++
		if patients[c.doctor.hospital] == nil {
			patients[c.doctor.hospital] = map[*seedVisitor]bool{}
		}
		patients[c.doctor.hospital][c.v] = true
	}
	for h, short := range seedShare {
		var r struct {
			Hospital                string         `json:"hospital"`
			Consultations           int            `json:"consultations"`
			PatientsConsulted       int            `json:"patients_consulted"`
			ConsultationsByHospital map[string]int `json:"consultations_by_hospital"`
			Meetings                int            `json:"meetings"`
		}
		hq.mustJSON(&r, "report", "--format", "json", "--hospital", short)
		if r.Hospital != h || r.Consultations != n[h] || r.PatientsConsulted != len(patients[h]) ||
			!reflect.DeepEqual(r.ConsultationsByHospital, map[string]int{h: n[h]}) || r.Meetings != 0 {
			t.Errorf("report --hospital %q: %+v; want %d consultations of %d patients", short, r, n[h], len(patients[h]))
		}
	}
}

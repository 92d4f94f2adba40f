package main

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"medibooth/booth"
)

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
	reject string       // what is scanned instead: typed-name, number, damaged, cut, other-event
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
	for i, r := range []string{"typed-name", "number", "damaged", "cut", "other-event"} { // the keys of seedRejected
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

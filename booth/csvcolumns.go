package booth

import (
	"regexp"
	"strings"
	"unicode"
)

// The columns of an imported visitor list: what each may be called in
// English, Russian, Kazakh or Korean, and where the file keeps each field.

// colRole is what a column holds.
type colRole int

const (
	roleNone colRole = iota
	roleName
	roleGiven
	roleSurname
	rolePatronymic
	rolePhone
	roleEmail
	roleMessenger
	roleType
	roleLang
	roleCountry
	roleCity
	roleBirthYear
	roleDOB
	roleConsentContact
	roleConsentHealth
	roleConsentTransfer
	roleConsentMarketing
	roleConsentVersion
)

// consentRoles are the consent columns: each holds the time the visitor gave
// that consent at pre-registration, or nothing.
var consentRoles = map[colRole]Purpose{
	roleConsentContact: PurposeContact, roleConsentHealth: PurposeHealth,
	roleConsentTransfer: PurposeTransfer, roleConsentMarketing: PurposeMarketing,
}

var roleNames = map[colRole]string{
	roleName:             "the name",
	roleGiven:            "the given name",
	roleSurname:          "the surname",
	rolePatronymic:       "the patronymic",
	rolePhone:            "the phone number",
	roleEmail:            "the email address",
	roleType:             "the visitor type",
	roleLang:             "the language",
	roleCountry:          "the country",
	roleCity:             "the city",
	roleBirthYear:        "the birth year",
	roleConsentContact:   "the consent to contact",
	roleConsentHealth:    "the consent to health information",
	roleConsentTransfer:  "the consent to transfer abroad",
	roleConsentMarketing: "the consent to news and offers",
	roleConsentVersion:   "the version of the consent texts",
}

// Header synonyms, matched by headerKey: case, spaces, hyphens, dots and
// anything in parentheses do not matter.
var headerSynonyms = map[colRole][]string{
	roleName: {"name", "full name", "visitor name", "visitor", "фио", "ф.и.о.", "полное имя",
		"фамилия имя отчество", "фамилия имя", "имя фамилия", "аты-жөні", "толық аты-жөні",
		"тегі аты", "성명", "성함"},
	roleGiven:      {"имя", "аты", "이름", "first name", "given name", "forename"},
	roleSurname:    {"фамилия", "surname", "last name", "family name", "тегі", "성"},
	rolePatronymic: {"отчество", "patronymic", "middle name", "әкесінің аты"},
	rolePhone: {"phone", "phone number", "telephone", "tel", "mobile", "mobile phone", "cell",
		"телефон", "тел", "номер телефона", "мобильный", "мобильный телефон", "моб телефон",
		"сотовый", "телефон нөмірі", "ұялы телефон", "байланыс телефоны",
		"전화", "전화번호", "연락처", "휴대폰", "핸드폰", "휴대전화"},
	roleEmail: {"email", "e-mail", "mail", "email address", "почта", "эл. почта", "электронная почта",
		"эл. адрес", "электронный адрес", "email адрес", "электрондық пошта", "эл. пошта", "пошта",
		"이메일", "메일", "전자우편", "이메일 주소"},
	roleMessenger: {"messenger", "whatsapp", "telegram", "viber", "kakaotalk", "мессенджер",
		"ватсап", "вотсап", "телеграм", "телеграмм", "вайбер", "мессенджер", "메신저", "카카오톡"},
	roleType: {"type", "visitor type", "category", "тип", "категория", "тип посетителя",
		"түрі", "санаты", "유형", "구분", "방문자 유형"},
	roleLang:    {"lang", "language", "язык", "язык общения", "тіл", "언어"},
	roleCountry: {"country", "страна", "ел", "мемлекет", "елі", "국가", "나라"},
	roleCity:    {"city", "town", "город", "қала", "қаласы", "도시"},
	roleBirthYear: {"birth year", "year of birth", "yob", "год рождения", "г.р.", "г. р.",
		"туған жылы", "туылған жылы", "출생연도", "출생년도", "출생 연도", "태어난 해"},
	roleDOB: {"date of birth", "birth date", "birthdate", "dob", "birthday", "дата рождения",
		"д.р.", "день рождения", "туған күні", "туылған күні", "туған күні мен жылы",
		"생년월일", "생일"},
	roleConsentContact: {"consent contact", "consent_contact", "contact consent", "согласие на связь",
		"согласие на обработку", "байланысқа келісім", "연락 동의", "개인정보 동의"},
	roleConsentHealth: {"consent health", "consent_health", "health consent", "согласие на данные о здоровье",
		"согласие здоровье", "денсаулық деректеріне келісім", "건강정보 동의", "건강 정보 동의"},
	roleConsentTransfer: {"consent transfer", "consent_transfer", "transfer consent", "согласие на передачу за рубеж",
		"согласие на передачу", "шетелге беруге келісім", "국외 이전 동의", "해외 이전 동의"},
	roleConsentMarketing: {"consent marketing", "consent_marketing", "marketing consent", "согласие на рассылку",
		"жаңалықтарға келісім", "마케팅 동의"},
	roleConsentVersion: {"consent version", "consent_version", "версия согласия", "келісім нұсқасы",
		"동의서 버전"},
}

// messengerApps labels values of a column named after one messenger.
var messengerApps = map[string]string{
	"whatsapp": "WhatsApp", "ватсап": "WhatsApp", "вотсап": "WhatsApp",
	"telegram": "Telegram", "телеграм": "Telegram", "телеграмм": "Telegram",
	"viber": "Viber", "вайбер": "Viber",
	"kakaotalk": "KakaoTalk", "카카오톡": "KakaoTalk",
}

var headerRoles = func() map[string]colRole {
	m := map[string]colRole{}
	for role, names := range headerSynonyms {
		for _, n := range names {
			k := headerKey(n)
			if old, ok := m[k]; ok && old != role {
				panic("booth: header synonym " + n + " has two meanings")
			}
			m[k] = role
		}
	}
	return m
}()

var parenRe = regexp.MustCompile(`\([^)]*\)|\[[^\]]*\]`)

// headerKey folds a column name or a value for matching: lower case, ё as е,
// without spaces, hyphens, dots, commas, colons, asterisks, quotes and
// parenthesised notes.
func headerKey(s string) string {
	if strings.ContainsAny(s, "([") {
		if t := parenRe.ReplaceAllString(s, ""); strings.TrimSpace(t) != "" {
			s = t
		}
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsSpace(r), strings.ContainsRune("-_.,:*'\"’\ufeff", r):
		case r == 'ё':
			b.WriteRune('е')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// columns is where a file keeps each field.
type columns struct {
	names     []int // full-name columns
	parts     []int // surname, given name and patronymic columns, in file order
	phone     int   // -1 when absent, as for the others
	email     int
	typ       int
	lang      int
	country   int
	city      int
	birthYear int
	messenger []int
	apps      []string        // per messenger column, "" for a generic one
	width     int             // number of header cells
	consent   map[Purpose]int // consent columns
	titles    map[int]string  // the header of each consent column
	version   int             // the consent texts' version, -1 when absent
}

func (c *columns) cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	s := strings.TrimSpace(strings.ReplaceAll(rec[i], "\ufeff", ""))
	// Excel's trick to keep digits as text: ="87011234567".
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		s = strings.TrimSpace(s[2 : len(s)-1])
	}
	return s
}

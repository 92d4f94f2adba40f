package ui

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"golang.org/x/text/language"

	"medibooth/assets"
	"medibooth/booth"
)

// DefaultLanguage is Korean: the staff who run the booth are Korean.
const DefaultLanguage = "ko"

const prefLanguage = "language"

// Language is one language the interface speaks, named in itself.
type Language struct{ Code, Name string }

// Languages lists the interface languages in the order the switch shows them.
var Languages = []Language{{"ko", "한국어"}, {"en", "English"}, {"ru", "Русский"}, {"kk", "Қазақша"}}

var (
	langMu  sync.Mutex
	current = DefaultLanguage
)

// SetLanguage makes lang.L answer in code (ko, en, ru or kk), on every
// system. Fyne answers in the translation closest to the system's locale:
// on Linux that is read from LANGUAGE, which is set here, but on Windows and
// macOS it is the user's locale in the system settings, which no program
// changes. So the chosen language's file is also registered under the
// system's own language and under English (Fyne's fallback): whichever Fyne
// picks, it answers in the chosen language. The files hold Fyne's own words
// too (file dialogs, Cancel, OK), so none stay in the system's language.
func SetLanguage(code string) {
	setLanguage(code, lang.SystemLocale().LanguageString(), true)
}

// setLanguage registers the translations for code and the system language
// system; env also sets LANGUAGE, which Fyne reads on Linux.
func setLanguage(code, system string, env bool) {
	if !knownLanguage(code) {
		code = DefaultLanguage
	}
	langMu.Lock()
	defer langMu.Unlock()
	current = code
	if env {
		os.Setenv("LANGUAGE", code)
		if l := os.Getenv("LC_ALL"); l == "C" || l == "POSIX" {
			os.Unsetenv("LC_ALL") // C would make LANGUAGE ignored
		}
	}
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("load translations", err)
	}
	data, err := assets.Translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		fyne.LogError("load translations", err)
		return
	}
	for _, tag := range []string{system, "en"} {
		if tag != "" && tag != code && knownTag(tag) {
			if err := lang.AddTranslationsForLocale(data, fyne.Locale(tag)); err != nil {
				fyne.LogError("load translations", err)
			}
		}
	}
	// The last registration made Fyne look again, now with every file.
	if err := lang.AddTranslationsForLocale(data, fyne.Locale(code)); err != nil {
		fyne.LogError("load translations", err)
	}
}

// knownTag reports whether tag is a language tag Fyne can register.
func knownTag(tag string) bool {
	_, err := language.Parse(tag)
	return err == nil
}

// CurrentLanguage returns the code SetLanguage last set.
func CurrentLanguage() string {
	langMu.Lock()
	defer langMu.Unlock()
	return current
}

func knownLanguage(code string) bool {
	for _, l := range Languages {
		if l.Code == code {
			return true
		}
	}
	return false
}

// dateLayouts write a date as each language reads it: Korean
// year-month-day, Russian and Kazakh day.month.year, English day month
// year. The year is always there, so 05.12 is never read as 12 May; only
// chart labels (short) leave it out.
type dateLayouts struct{ withTime, day, short string }

var dateLayoutsOf = map[string]dateLayouts{
	"ko": {"2006-01-02 15:04", "2006-01-02", "1. 2."},
	"ru": {"02.01.2006 15:04", "02.01.2006", "02.01"},
	"kk": {"02.01.2006 15:04", "02.01.2006", "02.01"},
	"en": {"2 Jan 2006 15:04", "2 Jan 2006", "2 Jan"},
}

// layouts returns the current language's date layouts.
func layouts() dateLayouts {
	if l, ok := dateLayoutsOf[CurrentLanguage()]; ok {
		return l
	}
	return dateLayoutsOf["en"]
}

// dateTime writes t (already in the event's time zone) in the current
// language's way.
func dateTime(t time.Time) string { return t.Format(layouts().withTime) }

// dateOnly writes the day of t (already in the event's time zone) in the
// current language's way.
func dateOnly(t time.Time) string { return t.Format(layouts().day) }

// dayText writes a stored day (YYYY-MM-DD) in the current language's way,
// without its year when short; a day that does not parse is shown as stored.
func dayText(day string, short bool) string {
	t, err := time.Parse(time.DateOnly, day)
	switch {
	case err != nil:
		return day
	case short:
		return t.Format(layouts().short)
	}
	return dateOnly(t)
}

// eventDates writes an event's first and last day in the current language's
// way; a day that does not parse is shown as stored.
func eventDates(ev *booth.Event) string {
	return dayText(ev.Start, false) + " – " + dayText(ev.End, false)
}

// number writes n with the current language's thousands separator: a
// no-break space in Russian and Kazakh, a comma in Korean and English.
func number(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if l := CurrentLanguage(); l == "ru" || l == "kk" {
		sep = "\u00a0"
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

package ui

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"medibooth/booth"
)

func TestWrapWords(t *testing.T) {
	runes := func(s string) float32 { return float32(utf8.RuneCountInString(s)) }
	for _, tc := range []struct {
		text string
		max  float32
		want []string
	}{
		{"", 10, nil},
		{"short", 10, []string{"short"}},
		{"Не сохранено: диск заполнен.", 14, []string{"Не сохранено:", "диск заполнен."}},
		{"저장되지 않았습니다: 디스크가 가득 찼습니다.", 12, []string{"저장되지 않았습니다:", "디스크가 가득", "찼습니다."}},
		{"averyveryverylongword fits", 8, []string{"averyveryverylongword", "fits"}},
		{"  spaced   words  ", 20, []string{"spaced words"}},
	} {
		if got := wrapWords(tc.text, runes, tc.max); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("wrapWords(%q, %v) = %q, want %q", tc.text, tc.max, got, tc.want)
		}
	}
}

func TestDateTimeByLanguage(t *testing.T) {
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	at := time.Date(2026, 12, 5, 14, 30, 0, 0, time.UTC)
	for code, want := range map[string]string{
		"ko": "2026-12-05 14:30", "ru": "05.12.2026 14:30", "kk": "05.12.2026 14:30", "en": "5 Dec 2026 14:30",
	} {
		var got string
		act(func() {
			SetLanguage(code)
			got = dateTime(at)
		})
		if got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}

func TestDatesAndNumbersByLanguage(t *testing.T) {
	t.Cleanup(func() { act(func() { SetLanguage(DefaultLanguage) }) })
	ev := &booth.Event{Start: "2026-09-17", End: "2026-09-18"}
	for code, want := range map[string][3]string{
		"ko": {"2026-09-17 – 2026-09-18", "1,234,567", "-1,000"},
		"ru": {"17.09.2026 – 18.09.2026", "1\u00a0234\u00a0567", "-1\u00a0000"},
		"kk": {"17.09.2026 – 18.09.2026", "1\u00a0234\u00a0567", "-1\u00a0000"},
		"en": {"17 Sep 2026 – 18 Sep 2026", "1,234,567", "-1,000"},
	} {
		var got [3]string
		act(func() {
			SetLanguage(code)
			got = [3]string{eventDates(ev), number(1234567), number(-1000)}
		})
		if got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
		var short string
		act(func() { short = dayText("2026-09-17", true) })
		if want := map[string]string{"ko": "9. 17.", "ru": "17.09", "kk": "17.09", "en": "17 Sep"}[code]; short != want {
			t.Errorf("%s: the short day %q, want %q", code, short, want)
		}
		if n := number(999); n != "999" {
			t.Errorf("%s: 999 written %q", code, n)
		}
	}
}

// TestSettingsShowVersion: the settings screen says which medibooth runs.
func TestSettingsShowVersion(t *testing.T) {
	u, _, _ := newTestDesk(t)
	act(u.showSettings)
	act(func() {
		if s := textUnder(u.Window().Content()); !strings.Contains(s, "medibooth "+booth.Version) {
			t.Fatalf("the settings do not name the version: %q", s)
		}
	})
}

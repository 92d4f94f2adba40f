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

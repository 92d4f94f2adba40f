package ui

import (
	"reflect"
	"testing"
	"unicode/utf8"
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

package booth

import (
	"strings"
	"testing"
)

func TestKoreanLatin(t *testing.T) {
	for in, want := range map[string]string{
		"김민지": "Kim Minji", "이서연": "Lee Seoyeon", "박지현": "Park Jihyeon", "최예은": "Choi Yeeun",
		"정우성": "Jung Useong", "김 민준": "Kim Minjun", "황보민": "Hwangbo Min", "남궁민수": "Namgoong Minsu",
		"곽": "Gwak", "닭갈비요리": "Dakgalbiyori", "Айгерим": "Aigerim", "김민지 Kim": "Gimminji Kim",
	} {
		if got := KoreanLatin(in); got != want {
			t.Errorf("KoreanLatin(%q) = %q, want %q", in, got, want)
		}
	}
}

// matches reports whether query finds a visitor named name, as the store's
// search does: every query word is a prefix of one of the terms.
func matches(name, query string) bool {
	v := &Visitor{Name: name}
	v.Normalize()
	terms := SearchTerms(v)
	for _, alts := range ParseQuery(query).Words {
		found := false
		for _, a := range alts {
			for _, term := range terms {
				if strings.HasPrefix(term, a) {
					found = true
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func TestKoreanNamesFoundByUsualSpellings(t *testing.T) {
	for _, tc := range []struct{ name, query string }{
		{"김민지", "kim"}, {"김민지", "Kim Minji"}, {"김민지", "kimminji"}, {"김민지", "gim"},
		{"김민지", "minji"}, {"김민지", "김민"}, {"이서연", "lee"}, {"이서연", "Yi Seoyeon"},
		{"박지현", "park ji"}, {"최예은", "choi"}, {"정우성", "jung"}, {"정우성", "jeong"},
		{"남궁민수", "namgoong"}, {"윤아름", "yoon"},
	} {
		if !matches(tc.name, tc.query) {
			t.Errorf("%q does not find %s", tc.query, tc.name)
		}
	}
	for _, tc := range []struct{ name, query string }{
		{"김민지", "park"}, {"이서연", "kim"}, {"Айгерим", "kim"},
	} {
		if matches(tc.name, tc.query) {
			t.Errorf("%q finds %s", tc.query, tc.name)
		}
	}
}

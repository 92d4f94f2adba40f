package booth

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Korean family names are romanised by the people who bear them, not by the
// Revised Romanization: 김 is Kim (RR: Gim), 이 is Lee, 박 is Park, 최 is
// Choi. A Korean name shows in Latin letters the way its bearer writes it
// in a passport (KoreanLatin) and is found by every usual spelling of its
// family name (SearchTerms).

// koreanSurnames lists the usual Latin spellings of the common family names,
// the most usual first; the Revised Romanization is among them where people
// use it.
var koreanSurnames = map[string][]string{
	"김": {"Kim", "Gim"}, "이": {"Lee", "Yi", "Rhee", "I"}, "박": {"Park", "Pak", "Bak"},
	"최": {"Choi", "Choe"}, "정": {"Jung", "Jeong", "Chung"}, "강": {"Kang", "Gang"},
	"조": {"Cho", "Jo"}, "윤": {"Yoon", "Yun"}, "장": {"Jang", "Chang"}, "임": {"Lim", "Im", "Rim"},
	"한": {"Han"}, "오": {"Oh", "O"}, "서": {"Seo", "Suh"}, "신": {"Shin", "Sin"},
	"권": {"Kwon", "Gwon"}, "황": {"Hwang"}, "안": {"Ahn", "An"}, "송": {"Song"},
	"류": {"Ryu", "Yoo", "Yu"}, "유": {"Yoo", "Yu"}, "홍": {"Hong"}, "전": {"Jeon", "Jun", "Chun"},
	"고": {"Ko", "Go"}, "문": {"Moon", "Mun"}, "양": {"Yang"}, "손": {"Son", "Sohn"},
	"배": {"Bae"}, "백": {"Baek", "Paik"}, "허": {"Heo", "Hur"}, "남": {"Nam"},
	"심": {"Shim", "Sim"}, "노": {"Noh", "Roh", "No"}, "하": {"Ha"}, "곽": {"Kwak", "Gwak"},
	"성": {"Sung", "Seong"}, "차": {"Cha"}, "주": {"Joo", "Ju"}, "우": {"Woo", "U"},
	"구": {"Koo", "Gu"}, "민": {"Min"}, "나": {"Na", "Ra"}, "진": {"Jin"}, "지": {"Ji"},
	"엄": {"Eom", "Um"}, "채": {"Chae"}, "원": {"Won"}, "천": {"Cheon", "Chun"},
	"방": {"Bang"}, "공": {"Kong", "Gong"}, "현": {"Hyun", "Hyeon"}, "함": {"Ham"},
	"변": {"Byun", "Byeon"}, "염": {"Yeom"}, "여": {"Yeo"}, "추": {"Choo", "Chu"},
	"도": {"Do"}, "소": {"So"}, "석": {"Seok", "Suk"}, "선": {"Sun", "Seon"},
	"설": {"Seol", "Sul"}, "마": {"Ma"}, "길": {"Gil", "Kil"}, "연": {"Yeon"},
	"표": {"Pyo"}, "명": {"Myung", "Myeong"}, "기": {"Ki", "Gi"}, "반": {"Ban"},
	"왕": {"Wang"}, "금": {"Keum", "Geum"}, "옥": {"Ok"}, "육": {"Yook", "Yuk"},
	"인": {"In"}, "맹": {"Maeng"}, "제": {"Je"}, "모": {"Mo"}, "탁": {"Tak"},
	"국": {"Kook", "Guk"}, "봉": {"Bong"}, "경": {"Kyung", "Gyeong"}, "편": {"Pyeon"},
	"황보": {"Hwangbo"}, "남궁": {"Namgoong", "Namgung"}, "제갈": {"Jegal"},
	"선우": {"Sunwoo", "Seonu"}, "독고": {"Dokgo"}, "사공": {"Sagong"}, "서문": {"Seomun"},
}

// koreanName splits a Hangul name into its family name, its usual Latin
// spellings and the given name: a word of 2 to 4 syllables starting with a
// known family name (two-syllable family names first), or a one-syllable
// family name written apart ("김 민지"). ok is false for anything else.
func koreanName(name string) (family string, spellings []string, given string, ok bool) {
	words := strings.Fields(norm.NFC.String(name))
	switch {
	case len(words) == 1 && isHangulWord(words[0]):
		w := words[0]
		n := utf8.RuneCountInString(w)
		if n < 2 || n > 4 {
			return "", nil, "", false
		}
		if n >= 3 {
			if two := string([]rune(w)[:2]); koreanSurnames[two] != nil {
				return two, koreanSurnames[two], string([]rune(w)[2:]), true
			}
		}
		one := string([]rune(w)[:1])
		if s := koreanSurnames[one]; s != nil {
			return one, s, string([]rune(w)[1:]), true
		}
	case len(words) == 2 && isHangulWord(words[0]) && isHangulWord(words[1]):
		if s := koreanSurnames[words[0]]; s != nil {
			return words[0], s, words[1], true
		}
	}
	return "", nil, "", false
}

// KoreanLatin writes a Korean name in Latin letters as its bearer would:
// the usual spelling of the family name, a space, the given name in the
// Revised Romanization (김민지 → Kim Minji). Other names go through Latin.
func KoreanLatin(name string) string {
	if _, spellings, given, ok := koreanName(name); ok {
		return spellings[0] + " " + Latin(given)
	}
	return Latin(name)
}

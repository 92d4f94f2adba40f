package booth

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestLatin(t *testing.T) {
	tests := []struct{ in, want string }{
		// Russian, ICAO 9303
		{"Айгерим", "Aigerim"},
		{"Юлия", "Iuliia"},
		{"Щербаков", "Shcherbakov"},
		{"Ольга Щербакова", "Olga Shcherbakova"},
		{"Алексей Ёлкин", "Aleksei Elkin"},
		{"Сергей Объедков", "Sergei Obieedkov"},
		{"Татьяна Хачатурян", "Tatiana Khachaturian"},
		{"Эдуард Цой", "Eduard Tsoi"},
		{"Анна-Мария", "Anna-Mariia"},
		// Kazakh
		{"Нұрсұлтан Әбішұлы", "Nursultan Abishuly"},
		{"Гүлнар", "Gulnar"},
		{"Ерболат", "Erbolat"},
		{"Дәурен", "Dauren"},
		{"Жанар", "Zhanar"},
		{"Ғалым Өтегенов", "Galym Otegenov"},
		{"Іңкәр Қасымқызы", "Inkar Kasymkyzy"},
		{"Шаһмардан", "Shahmardan"},
		// Ukrainian and Belarusian
		{"Олексій Ґонта", "Oleksii Gonta"},
		{"Євгенія Їжакевич", "Ievgeniia Izhakevich"},
		{"Андрэй Пятроўскі", "Andrei Piatrouski"},
		// case: capitals where the source has them; all-caps words stay so
		{"ЖАННА", "ZHANNA"},
		{"ОЛЬГА ЩЕРБАКОВА", "OLGA SHCHERBAKOVA"},
		{"ЮЛИЯ Жукова", "IULIIA Zhukova"},
		{"Ж. Қасымов", "Zh. Kasymov"},
		{"айгерим", "aigerim"},
		{"МакШейн", "MakShein"},
		// spaces and punctuation are kept as they are
		{"  Айгерим  Нұрланқызы ", "  Aigerim  Nurlankyzy "},
		{"Айгерим (Aigerim), 1990", "Aigerim (Aigerim), 1990"},
		// decomposed letters and stress marks
		{"Никола\u0438\u0306", "Nikolai"},
		{"Ива\u0301н", "Ivan"},
		{"\u04c1", "Zh"}, // Ӂ, not in the tables, is Ж with a breve
		// Hangul, Revised Romanization syllable by syllable
		{"김민준", "Gimminjun"},
		{"이서연", "Iseoyeon"},
		{"박지현", "Bakjihyeon"},
		{"최예은", "Choeyeeun"},
		{"정우성", "Jeonguseong"},
		{"김 민준", "Gim Minjun"},
		{"한국", "Hanguk"},
		{"닭", "Dak"},
		{"삶", "Sam"},
		{"핥", "Hal"},
		{"꽃", "Kkot"},
		{"의사", "Uisa"},
		{norm.NFD.String("김민준"), "Gimminjun"},
		// jamo of a syllable still being typed do not vanish
		{"김민ㅈ", "Gimminj"},
		{"ㄱ", "G"},
		{"ㅇ", ""},
		{"ㅏ", "A"},
		{"ㆍ", "A"},
		// Latin and other scripts pass through
		{"Aigerim", "Aigerim"},
		{"AIGERIM", "AIGERIM"},
		{"José Müller", "José Müller"},
		{"Ayşe Yılmaz", "Ayşe Yılmaz"},
		{"O'Neil", "O'Neil"},
		{"王小明", "王小明"},
		{"Γιώργος", "Γιώργος"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Latin(tt.in); got != tt.want {
			t.Errorf("Latin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLatinEveryHangulSyllable(t *testing.T) {
	for r := rune(hangulFirst); r <= hangulLast; r++ {
		got := Latin(string(r))
		if got == "" || !translitASCII(got) || got[0] < 'A' || got[0] > 'Z' {
			t.Fatalf("Latin(%q) = %q, want capitalised ASCII", string(r), got)
		}
		if FoldScript(string(r)) == "" {
			t.Fatalf("FoldScript(%q) is empty", string(r))
		}
	}
}

func TestLatinCompatibilityJamo(t *testing.T) {
	for r := rune(compatFirst); r <= compatLast; r++ {
		got := Latin(string(r))
		switch r {
		case 'ㅇ', 0x3164, 'ㆀ', 'ㆆ': // silent letters and the filler
			if got != "" {
				t.Errorf("Latin(%q) = %q, want silence", string(r), got)
			}
		default:
			if got == "" || !translitASCII(got) {
				t.Errorf("Latin(%q) = %q, want its sound in ASCII", string(r), got)
			}
		}
	}
}

// searchKeyGroups are spellings that must meet in one key.
var searchKeyGroups = []struct {
	key   string
	names []string
}{
	{"aigerim", []string{"Айгерим", "aigerim", "AYGERIM", "Aygerim", "АЙГЕРИМ"}},
	{"nurlan", []string{"Нұрлан", "Nurlan", "Нурлан"}},
	{"aliia", []string{"Әлия", "Aliia", "Aliya", "Алия"}},
	{"gimminjun", []string{"김민준", "gimminjun", "Gimminjun", norm.NFD.String("김민준")}},
	{"erlan", []string{"Ерлан", "Erlan"}},
	{"iuliia", []string{"Юлия", "Yuliya", "Iuliia"}},
	{"maksim", []string{"Максим", "Maxim", "Maksim"}},
	{"aleksandr", []string{"Александр", "Alexandr", "Aleksandr"}},
	{"kairat", []string{"Қайрат", "Кайрат", "Qairat", "Kairat", "Qayrat"}},
	{"gulnar", []string{"Гүлнар", "Gulnar", "Gülnar"}},
	{"shcherbakova", []string{"Щербакова", "Shcherbakova", "SHCHERBAKOVA"}},
	{"elkin", []string{"Ёлкин", "Елкин", "Elkin"}},
	{"muller", []string{"Müller", "MÜLLER", "Muller"}},
	{"strauss", []string{"Strauß", "STRAUSS"}},
	{"aise", []string{"Ayşe", "AYŞE"}},
	{"iilmaz", []string{"Yılmaz", "YILMAZ"}},
	{"cagla", []string{"Çağla"}},
	{"aigerim", []string{"ＡＩＧＥＲＩＭ"}}, // full-width, from a Korean IME
	{"", []string{"王小明", "", "—", "ㅇ"}},
	{"1990", []string{"1990"}},
}

func TestSearchKey(t *testing.T) {
	for _, g := range searchKeyGroups {
		for _, name := range g.names {
			if got := SearchKey(name); got != g.key {
				t.Errorf("SearchKey(%q) = %q, want %q", name, got, g.key)
			}
		}
	}
	// The equalities the search screen relies on, spelt out.
	pairs := [][2]string{
		{"Айгерим", "aigerim"}, {"aigerim", "AYGERIM"},
		{"Нұрлан", "Nurlan"},
		{"Әлия", "Aliia"},
		{"김민준", "gimminjun"},
		{"Ерлан", "Erlan"},
	}
	for _, p := range pairs {
		if a, b := SearchKey(p[0]), SearchKey(p[1]); a != b {
			t.Errorf("SearchKey(%q) = %q but SearchKey(%q) = %q", p[0], a, p[1], b)
		}
	}
}

func TestSearchKeyHangul(t *testing.T) {
	tests := []struct{ in, want string }{
		{"박지현", "bakjihieon"},
		{"최예은", "choeieeun"},
		{"이서연", "iseoieon"},
		{"민준", "minjun"},
	}
	for _, tt := range tests {
		if got := SearchKey(tt.in); got != tt.want {
			t.Errorf("SearchKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// prefixWords are single name words in one script each; every rune prefix of
// each must fold to a prefix of the whole word's fold.
var prefixWords = []string{
	"Нұрсұлтан", "Айгерим", "Гүлнар", "Ерболат", "Дәурен", "Жанар", "Әбішұлы",
	"Ольга", "Щербакова", "ЩЕРБАКОВА", "Юлия", "Объедков", "Ёлкин", "Хачатурян",
	"Іңкәр", "Ғалым", "Өтегенов", "Шаһмардан", "Євгенія", "Пятроўскі",
	"김민준", "박지현", "최예은", "이서연", "정우성", "닭갈비", "황보", "곽",
	"Aigerim", "AYGERIM", "Müller", "Strauß", "Alexandr", "Yılmaz",
}

func TestSearchKeyPrefix(t *testing.T) {
	for _, w := range prefixWords {
		checkPrefixes(t, "SearchKey", SearchKey, w)
	}
}

func TestFoldScriptPrefix(t *testing.T) {
	for _, w := range prefixWords {
		checkPrefixes(t, "FoldScript", FoldScript, w)
	}
}

// checkPrefixes checks that fold of every rune prefix of w is a prefix of
// fold(w).
func checkPrefixes(t *testing.T, name string, fold func(string) string, w string) {
	t.Helper()
	whole := fold(w)
	for i := range w {
		if p := fold(w[:i]); !strings.HasPrefix(whole, p) {
			t.Errorf("%s(%q) = %q is not a prefix of %s(%q) = %q", name, w[:i], p, name, w, whole)
		}
	}
}

func TestFoldScript(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Айгерим", "айгерим"},
		{"ЖАННА", "жанна"},
		{"Ёлкин", "елкин"},
		{"Нұрсұлтан", "нұрсұлтан"},
		{"Іңкәр", "іңкәр"},
		{"O'Neil", "oneil"},
		{"José", "josé"},
		{"Jose\u0301", "josé"},
		{"Никола\u0438\u0306", "николай"},
		{"Анна-Мария 2", "аннамария2"},
		{"王小明", "王小明"},
	}
	for _, tt := range tests {
		if got := FoldScript(tt.in); got != tt.want {
			t.Errorf("FoldScript(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Hangul is spelt as the keys typed for it, whatever form it comes in.
	keys := FoldScript("ㄱㅣㅁㅁㅣㄴㅈㅜㄴ")
	for _, in := range []string{"김민준", norm.NFD.String("김민준"), "김 민준"} {
		if got := FoldScript(in); got != keys {
			t.Errorf("FoldScript(%q) = %+q, want the keys %+q", in, got, keys)
		}
	}
	if got, want := FoldScript("닭"), FoldScript("ㄷㅏㄹㄱ"); got != want {
		t.Errorf("FoldScript(닭) = %+q, want %+q", got, want)
	}
	if got, want := FoldScript("과"), FoldScript("ㄱㅗㅏ"); got != want {
		t.Errorf("FoldScript(과) = %+q, want %+q", got, want)
	}
	if got := FoldScript("김"); got != "\u1100\u1175\u1106" {
		t.Errorf("FoldScript(김) = %+q, want conjoining jamo 기ᄆ", got)
	}
}

// TestFoldScriptIME replays what a Korean IME shows while a name is typed on
// the standard keyboard: every state must keep finding the name.
func TestFoldScriptIME(t *testing.T) {
	typing := map[string][]string{
		"김민준": {"ㄱ", "기", "김", "김ㅁ", "김미", "김민", "김믽", "김민주", "김민준"},
		"이서연": {"ㅇ", "이", "잇", "이서", "이성", "이서여", "이서연"},
		"최예은": {"ㅊ", "초", "최", "최ㅇ", "최예", "최옝", "최예으", "최예은"},
		"박지현": {"ㅂ", "바", "박", "박ㅈ", "박지", "박짛", "박지혀", "박지현"},
		"곽정원": {"ㄱ", "고", "과", "곽", "곽ㅈ", "곽저", "곽정", "곽정ㅇ", "곽정우", "곽정워", "곽정원"},
		"한닭":  {"하", "한", "한ㄷ", "한다", "한달", "한닭"},
	}
	for name, states := range typing {
		whole := FoldScript(name)
		for _, s := range states {
			if f := FoldScript(s); !strings.HasPrefix(whole, f) {
				t.Errorf("typing %s shows %s: FoldScript = %+q, not a prefix of %+q", name, s, f, whole)
			}
		}
	}
}

// TestCyrillicAccented checks every Cyrillic letter made of a base letter and
// an accent: its key must start with the base letter's key, or typing the base
// and then the accent would lose the name.
func TestCyrillicAccented(t *testing.T) {
	for r := rune(0x400); r <= 0x52F; r++ {
		d := norm.NFD.String(string(r))
		base, size := utf8.DecodeRuneInString(d)
		if size == len(d) {
			continue
		}
		if k, b := SearchKey(string(r)), SearchKey(string(base)); !strings.HasPrefix(k, b) {
			t.Errorf("SearchKey(%q) = %q does not start with SearchKey(%q) = %q", string(r), k, string(base), b)
		}
	}
}

// fuzzCyrillic is the alphabet fuzz bytes are spelt in for Cyrillic words.
var fuzzCyrillic = []rune("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя" +
	"ӘҒҚҢӨҰҮҺІәғқңөұүһіЇЄҐЎїєґў")

// fuzzMaxWord bounds the words the fuzz targets check prefixes of: names are
// short, and checking every prefix costs the square of the length.
const fuzzMaxWord = 32

// fuzzWords spells the bytes of s as a Cyrillic word and as a Hangul word, so
// that the fuzzer's mutations exercise the prefix property on any letters.
func fuzzWords(s string) (cyrillic, hangul string) {
	if len(s) > fuzzMaxWord {
		s = s[:fuzzMaxWord]
	}
	var c, h strings.Builder
	for i := 0; i < len(s); i++ {
		c.WriteRune(fuzzCyrillic[int(s[i])%len(fuzzCyrillic)])
		if i%2 == 1 {
			n := (int(s[i-1])<<8 | int(s[i])) % (hangulLast - hangulFirst + 1)
			h.WriteRune(rune(hangulFirst + n))
		}
	}
	return c.String(), h.String()
}

// oneScriptWord reports whether s is a single word of Cyrillic letters only or
// of Hangul syllables only.
func oneScriptWord(s string) bool {
	if s == "" || len(s) > 4*fuzzMaxWord || !utf8.ValidString(s) {
		return false
	}
	cyr, han := true, true
	for _, r := range s {
		_, ok := cyrillicLatin(r)
		cyr = cyr && ok && (r >= 0x400 && r <= 0x52F)
		han = han && r >= hangulFirst && r <= hangulLast
	}
	return cyr || han
}

func FuzzSearchKeyPrefix(f *testing.F) {
	for _, w := range prefixWords {
		f.Add(w)
	}
	for _, g := range searchKeyGroups {
		for _, name := range g.names {
			f.Add(name)
		}
	}
	f.Add("\xff\xfeАй\xc3")
	f.Fuzz(func(t *testing.T, s string) {
		// Any input, valid UTF-8 or not: no panic, valid output, a clean key.
		if l := Latin(s); !utf8.ValidString(l) {
			t.Fatalf("Latin(%q) = %q is not valid UTF-8", s, l)
		}
		k := SearchKey(s)
		for i := 0; i < len(k); i++ {
			if c := k[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				t.Fatalf("SearchKey(%q) = %q has %q", s, k, c)
			}
		}
		if f := FoldScript(s); !utf8.ValidString(f) {
			t.Fatalf("FoldScript(%q) = %q is not valid UTF-8", s, f)
		}
		// The prefix property, on the input spelt in Cyrillic and in Hangul,
		// and on the input itself: it must hold for one word of Cyrillic or
		// Hangul, and as every letter is folded on its own it holds for any
		// text (NFC may join a letter and the accent typed after it, but the
		// key drops the accent again).
		if utf8.ValidString(s) && len(s) <= 4*fuzzMaxWord {
			checkPrefixes(t, "SearchKey", SearchKey, s)
		}
		cyr, han := fuzzWords(s)
		checkPrefixes(t, "SearchKey", SearchKey, cyr)
		checkPrefixes(t, "SearchKey", SearchKey, han)
	})
}

func FuzzFoldScriptPrefix(f *testing.F) {
	for _, w := range prefixWords {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if oneScriptWord(s) {
			checkPrefixes(t, "FoldScript", FoldScript, s)
		}
		cyr, han := fuzzWords(s)
		checkPrefixes(t, "FoldScript", FoldScript, cyr)
		checkPrefixes(t, "FoldScript", FoldScript, han)
	})
}

func BenchmarkSearchKey(b *testing.B) {
	names := []string{"Нұрсұлтан", "Щербакова", "김민준", "Aigerim", "Müller"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		SearchKey(names[i%len(names)])
	}
}

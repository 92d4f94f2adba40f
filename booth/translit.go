package booth

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Names reach the booth in Cyrillic (Russian and Kazakh), in Hangul and in
// Latin spelt many ways. Three folds serve them:
//
//	Latin      a readable Latin form for badges and lists (Айгерим → Aigerim)
//	SearchKey  a lossy ASCII key, so a name typed in any script or spelling
//	           finds the same person (Айгерим, Aygerim → aigerim)
//	FoldScript a case fold that stays in the script, for people who type the
//	           name as it is written (Айгерим → айгерим, 김민준 → jamo)
//
// Search is by prefix while a person types, so each fold is built from
// per-letter pieces: the fold of the first letters of a word is a prefix of the
// fold of the word. Rules that look at more than one letter (kh → h, ts → c)
// would break that, and are left out on purpose.

// Latin transliterates a name to Latin letters, keeping spaces, punctuation,
// word boundaries and letter case: a word's letter is upper case where the
// source letter was, and an all-caps word stays all-caps (ЖАННА → ZHANNA).
// Cyrillic follows ICAO 9303, the passport standard, with Kazakh, Ukrainian,
// Belarusian and a few Central Asian letters added; Hangul follows the Revised
// Romanization syllable by syllable, without the sound changes between
// syllables, and a Hangul word starts with a capital (김민준 → Gimminjun).
// Latin letters, diacritics included, and every other script pass through.
func Latin(s string) string {
	s = norm.NFC.String(s) // a decomposed й or 김 (macOS, some web forms) is one letter
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	inWord := false
	allCaps := false // the current word is written in capitals
	capNext := false // the next romanized Hangul letter starts a word
	afterTr := false // the last rune was transliterated; drop its accents
	for i, r := range s {
		if !translitWordRune(r) {
			inWord, afterTr = false, false
			b.WriteRune(r)
			continue
		}
		if !inWord {
			inWord, capNext = true, true
			allCaps = translitAllCaps(s[i:])
		}
		if unicode.IsMark(r) {
			// A stress mark or breve left over on a Cyrillic letter has no
			// place on the Latin letters it became.
			if !afterTr {
				b.WriteRune(r)
			}
			continue
		}
		if parts, ok := hangulLatin(r); ok {
			for _, t := range parts {
				if capNext && t != "" {
					b.WriteByte(t[0] - 'a' + 'A')
					t = t[1:]
					capNext = false
				}
				b.WriteString(t)
			}
			afterTr = true
			continue
		}
		capNext = false
		lower := unicode.ToLower(r)
		t, ok := cyrillicLatin(lower)
		if !ok {
			b.WriteRune(r)
			afterTr = false
			continue
		}
		afterTr = true
		switch {
		case r == lower || t == "":
			b.WriteString(t)
		case allCaps:
			b.WriteString(strings.ToUpper(t))
		default:
			b.WriteByte(t[0] - 'a' + 'A')
			b.WriteString(t[1:])
		}
	}
	return b.String()
}

// translitWordRune reports whether r belongs to a word: as in nameWords, a
// word is letters, digits and the marks on them.
func translitWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// translitAllCaps reports whether the word at the start of s is in capitals.
// One capital alone is an initial or a capitalised name (Ж. → Zh.), not caps.
func translitAllCaps(s string) bool {
	upper := 0
	for _, r := range s {
		if !translitWordRune(r) {
			break
		} else if unicode.IsLower(r) {
			return false
		} else if unicode.IsUpper(r) {
			upper++
		}
	}
	return upper >= 2
}

// cyrillicBasic is ICAO 9303 for а (U+0430) to я (U+044F), in code order.
var cyrillicBasic = [32]string{
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", // а–п
	"r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "", "e", "iu", "ia", // р–я
}

// cyrillicExtra covers the lower-case letters beyond Russian that visitors in
// Almaty write. ICAO 9303 gives the Ukrainian, Belarusian, Serbian and
// Macedonian ones; Kazakh letters are written as Kazakh passports write them
// (ә → a, not ä); the other Central Asian ones get their usual plain Latin.
var cyrillicExtra = map[rune]string{
	'ё': "e",
	// Kazakh (Kyrgyz, Tatar and Bashkir share most of these)
	'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h", 'і': "i",
	// Ukrainian and Belarusian
	'ї': "i", 'є': "ie", 'ґ': "g", 'ў': "u",
	// Uzbek, Tajik, Tatar, Bashkir
	'ҳ': "h", 'ҷ': "j", 'ӣ': "i", 'ӯ': "u", 'җ': "zh", 'ҙ': "z", 'ҫ': "s", 'ҡ': "k",
	// Serbian and Macedonian
	'ђ': "d", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz", 'ѓ': "g", 'ќ': "k", 'ѕ': "dz",
}

// cyrillicLatin returns the Latin of a lower-case Cyrillic letter. A letter
// missing from the tables that is a base letter plus an accent (ӂ, ӛ) takes
// the base letter's Latin, so that its SearchKey still starts with the base
// letter's, as prefix search needs.
func cyrillicLatin(r rune) (string, bool) {
	if r >= 'а' && r <= 'я' {
		return cyrillicBasic[r-'а'], true
	} else if t, ok := cyrillicExtra[r]; ok {
		return t, true
	} else if r < 0x400 || !unicode.Is(unicode.Cyrillic, r) {
		return "", false
	}
	base, size := utf8.DecodeRuneInString(norm.NFD.String(string(r)))
	if size == len(string(r)) && base == r {
		return "", false
	}
	if base >= 'а' && base <= 'я' {
		return cyrillicBasic[base-'а'], true
	}
	t, ok := cyrillicExtra[base]
	return t, ok
}

// Hangul: a syllable is (initial*21 + vowel)*28 + final from U+AC00.
const (
	hangulFirst  = 0xAC00
	hangulLast   = 0xD7A3
	hangulVowels = 21
	hangulFinals = 28 // final 0 is "no final"

	jamoInitialFirst = 0x1100 // conjoining jamo, as NFD produces them
	jamoVowelFirst   = 0x1161
	jamoFinalFirst   = 0x11A7 // one before ᆨ, so that final index 1 is ᆨ
	jamoFinalLast    = 0x11C2
	compatFirst      = 0x3131 // compatibility jamo, as an IME shows them alone
	compatLast       = 0x318E
)

// Revised Romanization of the initials, vowels and finals by their index in a
// syllable. Finals are the sound at the end of a word; a cluster sounds as its
// representative consonant (닭 dak, 삶 sam, 핥 hal).
var (
	rrInitials = [19]string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	rrVowels   = [hangulVowels]string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	rrFinals   = [hangulFinals]string{
		"", "k", "k", "k", "n", "n", "n", "t", "l", // ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ
		"k", "m", "l", "l", "l", "p", "l", // ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ
		"m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t", // ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ
	}
)

// rrCompat romanizes the compatibility jamo U+3131–U+318E, the letters an IME
// shows before a syllable is complete. A consonant sounds as it would starting
// the syllable being typed (ㅇ is silent there), a cluster as its consonants
// in typing order; the archaic letters get their usual scholarly values.
var rrCompat = [compatLast - compatFirst + 1]string{
	"g", "kk", "gs", "n", "nj", "nh", "d", "tt", "r", "rg", "rm", "rb", "rs", "rt", "rp", "rh", // ㄱ–ㅀ
	"m", "b", "pp", "bs", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h", // ㅁ–ㅎ
	"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i", // ㅏ–ㅣ
	"",                                                    // U+3164 Hangul filler, an invisible placeholder
	"nn", "nd", "ns", "nz", "rgs", "rd", "rbs", "rz", "r", // ㅥ–ㅭ
	"mb", "ms", "mz", "m", "bg", "bd", "bsg", "bsd", "bj", "bt", "b", "pp", // ㅮ–ㅹ
	"sg", "sn", "sd", "sb", "sj", "z", "", "ng", "ngs", "ngz", "p", "hh", "", // ㅺ–ㆆ
	"yoya", "yoyae", "yoi", "yuyeo", "yuye", "yui", "a", "ae", // ㆇ–ㆎ
}

// hangulLatin returns the romanization of a Hangul syllable or jamo in up to
// three parts (initial, vowel, final), to be written one after the other.
func hangulLatin(r rune) ([3]string, bool) {
	switch {
	case r >= hangulFirst && r <= hangulLast:
		l, v, t := hangulSplit(r)
		return [3]string{rrInitials[l], rrVowels[v], rrFinals[t]}, true
	case r >= compatFirst && r <= compatLast:
		return [3]string{rrCompat[r-compatFirst]}, true
	case r >= jamoInitialFirst && r < jamoInitialFirst+19:
		return [3]string{rrInitials[r-jamoInitialFirst]}, true
	case r >= jamoVowelFirst && r < jamoVowelFirst+hangulVowels:
		return [3]string{rrVowels[r-jamoVowelFirst]}, true
	case r > jamoFinalFirst && r <= jamoFinalLast:
		return [3]string{rrFinals[r-jamoFinalFirst]}, true
	}
	return [3]string{}, false
}

// hangulSplit returns the initial, vowel and final index of a Hangul syllable.
func hangulSplit(r rune) (l, v, t int) {
	i := int(r - hangulFirst)
	return i / (hangulVowels * hangulFinals), i / hangulFinals % hangulVowels, i % hangulFinals
}

// SearchKey folds one word for search across scripts and spellings: the Latin
// transliteration, lower case, without diacritics (ö → o, ş → s, ß → ss),
// reduced to a–z and 0–9, and then three single letters that spell the same
// sound in common Latin spellings of names from the region are rewritten:
//
//	y → i   Aygerim = Aigerim = Айгерим; Yuliya = Iuliia = Юлия
//	x → ks  Maxim = Maksim = Максим; Alexei = Aleksei
//	q → k   Qairat = Kairat = Қайрат (Kazakh and Uzbek Latin alphabets)
//
// Each letter is folded on its own, so the key of the first letters of a word
// is always a prefix of the key of the whole word, in any script.
func SearchKey(s string) string {
	s = Latin(s)
	if !translitASCII(s) {
		// NFKD also folds the full-width Latin letters a Korean IME can type.
		s = norm.NFKD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			searchKeyLetter(&b, byte(r))
		case r >= utf8.RuneSelf:
			for _, c := range []byte(searchKeyLetters[r]) {
				searchKeyLetter(&b, c)
			}
		}
	}
	return b.String()
}

// searchKeyLetters spells the Latin letters that NFKD leaves whole.
var searchKeyLetters = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l",
	'ı': "i", 'þ': "th", 'ħ': "h", 'ŧ': "t", 'ĸ': "k", 'ŋ': "ng", 'ə': "a",
}

// searchKeyLetter writes one folded ASCII letter or digit with the spelling
// variants of SearchKey applied.
func searchKeyLetter(b *strings.Builder, c byte) {
	switch c {
	case 'y':
		b.WriteByte('i')
	case 'x':
		b.WriteString("ks")
	case 'q':
		b.WriteByte('k')
	default:
		b.WriteByte(c)
	}
}

func translitASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// FoldScript folds a word for search in its own script: lower case, ё as е,
// letters and digits only. Hangul is spelt out as the keys typed for it on the
// standard Korean keyboard, as conjoining jamo: a final consonant becomes the
// same jamo as an initial, and clusters and compound vowels become their two
// keys (닭 → ㄷㅏㄹㄱ, 과 → ㄱㅗㅏ). An IME shows a consonant typed for the
// next syllable on the previous one (typing 김민준 shows 김, 김ㅁ, 김미, 김민, 김믽,
// 김민주), and each of those states must still find the name: spelt as keys,
// every state is a prefix of the whole name.
func FoldScript(s string) string {
	s = norm.NFC.String(s) // fold decomposed and composed input alike
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if keys, ok := hangulKeys(r); ok {
			for _, k := range keys {
				b.WriteString(k)
			}
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		r = unicode.ToLower(r)
		if r == 'ё' {
			r = 'е' // ё is often written е; the reverse never happens
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hangulKeys returns the keys of a modern Hangul syllable or jamo, as
// conjoining jamo: consonants as initials (U+1100–U+1112), vowels as medials
// (U+1161–U+1175).
func hangulKeys(r rune) ([3]string, bool) {
	switch {
	case r >= hangulFirst && r <= hangulLast:
		l, v, t := hangulSplit(r)
		return [3]string{keyInitials[l], keyVowels[v], keyFinals[t]}, true
	case r >= compatFirst && int(r-compatFirst) < len(keyCompat):
		return [3]string{keyCompat[r-compatFirst]}, true
	case r >= jamoInitialFirst && r < jamoInitialFirst+19:
		return [3]string{keyInitials[r-jamoInitialFirst]}, true
	case r >= jamoVowelFirst && r < jamoVowelFirst+hangulVowels:
		return [3]string{keyVowels[r-jamoVowelFirst]}, true
	case r > jamoFinalFirst && r <= jamoFinalLast:
		return [3]string{keyFinals[r-jamoFinalFirst]}, true
	}
	return [3]string{}, false
}

// The keys of each jamo, written in compatibility jamo to be readable here and
// turned into conjoining jamo by jamoKeys when the package loads.
var (
	keyInitials = jamoKeys([]string{"ㄱ", "ㄲ", "ㄴ", "ㄷ", "ㄸ", "ㄹ", "ㅁ", "ㅂ", "ㅃ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅉ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"})
	keyVowels   = jamoKeys([]string{"ㅏ", "ㅐ", "ㅑ", "ㅒ", "ㅓ", "ㅔ", "ㅕ", "ㅖ", "ㅗ", "ㅗㅏ", "ㅗㅐ", "ㅗㅣ", "ㅛ", "ㅜ", "ㅜㅓ", "ㅜㅔ", "ㅜㅣ", "ㅠ", "ㅡ", "ㅡㅣ", "ㅣ"})
	keyFinals   = jamoKeys([]string{"", "ㄱ", "ㄲ", "ㄱㅅ", "ㄴ", "ㄴㅈ", "ㄴㅎ", "ㄷ", "ㄹ", "ㄹㄱ", "ㄹㅁ", "ㄹㅂ", "ㄹㅅ", "ㄹㅌ", "ㄹㅍ", "ㄹㅎ",
		"ㅁ", "ㅂ", "ㅂㅅ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"})
	// keyCompat covers the modern compatibility jamo ㄱ (U+3131) to ㅣ (U+3163).
	keyCompat = jamoKeys([]string{"ㄱ", "ㄲ", "ㄱㅅ", "ㄴ", "ㄴㅈ", "ㄴㅎ", "ㄷ", "ㄸ", "ㄹ", "ㄹㄱ", "ㄹㅁ", "ㄹㅂ", "ㄹㅅ", "ㄹㅌ", "ㄹㅍ", "ㄹㅎ",
		"ㅁ", "ㅂ", "ㅃ", "ㅂㅅ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅉ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ",
		"ㅏ", "ㅐ", "ㅑ", "ㅒ", "ㅓ", "ㅔ", "ㅕ", "ㅖ", "ㅗ", "ㅗㅏ", "ㅗㅐ", "ㅗㅣ", "ㅛ", "ㅜ", "ㅜㅓ", "ㅜㅔ", "ㅜㅣ", "ㅠ", "ㅡ", "ㅡㅣ", "ㅣ"})
)

// jamoKeys turns key sequences in single compatibility jamo into conjoining
// jamo. Conjoining initials are in a different order from compatibility
// consonants (which interleave clusters), hence the lookup string; the vowels
// are in the same order in both blocks.
func jamoKeys(keys []string) []string {
	const consonants = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
	out := make([]string, len(keys))
	for i, k := range keys {
		var b strings.Builder
		for _, r := range k {
			if r >= 'ㅏ' && r <= 'ㅣ' {
				b.WriteRune(jamoVowelFirst + r - 'ㅏ')
			} else if j := strings.IndexRune(consonants, r); j >= 0 {
				b.WriteRune(jamoInitialFirst + rune(utf8.RuneCountInString(consonants[:j])))
			} else {
				panic("booth: not a modern single jamo: " + string(r))
			}
		}
		out[i] = b.String()
	}
	return out
}

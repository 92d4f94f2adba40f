package booth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search terms are short strings stored in an index; a query matches a visitor
// when every query word is a prefix of one of the visitor's terms. Each term
// starts with a kind letter so kinds never match each other:
//
//	n:  a name word folded in its own script (Айгерим → айгерим, 김민준 → jamo)
//	l:  a name word's Latin search key (Айгерим → aigerim)
//	p:  a suffix of the phone digits, so any tail of the number finds it
//	e:  the email address and its local part
//	cn:, cl:  a pair of name words: the first two letters of one word, "|",
//	    and the whole other word, folded (cn) or as Latin key (cl). A query
//	    of two short prefixes such as "Нұр Бек" starts from these: each
//	    prefix alone matches thousands of people, the pair only the few
//	    who have both.
//
// SQLite's LIKE and NOCASE fold ASCII only, so all folding happens here.
const (
	termName  = "n:"
	termLatin = "l:"
	termPhone = "p:"
	termEmail = "e:"
	pairName  = "cn:"
	pairLatin = "cl:"
)

// maxPairWords bounds the name words paired with each other (given name,
// patronymic, family name).
const maxPairWords = 3

// minPhoneDigits is the shortest tail of a phone number worth indexing.
const minPhoneDigits = 3

// SearchTerms returns the distinct index terms of a visitor.
func SearchTerms(v *Visitor) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if len(t) > 2 && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	words := nameWords(v.Name)
	if len(words) > maxPairWords {
		words = words[:maxPairWords]
	}
	for i, a := range words {
		for j, b := range words {
			if i != j {
				add(pairName + first2(FoldScript(a)) + "|" + FoldScript(b))
				add(pairLatin + first2(SearchKey(a)) + "|" + SearchKey(b))
			}
		}
	}
	for _, name := range []string{v.Name, v.NameLatin} {
		for _, w := range nameWords(name) {
			add(termName + FoldScript(w))
			add(termLatin + SearchKey(w))
			// A Korean name is written without a space between family and
			// given name; index the given name too so "민준" finds 김민준.
			if isHangulWord(w) && utf8.RuneCountInString(w) >= 2 {
				_, size := utf8.DecodeRuneInString(w)
				add(termName + FoldScript(w[size:]))
				add(termLatin + SearchKey(w[size:]))
			}
		}
	}
	// A Korean name is also found by every usual spelling of its family
	// name, alone or run together with the given name (kim, kimminji).
	if _, spellings, given, ok := koreanName(v.Name); ok {
		for _, sp := range spellings {
			add(termLatin + SearchKey(sp))
			add(termLatin + SearchKey(sp) + SearchKey(given))
		}
	}
	if d := Digits(v.Phone); d != "" {
		for i := 0; i+minPhoneDigits <= len(d); i++ {
			add(termPhone + d[i:])
		}
	}
	if v.Email != "" {
		e := strings.ToLower(v.Email)
		add(termEmail + e)
		if at := strings.IndexByte(e, '@'); at > 0 {
			add(termEmail + e[:at])
		}
	}
	return out
}

// Query is a parsed search: every word must match, and a word matches when
// any of its alternative prefixes is a prefix of one of the visitor's terms.
type Query struct {
	Words [][]string
	// Pair, when set, holds alternative prefixes of the pair terms of the
	// first two words: a narrower place to start than any single word.
	Pair []string
}

// Empty reports whether the query can match nothing sensible.
func (q Query) Empty() bool { return len(q.Words) == 0 }

// ParseQuery turns what a person typed into a Query. A query that is mostly
// digits is a phone number; one with @ is an email; anything else is words of
// a name (or the start of an email's local part).
func ParseQuery(s string) Query {
	s = strings.TrimSpace(s)
	var q Query
	if s == "" {
		return q
	}
	if strings.Contains(s, "@") {
		q.Words = [][]string{{termEmail + strings.ToLower(s)}}
		return q
	}
	if d := Digits(s); len(d) >= minPhoneDigits && isPhoneLike(s) {
		// A local number typed as 8 701 ... is stored as +7 701 ...
		alts := []string{termPhone + d}
		if len(d) == 11 && d[0] == '8' {
			alts = append(alts, termPhone+"7"+d[1:])
		}
		q.Words = [][]string{alts}
		return q
	}
	for _, w := range nameWords(s) {
		var alts []string
		if f := FoldScript(w); f != "" {
			alts = append(alts, termName+f)
		}
		if k := SearchKey(w); k != "" {
			alts = append(alts, termLatin+k)
		}
		if e := strings.ToLower(w); isASCII(e) {
			alts = append(alts, termEmail+e)
		}
		if len(alts) > 0 {
			q.Words = append(q.Words, alts)
		}
	}
	if words := nameWords(s); len(words) >= 2 {
		a, b := words[0], words[1]
		if fa, fb := FoldScript(a), FoldScript(b); utf8.RuneCountInString(fa) >= 2 && fb != "" {
			q.Pair = append(q.Pair, pairName+first2(fa)+"|"+fb)
		}
		if ka, kb := SearchKey(a), SearchKey(b); len(ka) >= 2 && kb != "" {
			q.Pair = append(q.Pair, pairLatin+first2(ka)+"|"+kb)
		}
	}
	return q
}

// first2 returns the first two letters of s.
func first2(s string) string {
	n := 0
	for i := range s {
		if n == 2 {
			return s[:i]
		}
		n++
	}
	return s
}

// nameWords splits a name into words on spaces, hyphens and punctuation.
func nameWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

func isHangulWord(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Hangul, r) {
			return false
		}
	}
	return w != ""
}

func isPhoneLike(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9') && !strings.ContainsRune("+-() .", r) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

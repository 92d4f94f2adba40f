package booth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A USB barcode scanner is a keyboard: it sends key positions, not characters,
// and always as if the US layout were active. On a laptop with the Russian or
// Kazakh layout active, the operating system turns those positions into that
// layout's characters, so "MB" arrives as "ЬИ" and, on the Kazakh layout,
// even the digits arrive as `"әіңғ,.үұқ`. Nothing on the laptop can tell which
// layout was active, so the code readers undo every layout we know and keep
// the reading that makes sense.

// keyNames are the key positions of the main block, in the order of the layout
// tables below, by their xkb names: the grave key, the digit row, the three
// letter rows and the backslash key.
var keyNames = [...]string{
	"TLDE",
	"AE01", "AE02", "AE03", "AE04", "AE05", "AE06", "AE07", "AE08", "AE09", "AE10", "AE11", "AE12",
	"AD01", "AD02", "AD03", "AD04", "AD05", "AD06", "AD07", "AD08", "AD09", "AD10", "AD11", "AD12",
	"AC01", "AC02", "AC03", "AC04", "AC05", "AC06", "AC07", "AC08", "AC09", "AC10", "AC11",
	"AB01", "AB02", "AB03", "AB04", "AB05", "AB06", "AB07", "AB08", "AB09", "AB10",
	"BKSL",
}

const numKeys = len(keyNames)

// Layout is a keyboard layout: the character each key of the main block types
// without and with Shift.
type Layout struct {
	Name string // short name: us, ru, ru-legacy, kz
	XKB  string // the xkb symbols variant the table was copied from

	level [2][numKeys]rune // level[0]: no modifier, level[1]: Shift
	// alpha marks letter keys, whose two levels are the lower and upper case
	// of one letter. Caps Lock swaps their levels and leaves other keys alone,
	// as xkb's ALPHABETIC key type and Windows' CAPLOK do.
	alpha [numKeys]bool
	keys  map[rune]keyLevel // where each character of the layout is
}

// keyLevel is one character's place on a layout.
type keyLevel struct {
	key   int // index into keyNames
	level int // 0 or 1
}

// Layouts are the layouts a booth laptop in Kazakhstan may have active, US
// first. The tables are copied from Debian 12's xkb-data 2.35.1, files
// /usr/share/X11/xkb/symbols/us, ru and kz, levels 1 and 2; TestLayoutsMatchXKB
// compares them with those files when they are installed. Each string lists
// the keys in keyNames order, split by keyboard row.
//
// In this xkb-data the default Russian layout is ru(winkeys), the one Windows
// has, so a separate "ru-winkeys" would duplicate "ru". The older X11 layout,
// ru(legacy) (called ru(basic) in older xkb-data), differs from it in the
// shifted digit row, "/" and "\"; it is kept because Linux laptops set up
// years ago may still use it. ru(common) in the file is the part both share.
var Layouts = []Layout{
	newLayout("us", "us(basic)",
		"`"+"1234567890-="+"qwertyuiop[]"+"asdfghjkl;'"+"zxcvbnm,./"+`\`,
		"~"+"!@#$%^&*()_+"+"QWERTYUIOP{}"+`ASDFGHJKL:"`+"ZXCVBNM<>?"+"|"),
	newLayout("ru", "ru(winkeys)",
		"ё"+"1234567890-="+"йцукенгшщзхъ"+"фывапролджэ"+"ячсмитьбю."+`\`,
		"Ё"+`!"№;%:?*()_+`+"ЙЦУКЕНГШЩЗХЪ"+"ФЫВАПРОЛДЖЭ"+"ЯЧСМИТЬБЮ,"+"/"),
	newLayout("ru-legacy", "ru(legacy)",
		"ё"+"1234567890-="+"йцукенгшщзхъ"+"фывапролджэ"+"ячсмитьбю/"+`\`,
		"Ё"+`!"#*:,.;()_+`+"ЙЦУКЕНГШЩЗХЪ"+"ФЫВАПРОЛДЖЭ"+"ЯЧСМИТЬБЮ?"+"|"),
	newLayout("kz", "kz(basic)",
		"("+`"әіңғ,.үұқөһ`+"йцукенгшщзхъ"+"фывапролджэ"+"ячсмитьбю№"+`\`,
		")"+"!ӘІҢҒ;:ҮҰҚӨҺ"+"ЙЦУКЕНГШЩЗХЪ"+"ФЫВАПРОЛДЖЭ"+"ЯЧСМИТЬБЮ?"+"/"),
}

// usLayout is the layout scanners type in.
var usLayout = Layouts[0]

// newLayout builds a layout from its two levels, numKeys characters each. A
// table of the wrong length or with a character on two keys is a programming
// error, so it panics; every test run builds the tables.
func newLayout(name, xkb, level1, level2 string) Layout {
	l := Layout{Name: name, XKB: xkb, keys: make(map[rune]keyLevel, 2*numKeys)}
	for lv, s := range [2]string{level1, level2} {
		rs := []rune(s)
		if len(rs) != numKeys {
			panic("booth: layout " + name + " has a level of the wrong length")
		}
		for k, r := range rs {
			l.level[lv][k] = r
			if _, dup := l.keys[r]; dup {
				// A reverse lookup needs one place per character.
				panic("booth: layout " + name + " has " + string(r) + " on two keys")
			}
			l.keys[r] = keyLevel{key: k, level: lv}
		}
	}
	for k := range numKeys {
		lo, up := l.level[0][k], l.level[1][k]
		l.alpha[k] = lo != up && unicode.IsLower(lo) && unicode.ToUpper(lo) == up
	}
	return l
}

// Type returns what a scanner produces on layout l when it types the US
// characters us. Characters that are not on the US keyboard (space, control
// characters, anything else) pass through unchanged, as do invalid bytes.
func (l Layout) Type(us string) string { return l.typeKeys(us, false) }

// typeKeys is Type, with Caps Lock on when caps is set.
func (l Layout) typeKeys(us string, caps bool) string {
	return remap(us, usLayout.keys, func(kl keyLevel) rune {
		if caps && l.alpha[kl.key] {
			kl.level ^= 1
		}
		return l.level[kl.level][kl.key]
	})
}

// toUS reads s as typed on layout l, with Caps Lock on when caps is set, and
// returns the US characters of the same keys.
func (l Layout) toUS(s string, caps bool) string {
	return remap(s, l.keys, func(kl keyLevel) rune {
		if caps && l.alpha[kl.key] {
			kl.level ^= 1
		}
		return usLayout.level[kl.level][kl.key]
	})
}

// remap replaces each character of s found in keys by to(its place) and keeps
// every other character, and every invalid byte, as it is.
func remap(s string, keys map[rune]keyLevel, to func(keyLevel) rune) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if kl, ok := keys[r]; ok { // never an invalid byte: no layout has U+FFFD
			b.WriteRune(to(kl))
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Unscramble returns the distinct readings of s, a string a scanner typed on
// an unknown layout: s itself first, then s read back to US characters from
// each non-US layout in the order of Layouts, then the same readings with Caps
// Lock on, US first (Caps Lock swaps the case of letters, and on the Kazakh
// layout the digit row is letters too). Characters that are not on a layout
// pass through unchanged. Parsers try the readings in order and take the first
// valid one; s is first so that a string that is valid as typed never changes.
func Unscramble(s string) []string {
	out := make([]string, 0, 2*len(Layouts))
	add := func(c string) {
		for _, o := range out {
			if o == c {
				return
			}
		}
		out = append(out, c)
	}
	add(s)
	for _, l := range Layouts[1:] {
		add(l.toUS(s, false))
	}
	for _, l := range Layouts {
		add(l.toUS(s, true))
	}
	return out
}

package booth

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Names in a badge, in the shortest of three encodings: one byte per letter
// for Latin, Cyrillic and Kazakh names (most visitors), two for any other
// letter of Unicode's basic plane (Hangul takes two bytes a syllable), UTF-8
// for the rest. A name longer than the room left is cut at the last whole
// word.
const (
	nameCompact = iota
	nameBMP
	nameUTF8
)

var nameTable = []rune("АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюяЁёӘәҒғҚқҢңӨөҰұҮүҺһІіЇїЄєЎў")

var nameIndex = func() map[rune]byte {
	m := make(map[rune]byte, len(nameTable))
	for i, r := range nameTable {
		m[r] = byte(0x80 + i)
	}
	return m
}()

// nameUnit returns how rune r is written in mode; ok is false when it cannot be.
func nameUnit(r rune, mode byte) (b []byte, ok bool) {
	switch mode {
	case nameCompact:
		if r >= 0x20 && r <= 0x7e {
			return []byte{byte(r)}, true
		}
		c, ok := nameIndex[r]
		return []byte{c}, ok
	case nameBMP:
		if r < 0x20 || r > 0xffff || utf16.IsSurrogate(r) {
			return nil, false
		}
		return []byte{byte(r >> 8), byte(r)}, true
	}
	return utf8.AppendRune(nil, r), true
}

func encodeBadgeName(name string, room int) (enc []byte, mode byte, cut bool) {
	runes := []rune(strings.Join(strings.Fields(name), " "))
	var units [][]byte // one per rune
	size := -1
	for _, m := range []byte{nameCompact, nameBMP, nameUTF8} {
		us, n, ok := make([][]byte, 0, len(runes)), 0, true
		for _, r := range runes {
			u, good := nameUnit(r, m)
			if !good {
				ok = false
				break
			}
			us = append(us, u)
			n += len(u)
		}
		if ok && (size < 0 || n < size) {
			units, size, mode = us, n, m
		}
	}
	end := len(units)
	if size > room {
		cut = true
		// Keep whole runes that fit, then back up to the last space.
		n, last := 0, 0
		for i, u := range units {
			if n+len(u) > room {
				break
			}
			n += len(u)
			last = i + 1
		}
		end = last
		for i := last; i > 0; i-- {
			if runes[i-1] == ' ' || (i < len(runes) && runes[i] == ' ') {
				end = i
				break
			}
		}
		for end > 0 && runes[end-1] == ' ' {
			end--
		}
	}
	for _, u := range units[:end] {
		enc = append(enc, u...)
	}
	return enc, mode, cut
}

func decodeBadgeName(b []byte, mode byte) (string, bool) {
	var sb strings.Builder
	switch mode {
	case nameCompact:
		for _, c := range b {
			switch {
			case c >= 0x20 && c <= 0x7e:
				sb.WriteByte(c)
			case c >= 0x80 && int(c-0x80) < len(nameTable):
				sb.WriteRune(nameTable[c-0x80])
			default:
				return "", false
			}
		}
	case nameBMP:
		if len(b)%2 != 0 {
			return "", false
		}
		for i := 0; i < len(b); i += 2 {
			r := rune(b[i])<<8 | rune(b[i+1])
			if r < 0x20 || utf16.IsSurrogate(r) {
				return "", false
			}
			sb.WriteRune(r)
		}
	case nameUTF8:
		if !utf8.Valid(b) {
			return "", false
		}
		sb.Write(b)
	default:
		return "", false
	}
	return sb.String(), true
}

package booth

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// The text of an imported file: its encoding and its delimiter, found from
// the bytes, since agencies send lists from Excel on any system.

// decode turns the file into UTF-8 text: BOM first, then valid UTF-8, then
// Windows-1251.
func (im *csvImport) decode(data []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		im.add(0, "This is an Excel workbook (.xlsx), not a CSV file; in Excel choose Save As and the type \"CSV UTF-8\".")
		return "", false
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0")):
		im.add(0, "This is an old Excel workbook (.xls), not a CSV file; in Excel choose Save As and the type \"CSV UTF-8\".")
		return "", false
	case bytes.HasPrefix(data, []byte("\xFF\xFE\x00\x00")), bytes.HasPrefix(data, []byte("\x00\x00\xFE\xFF")):
		im.add(0, "The file is in UTF-32, which medibooth does not read; save it as \"CSV UTF-8\".")
		return "", false
	}
	var text string
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		data = data[3:]
		if !utf8.Valid(data) {
			im.add(lineAt(data, firstInvalidUTF8(data)), "The file says it is UTF-8 but this line is not; save the file again as \"CSV UTF-8\".")
			return "", false
		}
		text = string(data)
	case bytes.HasPrefix(data, []byte("\xFF\xFE")), bytes.HasPrefix(data, []byte("\xFE\xFF")):
		s, ok := decodeUTF16(data[2:], data[0] == 0xFE)
		if !ok {
			im.add(0, "The file says it is UTF-16 (Unicode text) but it is damaged or cut off; save it again as \"CSV UTF-8\".")
			return "", false
		}
		text = s
	case utf8.Valid(data):
		text = string(data)
	default:
		// Text that is nearly all UTF-8 is damaged UTF-8, not Windows-1251:
		// reading it as Windows-1251 would import garbled names.
		if good, bad := utf8Balance(data); good > bad {
			im.add(lineAt(data, firstInvalidUTF8(data)), "The file is in UTF-8 but this line has bytes that are not; save the file again as \"CSV UTF-8\".")
			return "", false
		}
		b, err := charmap.Windows1251.NewDecoder().Bytes(data)
		if err != nil || !looksLike1251(data) {
			im.add(0, "The file is neither UTF-8 nor Windows-1251 text; save it as \"CSV UTF-8\".")
			return "", false
		}
		text = string(b)
	}
	if i := strings.IndexByte(text, 0); i >= 0 {
		im.add(strings.Count(text[:i], "\n")+1, "This line contains NUL characters, so the file is not plain text; save it as \"CSV UTF-8\".")
		return "", false
	}
	return text, true
}

// looksLike1251 reports whether the bytes above ASCII read as Cyrillic
// letters in Windows-1251, as a list from a Russian or Kazakh Excel does:
// random bytes, Korean (CP949) or other code pages give mostly symbols
// there, and importing them would fill the list with garbled names.
func looksLike1251(data []byte) bool {
	var high, letters int
	for _, c := range data {
		if c < 0x80 {
			continue
		}
		high++
		switch {
		case c >= 0xC0, // А…я
			c == 0xA8, c == 0xB8, // Ё ё
			c == 0xA1, c == 0xA2, c == 0xAA, c == 0xBA, c == 0xAF, c == 0xBF, c == 0xB2, c == 0xB3, // Ў ў Є є Ї ї І і
			c == 0xA0, c == 0xAB, c == 0xBB, c == 0xB9, c == 0x96, c == 0x97, // no-break space « » № – —
			c == 0x93, c == 0x94, c == 0x84, c == 0x85, c == 0xB0: // “ ” „ … °
			letters++
		}
	}
	return high == 0 || letters*10 >= high*9
}

func decodeUTF16(b []byte, bigEndian bool) (string, bool) {
	if len(b)%2 != 0 {
		return "", false
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	var sb strings.Builder
	sb.Grow(len(u))
	for i := 0; i < len(u); i++ {
		r := rune(u[i])
		if utf16.IsSurrogate(r) {
			if i+1 >= len(u) {
				return "", false
			}
			r = utf16.DecodeRune(r, rune(u[i+1]))
			if r == unicode.ReplacementChar {
				return "", false
			}
			i++
		}
		sb.WriteRune(r)
	}
	return sb.String(), true
}

// utf8Balance counts valid multi-byte UTF-8 sequences and invalid bytes.
func utf8Balance(b []byte) (good, bad int) {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			bad++
		} else if n > 1 {
			good++
		}
		b = b[n:]
	}
	return good, bad
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// lineAt returns the 1-based line of byte offset i.
func lineAt(b []byte, i int) int {
	return bytes.Count(b[:i], []byte("\n")) + 1
}

// firstRecord returns the cells of the first record that is not blank,
// split on each candidate delimiter; the caller picks the delimiter. Quotes
// are honoured: a quoted cell may span lines.
func firstRecord(text string) map[rune][]string {
	for len(text) > 0 {
		l, rest, _ := strings.Cut(text, "\n")
		if strings.TrimSpace(l) != "" {
			out := map[rune][]string{}
			for _, d := range []rune{';', ',', '\t'} {
				out[d] = splitRecord(text, d)
			}
			return out
		}
		text = rest
	}
	return nil
}

// splitRecord splits the first record of text on d, outside quotes, and
// removes the quotes. It is lenient: it only guesses the delimiter.
func splitRecord(text string, d rune) []string {
	var cells []string
	var cell strings.Builder
	quoted := false
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
			continue
		case !quoted && r == d:
			cells = append(cells, cell.String())
			cell.Reset()
			continue
		case !quoted && r == '\n':
			return append(cells, cell.String())
		}
		if len(cells) > MaxImportFields {
			return cells
		}
		if cell.Len() < 200 { // a header cell is short; do not copy a runaway quote
			cell.WriteRune(r)
		}
	}
	return append(cells, cell.String())
}

// detectDelimiter picks the delimiter that yields the most recognised column
// names in the header. On a tie (a one-column header, say) it picks the one
// with more header cells, then the one found most often in the start of the
// file, then ';', ',' and tab in that order.
func detectDelimiter(header map[rune][]string, text string) rune {
	sample := text[:min(len(text), 64<<10)]
	best, bestKnown, bestCells, bestCount := ';', -1, -1, -1
	for _, d := range []rune{';', ',', '\t'} {
		known := 0
		for _, c := range header[d] {
			if _, ok := headerRoles[headerKey(c)]; ok {
				known++
			}
		}
		cells, count := len(header[d]), strings.Count(sample, string(d))
		if known > bestKnown || known == bestKnown && (cells > bestCells || cells == bestCells && count > bestCount) {
			best, bestKnown, bestCells, bestCount = d, known, cells, count
		}
	}
	return best
}

// fieldsWithin reports whether every record of text has at most max fields,
// counting delimiters outside quotes; if not, it returns the line where the
// offending record starts. It runs before encoding/csv so that a hostile
// line of millions of delimiters is refused before it is split.
func fieldsWithin(text string, d rune, max int) (int, bool) {
	line, start, fields, quoted := 1, 1, 1, false
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '\n':
			line++
			if !quoted {
				start, fields = line, 1
			}
		case r == d && !quoted:
			fields++
			if fields > max {
				return start, false
			}
		}
	}
	return 0, true
}

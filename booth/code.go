package booth

import (
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A visitor number is the short code each visitor gets at registration: the
// version digit "1", 11 random decimal digits and a Damm check digit, 13
// digits in all. It is printed under the badge's QR so that staff can type it
// when a badge is damaged, and it is looked up only on a laptop that holds
// the visitor. Digits only, because a scanner on the Kazakh layout garbles
// even digits and a short alphabet is the easiest to read back (see
// Unscramble); random, because it must not reveal who or how many came;
// checked, because people type it by hand. The QR itself holds the signed
// badge code of badge.go, which every laptop of the event verifies; the two
// are told apart by length.
const (
	codeVersion = '1'
	codeLen     = 13
	// maxCodeInput bounds what ParseCode looks at:
	// a scanner left pressed against a page or a pasted document is not a code,
	// and rejecting it early keeps the desk responsive.
	maxCodeInput = 512
)

// dammTable is the totally anti-symmetric quasigroup of order 10 from H. Michael
// Damm's 2004 thesis. With it one check digit catches every single-digit error
// and every transposition of adjacent digits.
var dammTable = [10][10]byte{
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}

// damm returns the Damm interim digit of the ASCII digits in s: appended to s
// as a check digit, it makes the interim digit of the whole 0.
func damm(s string) byte {
	var d byte
	for i := 0; i < len(s); i++ {
		d = dammTable[d][s[i]-'0']
	}
	return d
}

// NewCode returns a new badge code in its canonical form, 13 digits.
func NewCode() string {
	// 11 uniform random digits: draw 64 bits and reject the top partial range
	// so that every value below 10^11 is equally likely.
	const n = 100_000_000_000
	const limit = (1<<64 - 1) / n * n
	var buf [8]byte
	var v uint64
	for {
		rand.Read(buf[:]) // never fails: the runtime aborts if it cannot read
		if v = binary.LittleEndian.Uint64(buf[:]); v < limit {
			break
		}
	}
	b := make([]byte, 0, codeLen)
	b = append(b, codeVersion)
	digits := strconv.FormatUint(v%n, 10)
	for range 11 - len(digits) {
		b = append(b, '0')
	}
	b = append(b, digits...)
	b = append(b, '0'+damm(string(b)))
	return string(b)
}

// ParseCode reads a badge code as a scanner typed it and returns its canonical
// form. It drops one trailing terminator (\r, \n, \r\n or \t: scanners end a
// code with Enter or Tab) and spaces around the code, and then tries each
// reading of Unscramble, so a code typed while the Russian or Kazakh layout
// was active is read right. Only the canonical spelling is accepted: 13 ASCII
// digits, nothing between them, version digit first, check digit right.
func ParseCode(raw string) (string, error) {
	if len(raw) > maxCodeInput {
		return "", Errorf(EINVALID, "The scanned text is too long to be a badge code.")
	}
	s := raw
	switch {
	case strings.HasSuffix(s, "\r\n"):
		s = s[:len(s)-2]
	case strings.HasSuffix(s, "\r"), strings.HasSuffix(s, "\n"), strings.HasSuffix(s, "\t"):
		s = s[:len(s)-1]
	}
	s = strings.Trim(s, " ")
	if s == "" {
		return "", Errorf(EINVALID, "The badge code is empty; scan the badge again.")
	}
	// Every layout maps one character to one character, so a string that is
	// not 13 characters long has no reading that is a code.
	if utf8.RuneCountInString(s) != codeLen {
		return "", Errorf(EINVALID, "This is not a badge code of this event.")
	}
	if isCodeShape(s) && damm(s) == 0 {
		return s, nil // typed on the US layout: the first reading, without the others
	}
	badCheck := false
	for _, c := range Unscramble(s) {
		if !isCodeShape(c) {
			continue
		} else if damm(c) != 0 {
			badCheck = true
			continue
		}
		return c, nil
	}
	if badCheck {
		return "", Errorf(EINVALID, "The badge code has a wrong digit; scan it again or check the digits typed.")
	}
	return "", Errorf(EINVALID, "This is not a badge code of this event.")
}

// isCodeShape reports whether s is 13 ASCII digits starting with the version
// digit; the check digit is not looked at.
func isCodeShape(s string) bool {
	if len(s) != codeLen || s[0] != codeVersion {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatCode groups a canonical code for people, "1 2345 6789 0123", for
// printing under the QR. Anything else is returned as it is.
//
// ParseCode rejects the grouped form on purpose: codes reach medibooth from
// scanners, which type the canonical form, and one spelling per code keeps
// stored raw scans, double-send detection and look-ups exact. A person copying
// a printed code types the digits without the spaces.
func FormatCode(code string) string {
	if !isCodeShape(code) {
		return code
	}
	return code[:1] + " " + code[1:5] + " " + code[5:9] + " " + code[9:]
}

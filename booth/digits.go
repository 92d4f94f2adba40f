package booth

import (
	"math/big"
	"strings"
)

// Badge codes travel as decimal digits (badge.go says why); this file
// spells bytes in digits and back, one spelling per byte string.

// allDigits reports whether s is a non-empty string of ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Decimal spelling: each 7 bytes become 17 digits (10^17 > 2^56), a last
// group of r bytes the fewest digits that hold 8r bits.
var tailDigits = [7]int{0, 3, 5, 8, 10, 13, 15}

func validDigitCount(n int) bool {
	q, r := n/17, n%17
	for i, d := range tailDigits {
		if d == r && (q > 0 || i > 0) {
			return true
		}
	}
	return false
}

func encodeDigits(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		k := min(7, len(b))
		width := 17
		if k < 7 {
			width = tailDigits[k]
		}
		v := new(big.Int).SetBytes(b[:k]).String()
		sb.WriteString(strings.Repeat("0", width-len(v)))
		sb.WriteString(v)
		b = b[k:]
	}
	return sb.String()
}

// decodeDigits reverses encodeDigits, refusing any spelling it would not
// have written.
func decodeDigits(s string) ([]byte, bool) {
	if !allDigits(s) || !validDigitCount(len(s)) {
		return nil, false
	}
	var out []byte
	for len(s) > 0 {
		width, k := 17, 7
		if len(s) < 17 {
			width = len(s)
			for i, d := range tailDigits {
				if d == width {
					k = i
				}
			}
		}
		v, ok := new(big.Int).SetString(s[:width], 10)
		if !ok || v.BitLen() > 8*k {
			return nil, false
		}
		chunk := make([]byte, k)
		v.FillBytes(chunk)
		out = append(out, chunk...)
		s = s[width:]
	}
	return out, true
}

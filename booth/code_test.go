package booth

import (
	"strings"
	"testing"
)

// Valid codes: "1" + 11 digits + the Damm check digit.
const (
	codeExample1 = "1234567890123"
	codeExample2 = "1000000000007"
	codeExample3 = "1987654321098"
)

// parseCodeTests are the table of TestParseCode and the seeds of FuzzParseCode.
var parseCodeTests = []struct {
	raw, want string // want "" means rejected
}{
	{codeExample1, codeExample1},
	{codeExample2, codeExample2},
	{codeExample3, codeExample3},

	// What scanners append, and spaces around.
	{codeExample1 + "\r", codeExample1},
	{codeExample1 + "\n", codeExample1},
	{codeExample1 + "\r\n", codeExample1},
	{codeExample1 + "\t", codeExample1},
	{"  " + codeExample1 + " \r\n", codeExample1},
	{codeExample1 + "\r\n\r\n", ""}, // one terminator only
	{codeExample1 + "\n\r", ""},
	{"\t" + codeExample1, ""},
	{"\r\n", ""},
	{"", ""},
	{"   ", ""},

	// Typed on other layouts.
	{`"әіңғ,.үұқ"әі`, codeExample1},        // kz
	{`"ӘІҢҒ,.ҮҰҚ"ӘІ` + "\r", codeExample1}, // kz with Caps Lock
	{`"қққққққққққ.` + "\n", codeExample2},
	{`"ұү.,ғңіә"құү`, codeExample3},

	// Wrong check digit, one digit changed, transposed, wrong version.
	{"1234567890124", ""},
	{"1234567890120", ""},
	{"1234567891123", ""},
	{"1243567890123", ""},
	{"2234567890123", ""},
	{"0234567890123", ""},
	{"1000000000000", ""},
	{"0000000000000", ""},
	{`"әіңғ,.үұқ"әә`, ""},

	// Truncated, too long.
	{"123456789012", ""},
	{"1", ""},
	{codeExample1 + "0", ""},
	{"0" + codeExample1, ""},
	{codeExample1 + codeExample1, ""},
	{strings.Repeat("1", 600), ""},
	{codeExample1 + strings.Repeat(" ", 600), ""},

	// Other spellings: only scanners type codes, in one form.
	{FormatCode(codeExample1), ""},
	{"1-2345-6789-0123", ""},
	{"1234567 890123", ""},
	{"１２３４５６７８９０１２３", ""}, // fullwidth
	{"١٢٣٤٥٦٧٨٩٠١٢٣", ""}, // Arabic-Indic
	{"+234567890123", ""},
	{"12345678901２3", ""},

	// Letters and junk.
	{"MB", ""},
	{"ЬИ", ""},
	{"abcdefghijklm", ""},
	{"https://example.kr/1234567890123", ""},
	{"\xff" + codeExample1, ""},
	{codeExample1[:6] + "\xff" + codeExample1[7:], ""},
	{"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", ""},
}

func TestParseCode(t *testing.T) {
	for _, tt := range parseCodeTests {
		got, err := ParseCode(tt.raw)
		if tt.want != "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseCode(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseCode(%q) = %q, want an error", tt.raw, got)
		} else if ErrorCode(err) != EINVALID || got != "" {
			t.Errorf("ParseCode(%q) = %q, %v; want \"\" and a %s error", tt.raw, got, err, EINVALID)
		} else if msg := ErrorMessage(err); !strings.HasSuffix(msg, ".") || strings.Count(msg, ". ") > 0 {
			t.Errorf("ParseCode(%q): message %q is not one sentence", tt.raw, msg)
		}
	}
}

// The code typed by a scanner on every layout, with Caps Lock off and on and
// the text upper- and lower-cased, with every terminator.
func TestParseCodeLayouts(t *testing.T) {
	codes := []string{codeExample1, codeExample2, codeExample3}
	for range 50 {
		codes = append(codes, NewCode())
	}
	for _, l := range Layouts {
		for _, code := range codes {
			typed := l.Type(code)
			for _, s := range []string{typed, l.typeKeys(code, true), strings.ToUpper(typed), strings.ToLower(typed)} {
				for _, end := range []string{"", "\r", "\n", "\r\n", "\t"} {
					if got, err := ParseCode(s + end); err != nil || got != code {
						t.Errorf("%s: ParseCode(%q) = %q, %v; want %q", l.Name, s+end, got, err, code)
					}
				}
			}
		}
	}
}

func TestCodeDamm(t *testing.T) {
	// The worked example of the Damm algorithm: 572 gets check digit 4.
	if d := damm("572"); d != 4 {
		t.Errorf("damm(572) = %d, want 4", d)
	}
	if d := damm("5724"); d != 0 {
		t.Errorf("damm(5724) = %d, want 0", d)
	}
	// Each row and column of the table is a permutation, and the diagonal is
	// zero: that is what makes the checks below hold.
	for i := range 10 {
		var row, col [10]bool
		for j := range 10 {
			row[dammTable[i][j]] = true
			col[dammTable[j][i]] = true
		}
		if row != [10]bool{true, true, true, true, true, true, true, true, true, true} || row != col || dammTable[i][i] != 0 {
			t.Errorf("dammTable row/column %d is not a permutation with a zero diagonal", i)
		}
	}
}

// Damm catches every single-digit error, at every position of a code.
func TestCodeSingleDigitErrors(t *testing.T) {
	for _, code := range []string{codeExample1, codeExample2, codeExample3} {
		for i := range codeLen {
			for d := byte('0'); d <= '9'; d++ {
				if d == code[i] {
					continue
				}
				bad := code[:i] + string(d) + code[i+1:]
				if got, err := ParseCode(bad); err == nil {
					t.Errorf("ParseCode(%q), %q with digit %d changed, = %q, want an error", bad, code, i, got)
				}
				if damm(bad) == 0 {
					t.Errorf("damm misses %q, %q with digit %d changed", bad, code, i)
				}
			}
		}
	}
}

// Damm catches every transposition of two different adjacent digits, the
// check digit included.
func TestCodeAdjacentTranspositions(t *testing.T) {
	for _, code := range []string{codeExample1, codeExample2, codeExample3} {
		for i := range codeLen - 1 {
			if code[i] == code[i+1] {
				continue
			}
			bad := code[:i] + string(code[i+1]) + string(code[i]) + code[i+2:]
			if got, err := ParseCode(bad); err == nil {
				t.Errorf("ParseCode(%q), %q with digits %d and %d swapped, = %q, want an error", bad, code, i, i+1, got)
			}
			if damm(bad) == 0 {
				t.Errorf("damm misses %q, %q with digits %d and %d swapped", bad, code, i, i+1)
			}
		}
	}
	// And over all pairs of digits, in the middle of a code.
	for a := byte('0'); a <= '9'; a++ {
		for b := byte('0'); b <= '9'; b++ {
			if a == b {
				continue
			}
			p, q := "12345"+string(a)+string(b)+"89012", "12345"+string(b)+string(a)+"89012"
			if damm(p) == damm(q) {
				t.Errorf("damm does not tell %s from %s", p, q)
			}
		}
	}
}

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	var digits [codeLen][10]int
	for range 2000 {
		c := NewCode()
		if !isCodeShape(c) || damm(c) != 0 {
			t.Fatalf("NewCode() = %q, not 13 digits with version 1 and a valid check digit", c)
		}
		if got, err := ParseCode(c); err != nil || got != c {
			t.Fatalf("ParseCode(NewCode() = %q) = %q, %v", c, got, err)
		}
		if seen[c] {
			t.Fatalf("NewCode() returned %q twice", c)
		}
		seen[c] = true
		for i := range codeLen {
			digits[i][c[i]-'0']++
		}
	}
	// Every random position takes every digit: a position stuck at 0 would
	// mean the digits are not drawn as they should be.
	for i := 1; i < codeLen; i++ {
		for d, n := range digits[i] {
			if n == 0 {
				t.Errorf("in 2000 codes, position %d never had digit %d", i, d)
			}
		}
	}
}

func TestFormatCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{codeExample1, "1 2345 6789 0123"},
		{codeExample2, "1 0000 0000 0007"},
		{"", ""},
		{"123", "123"},
		{"2234567890123", "2234567890123"},
		{"1 2345 6789 0123", "1 2345 6789 0123"},
	}
	for _, tt := range tests {
		if got := FormatCode(tt.in); got != tt.want {
			t.Errorf("FormatCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseCode(f *testing.F) {
	for _, tt := range parseCodeTests {
		f.Add(tt.raw)
	}
	for _, l := range Layouts {
		f.Add(l.Type(codeExample1) + "\r\n")
		f.Add(l.typeKeys(codeExample3, true))
	}
	f.Fuzz(func(t *testing.T, raw string) {
		code, err := ParseCode(raw)
		if err != nil {
			if code != "" || ErrorCode(err) != EINVALID {
				t.Fatalf("ParseCode(%q) = %q, %v", raw, code, err)
			}
			return
		}
		if !isCodeShape(code) || damm(code) != 0 {
			t.Fatalf("ParseCode(%q) = %q, not a valid code", raw, code)
		}
		if again, err := ParseCode(code); err != nil || again != code {
			t.Fatalf("ParseCode(%q) = %q, but ParseCode(%q) = %q, %v", raw, code, code, again, err)
		}
	})
}

func BenchmarkParseCode(b *testing.B) {
	for _, bm := range []struct{ name, raw string }{
		{"plain", codeExample1 + "\r\n"},
		{"garbled", layoutByName(b, "kz").Type(codeExample1) + "\r\n"},
		{"invalid", "ЬИ-2024-almaty\r\n"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ParseCode(bm.raw)
			}
		})
	}
}

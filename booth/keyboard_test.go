package booth

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func layoutByName(t testing.TB, name string) Layout {
	t.Helper()
	for _, l := range Layouts {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no layout %q", name)
	return Layout{}
}

func TestLayoutsDistinct(t *testing.T) {
	if Layouts[0].Name != "us" {
		t.Fatalf("Layouts[0] is %q, want us", Layouts[0].Name)
	}
	for i, a := range Layouts {
		for _, b := range Layouts[:i] {
			if a.Name == b.Name {
				t.Errorf("two layouts are named %q", a.Name)
			}
			if a.level == b.level {
				t.Errorf("layouts %s and %s are identical; keep one", a.Name, b.Name)
			}
		}
	}
}

// The literal forms a scanner produces, written out so a reviewer can compare
// them with a real keyboard.
func TestLayoutType(t *testing.T) {
	tests := []struct {
		layout, us, want string
	}{
		{"us", "1234567890123", "1234567890123"},
		{"us", "MB-2024_x.y", "MB-2024_x.y"},

		{"ru", "MB", "ЬИ"},
		{"ru", "mb", "ьи"},
		{"ru", "qwerty", "йцукен"},
		{"ru", "1234567890", "1234567890"},
		{"ru", "!@#$%^&*()", `!"№;%:?*()`},
		{"ru", "-_=+", "-_=+"},
		{"ru", "`~", "ёЁ"},
		{"ru", ".,/?", "юб.,"},
		{"ru", `\|`, `\/`},
		{"ru", "[]{};':\"<>", "хъХЪжэЖЭБЮ"},

		{"ru-legacy", "MB", "ЬИ"},
		{"ru-legacy", "1234567890", "1234567890"},
		{"ru-legacy", "!@#$%^&*()", `!"#*:,.;()`},
		{"ru-legacy", "/?", "/?"},
		{"ru-legacy", `\|`, `\|`},

		{"kz", "MB", "ЬИ"},
		{"kz", "1234567890", `"әіңғ,.үұқ`},
		{"kz", "!@#$%^&*()", "!ӘІҢҒ;:ҮҰҚ"},
		{"kz", "-_=+", "өӨһҺ"},
		{"kz", "`~", "()"},
		{"kz", "/?", "№?"},
		{"kz", `\|`, `\/`},

		// Not on the keyboard: passes through.
		{"kz", "1 2\r\n\t€", `" ә` + "\r\n\t€"},
		{"ru", "\xff1\xfe", "\xff1\xfe"},
	}
	for _, tt := range tests {
		if got := layoutByName(t, tt.layout).Type(tt.us); got != tt.want {
			t.Errorf("%s.Type(%q) = %q, want %q", tt.layout, tt.us, got, tt.want)
		}
	}
}

// Caps Lock swaps only letter keys; on the Kazakh layout most of the digit
// row is letters.
func TestLayoutTypeCapsLock(t *testing.T) {
	tests := []struct {
		layout, us, want string
	}{
		{"us", "Mb12", "mB12"},
		{"ru", "Mb12!", "ьИ12!"},
		{"kz", "1234567890", `"ӘІҢҒ,.ҮҰҚ`},
		{"kz", "!@#$%^&*()", "!әіңғ;:үұқ"},
	}
	for _, tt := range tests {
		if got := layoutByName(t, tt.layout).typeKeys(tt.us, true); got != tt.want {
			t.Errorf("%s with Caps Lock types %q as %q, want %q", tt.layout, tt.us, got, tt.want)
		}
	}
}

func TestUnscramble(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{""}},
		{"1234567890123", []string{"1234567890123"}},
		{"ЬИ", []string{"ЬИ", "MB", "mb"}},
		// As typed, then from ru, ru-legacy, kz, then kz with Caps Lock; the
		// other Caps Lock readings repeat earlier ones.
		{`"әіңғ,.үұқ`, []string{`"әіңғ,.үұқ`, `@әіңғ?/үұқ`, `@әіңғ^&үұқ`, "1234567890", "1@#$%67*()"}},
		{"\xffЬ", []string{"\xffЬ", "\xffM", "\xffm"}},
	}
	for _, tt := range tests {
		if got := Unscramble(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Unscramble(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// usKeyChars is every character of the US keyboard, and space.
var usKeyChars = func() string {
	var b strings.Builder
	for c := ' '; c <= '~'; c++ {
		b.WriteRune(c)
	}
	return b.String()
}()

func TestUnscrambleRoundTrip(t *testing.T) {
	inputs := []string{
		"", usKeyChars, "MB", "mb", "1234567890123", "HOSPITAL-2024_almaty.kz",
		"https://example.kr/v?id=1&x=Y#Z", `~!@#$%^&*()_+{}|:"<>?`, "`-=[]\\;',./",
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, rnd.IntN(40))
		for i := range b {
			b[i] = usKeyChars[rnd.IntN(len(usKeyChars))]
		}
		inputs = append(inputs, string(b))
	}
	for _, l := range Layouts {
		for _, s := range inputs {
			for _, caps := range []bool{false, true} {
				typed := l.typeKeys(s, caps)
				got := Unscramble(typed)
				if !slices.Contains(got, s) {
					t.Fatalf("%s (caps %v) types %q as %q; Unscramble gives %q, without the original", l.Name, caps, s, typed, got)
				}
				if got[0] != typed {
					t.Fatalf("Unscramble(%q)[0] = %q, want the input", typed, got[0])
				}
				for i, c := range got {
					if slices.Contains(got[:i], c) {
						t.Fatalf("Unscramble(%q) = %q has %q twice", typed, got, c)
					}
				}
			}
		}
	}
}

func TestUnscrambleKeepsLength(t *testing.T) {
	for _, s := range []string{usKeyChars, "ёЁ№әӘ€\xff\x00", `"әіңғ,.үұқ`} {
		n := len([]rune(s))
		for _, c := range Unscramble(s) {
			if len([]rune(c)) != n {
				t.Errorf("Unscramble(%q) has %q of another length; ParseCode relies on equal lengths", s, c)
			}
		}
	}
}

// TestLayoutsMatchXKB compares the tables with the xkb symbol files they were
// copied from, when xkb-data and keysymdef.h (x11proto-dev) are installed.
func TestLayoutsMatchXKB(t *testing.T) {
	const dir = "/usr/share/X11/xkb/symbols"
	keysyms := readKeysyms(t, "/usr/include/X11/keysymdef.h")
	for _, l := range Layouts {
		m := regexp.MustCompile(`^(\w+)\((\w+)\)$`).FindStringSubmatch(l.XKB)
		if m == nil {
			t.Fatalf("layout %s: XKB %q is not file(variant)", l.Name, l.XKB)
		}
		keys := map[string][2]string{}
		readXKB(t, dir, m[1], m[2], keys)
		var want [2]strings.Builder
		for _, k := range keyNames {
			for lv := range 2 {
				name := keys[k][lv]
				r, ok := keysyms[name]
				if !ok {
					t.Fatalf("%s: key %s level %d: unknown keysym %q", l.XKB, k, lv+1, name)
				}
				want[lv].WriteRune(r)
			}
		}
		for lv := range 2 {
			if got := string(l.level[lv][:]); got != want[lv].String() {
				t.Errorf("layout %s level %d:\n got %q\nwant %q (from %s)", l.Name, lv+1, got, want[lv].String(), l.XKB)
			}
		}
	}
	// The default Russian variant is the one Windows has; that is why there is
	// no separate ru-winkeys.
	def := map[string][2]string{}
	readXKB(t, dir, "ru", "", def)
	win := map[string][2]string{}
	readXKB(t, dir, "ru", "winkeys", win)
	for _, k := range keyNames {
		if def[k] != win[k] {
			t.Errorf("this xkb-data's default ru differs from ru(winkeys) at %s: %q, %q; add it to Layouts", k, def[k], win[k])
		}
	}
}

// readKeysyms maps keysym names to characters, from the U+ comments of
// keysymdef.h.
func readKeysyms(t *testing.T, path string) map[string]rune {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no keysym names to compare with: %v", err)
	}
	re := regexp.MustCompile(`(?m)^#define XK_(\w+)\s+0x[0-9a-fA-F]+\s*/\*\s*U\+([0-9A-F]{4,6})`)
	m := map[string]rune{}
	for _, s := range re.FindAllStringSubmatch(string(b), -1) {
		n, _ := strconv.ParseUint(s[2], 16, 32)
		m[s[1]] = rune(n)
	}
	return m
}

// readXKB adds to keys the level 1 and 2 keysym names of each key that the
// variant of an xkb symbols file sets ("" is the default variant), following
// includes of us, ru and kz; other includes (keypad, level 3) do not touch
// levels 1 and 2 of the main block.
func readXKB(t *testing.T, dir, file, variant string, keys map[string][2]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Skipf("no xkb-data to compare with: %v", err)
	}
	text := regexp.MustCompile(`//[^\n]*`).ReplaceAllString(string(b), "")
	heads := regexp.MustCompile(`((?:\b[a-z_]+\s+)*)xkb_symbols\s+"([^"]+)"\s*\{`).FindAllStringSubmatchIndex(text, -1)
	body := ""
	for i, h := range heads {
		flags, name := text[h[2]:h[3]], text[h[4]:h[5]]
		if name == variant || (variant == "" && slices.Contains(strings.Fields(flags), "default")) {
			end := len(text)
			if i+1 < len(heads) {
				end = heads[i+1][0]
			}
			body = text[h[1]:end]
			break
		}
	}
	if body == "" {
		t.Fatalf("%s: no variant %q", file, variant)
	}
	stmt := regexp.MustCompile(`include\s+"(\w+)(?:\((\w+)\))?"|key\s+<(\w+)>\s*\{[^\[]*\[([^\]]*)\]`)
	for _, s := range stmt.FindAllStringSubmatch(body, -1) {
		if s[1] != "" {
			if s[1] == "us" || s[1] == "ru" || s[1] == "kz" {
				readXKB(t, dir, s[1], s[2], keys)
			}
			continue
		}
		levels := keys[s[3]]
		for lv, sym := range strings.Split(s[4], ",") {
			if sym = strings.TrimSpace(sym); lv < 2 && sym != "NoSymbol" {
				levels[lv] = sym
			}
		}
		keys[s[3]] = levels
	}
}

package booth

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

// fixture reads a file of testdata/csv.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "csv", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cp1251 encodes s as Russian-locale Excel saves "CSV (разделители - запятые)".
func cp1251(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("cp1251 cannot encode %q: %v", s, err)
	}
	return b
}

// utf16WithBOM encodes s as Excel's "Unicode text": UTF-16 with a BOM.
func utf16WithBOM(s string, bigEndian bool) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2+2*len(u))
	if bigEndian {
		out = append(out, 0xFE, 0xFF)
	} else {
		out = append(out, 0xFF, 0xFE)
	}
	for _, c := range u {
		if bigEndian {
			out = append(out, byte(c>>8), byte(c))
		} else {
			out = append(out, byte(c), byte(c>>8))
		}
	}
	return out
}

func parseOK(t *testing.T, data []byte) []Visitor {
	t.Helper()
	vs, err := ParseVisitorsCSV(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ParseVisitorsCSV: %v", err)
	}
	for i := range vs {
		if err := vs[i].Validate(); err != nil {
			t.Errorf("visitor %d does not validate: %v", i, err)
		}
		if vs[i].Source != SourcePreRegister {
			t.Errorf("visitor %d has source %q", i, vs[i].Source)
		}
	}
	return vs
}

// parseErr returns the message of the error, which must be EINVALID with no
// visitors.
func parseErr(t *testing.T, data []byte) string {
	t.Helper()
	vs, err := ParseVisitorsCSV(bytes.NewReader(data))
	if err == nil {
		t.Fatalf("ParseVisitorsCSV succeeded with %d visitors, want an error", len(vs))
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID {
		t.Fatalf("error %v (%T) is not an EINVALID *Error", err, err)
	}
	if vs != nil {
		t.Fatalf("got %d visitors along with the error; the import must be all or nothing", len(vs))
	}
	return e.Message
}

func wantVisitor(t *testing.T, got, want Visitor) {
	t.Helper()
	g := got
	g.NameLatin = "" // another file's business
	if !reflect.DeepEqual(g, want) {
		t.Errorf("visitor\n got %+v\nwant %+v", g, want)
	}
}

func TestParseVisitorsCSVUTF8BOMComma(t *testing.T) {
	vs := parseOK(t, fixture(t, "utf8_bom_comma.csv"))
	if len(vs) != 3 {
		t.Fatalf("got %d visitors, want 3", len(vs))
	}
	wantVisitor(t, vs[0], Visitor{Name: "Aigerim Nurlanovna", Phone: "+77011234567", Email: "aigerim@mail.kz",
		Messenger: "WhatsApp: +77011234567", Type: TypePatient, Lang: "kk", Country: "KZ", City: "Almaty",
		BirthYear: 1985, Source: SourcePreRegister})
	wantVisitor(t, vs[1], Visitor{Name: "Ivanov, Ivan", Phone: "+77775554433", Type: TypeCompanion, Lang: "ru",
		Country: "RU", City: "Astana", Source: SourcePreRegister})
	wantVisitor(t, vs[2], Visitor{Name: "Kim Min-jun", Email: "press@example.com", Type: TypeMedia, Lang: "en",
		Country: "KR", City: "Seoul", BirthYear: 1990, Source: SourcePreRegister})
}

func TestParseVisitorsCSVCP1251Semicolon(t *testing.T) {
	src := "ФИО;Телефон;Эл. почта;Категория;Язык;Страна;Город;Год рождения\r\n" +
		"Сидорова Анна Петровна;8 (701) 222-33-44;anna@mail.ru;Пациент;Русский;Казахстан;Алматы;1972\r\n" +
		"Ёлкин Пётр;+7 705 999 88 77;;Сопровождающий;;Россия;Москва;\r\n" +
		"\"Турагентство \"\"Шёлковый путь\"\"\";+996 555 123 456;;Агентство;ru;Кыргызстан;Бишкек;\r\n" +
		"Иванов Иван;+7 707 111 00 00;;СМИ;ru;;;\r\n"
	data := cp1251(t, src)
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) || !bytes.Contains(data, []byte{0xD4, 0xC8, 0xCE}) {
		t.Fatalf("fixture is not cp1251: % x", data[:8])
	}
	vs := parseOK(t, data)
	if len(vs) != 4 {
		t.Fatalf("got %d visitors, want 4", len(vs))
	}
	wantVisitor(t, vs[0], Visitor{Name: "Сидорова Анна Петровна", Phone: "+77012223344", Email: "anna@mail.ru",
		Type: TypePatient, Lang: "ru", Country: "KZ", City: "Алматы", BirthYear: 1972, Source: SourcePreRegister})
	wantVisitor(t, vs[1], Visitor{Name: "Ёлкин Пётр", Phone: "+77059998877", Type: TypeCompanion, Lang: "ru",
		Country: "RU", City: "Москва", Source: SourcePreRegister})
	wantVisitor(t, vs[2], Visitor{Name: `Турагентство "Шёлковый путь"`, Phone: "+996555123456", Type: TypeAgency,
		Lang: "ru", Country: "KG", City: "Бишкек", Source: SourcePreRegister})
	if vs[3].Type != TypeMedia {
		t.Errorf("СМИ became %q", vs[3].Type)
	}

	// The same file with a bad row reports the right line.
	bad := cp1251(t, src+"Кто-то;+7 701;;;;;;\r\n")
	if msg := parseErr(t, bad); msg != `Line 6: The phone number "+7 701" should have 7 to 15 digits.` {
		t.Errorf("message %q", msg)
	}
}

func TestParseVisitorsCSVUTF16Tabs(t *testing.T) {
	src := "Name\tPhone\tType\tLang\tCountry\r\n" +
		"Айгерим Сапарова\t+7 701 765 43 21\tpatient\tkk\tKZ\r\n" +
		"\"Multi\tTab Name\"\t\t\t\t\r\n" + // an empty cell between tabs stays empty
		"김민준\t\tother\tko\tKR\r\n"
	for _, be := range []bool{false, true} {
		vs := parseOK(t, utf16WithBOM(src, be))
		if len(vs) != 3 {
			t.Fatalf("bigEndian=%v: got %d visitors, want 3", be, len(vs))
		}
		wantVisitor(t, vs[0], Visitor{Name: "Айгерим Сапарова", Phone: "+77017654321", Type: TypePatient,
			Lang: "kk", Country: "KZ", Source: SourcePreRegister})
		if vs[1].Name != "Multi Tab Name" || vs[1].Lang != "ru" || vs[1].Type != TypePatient {
			t.Errorf("bigEndian=%v: %+v", be, vs[1])
		}
		if vs[2].Name != "김민준" || vs[2].Type != TypeOther || vs[2].Lang != "ko" {
			t.Errorf("bigEndian=%v: %+v", be, vs[2])
		}
	}
	// A damaged UTF-16 file (odd length) is refused, not guessed at.
	b := utf16WithBOM(src, false)
	if msg := parseErr(t, b[:len(b)-1]); !strings.Contains(msg, "UTF-16") {
		t.Errorf("message %q", msg)
	}
}

func TestParseVisitorsCSVMultilineFieldThenBadRow(t *testing.T) {
	msg := parseErr(t, fixture(t, "multiline_bad.csv"))
	if want := `Line 5: The phone number "+7 701" should have 7 to 15 digits.`; msg != want {
		t.Errorf("message\n got %q\nwant %q", msg, want)
	}
	// CRLF line ends and a leading sep= line count as well.
	crlf := bytes.ReplaceAll(fixture(t, "multiline_bad.csv"), []byte("\n"), []byte("\r\n"))
	if msg := parseErr(t, append([]byte("sep=;\r\n"), crlf...)); !strings.HasPrefix(msg, "Line 6: ") {
		t.Errorf("with sep= and CRLF: %q", msg)
	}
	// Without the bad row the quoted newlines survive inside the value.
	good := bytes.Replace(fixture(t, "multiline_bad.csv"), []byte("+7 701;"), []byte("+7 701 999 00 11;"), 1)
	vs := parseOK(t, good)
	if len(vs) != 3 || vs[0].Name != "Петров Пётр" || vs[1].Phone != "+77019990011" {
		t.Errorf("got %+v", vs)
	}
}

func TestParseVisitorsCSVKoreanHeaders(t *testing.T) {
	vs := parseOK(t, fixture(t, "korean.csv"))
	if len(vs) != 3 {
		t.Fatalf("got %d visitors, want 3", len(vs))
	}
	wantVisitor(t, vs[0], Visitor{Name: "김민준", Phone: "+821012345678", Email: "minjun@example.kr",
		Type: TypePatient, Lang: "ko", Country: "KR", City: "서울", BirthYear: 1979, Source: SourcePreRegister})
	wantVisitor(t, vs[1], Visitor{Name: "Айгерим Сапарова", Phone: "+77017654321", Type: TypeCompanion,
		Lang: "ru", Country: "KZ", City: "Алматы", Source: SourcePreRegister})
	wantVisitor(t, vs[2], Visitor{Name: "Silk Road Travel", Phone: "+998901234567", Email: "info@silkroad.uz",
		Type: TypeAgency, Lang: "en", Country: "UZ", City: "Ташкент", Source: SourcePreRegister})
}

func TestParseVisitorsCSVDateOfBirthRefused(t *testing.T) {
	msg := parseErr(t, fixture(t, "dob.csv"))
	for _, want := range []string{"Line 1:", `"Дата рождения"`, "birth year only", "HQ must send the year"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	for _, h := range []string{"Date of birth", "DOB", "생년월일", "Туған күні"} {
		msg := parseErr(t, []byte("Name,"+h+"\nA B,1985-01-02\n"))
		if !strings.Contains(msg, "birth year only") {
			t.Errorf("%s: %q", h, msg)
		}
	}
	// A full date in the birth-year column is refused too, never cut down.
	msg = parseErr(t, []byte("Name;Год рождения\nA B;12.03.1985\n"))
	if !strings.HasPrefix(msg, "Line 2: ") || !strings.Contains(msg, "birth year only") {
		t.Errorf("message %q", msg)
	}
}

func TestParseVisitorsCSVAllOrNothing(t *testing.T) {
	var b strings.Builder
	b.WriteString("ФИО;Телефон;Email\n")
	for i := range 20 {
		fmt.Fprintf(&b, "Посетитель %d;+7 701 000 %04d;v%d@example.com\n", i, i, i)
	}
	good := b.String()
	if vs := parseOK(t, []byte(good)); len(vs) != 20 {
		t.Fatalf("got %d visitors, want 20", len(vs))
	}
	// One bad email among twenty good rows: nothing comes back.
	bad := strings.Replace(good, "v7@example.com", "v7@", 1)
	if msg := parseErr(t, []byte(bad)); msg != `Line 9: The email address "v7@" is not valid.` {
		t.Errorf("message %q", msg)
	}
	vs, probs, err := CheckVisitorsCSV(strings.NewReader(bad))
	if vs != nil || err == nil || len(probs) != 1 || probs[0].Line != 9 {
		t.Errorf("CheckVisitorsCSV: %v %v %v", vs, probs, err)
	}
}

func TestParseVisitorsCSVManyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("Name,Phone\n")
	for i := range 13 {
		fmt.Fprintf(&b, "Good %d,+7 701 000 %04d\n", i, i)
		fmt.Fprintf(&b, ",+7 702 000 %04d\n", i) // no name
	}
	msg := parseErr(t, []byte(b.String()))
	lines := strings.Split(msg, "\n")
	if len(lines) != 11 {
		t.Fatalf("message has %d lines, want 10 problems and a count:\n%s", len(lines), msg)
	}
	if lines[0] != "Line 3: The visitor needs a name." || lines[9] != "Line 21: The visitor needs a name." {
		t.Errorf("first and tenth lines: %q, %q", lines[0], lines[9])
	}
	if lines[10] != "And 3 more lines have problems." {
		t.Errorf("last line %q", lines[10])
	}
	_, probs, _ := CheckVisitorsCSV(strings.NewReader(b.String()))
	if len(probs) != 13 || probs[12].Line != 27 {
		t.Errorf("problems %v", probs)
	}
}

func TestParseVisitorsCSVDuplicatePhone(t *testing.T) {
	src := "ФИО;Телефон\nА Б;8 701 123 45 67\nВ Г;+7 702 000 00 00\nД Е;+7 (701) 123-45-67\n"
	msg := parseErr(t, []byte(src))
	if want := `Line 4: The phone number "+7 (701) 123-45-67" is also on line 2.`; msg != want {
		t.Errorf("message\n got %q\nwant %q", msg, want)
	}
}

func TestParseVisitorsCSVSplitNameAndSkippedRows(t *testing.T) {
	vs := parseOK(t, fixture(t, "split_name_sep.csv"))
	if len(vs) != 2 {
		t.Fatalf("got %d visitors, want 2: %+v", len(vs), vs)
	}
	wantVisitor(t, vs[0], Visitor{Name: "Ахметова Динара Сериковна", Phone: "+77021112233", Type: TypeCompanion,
		Lang: "kk", Country: "KZ", Source: SourcePreRegister})
	wantVisitor(t, vs[1], Visitor{Name: "Ким Олег", Phone: "+77024445566", Type: TypeAgency, Lang: "ru",
		Country: "UZ", Source: SourcePreRegister})

	// The parts are joined in the order of the file's columns.
	vs = parseOK(t, []byte("Имя,Фамилия,Phone\nДинара,Ахметова,+77021112233\n"))
	if vs[0].Name != "Динара Ахметова" {
		t.Errorf("name %q", vs[0].Name)
	}
	// Korean family and given names join without a space.
	vs = parseOK(t, []byte("성,이름\n김,민준\n"))
	if vs[0].Name != "김민준" {
		t.Errorf("name %q", vs[0].Name)
	}
	// A lone Имя column is the name.
	vs = parseOK(t, []byte("Имя;Тел\nДинара Ахметова;+77021112233\n"))
	if vs[0].Name != "Динара Ахметова" {
		t.Errorf("name %q", vs[0].Name)
	}
	// Line numbers after skipped blank rows are physical lines.
	msg := parseErr(t, append(fixture(t, "split_name_sep.csv"), "Бекова;Айжан;;+7 700;;;\n"...))
	if !strings.HasPrefix(msg, "Line 7: ") {
		t.Errorf("message %q", msg)
	}
}

func TestParseVisitorsCSVHeaders(t *testing.T) {
	// Case, spaces and punctuation in column names do not matter; unknown
	// columns are ignored.
	vs := parseOK(t, []byte(" № ; ФАМИЛИЯ ИМЯ ОТЧЕСТВО ; Тел. ; E-Mail ; Тіл ; Ел ; Қала ; Туған жылы ; Түрі ; Менеджер\n"+
		"1;Нурланов Ерлан;+7 701 111 22 33;E@X.KZ;қазақша;Қазақстан;Шымкент;1966;емделуші;Оля\n"))
	wantVisitor(t, vs[0], Visitor{Name: "Нурланов Ерлан", Phone: "+77011112233", Email: "e@x.kz", Type: TypePatient,
		Lang: "kk", Country: "KZ", City: "Шымкент", BirthYear: 1966, Source: SourcePreRegister})

	for _, tc := range []struct{ src, want string }{
		{"Телефон;Город\n+77011112233;Алматы\n", "no name column"},
		{"Name,Phone,Телефон\nA,+77011112233,+77011112233\n", `The columns "Phone" and "Телефон" both hold the phone number`},
		{"", "The file is empty"},
		{"\n\n;;;\n", "The file is empty"},
		{"ФИО;Телефон\n", "no visitors"},
		{"sep=|\nФИО|Телефон\n", "only commas, semicolons or tabs"},
	} {
		msg := parseErr(t, []byte(tc.src))
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%q: message %q lacks %q", tc.src, msg, tc.want)
		}
	}
}

func TestParseVisitorsCSVDelimiterDetection(t *testing.T) {
	// Commas inside the header's cells do not fool the count; semicolons
	// inside quotes are not delimiters.
	vs := parseOK(t, []byte("\"Фамилия, имя\",Phone,Notes\n\"Ли, Анна\",+77011112233,\"a;b;c\"\n"))
	if vs[0].Name != "Ли, Анна" || vs[0].Phone != "+77011112233" {
		t.Errorf("comma: %+v", vs[0])
	}
	vs = parseOK(t, []byte("Name;Phone;Notes\nЛи, Анна;+77011112233;a,b,c\n"))
	if vs[0].Name != "Ли, Анна" {
		t.Errorf("semicolon: %+v", vs[0])
	}
	vs = parseOK(t, []byte("Name\tPhone\nЛи Анна\t+77011112233\n"))
	if vs[0].Phone != "+77011112233" {
		t.Errorf("tab: %+v", vs[0])
	}
	// A comma in an unquoted value of a comma file shows as extra cells.
	msg := parseErr(t, []byte("Name,Phone\nЛи, Анна,+77011112233\n"))
	if !strings.HasPrefix(msg, "Line 2: ") || !strings.Contains(msg, "more values") {
		t.Errorf("message %q", msg)
	}
	// Old Mac line ends.
	vs = parseOK(t, []byte("Name;Phone\rЛи Анна;+77011112233\rКим Олег;\r"))
	if len(vs) != 2 {
		t.Errorf("CR only: %+v", vs)
	}
}

func TestParseVisitorsCSVValues(t *testing.T) {
	src := "Name;Type;Lang;Country;Phone;Telegram;Messenger\n" +
		"A A;агенттік;English;Türkiye;\"=\"\"87011112233\"\"\";@aa;\n" +
		"B B;언론;한국어;kg;;;WhatsApp +77011112234\n" +
		"C C;기타;KK;Ресей;;;\n" +
		"D D;прочее;;uz;;telegram @dd;\n"
	vs := parseOK(t, []byte(src))
	want := []struct {
		typ       VisitorType
		lang, cc  string
		phone, mg string
	}{
		{TypeAgency, "en", "TR", "+77011112233", "Telegram: @aa"},
		{TypeMedia, "ko", "KG", "", "WhatsApp +77011112234"},
		{TypeOther, "kk", "RU", "", ""},
		{TypeOther, "ru", "UZ", "", "telegram @dd"},
	}
	for i, w := range want {
		v := vs[i]
		if v.Type != w.typ || v.Lang != w.lang || v.Country != w.cc || v.Phone != w.phone || v.Messenger != w.mg {
			t.Errorf("row %d: %+v", i, v)
		}
	}
	for _, tc := range []struct{ row, want string }{
		{"X X;guest;;;;;", `Line 2: The visitor type "guest" is not one of patient, companion, agency, media or other.`},
		{"X X;;de;;;;", `Line 2: The language "de" is not one of ru, kk, en or ko`},
		{"X X;;;Франция;;;", `Line 2: The country "Франция" is not a two-letter country code`},
		{"X X;;;;7,70111E+10;;", `Line 2: The phone number "7,70111E+10" was turned into a number by Excel`},
		{"X X;;;;+7 701 abc;;", `Line 2: The phone number "+7 701 abc" should have 7 to 15 digits.`},
	} {
		msg := parseErr(t, []byte("Name;Type;Lang;Country;Phone;Telegram;Messenger\n"+tc.row+"\n"))
		if !strings.HasPrefix(msg, tc.want) {
			t.Errorf("%q: message %q, want prefix %q", tc.row, msg, tc.want)
		}
	}
}

func TestParseVisitorsCSVBrokenFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"bare quote", []byte("Name;Phone\nA \"B\" C;+77011112233\n"), "Line 2: A quotation mark"},
		{"unclosed quote", []byte("Name;Phone\nA;+77011112233\n\"B;+77011112234\nC;+77011112235\n"), "Line 3: A quoted value"},
		{"xlsx", []byte("PK\x03\x04\x14\x00\x06\x00"), ".xlsx"},
		{"damaged utf-8", []byte("Name;Phone\nАнна;+77011112233\nБ\xff;+77011112234\n"), "Line 3: The file is in UTF-8"},
		{"NUL", []byte("N\x00a\x00m\x00e\x00\n\x00"), "NUL"},
		{"not utf-8 throughout", []byte("Name;Phone\n\x81\x83\x8a\x9c\xa4;+77011112233\n\x8e\x90\xa5\xa6\xa7;+77011112234\n"), "neither UTF-8 nor Windows-1251"},
		{"korean cp949", []byte("Name;Phone\n\xb1\xe8\xb9\xce\xc1\xf6;+77011112233\n\xb9\xda\xbc\xad\xbf\xac;+77011112234\n"), "neither UTF-8 nor Windows-1251"},
		{"too many fields", []byte("Name" + strings.Repeat(",x", MaxImportFields) + "\n"), "more than 200 values"},
		{"too many fields below", []byte("Name\nA B\n\"x\ny\"" + strings.Repeat(",", MaxImportFields) + "\n"), "Line 3: This line has more than 200 values"},
	} {
		if msg := parseErr(t, tc.data); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q lacks %q", tc.name, msg, tc.want)
		}
	}
	// Exactly the limit is fine.
	parseOK(t, []byte("Name"+strings.Repeat(",x", MaxImportFields-1)+"\nA B\n"))
}

// endless is an endless visitor list.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "Name,Phone\nA B,\n"[e.n%16]
		e.n++
	}
	return len(p), nil
}

func TestParseVisitorsCSVTooLarge(t *testing.T) {
	r := &endless{}
	vs, err := ParseVisitorsCSV(r)
	if vs != nil || ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "larger than 50 MB") {
		t.Fatalf("got %d visitors, %v", len(vs), err)
	}
	if r.n > MaxImportBytes+64<<10 {
		t.Errorf("read %d bytes of an endless file", r.n)
	}
	// A failing reader is an internal error, not the user's.
	_, err = ParseVisitorsCSV(io.MultiReader(strings.NewReader("Name\n"), errReader{}))
	if ErrorCode(err) != EINTERNAL {
		t.Errorf("read error: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// seeds are the fixtures for the fuzz target.
func csvSeeds(t testing.TB) [][]byte {
	entries, err := os.ReadDir(filepath.Join("testdata", "csv"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, e := range entries {
		out = append(out, fixture(t, e.Name()))
	}
	ru := "sep=;\nФИО;Телефон;Категория;Страна\n\"Ёлкин\nПётр\";8 701 222 33 44;Пациент;Казахстан\n"
	out = append(out,
		cp1251(t, ru),
		utf16WithBOM("Name\tPhone\tType\r\nАйгерим\t+77017654321\tpatient\r\n", false),
		utf16WithBOM("Name\tPhone\r\n김민준\t+821012345678\r\n", true),
		[]byte("Name,Phone\nA \"B\",1\n"),
	)
	return out
}

func FuzzParseVisitorsCSV(f *testing.F) {
	for _, s := range csvSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vs, probs, err := CheckVisitorsCSV(bytes.NewReader(data))
		if err != nil {
			if vs != nil || ErrorCode(err) != EINVALID || len(probs) == 0 || ErrorMessage(err) == "" {
				t.Fatalf("error %v with %d visitors and %d problems", err, len(vs), len(probs))
			}
			return
		}
		if len(vs) == 0 {
			t.Fatal("success without visitors")
		}
		phones := map[string]bool{}
		for i := range vs {
			v := vs[i]
			if err := v.Validate(); err != nil {
				t.Fatalf("visitor %d %+v does not validate: %v", i, v, err)
			}
			if v.Source != SourcePreRegister {
				t.Fatalf("visitor %d has source %q", i, v.Source)
			}
			if v.Phone != "" && phones[v.Phone] {
				t.Fatalf("phone %s twice", v.Phone)
			}
			phones[v.Phone] = true
			// Normalizing again changes nothing.
			w := v
			w.Normalize()
			if !reflect.DeepEqual(w, v) {
				t.Fatalf("visitor %d not normalized: %+v", i, v)
			}
		}
	})
}

func BenchmarkParseVisitorsCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("ФИО;Телефон;Эл. почта;Категория;Язык;Страна;Город;Год рождения;Комментарий\r\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "Посетитель Номер %d;+7 701 %03d %02d %02d;v%d@example.kz;Пациент;Русский;Казахстан;Алматы;%d;\"Нужен переводчик; приедет с семьёй\"\r\n",
			i, i/10000, i/100%100, i%100, i, 1950+i%50)
	}
	data := cp1251(b, sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		vs, err := ParseVisitorsCSV(bytes.NewReader(data))
		if err != nil || len(vs) != 10000 {
			b.Fatalf("%d visitors, %v", len(vs), err)
		}
	}
}

func TestParseVisitorRowsSpreadsheet(t *testing.T) {
	rows := [][]string{
		{"ФИО", "Телефон", "Год рождения"},
		{"Айгерім Сейітқали", "8 701 234 56 78", "1988"},
		{},
		{"Ольга Щербакова", "+7 705 111 22 33"},
	}
	vs, err := ParseVisitorRows(rows)
	if err != nil || len(vs) != 2 || vs[0].BirthYear != 1988 || vs[1].Phone != "+77051112233" {
		t.Fatalf("%+v %v", vs, err)
	}
	rows = append(rows, []string{"Бад Фон", "12"})
	if _, err := ParseVisitorRows(rows); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "Line 5:") {
		t.Fatalf("bad row: %v", err)
	}
}

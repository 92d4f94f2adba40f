package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"medibooth/booth"
)

// cli runs medibooth with args and returns exit code, stdout and stderr.
type cli struct {
	t     *testing.T
	env   map[string]string
	stdin string // what the next command reads on standard input
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, env: map[string]string{"MEDIBOOTH_DATA": t.TempDir()}}
}

func (c *cli) run(args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(c.stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return c.env[k] }}
	code := m.Run(context.Background(), args)
	c.stdin = ""
	return code, out.String(), errb.String()
}

// mustJSON runs a command that must succeed and decodes its --json output.
func (c *cli) mustJSON(v any, args ...string) {
	c.t.Helper()
	code, out, errs := c.run(append(args, "--json")...)
	if code != 0 {
		c.t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		c.t.Fatalf("%v: %v in %q", args, err, out)
	}
}

func (c *cli) checkin(code string, extra ...string) (int, checkinResult) {
	c.t.Helper()
	exit, out, errs := c.run(append([]string{"checkin", code, "--json"}, extra...)...)
	var r checkinResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		c.t.Fatalf("checkin %q: exit %d, %v in %q (stderr %q)", code, exit, err, out, errs)
	}
	return exit, r
}

func TestCLIDemoIsIdempotent(t *testing.T) {
	c := newCLI(t)
	var first, second struct{ Visitors, Added int }
	c.mustJSON(&first, "demo")
	c.mustJSON(&second, "demo")
	if first.Visitors != 197 || first.Added != 197 || second.Added != 0 {
		t.Fatalf("demo twice: %+v then %+v", first, second)
	}
}

func TestCLICheckinContract(t *testing.T) {
	c := newCLI(t)
	c.mustJSON(&struct{}{}, "event", "init", "--name", "KITF 2026", "--city", "Almaty", "--country", "KZ",
		"--start", "2026-04-22", "--end", "2026-04-24")
	var v struct{ ID, Code, Name string }
	c.mustJSON(&v, "visitor", "add", "--consent", "contact", "--name", "Айгерім Сейітқали", "--phone", "8 701 234 56 78", "--type", "patient", "--lang", "kk",
		"--birth-year", "1988", "--consent", "contact,health,transfer")
	if v.ID == "" || v.Code == "" {
		t.Fatalf("visitor add --json: %+v", v)
	}

	exit, r := c.checkin(v.Code)
	if exit != 0 || r.Decision != booth.Admitted || r.VisitorID != v.ID || r.Name != "Айгерім Сейітқали" {
		t.Fatalf("first check-in: exit %d %+v", exit, r)
	}
	exit, r = c.checkin(v.Code + "\r")
	if exit != 3 || r.Decision != booth.Duplicate || r.VisitorID != v.ID || r.FirstAt == nil {
		t.Fatalf("second check-in: exit %d %+v", exit, r)
	}
	exit, r = c.checkin("1000000000000")
	if exit != 4 || r.Decision != booth.Rejected || r.Reason == "" {
		t.Fatalf("foreign code: exit %d %+v", exit, r)
	}
	exit, r = c.checkin("'; DROP TABLE scan; --")
	if exit != 4 || r.Reason != booth.ReasonMalformed {
		t.Fatalf("malformed code: exit %d %+v", exit, r)
	}
	// Written on paper on the second day, entered afterwards.
	exit, r = c.checkin(v.Code, "--at", "2026-04-23T09:15:00+05:00")
	if exit != 0 || r.Decision != booth.Admitted || r.Day != "2026-04-23" {
		t.Fatalf("late check-in: exit %d %+v", exit, r)
	}
	// Typed by a scanner while the Kazakh layout is active, sent twice.
	var w struct{ Code string }
	c.mustJSON(&w, "visitor", "add", "--name", "Дмитрий Ким", "--consent", "contact")
	for _, l := range booth.Layouts {
		if l.Name == "kz" {
			garbled := l.Type(w.Code)
			exit, r = c.checkin(garbled + "\r" + garbled + "\r")
			if exit != 0 || r.Name != "Дмитрий Ким" {
				t.Fatalf("kz-garbled double send %q: exit %d %+v", garbled, exit, r)
			}
		}
	}
	code, out, _ := c.run("checkin", w.Code)
	if code != 3 || !strings.HasPrefix(out, "DUPLICATE: Дмитрий Ким was already checked in at ") {
		t.Fatalf("text output: exit %d %q", code, out)
	}
}

func TestCLIUsageAndBadInput(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"frobnicate"}, 2, "Unknown command"},
		{[]string{"checkin"}, 2, "needs exactly one argument"},
		{[]string{"checkin", "a", "b"}, 2, "needs exactly one argument"},
		{[]string{"checkin", "x", "--at", "yesterday"}, 2, "--at"},
		{[]string{"visitor", "add", "--nme", "x"}, 2, "Unknown option"},
		{[]string{"visitor"}, 2, "needs a subcommand"},
		{[]string{"event", "init", "--name", "x"}, 2, "--city"},
		{[]string{"org", "add", "--kind", "school", "--name", "x"}, 2, "not one of hospital"},
		{[]string{"checkin", "1234"}, 1, "not set up for an event"},
		{[]string{"event", "init", "--name", "x", "--city", "Almaty", "--country", "Kazakhstan", "--start", "2026-04-22", "--end", "2026-04-24"}, 1, "two-letter country code"},
		{[]string{"visitor", "import", "/nonexistent.csv"}, 1, "Cannot open"},
	} {
		code, _, errs := c.run(tc.args...)
		if code != tc.exit || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with %q", tc.args, code, errs, tc.exit, tc.want)
		}
	}
	c.run("demo")
	code, _, errs := c.run("visitor", "add", "--consent", "contact", "--name", "Ерлан", "--birth-year", "1890")
	if code != 1 || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("bad birth year: exit %d, stderr %q (want one sentence)", code, errs)
	}
	code, _, errs = c.run("visitor", "add", "--consent", "contact", "--name", "Ерлан", "--share-with", "Hospital")
	if code != 1 || !strings.Contains(errs, "could be any of") {
		t.Fatalf("ambiguous hospital: exit %d %q", code, errs)
	}
	code, _, errs = c.run("visitor", "add", "--name", "Ерлан", "--consent", "health,transfer")
	if code != 1 || !strings.Contains(errs, "--consent contact") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("registration without the contact consent: exit %d %q", code, errs)
	}
}

func TestCLIDataFlagWinsOverEnvironment(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	c.run("demo", "--data", dir)
	if _, err := os.Stat(filepath.Join(dir, "medibooth.db")); err != nil {
		t.Fatalf("--data ignored: %v", err)
	}
	if _, err := os.Stat(filepath.Join(c.env["MEDIBOOTH_DATA"], "medibooth.db")); err == nil {
		t.Fatal("MEDIBOOTH_DATA used although --data was given")
	}
}

func TestCLIFindAndOrgs(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	var org struct {
		ID          string
		Departments []struct{ Name string }
	}
	c.mustJSON(&org, "org", "add", "--kind", "hospital", "--name", "Seoul St. Mary's Hospital", "--dept", "Cardiology", "--dept", "Oncology")
	if org.ID == "" || len(org.Departments) != 2 {
		t.Fatalf("org add: %+v", org)
	}
	var v struct{ ID string }
	exit, _, errs := c.run("visitor", "add", "--name", "Ольга Щербакова", "--consent", "contact,health", "--share-with", "st. mary")
	if exit != 1 || !strings.Contains(errs, "transfer abroad") {
		t.Fatalf("sharing with a hospital in Korea without the transfer: exit %d %q", exit, errs)
	}
	c.mustJSON(&v, "visitor", "add", "--name", "Ольга Щербакова", "--phone", "+7 705 111 22 33", "--consent", "contact,health,transfer",
		"--share-with", "st. mary")
	var found struct {
		Results []struct{ ID, Name string }
	}
	for _, q := range []string{"щербак", "shcherbakova", "1122 33", "Ольга Щ"} {
		c.mustJSON(&found, "visitor", "find", q)
		ok := false
		for _, r := range found.Results {
			ok = ok || r.ID == v.ID
		}
		if !ok {
			t.Errorf("find %q: %+v", q, found.Results)
		}
	}
	code, out, _ := c.run("visitor", "find", "zzzzzz", "--json")
	if code != 0 || strings.TrimSpace(out) != `{"results":[]}` {
		t.Fatalf("no match: exit %d %q", code, out)
	}
}

func TestCLIImportRussianExcelCSV(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	csv := "ФИО;Телефон;Тип;Язык;Год рождения;Город\r\n" +
		"Бекзат Нұрланұлы;8 (701) 555-01-01;пациент;казахский;1979;Шымкент\r\n" +
		"Светлана Ли;+7 777 555 0202;сопровождающий;русский;1985;Алматы\r\n"
	// Kazakh letters are not in cp1251, so the cp1251 file carries Russian only.
	ru := strings.ReplaceAll(csv, "Бекзат Нұрланұлы", "Бекзат Нурланулы")
	enc, err := charmap.Windows1251.NewEncoder().String(ru)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "agency.csv")
	os.WriteFile(file, []byte(enc), 0o600)
	var res struct{ Imported, Skipped int }
	c.mustJSON(&res, "visitor", "import", file)
	if res.Imported != 2 {
		t.Fatalf("import: %+v", res)
	}
	c.mustJSON(&res, "visitor", "import", file)
	if res.Imported != 0 || res.Skipped != 2 {
		t.Fatalf("import again: %+v", res)
	}
	// UTF-8 with BOM, one bad row: nothing is imported and the line is named.
	bad := "\ufeff" + strings.ReplaceAll(csv, "+7 777 555 0202", "+7 777") + "Жанна Ким;+7 747 555 0303;patient;ru;1990;Алматы\r\n"
	badFile := filepath.Join(dir, "bad.csv")
	os.WriteFile(badFile, []byte(bad), 0o600)
	code, _, errs := c.run("visitor", "import", badFile)
	if code != 1 || !strings.Contains(errs, "Line 3") {
		t.Fatalf("bad row: exit %d %q", code, errs)
	}
	var found struct{ Results []struct{ ID string } }
	c.mustJSON(&found, "visitor", "find", "Жанна")
	if len(found.Results) != 0 {
		t.Fatal("a row of a refused file was imported")
	}
}

func TestCLIImportXLSX(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	book := excelize.NewFile()
	sheet := book.GetSheetName(0)
	rows := [][]any{
		{"Аты-жөні", "Телефон", "Түрі", "Тіл", "Туған жылы"},
		{"Бекзат Нұрланұлы", "8 701 555 01 01", "пациент", "қазақша", 1979},
		{"Светлана Ли", "+7 777 555 0202", "сопровождающий", "русский", 1985},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := book.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "preregistered.xlsx")
	if err := book.SaveAs(file); err != nil {
		t.Fatal(err)
	}
	var res struct{ Imported int }
	c.mustJSON(&res, "visitor", "import", file)
	if res.Imported != 2 {
		t.Fatalf("imported %d", res.Imported)
	}
	var found struct{ Results []struct{ Name string } }
	c.mustJSON(&found, "visitor", "find", "бекзат")
	if len(found.Results) != 1 || found.Results[0].Name != "Бекзат Нұрланұлы" {
		t.Fatalf("Kazakh name from the workbook: %+v", found)
	}
	os.WriteFile(file, []byte("not a zip"), 0o600)
	if code, _, errs := c.run("visitor", "import", file); code != 1 || !strings.Contains(errs, "not a readable Excel workbook") {
		t.Fatalf("broken workbook: exit %d %q", code, errs)
	}
}

// TestCLIVersion: --version prints the version; HQ's import names the
// medibooth that made each bundle; the report names the one that made it.
func TestCLIVersion(t *testing.T) {
	c := newCLI(t)
	code, out, _ := c.run("--version")
	if code != 0 || !strings.HasPrefix(out, "medibooth "+booth.Version) {
		t.Fatalf("--version: exit %d %q", code, out)
	}
	hq, pkg := syncEvent(t, "KITF 2026")
	desk := syncLaptop(t, pkg, "Desk 1")
	syncWork(t, desk, "Асель", 1)
	file := syncExportFile(t, desk, "v.bundle")
	var res struct {
		Results []struct {
			AppVersion string `json:"app_version"`
		} `json:"results"`
	}
	code, out, errs := hq.run("sync", "import", file, "--json")
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Results) != 1 || res.Results[0].AppVersion != booth.Version {
		t.Fatalf("import: exit %d %q %q", code, out, errs)
	}
	syncWork(t, desk, "Болат", 1)
	if _, text, _ := hq.run("sync", "import", syncExportFile(t, desk, "v2.bundle")); !strings.Contains(text, "(medibooth "+booth.Version+")") {
		t.Fatalf("import does not name the version: %q", text)
	}
	var rep struct {
		AppVersion string `json:"app_version"`
	}
	hq.mustJSON(&rep, "report", "--format", "json")
	if rep.AppVersion != booth.Version {
		t.Fatalf("the report names version %q", rep.AppVersion)
	}
}

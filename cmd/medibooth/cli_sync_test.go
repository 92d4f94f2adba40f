package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medibooth/data"
)

// syncEvent is an event as HQ prepares it: two hospitals with notes keys, a
// firm for the B2B meetings, and the set-up file for the laptops.
func syncEvent(t *testing.T, name string) (hq *cli, pkg string) {
	t.Helper()
	hq = newCLI(t)
	hq.mustJSON(&struct{}{}, "event", "init", "--name", name, "--city", "Almaty", "--country", "KZ",
		"--start", "2026-09-17", "--end", "2026-09-18", "--tz", "Asia/Almaty")
	hq.mustJSON(&struct{}{}, "org", "add", "--kind", "hospital", "--name", "Kyung Hee Korean Medicine", "--dept", "Gynaecology")
	hq.mustJSON(&struct{}{}, "org", "add", "--kind", "hospital", "--name", "Korea University Anam", "--dept", "GI cancers", "--dept", "Post-COVID care")
	hq.mustJSON(&struct{}{}, "org", "add", "--kind", "firm", "--name", "Seoul Medical Travel")
	hq.stdin = "blue river seven lanterns\n"
	hq.mustJSON(&struct{}{}, "org", "key", "Kyung Hee")
	hq.stdin = "quiet orchard under snow\n"
	hq.mustJSON(&struct{}{}, "org", "key", "Anam")
	pkg = filepath.Join(t.TempDir(), "event.package")
	hq.mustJSON(&struct{}{}, "event", "package", "--out", pkg)
	return hq, pkg
}

func syncLaptop(t *testing.T, pkg, name string) *cli {
	t.Helper()
	l := newCLI(t)
	l.mustJSON(&struct{}{}, "event", "join", pkg, "--device-name", name)
	return l
}

type syncVisitor struct{ ID, Code string }

// work is a day at a desk: visitors registered and checked in, a
// consultation each, a meeting.
func syncWork(t *testing.T, l *cli, prefix string, n int) []syncVisitor {
	t.Helper()
	var vs []syncVisitor
	for i := range n {
		var v syncVisitor
		l.mustJSON(&v, "visitor", "add", "--name", fmt.Sprintf("%s %d", prefix, i), "--phone", fmt.Sprintf("+7 701 %03d %04d", len(prefix), i),
			"--type", "patient", "--consent", "contact,health,transfer", "--share-with", "Kyung Hee")
		if code, _, errs := l.run("checkin", v.Code); code != 0 {
			t.Fatalf("checkin: %d %s", code, errs)
		}
		hosp, dept := "Kyung Hee", "Gynaecology"
		if i%2 == 1 {
			hosp, dept = "Anam", "GI cancers"
		}
		l.mustJSON(&struct{}{}, "consult", "add", "--visitor", v.ID, "--hospital", hosp, "--dept", dept, "--notes", "pain, 3 months",
			"--follow-up", "yes")
		vs = append(vs, v)
	}
	l.mustJSON(&struct{}{}, "meeting", "add", "--firm", "Seoul Medical Travel", "--agency", prefix+" Tours", "--outcome", "price list sent")
	return vs
}

func syncExportFile(t *testing.T, l *cli, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	var res struct {
		File, Device, SHA256 string
		Rows                 int
	}
	l.mustJSON(&res, "sync", "export", "--out", out)
	if res.File != out || res.Rows == 0 || len(res.SHA256) != 64 {
		t.Fatalf("sync export: %+v", res)
	}
	return out
}

// copyDir copies a data directory no process has open.
func syncCopyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		src, err := os.Open(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.Create(filepath.Join(to, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
	return to
}

type syncImportOutput struct {
	Results []struct {
		File, Decision, Reason, Device, Receipt string
		Rows, Changed                           int
	}
	Imported        int
	AlreadyImported int `json:"already_imported"`
	Refused         int
}

func syncImportFiles(t *testing.T, hq *cli, files ...string) (int, syncImportOutput, string) {
	t.Helper()
	code, out, errs := hq.run(append([]string{"sync", "import", "--json"}, files...)...)
	var res syncImportOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("sync import: exit %d, %v in %q (stderr %q)", code, err, out, errs)
	}
	return code, res, errs
}

// state is what HQ knows: the report (without its time) and the merged
// state's hash.
func syncState(t *testing.T, hq *cli) (map[string]any, string) {
	t.Helper()
	var r map[string]any
	hq.mustJSON(&r, "report", "--format", "json")
	delete(r, "generated_at")
	db, err := data.OpenDir(hq.env["MEDIBOOTH_DATA"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h, err := db.StateHash(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r, h
}

func syncSameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// HQ packages an event, three laptops join, work and export; HQ imports the
// bundles in two different orders and ends with the same counts and the
// same state; importing everything again changes nothing.
func TestCLISyncThreeLaptopsAnyOrder(t *testing.T) {
	hq, pkg := syncEvent(t, "Almaty Health Consultation 2026")
	desks := []*cli{syncLaptop(t, pkg, "Desk 1"), syncLaptop(t, pkg, "Desk 2"), syncLaptop(t, pkg, "Desk 3")}
	var first []syncVisitor
	for i, d := range desks {
		vs := syncWork(t, d, []string{"Айгерім", "Dmitry", "Ерлан"}[i], 3+i)
		if i == 0 {
			first = vs
		}
	}
	// A visitor registered at desk 1 walks to desk 3's hall: desk 3 admits
	// the badge without knowing the visitor.
	if code, _, errs := desks[2].run("checkin", first[0].Code); code != 0 {
		t.Fatalf("desk 3 checks in desk 1's visitor: %d %s", code, errs)
	}
	files := []string{syncExportFile(t, desks[0], "desk1.bundle"), syncExportFile(t, desks[1], "desk2.bundle"), syncExportFile(t, desks[2], "desk3.bundle")}

	// A second HQ from a copy of HQ before any import.
	hq2 := &cli{t: t, env: map[string]string{"MEDIBOOTH_DATA": syncCopyDir(t, hq.env["MEDIBOOTH_DATA"])}}

	code, res, errs := syncImportFiles(t, hq, files...)
	if code != 0 || res.Imported != 3 || res.Refused != 0 {
		t.Fatalf("import 1, 2, 3: exit %d %+v %s", code, res, errs)
	}
	for _, r := range res.Results {
		if r.Decision != "imported" || r.Changed == 0 || !strings.HasPrefix(r.Device, "Desk ") {
			t.Fatalf("import: %+v", r)
		}
	}
	for _, f := range []string{files[2], files[0], files[1]} {
		if code, res, errs := syncImportFiles(t, hq2, f); code != 0 || res.Imported != 1 {
			t.Fatalf("import %s: exit %d %+v %s", f, code, res, errs)
		}
	}
	r1, h1 := syncState(t, hq)
	r2, h2 := syncState(t, hq2)
	if !syncSameJSON(r1, r2) || h1 != h2 {
		t.Fatalf("two orders, two results:\n%v\n%v", r1, r2)
	}
	if r1["visitors_unique"] != float64(3+4+5) || r1["consultations"] != float64(12) || r1["meetings"] != float64(3) || r1["scans"] != float64(13) {
		t.Fatalf("merged report: %v", r1)
	}

	// Everything again, on both: nothing changes.
	code, res, _ = syncImportFiles(t, hq, files...)
	if code != 0 || res.AlreadyImported != 3 || res.Imported != 0 {
		t.Fatalf("re-import: exit %d %+v", code, res)
	}
	if r, h := syncState(t, hq); !syncSameJSON(r, r1) || h != h1 {
		t.Fatal("importing again changed HQ")
	}

	var st struct {
		HQ      bool
		Laptops []struct {
			Device  string
			Bundles int
		}
	}
	hq.mustJSON(&st, "sync", "status")
	if !st.HQ || len(st.Laptops) != 3 || st.Laptops[0].Device != "Desk 1" || st.Laptops[0].Bundles != 1 {
		t.Fatalf("HQ status: %+v", st)
	}
	_, text, _ := hq.run("sync", "status")
	if !strings.Contains(text, "Desk 3") || !strings.Contains(text, "bundles from 3 laptop(s)") {
		t.Fatalf("HQ status text: %q", text)
	}
	var ls struct {
		HQ         bool
		LastExport *struct{ SHA256 string } `json:"last_export"`
		Unexported bool
	}
	desks[0].mustJSON(&ls, "sync", "status")
	if ls.HQ || ls.LastExport == nil || ls.Unexported {
		t.Fatalf("laptop status: %+v", ls)
	}
}

// Tampered, cut, foreign and unknown bundles are refused with one sentence
// each, HQ stays as it was, and the good bundles of the same command are
// still imported.
func TestCLISyncRefusesAndLeavesHQUnchanged(t *testing.T) {
	hq, pkg := syncEvent(t, "KITF 2026")
	desk := syncLaptop(t, pkg, "Desk 1")
	syncWork(t, desk, "Айгерім", 2)
	good := syncExportFile(t, desk, "desk1.bundle")
	body, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flipped := []byte(string(body))
	flipped[len(flipped)-50] ^= 0x01
	// Another event's laptop, and a laptop that set up an event of its own
	// under the same name instead of joining.
	_, otherPkg := syncEvent(t, "Gyeonggi joint booth")
	stranger := syncLaptop(t, otherPkg, "Desk 1")
	syncWork(t, stranger, "Olga", 1)
	alone := newCLI(t)
	alone.mustJSON(&struct{}{}, "event", "init", "--name", "KITF 2026", "--city", "Almaty", "--country", "KZ",
		"--start", "2026-09-17", "--end", "2026-09-18")
	alone.mustJSON(&struct{}{}, "visitor", "add", "--name", "Self-made", "--consent", "contact")

	r0, h0 := syncState(t, hq)
	for _, tc := range []struct{ name, file, want string }{
		{"a flipped byte", write("flipped.bundle", flipped), "damaged or cut short"},
		{"cut short", write("cut.bundle", body[:len(body)/2]), "damaged or cut short"},
		{"another event's laptop", syncExportFile(t, stranger, "stranger.bundle"), "belongs to another event"},
		{"a laptop that never joined", syncExportFile(t, alone, "alone.bundle"), "belongs to another event"},
		{"not a bundle", pkg, "not a medibooth bundle"},
		{"no such file", filepath.Join(t.TempDir(), "missing.bundle"), "Cannot read"},
	} {
		code, res, errs := syncImportFiles(t, hq, tc.file)
		if code != 1 || res.Refused != 1 || res.Results[0].Decision != "refused" || !strings.Contains(res.Results[0].Reason, tc.want) {
			t.Errorf("%s: exit %d %+v", tc.name, code, res)
		}
		if lines := strings.Split(strings.TrimSpace(errs), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], tc.file+": ") || !strings.Contains(lines[0], tc.want) {
			t.Errorf("%s: stderr %q", tc.name, errs)
		}
	}
	if r, h := syncState(t, hq); !syncSameJSON(r, r0) || h != h0 {
		t.Fatal("refused bundles changed HQ")
	}
	// A bad file among good ones: the good one is imported, exit 1.
	code, res, errs := syncImportFiles(t, hq, write("cut.bundle", body[:100]), good)
	if code != 1 || res.Imported != 1 || res.Refused != 1 || !strings.Contains(errs, "damaged") {
		t.Fatalf("mixed: exit %d %+v %q", code, res, errs)
	}
	if r, _ := syncState(t, hq); r["visitors_unique"] != float64(2) {
		t.Fatalf("after the good bundle: %v", r)
	}
	// Text output names each file.
	code, out, _ := hq.run("sync", "import", good)
	if code != 0 || !strings.Contains(out, "desk1.bundle: already imported (Desk 1); nothing changed.") {
		t.Fatalf("text: %d %q", code, out)
	}
}

func TestCLISyncUsage(t *testing.T) {
	hq, pkg := syncEvent(t, "KITF 2026")
	desk := syncLaptop(t, pkg, "Desk 1")
	for _, tc := range []struct {
		c    *cli
		args []string
		exit int
		want string
	}{
		{desk, []string{"sync"}, 2, "needs a subcommand"},
		{desk, []string{"sync", "send"}, 2, "Unknown command"},
		{desk, []string{"sync", "export"}, 2, "--out"},
		{desk, []string{"sync", "export", "--out", "a", "b"}, 2, "takes no arguments"},
		{hq, []string{"sync", "import"}, 2, "at least 1"},
		{desk, []string{"sync", "import", "x.bundle"}, 1, "not the event's HQ"},
		{newCLI(t), []string{"sync", "export", "--out", "x.bundle"}, 1, "not set up for an event"},
		{desk, []string{"sync", "export", "--out", filepath.Join(t.TempDir(), "no", "x.bundle")}, 1, "Cannot write"},
	} {
		code, _, errs := tc.c.run(tc.args...)
		if code != tc.exit || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", tc.args, code, errs, tc.exit, tc.want)
		}
	}
	code, out, _ := desk.run("sync", "export", "--out", filepath.Join(t.TempDir(), "d.bundle"))
	if code != 0 || !strings.Contains(out, "Bundle of Desk 1 written to ") || !strings.Contains(out, `Only the HQ of "KITF 2026" can open it.`) {
		t.Fatalf("export text: %d %q", code, out)
	}
	code, out, _ = desk.run("sync", "status")
	if code != 0 || !strings.Contains(out, "Last bundle of this laptop (Desk 1)") || !strings.Contains(out, "HQ has not confirmed it yet") {
		t.Fatalf("status text: %d %q", code, out)
	}
}

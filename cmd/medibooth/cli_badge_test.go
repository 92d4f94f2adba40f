package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medibooth/booth"
)

// The acceptance path of signed badges: a badge printed from one data dir is
// admitted by name on a second data dir of the same event that never saw the
// visitor, also when typed through the Kazakh layout; a forged or foreign
// badge is rejected.
func TestCLIBadgeAcrossLaptops(t *testing.T) {
	hq := newCLI(t)
	hq.mustJSON(&struct{}{}, "event", "init", "--name", "KITF 2026", "--city", "Almaty", "--country", "KZ",
		"--start", "2026-04-22", "--end", "2026-04-24")
	hq.mustJSON(&struct{}{}, "org", "add", "--kind", "hospital", "--name", "Seoul Clinic", "--dept", "Cardiology")
	var v struct{ ID, Code, Number string }
	hq.mustJSON(&v, "visitor", "add", "--consent", "contact", "--name", "Айгерім Сейітқали", "--type", "companion")
	if len(v.Code) < 50 || len(v.Code) > booth.MaxBadgeDigits || len(v.Number) != 13 {
		t.Fatalf("visitor add --json: code of %d digits, number %q", len(v.Code), v.Number)
	}

	dir := t.TempDir()
	pngPath, pdfPath, pkgPath := filepath.Join(dir, "b.png"), filepath.Join(dir, "b.pdf"), filepath.Join(dir, "event.pkg")
	exit, out, errs := hq.run("badge", v.ID, "--out", pngPath)
	if exit != 0 || strings.TrimSpace(out) != v.Code {
		t.Fatalf("badge --out png: exit %d, %q, %s", exit, out, errs)
	}
	if b, err := os.ReadFile(pngPath); err != nil {
		t.Fatal(err)
	} else if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() < 600 {
		t.Fatalf("badge png: %v", err)
	}
	if exit, _, errs := hq.run("badge", v.ID, "--out", pdfPath); exit != 0 {
		t.Fatalf("badge --out pdf: %s", errs)
	} else if b, _ := os.ReadFile(pdfPath); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("badge pdf is not a PDF")
	}
	if exit, _, errs := hq.run("badge", v.ID, "--out", filepath.Join(dir, "b.gif")); exit != exitUsage {
		t.Fatalf("badge --out gif: exit %d %s", exit, errs)
	}
	if exit, _, errs := hq.run("event", "package", "--out", pkgPath); exit != 0 {
		t.Fatalf("event package: %s", errs)
	}

	desk := newCLI(t)
	var j struct {
		Event, Device string
		KeyID         string `json:"key_id"`
	}
	desk.mustJSON(&j, "event", "join", pkgPath, "--device-name", "Desk 2")
	if j.Event != "KITF 2026" || j.Device != "Desk 2" || len(j.KeyID) != 16 {
		t.Fatalf("event join: %+v", j)
	}
	kz := booth.Layouts[3].Type(v.Code)
	exit, r := desk.checkin(kz + "\r\n")
	if exit != exitOK || r.Decision != booth.Admitted || r.VisitorID != v.ID || r.Name != "Айгерім Сейітқали" || r.Type != "companion" {
		t.Fatalf("badge on the second laptop: exit %d %+v", exit, r)
	}
	if exit, r := desk.checkin(v.Code); exit != exitDuplicate || r.Decision != booth.Duplicate {
		t.Fatalf("again: exit %d %+v", exit, r)
	}

	damaged := []byte(v.Code)
	damaged[42] = '0' + (damaged[42]-'0'+1)%10
	if exit, r := desk.checkin(string(damaged)); exit != exitRejected || r.Reason != booth.ReasonDamaged {
		t.Fatalf("damaged: exit %d %+v", exit, r)
	}
	other := newCLI(t)
	other.mustJSON(&struct{}{}, "event", "init", "--name", "Other", "--city", "Astana", "--country", "KZ",
		"--start", "2026-05-01", "--end", "2026-05-02")
	if exit, r := other.checkin(v.Code); exit != exitRejected || r.Reason != booth.ReasonOtherEvent {
		t.Fatalf("foreign: exit %d %+v", exit, r)
	}

	// HQ's key is revoked on the desk: HQ's badges are refused there.
	var keys struct {
		Keys []struct {
			KeyID string `json:"key_id"`
			Own   bool
		}
	}
	hq.mustJSON(&keys, "event", "keys")
	if len(keys.Keys) != 1 || !keys.Keys[0].Own {
		t.Fatalf("event keys: %+v", keys)
	}
	if exit, _, errs := desk.run("event", "revoke", keys.Keys[0].KeyID, "--reason", "lost"); exit != 0 {
		t.Fatalf("revoke: %s", errs)
	}
	var w struct{ ID, Code string }
	hq.mustJSON(&w, "visitor", "add", "--consent", "contact", "--name", "Ли Мин")
	if exit, r := desk.checkin(w.Code); exit != exitRejected || r.Reason != booth.ReasonRevoked {
		t.Fatalf("revoked: exit %d %+v", exit, r)
	}

	// A joined laptop cannot make packages; a tampered package is refused.
	if exit, _, errs := desk.run("event", "package", "--out", filepath.Join(dir, "x.pkg")); exit != exitFailure || !strings.Contains(errs, "root key") {
		t.Fatalf("package from a joined laptop: exit %d %s", exit, errs)
	}
	b, _ := os.ReadFile(pkgPath)
	bad := filepath.Join(dir, "bad.pkg")
	os.WriteFile(bad, bytes.Replace(b, []byte(`"payload": "ey`), []byte(`"payload": "ez`), 1), 0o600)
	if exit, _, errs := newCLI(t).run("event", "join", bad); exit != exitFailure || errs == "" {
		t.Fatalf("tampered package: exit %d %s", exit, errs)
	}
}

// Printing goes through lp; a second print needs --reprint, and the print
// log says which was which.
func TestCLIBadgePrint(t *testing.T) {
	c := newCLI(t)
	c.mustJSON(&struct{}{}, "demo")
	bin := t.TempDir()
	got := filepath.Join(bin, "printed.pdf")
	script := "#!/bin/sh\nfor a; do f=\"$a\"; done\ncp \"$f\" " + got + "\necho \"$@\" > " + got + ".args\n"
	if err := os.WriteFile(filepath.Join(bin, "lp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	// Registered and printed in one step.
	var v struct{ ID string }
	c.mustJSON(&v, "visitor", "add", "--consent", "contact", "--name", "김민준", "--print", "--printer", "desk-label")
	if b, err := os.ReadFile(got); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("lp got no PDF: %v", err)
	}
	if args, _ := os.ReadFile(got + ".args"); !strings.Contains(string(args), "desk-label") {
		t.Fatalf("lp args: %q", args)
	}
	if exit, _, errs := c.run("badge", v.ID, "--print"); exit != exitFailure || !strings.Contains(errs, "--reprint") {
		t.Fatalf("second print without --reprint: exit %d %s", exit, errs)
	}
	if exit, _, errs := c.run("badge", v.ID, "--print", "--reprint", "--sheet"); exit != 0 {
		t.Fatalf("reprint: %s", errs)
	}
	// Pre-registered visitors' badges, nine on two A4 sheets.
	var ids []string
	for _, name := range []string{"Ли", "Ан", "Ким", "Пак", "Чой", "Юн", "Кан", "Лим", "Хан"} {
		var w struct{ ID string }
		c.mustJSON(&w, "visitor", "add", "--consent", "contact", "--name", name)
		ids = append(ids, w.ID)
	}
	var res struct{ Badges []struct{ ID, Code string } }
	c.mustJSON(&res, append([]string{"badge", "--sheet", "--out", filepath.Join(bin, "sheet.pdf")}, ids...)...)
	if len(res.Badges) != 9 || res.Badges[8].ID != ids[8] || res.Badges[8].Code == "" {
		t.Fatalf("nine badges: %+v", res)
	}
	b, _ := os.ReadFile(filepath.Join(bin, "sheet.pdf"))
	if n := bytes.Count(b, []byte("/Type /Page ")); n != 2 {
		t.Fatalf("nine badges on %d A4 pages, want 2", n)
	}
	if exit, _, _ := c.run(append([]string{"badge", "--out", filepath.Join(bin, "x.png")}, ids[:2]...)...); exit != exitUsage {
		t.Fatalf("two badges in one PNG: exit %d", exit)
	}
}

// scan reads badges from image files, prints one result per code and exits
// like checkin.
func TestCLIScanImages(t *testing.T) {
	c := newCLI(t)
	c.mustJSON(&struct{}{}, "demo")
	var v struct{ ID, Code string }
	c.mustJSON(&v, "visitor", "add", "--consent", "contact", "--name", "Әйгерім Қалиева", "--type", "media")
	dir := t.TempDir()
	badge := filepath.Join(dir, "badge.png")
	if exit, _, errs := c.run("badge", v.ID, "--out", badge); exit != 0 {
		t.Fatal(errs)
	}
	blank := filepath.Join(dir, "blank.png")
	f, _ := os.Create(blank)
	png.Encode(f, image.NewGray(image.Rect(0, 0, 64, 64)))
	f.Close()

	var out struct {
		Results []checkinResult
		Errors  []string
	}
	exit, stdout, _ := c.run("scan", badge, "--json")
	if exit != exitOK || json.Unmarshal([]byte(stdout), &out) != nil || len(out.Results) != 1 ||
		out.Results[0].Decision != booth.Admitted || out.Results[0].VisitorID != v.ID || out.Results[0].Name != "Әйгерім Қалиева" {
		t.Fatalf("scan badge: exit %d %s", exit, stdout)
	}
	exit, stdout, _ = c.run("scan", badge, blank, "--json")
	out.Results, out.Errors = nil, nil
	if exit != exitDuplicate || json.Unmarshal([]byte(stdout), &out) != nil || len(out.Results) != 1 ||
		out.Results[0].Decision != booth.Duplicate || len(out.Errors) != 1 || !strings.Contains(out.Errors[0], "No QR code") {
		t.Fatalf("scan again with a blank image: exit %d %s", exit, stdout)
	}
	if exit, _, errs := c.run("scan"); exit != exitUsage {
		t.Fatalf("scan without images: exit %d %s", exit, errs)
	}
}

// A visitor registered with --print on a laptop without a printer stays
// registered, and the sentence says so.
func TestCLIVisitorAddPrintWithoutPrinter(t *testing.T) {
	c := newCLI(t)
	c.mustJSON(&struct{}{}, "demo")
	t.Setenv("PATH", t.TempDir())
	exit, _, errs := c.run("visitor", "add", "--consent", "contact", "--name", "Ерлан Нұрланов", "--print")
	if exit != exitFailure || !strings.Contains(errs, "was registered") || !strings.Contains(errs, "lp") {
		t.Fatalf("exit %d: %s", exit, errs)
	}
	var found struct{ Results []struct{ ID, Name string } }
	c.mustJSON(&found, "visitor", "find", "erlan nurl")
	if len(found.Results) != 1 {
		t.Fatalf("the visitor was lost: %+v", found)
	}
}

func TestCLIVisitorErase(t *testing.T) {
	c := newCLI(t)
	c.mustJSON(&struct{}{}, "demo")
	var v struct{ ID, Code string }
	c.mustJSON(&v, "visitor", "add", "--consent", "contact", "--name", "Динара Эрасова", "--phone", "+77017770000")
	if exit, r := c.checkin(v.Code); exit != exitOK || r.Decision != booth.Admitted {
		t.Fatalf("check-in: %d %+v", exit, r)
	}
	if exit, _, errs := c.run("visitor", "erase", v.ID); exit != exitOK {
		t.Fatalf("erase: %s", errs)
	}
	var found struct{ Results []struct{ ID string } }
	c.mustJSON(&found, "visitor", "find", "dinara erasova")
	if len(found.Results) != 0 {
		t.Fatalf("found after erasure: %+v", found)
	}
	if exit, r := c.checkin(v.Code); exit != exitRejected || r.Reason != booth.ReasonErased || r.Name != "" {
		t.Fatalf("badge after erasure: exit %d %+v", exit, r)
	}
	if exit, _, _ := c.run("visitor", "erase", booth.NewID()); exit != exitFailure {
		t.Fatalf("erase unknown: exit %d", exit)
	}
}

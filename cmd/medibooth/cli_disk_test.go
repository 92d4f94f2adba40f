package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"medibooth/booth"
	"medibooth/data"
)

// smallDisk mounts a tmpfs of size (e.g. "24m") in a temp folder and
// returns its path; the test is skipped where mounting is not allowed (not
// root, no mount namespace).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small disk needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small disk: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a file until the disk at dir has no space left.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1<<16)
	for range 1 << 16 { // at most 4 GB: the disk is far smaller
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	for range 64 { // the last blocks, a byte at a time
		if _, err := f.Write(buf[:512]); err != nil {
			break
		}
	}
	return path
}

type reportCounts struct {
	VisitorsUnique int `json:"visitors_unique"`
	Scans          int `json:"scans"`
}

// TestCLIFullDiskAndReadOnly: on a full disk every write says so in one
// sentence and nothing earlier is lost, while reads and reports work, with
// the desk's database held open as the window holds it; writes resume when
// space returns; a read-only copy opens for reading.
func TestCLIFullDiskAndReadOnly(t *testing.T) {
	disk := smallDisk(t, "24m")
	c := newCLI(t)
	c.env["MEDIBOOTH_DATA"] = disk
	c.mustJSON(&struct{}{}, "event", "init", "--name", "KITF 2026", "--city", "Almaty", "--country", "KZ",
		"--start", "2026-04-22", "--end", "2026-04-24")
	c.mustJSON(&struct{}{}, "org", "add", "--kind", "hospital", "--name", "Korea University Anam", "--dept", "GI cancers")
	c.stdin = "quiet orchard under snow\n"
	c.mustJSON(&struct{}{}, "org", "key", "Anam")
	var patient struct{ ID string }
	c.mustJSON(&patient, "visitor", "add", "--name", "Гүлнар Ахметова", "--consent", "contact,health,transfer", "--share-with", "Anam")
	// A laptop of the event, elsewhere, with a bundle for this HQ.
	pkg := filepath.Join(t.TempDir(), "event.package")
	c.mustJSON(&struct{}{}, "event", "package", "--out", pkg)
	desk2 := syncLaptop(t, pkg, "Desk 2")
	desk2.mustJSON(&struct{}{}, "visitor", "add", "--name", "Dana Desk-Two", "--consent", "contact")
	bundle := syncExportFile(t, desk2, "desk2.bundle")
	var codes []string
	for _, name := range []string{"Айгерим Нурланова", "Ерлан Сапаров", "김민지"} {
		var v struct{ ID, Code string }
		c.mustJSON(&v, "visitor", "add", "--name", name, "--consent", "contact")
		codes = append(codes, v.Code)
	}
	if exit, r := c.checkin(codes[0]); exit != 0 || r.Decision != "admitted" {
		t.Fatalf("first check-in: %d %+v", exit, r)
	}
	var before reportCounts
	c.mustJSON(&before, "report", "--format", "json")
	c.stdin = "2580\n"
	var admin struct{ ID string }
	c.mustJSON(&admin, "staff", "add", "--name", "Park Ji-woo", "--role", "admin", "--pin-stdin")

	desk, err := data.OpenDir(disk) // the desk window, open all day
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	filler := fill(t, disk)

	full := "Not saved: the disk is full. Free some space; nothing earlier was lost."
	if exit, out, errs := c.run("checkin", codes[1]); exit != 1 || !strings.Contains(errs, full) || strings.Contains(out, "admitted") {
		t.Errorf("check-in on a full disk: exit %d, %q, %q", exit, out, errs)
	}
	if exit, _, errs := c.run("visitor", "add", "--name", "Нурсултан Абдыкадыров", "--consent", "contact"); exit != 1 || !strings.Contains(errs, full) {
		t.Errorf("registration on a full disk: exit %d, %q", exit, errs)
	}
	if _, err := desk.Checkin(context.Background(), booth.CheckinRequest{Raw: codes[2]}); !errors.Is(err, data.ErrDiskFull) {
		t.Errorf("the open desk's check-in on a full disk: %v", err)
	}
	if exit, _, errs := c.run("sync", "export", "--out", filepath.Join(disk, "desk.bundle")); exit != 1 || !strings.Contains(errs, full) {
		t.Errorf("export on a full disk: exit %d, %q", exit, errs)
	}
	if exit, _, errs := c.run("consult", "add", "--visitor", patient.ID, "--hospital", "Anam", "--dept", "GI cancers", "--notes", "pain"); exit != 1 || !strings.Contains(errs, full) {
		t.Errorf("consultation on a full disk: exit %d, %q", exit, errs)
	}
	if exit, _, errs := c.run("sync", "import", bundle); exit != 1 || !strings.Contains(errs, full) {
		t.Errorf("import on a full disk: exit %d, %q", exit, errs)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(disk, ".*")); len(leftovers) > 0 {
		t.Errorf("a failed export or import left %v", leftovers)
	}
	// Staff still sign in (unrecorded); wrong PINs still count.
	if s, err := desk.SignIn(context.Background(), admin.ID, "2580"); err != nil || s == nil {
		t.Errorf("sign-in on a full disk: %v", err)
	}
	var se *booth.SignInError
	if _, err := desk.SignIn(context.Background(), admin.ID, "0000"); !errors.As(err, &se) || se.TriesLeft != booth.MaxPINTries-1 {
		t.Errorf("a wrong PIN on a full disk: %v", err)
	}
	var during reportCounts
	c.mustJSON(&during, "report", "--format", "json")
	if during != before {
		t.Errorf("report on a full disk: %+v, before %+v", during, before)
	}
	if exit, out, errs := c.run("visitor", "find", "Нурланова"); exit != 0 || !strings.Contains(out, "Айгерим") {
		t.Errorf("search on a full disk: exit %d %q %q", exit, out, errs)
	}

	// Space returns: work resumes, nothing was lost.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if exit, r := c.checkin(codes[1]); exit != 0 || r.Decision != "admitted" {
		t.Fatalf("check-in after space returned: %d %+v", exit, r)
	}
	if s, err := desk.Checkin(context.Background(), booth.CheckinRequest{Raw: codes[2]}); err != nil || s.Decision != booth.Admitted {
		t.Fatalf("the open desk after space returned: %+v %v", s, err)
	}
	if exit, _, errs := c.run("sync", "import", bundle); exit != 0 {
		t.Fatalf("import after space returned: exit %d, %q", exit, errs)
	}
	desk.Close()
	var after reportCounts
	c.mustJSON(&after, "report", "--format", "json")
	if after.Scans != before.Scans+2 || after.VisitorsUnique != before.VisitorsUnique+2 { // Desk 2's visitor never checked in
		t.Errorf("after space returned: %+v, before %+v", after, before)
	}

	// A full disk with nothing holding the database open: no -shm file
	// can grow, reading still works.
	filler = fill(t, disk)
	var closed reportCounts
	c.mustJSON(&closed, "report", "--format", "json")
	if closed != after {
		t.Errorf("report on a full disk, database closed: %+v, want %+v", closed, after)
	}
	if exit, _, errs := c.run("checkin", codes[0]); exit != 1 || !strings.Contains(errs, "Not saved:") {
		t.Errorf("check-in on a full disk, database closed: exit %d, %q", exit, errs)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}

	// Read-only media: reads work, writes say why.
	if out, err := exec.Command("mount", "-o", "remount,ro", disk).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v %s", err, out)
	}
	var ro reportCounts
	c.mustJSON(&ro, "report", "--format", "json")
	if ro != after {
		t.Errorf("report on read-only media: %+v, want %+v", ro, after)
	}
	readOnly := "Not saved: the data folder cannot be written (read-only disk or no permission); nothing earlier was lost."
	if exit, _, errs := c.run("checkin", codes[0]); exit != 1 || !strings.Contains(errs, readOnly) {
		t.Errorf("check-in on read-only media: exit %d, %q", exit, errs)
	}
	var found struct{ Results []json.RawMessage }
	c.mustJSON(&found, "visitor", "find", "Сапаров")
	if len(found.Results) != 1 {
		t.Errorf("search on read-only media: %d results", len(found.Results))
	}
}

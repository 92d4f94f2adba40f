package ui

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"medibooth/booth"
	"medibooth/data"
)

// TestDeskFullDisk: with the disk full, a scan shows the red card saying
// the disk is full in the desk's language, never green; once space
// returns the same badge checks in.
func TestDeskFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small disk needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small disk: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	db, err := data.Open(filepath.Join(dir, data.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PINCost = cheapPINs
	now := eventTime
	db.Now = func() time.Time { return now }
	if err := loadDemo(db)(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	var u *App
	act(func() {
		u = Create(a, Config{Store: db, DeviceName: "Desk 1", Now: func() time.Time { return now }})
		u.Window().Resize(fyne.NewSize(1366, 768))
	})
	t.Cleanup(func() { stopScreens(u) })
	createFirstAdmin(t, u, "Desk Admin", testPIN)
	if u.desk == nil {
		t.Fatal("no desk after the first sign-in")
	}
	d := u.desk

	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1<<16)
	for range 1 << 12 { // at most 256 MB; the disk is 24 MB
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	f.Close()

	demo, err := booth.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	scan(d, freshVisitors(demo)[2].Code, fyne.KeyReturn)
	want := translation(t, CurrentLanguage(), data.ErrDiskFull.Message)
	eventually(t, "the red card saying the disk is full", func() bool { return d.cardNote.Text == want })
	act(func() {
		if d.card.FillColor != colorRejected {
			t.Fatal("an unsaved scan looks like a check-in")
		}
		if w := d.cardNote.box.MinSize().Width; w > cardNoteWidth+1 {
			t.Fatalf("the sentence makes the card %v wide", w)
		}
	})
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	scan(d, freshVisitors(demo)[2].Code, fyne.KeyReturn)
	eventually(t, "the green card once space returned", func() bool { return d.card.FillColor == colorAdmitted })
}

package ui

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

// These tests run on Windows (under Wine on the CI machine: make
// test-windows).

// With MEDIBOOTH_FAKE_ARGS set, this test binary stands in for a Windows
// program (Explorer, PowerShell): it writes its arguments, one a line, to
// that file and exits with MEDIBOOTH_FAKE_EXIT.
func init() {
	if record := os.Getenv("MEDIBOOTH_FAKE_ARGS"); record != "" {
		code, _ := strconv.Atoi(os.Getenv("MEDIBOOTH_FAKE_EXIT"))
		// Written whole, then renamed: the test reads it while this runs.
		if os.WriteFile(record+".tmp", []byte(strings.Join(os.Args[1:], "\n")), 0o644) != nil || os.Rename(record+".tmp", record) != nil {
			code = 100
		}
		os.Exit(code)
	}
}

// windowsTempDir is t.TempDir for these tests. Under Wine 8, os.RemoveAll
// fails ("Invalid function": Wine lacks the POSIX delete Go asks for), so
// the folder is removed one entry at a time, the deepest first.
func windowsTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "medibooth-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var all []string
		filepath.WalkDir(dir, func(p string, _ fs.DirEntry, _ error) error {
			all = append(all, p)
			return nil
		})
		for i := len(all) - 1; i >= 0; i-- {
			if err := os.Remove(all[i]); err != nil {
				t.Logf("left behind: %v", err) // a fake program still exiting
			}
		}
	})
	return dir
}

// fakeWindowsProgram puts a copy of this test binary called name.exe first
// on PATH, exiting with exit, and returns the file its arguments land in.
func fakeWindowsProgram(t *testing.T, name string, exit int) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	bin := windowsTempDir(t)
	out, err := os.Create(filepath.Join(bin, name+".exe"))
	if err == nil {
		_, err = io.Copy(out, in)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(windowsTempDir(t), "args")
	t.Setenv("MEDIBOOTH_FAKE_ARGS", record)
	t.Setenv("MEDIBOOTH_FAKE_EXIT", strconv.Itoa(exit))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return record
}

// waitArgs waits for the fake program to have written its arguments.
func waitArgs(t *testing.T, record string) []string {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // bounds a failure only: Wine starts programs slowly
	for {
		b, err := os.ReadFile(record)
		if err == nil {
			return strings.Split(string(b), "\n")
		}
		if time.Now().After(deadline) {
			t.Fatalf("the program did not run: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The reports folder opens in Explorer, which exits with 1 even when it
// opened the folder: that is no error.
func TestOpenFolderWindows(t *testing.T) {
	record := fakeWindowsProgram(t, "explorer", 1)
	dir := filepath.Join(windowsTempDir(t), "Отчёты KITF 2026")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := reportsOpenFolder(dir); err != nil {
		t.Fatalf("reportsOpenFolder: %v", err)
	}
	if got := waitArgs(t, record); len(got) != 1 || got[0] != dir {
		t.Fatalf("explorer %q, want %q", got, dir)
	}
}

// Scan results sound through PowerShell's SoundPlayer.
func TestPlayerRunsPowerShellWindows(t *testing.T) {
	record := fakeWindowsProgram(t, "powershell", 0)
	var p player
	p.play(booth.Duplicate)
	p.busy.Lock() // held while the player runs
	defer p.busy.Unlock()
	got := waitArgs(t, record)
	want := []string{"-NoProfile", "-NonInteractive", "-Command", "(New-Object Media.SoundPlayer $args[0]).PlaySync()"}
	if len(got) != len(want)+1 || strings.Join(got[:len(want)], " ") != strings.Join(want, " ") {
		t.Fatalf("powershell %q, want %q and the file", got, want)
	}
	if b, err := os.ReadFile(got[len(want)]); err != nil || !bytes.Equal(b, wav(decisionTones[booth.Duplicate])) {
		t.Fatalf("the player was handed %s (%v), not the sound of a duplicate", got[len(want)], err)
	}
}

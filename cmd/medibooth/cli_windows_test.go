package main

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// These tests run on Windows (under Wine on the CI machine: make
// test-windows).

// With MEDIBOOTH_FAKE_ARGS set, this test binary is a stand-in for a
// Windows program (PowerShell): it writes its arguments, one a line, to
// that file, says MEDIBOOTH_FAKE_SAY on stderr and exits with
// MEDIBOOTH_FAKE_EXIT.
func init() {
	record := os.Getenv("MEDIBOOTH_FAKE_ARGS")
	if record == "" {
		return
	}
	if err := os.WriteFile(record, []byte(strings.Join(os.Args[1:], "\n")), 0o644); err != nil {
		os.Exit(100)
	}
	os.Stderr.WriteString(os.Getenv("MEDIBOOTH_FAKE_SAY"))
	code, _ := strconv.Atoi(os.Getenv("MEDIBOOTH_FAKE_EXIT"))
	os.Exit(code)
}

// tempDir is t.TempDir for these tests. Under Wine 8, os.RemoveAll fails
// ("Invalid function": Wine lacks the POSIX delete Go asks for), so the
// folder is removed one entry at a time, the deepest first.
func tempDir(t *testing.T) string {
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

// newWindowsCLI is newCLI on a folder tempDir makes.
func newWindowsCLI(t *testing.T) *cli {
	return &cli{t: t, env: map[string]string{"MEDIBOOTH_DATA": tempDir(t)}}
}

// fakeProgram puts a copy of this test binary called name.exe first on
// PATH, exiting with exit after saying say; it returns the file its
// arguments land in.
func fakeProgram(t *testing.T, name string, exit int, say string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := tempDir(t)
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(filepath.Join(bin, name+".exe"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(tempDir(t), "args")
	t.Setenv("MEDIBOOTH_FAKE_ARGS", record)
	t.Setenv("MEDIBOOTH_FAKE_EXIT", strconv.Itoa(exit))
	t.Setenv("MEDIBOOTH_FAKE_SAY", say)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return record
}

// The data directory on Windows is %LOCALAPPDATA%\medibooth, also under a
// user name in Cyrillic with a space; MEDIBOOTH_DATA and --data come first.
func TestDataDirWindows(t *testing.T) {
	local := filepath.Join(tempDir(t), "Айгерим Сейітова", "AppData", "Local")
	env := map[string]string{"LOCALAPPDATA": local}
	got, err := defaultDataDir(func(k string) string { return env[k] })
	if want := filepath.Join(local, "medibooth"); err != nil || got != want {
		t.Fatalf("defaultDataDir = %q, %v; want %q", got, err, want)
	}
	c := &cli{t: t, env: env}
	if code, _, errs := c.run("demo"); code != 0 {
		t.Fatalf("demo in %%LOCALAPPDATA%%: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(local, "medibooth", "medibooth.db")); err != nil {
		t.Fatalf("no database under %%LOCALAPPDATA%%: %v", err)
	}

	other := tempDir(t)
	c.env["MEDIBOOTH_DATA"] = other
	if code, _, errs := c.run("demo"); code != 0 {
		t.Fatalf("demo in MEDIBOOTH_DATA: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(other, "medibooth.db")); err != nil {
		t.Fatalf("MEDIBOOTH_DATA ignored: %v", err)
	}

	// Without LOCALAPPDATA: a folder in the user's profile.
	profile := tempDir(t)
	t.Setenv("USERPROFILE", profile)
	got, err = defaultDataDir(func(string) string { return "" })
	if want := filepath.Join(profile, ".medibooth"); err != nil || got != want {
		t.Fatalf("without LOCALAPPDATA defaultDataDir = %q, %v; want %q", got, err, want)
	}
}

// A badge prints through PowerShell, which hands the PDF to the program
// that prints PDFs: to the default printer, or to the one named.
func TestBadgePrintWindows(t *testing.T) {
	c := newWindowsCLI(t)
	c.run("demo")
	var found struct{ Results []struct{ ID string } }
	c.mustJSON(&found, "visitor", "find", "sokolov")
	if len(found.Results) == 0 {
		t.Fatal("no demo visitor found")
	}
	id := found.Results[0].ID
	for _, tc := range []struct {
		printer string
		verb    string
	}{
		{"", `-Verb Print`},
		{"Brother QL-820NWB", `-Verb PrintTo -ArgumentList '"Brother QL-820NWB"'`},
	} {
		record := fakeProgram(t, "powershell", 0, "")
		args := []string{"badge", id, "--print", "--reprint"}
		if tc.printer != "" {
			args = append(args, "--printer", tc.printer)
		}
		if code, _, errs := c.run(args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		b, err := os.ReadFile(record)
		if err != nil {
			t.Fatalf("PowerShell did not run: %v", err)
		}
		got := strings.Split(string(b), "\n")
		if len(got) != 4 || strings.Join(got[:3], " ") != "-NoProfile -NonInteractive -Command" {
			t.Fatalf("PowerShell ran with %q", got)
		}
		const start = "Start-Process -FilePath '"
		script := got[3]
		pdf, rest, ok := strings.Cut(strings.TrimPrefix(script, start), "' ")
		if !strings.HasPrefix(script, start) || !ok || rest != tc.verb {
			t.Fatalf("PowerShell's script %q, want %s…' %s", script, start, tc.verb)
		}
		if dir := filepath.Join(os.TempDir(), "medibooth-print"); filepath.Dir(pdf) != dir {
			t.Errorf("the PDF %s is not in %s", pdf, dir)
		}
		if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("the PDF handed to Windows: %v, %q…", err, b[:min(len(b), 8)])
		}
	}
}

// When Windows cannot print, the command says so in one sentence with what
// PowerShell said, and exits with 1.
func TestBadgePrintFailsWindows(t *testing.T) {
	c := newWindowsCLI(t)
	c.run("demo")
	var found struct{ Results []struct{ ID string } }
	c.mustJSON(&found, "visitor", "find", "sokolov")
	fakeProgram(t, "powershell", 1, "Start-Process : This command cannot be run: no application is associated with the file.")
	code, _, errs := c.run("badge", found.Results[0].ID, "--print")
	if code != 1 || !strings.Contains(errs, "Windows did not print the badge") || !strings.Contains(errs, "no application is associated") {
		t.Fatalf("exit %d, %q", code, errs)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// TestWindowScannerCheckin starts the real binary in a real window under
// Xvfb, types a demo visitor's badge code the way a keyboard-wedge scanner
// does, and checks from the database that exactly one admitted scan was
// stored. It keeps screenshots of the desk in every language.
//
// It runs when MEDIBOOTH_WINDOW_TEST=1 (make test sets it); then a missing
// Xvfb or xdotool is a failure, not a skip.
func TestWindowScannerCheckin(t *testing.T) {
	if os.Getenv("MEDIBOOTH_WINDOW_TEST") != "1" {
		t.Skip("set MEDIBOOTH_WINDOW_TEST=1 to drive a real window (make test does)")
	}
	for _, tool := range []string{"Xvfb", "xdotool", "xwd", "/usr/bin/convert"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run make deps-window", tool)
		}
	}
	artifacts := os.Getenv("MEDIBOOTH_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	}
	os.MkdirAll(artifacts, 0o755)

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "medibooth")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dataDir := filepath.Join(tmp, "data")
	var stderr bytes.Buffer
	m := &Main{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if code := m.Run(context.Background(), []string{"demo", "--data", dataDir}); code != 0 {
		t.Fatalf("demo: %d %s", code, stderr.String())
	}
	const pin = "739146"
	m.Stdin = strings.NewReader(pin + "\n")
	if code := m.Run(context.Background(), []string{"staff", "add", "--data", dataDir, "--name", "Park Ji-woo", "--role", "admin", "--pin-stdin"}); code != 0 {
		t.Fatalf("staff add: %d %s", code, stderr.String())
	}
	demo, err := booth.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	visitor := demo.Visitors[0]

	display := startXvfb(t)
	home := filepath.Join(tmp, "home")

	// Korean first (the default), then the other languages from the
	// preference the language switch writes.
	for i, lang := range []string{"ko", "ru", "kk", "en"} {
		if lang != "ko" {
			writeLanguagePref(t, home, lang)
		}
		app := startApp(t, bin, dataDir, display, home)
		wid := waitWindow(t, display, app)
		time.Sleep(1500 * time.Millisecond) // first frame
		// The lock screen: the only staff member with a PIN is chosen and
		// the cursor waits in the PIN field.
		screenshot(t, display, filepath.Join(artifacts, "signin-"+lang+".png"))
		xdo(t, display, "windowfocus", "--sync", wid)
		xdo(t, display, "type", "--delay", "40", pin)
		xdo(t, display, "key", "Return")
		waitColour(t, display, cardIdle) // the PIN checked, the desk open
		if i == 0 {
			xdo(t, display, "type", "--delay", "15", visitor.Code)
			xdo(t, display, "key", "Return")
			waitScans(t, dataDir, map[booth.Decision]int{booth.Admitted: 1})
			waitColour(t, display, cardAdmitted)
			screenshot(t, display, filepath.Join(artifacts, "desk-ko-admitted.png"))

			// The scanner sends the code again 3 s later: a duplicate, still
			// exactly one admitted scan.
			time.Sleep(2500 * time.Millisecond)
			xdo(t, display, "type", "--delay", "15", visitor.Code+"\t")
			waitScans(t, dataDir, map[booth.Decision]int{booth.Admitted: 1, booth.Duplicate: 1})
			waitColour(t, display, cardDuplicate)
			screenshot(t, display, filepath.Join(artifacts, "desk-ko-duplicate.png"))

			// A signed badge another laptop of the (demo) event issued to a
			// visitor this laptop never saw: admitted by name.
			time.Sleep(2500 * time.Millisecond)
			xdo(t, display, "type", "--delay", "4", otherLaptopBadge(t, filepath.Join(tmp, "other")))
			xdo(t, display, "key", "Return")
			waitScans(t, dataDir, map[booth.Decision]int{booth.Admitted: 2, booth.Duplicate: 1})
			waitColour(t, display, cardAdmitted)
			screenshot(t, display, filepath.Join(artifacts, "desk-ko-badge.png"))
		} else {
			screenshot(t, display, filepath.Join(artifacts, "desk-"+lang+".png"))
		}
		stopApp(t, app)
	}
	t.Logf("screenshots in %s", artifacts)
}

// otherLaptopBadge registers a visitor on another demo laptop and returns
// the badge code it issues.
func otherLaptopBadge(t *testing.T, dir string) string {
	t.Helper()
	var out, stderr bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if code := m.Run(context.Background(), []string{"demo", "--data", dir}); code != 0 {
		t.Fatalf("demo: %s", stderr.String())
	}
	out.Reset()
	if code := m.Run(context.Background(), []string{"visitor", "add", "--consent", "contact", "--data", dir, "--name", "Гүлназ Әбенова", "--json"}); code != 0 {
		t.Fatalf("visitor add: %s", stderr.String())
	}
	var v struct{ Code string }
	if err := json.Unmarshal(out.Bytes(), &v); err != nil || v.Code == "" {
		t.Fatalf("visitor add: %v %q", err, out.String())
	}
	return v.Code
}

func startXvfb(t testing.TB) string {
	t.Helper()
	for n := 90; n < 130; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		for range 50 {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return display
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not start", display)
	}
	t.Fatal("no free X display")
	return ""
}

func startApp(t testing.TB, bin, dataDir, display, home string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "--data", dataDir)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"LANG=en_US.UTF-8", "LANGUAGE=", "WAYLAND_DISPLAY=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("app output:\n%s", out.String())
		}
	})
	return cmd
}

func stopApp(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

func waitWindow(t testing.TB, display string, app *exec.Cmd) string {
	t.Helper()
	exited := make(chan struct{})
	go func() {
		for app.ProcessState == nil {
			if p, err := os.FindProcess(app.Process.Pid); err != nil || p.Signal(syscall.Signal(0)) != nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		close(exited)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", "medibooth")
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := cmd.Output(); err == nil {
			if ids := strings.Fields(string(out)); len(ids) > 0 {
				return ids[0]
			}
		}
		select {
		case <-exited:
			t.Fatal("the app exited before its window appeared")
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatal("the medibooth window did not appear within 30 s")
	return ""
}

func xdo(t testing.TB, display string, args ...string) {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
}

func screenshot(t *testing.T, display, path string) {
	t.Helper()
	xwd := exec.Command("xwd", "-root", "-display", display)
	conv := exec.Command("/usr/bin/convert", "xwd:-", path)
	pipe, err := xwd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	conv.Stdin = pipe
	if err := conv.Start(); err != nil {
		t.Fatal(err)
	}
	if err := xwd.Run(); err != nil {
		t.Fatalf("xwd: %v", err)
	}
	if err := conv.Wait(); err != nil {
		t.Fatalf("convert: %v", err)
	}
}

// waitScans waits until the database holds exactly the demo fair's scans
// and the wanted ones.
func waitScans(t *testing.T, dataDir string, added map[booth.Decision]int) {
	t.Helper()
	demo, err := booth.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	want := maps.Clone(added)
	for _, s := range demo.Scans {
		want[s.Decision]++
	}
	var got map[booth.Decision]int
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		db, err := data.OpenDir(dataDir)
		if err != nil {
			t.Fatal(err)
		}
		got, err = db.ScanCount(context.Background())
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) == fmt.Sprint(want) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("scans stored: %v, want %v", got, want)
}

// writeLanguagePref sets the language the way the switch in the window
// does: in Fyne's preferences file for the app.
func writeLanguagePref(t testing.TB, home, lang string) {
	t.Helper()
	dir := filepath.Join(home, ".config", "fyne", "kr.medibooth.desk")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "preferences.json"), []byte(`{"language":"`+lang+`"}`), 0o644); err != nil {
		t.Fatal(err)
	}
}

package label

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

// fakeCommand puts an executable shell script called name first on PATH.
// The script runs body with $OUT set to a directory it may write to, which
// fakeCommand returns.
func fakeCommand(t *testing.T, name, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake commands are shell scripts")
	}
	bin, out := t.TempDir(), t.TempDir()
	script := "#!/bin/sh\nOUT='" + out + "'\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("TMPDIR", t.TempDir())
	return out
}

// recordArgs writes each argument on a line of $OUT/args and copies the
// last one, the file, to $OUT/got.pdf.
const recordArgs = `printf '%s\n' "$@" > "$OUT/args"
for last; do :; done
cp "$last" "$OUT/got.pdf"`

func readArgs(t *testing.T, out string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "args"))
	if err != nil {
		t.Fatalf("the command did not run: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func testPDF(t *testing.T) []byte {
	t.Helper()
	p, err := LabelPDF([]Badge{badges["kk"]}, fonts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrintLP(t *testing.T) {
	pdf := testPDF(t)
	for _, tc := range []struct {
		printer string
		want    []string // arguments before the file
	}{
		{"Brother_QL-820NWB", []string{"-d", "Brother_QL-820NWB", "-t", "medibooth-badge"}},
		{"", []string{"-t", "medibooth-badge"}},
	} {
		out := fakeCommand(t, "lp", recordArgs)
		if err := Print(context.Background(), pdf, tc.printer); err != nil {
			t.Fatalf("Print(%q): %v", tc.printer, err)
		}
		args := readArgs(t, out)
		if len(args) != len(tc.want)+1 || strings.Join(args[:len(tc.want)], " ") != strings.Join(tc.want, " ") {
			t.Errorf("lp %q, want %q and the file", args, tc.want)
		}
		got, err := os.ReadFile(filepath.Join(out, "got.pdf"))
		if err != nil || !bytes.Equal(got, pdf) {
			t.Errorf("lp got %d bytes (%v), not the %d-byte PDF", len(got), err, len(pdf))
		}
		if _, err := os.Stat(args[len(args)-1]); !os.IsNotExist(err) {
			t.Errorf("temporary file %s left behind (%v)", args[len(args)-1], err)
		}
	}
}

func TestPrintLPFails(t *testing.T) {
	pdf := testPDF(t)
	fakeCommand(t, "lp", `echo "lp: The printer or class does not exist." >&2; exit 1`)
	err := Print(context.Background(), pdf, "Nowhere")
	msg := booth.ErrorMessage(err)
	if booth.ErrorCode(err) != booth.ECONFLICT || !strings.Contains(msg, "The printer or class does not exist.") || !strings.Contains(msg, "Nowhere") {
		t.Errorf("Print: %v", err)
	}
	err = Print(context.Background(), pdf, "")
	if msg := booth.ErrorMessage(err); !strings.HasPrefix(msg, "No printer is ready on this laptop: lp said") {
		t.Errorf("Print to the default: %q", msg)
	}
}

func TestPrintNoLP(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	old := lpCommand
	lpCommand = "medibooth-test-no-such-lp"
	t.Cleanup(func() { lpCommand = old })
	err := Print(context.Background(), testPDF(t), "")
	if booth.ErrorCode(err) != booth.ENOTFOUND || !strings.HasPrefix(booth.ErrorMessage(err), "No printer is set up on this laptop") {
		t.Errorf("Print without lp: %v", err)
	}
}

func TestPrintCancel(t *testing.T) {
	fakeCommand(t, "lp", `exec sleep 30`)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := Print(ctx, testPDF(t), "")
	if err != context.DeadlineExceeded {
		t.Errorf("Print: %v, want the context's error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Print took %v after its context ended", d)
	}
}

func TestPrintInvalid(t *testing.T) {
	out := fakeCommand(t, "lp", recordArgs)
	for _, tc := range []struct {
		pdf     []byte
		printer string
	}{
		{nil, ""},
		{[]byte("hello"), ""},
		{testPDF(t), "-oraw"},
		{testPDF(t), "a\nb"},
	} {
		if err := Print(context.Background(), tc.pdf, tc.printer); booth.ErrorCode(err) != booth.EINVALID {
			t.Errorf("Print(%.10q, %q): %v, want invalid", tc.pdf, tc.printer, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "args")); err == nil {
		t.Error("lp ran for invalid input")
	}
}

// TestPrintWindows drives the Windows branch with a fake powershell: the
// file must stay for the PDF program that opens it later, and old ones go.
func TestPrintWindows(t *testing.T) {
	pdf := testPDF(t)
	out := fakeCommand(t, "powershell", `printf '%s\n' "$@" > "$OUT/args"`)
	old := filepath.Join(os.TempDir(), "medibooth-print", "medibooth-badge-old.pdf")
	if err := os.MkdirAll(filepath.Dir(old), 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(old, pdf, 0o600)
	os.Chtimes(old, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour))

	for _, tc := range []struct{ printer, verb string }{
		{"", "-Verb Print"},
		{"Brother QL", `-Verb PrintTo -ArgumentList '"Brother QL"'`},
	} {
		if err := printWindows(context.Background(), pdf, tc.printer); err != nil {
			t.Fatal(err)
		}
		args := readArgs(t, out)
		if len(args) != 4 || args[0] != "-NoProfile" || args[2] != "-Command" {
			t.Fatalf("powershell %q", args)
		}
		script := args[3]
		i, j := strings.Index(script, "'"), strings.Index(script, ".pdf'")
		if !strings.HasPrefix(script, "Start-Process -FilePath '") || j < 0 || !strings.HasSuffix(script, tc.verb) {
			t.Fatalf("script %q", script)
		}
		if got, err := os.ReadFile(script[i+1 : j+4]); err != nil || !bytes.Equal(got, pdf) {
			t.Errorf("file handed to Windows is not the PDF (%v)", err)
		}
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("an hour-old print file was not removed (%v)", err)
	}
	if err := printWindows(context.Background(), pdf, `a"b`); booth.ErrorCode(err) != booth.EINVALID {
		t.Errorf("printer with a quote: %v", err)
	}
}

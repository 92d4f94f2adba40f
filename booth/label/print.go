package label

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode"

	"medibooth/booth"
)

// The programs Print runs, found on PATH; tests replace them.
var (
	lpCommand         = "lp"
	powershellCommand = "powershell"
)

// windowsKeep is how long a PDF handed to Windows is kept: the program that
// prints it opens the file after PowerShell has returned.
const windowsKeep = time.Hour

// Print sends a PDF to printer, or to the default printer when printer is "".
// On Linux and macOS it runs CUPS lp; on Windows it asks the program that
// opens PDFs to print it. A failure comes back as one sentence that quotes
// what the system said.
func Print(ctx context.Context, pdf []byte, printer string) error {
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return booth.Errorf(booth.EINVALID, "There is no PDF to print.")
	}
	// A name starting with "-" would be read as an option.
	if strings.HasPrefix(printer, "-") || strings.IndexFunc(printer, unicode.IsControl) >= 0 {
		return booth.Errorf(booth.EINVALID, "The printer name %q is not valid.", printer)
	}
	if runtime.GOOS == "windows" {
		return printWindows(ctx, pdf, printer)
	}
	return printLP(ctx, pdf, printer)
}

func printLP(ctx context.Context, pdf []byte, printer string) error {
	name, err := writeTemp("", pdf)
	if err != nil {
		return err
	}
	// lp hands the whole file to the CUPS scheduler before it exits.
	defer os.Remove(name)
	var args []string
	if printer != "" {
		args = append(args, "-d", printer)
	}
	args = append(args, "-t", "medibooth-badge", name)
	said, err := run(ctx, lpCommand, args...)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, exec.ErrNotFound):
		return booth.Errorf(booth.ENOTFOUND, "No printer is set up on this laptop: the CUPS command lp is not installed.")
	case printer == "":
		return booth.Errorf(booth.ECONFLICT, "No printer is ready on this laptop: lp said %q.", said)
	}
	return booth.Errorf(booth.ECONFLICT, "The printer %q did not take the badge: lp said %q.", printer, said)
}

func printWindows(ctx context.Context, pdf []byte, printer string) error {
	if strings.ContainsRune(printer, '"') {
		return booth.Errorf(booth.EINVALID, "The printer name %q is not valid.", printer)
	}
	dir := filepath.Join(os.TempDir(), "medibooth-print")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return booth.Errorf(booth.EINTERNAL, "The badge could not be saved for printing: %v.", err)
	}
	sweep(dir, time.Now().Add(-windowsKeep))
	name, err := writeTemp(dir, pdf)
	if err != nil {
		return err
	}
	script := "Start-Process -FilePath " + psQuote(name) + " -Verb Print"
	if printer != "" {
		script = "Start-Process -FilePath " + psQuote(name) + " -Verb PrintTo -ArgumentList " + psQuote(`"`+printer+`"`)
	}
	said, err := run(ctx, powershellCommand, "-NoProfile", "-NonInteractive", "-Command", script)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, exec.ErrNotFound):
		return booth.Errorf(booth.ENOTFOUND, "Windows cannot print the badge: PowerShell is not installed.")
	}
	return booth.Errorf(booth.ECONFLICT, "Windows did not print the badge (is a PDF reader installed?): PowerShell said %q.", said)
}

// run runs a command and returns its standard error on one line, or the
// error itself when it wrote nothing.
func run(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	// A child left holding stderr after a cancel must not hold Print up.
	cmd.WaitDelay = 2 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		return "", nil
	}
	said := strings.Join(strings.Fields(stderr.String()), " ")
	if said == "" {
		said = err.Error()
	}
	if r := []rune(said); len(r) > 300 {
		said = string(r[:300]) + "…"
	}
	return said, err
}

// writeTemp writes pdf to a new file in dir ("" for the system's temporary
// directory) and returns its name.
func writeTemp(dir string, pdf []byte) (string, error) {
	f, err := os.CreateTemp(dir, "medibooth-badge-*.pdf")
	if err != nil {
		return "", booth.Errorf(booth.EINTERNAL, "The badge could not be saved for printing: %v.", err)
	}
	_, err = f.Write(pdf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", booth.Errorf(booth.EINTERNAL, "The badge could not be saved for printing: %v.", err)
	}
	return f.Name(), nil
}

// sweep removes badge PDFs in dir last changed before cutoff.
func sweep(dir string, cutoff time.Time) {
	old, _ := filepath.Glob(filepath.Join(dir, "medibooth-badge-*.pdf"))
	for _, name := range old {
		if fi, err := os.Stat(name); err == nil && fi.ModTime().Before(cutoff) {
			os.Remove(name)
		}
	}
}

// psQuote quotes s as a PowerShell single-quoted string, in which only the
// quote itself is special.
func psQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

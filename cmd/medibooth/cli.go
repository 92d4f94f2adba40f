package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"medibooth/booth"
	"medibooth/data"
)

// Exit codes of the CLI contract.
const (
	exitOK        = 0
	exitFailure   = 1 // bad input or failure
	exitUsage     = 2 // the command line itself is wrong
	exitDuplicate = 3 // checkin: already checked in that day
	exitRejected  = 4 // checkin: rejected
)

// Main runs one invocation of medibooth; tests drive it with their own
// streams and environment.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// GUI opens the desk window; nil in tests.
	GUI func(dataDir string) error
}

// usageError is a mistake in the command line (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitError carries a non-zero exit code that is not a failure (checkin 3, 4).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Run executes args and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	err := m.run(ctx, args)
	var ue usageError
	var ee exitError
	var hr helpRequest
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &hr):
		fmt.Fprint(m.Stdout, hr.text())
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(m.Stderr, ue.msg)
		fmt.Fprintln(m.Stderr, "Run \"medibooth help\" for the list of commands.")
		return exitUsage
	default:
		fmt.Fprintln(m.Stderr, sentence(err))
		return exitFailure
	}
}

// sentence turns an error into the one sentence a person reads.
func sentence(err error) string {
	if booth.ErrorCode(err) == booth.EINTERNAL {
		return "medibooth failed: " + err.Error()
	}
	return booth.ErrorMessage(err)
}

func (m *Main) run(ctx context.Context, args []string) error {
	shared, rest := splitShared(args)
	if len(rest) == 0 || (strings.HasPrefix(rest[0], "-") && !isHelp(rest[0]) && rest[0] != "--version") {
		return m.runGUI(args)
	}
	c, rest, err := findCommand(rest)
	if err != nil {
		return err
	}
	if !c.meta {
		rest = slices.Concat(shared, rest)
	}
	return c.run(m, ctx, rest)
}

func (m *Main) runGUI(args []string) error {
	fs := m.flags("medibooth")
	dir := fs.String("data", "", "data directory")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if m.GUI == nil {
		return errors.New("this build has no window")
	}
	d, err := m.dataDir(*dir)
	if err != nil {
		return err
	}
	return m.GUI(d)
}

// flags returns a FlagSet that reports through Run rather than exiting.
func (m *Main) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse reads flags wherever they stand among the arguments (HQ scripts
// write "checkin CODE --json" as often as "checkin --json CODE") and checks
// the number of positional arguments. -h or --help anywhere before "--"
// asks for the command's usage instead.
func parse(fs *flag.FlagSet, args []string, minPos, maxPos int) ([]string, error) {
	for i := 0; i < len(args) && args[i] != "--"; i++ {
		if isHelp(args[i]) {
			return nil, helpRequest{name: fs.Name(), flags: fs}
		}
		if f := fs.Lookup(strings.TrimLeft(args[i], "-")); f != nil && args[i][0] == '-' && !isBoolFlag(f) {
			i++ // "--name -h" names someone "-h"
		}
	}
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			return nil, usagef("Unknown option %s.", a)
		}
		if isBoolFlag(f) {
			continue
		}
		if i+1 >= len(args) {
			return nil, usagef("The option %s needs a value.", a)
		}
		i++
		flags = append(flags, args[i])
	}
	if err := fs.Parse(flags); err != nil {
		return nil, usagef("%s", strings.TrimSpace(err.Error()))
	}
	if len(pos) < minPos || len(pos) > maxPos {
		switch {
		case maxPos == 0:
			return nil, usagef("\"%s\" takes no arguments besides options, but got %q.", fs.Name(), pos)
		case minPos == maxPos && minPos == 1:
			return nil, usagef("\"%s\" needs exactly one argument.", fs.Name())
		case len(pos) < minPos:
			return nil, usagef("\"%s\" needs at least %d argument(s).", fs.Name(), minPos)
		default:
			return nil, usagef("\"%s\" takes at most %d argument(s).", fs.Name(), maxPos)
		}
	}
	return pos, nil
}

// isBoolFlag reports whether f is a switch, which takes no value.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// multi is a repeatable string flag (--dept A --dept B).
type multi []string

func (s *multi) String() string     { return strings.Join(*s, ",") }
func (s *multi) Set(v string) error { *s = append(*s, v); return nil }

// common are the options every data command takes.
type common struct {
	data *string
	json *bool
}

func (m *Main) common(fs *flag.FlagSet) common {
	return common{data: fs.String("data", "", "the data directory (default: $MEDIBOOTH_DATA, else the user's data directory)"), json: fs.Bool("json", false, "print one JSON object")}
}

// dataDir resolves --data, then MEDIBOOTH_DATA, then the user's data folder.
func (m *Main) dataDir(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if d := m.Getenv("MEDIBOOTH_DATA"); d != "" {
		return d, nil
	}
	return defaultDataDir(m.Getenv)
}

func defaultDataDir(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "medibooth"), nil
		}
	case "darwin":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support", "medibooth"), nil
		}
	default:
		if d := getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "medibooth"), nil
		}
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, ".local", "share", "medibooth"), nil
		}
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", booth.Errorf(booth.EINVALID, "Cannot find a data directory; give one with --data.")
	}
	return filepath.Join(h, ".medibooth"), nil
}

func (m *Main) open(c common) (*data.DB, error) {
	dir, err := m.dataDir(*c.data)
	if err != nil {
		return nil, err
	}
	return data.OpenDir(dir)
}

// openEvent opens the data directory of an event that is set up; the caller
// closes the database.
func (m *Main) openEvent(ctx context.Context, c common) (*data.DB, *booth.Event, error) {
	db, err := m.open(c)
	if err != nil {
		return nil, nil, err
	}
	ev, err := db.Event(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, ev, nil
}

// print writes v as one JSON object with --json, else the text line(s).
func (m *Main) print(c common, v any, text string) error {
	if *c.json {
		enc := json.NewEncoder(m.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
	_, err := fmt.Fprint(m.Stdout, text)
	return err
}

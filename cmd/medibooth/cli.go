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

const usage = `medibooth — check-in and consultation desk for medical-tourism fairs

Usage:
  medibooth                                  open the check-in desk (GUI)
  medibooth --version                        the version of this medibooth
  medibooth demo                             load the embedded demo event (idempotent)
  medibooth event init --name N --city C --country CC --start YYYY-MM-DD --end YYYY-MM-DD [--tz ZONE]
  medibooth event package --out FILE         HQ: the signed set-up file for the event's laptops
  medibooth event join FILE [--device-name NAME]   set this laptop up from that file
  medibooth event keys [--json]              the badge keys this laptop knows
  medibooth event revoke KEY_ID [--reason R] refuse every badge that laptop key issued
  medibooth org add --kind hospital|agency|firm --name N [--dept D]... [--json]
  medibooth org list [--kind hospital|agency|firm] [--json]
  medibooth org key HOSPITAL                 HQ: the hospital's key for sealed notes, wrapped with the
                                             passphrase read from standard input (12+ characters)
  medibooth visitor add --name N [--phone P] [--email E] [--type patient|companion|agency|media|other]
                        [--lang ru|kk|en|ko] [--country CC] [--city C] [--birth-year YYYY]
                        --consent contact[,health,transfer,marketing] [--share-with HOSPITAL]... [--interest SPECIALTY]...
                        [--print [--printer P]] [--json]
  medibooth visitor import FILE.csv|FILE.xlsx [--json]
  medibooth visitor find QUERY [--json]
  medibooth visitor consent VISITOR_ID [--give contact,health,transfer,marketing] [--withdraw PURPOSES]
                        [--share-with HOSPITAL]... [--stop-sharing-with HOSPITAL]... [--json]
                                             record consents given or withdrawn after registering,
                                             with the texts in the visitor's language
  medibooth visitor erase VISITOR_ID [--json]   erase a visitor at their request (a tombstone stays)
  medibooth visitor duplicates [--json]      HQ: records that look like one person registered twice (same
                                             phone, or the same name in any spelling and birth year)
  medibooth visitor merge KEEP_ID OTHER_ID [--json]   count two records as one person; both keep their history
  medibooth visitor separate VISITOR_ID [--json]      undo a merge: the record counts as its own person again
  medibooth visitor apart ID ID... [--json]  these look-alike records are different people: report them no more
  medibooth consult add --visitor ID --hospital H --dept D [--doctor NAME] [--notes TEXT] [--complaint C]
                        [--recommendation tele-consultation|send-records|quote|treatment-visit|none]
                        [--follow-up yes|maybe|no] [--follow-up-when W] [--follow-up-by WHO]
                        [--interpreter LANG] [--at TIME] [--json]
                                             needs the visitor's consent to health information; the notes
                                             are sealed to the hospital's key
  medibooth consult list [--hospital H [--passphrase-stdin]] [--visitor ID] [--json]
                                             with the hospital's passphrase on standard input, the notes too
  medibooth staff add --name N --role desk|doctor|coordinator|admin [--hospital H] [--pin-stdin] [--json]
  medibooth staff list [--json]
  medibooth staff pin STAFF_ID|NAME          set a PIN read from standard input (ends a lockout)
  medibooth badge VISITOR_ID [--out FILE.png|FILE.pdf] [--sheet] [--print] [--printer P] [--reprint]
                                             print the badge code; save or print the badge
  medibooth report [--format json|csv|xlsx|pdf] [--out FILE] [--hospital H] [--lang ko|en|ru|kk]
                                             visitors, check-ins, consultations, meetings, consent rates
  medibooth leads --out DIR [--format xlsx|csv] [--hospital H [--passphrase-stdin]] [--lang ko|en|ru|kk] [--json]
                                             one lead file per hospital: the visitors who consented to it;
                                             note text only in the file of the hospital whose passphrase
                                             is read from standard input
  medibooth checkin CODE [--at TIME] [--json]   exit 0 admitted, 3 already checked in that day, 4 rejected
  medibooth scan IMAGE... [--json]           decode QR codes in PNG or JPEG images, then check each in
  medibooth meeting add --firm ORG --agency NAME [--city C] [--contact X] [--attendees A]
                        [--outcome TEXT] [--mou] [--next TEXT] [--at TIME] [--json]
                                             log a B2B meeting; a new agency joins the directory
  medibooth meeting list [--firm ORG] [--json]   the meetings, newest first, and counts per firm and agency
  medibooth sync export --out FILE [--json]  this laptop's data for HQ: a bundle signed by this laptop and
                                             encrypted to HQ (only HQ opens it)
  medibooth sync import FILE... [--json]     HQ: merge laptops' bundles into this database; a bundle imported
                                             before changes nothing; a refused one is named with its reason
  medibooth sync push --to URL [--json]      the same bundle, sent to HQ's server (hq serve)
  medibooth booth serve [--addr :47123] [--peer HOST:PORT]... [--no-mdns] [--interval 5s]
                                             run this laptop on the booth network until interrupted: it finds
                                             the event's other laptops (multicast DNS, or --peer, kept for next
                                             time) and exchanges changes with each, encrypted; one line each
  medibooth booth sync --peer HOST:PORT [--json]   one exchange with that laptop: rows received and sent
  medibooth booth status [--json]            the laptops exchanged with, when, and the changes held per laptop
  medibooth hq serve [--addr HOST:PORT]      HQ: receive bundles from the event's laptops (default 127.0.0.1:8080)
  medibooth sync status [--json]             this laptop's last bundle; at HQ, each laptop's last bundle
  medibooth sync confirm CODE [--json]       laptop: HQ imported the bundle (sync import names its receipt code)
  medibooth sync retention [DAYS] [--json]   laptop: days personal data stays after HQ confirmed it (0–365,
                                             default 7); without DAYS, the setting
  medibooth sync purge [--yes] [--json]      laptop: purge the personal data HQ confirmed (after the retention
                                             days); the booth's counts stay. Without --yes, only what it would do

Every command takes --data DIR (default: $MEDIBOOTH_DATA, else the user's data directory).
`

// Run executes args and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	err := m.run(ctx, args)
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
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
	if len(args) == 0 || (strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" && args[0] != "--version") {
		return m.runGUI(args)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	case "version", "--version":
		fmt.Fprintln(m.Stdout, booth.VersionLine())
		return nil
	case "demo":
		return m.runDemo(ctx, rest)
	case "event":
		return m.sub(ctx, "event", rest, map[string]func(context.Context, []string) error{
			"init": m.runEventInit, "package": m.runEventPackage, "join": m.runEventJoin, "keys": m.runEventKeys, "revoke": m.runEventRevoke})
	case "org":
		return m.sub(ctx, "org", rest, map[string]func(context.Context, []string) error{"add": m.runOrgAdd, "list": m.runOrgList, "key": m.runOrgKey})
	case "consult":
		return m.sub(ctx, "consult", rest, map[string]func(context.Context, []string) error{"add": m.runConsultAdd, "list": m.runConsultList})
	case "visitor":
		return m.sub(ctx, "visitor", rest, map[string]func(context.Context, []string) error{
			"add": m.runVisitorAdd, "import": m.runVisitorImport, "find": m.runVisitorFind, "erase": m.runVisitorErase, "consent": m.runVisitorConsent,
			"duplicates": m.runVisitorDuplicates, "merge": m.runVisitorMerge, "separate": m.runVisitorSeparate, "apart": m.runVisitorApart})
	case "staff":
		return m.sub(ctx, "staff", rest, map[string]func(context.Context, []string) error{
			"add": m.runStaffAdd, "list": m.runStaffList, "pin": m.runStaffPIN})
	case "report":
		return m.runReport(ctx, rest)
	case "leads":
		return m.runLeads(ctx, rest)
	case "sync":
		return m.sub(ctx, "sync", rest, map[string]func(context.Context, []string) error{
			"export": m.runSyncExport, "import": m.runSyncImport, "status": m.runSyncStatus, "push": m.runSyncPush,
			"confirm": m.runSyncConfirm, "purge": m.runSyncPurge, "retention": m.runSyncRetention})
	case "booth":
		return m.sub(ctx, "booth", rest, map[string]func(context.Context, []string) error{
			"serve": m.runBoothServe, "sync": m.runBoothSync, "status": m.runBoothStatus})
	case "hq":
		return m.sub(ctx, "hq", rest, map[string]func(context.Context, []string) error{"serve": m.runHQServe})
	case "checkin":
		return m.runCheckin(ctx, rest)
	case "badge":
		return m.runBadge(ctx, rest)
	case "scan":
		return m.runScan(ctx, rest)
	case "meeting":
		return m.sub(ctx, "meeting", rest, map[string]func(context.Context, []string) error{
			"add": m.runMeetingAdd, "list": m.runMeetingList})
	}
	return usagef("Unknown command %q.", cmd)
}

func (m *Main) sub(ctx context.Context, name string, args []string, cmds map[string]func(context.Context, []string) error) error {
	if len(args) == 0 {
		return usagef("\"medibooth %s\" needs a subcommand.", name)
	}
	f, ok := cmds[args[0]]
	if !ok {
		return usagef("Unknown command \"%s %s\".", name, args[0])
	}
	return f(ctx, args[1:])
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
// the number of positional arguments.
func parse(fs *flag.FlagSet, args []string, minPos, maxPos int) ([]string, error) {
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
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
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
	return common{data: fs.String("data", "", "data directory"), json: fs.Bool("json", false, "print one JSON object")}
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

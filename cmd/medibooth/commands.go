package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"unicode/utf8"

	"medibooth/booth"
)

// command is one row of the command table: dispatch, the usage text, each
// command's --help and the command list in README.md all come from it.
type command struct {
	name     string // "visitor add"; "" for medibooth alone
	synopsis string // arguments and options, as a command line shows them
	desc     string // what it does, in one line that the usage wraps
	run      func(m *Main, ctx context.Context, args []string) error
	// meta commands read no data: the options every command shares are
	// not passed to them.
	meta bool
}

// commands is the command table, in the order the usage lists them. It is
// filled by init because help, one of its rows, reads it.
var commands []command

func init() {
	commands = []command{
		{name: "", desc: "open the check-in desk (GUI)",
			run: func(m *Main, _ context.Context, args []string) error { return m.runGUI(args) }},
		{name: "--version", desc: "the version of this medibooth (also in every bundle, and named by HQ's import)",
			run: (*Main).runVersion, meta: true},
		{name: "help", synopsis: "[COMMAND]", desc: "this list, or the usage and options of one command (as COMMAND --help)",
			run: (*Main).runHelp, meta: true},
		{name: "demo", synopsis: "[--json]", desc: "load the embedded demo event (loading it again adds nothing)",
			run: (*Main).runDemo},

		{name: "event init", synopsis: "--name N --city C --country CC --start YYYY-MM-DD --end YYYY-MM-DD [--tz ZONE] [--json]",
			desc: "HQ: set up a new event in this data directory", run: (*Main).runEventInit},
		{name: "event package", synopsis: "--out FILE [--json]", desc: "HQ: the signed set-up file for the event's laptops",
			run: (*Main).runEventPackage},
		{name: "event join", synopsis: "FILE [--device-name NAME] [--json]", desc: "set this laptop up from that file",
			run: (*Main).runEventJoin},
		{name: "event keys", synopsis: "[--json]", desc: "the badge keys this laptop knows", run: (*Main).runEventKeys},
		{name: "event revoke", synopsis: "KEY_ID [--reason R] [--json]", desc: "refuse every badge that laptop key issued",
			run: (*Main).runEventRevoke},

		{name: "org add", synopsis: "--kind hospital|agency|firm --name N [--dept D]... [--json]",
			desc: "add a hospital, agency or firm", run: (*Main).runOrgAdd},
		{name: "org list", synopsis: "[--kind hospital|agency|firm] [--json]", desc: "the hospitals, agencies and firms",
			run: (*Main).runOrgList},
		{name: "org key", synopsis: "HOSPITAL [--json]",
			desc: "HQ: the hospital's key for sealed notes, wrapped with the passphrase read from standard input (12+ characters)",
			run:  (*Main).runOrgKey},

		{name: "visitor add", synopsis: "--name N --consent contact[,health,transfer,marketing] [--phone P] [--email E] [--messenger M] " +
			"[--type patient|companion|agency|media|other] [--lang ru|kk|en|ko] [--country CC] [--city C] [--birth-year YYYY] " +
			"[--share-with HOSPITAL]... [--interest SPECIALTY]... [--print [--printer P]] [--json]",
			desc: "register a visitor who consents to the collection of their data and to being contacted",
			run:  (*Main).runVisitorAdd},
		{name: "visitor import", synopsis: "FILE.csv|FILE.xlsx [--json]", desc: "register the visitors of an HQ or agency list",
			run: (*Main).runVisitorImport},
		{name: "visitor find", synopsis: "QUERY [--limit N] [--json]",
			desc: "a name in any script or transliteration, phone digits or an e-mail address", run: (*Main).runVisitorFind},
		{name: "visitor consent", synopsis: "VISITOR_ID [--give PURPOSES] [--withdraw PURPOSES] [--share-with HOSPITAL]... " +
			"[--stop-sharing-with HOSPITAL]... [--json]",
			desc: "record consents given or withdrawn after registering, with the texts in the visitor's language",
			run:  (*Main).runVisitorConsent},
		{name: "visitor erase", synopsis: "VISITOR_ID [--json]", desc: "erase a visitor at their request (a tombstone stays)",
			run: (*Main).runVisitorErase},
		{name: "visitor duplicates", synopsis: "[--json]",
			desc: "HQ: records that look like one person registered twice (same phone, or the same name in any spelling and birth year)",
			run:  (*Main).runVisitorDuplicates},
		{name: "visitor merge", synopsis: "KEEP_ID OTHER_ID [--json]", desc: "count two records as one person; both keep their history",
			run: (*Main).runVisitorMerge},
		{name: "visitor separate", synopsis: "VISITOR_ID [--json]", desc: "undo a merge: the record counts as its own person again",
			run: (*Main).runVisitorSeparate},
		{name: "visitor apart", synopsis: "ID ID... [--json]", desc: "these look-alike records are different people: report them no more",
			run: (*Main).runVisitorApart},

		{name: "consult add", synopsis: "--visitor ID --hospital H --dept D [--doctor NAME] [--notes TEXT] [--complaint C] " +
			"[--recommendation tele-consultation|send-records|quote|treatment-visit|none] [--follow-up yes|maybe|no] " +
			"[--follow-up-when W] [--follow-up-by WHO] [--interpreter LANG] [--at TIME] [--json]",
			desc: "record a consultation; needs the visitor's consent to health information; the notes are sealed to the hospital's key",
			run:  (*Main).runConsultAdd},
		{name: "consult list", synopsis: "[--hospital H [--passphrase-stdin]] [--visitor ID] [--json]",
			desc: "the consultations; with the hospital's passphrase on standard input, the notes too", run: (*Main).runConsultList},

		{name: "staff add", synopsis: "--name N --role desk|doctor|coordinator|admin [--hospital H] [--pin-stdin] [--json]",
			desc: "add a staff member; with --pin-stdin, the PIN read from standard input", run: (*Main).runStaffAdd},
		{name: "staff list", synopsis: "[--json]", desc: "the staff and their roles", run: (*Main).runStaffList},
		{name: "staff pin", synopsis: "STAFF_ID|NAME [--json]", desc: "set a PIN read from standard input (ends a lockout)",
			run: (*Main).runStaffPIN},

		{name: "badge", synopsis: "VISITOR_ID... [--out FILE.png|FILE.pdf] [--sheet] [--print] [--printer P] [--reprint] [--json]",
			desc: "print the badge code; save or print the badge", run: (*Main).runBadge},
		{name: "checkin", synopsis: "CODE [--at TIME] [--json]",
			desc: "check a badge in: exit 0 admitted, 3 already checked in that day, 4 rejected", run: (*Main).runCheckin},
		{name: "scan", synopsis: "IMAGE... [--json]", desc: "decode QR codes in PNG or JPEG images, then check each in",
			run: (*Main).runScan},
		{name: "report", synopsis: "[--format json|csv|xlsx|pdf] [--out FILE] [--hospital H] [--lang ko|en|ru|kk]",
			desc: "visitors, check-ins, consultations, meetings, consent rates", run: (*Main).runReport},
		{name: "leads", synopsis: "--out DIR [--format xlsx|csv] [--hospital H [--passphrase-stdin]] [--lang ko|en|ru|kk] [--json]",
			desc: "one lead file per hospital: the visitors who consented to it; note text only in the file of the hospital " +
				"whose passphrase is read from standard input",
			run: (*Main).runLeads},

		{name: "meeting add", synopsis: "--firm ORG --agency NAME [--city C] [--contact X] [--attendees A] [--outcome TEXT] " +
			"[--mou] [--next TEXT] [--at TIME] [--json]",
			desc: "log a B2B meeting; a new agency joins the directory", run: (*Main).runMeetingAdd},
		{name: "meeting list", synopsis: "[--firm ORG] [--json]", desc: "the meetings, newest first, and counts per firm and agency",
			run: (*Main).runMeetingList},

		{name: "sync export", synopsis: "--out FILE [--json]",
			desc: "this laptop's data for HQ: a bundle signed by this laptop and encrypted to HQ (only HQ opens it)",
			run:  (*Main).runSyncExport},
		{name: "sync import", synopsis: "FILE... [--json]",
			desc: "HQ: merge laptops' bundles into this database; a bundle imported before changes nothing; " +
				"a refused one is named with its reason",
			run: (*Main).runSyncImport},
		{name: "sync push", synopsis: "--to URL [--insecure-http] [--json]", desc: "the same bundle, sent to HQ's server (hq serve)",
			run: (*Main).runSyncPush},
		{name: "sync status", synopsis: "[--json]", desc: "this laptop's last bundle; at HQ, each laptop's last bundle",
			run: (*Main).runSyncStatus},
		{name: "sync confirm", synopsis: "CODE [--json]", desc: "laptop: HQ imported the bundle (sync import names its receipt code)",
			run: (*Main).runSyncConfirm},
		{name: "sync retention", synopsis: "[DAYS] [--json]",
			desc: "laptop: days personal data stays after HQ confirmed it (0–365, default 7); without DAYS, the setting",
			run:  (*Main).runSyncRetention},
		{name: "sync purge", synopsis: "[--yes] [--json]",
			desc: "laptop: purge the personal data HQ confirmed (after the retention days); the booth's counts stay. " +
				"Without --yes, only what it would do",
			run: (*Main).runSyncPurge},

		{name: "booth serve", synopsis: "[--addr :47123] [--peer HOST:PORT]... [--no-mdns] [--interval 5s]",
			desc: "run this laptop on the booth network until interrupted: it finds the event's other laptops " +
				"(multicast DNS, or --peer, kept for next time) and exchanges changes with each, encrypted; one line each",
			run: (*Main).runBoothServe},
		{name: "booth sync", synopsis: "--peer HOST:PORT [--json]", desc: "one exchange with that laptop: rows received and sent",
			run: (*Main).runBoothSync},
		{name: "booth status", synopsis: "[--json]", desc: "the laptops exchanged with, when, and the changes held per laptop",
			run: (*Main).runBoothStatus},
		{name: "hq serve", synopsis: "[--addr HOST:PORT] [--init] [--insecure-http]",
			desc: "HQ: receive bundles from the event's laptops (default 127.0.0.1:8080)", run: (*Main).runHQServe},
	}
}

// Layout of the command list: lines stay within listWidth characters and
// descriptions start at descColumn.
const (
	listWidth  = 100
	descColumn = 40
)

// findCommand returns the row named by the first word of args, or by the
// first two for a group such as "visitor add", and the arguments after it.
func findCommand(args []string) (*command, []string, error) {
	name := args[0]
	switch name {
	case "version":
		name = "--version"
	case "-h", "--help":
		name = "help"
	}
	if c := lookup(name); c != nil && name != "" {
		return c, args[1:], nil
	}
	if !isGroup(name) {
		return nil, nil, usagef("Unknown command %q.", name)
	}
	if len(args) == 1 {
		return nil, nil, usagef("\"medibooth %s\" needs a subcommand.", name)
	}
	if isHelp(args[1]) {
		return nil, nil, helpRequest{name: name}
	}
	c := lookup(name + " " + args[1])
	if c == nil {
		return nil, nil, usagef("Unknown command \"%s %s\".", name, args[1])
	}
	return c, args[2:], nil
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// isGroup reports whether name is the first word of commands such as
// "visitor add".
func isGroup(name string) bool {
	for _, c := range commands {
		if group, _, ok := strings.Cut(c.name, " "); ok && group == name {
			return true
		}
	}
	return false
}

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "-help" }

// splitShared takes the options every command shares (--data DIR, --json)
// off the front of args, so that "medibooth --data DIR demo" is
// "medibooth demo --data DIR".
func splitShared(args []string) (shared, rest []string) {
	i := 0
	for i < len(args) && len(args[i]) > 1 && args[i][0] == '-' {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		switch {
		case name == "json":
			i++
		case name == "data" && hasValue:
			i++
		case name == "data" && i+1 < len(args):
			i += 2
		default:
			return args[:i], args[i:]
		}
	}
	return args[:i], args[i:]
}

func (m *Main) runVersion(_ context.Context, args []string) error {
	fs := m.flags("--version")
	if _, err := parse(fs, args, 0, 1<<20); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, booth.VersionLine())
	return nil
}

// runHelp prints the usage, or with a command's name that command's usage
// and options, as "medibooth COMMAND --help" does.
func (m *Main) runHelp(ctx context.Context, args []string) error {
	fs := m.flags("help")
	if len(args) > 0 && args[0] == "--version" {
		args = append([]string{"version"}, args[1:]...)
	}
	words, err := parse(fs, args, 0, 2)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		return helpRequest{}
	}
	if len(words) == 1 && isGroup(words[0]) {
		return helpRequest{name: words[0]}
	}
	c, _, err := findCommand(words)
	if err != nil {
		return err
	}
	return c.run(m, ctx, []string{"--help"})
}

// helpRequest is -h or --help on a command line: Run prints the usage of
// the command, of a group of commands or of them all, and exits 0.
type helpRequest struct {
	name  string        // "visitor add", "visitor", or "" for every command
	flags *flag.FlagSet // the command's options; nil for a group or all
}

func (h helpRequest) Error() string { return "help" }

// text is what the help prints.
func (h helpRequest) text() string {
	c := lookup(h.name)
	switch {
	case h.name == "" || h.name == "medibooth":
		return usageText()
	case c == nil:
		return groupUsage(h.name)
	}
	var b strings.Builder
	head := strings.TrimSpace("Usage: medibooth " + c.name)
	for _, l := range wrapSynopsis(head, c.synopsis) {
		b.WriteString(l + "\n")
	}
	b.WriteString("\n")
	for _, l := range wrapWords(c.desc, listWidth) {
		b.WriteString(l + "\n")
	}
	if h.flags != nil {
		writeOptions(&b, c.synopsis, h.flags)
	}
	return b.String()
}

// optionColumn is where an option's description starts in a command's help;
// a longer option has its description on the next line.
const optionColumn = 24

// writeOptions lists a command's options with what each is for.
func writeOptions(b *strings.Builder, synopsis string, fs *flag.FlagSet) {
	header := "\nOptions:\n"
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "json" && !strings.Contains(synopsis, "--json") {
			return // accepted, but the command prints no JSON
		}
		b.WriteString(header)
		header = ""
		opt := "  --" + f.Name
		if v := placeholder(synopsis, f); v != "" {
			opt += " " + v
		}
		usage := f.Usage
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += " (default " + f.DefValue + ")"
		}
		if n := utf8.RuneCountInString(opt); n <= optionColumn-2 {
			opt += strings.Repeat(" ", optionColumn-n)
		} else {
			opt += "\n" + strings.Repeat(" ", optionColumn)
		}
		for i, l := range wrapWords(usage, listWidth-optionColumn) {
			if i > 0 {
				b.WriteString(strings.Repeat(" ", optionColumn))
			}
			b.WriteString(opt + l + "\n")
			opt = ""
		}
	})
}

// placeholder is the word that stands for a flag's value in the synopsis
// ("--out FILE" gives FILE); empty for a switch.
func placeholder(synopsis string, f *flag.Flag) string {
	if isBoolFlag(f) {
		return ""
	}
	if f.Name == "data" {
		return "DIR"
	}
	words := strings.Fields(synopsis)
	for i, w := range words {
		if strings.Trim(w, "[]") != "--"+f.Name || i+1 == len(words) || strings.HasPrefix(strings.TrimLeft(words[i+1], "["), "-") {
			continue
		}
		// "HOSPITAL]..." is HOSPITAL, "contact[,health]" stays whole.
		v := strings.TrimSuffix(words[i+1], "...")
		for strings.Count(v, "]") > strings.Count(v, "[") {
			v = strings.TrimSuffix(v, "]")
		}
		return strings.TrimSuffix(v, "...")
	}
	return "VALUE"
}

// usageText is what "medibooth help" prints.
func usageText() string {
	var b strings.Builder
	b.WriteString("medibooth — check-in and consultation desk for medical-tourism fairs\n\nUsage:\n")
	for _, l := range strings.SplitAfter(commandList(""), "\n") {
		if l != "" {
			b.WriteString("  " + l)
		}
	}
	b.WriteString("\nEvery command takes --data DIR (default: $MEDIBOOTH_DATA, else the user's data directory),\n" +
		"before or after the command. \"medibooth COMMAND --help\" shows a command's options.\n")
	return b.String()
}

// groupUsage is what "medibooth visitor --help" prints.
func groupUsage(group string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: medibooth %s COMMAND\n\n", group)
	for _, l := range strings.SplitAfter(commandList(group), "\n") {
		if l != "" {
			b.WriteString("  " + l)
		}
	}
	fmt.Fprintf(&b, "\n\"medibooth %s COMMAND --help\" shows a command's options.\n", group)
	return b.String()
}

// commandList is the command table as the usage and README.md show it:
// every command, or those of one group.
func commandList(group string) string {
	var b strings.Builder
	for _, c := range commands {
		if first, _, _ := strings.Cut(c.name, " "); group != "" && first != group {
			continue
		}
		left := wrapSynopsis(strings.TrimSpace("medibooth "+c.name), c.synopsis)
		desc := wrapWords(c.desc, listWidth-descColumn)
		if len(left) == 1 && utf8.RuneCountInString(left[0]) <= descColumn-2 {
			left[0] += strings.Repeat(" ", descColumn-utf8.RuneCountInString(left[0])) + desc[0]
			desc = desc[1:]
		}
		for _, l := range left {
			b.WriteString(l + "\n")
		}
		for _, l := range desc {
			b.WriteString(strings.Repeat(" ", descColumn) + l + "\n")
		}
	}
	return b.String()
}

// wrapSynopsis lays out head followed by the synopsis within listWidth,
// breaking only between options (never inside "[--hospital H [--passphrase-stdin]]")
// and indenting the following lines under the first option.
func wrapSynopsis(head, synopsis string) []string {
	var parts []string
	depth := 0
	for _, w := range strings.Fields(synopsis) {
		if depth > 0 {
			parts[len(parts)-1] += " " + w
		} else {
			parts = append(parts, w)
		}
		depth += strings.Count(w, "[") - strings.Count(w, "]")
	}
	indent := strings.Repeat(" ", utf8.RuneCountInString(head)+1)
	lines := []string{head}
	for _, p := range parts {
		last := &lines[len(lines)-1]
		if n := utf8.RuneCountInString(*last); n+1+utf8.RuneCountInString(p) > listWidth && n > len(indent) {
			lines = append(lines, indent+p)
		} else {
			*last += " " + p
		}
	}
	return lines
}

// wrapWords breaks text into lines of at most width characters.
func wrapWords(text string, width int) []string {
	var lines []string
	for _, w := range strings.Fields(text) {
		if n := len(lines); n > 0 && utf8.RuneCountInString(lines[n-1])+1+utf8.RuneCountInString(w) <= width {
			lines[n-1] += " " + w
		} else {
			lines = append(lines, w)
		}
	}
	if lines == nil {
		lines = []string{""}
	}
	return lines
}

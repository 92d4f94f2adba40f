package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite README.md's command list from the command table")

// optionsIn lists the --options a text names.
func optionsIn(text string) map[string]bool {
	out := map[string]bool{}
	for _, o := range regexp.MustCompile(`--[a-z][a-z-]*`).FindAllString(text, -1) {
		out[o] = true
	}
	return out
}

// TestCLIHelpEveryCommand: every command answers --help, -h and
// "help COMMAND" alike on stdout with exit 0, naming the command and
// exactly the options its synopsis shows (plus --data), so the table cannot
// drift from the options a command takes.
func TestCLIHelpEveryCommand(t *testing.T) {
	c := newCLI(t)
	for _, cmd := range commands {
		if cmd.name == "" {
			continue
		}
		words := strings.Fields(cmd.name)
		t.Run(cmd.name, func(t *testing.T) {
			code, help, errs := c.run(append(words, "--help")...)
			if code != 0 || errs != "" || !strings.HasPrefix(help, "Usage: medibooth "+cmd.name) {
				t.Fatalf("--help: exit %d, stdout %q, stderr %q", code, help, errs)
			}
			for _, args := range [][]string{
				append(words, "-h"),
				append([]string{"help"}, words...),
				append([]string{"--data", t.TempDir()}, append(words, "--help")...),
				append(append(words, "--json"), "--help"),
			} {
				if code, out, errs := c.run(args...); code != 0 || out != help || errs != "" {
					t.Errorf("%q: exit %d, stderr %q, stdout differs from --help's:\n%s", args, code, errs, out)
				}
			}
			_, options, _ := strings.Cut(help, "\nOptions:\n")
			listed := map[string]bool{}
			for _, l := range strings.Split(options, "\n") {
				if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(l, "  --") {
					listed[f[0]] = true
				}
			}
			want := optionsIn(cmd.synopsis)
			if !cmd.meta {
				want["--data"] = true
			}
			if !reflect.DeepEqual(listed, want) {
				t.Errorf("the help lists the options %v; the synopsis %q shows %v", keys(listed), cmd.synopsis, keys(want))
			}
		})
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestCLIHelpGroups: "visitor --help" and "help visitor" list the visitor
// commands; the usage lists them all.
func TestCLIHelpGroups(t *testing.T) {
	c := newCLI(t)
	_, usage, _ := c.run("help")
	for _, args := range [][]string{{"--help"}, {"-h"}, {"--data", t.TempDir(), "--help"}} {
		if code, out, _ := c.run(args...); code != 0 || out != usage {
			t.Errorf("%q: exit %d, not the usage: %q", args, code, out)
		}
	}
	for _, cmd := range commands {
		if !strings.Contains(usage, strings.TrimSpace("medibooth "+cmd.name)+"\n") &&
			!strings.Contains(usage, strings.TrimSpace("medibooth "+cmd.name)+" ") {
			t.Errorf("the usage does not list %q", cmd.name)
		}
		group, _, ok := strings.Cut(cmd.name, " ")
		if !ok {
			continue
		}
		for _, args := range [][]string{{group, "--help"}, {"help", group}} {
			code, out, errs := c.run(args...)
			if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage: medibooth "+group+" COMMAND") || !strings.Contains(out, "medibooth "+cmd.name) {
				t.Errorf("%q: exit %d, stderr %q, does not list %q: %q", args, code, errs, cmd.name, out)
			}
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "frobnicate"}, `Unknown command "frobnicate".`},
		{[]string{"help", "visitor", "frobnicate"}, `Unknown command "visitor frobnicate".`},
		{[]string{"visitor", "frobnicate", "--help"}, `Unknown command "visitor frobnicate".`},
	} {
		if code, _, errs := c.run(tc.args...); code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d %q", tc.args, code, errs)
		}
	}
}

// TestCLIHelpRunsNothing: --help reads no standard input and touches no data.
func TestCLIHelpRunsNothing(t *testing.T) {
	c := newCLI(t)
	dir := filepath.Join(t.TempDir(), "data")
	c.stdin = "1234\n"
	if code, out, _ := c.run("staff", "pin", "Asel", "--data", dir, "--help"); code != 0 || !strings.Contains(out, "--data DIR") {
		t.Fatalf("staff pin --help: exit %d %q", code, out)
	}
	if code, _, _ := c.run("demo", "--data", dir, "-h"); code != 0 {
		t.Fatalf("demo -h: exit %d", code)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("--help made the data directory: %v", err)
	}
	// As an option's value or after "--" it is an argument like any other.
	if code, out, _ := c.run("report", "--data", dir, "--hospital", "-h"); code == 0 || strings.Contains(out, "Usage") {
		t.Fatalf("report --hospital -h: exit %d %q", code, out)
	}
	// After "--" it is an argument like any other.
	if code, out, errs := c.run("visitor", "find", "--data", dir, "--", "--help"); code != 0 || strings.Contains(out, "Usage") {
		t.Fatalf("visitor find -- --help: exit %d %q %q", code, out, errs)
	}
}

// TestCLISharedOptionsBeforeCommand: --data DIR and --json mean the same
// before the command as after it.
func TestCLISharedOptionsBeforeCommand(t *testing.T) {
	c := newCLI(t) // MEDIBOOTH_DATA names another, empty directory
	before, after := t.TempDir(), t.TempDir()
	var a, b struct{ Event string }
	for _, run := range []struct {
		out  any
		args []string
	}{
		{&a, []string{"--data", before, "--json", "demo"}},
		{&b, []string{"demo", "--data", after, "--json"}},
	} {
		code, out, errs := c.run(run.args...)
		if code != 0 || json.Unmarshal([]byte(out), run.out) != nil {
			t.Fatalf("%q: exit %d %q %q", run.args, code, out, errs)
		}
	}
	if a.Event == "" || a != b {
		t.Fatalf("demo: %+v before, %+v after", a, b)
	}
	reports := map[string]map[string]any{}
	for _, args := range [][]string{
		{"--data", before, "report", "--format", "json"},
		{"--data=" + before, "report", "--format", "json"},
		{"report", "--format", "json", "--data", before},
		{"report", "--data", after, "--format", "json"},
	} {
		code, out, errs := c.run(args...)
		var rep map[string]any
		if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
			t.Fatalf("%q: exit %d %q", args, code, errs)
		}
		delete(rep, "generated_at")
		reports[strings.Join(args, " ")] = rep
	}
	var first map[string]any
	for args, rep := range reports {
		if rep["registered"] != float64(197) {
			t.Errorf("%s: %v registered", args, rep["registered"])
		}
		if first == nil {
			first = rep
		} else if !reflect.DeepEqual(rep, first) {
			t.Errorf("%s gives another report", args)
		}
	}
	// An option that is not shared still belongs after the command.
	if code, _, errs := c.run("--format", "json", "report", "--data", before); code != exitUsage || !strings.Contains(errs, "--format") {
		t.Fatalf("--format before report: exit %d %q", code, errs)
	}
}

// TestREADMECommandList: README.md's command list is the command table's;
// go test ./cmd/medibooth -run TestREADMECommandList -update-readme
// rewrites it.
func TestREADMECommandList(t *testing.T) {
	const (
		begin = "<!-- commands: the command table in cmd/medibooth/commands.go; TestREADMECommandList checks it -->\n"
		end   = "<!-- end of commands -->\n"
	)
	path := filepath.Join("..", "..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, rest, ok1 := strings.Cut(string(readme), begin)
	got, tail, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatalf("README.md has no %q … %q block", begin, end)
	}
	want := "```\n" + commandList("") + "```\n"
	if got == want {
		return
	}
	if *updateREADME {
		if err := os.WriteFile(path, []byte(head+begin+want+end+tail), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's command list is not the command table's; run\n"+
		"  go test ./cmd/medibooth -run TestREADMECommandList -update-readme\nwant:\n%s", want)
}

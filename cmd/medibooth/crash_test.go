package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"medibooth/booth"
)

// TestMain lets the crash harness run this test binary as medibooth itself:
// with MEDIBOOTH_CHILD set it is the command line, and can be killed.
func TestMain(m *testing.M) {
	if os.Getenv("MEDIBOOTH_CHILD") == "1" {
		mm := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
		os.Exit(mm.Run(context.Background(), os.Args[1:]))
	}
	os.Exit(m.Run())
}

// runKilled runs medibooth with args on dir and sends SIGKILL after delay
// (none if delay < 0).
func runKilled(t *testing.T, dir string, delay time.Duration, args ...string) (exit int, out []byte, killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "MEDIBOOTH_CHILD=1", "MEDIBOOTH_DATA="+dir, "LANG=en_US.UTF-8")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	if delay >= 0 {
		select {
		case err = <-done:
		case <-time.After(delay):
			cmd.Process.Kill()
			err = <-done
		}
	} else {
		err = <-done
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if st, ok := ee.Sys().(syscall.WaitStatus); ok && st.Signaled() {
			return -1, stdout.Bytes(), true
		}
		return ee.ExitCode(), append(stdout.Bytes(), stderr.Bytes()...), false
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, stdout.Bytes(), false
}

// plaintextLeft lists the clear-text temporary files in dir.
func plaintextLeft(dir string) []string {
	var out []string
	for _, p := range []string{".snapshot-*", ".import-*", "upload-*"} {
		names, _ := filepath.Glob(filepath.Join(dir, p))
		out = append(out, names...)
	}
	return out
}

// dbCheck runs SQLite's integrity and foreign key checks on the database in
// dir, read-only; "" when both pass.
func dbCheck(t *testing.T, dir string) string {
	t.Helper()
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: filepath.Join(dir, "medibooth.db")}).EscapedPath()}
	db, err := sql.Open("sqlite", u.String()+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err.Error()
	}
	defer db.Close()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil {
		return err.Error()
	} else if res != "ok" {
		return res
	}
	rows, err := db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	if rows.Next() {
		return "a foreign key points nowhere"
	}
	return ""
}

// dbHas counts rows of table with id in the database in dir.
func dbHas(t *testing.T, dir, table, id string) bool {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "medibooth.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// TestCrashHarness kills medibooth at random moments of every writing
// command — check-in, registration, consultation, erasure, purge, export,
// and HQ's import — and then proves that nothing acknowledged was lost, both
// databases pass SQLite's checks, every bundle written (even by a killed
// export) is whole, HQ ends with the laptop's counts, erased and purged names
// are nowhere in the laptop's files (HQ keeps the purged), and no clear-text
// snapshot outlives the next start.
// MEDIBOOTH_KILLS sets the number of kills (make soak: 1,000).
func TestCrashHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash harness starts hundreds of processes")
	}
	kills := 50
	if v, err := strconv.Atoi(os.Getenv("MEDIBOOTH_KILLS")); err == nil && v > 0 {
		kills = v
	}
	deadline := time.Now().Add(time.Duration(kills) * 2 * time.Second) // a bound: about 0.3 s a kill here
	hq, pkg := syncEvent(t, "Crash Fair")
	lap := syncLaptop(t, pkg, "Desk 1")
	hqDir, lapDir := hq.env["MEDIBOOTH_DATA"], lap.env["MEDIBOOTH_DATA"]
	// Visitors to check in and consult: registered before the harness.
	var codes, ids []string
	for i := range 20 {
		var v syncVisitor
		lap.mustJSON(&v, "visitor", "add", "--name", fmt.Sprintf("Crash Guest %d", i), "--type", "patient",
			"--consent", "contact,health,transfer", "--share-with", "Kyung Hee")
		codes, ids = append(codes, v.Code), append(ids, v.ID)
	}
	lap.mustJSON(&struct{}{}, "sync", "retention", "0") // purge as soon as HQ confirms
	bundles := t.TempDir()
	var walkIns, purgedNames []string // acknowledged registrations; names a finished purge took
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	longest := map[string]time.Duration{}
	var acked, lost, killed, integrity, leftAtKill int
	var exported, erasedNames []string
	killsBy := map[string]int{}
	ackedRows := map[string][]string{} // table → ids acknowledged
	start := time.Date(2026, 9, 17, 4, 0, 0, 0, time.UTC)
	for i := 0; killed < kills && i < 6*kills && time.Now().Before(deadline); i++ {
		at := start.Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		var op, dir string
		var args []string
		switch r := rng.IntN(100); {
		case r < 30:
			op, dir, args = "checkin", lapDir, []string{"checkin", codes[rng.IntN(len(codes))], "--at", at, "--json"}
		case r < 52:
			op, dir, args = "visitor", lapDir, []string{"visitor", "add", "--name", fmt.Sprintf("Walk-in %d Qqq", i), "--consent", "contact", "--json"}
		case r < 67:
			op, dir, args = "consult", lapDir, []string{"consult", "add", "--visitor", ids[rng.IntN(len(ids))], "--hospital", "Kyung Hee",
				"--dept", "Gynaecology", "--notes", "pain", "--at", at, "--json"}
		case r < 72:
			// HQ takes a bundle and the laptop confirms it, unharmed; then the
			// purge runs and may be killed.
			file := filepath.Join(bundles, fmt.Sprintf("p%04d.bundle", i))
			lap.mustJSON(&struct{}{}, "sync", "export", "--out", file)
			exported = append(exported, file)
			_, out, errs := hq.run("sync", "import", file, "--json")
			receipt := regexp.MustCompile(`"receipt":\s*"([^"]+)"`).FindStringSubmatch(out)
			if receipt == nil {
				t.Fatalf("HQ's import gave no receipt: %s %s", out, errs)
			}
			lap.mustJSON(&struct{}{}, "sync", "confirm", receipt[1])
			op, dir, args = "purge", lapDir, []string{"sync", "purge", "--yes", "--json"}
		case r < 76:
			name := fmt.Sprintf("Erasable%d Zhanar", i)
			var v syncVisitor
			lap.mustJSON(&v, "visitor", "add", "--name", name, "--phone", fmt.Sprintf("+7 702 555 %04d", i), "--consent", "contact")
			op, dir, args = "erase", lapDir, []string{"visitor", "erase", v.ID, "--json"}
			erasedNames = append(erasedNames, name)
		case r < 87 || len(exported) == 0:
			op, dir, args = "export", lapDir, []string{"sync", "export", "--out", filepath.Join(bundles, fmt.Sprintf("b%04d.bundle", i)), "--json"}
		default:
			op, dir, args = "import", hqDir, []string{"sync", "import", exported[rng.IntN(len(exported))], "--json"}
		}
		guess := longest[op]
		if guess == 0 {
			guess = 400 * time.Millisecond
		}
		delay := time.Duration(rng.Int64N(int64(guess*3/2) + 1))
		t0 := time.Now()
		exit, out, wasKilled := runKilled(t, dir, delay, args...)
		if !wasKilled && time.Since(t0) > longest[op] {
			longest[op] = time.Since(t0)
		}
		if wasKilled {
			killed++
			killsBy[op]++
			leftAtKill += len(plaintextLeft(dir))
		} else if exit != 0 && !(op == "checkin" && exit == 3) {
			t.Fatalf("%v: exit %d: %s", args, exit, out)
		} else {
			acked++
			var res map[string]any
			json.Unmarshal(out, &res)
			switch op {
			case "purge":
				purgedNames, walkIns = append(purgedNames, walkIns...), nil
			case "visitor", "consult":
				if op == "visitor" {
					walkIns = append(walkIns, args[3])
				}
				id, _ := res["id"].(string)
				table := map[string]string{"visitor": "visitor", "consult": "consultation"}[op]
				ackedRows[table] = append(ackedRows[table], id)
			case "checkin":
				ackedRows["scan@"+at] = nil
			}
		}
		if op == "erase" && wasKilled {
			erasedNames = erasedNames[:len(erasedNames)-1] // it may or may not have happened
		}
		if op == "export" {
			if _, err := os.Stat(args[3]); err == nil {
				exported = append(exported, args[3]) // even a killed export's file must be whole
			} else if !wasKilled {
				t.Fatalf("an acknowledged export wrote no file: %s", args[3])
			}
		}
		if i%10 == 9 {
			for _, d := range []string{lapDir, hqDir} {
				if msg := dbCheck(t, d); msg != "" {
					integrity++
					t.Errorf("after %d kills, %s: %s", killed, d, msg)
				}
			}
		}
	}
	// Everything acknowledged is there.
	for table, list := range ackedRows {
		if at, ok := strings.CutPrefix(table, "scan@"); ok {
			if !scanAt(t, lapDir, at) {
				lost++
				t.Errorf("an acknowledged check-in at %s is lost", at)
			}
			continue
		}
		for _, id := range list {
			if !dbHas(t, lapDir, table, id) {
				lost++
				t.Errorf("an acknowledged %s %s is lost", table, id)
			}
		}
	}
	// Every bundle written imports, again and again; HQ ends with the
	// laptop's counts once the last bundle is in.
	final := filepath.Join(bundles, "final.bundle")
	lap.mustJSON(&struct{}{}, "sync", "export", "--out", final)
	for _, b := range append(exported, final) {
		if code, out, errs := hq.run("sync", "import", b); code != 0 {
			t.Errorf("bundle %s does not import: %s", filepath.Base(b), errs)
		} else if os.Getenv("DEBUG_HARNESS") != "" {
			t.Logf("%s", out)
		}
	}
	var hqr, lapr reportCounts
	hq.mustJSON(&hqr, "report", "--format", "json")
	lap.mustJSON(&lapr, "report", "--format", "json")
	if hqr != lapr {
		t.Errorf("HQ's counts %+v, the laptop's %+v", hqr, lapr)
		if os.Getenv("DEBUG_HARNESS") != "" {
			for _, d := range []string{hqDir, lapDir} {
				db, _ := sql.Open("sqlite", "file:"+filepath.Join(d, "medibooth.db")+"?mode=ro")
				var sc, vi, pv, er int
				db.QueryRow(`SELECT (SELECT count(*) FROM scan), (SELECT count(*) FROM visitor), (SELECT count(*) FROM visitor WHERE purged_at IS NOT NULL), (SELECT count(*) FROM visitor WHERE erased_at IS NOT NULL)`).Scan(&sc, &vi, &pv, &er)
				t.Logf("%s: %d scans, %d visitors, %d purged, %d erased", d, sc, vi, pv, er)
				db.Close()
			}
		}
	}
	for _, d := range []string{lapDir, hqDir} {
		if msg := dbCheck(t, d); msg != "" {
			integrity++
			t.Errorf("at the end, %s: %s", d, msg)
		}
	}
	// No erased name in any file of either laptop, nor in leftovers; no
	// purged name on the laptop (HQ keeps those).
	traces := namesInFiles(t, "erased", erasedNames, lapDir, hqDir)
	purgeTraces := namesInFiles(t, "purged", purgedNames, lapDir)
	hqDB, err := sql.Open("sqlite", "file:"+filepath.Join(hqDir, "medibooth.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer hqDB.Close()
	for _, name := range purgedNames {
		var n int
		if err := hqDB.QueryRow(`SELECT count(*) FROM visitor WHERE name = ?`, name).Scan(&n); err != nil || n != 1 {
			t.Errorf("HQ holds the purged visitor %q %d times (%v)", name, n, err)
		}
	}
	left := len(plaintextLeft(lapDir)) + len(plaintextLeft(hqDir))
	if left != 0 {
		t.Errorf("clear-text files left after the next start: %v %v", plaintextLeft(lapDir), plaintextLeft(hqDir))
	}
	t.Logf("crash harness: %d kills, %d acknowledged, %d lost, %d integrity failures, %d bundles whole, %d erasures without trace (%d traces), "+
		"%d purged names without trace (%d traces), %d clear-text files at the moment of a kill, %d left after the next start; kills by command %v",
		killed, acked, lost, integrity, len(exported), len(erasedNames), traces, len(purgedNames), purgeTraces, leftAtKill, left, killsBy)
	if killed < kills {
		t.Errorf("only %d of %d kills within the time bound", killed, kills)
	}
}

// scanAt reports whether the laptop in dir holds a scan at the RFC 3339
// time at.
func scanAt(t *testing.T, dir, at string) bool {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, at)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "medibooth.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM scan WHERE at = ?`, booth.FormatTime(tm)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// namesInFiles reports (as errors) and counts every name of names found in
// a file of dirs, hidden files and leftovers included.
func namesInFiles(t *testing.T, what string, names []string, dirs ...string) int {
	t.Helper()
	found := 0
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "*"))
		hidden, _ := filepath.Glob(filepath.Join(d, ".*"))
		for _, f := range append(files, hidden...) {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			for _, name := range names {
				if bytes.Contains(b, []byte(name)) {
					found++
					t.Errorf("%s holds the %s name %q", f, what, name)
				}
			}
		}
	}
	return found
}

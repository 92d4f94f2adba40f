package data

import (
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Temporary snapshots live beside the database, on the laptop's own disk,
// never on the medium the bundle goes to.
const (
	snapshotPattern = ".snapshot-*.db"
	importPattern   = ".import-*.db"
)

// tempPattern names a temporary snapshot after this process, so that any
// later medibooth can tell it is left over from one that is gone.
func tempPattern(pattern string) string {
	return strings.Replace(pattern, "*", strconv.Itoa(os.Getpid())+"-*", 1)
}

// RemoveLeftovers removes the temporary snapshots (in clear) that a killed
// export or import left beside the database at path: those of processes
// that are gone at once, those of an older medibooth after an hour. Open
// calls it, so any next start of medibooth cleans up.
func RemoveLeftovers(path string) { removeStale(filepath.Dir(path)) }

func removeStale(dir string) {
	for _, p := range []string{snapshotPattern, importPattern} {
		names, _ := filepath.Glob(filepath.Join(dir, p+"*"))
		for _, n := range names {
			if leftOver(n) {
				os.Remove(n)
			}
		}
	}
}

// leftOver reports whether the temporary file n belongs to no running
// process.
func leftOver(n string) bool {
	base := filepath.Base(n)
	rest := base[strings.IndexByte(base, '-')+1:]
	if pid, _, ok := strings.Cut(rest, "-"); ok {
		if p, err := strconv.Atoi(pid); err == nil && p > 0 {
			return p != os.Getpid() && !processAlive(p)
		}
	}
	st, err := os.Stat(n)
	return err == nil && time.Since(st.ModTime()) > time.Hour
}

// removeDBFiles removes a temporary database and whatever SQLite left
// beside it.
func removeDBFiles(path string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// fileDSN is a DSN for a file other than the live database's connections.
func fileDSN(path string, params ...string) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath()}
	return u.String() + "?" + strings.Join(params, "&")
}

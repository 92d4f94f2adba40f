package data

import (
	"errors"
	"path/filepath"
	"syscall"

	"medibooth/booth"
)

// The sentences people read when the disk refuses a write. They say what
// happened and that nothing earlier was lost: a message that blamed the
// database file would invite replacing a good file.
var (
	ErrDiskFull = &booth.Error{Code: booth.EUNAVAILABLE,
		Message: "Not saved: the disk is full. Free some space; nothing earlier was lost."}
	ErrReadOnly = &booth.Error{Code: booth.EUNAVAILABLE,
		Message: "Not saved: the data folder cannot be written (read-only disk or no permission); nothing earlier was lost."}
	ErrDiskIO = &booth.Error{Code: booth.EUNAVAILABLE,
		Message: "Not saved: the disk reported an error. Check the disk or USB stick; nothing earlier was lost."}
)

// minFree is the free space below which a disk counts as full: SQLite
// needs room for a page of the log and its index besides the row.
const minFree = 1 << 20

// SQLite's primary result codes for storage failures.
const (
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
)

// storageErr turns a failure of the disk under the database (SQLite's FULL,
// IOERR, READONLY, CANTOPEN, or the OS's ENOSPC, EROFS, EACCES, EIO from a
// file write) into the sentence for people; other errors pass unchanged.
func storageErr(err error, dir string) error {
	if err == nil {
		return nil
	}
	var be *booth.Error
	if errors.As(err, &be) {
		return err
	}
	var se interface{ Code() int }
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteFull:
			return ErrDiskFull
		case sqliteReadOnly, sqliteCantOpen:
			return ErrReadOnly
		case sqliteIOErr:
			// Growing the -shm or -wal file on a full disk reports an
			// I/O error rather than SQLITE_FULL.
			if free, ok := freeBytes(dir); ok && free < minFree {
				return ErrDiskFull
			}
			return ErrDiskIO
		}
	}
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return ErrDiskFull
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return ErrReadOnly
	case errors.Is(err, syscall.EIO):
		return ErrDiskIO
	}
	return err
}

// storageErr is storageErr for this database's folder.
func (db *DB) storageErr(err error) error { return storageErr(err, filepath.Dir(db.Path)) }

// IsStorage reports whether err is one of the storage sentences above.
func IsStorage(err error) bool {
	return errors.Is(err, ErrDiskFull) || errors.Is(err, ErrReadOnly) || errors.Is(err, ErrDiskIO)
}

// FreeBytes is the space left on dir's disk for an unprivileged writer; ok
// is false where it cannot be told.
func FreeBytes(dir string) (free uint64, ok bool) { return freeBytes(dir) }

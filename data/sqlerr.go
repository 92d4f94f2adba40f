package data

import (
	"errors"
	"strings"
)

// sqliteUnique and sqlitePrimaryKey are SQLite's extended result codes of a
// UNIQUE or PRIMARY KEY constraint that failed.
const (
	sqliteUnique     = 2067
	sqlitePrimaryKey = 1555
)

// uniqueOn reports whether err is SQLite refusing a second row with the same
// value of column ("table.column"), a UNIQUE or PRIMARY KEY constraint. The
// code says what failed; only which column is read from the message, the one
// place SQLite names it.
func uniqueOn(err error, column string) bool {
	var se interface{ Code() int }
	if !errors.As(err, &se) || (se.Code() != sqliteUnique && se.Code() != sqlitePrimaryKey) {
		return false
	}
	return column == "" || strings.Contains(err.Error(), column)
}

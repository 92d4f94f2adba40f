package data

import "database/sql"

// QueryRowForTest runs a query on the writer connection, as the store does.
func (db *DB) QueryRowForTest(q string) *sql.Row { return db.w.QueryRow(q) }

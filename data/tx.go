package data

import (
	"context"
	"database/sql"

	"medibooth/booth"
)

// wtx is a write transaction that prepares each distinct statement once:
// an import of thousands of visitors runs the same few statements over and
// over, and preparing them anew each time would cost more than running them.
// The statements are closed with the transaction.
type wtx struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
	db    *DB
}

// begin starts an IMMEDIATE write transaction (the writer's DSN sets
// _txlock=immediate) on the one writer connection. Holding SQLite's write
// lock, it brings this device's write sequence up to what other processes
// committed meanwhile (see nextSeq).
func (db *DB) begin(ctx context.Context) (*wtx, error) {
	if db.w == nil {
		return nil, ErrReadOnly
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, db.storageErr(err)
	}
	if err := db.syncSeq(ctx, tx); err != nil {
		tx.Rollback()
		return nil, db.storageErr(err)
	}
	return &wtx{Tx: tx, stmts: map[string]*sql.Stmt{}, db: db}, nil
}

// Commit commits; a disk that refuses the write gets its sentence (the
// transaction is then rolled back by SQLite: nothing of it is kept).
func (t *wtx) Commit() error { return t.db.storageErr(t.Tx.Commit()) }

func (t *wtx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	s, err := t.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = s
	return s, nil
}

// ExecContext runs a prepared-once statement.
func (t *wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, t.db.storageErr(err)
	}
	r, err := s.ExecContext(ctx, args...)
	return r, t.db.storageErr(err)
}

// QueryRowContext runs a prepared-once query for one row.
func (t *wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := t.stmt(ctx, query)
	if err != nil {
		// Let the error surface from Scan, as database/sql does.
		return t.Tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// QueryContext runs a prepared-once query.
func (t *wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// collect reads every row of a query with scan; err is the query's own.
func collect[T any](rows *sql.Rows, err error, scan func(*sql.Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// scanString reads a one-column text row.
func scanString(rows *sql.Rows) (string, error) {
	var s string
	err := rows.Scan(&s)
	return s, err
}

// scanScanRow reads a row of scanColumns.
func scanScanRow(rows *sql.Rows) (booth.Scan, error) {
	s, err := scanScan(rows)
	if err != nil {
		return booth.Scan{}, err
	}
	return *s, nil
}

// exec runs one statement on the writer outside a transaction of begin's
// (settings and bookkeeping that carry no write sequence).
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if db.w == nil {
		return nil, ErrReadOnly
	}
	r, err := db.w.ExecContext(ctx, query, args...)
	return r, db.storageErr(err)
}

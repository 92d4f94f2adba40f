package data

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"strings"
)

// StateHash is a SHA-256 over every merged table's rows in a canonical
// order (primary keys sorted, columns in a fixed list), leaving out local
// tables, the audit log and private keys: two HQ databases that merged the
// same snapshots in any order have the same hash.
func (db *DB) StateHash(ctx context.Context) (string, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	h := sha256.New()
	for _, t := range mergeTables {
		var names []string
		for _, c := range t.cols {
			if !c.secret {
				names = append(names, c.name)
			}
		}
		if err := stateHashTable(ctx, tx, h, t.name, names, t.key); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func stateHashTable(ctx context.Context, tx *sql.Tx, h io.Writer, table string, names []string, key string) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM main.`+table+` ORDER BY `+key)
	if err != nil {
		return err
	}
	defer rows.Close()
	stateHashValue(h, table)
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := int64(0)
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for _, v := range vals {
			stateHashValue(h, v)
		}
		n++
	}
	stateHashValue(h, n)
	return rows.Err()
}

// stateHashValue writes v with its type and length, so that no two different
// rows write the same bytes.
func stateHashValue(h io.Writer, v any) {
	var b [9]byte
	switch v := v.(type) {
	case nil:
		h.Write([]byte{'n'})
	case int64:
		b[0] = 'i'
		binary.BigEndian.PutUint64(b[1:], uint64(v))
		h.Write(b[:])
	case float64:
		b[0] = 'f'
		binary.BigEndian.PutUint64(b[1:], math.Float64bits(v))
		h.Write(b[:])
	case string:
		b[0] = 's'
		binary.BigEndian.PutUint64(b[1:], uint64(len(v)))
		h.Write(b[:])
		io.WriteString(h, v)
	case []byte:
		b[0] = 'b'
		binary.BigEndian.PutUint64(b[1:], uint64(len(v)))
		h.Write(b[:])
		h.Write(v)
	default:
		stateHashValue(h, fmt.Sprint(v))
	}
}

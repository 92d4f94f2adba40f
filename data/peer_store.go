package data

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"medibooth/booth"
)

// PeerStore is the booth network's view of a database (booth.PeerStore).
type PeerStore struct{ DB *DB }

var _ booth.PeerStore = PeerStore{}

// PeerState is the database's version vector.
func (s PeerStore) PeerState(ctx context.Context) (map[string]int64, error) {
	return s.DB.PeerState(ctx)
}

// Delta writes the delta for since into a new file beside the database.
func (s PeerStore) Delta(ctx context.Context, since map[string]int64) (string, int, error) {
	path, err := s.DB.PeerTempFile()
	if err != nil {
		return "", 0, err
	}
	res, err := s.DB.ExportDelta(ctx, since, path)
	if err != nil {
		removeDBFiles(path)
		return "", 0, err
	}
	return path, res.Rows, nil
}

// TempFile is a new empty file beside the database for a delta received.
func (s PeerStore) TempFile() (string, error) { return s.DB.PeerTempFile() }

// Merge merges a delta received.
func (s PeerStore) Merge(ctx context.Context, path string) (int, error) {
	res, err := s.DB.MergeDelta(ctx, path)
	return res.Changed, err
}

// Remove removes a delta file.
func (s PeerStore) Remove(path string) { removeDBFiles(path) }

// Held grows whenever a row is written here, by this process or another
// (the desk's window while "booth serve" runs), or merged in from another
// laptop: it is the sum of the version vector.
func (db *DB) Held(ctx context.Context) (int64, error) {
	v, err := db.PeerState(ctx)
	var n int64
	for _, seq := range v {
		n += seq
	}
	return n, err
}

// The booth network's bookkeeping lives in the local table (never merged):
// the addresses typed in, and the last exchange with each laptop.
const (
	peerAddrKey = "peer_addr:"
	peerSeenKey = "peer_seen:"
)

// PeerSeen is booth.PeerSeen.
type PeerSeen = booth.PeerSeen

// AddPeerAddr keeps an address (host:port) to exchange with when multicast
// finds nobody.
func (db *DB) AddPeerAddr(ctx context.Context, addr string) error {
	_, err := db.exec(ctx, `INSERT OR IGNORE INTO local (key, value) VALUES (?, '')`, peerAddrKey+addr)
	return err
}

// RemovePeerAddr forgets an address typed in.
func (db *DB) RemovePeerAddr(ctx context.Context, addr string) error {
	_, err := db.exec(ctx, `DELETE FROM local WHERE key = ?`, peerAddrKey+addr)
	return err
}

// PeerAddrs returns the addresses typed in.
func (db *DB) PeerAddrs(ctx context.Context) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT substr(key, ?) FROM local WHERE key LIKE 'peer\_addr:%' ESCAPE '\' ORDER BY key`, len(peerAddrKey)+1)
	return collect(rows, err, scanString)
}

// RecordPeer keeps the outcome of an exchange with a laptop, by its key
// (errMsg is "" when it completed).
func (db *DB) RecordPeer(ctx context.Context, r booth.PeerResult, errMsg string) error {
	if r.Peer.KeyID == "" {
		return nil // the handshake failed: nobody to name
	}
	seen := PeerSeen{PeerIdentity: r.Peer, Addr: r.Addr, At: r.At, Received: r.Received, Changed: r.Changed, Sent: r.Sent, Error: errMsg,
		Vector: r.Vector}
	if old, err := db.peerSeen(ctx, r.Peer.KeyID); err == nil && old != nil {
		seen.LastOK = old.LastOK
		if seen.Vector == nil {
			seen.Vector = old.Vector
		}
	}
	if errMsg == "" {
		at := r.At
		seen.LastOK = &at
	}
	b, err := json.Marshal(seen)
	if err != nil {
		return err
	}
	_, err = db.exec(ctx, `INSERT INTO local (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		peerSeenKey+r.Peer.KeyID, string(b))
	return err
}

func (db *DB) peerSeen(ctx context.Context, keyID string) (*PeerSeen, error) {
	var v string
	if err := db.r.QueryRowContext(ctx, `SELECT value FROM local WHERE key = ?`, peerSeenKey+keyID).Scan(&v); err != nil {
		return nil, err
	}
	var s PeerSeen
	return &s, json.Unmarshal([]byte(v), &s)
}

// PeersSeen returns the last exchange with each laptop, the latest first.
func (db *DB) PeersSeen(ctx context.Context) ([]PeerSeen, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT value FROM local WHERE key LIKE 'peer\_seen:%' ESCAPE '\'`)
	vals, err := collect(rows, err, scanString)
	if err != nil {
		return nil, err
	}
	out := make([]PeerSeen, 0, len(vals))
	for _, v := range vals {
		var s PeerSeen
		if json.Unmarshal([]byte(v), &s) != nil {
			continue
		}
		if s.Vector != nil {
			if s.Waiting, err = db.waiting(ctx, s.Vector); err != nil {
				return nil, err
			}
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return strings.Compare(out[i].KeyID, out[j].KeyID) < 0
	})
	return out, nil
}

// waiting counts the rows here that a delta for the vector since would
// carry, leaving out those labelled with the event's first laptop (see
// ExportDelta).
func (db *DB) waiting(ctx context.Context, since map[string]int64) (int, error) {
	ev, err := db.Event(ctx)
	if err != nil {
		return 0, err
	}
	vec, err := json.Marshal(since)
	if err != nil {
		return 0, err
	}
	var parts []string
	for _, t := range deltaTables {
		parts = append(parts, `SELECT count(*) AS n FROM `+t+` AS x WHERE x.device_id <> ?1
			AND x.seq > coalesce((SELECT value FROM json_each(?2) WHERE key = x.device_id), 0)`)
	}
	var n int
	err = db.r.QueryRowContext(ctx, `SELECT sum(n) FROM (`+strings.Join(parts, " UNION ALL ")+`)`, ev.DeviceID, string(vec)).Scan(&n)
	return n, err
}

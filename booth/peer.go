package booth

import (
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The booth network's link: laptops of one event on one local network talk
// mutual TLS 1.3 to each other, with no server and no authority. Each
// laptop presents a self-signed certificate of its own Ed25519 badge key
// (the one the event's root key certified when it joined), and carries that
// certification in an extension of the certificate. Each side accepts the
// other only if the key is Ed25519, the root of our event certified it and
// nobody revoked it; TLS itself proves that the other side holds the private
// key. A stranger on the venue's Wi-Fi, a laptop of another event or a
// revoked one cannot complete the handshake, so it can neither read nor
// write anything; what travels is encrypted.
//
// The exchange, over HTTP/1.1 in that TLS: the client posts its version
// vector to /booth/v1/pull and gets the server's vector (a header) and a
// delta of what it lacks; it merges it, then posts to /booth/v1/push the
// delta of what the server lacks. A side whose vector shows nothing new
// for the other sends no delta, but for a full exchange now and then. Every delta travels gzipped, is bounded
// (MaxPeerDelta), written to a file whole before it is merged, and merged
// in one transaction: a link cut in the middle leaves both databases as
// they were.

// PeerPort is the booth network's TCP port.
const PeerPort = 47123

// PeerService is the DNS-SD service type laptops advertise.
const PeerService = "_medibooth._tcp"

// MaxPeerDelta is the largest delta a laptop sends or accepts.
const MaxPeerDelta = 64 << 20

// peerCertOID names the certificate extension holding the root's
// certification of the laptop's key (CheckCert), under a private arc.
var peerCertOID = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 59842, 1, 1}

// Errors of the link. The CLI and the screens say them in a sentence.
var (
	// ErrPeerRefused: the other side is not a laptop of this event, or its
	// key was revoked.
	ErrPeerRefused = errors.New("not a laptop of this event")
	// ErrPeerTooLarge: a delta over MaxPeerDelta.
	ErrPeerTooLarge = errors.New("delta too large")
	// ErrPeerProtocol: the other side answered something this protocol does
	// not know.
	ErrPeerProtocol = errors.New("not the booth network's protocol")
	// ErrPeerBusy: the other side serves as many exchanges as it takes at
	// once; the next round tries again.
	ErrPeerBusy = errors.New("busy")
	// ErrPeerSelf: the address leads back to this laptop.
	ErrPeerSelf = errors.New("this laptop itself")
)

// PeerStore is what a laptop's database does for the booth network.
type PeerStore interface {
	// PeerState is the version vector: per laptop (device id), the highest
	// write sequence of it held.
	PeerState(ctx context.Context) (map[string]int64, error)
	// Delta writes to a new file what a laptop whose vector is since lacks,
	// and returns its path and how many rows it holds.
	Delta(ctx context.Context, since map[string]int64) (path string, rows int, err error)
	// TempFile returns a new empty file for a delta received.
	TempFile() (string, error)
	// Merge merges the delta at path and returns how many rows it changed.
	Merge(ctx context.Context, path string) (changed int, err error)
	// Remove removes a delta file.
	Remove(path string)
}

// PeerResult is one exchange with another laptop.
type PeerResult struct {
	Addr     string       `json:"addr"`
	Peer     PeerIdentity `json:"peer"`
	Received int          `json:"received"` // rows in the delta received
	Changed  int          `json:"changed"`  // rows it changed here
	Sent     int          `json:"sent"`     // rows in the delta sent
	Bytes    int64        `json:"bytes"`    // bytes both ways
	At       time.Time    `json:"at"`
	Took     string       `json:"took"`
	// Vector is the other laptop's version vector, as it said.
	Vector map[string]int64 `json:"vector,omitempty"`
}

// PeerSeen is the last exchange with another laptop.
type PeerSeen struct {
	PeerIdentity
	Addr     string    `json:"addr"`
	At       time.Time `json:"at"`
	Received int       `json:"received"`
	Changed  int       `json:"changed"`
	Sent     int       `json:"sent"`
	Error    string    `json:"error,omitempty"`
	// LastOK is the last exchange that completed.
	LastOK *time.Time `json:"last_ok,omitempty"`
	// Vector is the laptop's version vector at the last exchange, and
	// Waiting how many rows here it did not hold then (changes waiting
	// to go; rows of the records HQ packaged, which always go, left out).
	Vector  map[string]int64 `json:"vector,omitempty"`
	Waiting int              `json:"waiting"`
}

// PeerAddr reads a laptop's address as typed: HOST:PORT, or a host alone
// for the booth network's port. It returns HOST:PORT.
func PeerAddr(typed string) (string, error) {
	typed = strings.TrimSpace(typed)
	if _, _, err := net.SplitHostPort(typed); err != nil && typed != "" && !strings.Contains(typed, ":") {
		typed = net.JoinHostPort(typed, strconv.Itoa(PeerPort))
	}
	host, port, err := net.SplitHostPort(typed)
	if p, perr := strconv.Atoi(port); err != nil || host == "" || strings.ContainsAny(host, " /") || perr != nil || p < 1 || p > 65535 {
		return "", Errorf(EINVALID, "%q is not a laptop's address; give HOST:PORT, such as 192.168.8.12:%d.", typed, PeerPort)
	}
	return typed, nil
}

// peerVector is the body of a pull.
type peerVector struct {
	DeviceID string           `json:"device_id"`
	Vector   map[string]int64 `json:"vector"`
	// Port is where the asking laptop serves (0: it does not), so that
	// a laptop only one side was told of is known both ways.
	Port int `json:"port,omitempty"`
	// Full asks for a delta even when the vectors say there is nothing
	// new (see PeerClient.FullEvery).
	Full bool `json:"full,omitempty"`
}

const (
	peerVectorHeader = "Medibooth-Vector"
	peerRowsHeader   = "Medibooth-Rows"
	peerMaxVector    = 1 << 20
)

// PeerServer answers other laptops' exchanges.
type PeerServer struct {
	Store PeerStore
	Trust PeerTrust
	// Log gets one line per exchange served.
	Log func(r PeerResult, err error)
	// Heard gets the address (host:port) a laptop of the event that pulled
	// says it serves at.
	Heard func(addr string)
	// slots bounds the exchanges served at once.
	slots chan struct{}
	// pulled holds a pull served, by the laptop's key id, until its push
	// completes the exchange: one log line for both.
	mu     sync.Mutex
	pulled map[string]PeerResult
}

// Handler is the booth network's HTTP handler (behind PeerTLS).
func (s *PeerServer) Handler() http.Handler {
	if s.slots == nil {
		s.slots = make(chan struct{}, 4)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /booth/v1/pull", s.handle(s.pull))
	mux.HandleFunc("POST /booth/v1/push", s.handle(s.push))
	return mux
}

// HTTPServer wraps Handler with the limits of a server on a shared network:
// headers within 10 s, a delta within two minutes.
func (s *PeerServer) HTTPServer(cfg *tls.Config) *http.Server {
	return &http.Server{Handler: s.Handler(), TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 2 * time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: log.New(serverLog{s}, "", 0)}
}

// serverLog hands the HTTP server's complaints to Log: a handshake that
// failed is a refused exchange with the address it came from.
type serverLog struct{ s *PeerServer }

func (l serverLog) Write(p []byte) (int, error) {
	msg := strings.TrimSpace(string(p))
	if l.s.Log == nil {
		return len(p), nil
	}
	if rest, ok := strings.CutPrefix(msg, "http: TLS handshake error from "); ok {
		addr, why, _ := strings.Cut(rest, ": ")
		l.s.Log(PeerResult{Addr: addr, At: time.Now().UTC()}, fmt.Errorf("%w: %s", ErrPeerRefused, why))
		return len(p), nil
	}
	l.s.Log(PeerResult{At: time.Now().UTC()}, errors.New(msg))
	return len(p), nil
}

// peer returns who is on the other end of r (TLS checked them already).
func (s *PeerServer) peer(r *http.Request) (PeerIdentity, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) != 1 {
		return PeerIdentity{}, ErrPeerRefused
	}
	return s.Trust.CheckPeerCert(r.TLS.PeerCertificates[0].Raw)
}

func (s *PeerServer) begin(w http.ResponseWriter, r *http.Request) (PeerIdentity, bool) {
	id, err := s.peer(r)
	if err != nil {
		http.Error(w, "not a laptop of this event", http.StatusForbidden)
		return id, false
	}
	select {
	case s.slots <- struct{}{}:
		return id, true
	default:
		w.Header().Set("Retry-After", "5")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return id, false
	}
}

func (s *PeerServer) log(res PeerResult, start time.Time, err error) {
	res.Took = time.Since(start).Round(time.Millisecond).String()
	if s.Log != nil {
		s.Log(res, err)
	}
}

// handle runs f for a laptop of the event, within the bound of exchanges
// at once, and logs the exchange.
func (s *PeerServer) handle(f func(w http.ResponseWriter, r *http.Request, res *PeerResult) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id, ok := s.begin(w, r)
		if !ok {
			return
		}
		defer func() { <-s.slots }()
		res := PeerResult{Addr: r.RemoteAddr, Peer: id, At: start.UTC()}
		err := f(w, r, &res)
		s.mu.Lock()
		if s.pulled == nil {
			s.pulled = map[string]PeerResult{}
		}
		pull, pending := s.pulled[id.KeyID]
		delete(s.pulled, id.KeyID)
		if r.URL.Path == "/booth/v1/pull" && err == nil {
			s.pulled[id.KeyID] = res // logged with the push that follows
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		if pending && r.URL.Path == "/booth/v1/push" {
			res.Sent, res.Bytes, res.Vector, res.At = pull.Sent, res.Bytes+pull.Bytes, pull.Vector, pull.At
			start = pull.At
		}
		s.log(res, start, err)
	}
}

// pull answers a laptop's vector with our vector and a delta of what it
// lacks.
func (s *PeerServer) pull(w http.ResponseWriter, r *http.Request, res *PeerResult) error {
	var in peerVector
	if err := json.NewDecoder(io.LimitReader(r.Body, peerMaxVector)).Decode(&in); err != nil || in.Vector == nil {
		http.Error(w, "a version vector is needed", http.StatusBadRequest)
		return ErrPeerProtocol
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil && s.Heard != nil && in.Port > 0 && in.Port < 65536 {
		s.Heard(net.JoinHostPort(host, strconv.Itoa(in.Port)))
	}
	res.Vector = in.Vector
	ours, err := s.Store.PeerState(r.Context())
	if err != nil {
		http.Error(w, "the database cannot be read", http.StatusInternalServerError)
		return err
	}
	vec, _ := json.Marshal(ours)
	w.Header().Set(peerVectorHeader, base64.RawURLEncoding.EncodeToString(vec))
	if !in.Full && covers(in.Vector, ours) {
		w.WriteHeader(http.StatusNoContent) // nothing new: no delta to make
		return nil
	}
	return s.sendDelta(r.Context(), w, in.Vector, res)
}

// covers reports whether the vector have holds every write need does.
func covers(have, need map[string]int64) bool {
	for dev, seq := range need {
		if have[dev] < seq {
			return false
		}
	}
	return true
}

func (s *PeerServer) sendDelta(ctx context.Context, w http.ResponseWriter, since map[string]int64, res *PeerResult) error {
	path, rows, err := s.Store.Delta(ctx, since)
	if err != nil {
		http.Error(w, "the delta cannot be made", http.StatusInternalServerError)
		return err
	}
	defer s.Store.Remove(path)
	body, err := deltaBody(path)
	if err != nil {
		http.Error(w, "the delta is too large", http.StatusInsufficientStorage)
		return err
	}
	defer body.Close()
	w.Header().Set(peerRowsHeader, strconv.Itoa(rows))
	w.Header().Set("Content-Type", peerDeltaType)
	n, err := io.Copy(w, body)
	res.Sent, res.Bytes = rows, n
	return err
}

// peerDeltaType is a delta on the wire: the SQLite file, gzipped (a delta
// is mostly empty pages: a small one shrinks from some 300 KB to a few).
const peerDeltaType = "application/vnd.medibooth.delta+gzip"

// deltaBody streams the delta file at path gzipped; closing it stops the
// stream.
func deltaBody(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.Size() > MaxPeerDelta {
		f.Close()
		return nil, errors.Join(err, ErrPeerTooLarge)
	}
	pr, pw := io.Pipe()
	go func() {
		defer f.Close()
		gz, _ := gzip.NewWriterLevel(pw, gzip.BestSpeed)
		_, err := io.Copy(gz, f)
		if err == nil {
			err = gz.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr, nil
}

// push merges the delta a laptop sends of what we lack.
func (s *PeerServer) push(w http.ResponseWriter, r *http.Request, res *PeerResult) error {
	res.Received, _ = strconv.Atoi(r.Header.Get(peerRowsHeader))
	changed, n, err := receiveDelta(r.Context(), s.Store, r.Body)
	res.Changed, res.Bytes = changed, n
	switch {
	case errors.Is(err, ErrPeerTooLarge):
		http.Error(w, "the delta is too large", http.StatusRequestEntityTooLarge)
	case err != nil:
		http.Error(w, "the delta was not merged", http.StatusUnprocessableEntity)
	default:
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]int{"changed": changed})
	}
	return err
}

// receiveDelta writes a delta read from r (gzipped) into a new file, whole
// (gzip's length and checksum tell a cut one), and merges it; it returns
// the rows changed and the bytes read.
func receiveDelta(ctx context.Context, store PeerStore, r io.Reader) (int, int64, error) {
	path, err := store.TempFile()
	if err != nil {
		return 0, 0, err
	}
	defer store.Remove(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, 0, err
	}
	in := &countReader{r: io.LimitReader(r, MaxPeerDelta+1)}
	var n int64
	gz, err := gzip.NewReader(in)
	if err == nil {
		n, err = io.Copy(f, io.LimitReader(gz, MaxPeerDelta+1))
	} else if !errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("%w: %v", ErrPeerProtocol, err)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return 0, in.n, err
	case n > MaxPeerDelta || in.n > MaxPeerDelta:
		return 0, in.n, ErrPeerTooLarge
	}
	changed, err := store.Merge(ctx, path)
	return changed, in.n, err
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// EventTag is what a laptop advertises of its event on the local network:
// 4 hex digits of SHA-256 of the root key, never the event's name.
func (k EventKeys) EventTag() string { return hex.EncodeToString(k.Tag()) }

// KeyID is the key id of the laptop's own key.
func (is *Issuer) KeyID() string {
	pub, _ := is.Key.Public().(ed25519.PublicKey)
	return KeyID(pub)
}

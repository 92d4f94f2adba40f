package booth

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
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

// PeerTrust decides which laptops are of our event.
type PeerTrust struct {
	Keys    EventKeys
	Revoked func(keyID string) bool
}

// PeerIdentity is what a laptop's certificate says of it.
type PeerIdentity struct {
	KeyID    string `json:"key_id"`
	DeviceID string `json:"device_id"`
	Name     string `json:"name"`
}

// NewPeerCert makes this laptop's certificate for the booth network from
// its badge key (is.Key) and the root's certification of it (is.Cert). The
// certificate names the laptop (device id and name) and is valid for years:
// laptops' clocks at a fair are not to be trusted, and the root's
// certification and the revocation list decide, not the dates.
func NewPeerCert(is *Issuer, deviceID, name string, now time.Time) (tls.Certificate, error) {
	if len(is.Key) != ed25519.PrivateKeySize {
		return tls.Certificate{}, Errorf(ECONFLICT, "This laptop has no badge key of its own; join the event again with its set-up file.")
	}
	ext, err := asn1.Marshal(is.Cert)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:    serial,
		Subject:         pkix.Name{CommonName: name, SerialNumber: deviceID},
		NotBefore:       now.Add(-365 * 24 * time.Hour),
		NotAfter:        now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		ExtraExtensions: []pkix.Extension{{Id: peerCertOID, Value: ext}},
	}
	pub := is.Key.Public()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, is.Key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: is.Key}, nil
}

// CheckPeerCert checks a certificate a laptop presented: an Ed25519 key
// that signed the certificate itself, certified by the root of tr's event
// (the extension), and not revoked. It returns who the laptop says it is.
func (tr PeerTrust) CheckPeerCert(der []byte) (PeerIdentity, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return PeerIdentity{}, ErrPeerRefused
	}
	pub, ok := c.PublicKey.(ed25519.PublicKey)
	if !ok || c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) != nil {
		return PeerIdentity{}, ErrPeerRefused
	}
	var cert []byte
	for _, e := range c.Extensions {
		if e.Id.Equal(peerCertOID) {
			if rest, err := asn1.Unmarshal(e.Value, &cert); err != nil || len(rest) > 0 {
				return PeerIdentity{}, ErrPeerRefused
			}
		}
	}
	if !tr.Keys.Valid() || !CheckCert(tr.Keys, pub, cert) {
		return PeerIdentity{}, ErrPeerRefused
	}
	id := PeerIdentity{KeyID: KeyID(pub), DeviceID: c.Subject.SerialNumber, Name: c.Subject.CommonName}
	if tr.Revoked == nil || tr.Revoked(id.KeyID) {
		return PeerIdentity{}, ErrPeerRefused
	}
	return id, nil
}

// PeerTLS is the TLS configuration of both ends of a link: TLS 1.3 only,
// our certificate, and the other side's checked by CheckPeerCert (the
// client asks no server name and trusts no authority: the event's root
// decides).
func PeerTLS(own tls.Certificate, tr PeerTrust) *tls.Config {
	verify := func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) != 1 {
			return ErrPeerRefused
		}
		_, err := tr.CheckPeerCert(raw[0])
		return err
	}
	return &tls.Config{
		MinVersion:            tls.VersionTLS13,
		Certificates:          []tls.Certificate{own},
		ClientAuth:            tls.RequireAnyClientCert,
		InsecureSkipVerify:    true, // no authority: VerifyPeerCertificate checks the event's root
		VerifyPeerCertificate: verify,
		NextProtos:            []string{"http/1.1"},
	}
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

// PeerClient exchanges with other laptops.
type PeerClient struct {
	Store    PeerStore
	Trust    PeerTrust
	TLS      *tls.Config
	DeviceID string
	// Port is where this laptop serves the others (0: it does not).
	Port int
	// Self is this laptop's key id: an address that leads back to it is
	// not exchanged with (ErrPeerSelf).
	Self string
	// FullEvery is how often an exchange with a laptop makes its deltas
	// even when the vectors say neither side has anything new (a minute
	// when zero). Between, such an exchange costs two vectors, not two
	// snapshots; the full ones carry what vectors do not tell: the records
	// HQ packaged (see data.ExportDelta), a laptop renamed.
	FullEvery time.Duration

	mu       sync.Mutex
	lastFull map[string]time.Time // by address
	// Timeout bounds one exchange (two minutes when zero).
	Timeout time.Duration
}

func (c *PeerClient) client(peer *PeerIdentity) *http.Client {
	cfg := c.TLS.Clone()
	verify := cfg.VerifyPeerCertificate
	cfg.VerifyPeerCertificate = func(raw [][]byte, chains [][]*x509.Certificate) error {
		if err := verify(raw, chains); err != nil {
			return err
		}
		*peer, _ = c.Trust.CheckPeerCert(raw[0])
		if c.Self != "" && peer.KeyID == c.Self {
			return ErrPeerSelf
		}
		return nil
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{TLSClientConfig: cfg, DialContext: dialer.DialContext, Proxy: nil, ForceAttemptHTTP2: false,
		TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: timeout, DisableKeepAlives: true}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// Exchange runs one exchange with the laptop at addr (host:port): pull
// what it has that we lack, then push what we have that it lacks.
func (c *PeerClient) Exchange(ctx context.Context, addr string) (res PeerResult, err error) {
	start := time.Now()
	res = PeerResult{Addr: addr, At: start.UTC()}
	defer func() { res.Took = time.Since(start).Round(time.Millisecond).String() }()
	hc := c.client(&res.Peer)
	base := "https://" + addr + "/booth/v1/"
	ours, err := c.Store.PeerState(ctx)
	if err != nil {
		return res, err
	}
	full := c.fullDue(addr)
	body, _ := json.Marshal(peerVector{DeviceID: c.DeviceID, Vector: ours, Port: c.Port, Full: full})
	theirs, err := c.pull(ctx, hc, base, body, &res)
	if err != nil {
		return res, err
	}
	res.Vector = theirs
	if full || !covers(theirs, ours) {
		err = c.push(ctx, hc, base, theirs, &res)
	}
	if err == nil && full {
		c.mu.Lock()
		c.lastFull[addr] = time.Now()
		c.mu.Unlock()
	}
	return res, err
}

// fullDue reports whether the exchange with addr is to be a full one.
func (c *PeerClient) fullDue(addr string) bool {
	every := c.FullEvery
	if every == 0 {
		every = time.Minute
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lastFull == nil {
		c.lastFull = map[string]time.Time{}
	}
	last, ok := c.lastFull[addr]
	return !ok || time.Since(last) >= every
}

func (c *PeerClient) pull(ctx context.Context, hc *http.Client, base string, body []byte, res *PeerResult) (map[string]int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"pull", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, peerDialErr(err)
	}
	defer resp.Body.Close()
	if err := peerStatus(resp); err != nil {
		return nil, err
	}
	var theirs map[string]int64
	vec, err := base64.RawURLEncoding.DecodeString(resp.Header.Get(peerVectorHeader))
	if err != nil || len(vec) > peerMaxVector || json.Unmarshal(vec, &theirs) != nil || theirs == nil {
		return nil, ErrPeerProtocol
	}
	if resp.StatusCode == http.StatusNoContent {
		return theirs, nil // nothing new there
	}
	res.Received, _ = strconv.Atoi(resp.Header.Get(peerRowsHeader))
	changed, n, err := receiveDelta(ctx, c.Store, resp.Body)
	res.Changed, res.Bytes = changed, res.Bytes+n
	return theirs, err
}

func (c *PeerClient) push(ctx context.Context, hc *http.Client, base string, theirs map[string]int64, res *PeerResult) error {
	path, rows, err := c.Store.Delta(ctx, theirs)
	if err != nil {
		return err
	}
	defer c.Store.Remove(path)
	body, err := deltaBody(path)
	if err != nil {
		return err
	}
	sent := &countReader{r: body}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"push", sent)
	if err != nil {
		body.Close()
		return err
	}
	req.Header.Set("Content-Type", peerDeltaType)
	req.Header.Set(peerRowsHeader, strconv.Itoa(rows))
	resp, err := hc.Do(req)
	body.Close()
	if err != nil {
		return peerDialErr(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if err := peerStatus(resp); err != nil {
		return err
	}
	res.Sent, res.Bytes = rows, res.Bytes+sent.n
	return nil
}

// peerStatus turns a refusal of the other laptop into an error.
func peerStatus(resp *http.Response) error {
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNoContent:
		return nil
	case http.StatusForbidden:
		return ErrPeerRefused
	case http.StatusRequestEntityTooLarge, http.StatusInsufficientStorage:
		return ErrPeerTooLarge
	case http.StatusServiceUnavailable:
		return ErrPeerBusy
	}
	return fmt.Errorf("%w: the other laptop answered %s", ErrPeerProtocol, resp.Status)
}

// peerDialErr tells a handshake the other side refused (or we refused)
// from a network failure.
func peerDialErr(err error) error {
	for _, known := range []error{ErrPeerRefused, ErrPeerSelf} {
		if errors.Is(err, known) {
			return known
		}
	}
	// The other side's refusal arrives as a TLS alert, which crypto/tls
	// does not export as a type.
	var alert tls.AlertError
	if errors.As(err, &alert) || strings.Contains(err.Error(), "remote error: tls: ") {
		return fmt.Errorf("%w (%v)", ErrPeerRefused, err)
	}
	return err
}

// EventTag is what a laptop advertises of its event on the local network:
// 4 hex digits of SHA-256 of the root key, never the event's name.
func (k EventKeys) EventTag() string { return hex.EncodeToString(k.Tag()) }

// KeyID is the key id of the laptop's own key.
func (is *Issuer) KeyID() string {
	pub, _ := is.Key.Public().(ed25519.PublicKey)
	return KeyID(pub)
}

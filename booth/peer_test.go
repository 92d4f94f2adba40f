package booth_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"medibooth/booth"
)

// memStore is a booth.PeerStore of a set of words: its vector counts them,
// a delta is the whole set, a merge the union.
type memStore struct {
	dir    string
	mu     sync.Mutex
	words  map[string]bool
	merges int
	deltas int
}

func newMemStore(t *testing.T, words ...string) *memStore {
	s := &memStore{dir: t.TempDir(), words: map[string]bool{}}
	for _, w := range words {
		s.words[w] = true
	}
	return s
}

func (s *memStore) PeerState(context.Context) (map[string]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]int64{"words": int64(len(s.words))}, nil
}

func (s *memStore) Delta(_ context.Context, _ map[string]int64) (string, int, error) {
	s.mu.Lock()
	b, _ := json.Marshal(s.words)
	n := len(s.words)
	s.deltas++
	s.mu.Unlock()
	path, err := s.TempFile()
	if err != nil {
		return "", 0, err
	}
	return path, n, os.WriteFile(path, b, 0o600)
}

func (s *memStore) TempFile() (string, error) {
	f, err := os.CreateTemp(s.dir, "delta-*")
	if err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

func (s *memStore) Merge(_ context.Context, path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var in map[string]bool
	if err := json.Unmarshal(b, &in); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.merges++
	n := 0
	for w := range in {
		if !s.words[w] {
			s.words[w] = true
			n++
		}
	}
	return n, nil
}

func (s *memStore) Remove(path string) { os.Remove(path) }

func (s *memStore) left(t *testing.T) int {
	names, err := filepath.Glob(filepath.Join(s.dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(names)
}

// peerLaptop is a laptop of the event of root/keys, with revoked keys.
type peerLaptop struct {
	is    *booth.Issuer
	store *memStore
	trust booth.PeerTrust
	cert  tls.Certificate
	mu    sync.Mutex
	log   []booth.PeerResult // the exchanges it served
}

func newPeerLaptop(t *testing.T, root ed25519.PrivateKey, keys booth.EventKeys, revoked map[string]bool, words ...string) *peerLaptop {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	is := &booth.Issuer{Keys: keys, Key: priv, Cert: booth.Certify(root, keys, pub)}
	cert, err := booth.NewPeerCert(is, "dev-"+booth.KeyID(pub), "Desk "+booth.KeyID(pub)[:4], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &peerLaptop{is: is, store: newMemStore(t, words...), cert: cert,
		trust: booth.PeerTrust{Keys: keys, Revoked: func(id string) bool { return revoked[id] }}}
}

func (l *peerLaptop) serve(t *testing.T) string {
	t.Helper()
	cfg := booth.PeerTLS(l.cert, l.trust)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &booth.PeerServer{Store: l.store, Trust: l.trust, Log: func(r booth.PeerResult, err error) {
		if err == nil {
			l.mu.Lock()
			l.log = append(l.log, r)
			l.mu.Unlock()
		}
	}}
	srv := s.HTTPServer(cfg)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func (l *peerLaptop) client() *booth.PeerClient {
	return &booth.PeerClient{Store: l.store, Trust: l.trust, TLS: booth.PeerTLS(l.cert, l.trust), DeviceID: "x", Timeout: 20 * time.Second}
}

func TestPeerExchangeBothWays(t *testing.T) {
	root, keys := booth.NewEventKeys()
	a := newPeerLaptop(t, root, keys, nil, "scan-a1", "scan-a2")
	b := newPeerLaptop(t, root, keys, nil, "scan-b1")
	addr := b.serve(t)
	res, err := a.client().Exchange(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.store.words) != 3 || len(b.store.words) != 3 || res.Changed != 1 || res.Sent != 3 {
		t.Fatalf("after the exchange a has %v, b %v; result %+v", a.store.words, b.store.words, res)
	}
	if res.Peer.KeyID != booth.KeyID(b.is.Key.Public().(ed25519.PublicKey)) {
		t.Errorf("the exchange names the peer %+v", res.Peer)
	}
	// The server logs the exchange once, when the push completes it.
	b.mu.Lock()
	log := b.log
	b.mu.Unlock()
	if len(log) != 1 || log[0].Sent != 1 || log[0].Received != 3 || log[0].Vector["words"] != 2 {
		t.Errorf("the server logged %+v", log)
	}
	if a.store.left(t) != 0 || b.store.left(t) != 0 {
		t.Errorf("delta files left behind: %d, %d", a.store.left(t), b.store.left(t))
	}
}

// A stranger (no certificate, or one the event's root did not certify), a
// laptop of another event and a revoked laptop cannot complete the
// handshake, either way round, and nothing is merged.
func TestPeerHandshakeRefusesOutsiders(t *testing.T) {
	root, keys := booth.NewEventKeys()
	revoked := map[string]bool{}
	us := newPeerLaptop(t, root, keys, revoked, "ours")
	addr := us.serve(t)
	otherRoot, otherKeys := booth.NewEventKeys()
	foreign := newPeerLaptop(t, otherRoot, otherKeys, nil, "foreign")
	gone := newPeerLaptop(t, root, keys, nil, "revoked")
	revoked[booth.KeyID(gone.is.Key.Public().(ed25519.PublicKey))] = true
	_, strangerKey, _ := ed25519.GenerateKey(rand.Reader)
	self := newPeerLaptop(t, root, keys, nil, "stranger")
	self.is.Key = strangerKey // a certificate without the root's certification of its key
	var err error
	if self.cert, err = booth.NewPeerCert(self.is, "dev", "Stranger", time.Now()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, l := range map[string]*peerLaptop{"another event": foreign, "revoked": gone, "uncertified": self} {
		if _, err := l.client().Exchange(ctx, addr); !errors.Is(err, booth.ErrPeerRefused) {
			t.Errorf("%s: the exchange gave %v", name, err)
		}
		// The other way round: our client refuses their server.
		if _, err := us.client().Exchange(ctx, l.serve(t)); !errors.Is(err, booth.ErrPeerRefused) {
			t.Errorf("%s's server: the exchange gave %v", name, err)
		}
		if l.store.merges != 0 {
			t.Errorf("%s merged a delta", name)
		}
	}
	// No client certificate at all.
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13})
	if err == nil {
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		_, err = conn.Write([]byte("POST /booth/v1/pull HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"))
		if err == nil {
			_, err = conn.Read(make([]byte, 1))
		}
		conn.Close()
	}
	if err == nil {
		t.Error("a client without a certificate was answered")
	}
	// Not TLS 1.3.
	if c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, Certificates: []tls.Certificate{us.cert}}); err == nil {
		c.Close()
		t.Error("a TLS 1.2 handshake completed")
	}
	if us.store.merges != 0 || len(us.store.words) != 1 {
		t.Errorf("our laptop merged %d deltas: %v", us.store.merges, us.store.words)
	}
	// A plain TCP client that says nothing is cut by the server's deadline,
	// not kept: here it only must not disturb a genuine exchange.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	friend := newPeerLaptop(t, root, keys, revoked, "friend")
	if _, err := friend.client().Exchange(ctx, addr); err != nil {
		t.Fatalf("a laptop of the event was refused: %v", err)
	}
}

// blockingStore holds every delta it makes until release closes.
type blockingStore struct {
	*memStore
	entered chan struct{}
	release chan struct{}
}

func (s *blockingStore) Delta(ctx context.Context, since map[string]int64) (string, int, error) {
	s.entered <- struct{}{}
	<-s.release
	return s.memStore.Delta(ctx, since)
}

// A laptop serves four exchanges at once; a fifth is told it is busy, and
// the others complete.
func TestPeerServerIsBusyBeyondFourExchanges(t *testing.T) {
	root, keys := booth.NewEventKeys()
	srv := newPeerLaptop(t, root, keys, nil, "served")
	bs := &blockingStore{memStore: srv.store, entered: make(chan struct{}, 8), release: make(chan struct{})}
	cfg := booth.PeerTLS(srv.cert, srv.trust)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := (&booth.PeerServer{Store: bs, Trust: srv.trust}).HTTPServer(cfg)
	go hs.Serve(ln)
	defer hs.Close()
	errs := make(chan error, 4)
	for range 4 {
		l := newPeerLaptop(t, root, keys, nil, "client")
		go func() { _, err := l.client().Exchange(context.Background(), ln.Addr().String()); errs <- err }()
	}
	for range 4 {
		<-bs.entered
	}
	fifth := newPeerLaptop(t, root, keys, nil, "fifth")
	if _, err := fifth.client().Exchange(context.Background(), ln.Addr().String()); !errors.Is(err, booth.ErrPeerBusy) {
		t.Errorf("the fifth exchange at once: %v", err)
	}
	close(bs.release)
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// An address that leads back to the laptop itself is refused as such, and
// a node leaves it out of its next rounds.
func TestPeerExchangeWithItself(t *testing.T) {
	root, keys := booth.NewEventKeys()
	l := newPeerLaptop(t, root, keys, nil, "mine")
	addr := l.serve(t)
	c := l.client()
	c.Self = l.is.KeyID()
	if _, err := c.Exchange(context.Background(), addr); !errors.Is(err, booth.ErrPeerSelf) {
		t.Fatalf("an exchange with itself: %v", err)
	}
	n := &booth.PeerNode{Client: c, Addrs: func(context.Context) []string { return []string{addr} }, Interval: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	logged := make(chan error, 4)
	n.Log = func(_ booth.PeerResult, err error) { logged <- err; cancel() }
	n.Run(ctx)
	if err := <-logged; !errors.Is(err, booth.ErrPeerSelf) {
		t.Errorf("the node's round: %v", err)
	}
	if got := n.Peers(context.Background()); len(got) != 0 {
		t.Errorf("the node still lists %v", got)
	}
	if l.store.merges != 0 {
		t.Errorf("%d deltas merged", l.store.merges)
	}
}

// After a full exchange, one with nothing new on either side makes no
// delta (two vectors travel); something new on one side travels at once,
// and a full exchange comes again after FullEvery.
func TestPeerIdleExchangeMakesNoDelta(t *testing.T) {
	root, keys := booth.NewEventKeys()
	a := newPeerLaptop(t, root, keys, nil, "a1")
	b := newPeerLaptop(t, root, keys, nil, "b1")
	addr := b.serve(t)
	c := a.client()
	c.FullEvery = time.Hour
	ctx := context.Background()
	deltas := func() int {
		a.store.mu.Lock()
		b.store.mu.Lock()
		defer a.store.mu.Unlock()
		defer b.store.mu.Unlock()
		return a.store.deltas + b.store.deltas
	}
	if _, err := c.Exchange(ctx, addr); err != nil || deltas() != 2 {
		t.Fatalf("the first exchange: %v, %d deltas", err, deltas())
	}
	if res, err := c.Exchange(ctx, addr); err != nil || deltas() != 2 || res.Sent != 0 || res.Received != 0 {
		t.Fatalf("an idle exchange: %v, %d deltas, %+v", err, deltas(), res)
	}
	b.store.mu.Lock()
	b.store.words["b2"] = true
	b.store.mu.Unlock()
	if _, err := c.Exchange(ctx, addr); err != nil || deltas() != 3 || !a.store.words["b2"] {
		t.Fatalf("after a change on b: %v, %d deltas, a has %v", err, deltas(), a.store.words)
	}
	c.FullEvery = time.Nanosecond
	if _, err := c.Exchange(ctx, addr); err != nil || deltas() != 5 {
		t.Fatalf("a full exchange: %v, %d deltas", err, deltas())
	}
}

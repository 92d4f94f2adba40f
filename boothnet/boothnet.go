// Package boothnet runs a laptop on the booth network: it listens for the
// other laptops of its event, finds them by multicast DNS or by the
// addresses typed in, and exchanges changes with them (booth's PeerNode,
// PeerServer and PeerClient over data's PeerStore). The desk's window and
// "medibooth booth serve" run it alike.
package boothnet

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// Link is what a laptop needs to take part: its certificate, the event's
// trust, and its store.
type Link struct {
	db    *data.DB
	tls   *tls.Config
	trust booth.PeerTrust
	keyID string
}

// NewLink makes this laptop's certificate from its key and the event's.
func NewLink(ctx context.Context, db *data.DB) (*Link, error) {
	is, err := db.Issuer(ctx)
	if err != nil {
		return nil, err
	}
	keys, revoked, err := db.SignerCheck(ctx)
	if err != nil {
		return nil, err
	}
	dev := db.Device()
	cert, err := booth.NewPeerCert(is, dev.ID, dev.Name, db.Now())
	if err != nil {
		return nil, err
	}
	trust := booth.PeerTrust{Keys: keys, Revoked: revoked}
	return &Link{db: db, tls: booth.PeerTLS(cert, trust), trust: trust, keyID: is.KeyID()}, nil
}

// Client makes exchanges as this laptop.
func (l *Link) Client() *booth.PeerClient {
	return &booth.PeerClient{Store: data.PeerStore{DB: l.db}, Trust: l.trust, TLS: l.tls, DeviceID: l.db.Device().ID, Self: l.keyID}
}

// Exchange makes one exchange with the laptop at addr and records it.
func (l *Link) Exchange(ctx context.Context, addr string) (booth.PeerResult, error) {
	res, err := l.Client().Exchange(ctx, addr)
	err = Explain(addr, err)
	l.record(ctx, res, err)
	return res, err
}

func (l *Link) record(ctx context.Context, r booth.PeerResult, err error) {
	msg := ""
	if err != nil {
		msg = booth.ErrorMessage(err)
	}
	l.db.RecordPeer(context.WithoutCancel(ctx), r, msg)
}

// Explain says in one sentence why an exchange with addr failed.
func Explain(addr string, err error) error {
	var be *booth.Error
	var ne net.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, booth.ErrPeerRefused):
		return booth.Errorf(booth.ECONFLICT, "The laptop at %s and this one did not accept each other (another event's laptop, a revoked key, or not a laptop of the event); nothing was exchanged.", addr)
	case errors.Is(err, booth.ErrPeerTooLarge):
		return booth.Errorf(booth.EINVALID, "The changes to exchange with %s are over %d MB, the most one exchange carries; nothing was merged.", addr, booth.MaxPeerDelta>>20)
	case errors.Is(err, booth.ErrPeerSelf):
		return booth.Errorf(booth.EINVALID, "The address %s leads back to this laptop itself; it is left out.", addr)
	case errors.Is(err, booth.ErrPeerBusy):
		return booth.Errorf(booth.EUNAVAILABLE, "The laptop at %s is busy with other laptops' exchanges; the next round tries again.", addr)
	case errors.Is(err, booth.ErrPeerProtocol):
		return booth.Errorf(booth.EINVALID, "The program at %s does not speak the booth network's protocol; nothing was exchanged.", addr)
	case errors.As(err, &be):
		return err
	case errors.Is(err, syscall.ENOSPC):
		return data.ErrDiskFull // a delta received, on a full disk
	case errors.Is(err, syscall.ECONNREFUSED):
		return booth.Errorf(booth.EUNAVAILABLE, "Nothing answers at %s: medibooth is not running there, or the address is not a laptop's of this booth.", addr)
	case errors.As(err, &ne) && ne.Timeout():
		return booth.Errorf(booth.EUNAVAILABLE, "The laptop at %s does not answer; check that it is on this network.", addr)
	case errors.As(err, &ne):
		return booth.Errorf(booth.EUNAVAILABLE, "Cannot reach the laptop at %s (%v); check that it is on the booth network.", addr, err)
	}
	return booth.Errorf(booth.EUNAVAILABLE, "The exchange with %s broke off (%v); what arrived whole is kept, try again.", addr, err)
}

// Options says how a laptop runs on the booth network.
type Options struct {
	// Listen is the address to listen on, HOST:PORT; "" is the booth
	// network's port on every interface.
	Listen string
	// AnyPort listens on any free port when Listen's is taken (another
	// program, or a second copy of medibooth on the same computer); the
	// port is then advertised by multicast DNS.
	AnyPort bool
	// NoMDNS neither advertises nor browses by multicast DNS.
	NoMDNS bool
	// Interval is the time between rounds of exchanges (5 s when zero).
	Interval time.Duration
	// Log gets every exchange, made ("exchanged with") or served
	// ("served"), once it is recorded; err is explained (Explain).
	Log func(role string, r booth.PeerResult, err error)
}

// Laptop is this laptop running on the booth network.
type Laptop struct {
	// Addr is where it listens.
	Addr net.Addr
	// Advertised is nil when multicast DNS advertises it, else why not.
	Advertised error

	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// ErrNoMDNS is Laptop.Advertised when Options.NoMDNS was set.
var ErrNoMDNS = errors.New("multicast DNS not used")

// Start puts this laptop on the booth network until ctx ends or Stop: it
// returns once it listens.
func Start(ctx context.Context, db *data.DB, o Options) (*Laptop, error) {
	link, err := NewLink(ctx, db)
	if err != nil {
		return nil, err
	}
	listen := o.Listen
	if listen == "" {
		listen = fmt.Sprintf(":%d", booth.PeerPort)
	}
	ln, err := tls.Listen("tcp", listen, link.tls)
	if err != nil && o.AnyPort {
		host, _, _ := net.SplitHostPort(listen)
		ln, err = tls.Listen("tcp", net.JoinHostPort(host, "0"), link.tls)
	}
	if err != nil {
		return nil, booth.Errorf(booth.EINVALID, "Cannot listen on %s: %v.", listen, err)
	}
	var logMu sync.Mutex
	logf := func(role string, r booth.PeerResult, err error) {
		err = Explain(r.Addr, err)
		link.record(ctx, r, err)
		if o.Log != nil {
			logMu.Lock()
			o.Log(role, r, err)
			logMu.Unlock()
		}
	}
	client := link.Client()
	client.Port = ln.Addr().(*net.TCPAddr).Port
	node := &booth.PeerNode{Client: client, Interval: o.Interval,
		Addrs:   func(ctx context.Context) []string { a, _ := db.PeerAddrs(ctx); return a },
		Changes: db.Held, Log: func(r booth.PeerResult, err error) { logf("exchanged with", r, err) }}
	srv := (&booth.PeerServer{Store: data.PeerStore{DB: db}, Trust: link.trust, Heard: node.Heard,
		Log: func(r booth.PeerResult, err error) { logf("served", r, err) }}).HTTPServer(link.tls)
	l := &Laptop{Addr: ln.Addr(), Advertised: ErrNoMDNS, done: make(chan struct{})}
	var stopMDNS func()
	if !o.NoMDNS {
		node.Discovery = &booth.PeerDiscovery{Instance: link.keyID, EventTag: link.trust.Keys.EventTag(), Port: client.Port}
		if stopMDNS, l.Advertised = node.Discovery.Advertise(); l.Advertised != nil {
			stopMDNS = nil
		}
	}
	ctx, l.cancel = context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); node.Run(ctx) }()
	go func() {
		defer wg.Done()
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	go func() {
		err := srv.Serve(ln)
		l.cancel()
		wg.Wait()
		if stopMDNS != nil {
			stopMDNS()
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			l.err = err
		}
		close(l.done)
	}()
	return l, nil
}

// Stop takes this laptop off the booth network and waits until it is.
func (l *Laptop) Stop() error {
	l.cancel()
	return l.Wait()
}

// Wait waits until the laptop is off the booth network (its context
// ended) and returns why, if not by Stop.
func (l *Laptop) Wait() error {
	<-l.done
	return l.err
}

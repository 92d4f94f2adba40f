package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// The booth network's commands: "booth serve" runs this laptop on it,
// "booth sync" makes one exchange, "booth status" says what it knows.

// peerLink is what this laptop needs to take part: its certificate, the
// event's trust, and its store.
type peerLink struct {
	db    *data.DB
	tls   *tls.Config
	trust booth.PeerTrust
	keyID string
}

func newPeerLink(ctx context.Context, db *data.DB) (*peerLink, error) {
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
	return &peerLink{db: db, tls: booth.PeerTLS(cert, trust), trust: trust, keyID: is.KeyID()}, nil
}

func (l *peerLink) client() *booth.PeerClient {
	return &booth.PeerClient{Store: data.PeerStore{DB: l.db}, Trust: l.trust, TLS: l.tls, DeviceID: l.db.Device().ID, Self: l.keyID}
}

// checkPeerAddr refuses an address that is not HOST:PORT.
func checkPeerAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if p, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
		return usagef("%q is not a laptop's address; give HOST:PORT, such as 192.168.8.12:%d.", addr, booth.PeerPort)
	}
	return nil
}

// peerError says in one sentence why an exchange with addr failed.
func peerError(addr string, err error) error {
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
	case errors.As(err, &ne):
		return booth.Errorf(booth.EUNAVAILABLE, "Cannot reach the laptop at %s (%v); check that it runs \"medibooth booth serve\" on this network.", addr, err)
	}
	return booth.Errorf(booth.EUNAVAILABLE, "The exchange with %s broke off (%v); what arrived whole is kept, try again.", addr, err)
}

// peerLine is the one log line of an exchange.
func peerLine(role string, r booth.PeerResult, err error) string {
	who := r.Addr
	if r.Peer.Name != "" {
		who = fmt.Sprintf("%s (%s, key %s)", r.Peer.Name, r.Addr, r.Peer.KeyID)
	}
	at := r.At
	if at.IsZero() {
		at = time.Now().UTC()
	}
	if err != nil {
		return fmt.Sprintf("%s %s %s: %s", at.Format(time.RFC3339), role, who, sentence(peerError(r.Addr, err)))
	}
	if r.Received == 0 && r.Sent == 0 {
		return fmt.Sprintf("%s %s %s: nothing new either way (%s).", at.Format(time.RFC3339), role, who, r.Took)
	}
	return fmt.Sprintf("%s %s %s: %d rows received, %d changed here, %d sent, %s in %s.", at.Format(time.RFC3339), role, who,
		r.Received, r.Changed, r.Sent, byteSize(r.Bytes), r.Took)
}

// runBoothServe runs this laptop on the booth network until interrupted.
func (m *Main) runBoothServe(ctx context.Context, args []string) error {
	fs := m.flags("booth serve")
	c := m.common(fs)
	addr := fs.String("addr", fmt.Sprintf(":%d", booth.PeerPort), "the address to listen on, HOST:PORT")
	var peers multi
	fs.Var(&peers, "peer", "another laptop's address, HOST:PORT (kept for next time)")
	noMDNS := fs.Bool("no-mdns", false, "do not advertise or browse by multicast DNS")
	every := fs.Duration("interval", 5*time.Second, "time between rounds of exchanges")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	for _, p := range peers {
		if err := checkPeerAddr(p); err != nil {
			return err
		}
	}
	if *every < 100*time.Millisecond || *every > time.Hour {
		return usagef("--interval is between 100ms and 1h.")
	}
	db, ev, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	link, err := newPeerLink(ctx, db)
	if err != nil {
		return err
	}
	for _, p := range peers {
		if err := db.AddPeerAddr(ctx, p); err != nil {
			return err
		}
	}
	ln, err := tls.Listen("tcp", *addr, link.tls)
	if err != nil {
		return booth.Errorf(booth.EINVALID, "Cannot listen on %s: %v.", *addr, err)
	}
	var logMu sync.Mutex
	logf := func(role string, r booth.PeerResult, err error) {
		msg := ""
		if err != nil {
			msg = sentence(peerError(r.Addr, err))
		}
		db.RecordPeer(context.WithoutCancel(ctx), r, msg)
		logMu.Lock()
		fmt.Fprintln(m.Stdout, peerLine(role, r, err))
		logMu.Unlock()
	}
	client := link.client()
	client.Port = ln.Addr().(*net.TCPAddr).Port
	node := &booth.PeerNode{Client: client, Interval: *every,
		Addrs:   func(ctx context.Context) []string { a, _ := db.PeerAddrs(ctx); return a },
		Changes: db.Held, Log: func(r booth.PeerResult, err error) { logf("exchanged with", r, err) }}
	srv := (&booth.PeerServer{Store: data.PeerStore{DB: db}, Trust: link.trust, Heard: node.Heard,
		Log: func(r booth.PeerResult, err error) { logf("served", r, err) }}).HTTPServer(link.tls)
	mdnsNote := "not advertised by multicast DNS"
	if !*noMDNS {
		node.Discovery = &booth.PeerDiscovery{Instance: link.keyID, EventTag: link.trust.Keys.EventTag(), Port: client.Port}
		if stop, err := node.Discovery.Advertise(); err != nil {
			mdnsNote = fmt.Sprintf("not advertised (%v): give the other laptops this address with --peer", err)
		} else {
			defer stop()
			mdnsNote = "advertised by multicast DNS"
		}
	}
	fmt.Fprintf(m.Stdout, "%s of %q is on the booth network at %s, %s (stop with Ctrl+C).\n", db.Device().Name, ev.Name, ln.Addr(), mdnsNote)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); node.Run(ctx) }()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	err = srv.Serve(ln)
	wg.Wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// runBoothSync makes one exchange with the laptop at --peer.
func (m *Main) runBoothSync(ctx context.Context, args []string) error {
	fs := m.flags("booth sync")
	c := m.common(fs)
	addr := fs.String("peer", "", "the other laptop's address, HOST:PORT")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *addr == "" {
		return usagef("\"booth sync\" needs --peer HOST:PORT.")
	}
	if err := checkPeerAddr(*addr); err != nil {
		return err
	}
	db, _, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	link, err := newPeerLink(ctx, db)
	if err != nil {
		return err
	}
	res, err := link.client().Exchange(ctx, *addr)
	msg := ""
	if err != nil {
		msg = sentence(peerError(*addr, err))
	}
	db.RecordPeer(context.WithoutCancel(ctx), res, msg)
	if err != nil {
		return peerError(*addr, err)
	}
	return m.print(c, res, peerLine("exchanged with", res, nil)+"\n")
}

// boothStatus is "booth status --json".
type boothStatus struct {
	Device   string           `json:"device"`
	DeviceID string           `json:"device_id"`
	KeyID    string           `json:"key_id"`
	EventTag string           `json:"event_tag"`
	Vector   map[string]int64 `json:"vector"`
	Addrs    []string         `json:"addrs"` // typed in
	Peers    []data.PeerSeen  `json:"peers"`
}

// runBoothStatus says what this laptop knows of the booth network.
func (m *Main) runBoothStatus(ctx context.Context, args []string) error {
	fs := m.flags("booth status")
	c := m.common(fs)
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	db, ev, err := m.openEvent(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	is, err := db.Issuer(ctx)
	if err != nil {
		return err
	}
	st := boothStatus{Device: db.Device().Name, DeviceID: db.Device().ID, KeyID: is.KeyID(), EventTag: is.Keys.EventTag()}
	if st.Vector, err = db.PeerState(ctx); err != nil {
		return err
	}
	if st.Addrs, err = db.PeerAddrs(ctx); err != nil {
		return err
	}
	if st.Peers, err = db.PeersSeen(ctx); err != nil {
		return err
	}
	if st.Addrs == nil {
		st.Addrs = []string{}
	}
	return m.print(c, st, boothStatusText(st, ev))
}

func boothStatusText(st boothStatus, ev *booth.Event) string {
	loc, err := time.LoadLocation(ev.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	var b strings.Builder
	fmt.Fprintf(&b, "This laptop: %s (key %s) of %q.\n", st.Device, st.KeyID, ev.Name)
	if len(st.Addrs) > 0 {
		fmt.Fprintf(&b, "Addresses typed in: %s.\n", strings.Join(st.Addrs, ", "))
	}
	if len(st.Peers) == 0 {
		b.WriteString("No exchange with another laptop yet.\n")
	}
	for _, p := range st.Peers {
		last := "never completed"
		if p.LastOK != nil {
			last = "last exchange " + p.LastOK.In(loc).Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(&b, "%s (%s, key %s): %s, %d changes waiting to go", p.Name, p.Addr, p.KeyID, last, p.Waiting)
		if p.Error != "" {
			fmt.Fprintf(&b, "; the latest try failed: %s", p.Error)
		}
		b.WriteString("\n")
	}
	ids := make([]string, 0, len(st.Vector))
	for id := range st.Vector {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	b.WriteString("Changes held, by laptop (device id: highest sequence):\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "  %s: %d\n", id, st.Vector[id])
	}
	return b.String()
}

package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"medibooth/booth"
	"medibooth/boothnet"
	"medibooth/data"
)

// The booth network's commands: "booth serve" runs this laptop on it,
// "booth sync" makes one exchange, "booth status" says what it knows.

// checkPeerAddr refuses an address that is not HOST:PORT.
func checkPeerAddr(addr string) error {
	if _, err := booth.PeerAddr(addr); err != nil || !strings.Contains(addr, ":") {
		return usagef("%q is not a laptop's address; give HOST:PORT, such as 192.168.8.12:%d.", addr, booth.PeerPort)
	}
	return nil
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
		return fmt.Sprintf("%s %s %s: %s", at.Format(time.RFC3339), role, who, sentence(err))
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
	for _, p := range peers {
		if err := db.AddPeerAddr(ctx, p); err != nil {
			return err
		}
	}
	laptop, err := boothnet.Start(ctx, db, boothnet.Options{Listen: *addr, NoMDNS: *noMDNS, Interval: *every,
		Log: func(role string, r booth.PeerResult, err error) { fmt.Fprintln(m.Stdout, peerLine(role, r, err)) }})
	if err != nil {
		return err
	}
	mdnsNote := "advertised by multicast DNS"
	switch {
	case errors.Is(laptop.Advertised, boothnet.ErrNoMDNS):
		mdnsNote = "not advertised by multicast DNS"
	case laptop.Advertised != nil:
		mdnsNote = fmt.Sprintf("not advertised (%v): give the other laptops this address with --peer", laptop.Advertised)
	}
	fmt.Fprintf(m.Stdout, "%s of %q is on the booth network at %s, %s (stop with Ctrl+C).\n", db.Device().Name, ev.Name, laptop.Addr, mdnsNote)
	return laptop.Wait()
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
	link, err := boothnet.NewLink(ctx, db)
	if err != nil {
		return err
	}
	res, err := link.Exchange(ctx, *addr)
	if err != nil {
		return err
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

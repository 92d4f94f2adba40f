package booth

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/mdns"
)

// Discovery: each laptop advertises PeerService by multicast DNS (DNS-SD)
// with its port and, in a TXT record, its event's tag (EventKeys.EventTag:
// four hex digits of the root key's hash, never the event's name), and
// browses for the others of the same tag. The tag only saves exchanges
// with laptops of other events, which the handshake would refuse anyway.

// PeerDiscovery advertises this laptop and finds the others of its event.
type PeerDiscovery struct {
	// Instance names this laptop (its key id): unique, and how it skips
	// itself when browsing.
	Instance string
	EventTag string
	Port     int
	// Iface is the network interface to use; nil for the system's
	// multicast interface.
	Iface *net.Interface
}

var quietLog = log.New(io.Discard, "", 0)

// Advertise answers other laptops' queries until stop is called.
func (d *PeerDiscovery) Advertise() (stop func(), err error) {
	ips, err := d.addrs()
	if err != nil {
		return nil, err
	}
	host := "mb-" + d.Instance + ".local."
	svc, err := mdns.NewMDNSService(d.Instance, PeerService, "local.", host, d.Port, ips, []string{"event=" + d.EventTag, "v=1"})
	if err != nil {
		return nil, err
	}
	srv, err := mdns.NewServer(&mdns.Config{Zone: svc, Iface: d.Iface, Logger: quietLog})
	if err != nil {
		return nil, fmt.Errorf("multicast DNS: %w", err)
	}
	return func() { srv.Shutdown() }, nil
}

// addrs are the IPv4 addresses this laptop is reached at: the interface's,
// or every interface's that is up and not loopback (loopback when there is
// no other).
func (d *PeerDiscovery) addrs() ([]net.IP, error) {
	ifaces := []net.Interface{}
	if d.Iface != nil {
		ifaces = append(ifaces, *d.Iface)
	} else {
		all, err := net.Interfaces()
		if err != nil {
			return nil, err
		}
		ifaces = all
	}
	var ips, loop []net.IP
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.To4() == nil {
				continue
			}
			if ipn.IP.IsLoopback() {
				loop = append(loop, ipn.IP)
			} else {
				ips = append(ips, ipn.IP)
			}
		}
	}
	if len(ips) == 0 {
		ips = loop
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("multicast DNS: no IPv4 address to advertise")
	}
	return ips, nil
}

// Browse asks the network for laptops of our event for at most wait, and
// returns their addresses (host:port), ourselves left out.
func (d *PeerDiscovery) Browse(ctx context.Context, wait time.Duration) ([]string, error) {
	entries := make(chan *mdns.ServiceEntry, 64)
	q := &mdns.QueryParam{Service: PeerService, Domain: "local", Timeout: wait, Interface: d.Iface, Entries: entries,
		DisableIPv6: true, Logger: quietLog}
	errc := make(chan error, 1)
	go func() { errc <- mdns.QueryContext(ctx, q); close(entries) }()
	var out []string
	for e := range entries {
		if strings.HasPrefix(e.Name, d.Instance+".") || !slices.Contains(e.InfoFields, "event="+d.EventTag) || e.AddrV4 == nil || e.Port == 0 {
			continue
		}
		addr := net.JoinHostPort(e.AddrV4.String(), fmt.Sprint(e.Port))
		if !slices.Contains(out, addr) {
			out = append(out, addr)
		}
	}
	slices.Sort(out)
	return out, <-errc
}

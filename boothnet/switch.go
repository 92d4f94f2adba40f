package boothnet

import (
	"context"
	"net"
	"slices"
	"strconv"
	"sync"

	"medibooth/booth"
	"medibooth/data"
)

// Switch puts the desk's laptop on the booth network and takes it off, and
// keeps what the window shows of it: where it listens, and the latest
// failure with each laptop.
type Switch struct {
	DB      *data.DB
	Options Options

	mu     sync.Mutex
	laptop *Laptop
	// errs is the latest exchange's failure by the other laptop's key id
	// (or by address, when it never said who it is); an exchange that
	// completes clears it.
	errs map[string]error
}

// SetOn starts the laptop on the booth network (if it is off) or stops it.
func (s *Switch) SetOn(on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !on {
		if s.laptop != nil {
			l := s.laptop
			s.laptop = nil
			s.mu.Unlock()
			l.Stop()
			s.mu.Lock()
		}
		return nil
	}
	if s.laptop != nil {
		return nil
	}
	o := s.Options
	log := o.Log
	o.Log = func(role string, r booth.PeerResult, err error) {
		s.remember(r, err)
		if log != nil {
			log(role, r, err)
		}
	}
	l, err := Start(context.Background(), s.DB, o)
	if err != nil {
		return err
	}
	s.laptop = l
	return nil
}

func (s *Switch) remember(r booth.PeerResult, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.errs == nil {
		s.errs = map[string]error{}
	}
	for _, k := range []string{r.Peer.KeyID, r.Addr} {
		if k == "" {
			continue
		}
		if err != nil {
			s.errs[k] = err
		} else {
			delete(s.errs, k)
		}
	}
}

// Status says whether the laptop is on the booth network, the port it
// listens on, and whether multicast DNS advertises it.
func (s *Switch) Status() (on bool, port int, advertised bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.laptop == nil {
		return false, 0, false
	}
	if a, ok := s.laptop.Addr.(*net.TCPAddr); ok {
		port = a.Port
	}
	return true, port, s.laptop.Advertised == nil
}

// LastError is the latest failure of an exchange with the laptop of that
// key id or address, nil when it completed.
func (s *Switch) LastError(keyOrAddr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errs[keyOrAddr]
}

// Addresses are this laptop's addresses on the local networks, HOST:PORT,
// to type in on another laptop where multicast is blocked; none when it is
// off the booth network.
func (s *Switch) Addresses() []string {
	on, port, _ := s.Status()
	if !on {
		return nil
	}
	return LocalAddrs(port)
}

// LocalAddrs are this computer's IPv4 addresses on the networks that are
// up, other than loopback, with port.
func LocalAddrs(port int) []string {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []string
	for _, i := range ifs {
		if i.Flags&net.FlagUp == 0 || i.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := i.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ip, ok := a.(*net.IPNet)
			if !ok || ip.IP.To4() == nil || ip.IP.IsLinkLocalUnicast() {
				continue
			}
			out = append(out, net.JoinHostPort(ip.IP.String(), strconv.Itoa(port)))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

package booth

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// PeerNode runs a laptop on the booth network: it serves the others (its
// caller runs PeerServer) and pulls from and pushes to every laptop it
// knows, every Interval and soon after anything changed here: a write on
// this laptop, or a delta from another one, which it hands on at once. No laptop
// is a server: each one does both, so the loss of any one stops nobody.
type PeerNode struct {
	Client *PeerClient
	// Discovery finds laptops by multicast DNS; nil when multicast is not
	// used.
	Discovery *PeerDiscovery
	// Addrs returns the addresses typed in (host:port).
	Addrs func(ctx context.Context) []string
	// Changes grows with every write on this laptop (by any process) and
	// every delta merged.
	Changes func(ctx context.Context) (int64, error)
	// Interval between rounds (5 s when zero).
	Interval time.Duration
	// Log gets every exchange.
	Log func(PeerResult, error)

	mu    sync.Mutex
	found map[string]time.Time // discovered addresses, last seen
	self  map[string]bool      // addresses that led back to this laptop
}

// Run runs rounds until ctx ends.
func (n *PeerNode) Run(ctx context.Context) error {
	every := n.Interval
	if every == 0 {
		every = 5 * time.Second
	}
	if n.Discovery != nil {
		go n.browse(ctx, every)
	}
	poll := time.NewTicker(min(every, 250*time.Millisecond))
	defer poll.Stop()
	last, _ := n.changes(ctx)
	next := time.Now()
	for {
		if !time.Now().Before(next) {
			n.round(ctx)
			next = time.Now().Add(every)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-poll.C:
			if c, err := n.changes(ctx); err == nil && c != last {
				last, next = c, time.Now() // something new here: send it now
			}
		}
	}
}

func (n *PeerNode) changes(ctx context.Context) (int64, error) {
	if n.Changes == nil {
		return 0, nil
	}
	return n.Changes(ctx)
}

// browse keeps the discovered addresses.
func (n *PeerNode) browse(ctx context.Context, every time.Duration) {
	for ctx.Err() == nil {
		addrs, _ := n.Discovery.Browse(ctx, time.Second)
		now := time.Now()
		n.mu.Lock()
		if n.found == nil {
			n.found = map[string]time.Time{}
		}
		for _, a := range addrs {
			n.found[a] = now
		}
		n.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-time.After(every):
		}
	}
}

// Heard adds the address of a laptop that exchanged with us (PeerServer's
// Heard): it is kept like one discovered.
func (n *PeerNode) Heard(addr string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.found == nil {
		n.found = map[string]time.Time{}
	}
	n.found[addr] = time.Now()
}

// Peers returns the addresses of this round: typed in and discovered.
func (n *PeerNode) Peers(ctx context.Context) []string {
	var out []string
	if n.Addrs != nil {
		out = append(out, n.Addrs(ctx)...)
	}
	every := n.Interval
	if every == 0 {
		every = 5 * time.Second
	}
	n.mu.Lock()
	for a, t := range n.found {
		// Forgotten when neither seen nor heard of for a minute (or three
		// rounds); typed-in addresses stay.
		if time.Since(t) > max(time.Minute, 3*every) {
			delete(n.found, a)
			continue
		}
		out = append(out, a)
	}
	n.mu.Unlock()
	slices.Sort(out)
	out = slices.Compact(out)
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.DeleteFunc(out, func(a string) bool { return n.self[a] })
}

// round exchanges with every laptop known, one after the other.
func (n *PeerNode) round(ctx context.Context) {
	for _, addr := range n.Peers(ctx) {
		if ctx.Err() != nil {
			return
		}
		res, err := n.Client.Exchange(ctx, addr)
		if errors.Is(err, ErrPeerSelf) {
			// An address typed in on every laptop, this one's own among
			// them: said once, then left out.
			n.mu.Lock()
			if n.self == nil {
				n.self = map[string]bool{}
			}
			n.self[addr] = true
			n.mu.Unlock()
		}
		if n.Log != nil {
			n.Log(res, err)
		}
	}
}

// Package netns makes small networks for tests: two Linux network
// namespaces joined by a veth pair, which carry link-local multicast (as a
// travel router's Wi-Fi does) and reach nothing else. It needs root and
// iproute2; Pair skips the test without them.
package netns

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Side is one end of a pair: a namespace, its interface and address.
type Side struct {
	Name  string // the namespace, for "ip netns exec"
	Iface string // the veth interface inside it
	IP    string // its IPv4 address
}

// Command runs name with args inside the namespace, killed when ctx ends.
func (s Side) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", s.Name, name}, args...)...)
}

// Pair makes two namespaces joined by a veth pair on a /24 of their own,
// removed when the test ends.
func Pair(tb testing.TB) (a, b Side) {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		tb.Skip("network namespaces need iproute2 (ip)")
	}
	n := os.Getpid() % 100000
	net3 := fmt.Sprintf("10.%d.%d", 200+n%50, n%250)
	a = Side{Name: fmt.Sprintf("mbna%d", n), Iface: "veth0", IP: net3 + ".1"}
	b = Side{Name: fmt.Sprintf("mbnb%d", n), Iface: "veth1", IP: net3 + ".2"}
	run := func(args ...string) {
		tb.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			tb.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	for _, s := range []Side{a, b} {
		run("netns", "add", s.Name)
		tb.Cleanup(func() { exec.Command("ip", "netns", "del", s.Name).Run() })
	}
	run("link", "add", a.Iface, "netns", a.Name, "type", "veth", "peer", "name", b.Iface, "netns", b.Name)
	for _, s := range []Side{a, b} {
		run("-n", s.Name, "addr", "add", s.IP+"/24", "dev", s.Iface)
		run("-n", s.Name, "link", "set", "lo", "up")
		run("-n", s.Name, "link", "set", s.Iface, "up")
		run("-n", s.Name, "route", "add", "224.0.0.0/4", "dev", s.Iface)
	}
	return a, b
}

package booth_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
)

// Discovery is tested on a network of its own: two network namespaces
// joined by a veth pair, which carries link-local multicast as a travel
// router's Wi-Fi does and reaches nothing else. The test binary runs itself
// in each namespace (ip netns exec) as a laptop that advertises and
// browses; laptop A also advertises a laptop of another event, which B must
// not list. It needs root and iproute2, and is skipped without them.
func TestPeerDiscoveryInNamespaces(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("network namespaces need iproute2 (ip)")
	}
	n := os.Getpid() % 100000
	a, b := fmt.Sprintf("mbpa%d", n), fmt.Sprintf("mbpb%d", n)
	net3 := fmt.Sprintf("10.%d.%d", 200+n%50, n%250)
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("netns", "add", a)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", a).Run() })
	run("netns", "add", b)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", b).Run() })
	run("link", "add", "veth0", "netns", a, "type", "veth", "peer", "name", "veth1", "netns", b)
	for i, ns := range []string{a, b} {
		dev := fmt.Sprintf("veth%d", i)
		run("-n", ns, "addr", "add", fmt.Sprintf("%s.%d/24", net3, i+1), "dev", dev)
		run("-n", ns, "link", "set", "lo", "up")
		run("-n", ns, "link", "set", dev, "up")
		run("-n", ns, "route", "add", "224.0.0.0/4", "dev", dev)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// child runs a laptop in ns; its lines arrive on the channel.
	child := func(ns, spec string) (chan string, io.WriteCloser) {
		cmd := exec.CommandContext(ctx, "ip", "netns", "exec", ns, os.Args[0], "-test.run=^TestPeerDiscoveryChild$")
		cmd.Env = append(os.Environ(), "MEDIBOOTH_CHILD="+spec)
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { in.Close(); cmd.Wait() })
		lines := make(chan string, 64)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		return lines, in
	}
	la, ina := child(a, "veth0,beef,a,47001,other")
	lb, inb := child(b, "veth1,beef,b,47002,")
	wantA, wantB := net3+".2:47002", net3+".1:47001"
	gotA, gotB := waitFound(t, ctx, la, wantA), waitFound(t, ctx, lb, wantB)
	ina.Close()
	inb.Close()
	if slices.Contains(gotB, net3+".1:47009") {
		t.Errorf("B lists the laptop of another event: %v", gotB)
	}
	t.Logf("A found %v, B found %v", gotA, gotB)
}

// waitFound reads a child's lines until it lists want, and returns that
// list.
func waitFound(t *testing.T, ctx context.Context, lines chan string, want string) []string {
	t.Helper()
	for {
		select {
		case <-ctx.Done():
			t.Fatalf("no laptop found %s in time", want)
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the laptop stopped before it found %s", want)
			}
			found := strings.Fields(strings.TrimPrefix(l, "found"))
			if strings.HasPrefix(l, "found") && slices.Contains(found, want) {
				return found
			}
		}
	}
}

// TestPeerDiscoveryChild is one laptop of TestPeerDiscoveryInNamespaces:
// MEDIBOOTH_CHILD is "interface,event tag,instance,port,other instance". It
// advertises (the other instance under another event's tag, on port 47009),
// prints what each browse finds, and stops when its standard input closes.
func TestPeerDiscoveryChild(t *testing.T) {
	spec := strings.Split(os.Getenv("MEDIBOOTH_CHILD"), ",")
	if len(spec) != 5 {
		t.Skip("run by TestPeerDiscoveryInNamespaces")
	}
	ifc, err := net.InterfaceByName(spec[0])
	if err != nil {
		t.Fatal(err)
	}
	var port int
	fmt.Sscan(spec[3], &port)
	d := &booth.PeerDiscovery{Instance: spec[2], EventTag: spec[1], Port: port, Iface: ifc}
	stop, err := d.Advertise()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if spec[4] != "" {
		o := &booth.PeerDiscovery{Instance: spec[4], EventTag: "dead", Port: 47009, Iface: ifc}
		stopOther, err := o.Advertise()
		if err != nil {
			t.Fatal(err)
		}
		defer stopOther()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { io.Copy(io.Discard, os.Stdin); cancel() }()
	for ctx.Err() == nil {
		found, err := d.Browse(ctx, time.Second)
		if err != nil && ctx.Err() == nil {
			t.Fatal(err)
		}
		fmt.Println("found", strings.Join(found, " "))
	}
}

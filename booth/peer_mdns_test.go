package booth_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/booth/netns"
)

// Discovery is tested on a network of its own: two network namespaces
// joined by a veth pair, which carries link-local multicast as a travel
// router's Wi-Fi does and reaches nothing else. The test binary runs itself
// in each namespace (ip netns exec) as a laptop that advertises and
// browses; laptop A also advertises a laptop of another event, which B must
// not list. It needs root and iproute2, and is skipped without them.
func TestPeerDiscoveryInNamespaces(t *testing.T) {
	a, b := netns.Pair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// child runs a laptop in ns; its lines arrive on the channel.
	child := func(ns netns.Side, spec string) (chan string, io.WriteCloser) {
		cmd := ns.Command(ctx, os.Args[0], "-test.run=^TestPeerDiscoveryChild$")
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
	la, ina := child(a, a.Iface+",beef,a,47001,other")
	lb, inb := child(b, b.Iface+",beef,b,47002,")
	wantA, wantB := b.IP+":47002", a.IP+":47001"
	gotA, gotB := waitFound(t, ctx, la, wantA), waitFound(t, ctx, lb, wantB)
	ina.Close()
	inb.Close()
	if slices.Contains(gotB, a.IP+":47009") {
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

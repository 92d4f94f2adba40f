package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"medibooth/booth/netns"
)

// TestCLIBoothFindsLaptopsByMulticast: two laptops, each "booth serve" in
// a network namespace of its own joined to the other's by a veth pair,
// given no address: they find each other by multicast DNS and reach one
// state. (The test binary runs as medibooth in each namespace; see
// TestMain.)
func TestCLIBoothFindsLaptopsByMulticast(t *testing.T) {
	sideA, sideB := netns.Pair(t)
	_, pkg := syncEvent(t, "Almaty Health Consultation")
	a, b := syncLaptop(t, pkg, "Desk A"), syncLaptop(t, pkg, "Desk B")
	syncWork(t, a, "Айгерим", 1)
	syncWork(t, b, "Emre", 1)
	ctx, cancel := context.WithTimeout(context.Background(), peerDeadline)
	defer cancel()
	serve := func(side netns.Side, l *cli) *lockedBuffer {
		cmd := side.Command(ctx, os.Args[0], "booth", "serve", "--addr", side.IP+":47123", "--interval", "300ms")
		cmd.Env = append(os.Environ(), "MEDIBOOTH_CHILD=1", "MEDIBOOTH_DATA="+l.env["MEDIBOOTH_DATA"], "LANG=en_US.UTF-8")
		out := &lockedBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return out
	}
	logA, logB := serve(sideA, a), serve(sideB, b)
	dbA, dbB := peerDB(t, a), peerDB(t, b)
	peerWait(t, "the laptops find each other and agree", []*lockedBuffer{logA, logB}, func() bool {
		return strings.Contains(logA.String(), "exchanged with Desk B") && strings.Contains(logB.String(), "exchanged with Desk A") &&
			peerHash(t, dbA) == peerHash(t, dbB)
	})
	if !regexp.MustCompile(`advertised by multicast DNS`).MatchString(logA.String()) {
		t.Errorf("A's log: %q", logA.String())
	}
	first, _, _ := strings.Cut(logA.String(), "\n")
	t.Logf("%s", first)
}

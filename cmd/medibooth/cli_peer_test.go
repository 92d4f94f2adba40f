package main

import (
	"context"
	"crypto/tls"
	"database/sql"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// The booth network between laptops run in this process, each a "booth
// serve" on its own loopback port; the tests wait on the servers' log
// lines and on the databases, never for a fixed time (the deadlines only
// bound a failure: the race detector makes an exchange take seconds).

const peerDeadline = 3 * time.Minute

// peerServe runs "booth serve" for laptop l on a loopback port and returns
// its address, its log and how to stop it.
func peerServe(t *testing.T, l *cli, extra ...string) (string, *lockedBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errs := &lockedBuffer{}, &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		m := &Main{Stdin: strings.NewReader(""), Stdout: out, Stderr: errs, Getenv: func(k string) string { return l.env[k] }}
		done <- m.Run(ctx, append([]string{"booth", "serve", "--addr", "127.0.0.1:0", "--no-mdns", "--interval", "300ms"}, extra...))
	}()
	addr := strings.TrimPrefix(out.waitFor(regexp.MustCompile(`network at 127\.0\.0\.1:\d+`)), "network at ")
	if addr == "" {
		cancel()
		t.Fatalf("booth serve did not start: %q %q", out.String(), errs.String())
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("booth serve did not stop")
		}
	}
	t.Cleanup(stop)
	return addr, out, stop
}

// peerDB opens a laptop's database beside its running server.
func peerDB(t *testing.T, l *cli) *data.DB {
	t.Helper()
	db, err := data.OpenDir(l.env["MEDIBOOTH_DATA"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// peerWait waits until cond holds, looking again after each line any of
// the logs gets.
func peerWait(t *testing.T, what string, logs []*lockedBuffer, cond func() bool) {
	t.Helper()
	wake := make(chan struct{}, 1)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, l := range logs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := len(l.String())
			for {
				select {
				case <-stop:
					return
				default:
				}
				if l.waitForMore(seen, stop) {
					seen = len(l.String())
					select {
					case wake <- struct{}{}:
					default:
					}
				}
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()
	deadline := time.After(peerDeadline)
	for !cond() {
		select {
		case <-wake:
		case <-deadline:
			t.Fatalf("%s: not within %v", what, peerDeadline)
		}
	}
}

// waitForMore waits until the buffer holds more than seen bytes (true) or
// stop closes (false).
func (l *lockedBuffer) waitForMore(seen int, stop chan struct{}) bool {
	l.mu.Lock()
	if l.written == nil {
		l.written = make(chan struct{}, 1)
	}
	written := l.written
	more := l.b.Len() > seen
	l.mu.Unlock()
	if more {
		return true
	}
	select {
	case <-written:
		return true
	case <-stop:
		return false
	}
}

func peerHash(t *testing.T, db *data.DB) string {
	t.Helper()
	h, err := db.StateHash(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestCLIBoothThreeLaptopsConverge: three desks on loopback register and
// check in visitors; a visitor registered on A and admitted on B is a
// duplicate on C (no more "green twice"); all three reach one state; an
// erasure on A reaches B, which then refuses the badge as erased.
func TestCLIBoothThreeLaptopsConverge(t *testing.T) {
	_, pkg := syncEvent(t, "Almaty Health Consultation")
	a, b, c := syncLaptop(t, pkg, "Desk A"), syncLaptop(t, pkg, "Desk B"), syncLaptop(t, pkg, "Doctors")
	addrA, logA, _ := peerServe(t, a)
	addrB, logB, _ := peerServe(t, b, "--peer", addrA)
	_, logC, _ := peerServe(t, c, "--peer", addrA, "--peer", addrB)
	logs := []*lockedBuffer{logA, logB, logC}
	dbA, dbB, dbC := peerDB(t, a), peerDB(t, b), peerDB(t, c)

	for i, l := range []*cli{a, b, c} {
		syncWork(t, l, []string{"Гүлнар", "Дмитрий", "Emre"}[i], 2)
	}
	var v syncVisitor
	a.mustJSON(&v, "visitor", "add", "--name", "Айгерим Нурланова", "--consent", "contact,health")
	if code, r := b.checkin(v.Code); code != exitOK {
		t.Fatalf("the first check-in on B: exit %d, %+v", code, r)
	}
	ctx := context.Background()
	peerWait(t, "C hears of B's check-in", logs, func() bool {
		scans, err := dbC.VisitorScans(ctx, v.ID)
		return err == nil && len(scans) > 0
	})
	code, r := c.checkin(v.Code)
	if code != exitDuplicate || r.Decision != booth.Duplicate || r.FirstOn != "Desk B" {
		t.Fatalf("the second check-in on C: exit %d, %+v", code, r)
	}
	peerWait(t, "the three laptops agree", logs, func() bool {
		h := peerHash(t, dbA)
		return peerHash(t, dbB) == h && peerHash(t, dbC) == h
	})

	var erased map[string]any
	a.mustJSON(&erased, "visitor", "erase", v.ID)
	peerWait(t, "B hears of the erasure", logs, func() bool {
		got, err := dbB.Visitor(ctx, v.ID)
		return err == nil && got.Erased
	})
	if code, r := b.checkin(v.Code); code != exitRejected || r.Reason != booth.ReasonErased {
		t.Fatalf("the erased visitor's badge on B: exit %d, %+v", code, r)
	}
	if res, err := dbB.FindVisitors(ctx, "Айгерим", 10); err != nil || len(res) != 0 {
		t.Errorf("B still finds the erased visitor: %v %v", res, err)
	}

	// A was given no address: it learnt B's and C's from their exchanges,
	// and now sends its own writes to them itself.
	peerWait(t, "A exchanges with B and C by itself", logs, func() bool {
		return strings.Contains(logA.String(), "exchanged with Desk B") && strings.Contains(logA.String(), "exchanged with Doctors")
	})
	var st boothStatus
	c.mustJSON(&st, "booth", "status")
	if len(st.Peers) < 2 || len(st.Addrs) != 2 || st.Peers[0].LastOK == nil || len(st.Vector) < 4 {
		t.Errorf("booth status on C: %+v", st)
	}
}

// TestCLIBoothRefusesOutsiders: a laptop of another event, a revoked laptop
// and a client without the event's keys are refused at the handshake, and
// nothing is written on either side.
func TestCLIBoothRefusesOutsiders(t *testing.T) {
	_, pkg := syncEvent(t, "Almaty Health Consultation")
	a, gone := syncLaptop(t, pkg, "Desk A"), syncLaptop(t, pkg, "Lost laptop")
	_, otherPkg := syncEvent(t, "Tashkent Medical Expo")
	other := syncLaptop(t, otherPkg, "Expo desk")
	syncWork(t, gone, "Lost", 1)
	syncWork(t, other, "Expo", 1)
	var st boothStatus
	gone.mustJSON(&st, "booth", "status")
	a.mustJSON(&struct{}{}, "event", "revoke", st.KeyID, "--reason", "stolen")
	addrA, logA, _ := peerServe(t, a)
	dbA := peerDB(t, a)
	before := peerHash(t, dbA)
	for name, l := range map[string]*cli{"another event": other, "revoked": gone} {
		db := peerDB(t, l)
		was := peerHash(t, db)
		code, _, errs := l.run("booth", "sync", "--peer", addrA, "--json")
		if code != exitFailure || !strings.Contains(errs, "did not accept each other") {
			t.Errorf("%s: exit %d, %q", name, code, errs)
		}
		if peerHash(t, db) != was {
			t.Errorf("%s: its database changed", name)
		}
	}
	// A stranger: TLS without a certificate.
	conn, err := tls.Dial("tcp", addrA, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13})
	if err == nil {
		conn.SetDeadline(time.Now().Add(time.Minute))
		io.WriteString(conn, "POST /booth/v1/pull HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n\r\n{\"vector\":{}}")
		_, err = conn.Read(make([]byte, 1))
		conn.Close()
	}
	if err == nil {
		t.Error("a client without a certificate was answered")
	}
	if logA.waitFor(regexp.MustCompile(`served 127\.0\.0\.1:\d+: The laptop at`)) == "" {
		t.Errorf("the refusals are not in the log: %q", logA.String())
	}
	if peerHash(t, dbA) != before {
		t.Error("A's database changed")
	}
	// A laptop with no event at all has nothing to show.
	stranger := newCLI(t)
	if code, _, errs := stranger.run("booth", "sync", "--peer", addrA); code != exitFailure || errs == "" {
		t.Errorf("a laptop without an event: exit %d, %q", code, errs)
	}
	if code, _, _ := a.run("booth", "sync", "--peer", "nowhere"); code != exitUsage {
		t.Errorf("a bad address: exit %d", code)
	}
}

// cutProxy forwards TCP connections to target, passing at most limit
// bytes towards the client (down) or towards the server (up) before it
// closes the connection: a laptop that goes away in the middle.
func cutProxy(t *testing.T, target string, down, up int64) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			pipe := func(dst, src net.Conn, limit int64) {
				io.CopyN(dst, src, limit)
				dst.Close()
				src.Close()
			}
			go pipe(c, s, down)
			go pipe(s, c, up)
		}
	}()
	return ln.Addr().String()
}

func peerIntegrity(t *testing.T, db *data.DB) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var ok string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity check: %q %v", ok, err)
	}
}

// peerTwoDesks is two desks of an event that worked apart, B serving.
func peerTwoDesks(t *testing.T) (a, b *cli, addrB string, logB *lockedBuffer) {
	t.Helper()
	_, pkg := syncEvent(t, "Almaty Health Consultation")
	a, b = syncLaptop(t, pkg, "Desk A"), syncLaptop(t, pkg, "Desk B")
	syncWork(t, a, "Desk A visitor", 3)
	syncWork(t, b, "Desk B visitor", 3)
	addrB, logB, _ = peerServe(t, b)
	return a, b, addrB, logB
}

// TestCLIBoothCutMidExchange: a link cut while a delta travels, either
// way, leaves both databases whole and as they were; the next exchange
// completes.
func TestCLIBoothCutMidExchange(t *testing.T) {
	a, b, addrB, _ := peerTwoDesks(t)
	dbA, dbB := peerDB(t, a), peerDB(t, b)
	hashA, hashB := peerHash(t, dbA), peerHash(t, dbB)
	for name, proxy := range map[string]string{
		// Each request has a connection of its own; a TLS handshake takes
		// about 1 KB each way and a delta here some 10 KB gzipped, so
		// 2,500 bytes cut the delta.
		"cut while B answers":      cutProxy(t, addrB, 2500, 1<<30),
		"cut while A sends to B":   cutProxy(t, addrB, 1<<30, 2500),
		"cut in the TLS handshake": cutProxy(t, addrB, 200, 1<<30),
	} {
		code, _, errs := a.run("booth", "sync", "--peer", proxy)
		if code != exitFailure || errs == "" {
			t.Errorf("%s: exit %d, %q", name, code, errs)
		}
		peerIntegrity(t, dbA)
		peerIntegrity(t, dbB)
		if peerHash(t, dbB) != hashB {
			t.Errorf("%s: B's database changed", name)
		}
		if name != "cut while A sends to B" && peerHash(t, dbA) != hashA {
			t.Errorf("%s: A's database changed", name)
		}
		hashA = peerHash(t, dbA) // a pull that completed before the cut is kept
	}
	var res booth.PeerResult
	a.mustJSON(&res, "booth", "sync", "--peer", addrB)
	if res.Peer.Name != "Desk B" || res.Sent == 0 {
		t.Errorf("the exchange after the cuts: %+v", res)
	}
	t.Logf("the whole exchange: %d bytes, %d rows received, %d sent", res.Bytes, res.Received, res.Sent)
	if h := peerHash(t, dbB); h == hashB || h != peerHash(t, dbA) {
		t.Error("A and B differ after a whole exchange")
	}
}

// TestCLIBoothSyncKilled: "booth sync" killed at moments spread over an
// exchange leaves both databases whole, and the next start of medibooth
// removes the clear-text deltas it left; then an exchange completes.
func TestCLIBoothSyncKilled(t *testing.T) {
	a, b, addrB, logB := peerTwoDesks(t)
	dirA := a.env["MEDIBOOTH_DATA"]
	kills, left := 0, 0
	for i := range 16 {
		_, _, killed := runKilled(t, dirA, time.Duration(i)*12*time.Millisecond, "booth", "sync", "--peer", addrB)
		if killed {
			kills++
		}
		left += len(plaintextLeft(dirA))
		dbA, dbB := peerDB(t, a), peerDB(t, b) // opening A removes what a killed run left
		peerIntegrity(t, dbA)
		peerIntegrity(t, dbB)
		if l := plaintextLeft(dirA); len(l) > 0 {
			t.Errorf("clear-text files left after a start: %v", l)
		}
		dbA.Close()
		dbB.Close()
	}
	var res booth.PeerResult
	a.mustJSON(&res, "booth", "sync", "--peer", addrB)
	if h := peerHash(t, peerDB(t, a)); h != peerHash(t, peerDB(t, b)) {
		t.Error("A and B differ after a whole exchange")
	}
	// B removes a delta when the exchange it came with ends, before it
	// logs that exchange; one of a killed run may still be merging.
	peerWait(t, "B removes the deltas it received", []*lockedBuffer{logB}, func() bool {
		return len(plaintextLeft(b.env["MEDIBOOTH_DATA"])) == 0
	})
	t.Logf("%d of 16 runs killed, %d clear-text deltas left by them (removed at the next start)", kills, left)
}

// TestCLIBoothPartitionHeals: a laptop off the network works alone; when it
// comes back (on another port), it and the others exchange what each did
// meanwhile, and all reach one state.
func TestCLIBoothPartitionHeals(t *testing.T) {
	_, pkg := syncEvent(t, "Almaty Health Consultation")
	a, b, c := syncLaptop(t, pkg, "Desk A"), syncLaptop(t, pkg, "Desk B"), syncLaptop(t, pkg, "Doctors")
	addrA, logA, _ := peerServe(t, a)
	_, logB, _ := peerServe(t, b, "--peer", addrA)
	_, logC, stopC := peerServe(t, c, "--peer", addrA)
	dbA, dbB, dbC := peerDB(t, a), peerDB(t, b), peerDB(t, c)
	agree := func() bool {
		h := peerHash(t, dbA)
		return peerHash(t, dbB) == h && peerHash(t, dbC) == h
	}
	syncWork(t, a, "Before", 1)
	peerWait(t, "the three agree", []*lockedBuffer{logA, logB, logC}, agree)
	stopC()
	syncWork(t, c, "Offline", 2) // the doctors' laptop alone
	syncWork(t, b, "Meanwhile", 2)
	peerWait(t, "A and B agree without C", []*lockedBuffer{logA, logB}, func() bool { return peerHash(t, dbA) == peerHash(t, dbB) })
	if peerHash(t, dbC) == peerHash(t, dbA) {
		t.Fatal("the laptop off the network has what the others did")
	}
	_, logC, _ = peerServe(t, c) // back, on another port: the address kept brings it to A
	peerWait(t, "the three agree again", []*lockedBuffer{logA, logB, logC}, agree)
}
